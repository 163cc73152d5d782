// Keras' Layer.add_loss: losses a layer adds in call() join fit/evaluate's loss.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

class SquarePenalty extends tf.layers.Layer {
  constructor(readonly factor: number, args: tf.layers.LayerArgs = {}) {
    super(args);
  }
  override call(x: tf.Tensor): tf.Tensor {
    // Non-scalar on purpose: Keras sums each added loss.
    this.addLoss(tf.mul(this.factor, tf.square(x)));
    return x;
  }
}

function model(): tf.models.Model {
  const input = layers.Input({ shape: [2] });
  const out = layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" }).apply(new SquarePenalty(0.5, { name: "penalty" }).apply(input)) as tf.layers.SymbolicTensor;
  const m = new models.Model({ inputs: input, outputs: out });
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.01 }) });
  return m;
}

test("evaluate adds the sum of an added loss to the compiled loss (by hand: mse 9 + 0.5 * (1 + 4))", async () => {
  const m = model();
  assert.deepEqual(m.losses, [], "building the functional model added no loss");
  const loss = (await m.evaluate(tf.constant([[1, 2]], "float32"), tf.constant([[0]], "float32"), { verbose: 0 })) as number;
  assert.ok(Math.abs(loss - 11.5) < 1e-5, `loss ${loss}`);
  const penalty = m.getLayer("penalty");
  assert.equal(penalty.losses.length, 1);
  assert.deepEqual(Array.from(penalty.losses[0].dataSync() as Float32Array), [0.5, 2]);
});

test("fit trains on the added loss too: its gradient reaches the weights before the penalty layer", async () => {
  // The penalty alone (no compiled-loss gradient: targets equal predictions of a zero Dense) pulls a
  // Dense before it towards zero: d/dw of 0.5 * (w x)^2 is 0.5 * 2 * (w x) * x.
  const input = layers.Input({ shape: [1] });
  const pre = layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "pre" });
  const post = layers.Dense(1, { kernelInitializer: "zeros", useBias: false, trainable: false });
  const m = new models.Model({ inputs: input, outputs: post.apply(new SquarePenalty(0.5).apply(pre.apply(input))) as tf.layers.SymbolicTensor });
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  await m.fit(tf.constant([[2]], "float32"), tf.constant([[0]], "float32"), { epochs: 1, batchSize: 1, verbose: 0 });
  // w = 1, x = 2: gradient 0.5 * 2 * 2 * 2 = 4; w - 0.1 * 4 = 0.6.
  assert.ok(Math.abs((pre.getWeights()[0].dataSync() as Float32Array)[0] - 0.6) < 1e-6);
});

test("addLoss refuses what is not a float tensor, naming the layer and the fix", () => {
  const layer = new SquarePenalty(1, { name: "p" });
  assert.throws(() => layer.addLoss(3 as never), /^TypeError: SquarePenalty p\.addLoss: expected a float tensor \(or a list of them\) computed in call\(\), got 3; e\.g\. this\.addLoss/);
  assert.throws(() => layer.addLoss(tf.constant([1], "int32")), /got int32 \(1,\)/);
  // tf.keras 2's model.add_loss(symbolic): Keras 3 refuses it, and so does lamina, saying where the loss goes instead.
  const input = tf.layers.Input({ shape: [3] });
  assert.throws(() => layer.addLoss(tf.mean(input) as never), /addLoss: got a symbolic tensor \(\); as in Keras 3, .*Add the loss in a layer's call instead/);
});

test("compile without a loss: fit and evaluate minimize the added losses alone; with none, Keras' 'no loss to compute' refusal", async () => {
  // Keras 3: compile(optimizer="adam") on a model whose layers call add_loss; compute_loss sums
  // model.losses alone. By hand: the penalty 0.5 * (1 + 4) = 2.5 for x = [1, 2], whatever y is.
  const input = layers.Input({ shape: [2] });
  const out = new SquarePenalty(0.5, { name: "penalty" }).apply(input) as tf.layers.SymbolicTensor;
  const m = new models.Model({ inputs: input, outputs: out });
  m.compile({ optimizer: "sgd" });
  const x = tf.constant([[1, 2]], "float32");
  const loss = (await m.evaluate(x, tf.constant([[9, 9]], "float32"), { verbose: 0 })) as number;
  assert.ok(Math.abs(loss - 2.5) < 1e-6, `loss ${loss}`);
  const h = await m.fit(x, tf.constant([[9, 9]], "float32"), { epochs: 1, verbose: 0 });
  assert.ok(Math.abs(h.history.loss[0] - 2.5) < 1e-6, `fit loss ${h.history.loss[0]}`);
  // The compile config keeps the loss out (null), and loading it compiles the model again, as Keras does.
  assert.equal((m.getCompileConfig() as { loss: unknown }).loss, null);

  // A model with nothing to minimize compiles (Keras too) and is refused at its first step.
  const plainIn = layers.Input({ shape: [2] });
  const plain = new models.Model({ inputs: plainIn, outputs: layers.Dense(1).apply(plainIn) as tf.layers.SymbolicTensor });
  plain.compile({ optimizer: "sgd" });
  await assert.rejects(plain.fit(x, tf.constant([[0]], "float32"), { verbose: 0 }), /no loss to compute \(Keras: "No loss to compute\. .*compile\(\) gave no output a loss and no layer added one with addLoss; pass one.*this\.addLoss/);
  // A kernel regularizer's penalty is a loss to minimize too: l2 0.5 * (1 + 1) for a ones kernel.
  const regIn = layers.Input({ shape: [2] });
  const reg = new models.Model({ inputs: regIn, outputs: layers.Dense(1, { kernelInitializer: "ones", kernelRegularizer: tf.regularizers.l2(0.5) }).apply(regIn) as tf.layers.SymbolicTensor });
  reg.compile({ optimizer: "sgd" });
  assert.equal(await reg.evaluate(x, tf.constant([[0]], "float32"), { verbose: 0 }), 1);
});

test("a model compiled with neither loss nor metrics trains and evaluates without labels, as Keras' fit(x) of a VAE", async () => {
  const input = layers.Input({ shape: [2] });
  const out = new SquarePenalty(0.5, { name: "penalty" }).apply(input) as tf.layers.SymbolicTensor;
  const m = new models.Model({ inputs: input, outputs: out });
  m.compile({ optimizer: "sgd" });
  // 0.5 * (1 + 4) for x = [1, 2] (nothing trainable, so every pass gives the same).
  const x = tf.constant([[1, 2]], "float32");
  assert.equal(await m.evaluate(x, null, { verbose: 0 }), 2.5);
  assert.deepEqual((await m.fit(x, null, { epochs: 2, verbose: 0 })).history.loss, [2.5, 2.5]);
  assert.deepEqual((await m.fit(tf.data.Dataset.fromTensorSlices(x).batch(1), { epochs: 1, verbose: 0 })).history.loss, [2.5]);
  // Compiled metrics compare outputs with labels: then y is required, as before.
  m.compile({ optimizer: "sgd", metrics: ["mae"] });
  await assert.rejects(m.fit(x, null, { verbose: 0 }), /trainStep: the compiled metrics compare the outputs with labels, but none were given \(y is null\)/);
});
