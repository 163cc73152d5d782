import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models, optimizers, metrics } = tf;
type StepData = tf.models.StepData;
type StepLogs = tf.models.StepLogs;

/** Keras' guide, first example: forward, compute_loss, gradients, apply, then every metric of self.metrics. */
class GuideModel extends models.Model {
  override trainStep({ x, y }: StepData): StepLogs {
    const tape = new tf.GradientTape();
    const { yPred, loss } = tape.run(() => {
      const yPred = this.apply(x, { training: true }) as tf.Tensor;
      return { yPred, loss: this.computeLoss({ y, yPred }) };
    });
    const vars = this.trainableWeights;
    this.optimizer!.apply(tape.gradient(loss, vars), vars);
    for (const m of this.metrics) {
      if (m.name === "loss") m.updateState(loss);
      else m.updateState(y as tf.Tensor, yPred);
    }
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}

/** The same step with computeMetrics, and the loss tracker weighted by the batch size as the built-in step weighs it. */
class ComputeMetricsModel extends models.Model {
  override trainStep({ x, y, sampleWeight }: StepData): StepLogs {
    const tape = new tf.GradientTape();
    const { yPred, loss } = tape.run(() => {
      const yPred = this.apply(x, { training: true }) as tf.Tensor;
      return { yPred, loss: this.computeLoss({ x, y, yPred, sampleWeight, training: true }) };
    });
    const vars = this.trainableWeights;
    this.optimizer!.applyGradients(tape.gradient(loss, vars).map((g, i) => [g, vars[i]] as const));
    this.metrics[0].updateState(loss, (x as tf.Tensor).shape[0]);
    return this.computeMetrics(x, y!, yPred, sampleWeight);
  }
}

function regression<M extends tf.models.Model>(Cls: new (args: tf.models.ModelArgs) => M): M {
  tf.random.setSeed(7);
  const inputs = layers.Input({ shape: [4] });
  const outputs = layers.Dense(1, { name: "out" })(layers.Dense(3, { activation: "tanh", name: "hidden" })(inputs));
  const m = new Cls({ inputs, outputs });
  m.compile({ optimizer: optimizers.Adam({ learningRate: 0.05 }), loss: "mse", metrics: ["mae"] });
  return m;
}

async function fitBoth<M extends tf.models.Model>(Cls: new (args: tf.models.ModelArgs) => M, n: number): Promise<{ custom: M; plain: tf.models.Model; hc: tf.callbacks.History; hp: tf.callbacks.History }> {
  tf.random.setSeed(3);
  const x = tf.random.normal([n, 4]), y = tf.random.normal([n, 1]);
  const args = { epochs: 3, batchSize: 16, verbose: 0 as const, validationSplit: 0.25 };
  const custom = regression(Cls);
  tf.random.setSeed(11);
  const hc = await custom.fit(x, y, args);
  const plain = regression(models.Model);
  tf.random.setSeed(11);
  const hp = await plain.fit(x, y, args);
  return { custom, plain, hc, hp };
}

test("Keras' guide's first custom trainStep (loss and metrics updated from this.metrics) trains and logs as plain fit does", async () => {
  // 64 samples, 48 for training: three full batches of 16, so the guide's per-batch loss mean equals fit's per-sample one.
  const { custom, plain, hc, hp } = await fitBoth(GuideModel, 64);
  assert.deepEqual(Object.keys(hc.history).sort(), ["loss", "mae", "val_loss", "val_mae"]);
  for (const k of Object.keys(hp.history)) assertAllClose(hc.history[k], hp.history[k], { rtol: 1e-6, atol: 1e-7, what: k });
  custom.getWeights().forEach((w, i) => assertAllClose(w, plain.getWeights()[i], { rtol: 1e-6, atol: 1e-7, what: `weight ${i}` }));
});

test("a trainStep with computeLoss, applyGradients and computeMetrics gives fit's weights and logs, a partial last batch included", async () => {
  // 50 samples: 37 for training, batches of 16, 16 and 5.
  const { custom, plain, hc, hp } = await fitBoth(ComputeMetricsModel, 50);
  for (const k of Object.keys(hp.history)) assertAllClose(hc.history[k], hp.history[k], { rtol: 1e-6, atol: 1e-7, what: k });
  custom.getWeights().forEach((w, i) => assertAllClose(w, plain.getWeights()[i], { rtol: 1e-6, atol: 1e-7, what: `weight ${i}` }));
  assert.deepEqual(custom.metrics.map((m) => m.name), ["loss", "mae"]);
});

/** y = x w + b trained by plain SGD written out: the step reads gradients and assigns the weights itself. */
class HandSGD extends models.Model {
  w!: tf.Variable;
  b!: tf.Variable;
  lossTracker = metrics.Mean({ name: "loss" });
  override build(shape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
    this.w = this.addWeight("w", [(shape as tf.layers.LayerShape)[1]!, 1], { initializer: "zeros" });
    this.b = this.addWeight("b", [1], { initializer: "zeros" });
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.add(tf.matmul(x as tf.Tensor, this.w), this.b);
  }
  override get metrics(): tf.models.ModelMetric[] {
    return [this.lossTracker];
  }
  override trainStep({ x, y }: StepData): StepLogs {
    const { value: loss, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(this.apply(x) as tf.Tensor, y as tf.Tensor))), [this.w, this.b]);
    this.w.assign(tf.sub(this.w, tf.mul(grads[this.w.name], 0.1)));
    this.b.assign(tf.sub(this.b, tf.mul(grads[this.b.name], 0.1)));
    this.lossTracker.updateState(loss);
    return { loss: this.lossTracker.result() };
  }
}

test("a trainStep doing SGD by hand on a linear model gives the updates computed by hand, compiled without a loss", async () => {
  const m = new HandSGD();
  m.compile({ optimizer: "sgd" });
  const x = tf.constant([[1, 2], [3, 4]], "float32"), y = tf.constant([[1], [2]], "float32");
  const h = await m.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
  // Epoch 1: pred 0, err [-1, -2], loss 2.5; d/dpred = err (2 err / 2), dw = x^T err = [-7, -10], db = -3:
  // w = [0.7, 1.0], b = 0.3. Epoch 2: pred [3.0, 6.4], err [2, 4.4], loss (4 + 19.36) / 2 = 11.68,
  // dw = [2 + 13.2, 4 + 17.6] = [15.2, 21.6], db = 6.4: w = [-0.82, -1.16], b = -0.34.
  assertAllClose(h.history.loss, [2.5, 11.68], { rtol: 1e-6, what: "loss" });
  assertAllClose(m.w, [[-0.82], [-1.16]], { rtol: 1e-5, atol: 1e-6, what: "w" });
  assertAllClose(m.b, [-0.34], { rtol: 1e-5, atol: 1e-6, what: "b" });
  // The compiled optimizer was never used by this step.
  assert.equal(m.optimizer!.iterations, 0);
});

/** Keras' guide's lower-level example: compile with an optimizer only, own Mean trackers listed in `metrics`. */
class Trackers extends models.Model {
  lossTracker = metrics.Mean({ name: "loss" });
  maeMetric = metrics.MeanAbsoluteError({ name: "mae" });
  override get metrics(): tf.models.ModelMetric[] {
    return [this.lossTracker, this.maeMetric];
  }
  override trainStep({ x, y }: StepData): StepLogs {
    const tape = new tf.GradientTape();
    const { yPred, loss } = tape.run(() => {
      const yPred = this.apply(x, { training: true }) as tf.Tensor;
      return { yPred, loss: tf.mean(tf.square(tf.sub(yPred, y as tf.Tensor))) };
    });
    const vars = this.trainableWeights;
    this.optimizer!.apply(tape.gradient(loss, vars), vars);
    this.lossTracker.updateState(loss);
    this.maeMetric.updateState(y as tf.Tensor, yPred);
    return { loss: this.lossTracker.result(), mae: this.maeMetric.result() };
  }
}

test("own Mean trackers listed in metrics are reset at each epoch and logged in History (Keras' guide's lower-level example)", async () => {
  const inputs = layers.Input({ shape: [1] });
  const m = new Trackers({ inputs, outputs: layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" })(inputs) });
  m.compile({ optimizer: optimizers.SGD({ learningRate: 0 }) });
  // Learning rate 0: the predictions stay x. Batches [1, 2] and [3] against y = 0: batch losses
  // 2.5 and 9, absolute errors 1, 2 and 3. Each epoch's logs are means over its own batches only:
  // loss (2.5 + 9) / 2 = 5.75 (updateState(loss) counts a batch once), mae per sample (1 + 2 + 3) / 3 = 2.
  const batchLogs: tf.callbacks.Logs[] = [];
  const spy = new (class extends tf.callbacks.Callback {
    override onTrainBatchEnd(_b: number, logs?: tf.callbacks.Logs): void {
      batchLogs.push({ ...logs });
    }
  })();
  const h = await m.fit(tf.constant([[1], [2], [3]], "float32"), tf.zeros([3, 1]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks: [spy] });
  assertAllClose(h.history.loss, [5.75, 5.75], { rtol: 1e-6, what: "loss" });
  assertAllClose(h.history.mae, [2, 2], { rtol: 1e-6, what: "mae" });
  // The first batch of epoch 2 reports that batch alone: the trackers were reset.
  assertAllClose(batchLogs.map((l) => l.loss), [2.5, 5.75, 2.5, 5.75], { rtol: 1e-6, what: "batch losses" });
  assertAllClose(batchLogs.map((l) => l.mae), [1.5, 2, 1.5, 2], { rtol: 1e-6, what: "batch maes" });
  m.resetMetrics();
  assert.equal(m.lossTracker.result(), 0);
});

test("a step returning { loss } without updating any tracker logs the loss tracker at epoch end, 0, as Keras 3.5 does", async () => {
  class Untracked extends models.Model {
    override trainStep({ x, y }: StepData): StepLogs {
      return { loss: tf.mean(tf.square(tf.sub(this.apply(x) as tf.Tensor, y as tf.Tensor))) };
    }
  }
  const inputs = layers.Input({ shape: [2] });
  const m = new Untracked({ inputs, outputs: layers.Dense(1)(inputs) });
  m.compile({ optimizer: "sgd" });
  // Keras 3.5 (torch) on the same model: {'loss': [0.0, 0.0]}: the epoch logs are get_metrics_result()
  // when the step's keys match model.metrics' names.
  const h = await m.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 2, verbose: 0 });
  assert.deepEqual(h.history.loss, [0, 0]);
});

/** A tiny GAN: a generator and a discriminator, each with its own optimizer, trained in turn on unlabelled x. */
class TinyGan extends models.Model {
  generator = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { name: "g" })]);
  discriminator = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { name: "d" })]);
  dOptimizer = optimizers.SGD({ learningRate: 0.1 });
  gOptimizer = optimizers.SGD({ learningRate: 0.1 });
  dTracker = metrics.Mean({ name: "d_loss" });
  gTracker = metrics.Mean({ name: "g_loss" });
  override get metrics(): tf.models.ModelMetric[] {
    return [this.dTracker, this.gTracker];
  }
  override call(z: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.generator.apply(z) as tf.Tensor;
  }
  override trainStep({ x }: StepData): StepLogs {
    const real = x as tf.Tensor;
    const n = real.shape[0];
    const bce = (labels: number, logits: tf.Tensor): tf.Tensor => tf.losses.binaryCrossentropy(tf.fill([n, 1], labels), logits, { fromLogits: true });
    const z = tf.random.normal([n, 2]);
    const dVars = this.discriminator.trainableWeights;
    const dTape = new tf.GradientTape();
    const dLoss = dTape.run(() => tf.add(
      tf.mean(bce(1, this.discriminator.apply(real) as tf.Tensor)),
      tf.mean(bce(0, this.discriminator.apply(this.generator.apply(z)) as tf.Tensor)),
    ));
    this.dOptimizer.apply(dTape.gradient(dLoss, dVars), dVars);
    const gVars = this.generator.trainableWeights;
    const gTape = new tf.GradientTape();
    const gLoss = gTape.run(() => tf.mean(bce(1, this.discriminator.apply(this.generator.apply(z)) as tf.Tensor)));
    this.gOptimizer.apply(gTape.gradient(gLoss, gVars), gVars);
    this.dTracker.updateState(dLoss);
    this.gTracker.updateState(gLoss);
    return { d_loss: this.dTracker.result(), g_loss: this.gTracker.result() };
  }
}

test("a GAN-like step with two optimizers trains both sub-models on x alone (fit(x, null) and a dataset of x)", async () => {
  tf.random.setSeed(5);
  const gan = new TinyGan();
  gan.compile({});
  const g0 = gan.generator.getWeights(), d0 = gan.discriminator.getWeights();
  const real = tf.random.normal([12, 3]);
  const h = await gan.fit(real, null, { epochs: 2, batchSize: 4, verbose: 0 });
  assert.deepEqual(Object.keys(h.history).sort(), ["d_loss", "g_loss"]);
  assert.ok(h.history.d_loss.every(Number.isFinite) && h.history.g_loss.every(Number.isFinite));
  // Each optimizer took one step per batch on its own sub-model only.
  assert.equal(gan.dOptimizer.iterations, 6);
  assert.equal(gan.gOptimizer.iterations, 6);
  assert.equal(gan.optimizer!.iterations, 0);
  const moved = (before: tf.Tensor[], after: tf.Tensor[]): boolean => before.some((w, i) => tf.max(tf.abs(tf.sub(w, after[i]))).item() > 1e-6);
  assert.ok(moved(g0, gan.generator.getWeights()), "generator weights moved");
  assert.ok(moved(d0, gan.discriminator.getWeights()), "discriminator weights moved");
  await gan.fit(tf.data.Dataset.fromTensorSlices(real).batch(4), { epochs: 1, verbose: 0 });
  assert.equal(gan.dOptimizer.iterations, 9);
  // predict runs call(): the generator's samples.
  assert.deepEqual(gan.predict(tf.zeros([5, 2])).shape, [5, 3]);
});

/** A testStep scoring the mean absolute error with its own tracker, as evaluate and fit's validation run it. */
class AbsErrEval extends models.Model {
  absErr = metrics.Mean({ name: "abs_err" });
  override testStep({ x, y }: StepData): StepLogs {
    const yPred = this.apply(x) as tf.Tensor;
    this.absErr.updateState(tf.abs(tf.sub(yPred, y as tf.Tensor)));
    return { abs_err: this.absErr.result() };
  }
}

test("testStep overridden: evaluate and fit's validation run it, its trackers reset at each run", async () => {
  const inputs = layers.Input({ shape: [1] });
  const m = new AbsErrEval({ inputs, outputs: layers.Dense(1, { kernelInitializer: "ones" })(inputs) });
  m.compile({ optimizer: optimizers.SGD({ learningRate: 0 }), loss: "mse" });
  const x = tf.constant([[1], [2], [3]], "float32"), y = tf.zeros([3, 1]);
  // Predictions 1, 2, 3 against 0: the per-sample mean absolute error is 2, over batches [1, 2] and [3].
  assert.equal(await m.evaluate(x, y, { batchSize: 2, verbose: 0 }), 2);
  assert.deepEqual(await m.evaluate(x, y, { batchSize: 2, verbose: 0, returnDict: true }), { abs_err: 2 });
  const h = await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, validationData: [x, y] });
  assert.deepEqual(h.history.val_abs_err, [2, 2]);
  // The built-in trainStep still computes the compiled loss: (1 + 4 + 9) / 3.
  assertAllClose(h.history.loss, [14 / 3, 14 / 3], { rtol: 1e-6, what: "loss" });
  assert.equal(await m.testOnBatch(x, y), 2 * 2 / 2);
});

test("predictStep overridden: predict runs it on each batch and joins the results", () => {
  class Doubled extends models.Model {
    override predictStep({ x }: StepData): tf.Tensor {
      return tf.mul(this.apply(x) as tf.Tensor, 2);
    }
  }
  const inputs = layers.Input({ shape: [1] });
  const m = new Doubled({ inputs, outputs: layers.Dense(1, { kernelInitializer: "ones" })(inputs) });
  assert.deepEqual([...m.predict(tf.constant([[1], [2], [3]], "float32"), { batchSize: 2 }).dataSync()], [2, 4, 6]);
  class Bad extends models.Model {
    override predictStep(): tf.Tensor {
      return 3 as unknown as tf.Tensor;
    }
  }
  const bad = new Bad({ inputs, outputs: layers.Dense(1)(inputs) });
  assert.throws(() => bad.predict(tf.ones([2, 1])), /predictStep must return a tensor \(or a list or an object of tensors, nested as you like\) with a batch axis.*returned 3/);
});

test("model.metrics: the loss tracker and compiled metrics (pending until the first batch), as Keras' metrics_names", async () => {
  const inputs = layers.Input({ shape: [1] });
  const m = new models.Model({ inputs, outputs: layers.Dense(1)(inputs) });
  assert.equal(m.metrics.length, 0);
  m.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
  // Keras 3.5: ['loss', 'compile_metrics'] after compile.
  assert.deepEqual(m.metrics.map((x) => x.name), ["loss", "compile_metrics"]);
  await m.fit(tf.ones([2, 1]), tf.ones([2, 1]), { verbose: 0 });
  assert.deepEqual(m.metrics.map((x) => x.name), ["loss", "mae"]);
  assert.deepEqual(Object.keys(m.getMetricsResult()), ["loss", "mae"]);
});

test("bad steps and missing losses are refused with what to do", async () => {
  const make = <M extends tf.models.Model>(Cls: new (a: tf.models.ModelArgs) => M, loss?: string): M => {
    const inputs = layers.Input({ shape: [1] });
    const m = new Cls({ inputs, outputs: layers.Dense(1)(inputs) });
    m.compile(loss === undefined ? { optimizer: "sgd" } : { optimizer: "sgd", loss });
    return m;
  };
  const x = tf.ones([2, 1]), y = tf.ones([2, 1]);
  class ReturnsNaN extends models.Model {
    override trainStep(): StepLogs {
      return NaN as unknown as StepLogs;
    }
  }
  await assert.rejects(make(ReturnsNaN).fit(x, y, { verbose: 0 }), /trainStep must return its logs as an object of numbers, e\.g\. \{ loss: 0\.25, mae: 0\.4 \}.*got NaN/);
  class ReturnsVector extends models.Model {
    override trainStep(): StepLogs {
      return { loss: tf.ones([3]) };
    }
  }
  await assert.rejects(make(ReturnsVector).fit(x, y, { verbose: 0 }), /trainStep returned logs whose "loss" is a tensor of shape \[3\] \(reduce it to one value/);
  class ReturnsString extends models.Model {
    override trainStep(): StepLogs {
      return { loss: "low" } as unknown as StepLogs;
    }
  }
  assert.throws(() => make(ReturnsString).trainOnBatch(x, y), /trainStep returned logs whose "loss" is "low"/);
  class Async extends models.Model {
    override trainStep(): StepLogs {
      return Promise.resolve({ loss: 1 }) as unknown as StepLogs;
    }
  }
  await assert.rejects(make(Async).fit(x, y, { verbose: 0 }), /trainStep returned a Promise; steps run synchronously/);
  // A NaN value is a diverged loss, not a malformed log: fit warns as it does for the built-in step.
  class NaNLoss extends models.Model {
    override trainStep(): StepLogs {
      return { value: NaN, loss: NaN };
    }
  }
  const warnings: string[] = [];
  const onWarn = (w: Error): void => { warnings.push(w.message); };
  process.on("warning", onWarn);
  const h = await make(NaNLoss).fit(x, y, { verbose: 0 });
  await new Promise((r) => setImmediate(r));
  process.off("warning", onWarn);
  assert.ok(Number.isNaN(h.history.value[0]));
  assert.ok(warnings.some((w) => /the loss became NaN/.test(w)), warnings.join("\n"));

  // compile() without a loss, as Keras 3 allows: the built-in step, finding no loss to minimize
  // (no layer adds one), says so when fit runs...
  const inputs = layers.Input({ shape: [1] });
  const plain = new models.Model({ inputs, outputs: layers.Dense(1)(inputs) });
  plain.compile({ optimizer: "adam" });
  await assert.rejects(plain.fit(x, y, { verbose: 0 }), /functional_\d+: no loss to compute \(Keras: "No loss to compute\. Provide a `loss` argument in `compile\(\)`"\): .*addLoss.* or compute the loss in your own trainStep\/testStep/);
  // ...and, for one that overrides trainStep only, so does evaluate's built-in testStep.
  await assert.rejects(make(HandSGDFunctional).evaluate(x, y, { verbose: 0 }), /functional_\d+: no loss to compute \(Keras: .* or compute the loss in your own trainStep\/testStep/);
  // The built-in step with no labels.
  await assert.rejects(make(models.Model, "mse").fit(x, null, { verbose: 0 }), /trainStep: the compiled loss needs labels, but none were given \(y is null\)/);
});

/** A functional model whose trainStep needs no compiled loss (for the refusal above). */
class HandSGDFunctional extends models.Model {
  override trainStep(): StepLogs {
    return { loss: 0 };
  }
}

test("a model compiled without a loss saves Keras' compile_config with loss null", async () => {
  const { mkdtempSync, rmSync, statSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const inputs = layers.Input({ shape: [1] });
  const m = new HandSGDFunctional({ inputs, outputs: layers.Dense(1)(inputs) });
  m.compile({ optimizer: "sgd" });
  assert.equal(JSON.parse(m.toJSON()).compile_config.loss, null);
  const dir = mkdtempSync(join(tmpdir(), "lamina-step-"));
  try {
    await m.save(join(dir, "m.keras"));
    assert.ok(statSync(join(dir, "m.keras")).size > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
