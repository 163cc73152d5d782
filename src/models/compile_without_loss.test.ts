// Keras 3's compile() without a loss, and outputs left without one: the model trains on what its
// layers add with addLoss (keras.io "Training & evaluation with the built-in methods",
// LogisticEndpoint), fit takes x alone, and loss=[None, ...] skips an output. Values by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, optimizers } = tf;

/** Adds 0.5 * sum(x^2) to the loss and passes x through. */
class HalfSquare extends layers.Layer {
  override call(x: tf.Tensor): tf.Tensor {
    this.addLoss(tf.mul(0.5, tf.sum(tf.square(x))));
    return x;
  }
}

const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-6, `${what}: ${got}, want ${want}`);

test("compiled without a loss, fit(x) trains on the added loss alone (by hand: 0.5 * 3^2, then w = [1, 1] - 0.1 * 3 * [1, 2])", async () => {
  const input = layers.Input({ shape: [2], name: "x" });
  const dense = layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "d" });
  const model = new models.Model({ inputs: input, outputs: new HalfSquare()(dense(input)) });
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.1 }) });
  const x = tf.constant([[1, 2]], "float32");
  // fit(x) alone, as Keras' fit(x) with y None.
  const h = await model.fit(x);
  close(h.history.loss[0], 4.5, "loss");
  assert.deepEqual(Object.keys(h.history), ["loss"]);
  // d/dw of 0.5 * (w . x)^2 is (w . x) x = 3 * [1, 2].
  const w = Array.from(dense.getWeights()[0].dataSync() as Float32Array);
  close(w[0], 0.7, "w0");
  close(w[1], 0.4, "w1");
  // evaluate(x) alone: out = 0.7 + 0.8 = 1.5, loss 0.5 * 2.25.
  close((await model.evaluate(x, null, { verbose: 0 })) as number, 1.125, "evaluate");
  close((await model.evaluate(x)) as number, 1.125, "evaluate(x)");
});

test("a two-input model fed an object keyed by input name, with targets as an input and no compiled loss (the guide's LogisticEndpoint)", async () => {
  class SquaredError extends layers.Layer {
    override call([targets, pred]: tf.Tensor[]): tf.Tensor {
      this.addLoss(tf.mean(tf.square(tf.sub(targets, pred))));
      return pred;
    }
    override computeOutputShape(shapes: tf.layers.LayerShape[]): tf.layers.LayerShape {
      return shapes[1];
    }
  }
  const inputs = layers.Input({ shape: [1], name: "inputs" });
  const targets = layers.Input({ shape: [1], name: "targets" });
  const dense = layers.Dense(1, { kernelInitializer: "zeros", useBias: false });
  const model = new models.Model({ inputs: [inputs, targets], outputs: new SquaredError()([targets, dense(inputs)]) });
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.5 }) });
  // Two samples x = [1, 2], t = [1, 2]: w = 0 gives loss mean(t^2) = 2.5, gradient -mean(2 t x) = -5.
  const h = await model.fit({ inputs: tf.constant([[1], [2]], "float32"), targets: tf.constant([[1], [2]], "float32") }, null, { batchSize: 2, verbose: 0 });
  close(h.history.loss[0], 2.5, "loss");
  close((dense.getWeights()[0].dataSync() as Float32Array)[0], 2.5, "w = 0 - 0.5 * -5");
});

test("compiled without a loss and with no layer adding one, fit names Keras' error and the fixes", async () => {
  const input = layers.Input({ shape: [1] });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1)(input) });
  model.compile({ optimizer: "sgd" });
  await assert.rejects(model.fit(tf.ones([2, 1]), tf.ones([2, 1]), { verbose: 0 }),
    /no loss to compute \(Keras: "No loss to compute\. Provide a `loss` argument in `compile\(\)`"\): compile\(\) gave no output a loss and no layer added one with addLoss; pass one, e\.g\. compile\(\{ loss: "mse", optimizer: "adam" \}\)/);
  // Compiled metrics need labels: without y they are refused, saying so.
  const m2 = new models.Model({ inputs: input, outputs: new HalfSquare()(layers.Dense(1)(input)) });
  m2.compile({ optimizer: "sgd", metrics: ["mae"] });
  await assert.rejects(m2.fit(tf.ones([2, 1]), null, { verbose: 0 }), /the compiled metrics compare the outputs with labels, but none were given \(y is null\)/);
});

function twoOutputs(): tf.models.Model {
  const input = layers.Input({ shape: [1] });
  const a = layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "a" })(input);
  const b = layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "b" })(input);
  return new models.Model({ inputs: input, outputs: [a, b] });
}

test("loss [null, mse] and { b: mse } leave output a out: the loss is b's alone, logged as `loss` only (one loss, as Keras 3 logs it)", async () => {
  const x = tf.constant([[2]], "float32");
  const ys = [tf.constant([[0]], "float32"), tf.constant([[1]], "float32")];
  for (const loss of [[null, "mse"], { b: "mse" }] as const) {
    const model = twoOutputs();
    model.compile({ optimizer: optimizers.SGD({ learningRate: 0 }), loss });
    // Both outputs are 2: a's error (2 - 0)^2 = 4 is left out, b's (2 - 1)^2 = 1 is the loss.
    const h = await model.fit(x, ys, { verbose: 0 });
    assert.deepEqual(Object.keys(h.history), ["loss"], JSON.stringify(loss));
    close(h.history.loss[0], 1, `loss ${JSON.stringify(loss)}`);
    assert.deepEqual(await model.evaluate(x, ys, { verbose: 0, returnDict: true }), { loss: 1 });
  }
  // With both outputs given a loss, each is logged as <output>_loss (4 and 1).
  const both = twoOutputs();
  both.compile({ optimizer: optimizers.SGD({ learningRate: 0 }), loss: ["mse", "mse"] });
  const h = await both.fit(x, ys, { verbose: 0 });
  assert.deepEqual({ loss: h.history.loss[0], a_loss: h.history.a_loss[0], b_loss: h.history.b_loss[0] }, { loss: 5, a_loss: 4, b_loss: 1 });
});

test("a user's loss function typed (yTrue: Tensor, yPred: Tensor) => Tensor compiles, as Keras' guides write them", async () => {
  function customMeanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.square(tf.sub(yTrue, yPred)));
  }
  const model = twoOutputs();
  model.compile({ optimizer: "sgd", loss: [customMeanSquaredError, null] });
  const loss = (await model.evaluate(tf.constant([[2]], "float32"), [tf.constant([[0]], "float32"), tf.constant([[1]], "float32")], { verbose: 0 })) as number;
  close(loss, 4, "custom loss on output a");
});

test("a compile config with an output left without loss is written as Keras writes None (null) and compiles back to the same loss", async () => {
  const x = tf.constant([[2]], "float32");
  const ys = [tf.constant([[0]], "float32"), tf.constant([[1]], "float32")];
  for (const loss of [[null, "mse"], { b: "mse" }] as const) {
    const model = twoOutputs();
    model.compile({ optimizer: "sgd", loss });
    const config = model.getCompileConfig() as { loss: unknown };
    assert.deepEqual(config.loss, Array.isArray(loss) ? [null, "mse"] : { b: "mse" });
    const again = twoOutputs();
    again.compileFromConfig(config);
    close((await again.evaluate(x, ys, { verbose: 0 })) as number, 1, `reloaded ${JSON.stringify(loss)}`);
  }
});
