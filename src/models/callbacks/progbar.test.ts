import { test } from "node:test";
import assert from "node:assert/strict";
import { CallbackList, type CallbackModel, type Logs } from "./callback.js";
import { Progbar, ProgbarLogger } from "./progbar.js";
import { constant } from "../../tensor/creation.js";

// Expected strings derived by hand from keras/src/utils/progbar.py and callbacks/progbar_logger.py
// (Keras 3): bold count, green done / white remaining "━" segments, ETA or elapsed seconds, time per
// step estimated without the first step, ".4f" metrics (".4e" at or below 1e-3), backspaces then
// "\r" to rewrite, trailing spaces over a longer previous line, "\n" when final.

const B = "\x1b[1m";
const R = "\x1b[0m";
const G = "\x1b[32m";
const W = "\x1b[37m";
const X = "\u2501";

function capture(isTTY: boolean): { write(s: string): void; isTTY: boolean; out: string[] } {
  const out: string[] = [];
  return { out, isTTY, write: (s: string) => void out.push(s) };
}

function bar(count: string, done: number, width = 20): string {
  return `${B}${count}${R} ` + (done > 0 ? `${G}${X.repeat(done)}${R}` : "") + `${W}${X.repeat(width - done)}${R}`;
}

const fakeModel: CallbackModel = {
  name: "m",
  stopTraining: false,
  optimizer: null,
  getWeights: () => [],
  setWeights: () => {},
};

/** Two epochs of four steps; `clock.t` is the time each call sees. */
async function scriptedFit(logger: ProgbarLogger, clock: { t: number }): Promise<void> {
  const list = new CallbackList([logger], { model: fakeModel, params: { epochs: 2, steps: 4, verbose: 1 } });
  const at = async (t: number, f: () => Promise<void>) => {
    clock.t = t;
    await f();
  };
  await at(99, () => list.onTrainBegin());
  await at(100, () => list.onEpochBegin(0));
  await at(100.5, () => list.onTrainBatchEnd(0, { loss: 2.5, accuracy: 0.25 }));
  await at(100.53125, () => list.onTrainBatchEnd(1, { loss: 2.25, accuracy: 0.375 }));
  await at(101, () => list.onTrainBatchEnd(2, { loss: 2.0, accuracy: 0.5 }));
  // Validation inside fit stays silent.
  await at(101.5, () => list.onTestBegin());
  await at(101.75, () => list.onTestBatchEnd(0, { loss: 9, accuracy: 0.1 }));
  await at(102, () => list.onTestEnd({ loss: 9, accuracy: 0.1 }));
  const epoch0: Logs = { val_loss: 1.5, loss: 1.875, accuracy: 0.5625, val_accuracy: 0.625 };
  await at(102.5, () => list.onEpochEnd(0, epoch0));
  await at(200, () => list.onEpochBegin(1));
  await at(200.25, () => list.onTrainBatchEnd(0, { loss: 0.0005, accuracy: 0.75 }));
  await at(200.375, () => list.onTrainBatchEnd(1, { loss: 0.25, accuracy: 0.8125 }));
  const epoch1: Logs = { loss: 0.125, accuracy: 0.875, val_loss: -0.0001, val_accuracy: 0.5 };
  await at(260.25, () => list.onEpochEnd(1, epoch1));
  await at(261, () => list.onTrainEnd());
}

test("ProgbarLogger on a terminal prints Keras 3's live bar, exactly", async () => {
  const w = capture(true);
  const clock = { t: 0 };
  await scriptedFit(new ProgbarLogger({ writer: w, now: () => clock.t }), clock);
  const expected = [
    "Epoch 1/2\n",
    // step 1 at +0.5 s: 500ms/step, ETA 0.5 * 3 = 1.5 -> "1s"; 72 visible characters
    "\r" + bar("1/4", 5) + ` ${B}1s${R} 500ms/step - accuracy: 0.2500 - loss: 2.5000`,
    // step 2 comes 0.03125 s later: under the 0.05 s interval, not drawn
    // step 3: (101 - 100.5) / 2 = 250ms/step, ETA 0.25 -> "0s"
    "\b".repeat(72) + "\r" + bar("3/4", 15) + ` ${B}0s${R} 250ms/step - accuracy: 0.5000 - loss: 2.0000`,
    // epoch end: (102.5 - 100.5) / 3 -> 667ms/step, elapsed 2.5 s -> "2s" (half to even), sorted keys
    "\b".repeat(72) + "\r" + bar("4/4", 20) +
      ` ${B}2s${R} 667ms/step - accuracy: 0.5625 - loss: 1.8750 - val_accuracy: 0.6250 - val_loss: 1.5000\n`,
    "Epoch 2/2\n",
    // 0.0005 is at most 1e-3: shown as 5.0000e-04; 76 visible characters
    "\r" + bar("1/4", 5) + ` ${B}0s${R} 250ms/step - accuracy: 0.7500 - loss: 5.0000e-04`,
    // 72 visible characters: 4 spaces clear the end of the previous line
    "\b".repeat(76) + "\r" + bar("2/4", 10) + ` ${B}0s${R} 125ms/step - accuracy: 0.8125 - loss: 0.2500    `,
    // (260.25 - 200.25) / 3 = 20 s/step, elapsed 60.25 -> "60s"
    "\b".repeat(72) + "\r" + bar("4/4", 20) +
      ` ${B}60s${R} 20s/step - accuracy: 0.8750 - loss: 0.1250 - val_accuracy: 0.5000 - val_loss: -1.0000e-04\n`,
  ];
  assert.deepEqual(w.out, expected);
});

test("ProgbarLogger off a terminal prints one line per epoch (Keras' verbose-2 line)", async () => {
  const w = capture(false);
  const clock = { t: 0 };
  await scriptedFit(new ProgbarLogger({ writer: w, now: () => clock.t }), clock);
  assert.deepEqual(w.out, [
    "Epoch 1/2\n",
    // no per-step updates: 2.5 s / 4 steps = 625ms/step
    "4/4 - 2s - 625ms/step - accuracy: 0.5625 - loss: 1.8750 - val_accuracy: 0.6250 - val_loss: 1.5000\n",
    "Epoch 2/2\n",
    // 60.25 s / 4 = 15.0625 -> 15s/step
    "4/4 - 60s - 15s/step - accuracy: 0.8750 - loss: 0.1250 - val_accuracy: 0.5000 - val_loss: -1.0000e-04\n",
  ]);
});

test("ProgbarLogger with verbose 2 on a terminal, and verbose 0, as Keras", async () => {
  const w = capture(true);
  const clock = { t: 0 };
  const logger = new ProgbarLogger({ writer: w, now: () => clock.t });
  const list = new CallbackList([logger], { model: fakeModel, params: { epochs: 1, steps: 188, verbose: 2 } });
  await list.onTrainBegin();
  clock.t = 10;
  await list.onEpochBegin(0);
  for (let i = 0; i < 188; i++) await list.onTrainBatchEnd(i, { loss: 1, accuracy: 0.5 });
  clock.t = 22.375; // 12.375 s / 188 steps = 65.8 ms
  await list.onEpochEnd(0, { accuracy: 0.8429, loss: 0.4446, val_accuracy: 0.8455, val_loss: 0.4358 });
  // One epoch: no "Epoch 1/1" line.
  assert.deepEqual(w.out, ["188/188 - 12s - 66ms/step - accuracy: 0.8429 - loss: 0.4446 - val_accuracy: 0.8455 - val_loss: 0.4358\n"]);

  const quiet = capture(true);
  const silent = new ProgbarLogger({ writer: quiet, now: () => clock.t });
  const list0 = new CallbackList([silent], { model: fakeModel, params: { epochs: 3, steps: 2, verbose: 0 } });
  await list0.onTrainBegin();
  await list0.onEpochBegin(0);
  await list0.onTrainBatchEnd(0, { loss: 1 });
  await list0.onEpochEnd(0, { loss: 1 });
  assert.deepEqual(quiet.out, []);
});

test("ProgbarLogger in evaluate and predict (not in fit), with unknown steps", async () => {
  const w = capture(true);
  const clock = { t: 5 };
  const logger = new ProgbarLogger({ writer: w, now: () => clock.t });
  const list = new CallbackList([logger], { model: fakeModel, params: { epochs: 1, steps: null, verbose: 1 } });
  await list.onTestBegin();
  clock.t = 5.25;
  await list.onTestBatchEnd(0, { loss: 0.5 });
  clock.t = 5.5;
  await list.onTestEnd({ loss: 0.75, accuracy: 0.5 });
  clock.t = 6;
  await list.onPredictBegin();
  clock.t = 6.5;
  await list.onPredictBatchEnd(0, { outputs: constant([[3]]) });
  clock.t = 7;
  await list.onPredictEnd();
  assert.deepEqual(w.out, [
    // unknown target: "%7d/Unknown", elapsed seconds 0.25 -> "0s"
    "\r" + `      1/Unknown ${B}0s${R} 250ms/step - loss: 0.5000`,
    // the target becomes the steps seen (1); elapsed 0.5 -> "0s"; 1 step: (5.5 - 5) / 1; 44 visible before
    "\b".repeat(44) + "\r" + bar("1/1", 20) + ` ${B}0s${R} 500ms/step - loss: 0.7500 - accuracy: 0.5000\n`,
    // predict: no metrics shown; 38 visible characters
    "\r" + bar("1/1", 20) + ` ${B}0s${R} 500ms/step`,
    // step 1 again: (7 - 6) / 1 = 1s/step; 35 visible characters, 3 spaces of padding
    "\b".repeat(38) + "\r" + bar("1/1", 20) + ` ${B}1s${R} 1s/step   \n`,
  ]);
});

test("Progbar: averages, ETA as h:mm:ss and m:ss, us/step, replacing a longer line", () => {
  const w = capture(true);
  const clock = { t: 0 };
  const p = new Progbar(1000, { writer: w, now: () => clock.t });
  clock.t = 10;
  p.update(1);
  clock.t = 10.5;
  p.update(2);
  clock.t = 10.5005;
  p.update(3, null, false); // under the interval: not drawn
  assert.deepEqual(w.out, [
    // ETA 10 * 999 = 9990 s -> 2:46:30; 1/1000 of 20 characters rounds down to no green segment
    "\r" + bar("   1/1000", 0) + ` ${B}2:46:30${R} 10s/step`,
    // ETA 0.5 * 998 = 499 s -> 8:19; 46 visible characters after 47
    "\b".repeat(47) + "\r" + bar("   2/1000", 0) + ` ${B}8:19${R} 500ms/step `,
  ]);

  const w2 = capture(true);
  clock.t = 0;
  const q = new Progbar(3, { width: 10, interval: 0, unitName: "sample", writer: w2, now: () => clock.t });
  clock.t = 2;
  q.update(1, [["loss", 4]]);
  clock.t = 2.0005;
  q.update(2, [["loss", 1]]); // running mean (4 + 1) / 2
  clock.t = 7202;
  q.add(1, [["loss", 0.0001]]); // final: joins the mean, (4 + 1 + 0.0001) / 3, as Keras 3.5 prints
  assert.deepEqual(w2.out, [
    "\r" + bar("1/3", 3, 10) + ` ${B}4s${R} 2s/sample - loss: 4.0000`,
    // 42 visible characters before, 45 now
    "\b".repeat(42) + "\r" + bar("2/3", 6, 10) + ` ${B}0s${R} 500us/sample - loss: 2.5000`,
    "\b".repeat(45) + "\r" + bar("3/3", 10, 10) + ` ${B}7202s${R} 3600s/sample - loss: 1.6667\n`,
  ]);
});

test("Progbar off a terminal starts each redraw on a new line; stateful metrics shown as given", () => {
  const w = capture(false);
  const clock = { t: 0 };
  const p = new Progbar(2, { writer: w, now: () => clock.t, statefulMetrics: ["acc"], dynamicDisplay: false });
  clock.t = 1;
  p.update(1, { loss: 3, acc: 0.5 });
  clock.t = 2;
  p.update(2, { loss: 1, acc: 0.75 }, false);
  assert.deepEqual(w.out, [
    "\n" + bar("1/2", 10) + ` ${B}1s${R} 1s/step - loss: 3.0000 - acc: 0.5000`,
    "\n" + bar("2/2", 20) + ` ${B}0s${R} 1s/step - loss: 2.0000 - acc: 0.7500`,
  ]);
  assert.throws(() => new Progbar(1, { statefulMetrics: [], statelessMetrics: [] }), /only one of/);
});

// Reference strings printed by Keras 3.5's keras.utils.Progbar (KERAS_BACKEND=torch, time.time and
// sys.stdout replaced), same calls and clock.
test("Progbar matches Keras 3.5: float32 means, stateful metrics, interval, verbose 2, unknown target, posix redraws", () => {
  const clock = { t: 0 };
  const w = capture(false); // not a terminal: Keras on posix still redraws in place
  const p = new Progbar(4, { writer: w, now: () => clock.t, statefulMetrics: ["acc"] });
  clock.t = 1;
  p.update(1, [["loss", 1.00005], ["acc", 0.5]]);
  clock.t = 1.01;
  p.update(2, [["loss", 1.00005], ["acc", 0.25]]);
  clock.t = 3;
  p.update(4, [["loss", 2.0], ["acc", 0.75]]);
  assert.deepEqual(w.out, [
    "\r\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━\x1b[0m \x1b[1m3s\x1b[0m 1s/step - loss: 1.0000 - acc: 0.5000",
    "\b".repeat(64) + "\r\x1b[1m4/4\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m3s\x1b[0m 667ms/step - loss: 1.5000 - acc: 0.7500\n",
  ]);

  clock.t = 0;
  const w2 = capture(false);
  const v2 = new Progbar(5, { verbose: 2, writer: w2, now: () => clock.t });
  clock.t = 1;
  v2.update(2, [["loss", 0.5]]);
  clock.t = 90;
  v2.update(5, [["loss", -0.25], ["mae", 0.0004]]);
  assert.deepEqual(w2.out, ["5/5 - 90s - 18s/step - loss: 0.0500 - mae: 4.0000e-04\n"]);

  clock.t = 0;
  const w3 = capture(false);
  const u = new Progbar(null, { writer: w3, now: () => clock.t });
  clock.t = 0.5;
  u.update(100);
  clock.t = 1;
  u.update(250, [["x", 3]], true);
  assert.deepEqual(w3.out, [
    "\r    100/Unknown \x1b[1m0s\x1b[0m 5ms/step",
    "\b".repeat(27) + "\r    250/Unknown \x1b[1m1s\x1b[0m 4ms/step - x: 3.0000\n",
  ]);
});
