import { test } from "node:test";
import assert from "node:assert/strict";
import { Callback, CallbackList, type CallbackModel, type Logs } from "./callback.js";
import { configureCallbacks } from "./configure.js";
import { History } from "./history.js";
import * as callbacks from "./index.js";
import { LambdaCallback } from "./lambda_callback.js";
import { ProgbarLogger } from "./progbar.js";
import { ReduceLROnPlateau } from "./reduce_lr.js";
import { TerminateOnNaN } from "./terminate_on_nan.js";

function fakeModel(): CallbackModel {
  return { name: "m", stopTraining: false, optimizer: { learningRate: 0.5 }, getWeights: () => [], setWeights: () => {} };
}
const params = { epochs: 2, steps: 3, verbose: 0 as const };

class Recorder extends Callback {
  constructor(readonly tag: string, readonly events: string[]) {
    super();
  }
  override onTrainBegin(logs: Logs): void {
    this.events.push(`${this.tag}:trainBegin`);
  }
  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    await new Promise((r) => setTimeout(r, 5));
    this.events.push(`${this.tag}:epochEnd${epoch}:${Object.keys(logs).join(",")}`);
    logs[`seen_by_${this.tag}`] = 1;
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    this.events.push(`${this.tag}:batchEnd${batch}`);
  }
}

test("CallbackList calls hooks in order, awaits async hooks, passes one sorted copy of the logs and hands back what onEpochEnd adds", async () => {
  const events: string[] = [];
  const a = new Recorder("a", events);
  const b = new Recorder("b", events);
  const model = fakeModel();
  const list = new CallbackList([a, b], { model, params });
  assert.equal(a.model, model);
  assert.deepEqual(b.params, params);
  const logs = { val_loss: 1, loss: 2, accuracy: 0.5 };
  await list.onTrainBegin();
  await list.onTrainBatchEnd(0, { loss: 1 }); // the default onTrainBatchEnd calls onBatchEnd, as in Keras
  await list.onEpochEnd(0, logs);
  assert.deepEqual(events, [
    "a:trainBegin",
    "b:trainBegin",
    "a:batchEnd0",
    "b:batchEnd0",
    "a:epochEnd0:accuracy,loss,val_loss",
    "b:epochEnd0:accuracy,loss,val_loss,seen_by_a",
  ]);
  // As Keras' shared epoch_logs dict: the caller's object keeps its order and gains the keys callbacks added (fit hands it to onTrainEnd).
  assert.deepEqual(Object.keys(logs), ["val_loss", "loss", "accuracy", "seen_by_a", "seen_by_b"]);
  const batchLogs = { loss: 1 };
  await list.onTrainBatchEnd(1, batchLogs);
  assert.deepEqual(Object.keys(batchLogs), ["loss"], "other hooks pass a copy");
});

test("CallbackList: append gives model and params; clear errors for non-callbacks and unset model", () => {
  const list = new CallbackList([], { model: fakeModel(), params });
  const h = new History();
  list.append(h);
  assert.equal(h.model.name, "m");
  assert.equal(h.params.steps, 3);
  assert.throws(() => new CallbackList([{ onEpochEnd() {} } as unknown as Callback]), /callbacks\[0\] is not a Callback.*LambdaCallback/);
  assert.throws(() => new History().model, /History: no model yet/);
  assert.throws(() => new History().params, /no params yet/);
});

test("History collects the epoch logs under Keras' keys, including keys added by earlier callbacks", async () => {
  const model = fakeModel();
  const { list, history, progbar } = configureCallbacks([new ReduceLROnPlateau({ patience: 1 })], {
    addHistory: true,
    addProgbar: true,
    model,
    params,
  });
  assert.ok(progbar instanceof ProgbarLogger);
  assert.ok(history instanceof History);
  assert.equal(list.callbacks.at(-2), history);
  assert.equal(list.callbacks.at(-1), progbar);
  await list.onTrainBegin();
  await list.onEpochBegin(0);
  await list.onEpochEnd(0, { loss: 1, accuracy: 0.5, val_loss: 2, val_accuracy: 0.25 });
  await list.onEpochBegin(1);
  await list.onEpochEnd(1, { loss: 0.5, accuracy: 0.75, val_loss: 3, val_accuracy: 0.5 });
  await list.onTrainEnd();
  assert.deepEqual(history.epoch, [0, 1]);
  assert.deepEqual(history.history, {
    accuracy: [0.5, 0.75],
    loss: [1, 0.5],
    val_accuracy: [0.25, 0.5],
    val_loss: [2, 3],
    learning_rate: [0.5, 0.5],
  });
  assert.deepEqual(history.params, params);
  assert.equal(history.model, model);
  // A History already in the list is used, not duplicated.
  const mine = new History();
  const again = configureCallbacks([mine], { addHistory: true });
  assert.equal(again.history, mine);
  assert.equal(again.list.callbacks.length, 1);
});

test("LambdaCallback wires the given functions; unknown hooks are an error", async () => {
  const seen: string[] = [];
  const cb = new LambdaCallback({
    onEpochEnd: (epoch, logs) => void seen.push(`epoch ${epoch} loss ${logs.loss}`),
    onTrainBegin: async () => {
      await Promise.resolve();
      seen.push("begin");
    },
    onTestBatchEnd: (batch) => void seen.push(`test batch ${batch}`),
  });
  const list = new CallbackList([cb], { model: fakeModel(), params });
  await list.onTrainBegin();
  await list.onTestBatchEnd(4);
  await list.onEpochEnd(0, { loss: 3 });
  await list.onTrainEnd();
  assert.deepEqual(seen, ["begin", "test batch 4", "epoch 0 loss 3"]);
  assert.throws(() => new LambdaCallback({ onEpochFinish: () => {} } as never), /unknown hook "onEpochFinish"/);
});

test("TerminateOnNaN stops on a NaN or infinite batch loss, or throws with raiseError", async () => {
  const out: string[] = [];
  const model = fakeModel();
  const list = new CallbackList([new TerminateOnNaN({ writer: { write: (s) => void out.push(s) } })], { model, params });
  await list.onTrainBatchEnd(0, { loss: 1 });
  assert.equal(model.stopTraining, false);
  await list.onTrainBatchEnd(1, { loss: Infinity });
  assert.equal(model.stopTraining, true);
  assert.deepEqual(out, ["Batch 1: Invalid loss, terminating training\n"]);
  const strict = new CallbackList([new TerminateOnNaN({ raiseError: true })], { model: fakeModel(), params });
  await assert.rejects(strict.onTrainBatchEnd(7, { loss: NaN }), /NaN or Inf loss encountered at batch 7/);
});

test("index: Keras-named factories work with and without new, and subclassing works", () => {
  const es = callbacks.EarlyStopping({ patience: 3 });
  assert.ok(es instanceof callbacks.EarlyStopping);
  assert.ok(es instanceof callbacks.EarlyStoppingCallback);
  assert.ok(es instanceof callbacks.Callback);
  assert.equal(es.patience, 3);
  const es2 = new callbacks.EarlyStopping({ patience: 4 });
  assert.equal(es2.patience, 4);
  assert.ok(callbacks.History() instanceof History);
  assert.ok(callbacks.CSVLogger("x.csv") instanceof callbacks.CSVLoggerCallback);
  assert.ok(callbacks.LearningRateScheduler((e, lr) => lr) instanceof callbacks.Callback);
  assert.ok(callbacks.ReduceLROnPlateau() instanceof callbacks.ReduceLROnPlateauCallback);
  assert.ok(callbacks.TerminateOnNaN() instanceof callbacks.TerminateOnNaNCallback);
  assert.ok(callbacks.LambdaCallback({}) instanceof callbacks.Callback);
  assert.ok(callbacks.ProgbarLogger() instanceof ProgbarLogger);
  class Patient extends callbacks.EarlyStopping {
    constructor() {
      super({ patience: 9 });
    }
  }
  const p = new Patient();
  assert.equal(p.patience, 9);
  assert.ok(p instanceof Patient && p instanceof callbacks.EarlyStopping);
});

test("console.log of a History shows its epochs and logs, not the model it is attached to", async () => {
  const { inspect } = await import("node:util");
  const tf = await import("../../index.js");
  const m = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), tf.layers.Dense(1)]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  const h = await m.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 2, verbose: 0, validationSplit: 0.5 });
  const text = inspect(h);
  assert.match(text, /^History \{\n {2}epoch: \[ 0, 1 \],\n {2}history: \{\n {4}loss: \[ [\d.e-]+, [\d.e-]+ \],\n {4}val_loss: \[ [\d.e-]+, [\d.e-]+ \]\n {2}\}\n\}$/);
  assert.doesNotMatch(text, /graphInputs|compiled|optimizer/);
});
