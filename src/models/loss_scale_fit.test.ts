import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, optimizers } = tf;
type StepData = tf.models.StepData;
type StepLogs = tf.models.StepLogs;

// One Dense(1) without bias, w = 1, mse on x = [0.3, 0.7], y = [0.1, -0.2], one batch of 2:
// errors w x - y = 0.2, 0.9; loss = (0.04 + 0.81) / 2 = 0.425; dloss/dw = mean(2 (w x - y) x) =
// (2 * 0.2 * 0.3 + 2 * 0.9 * 0.7) / 2 = 0.69; SGD(0.1): w = 1 - 0.1 * 0.69 = 0.931.
const X = (): tf.Tensor => tf.constant([[0.3], [0.7]], [2, 1], "float32");
const Y = (): tf.Tensor => tf.constant([[0.1], [-0.2]], [2, 1], "float32");

function linear<M extends tf.models.Model>(Cls: new (args: tf.models.ModelArgs) => M, lossScaleFactor: number | null): M {
  const inputs = layers.Input({ shape: [1] });
  const outputs = layers.Dense(1, { useBias: false, kernelInitializer: "ones" })(inputs);
  const model = new Cls({ inputs, outputs });
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.1, lossScaleFactor }) });
  return model;
}

function kernel(model: tf.models.Model): number {
  return (model.layers[1].getWeights()[0].dataSync() as Float32Array)[0];
}

test("fit with SGD and lossScaleFactor 1024 makes the same step as without, and logs the unscaled loss", async () => {
  const results = [];
  for (const factor of [null, 1024]) {
    const model = linear(models.Model, factor);
    const history = await model.fit(X(), Y(), { batchSize: 2, epochs: 1, shuffle: false, verbose: 0 });
    results.push({ w: kernel(model), loss: history.history.loss[0] });
  }
  const [plain, scaled] = results;
  // The step takes the gradients of loss * 1024 (0.69 * 1024) and the optimizer divides them by
  // 1024 before the update: the factor multiplies then divides. 1024 is a power of two, so both
  // are exact in float32 and the weights agree; a factor such as 1000 could differ by a rounding.
  assert.ok(Math.abs(plain.w - 0.931) <= 1e-6, `w without scaling: ${plain.w}`);
  assert.ok(Math.abs(scaled.w - plain.w) <= 1e-6, `w with lossScaleFactor 1024: ${scaled.w} vs ${plain.w}`);
  // Keras' train_step updates the loss tracker before optimizer.scale_loss: 0.425, not 0.425 * 1024.
  assert.ok(Math.abs(plain.loss - 0.425) <= 1e-6, `loss: ${plain.loss}`);
  assert.ok(Math.abs(scaled.loss - plain.loss) <= 1e-6, `loss with lossScaleFactor 1024: ${scaled.loss}`);
});

/** A custom trainStep written as Keras' guide with loss scaling: gradients of scaleLoss(loss), then apply. */
class ScaledStepModel extends models.Model {
  override trainStep({ x, y }: StepData): StepLogs {
    const tape = new tf.GradientTape();
    const opt = this.optimizer!;
    const { loss, scaled } = tape.run(() => {
      const yPred = this.apply(x, { training: true }) as tf.Tensor;
      const loss = this.computeLoss({ y, yPred });
      return { loss, scaled: opt.scaleLoss(loss) };
    });
    const vars = this.trainableWeights;
    opt.apply(tape.gradient(scaled, vars), vars);
    // The loss tracker gets the unscaled loss, as in Keras' train_step.
    for (const m of this.metrics) if (m.name === "loss") m.updateState(loss);
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}

test("a custom trainStep taking gradients of optimizer.scaleLoss(loss) and calling apply gets the unscaled update", async () => {
  const model = linear(ScaledStepModel, 1024);
  const history = await model.fit(X(), Y(), { batchSize: 2, epochs: 1, shuffle: false, verbose: 0 });
  // Gradient 0.69 * 1024 = 706.56 divided back by 1024 in apply: w = 1 - 0.1 * 0.69 = 0.931.
  assert.ok(Math.abs(kernel(model) - 0.931) <= 1e-6, `w: ${kernel(model)}`);
  assert.ok(Math.abs(history.history.loss[0] - 0.425) <= 1e-6, `loss: ${history.history.loss[0]}`);
});
