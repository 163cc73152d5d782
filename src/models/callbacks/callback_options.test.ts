import { test } from "node:test";
import assert from "node:assert/strict";
import "../../backend/js/index.js";
import { callbacks } from "../../index.js";

// Options as JavaScript callers and JSON configs pass them, past TypeScript's checks.
type Opts = Record<string, unknown>;
const cb = callbacks as unknown as Record<string, (...args: unknown[]) => unknown>;
const lrFn = (_epoch: number, lr: number): number => lr;

/** The class, how to make it with one option set, and the bad values with the error each gets. */
const CASES: { who: string; make: (opts: Opts) => unknown; bad: [string, unknown, ErrorConstructor][] }[] = [
  {
    who: "EarlyStopping", make: (o) => cb.EarlyStopping(o),
    bad: [
      ["restoreBestWeights", "y", TypeError], ["restoreBestWeights", 1, TypeError],
      ["monitor", 5, TypeError], ["monitor", "", TypeError],
      ["patience", -1, RangeError], ["patience", 1.5, RangeError], ["patience", "3", TypeError], ["patience", Number.NaN, TypeError],
      ["startFromEpoch", -2, RangeError], ["minDelta", "0.1", TypeError], ["baseline", "0.5", TypeError],
      ["verbose", "1", TypeError], ["verbose", -1, TypeError], ["warn", "loud", TypeError], ["writer", "stdout", TypeError],
      ["restore_best_weights", true, TypeError],
    ],
  },
  {
    who: "ModelCheckpoint", make: (o) => cb.ModelCheckpoint("best.keras", o),
    bad: [
      ["saveBestOnly", "y", TypeError], ["saveWeightsOnly", 1, TypeError], ["monitor", null, TypeError],
      ["initialValueThreshold", "0.3", TypeError], ["verbose", 0.5, TypeError], ["save_best_only", true, TypeError],
    ],
  },
  {
    who: "ReduceLROnPlateau", make: (o) => cb.ReduceLROnPlateau(o),
    bad: [
      ["factor", "0.5", TypeError], ["factor", -0.5, RangeError], ["patience", -1, RangeError], ["cooldown", 0.5, RangeError],
      ["minLr", "0", TypeError], ["minDelta", Number.NaN, TypeError], ["monitor", 1, TypeError], ["min_lr", 0.01, TypeError],
    ],
  },
  { who: "CSVLogger", make: (o) => cb.CSVLogger("log.csv", o), bad: [["append", "y", TypeError], ["separator", 5, TypeError], ["sep", ";", TypeError]] },
  {
    who: "BackupAndRestore", make: (o) => cb.BackupAndRestore("backup", o),
    bad: [["doubleCheckpoint", "y", TypeError], ["deleteCheckpoint", 0, TypeError], ["delete_checkpoint", false, TypeError]],
  },
  { who: "LearningRateScheduler", make: (o) => cb.LearningRateScheduler(lrFn, o), bad: [["verbose", "1", TypeError], ["writer", 1, TypeError]] },
  { who: "TerminateOnNaN", make: (o) => cb.TerminateOnNaN(o), bad: [["raiseError", "y", TypeError], ["raise_error", true, TypeError]] },
  { who: "SwapEMAWeights", make: (o) => cb.SwapEMAWeights(o), bad: [["swapOnEpoch", "y", TypeError]] },
  { who: "TensorBoard", make: (o) => cb.TensorBoard(o), bad: [["writeGraph", "y", TypeError], ["writeImages", 1, TypeError]] },
  { who: "RemoteMonitor", make: (o) => cb.RemoteMonitor(o), bad: [["sendAsJson", "y", TypeError], ["warn", 1, TypeError]] },
  { who: "ProgbarLogger", make: (o) => cb.ProgbarLogger(o), bad: [["now", 5, TypeError], ["writer", {}, TypeError], ["verbose", 1, TypeError]] },
  {
    who: "callbacks.Dashboard", make: (o) => cb.Dashboard(o),
    bad: [["open", "y", TypeError], ["keepAlive", 1, TypeError], ["runDir", 5, TypeError], ["printUrl", "no", TypeError], ["info", 5, TypeError], ["title", 5, TypeError], ["keep_alive", true, TypeError]],
  },
];

test("every callback refuses an option of the wrong type or range, naming the class, the option and the value", () => {
  for (const { who, make, bad } of CASES) {
    for (const [key, value, kind] of bad) {
      assert.throws(() => make({ [key]: value }), (e: unknown) => {
        assert.ok(e instanceof kind, `${who} ${key}=${String(value)}: expected a ${kind.name}, got ${String(e)}`);
        const message = (e as Error).message;
        assert.ok(message.startsWith(`${who}: `) && message.includes(key), `${who} ${key}=${String(value)}: ${message}`);
        return true;
      }, `${who} took ${key}=${String(value)}`);
    }
  }
});

test("the messages say what is expected, with the value as given", () => {
  assert.throws(() => cb.EarlyStopping({ restoreBestWeights: "y" }), /^TypeError: EarlyStopping: restoreBestWeights must be true or false, got "y"$/);
  assert.throws(() => cb.EarlyStopping({ monitor: 5 }), /^TypeError: EarlyStopping: monitor must be a non-empty string, got 5$/);
  assert.throws(() => cb.EarlyStopping({ patience: -1 }), /^RangeError: EarlyStopping: patience must be >= 0, got -1$/);
  assert.throws(() => cb.EarlyStopping({ patience: 2.5 }), /^RangeError: EarlyStopping: patience must be an integer, got 2.5$/);
  assert.throws(() => cb.ModelCheckpoint("m.keras", { saveBestOnly: "y" }), /^TypeError: ModelCheckpoint: saveBestOnly must be true or false, got "y"$/);
  assert.throws(() => cb.EarlyStopping({ restore_best_weights: true }), /^TypeError: EarlyStopping: unknown option restore_best_weights; lamina spells Keras' restore_best_weights as restoreBestWeights$/);
});

test("options that are not an object are refused; null is none", () => {
  assert.throws(() => cb.EarlyStopping("val_loss"), /^TypeError: EarlyStopping: options must be an object such as \{ monitor: "val_loss", patience: 3 \}, got "val_loss"$/);
  assert.throws(() => cb.ReduceLROnPlateau(0.5), /^TypeError: ReduceLROnPlateau: options must be an object/);
  assert.throws(() => cb.TerminateOnNaN(true), /^TypeError: TerminateOnNaN: options must be an object/);
  assert.throws(() => cb.SwapEMAWeights([true]), /^TypeError: SwapEMAWeights: options must be an object/);
  assert.throws(() => cb.CSVLogger("log.csv", ";"), /^TypeError: CSVLogger: options must be an object/);
  assert.throws(() => cb.ModelCheckpoint("m.keras", "val_loss"), /^TypeError: ModelCheckpoint: options must be an object/);
  assert.throws(() => cb.LearningRateScheduler(lrFn, "1"), /^TypeError: LearningRateScheduler: options must be an object/);
  assert.equal((cb.EarlyStopping(null) as { patience: number }).patience, 0);
});

test("the values Keras takes are kept as given", () => {
  const warnings: string[] = [];
  const es = cb.EarlyStopping({
    monitor: "val_acc", minDelta: -0.5, patience: 0, verbose: true, mode: "bogus", baseline: 0.25, restoreBestWeights: true,
    startFromEpoch: 3, warn: (m: string) => void warnings.push(m),
  }) as { monitor: string; minDelta: number; patience: number; verbose: number; mode: string; baseline: number; restoreBestWeights: boolean; startFromEpoch: number };
  assert.deepEqual(
    [es.monitor, es.minDelta, es.patience, es.verbose, es.mode, es.baseline, es.restoreBestWeights, es.startFromEpoch],
    ["val_acc", 0.5, 0, 1, "auto", 0.25, true, 3],
  );
  // An unknown mode still warns and falls back to auto, as in Keras.
  assert.deepEqual(warnings, ["EarlyStopping mode bogus is unknown, fallback to auto mode."]);
  assert.equal((cb.EarlyStopping({ baseline: null }) as { baseline: number | null }).baseline, null);
  const ckpt = cb.ModelCheckpoint("w.weights.h5", { saveBestOnly: true, saveWeightsOnly: true, verbose: 1, initialValueThreshold: 0.3 }) as
    { saveBestOnly: boolean; saveWeightsOnly: boolean; verbose: number; best: number };
  assert.deepEqual([ckpt.saveBestOnly, ckpt.saveWeightsOnly, ckpt.verbose, ckpt.best], [true, true, 1, 0.3]);
  // Keras keeps ReduceLROnPlateau's minDelta sign; a factor of 0 and a negative minLr are Keras-legal.
  const rl = cb.ReduceLROnPlateau({ factor: 0, minDelta: -1e-3, cooldown: 2, patience: 0, minLr: -1 }) as
    { factor: number; minDelta: number; cooldown: number; patience: number; minLr: number };
  assert.deepEqual([rl.factor, rl.minDelta, rl.cooldown, rl.patience, rl.minLr], [0, -1e-3, 2, 0, -1]);
  const csv = cb.CSVLogger("log.csv", { separator: "\t", append: true }) as { sep: string; append: boolean };
  assert.deepEqual([csv.sep, csv.append], ["\t", true]);
  const backup = cb.BackupAndRestore("backup", { doubleCheckpoint: true, deleteCheckpoint: false }) as { doubleCheckpoint: boolean; deleteCheckpoint: boolean };
  assert.deepEqual([backup.doubleCheckpoint, backup.deleteCheckpoint], [true, false]);
  assert.equal((cb.LearningRateScheduler(lrFn, 1) as { verbose: number }).verbose, 1);
  assert.equal((cb.TerminateOnNaN({ raiseError: true }) as { raiseError: boolean }).raiseError, true);
});
