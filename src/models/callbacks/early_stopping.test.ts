import { test } from "node:test";
import assert from "node:assert/strict";
import { constant } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Callback, CallbackModel, Logs } from "./callback.js";
import { configureCallbacks } from "./configure.js";
import { EarlyStopping } from "./early_stopping.js";

/** A model whose single weight is [10 * (epoch + 1)] after training epoch `epoch`. */
class FakeModel implements CallbackModel {
  name = "fake";
  stopTraining = false;
  optimizer = { learningRate: 0.01 };
  private weights: Tensor[] = [constant([0], "float32")];
  restored: number[] = [];
  getWeights(): Tensor[] {
    return this.weights;
  }
  setWeights(weights: Tensor[]): void {
    this.weights = weights;
    this.restored.push(weights[0].item());
  }
  /** An in-place update, as a fused training step might do. */
  train(epoch: number): void {
    (this.weights[0].dataSync() as Float32Array)[0] = 10 * (epoch + 1);
  }
  weight(): number {
    return this.weights[0].item();
  }
}

/** Drives the hooks as fit does: one step per epoch, the given epoch logs. */
async function fakeFit(model: FakeModel, callbacks: Callback[], epochLogs: Logs[]): Promise<number> {
  const { list } = configureCallbacks(callbacks, {
    addHistory: true,
    model,
    params: { epochs: epochLogs.length, steps: 1, verbose: 0 },
  });
  model.stopTraining = false;
  await list.onTrainBegin();
  let run = 0;
  for (let epoch = 0; epoch < epochLogs.length; epoch++) {
    await list.onEpochBegin(epoch);
    await list.onTrainBatchBegin(0);
    model.train(epoch);
    await list.onTrainBatchEnd(0, { loss: 1 });
    await list.onEpochEnd(epoch, epochLogs[epoch]);
    run++;
    if (model.stopTraining) break;
  }
  await list.onTrainEnd();
  return run;
}

const valLoss = (...v: number[]): Logs[] => v.map((x) => ({ loss: x + 0.5, val_loss: x }));

test("EarlyStopping stops after `patience` epochs without improvement and restores the best weights", async () => {
  const out: string[] = [];
  const model = new FakeModel();
  const es = new EarlyStopping({ patience: 2, restoreBestWeights: true, verbose: 1, writer: { write: (s) => void out.push(s) } });
  // e0 best 1.0; e1 best 0.8; e2 0.85 wait 1; e3 0.9 wait 2 >= 2: stop after epoch index 3.
  const run = await fakeFit(model, [es], valLoss(1.0, 0.8, 0.85, 0.9, 0.7, 0.6));
  assert.equal(run, 4);
  assert.equal(es.stoppedEpoch, 3);
  assert.equal(es.bestEpoch, 1);
  assert.equal(es.best, 0.8);
  // The snapshot survived the in-place updates of epochs 2 and 3.
  assert.deepEqual(model.restored, [20]);
  assert.equal(model.weight(), 20);
  assert.deepEqual(out, ["Epoch 4: early stopping\n", "Restoring model weights from the end of the best epoch: 2.\n"]);
});

test("EarlyStopping without restoreBestWeights keeps the last weights; minDelta counts", async () => {
  const model = new FakeModel();
  const es = new EarlyStopping({ patience: 2, minDelta: 0.1 });
  // e0 best 1.0; e1 0.95 (+0.1 not < 1.0) wait 1; e2 0.8 improves (0.9 < 1.0) wait 0;
  // e3 0.75 (0.85 not < 0.8) wait 1; e4 0.74 wait 2: stop.
  const run = await fakeFit(model, [es], valLoss(1.0, 0.95, 0.8, 0.75, 0.74, 0.1));
  assert.equal(run, 5);
  assert.equal(es.stoppedEpoch, 4);
  assert.deepEqual(model.restored, []);
  assert.equal(model.weight(), 50);
});

test("EarlyStopping in auto mode maximizes accuracy; patience 0 stops at the first non-improvement", async () => {
  const acc = (...v: number[]): Logs[] => v.map((x) => ({ val_accuracy: x, val_loss: 1 - x }));
  const es = new EarlyStopping({ monitor: "val_accuracy", patience: 2 });
  assert.equal(await fakeFit(new FakeModel(), [es], acc(0.5, 0.6, 0.55, 0.58, 0.7)), 4);
  assert.equal(es.monitorOp, "max");

  const es0 = new EarlyStopping({ monitor: "loss" });
  // e0 best; e1 improves; e2 worse: wait 1 >= 0 and epoch > 0: stop.
  assert.equal(await fakeFit(new FakeModel(), [es0], [{ loss: 3 }, { loss: 2 }, { loss: 2.5 }, { loss: 1 }]), 3);
  // The same instance can be reused: state resets at train begin.
  assert.equal(await fakeFit(new FakeModel(), [es0], [{ loss: 3 }, { loss: 3.5 }, { loss: 1 }]), 2);
});

test("EarlyStopping baseline: patience only restarts when the baseline is beaten", async () => {
  // e0 wait 1 (0.9 improves on nothing but not on 0.5); e1 wait 2, worse: stop at epoch 1.
  const withBaseline = new EarlyStopping({ patience: 2, baseline: 0.5 });
  assert.equal(await fakeFit(new FakeModel(), [withBaseline], valLoss(0.9, 0.95, 0.96, 0.97)), 2);
  // Without it: e0 wait 0, e1 wait 1, e2 wait 2: stop at epoch 2.
  const plain = new EarlyStopping({ patience: 2 });
  assert.equal(await fakeFit(new FakeModel(), [plain], valLoss(0.9, 0.95, 0.96, 0.97)), 3);
});

test("EarlyStopping startFromEpoch ignores the warm-up epochs", async () => {
  const es = new EarlyStopping({ startFromEpoch: 2 });
  // e0, e1 ignored; e2 best 0.9; e3 0.8 better; e4 0.85 worse: stop.
  assert.equal(await fakeFit(new FakeModel(), [es], valLoss(0.1, 0.5, 0.9, 0.8, 0.85, 0.1)), 5);
  assert.equal(es.stoppedEpoch, 4);
});

test("EarlyStopping warns once, listing the available keys, when the monitor is missing", async () => {
  const warnings: string[] = [];
  const es = new EarlyStopping({ warn: (m) => void warnings.push(m) });
  const run = await fakeFit(new FakeModel(), [es], [{ loss: 1, accuracy: 0.5 }, { loss: 2, accuracy: 0.4 }, { loss: 3, accuracy: 0.3 }]);
  assert.equal(run, 3);
  assert.deepEqual(warnings, [
    "Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: accuracy,loss",
  ]);
});

test("EarlyStopping auto mode on a metric of unknown direction is a clear error; mode fixes it", async () => {
  const es = new EarlyStopping({ monitor: "val_custom" });
  await assert.rejects(fakeFit(new FakeModel(), [es], [{ val_custom: 1 }]), /monitor=val_custom.*mode: "max"/);
  const model = Object.assign(new FakeModel(), { metrics: [{ name: "custom", direction: "up" as const }] });
  const es2 = new EarlyStopping({ monitor: "val_custom" });
  assert.equal(await fakeFit(model, [es2], [{ val_custom: 1 }, { val_custom: 0.5 }, { val_custom: 2 }]), 2);
  const es3 = new EarlyStopping({ monitor: "val_custom", mode: "min" });
  assert.equal(await fakeFit(new FakeModel(), [es3], [{ val_custom: 1 }, { val_custom: 0.5 }, { val_custom: 2 }]), 3);
});

test("EarlyStopping: a NaN first epoch is not the best (Keras 3.5 stops where it would without it)", async () => {
  // Keras 3.5's EarlyStopping(monitor="val_loss", patience=2, verbose=1) on these logs printed
  // "Epoch 4: early stopping"; restoring picks epoch 2, the first finite best.
  const out: string[] = [];
  const model = new FakeModel();
  const cb = new EarlyStopping({ patience: 2, verbose: 1, restoreBestWeights: true, writer: { write: (s) => void out.push(s) } });
  assert.equal(await fakeFit(model, [cb], valLoss(NaN, 0.9, 0.95, 0.91, 0.89)), 4);
  assert.deepEqual(out, ["Epoch 4: early stopping\n", "Restoring model weights from the end of the best epoch: 2.\n"]);
  assert.equal(model.weight(), 20);
});

test("EarlyStopping: an unknown mode warns in Keras 3.5's words (mode unquoted) and falls back to auto", () => {
  // keras/src/callbacks/early_stopping.py: f"EarlyStopping mode {mode} is unknown, fallback to auto mode."
  const warnings: string[] = [];
  const es = new EarlyStopping({ mode: "minimum" as "min", warn: (m) => void warnings.push(m) });
  assert.deepEqual(warnings, ["EarlyStopping mode minimum is unknown, fallback to auto mode."]);
  assert.equal(es.mode, "auto");
});
