import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../tensor/tensor.js";
import type { Callback, CallbackModel, Logs } from "./callback.js";
import { configureCallbacks } from "./configure.js";
import type { History } from "./history.js";
import { LearningRateScheduler } from "./lr_scheduler.js";
import { ReduceLROnPlateau } from "./reduce_lr.js";

function fakeModel(lr: number): CallbackModel & { optimizer: { learningRate: number }; lrs: number[] } {
  return {
    name: "fake",
    stopTraining: false,
    optimizer: { learningRate: lr },
    lrs: [],
    getWeights: (): Tensor[] => [],
    setWeights: () => {},
  };
}

/** Drives the hooks as fit does; records the learning rate each epoch trains with. */
async function fakeFit(model: ReturnType<typeof fakeModel>, callbacks: Callback[], epochLogs: Logs[]): Promise<History> {
  const { list, history } = configureCallbacks(callbacks, {
    addHistory: true,
    model,
    params: { epochs: epochLogs.length, steps: 1, verbose: 0 },
  });
  await list.onTrainBegin();
  for (let epoch = 0; epoch < epochLogs.length; epoch++) {
    await list.onEpochBegin(epoch);
    model.lrs.push(model.optimizer.learningRate);
    await list.onEpochEnd(epoch, epochLogs[epoch]);
  }
  await list.onTrainEnd();
  return history!;
}

const valLoss = (...v: number[]): Logs[] => v.map((x) => ({ loss: x, val_loss: x }));
// Plateaus at 0.9 from epoch 1, a small improvement at epoch 7.
const SEQ = valLoss(1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85);
// Keras keeps learning rates in float32: 0.01 reads back as 0.009999999776482582.
const LR0 = 0.009999999776482582;

test("ReduceLROnPlateau reduces after `patience` flat epochs, then waits `cooldown` epochs", async () => {
  const out: string[] = [];
  const model = fakeModel(0.01);
  const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2, verbose: 1, writer: { write: (s) => void out.push(s) } });
  const history = await fakeFit(model, [cb], SEQ);
  // e2 wait 1, e3 wait 2: reduce (cooldown 2); e4 cooldown 1; e5 cooldown 0, wait 1; e6 wait 2: reduce;
  // e7 improves (cooldown 1 -> ... best 0.85); e8 cooldown 0, wait 1; e9 wait 2: reduce.
  assert.deepEqual(out, [
    "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.\n",
    "\nEpoch 7: ReduceLROnPlateau reducing learning rate to 0.0024999999441206455.\n",
    "\nEpoch 10: ReduceLROnPlateau reducing learning rate to 0.0012499999720603228.\n",
  ]);
  const l1 = LR0 * 0.5;
  const l2 = l1 * 0.5;
  // History records the (float32) learning rate of each epoch, added to the logs as Keras 3 does.
  assert.deepEqual(history.history.learning_rate, [LR0, LR0, LR0, LR0, l1, l1, l1, l2, l2, l2]);
  assert.deepEqual(Object.keys(history.history), ["loss", "val_loss", "learning_rate"]);
  assert.equal(model.optimizer.learningRate, l2 * 0.5);
});

test("ReduceLROnPlateau without cooldown, and its minLr floor", async () => {
  const out: string[] = [];
  const model = fakeModel(0.01);
  await fakeFit(model, [new ReduceLROnPlateau({ factor: 0.5, patience: 2, verbose: 1, writer: { write: (s) => void out.push(s) } })], SEQ);
  // e3 reduce; e4 wait 1; e5 wait 2: reduce; e6 wait 1; e7 improves; e8 wait 1; e9 wait 2: reduce.
  assert.deepEqual(
    out.map((s) => s.split(":")[0]),
    ["\nEpoch 4", "\nEpoch 6", "\nEpoch 10"],
  );

  const floored = fakeModel(0.01);
  await fakeFit(floored, [new ReduceLROnPlateau({ factor: 0.5, patience: 1, minLr: 0.004 })], valLoss(1, 1, 1, 1, 1));
  // e1: 0.005; e2: max(0.0025, 0.004) = 0.004; e3, e4: float32(0.004) is not above float32(0.004): unchanged.
  assert.deepEqual(floored.lrs, [0.01, 0.01, LR0 * 0.5, 0.004, 0.004]);
});

test("ReduceLROnPlateau: minDelta, mode max, bad factor, missing monitor, no optimizer", async () => {
  const model = fakeModel(1);
  // mode max on val_accuracy: 0.5, 0.50005 (not above 0.5 + 1e-4), 0.5001 + tiny: patience 1 reduces at e1.
  await fakeFit(model, [new ReduceLROnPlateau({ monitor: "val_accuracy", patience: 1 })], [
    { val_accuracy: 0.5 },
    { val_accuracy: 0.50005 },
    { val_accuracy: 0.7 },
  ]);
  assert.deepEqual(model.lrs, [1, 1, 0.1]);

  assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /factor >= 1.0/);

  const warnings: string[] = [];
  await fakeFit(fakeModel(1), [new ReduceLROnPlateau({ warn: (m) => void warnings.push(m) })], [{ loss: 1 }, { loss: 2 }]);
  assert.deepEqual(warnings, [
    "Learning rate reduction is conditioned on metric `val_loss` which is not available. Available metrics are: loss,learning_rate.",
  ]);

  const noOpt = { ...fakeModel(1), optimizer: null };
  const { list } = configureCallbacks([new ReduceLROnPlateau()], { model: noOpt, params: { epochs: 1, steps: 1, verbose: 0 } });
  await assert.rejects(list.onEpochEnd(0, { val_loss: 1 }), /model "fake" has no optimizer/);
});

test("LearningRateScheduler sets the rate from schedule(epoch, lr) and logs it", async () => {
  const out: string[] = [];
  const model = fakeModel(0.1);
  const seen: Array<[number, number]> = [];
  const sched = new LearningRateScheduler(
    (epoch, lr) => {
      seen.push([epoch, lr]);
      return epoch < 2 ? lr : lr * 0.5;
    },
    { verbose: 1, writer: { write: (s) => void out.push(s) } },
  );
  const history = await fakeFit(model, [sched], valLoss(1, 1, 1, 1));
  const f = 0.10000000149011612; // float32(0.1)
  assert.deepEqual(seen, [[0, f], [1, f], [2, f], [3, f * 0.5]]);
  assert.deepEqual(model.lrs, [f, f, f * 0.5, f * 0.25]);
  assert.deepEqual(history.history.learning_rate, [f, f, f * 0.5, f * 0.25]);
  assert.equal(out[0], "\nEpoch 1: LearningRateScheduler setting learning rate to 0.10000000149011612.\n");
  assert.equal(out[2], "\nEpoch 3: LearningRateScheduler setting learning rate to 0.05000000074505806.\n");

  const bad = new LearningRateScheduler(() => "0.1" as unknown as number);
  await assert.rejects(fakeFit(fakeModel(0.1), [bad], valLoss(1)), /should be a float. Got: 0.1/);
});

test("ReduceLROnPlateau as Keras 3.5 on the same logs: 'auto' by name (a custom metric minimized, val_auc too), a NaN first epoch is no best", async () => {
  // Messages printed by Keras 3.5's ReduceLROnPlateau(factor=0.5, patience=2, verbose=1) driven
  // with these logs on a model compiled with SGD(0.01).
  const loss = [1.0, 0.9, 0.95, 0.91, 0.89, 0.92, 0.93, 0.94, 0.8, 0.85, 0.86, 0.87];
  const acc = [0.5, 0.6, 0.6, 0.65, 0.64, 0.63, 0.7, 0.69, 0.69, 0.68, 0.7, 0.71];
  const run = async (monitor: string, values: number[]): Promise<string[]> => {
    const out: string[] = [];
    const cb = new ReduceLROnPlateau({ monitor, factor: 0.5, patience: 2, verbose: 1, writer: { write: (s) => void out.push(s) } });
    await fakeFit(fakeModel(0.01), [cb], values.map((v) => ({ loss: 1, [monitor]: v })));
    return out;
  };
  const msg = (epoch: number, lr: string): string => `\nEpoch ${epoch}: ReduceLROnPlateau reducing learning rate to ${lr}.\n`;
  const halvings = ["0.004999999888241291", "0.0024999999441206455", "0.0012499999720603228", "0.0006249999860301614", "0.0003124999930150807"];
  const onLoss = [msg(4, halvings[0]), msg(7, halvings[1]), msg(11, halvings[2])];
  assert.deepEqual(await run("val_custom", loss), onLoss);
  assert.deepEqual(await run("val_loss", [NaN, ...loss.slice(1)]), onLoss);
  assert.deepEqual(await run("val_auc", acc), [3, 5, 7, 9, 11].map((e, i) => msg(e, halvings[i])));
});

test("ReduceLROnPlateau warns once where 'auto' minimizes a metric that grows (val_auc), not for val_loss, custom names or an explicit mode", async () => {
  const warningsFor = async (monitor: string, mode?: "auto" | "min" | "max"): Promise<string[]> => {
    const warned: string[] = [];
    const cb = new ReduceLROnPlateau({ monitor, mode, patience: 1, warn: (m) => void warned.push(m) });
    await fakeFit(fakeModel(0.01), [cb], [0.5, 0.6, 0.7].map((v) => ({ loss: 1, [monitor]: v })));
    return warned;
  };
  const auc = await warningsFor("val_auc");
  assert.equal(auc.length, 1);
  assert.match(auc[0], /^ReduceLROnPlateau: mode "auto" minimizes val_auc, as Keras 3\.5 does .*pass mode: "max"/);
  assert.equal((await warningsFor("val_precision")).length, 1);
  for (const [monitor, mode] of [["val_loss"], ["val_custom"], ["val_accuracy"], ["val_auc", "min"], ["val_auc", "max"]] as const) {
    assert.deepEqual(await warningsFor(monitor, mode), [], `${monitor} ${mode ?? "auto"}`);
  }
});

test("ReduceLROnPlateau tests an improvement as Keras 3.5 writes it: a < best - minDelta, minDelta kept with its sign", async () => {
  // 0.4 - 0.1 is 0.30000000000000004 in doubles, so 0.3 improves on 0.4 by more than minDelta 0.1
  // (Keras lowers nothing); tested as 0.3 + 0.1 < 0.4 it would not, and patience 1 would cut the rate.
  const model = fakeModel(0.01);
  await fakeFit(model, [new ReduceLROnPlateau({ monitor: "val_loss", patience: 1, minDelta: 0.1 })], valLoss(0.4, 0.3));
  assert.deepEqual(model.lrs, [0.01, 0.01]);
  assert.equal(model.optimizer.learningRate, 0.01);
  // A negative minDelta is not made positive: -0.5 lets a worse value (0.6 < 0.4 + 0.5) count as an improvement.
  const lenient = fakeModel(0.01);
  await fakeFit(lenient, [new ReduceLROnPlateau({ monitor: "val_loss", patience: 1, minDelta: -0.5 })], valLoss(0.4, 0.6, 0.9));
  assert.equal(lenient.optimizer.learningRate, 0.01);
});

test("ReduceLROnPlateau: an unknown mode warns in Keras 3.5's words and falls back to auto", () => {
  // keras/src/callbacks/reduce_lr_on_plateau.py _reset: f"Learning rate reduction mode {self.mode} is unknown, fallback to auto mode."
  const warnings: string[] = [];
  const cb = new ReduceLROnPlateau({ mode: "minimum" as "min", warn: (m) => void warnings.push(m) });
  assert.deepEqual(warnings, ["Learning rate reduction mode minimum is unknown, fallback to auto mode."]);
  assert.equal(cb.mode, "auto");
});
