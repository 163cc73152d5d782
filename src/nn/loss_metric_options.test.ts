import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { losses, metrics } from "./index.js";

// Options as JavaScript callers and JSON configs pass them, past TypeScript's checks.
type Make = (opts: Record<string, unknown>) => unknown;
const L = losses as unknown as Record<string, Make>;
const M = metrics as unknown as Record<string, Make>;

const CROSSENTROPY_LOSSES = ["BinaryCrossentropy", "CategoricalCrossentropy", "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy"];

/** [namespace.Class, make, option, bad value, error class]. */
const BAD: [string, Make, string, unknown, ErrorConstructor][] = [];
for (const cls of [...CROSSENTROPY_LOSSES, "SparseCategoricalCrossentropy"]) {
  BAD.push([`losses.${cls}`, L[cls], "fromLogits", "y", TypeError], [`losses.${cls}`, L[cls], "fromLogits", 1, TypeError]);
  BAD.push([`losses.${cls}`, L[cls], "axis", "x", TypeError], [`losses.${cls}`, L[cls], "axis", 1.5, TypeError]);
}
for (const cls of CROSSENTROPY_LOSSES) {
  BAD.push([`losses.${cls}`, L[cls], "labelSmoothing", "0.1", TypeError], [`losses.${cls}`, L[cls], "labelSmoothing", Number.NaN, RangeError]);
}
BAD.push(
  ["losses.BinaryFocalCrossentropy", L.BinaryFocalCrossentropy, "applyClassBalancing", "y", TypeError],
  ["losses.CosineSimilarity", L.CosineSimilarity, "axis", "-1", TypeError],
  ["losses.MeanSquaredError", L.MeanSquaredError, "name", 5, TypeError],
  ["losses.Huber", L.Huber, "name", { n: 1 }, TypeError],
  ["losses.Huber", L.Huber, "reduction", 5, RangeError],
  ["losses.BinaryFocalCrossentropy", L.BinaryFocalCrossentropy, "alpha", "0.2", TypeError],
  ["losses.BinaryFocalCrossentropy", L.BinaryFocalCrossentropy, "gamma", -1, RangeError],
  ["losses.CategoricalFocalCrossentropy", L.CategoricalFocalCrossentropy, "gamma", "2", TypeError],
  ["losses.Tversky", L.Tversky, "alpha", "x", TypeError],
  ["losses.Tversky", L.Tversky, "beta", Number.NaN, TypeError],
  ["losses.Circle", L.Circle, "margin", "x", TypeError],
  ["losses.Circle", L.Circle, "removeDiagonal", "y", TypeError],
  ["metrics.Precision", M.Precision, "thresholds", "0.5", TypeError],
  ["metrics.TruePositives", M.TruePositives, "thresholds", "0.5", TypeError],
  ["metrics.AUC", M.AUC, "thresholds", "0.5", TypeError],
  ["metrics.Accuracy", M.Accuracy, "name", 5, TypeError],
  ["metrics.AUC", M.AUC, "name", 5, TypeError],
  ["metrics.Precision", M.Precision, "name", true, TypeError],
  ["metrics.AUC", M.AUC, "fromLogits", "y", TypeError],
  ["metrics.AUC", M.AUC, "multiLabel", "y", TypeError],
  ["metrics.BinaryAccuracy", M.BinaryAccuracy, "threshold", "0.5", TypeError],
  ["metrics.BinaryAccuracy", M.BinaryAccuracy, "threshold", Number.NaN, TypeError],
  ["metrics.CosineSimilarity", M.CosineSimilarity, "axis", 1.5, TypeError],
  ["metrics.BinaryCrossentropy", M.BinaryCrossentropy, "fromLogits", "y", TypeError],
  ["metrics.BinaryCrossentropy", M.BinaryCrossentropy, "labelSmoothing", "0.1", TypeError],
  ["metrics.BinaryCrossentropy", M.BinaryCrossentropy, "labelSmoothing", 2, RangeError],
  ["metrics.CategoricalCrossentropy", M.CategoricalCrossentropy, "fromLogits", 1, TypeError],
  ["metrics.CategoricalCrossentropy", M.CategoricalCrossentropy, "labelSmoothing", -0.1, RangeError],
  ["metrics.CategoricalCrossentropy", M.CategoricalCrossentropy, "axis", "x", TypeError],
  ["metrics.SparseCategoricalCrossentropy", M.SparseCategoricalCrossentropy, "fromLogits", "y", TypeError],
  ["metrics.SparseCategoricalCrossentropy", M.SparseCategoricalCrossentropy, "axis", 0.5, TypeError],
);

test("a loss's or metric's option of the wrong type or range is refused, naming the class, the option and the value", () => {
  for (const [where, make, key, value, kind] of BAD) {
    assert.throws(() => make({ [key]: value }), (e: unknown) => {
      assert.ok(e instanceof kind, `${where} ${key}=${String(value)}: expected a ${kind.name}, got ${String(e)}`);
      const message = (e as Error).message;
      assert.ok(message.startsWith(`${where}: ${key} must `) || message.startsWith(`${where}: ${key} ${String(value)} is not one of`), `${where} ${key}=${String(value)}: ${message}`);
      const shown = typeof value === "string" ? JSON.stringify(value) : typeof value === "object" ? "{" : String(value);
      assert.ok(message.includes(` ${shown}`), `the value is not in: ${message}`);
      return true;
    }, `${where} took ${key}=${String(value)}`);
  }
});

test("SparseCategoricalCrossentropy's truthy fromLogits: \"y\" no longer scores probabilities as logits", () => {
  assert.throws(() => losses.SparseCategoricalCrossentropy({ fromLogits: "y" as unknown as boolean }),
    /^TypeError: losses\.SparseCategoricalCrossentropy: fromLogits must be true or false, got "y"$/);
  // The functions and ops check it too, where the option reaches them without a class.
  const p = tf.constant([0.5, 0.5], [1, 2], "float32");
  assert.throws(() => losses.sparseCategoricalCrossentropy([0], p, { fromLogits: "y" as unknown as boolean }), /sparseCategoricalCrossentropy: fromLogits must be true or false, got "y"/);
  assert.throws(() => losses.categoricalCrossentropy([[1, 0]], p, { fromLogits: "y" as unknown as boolean }), /categoricalCrossentropy: fromLogits must be true or false, got "y"/);
  assert.throws(() => tf.ops.binaryCrossentropy([[1, 0]], p, "y" as unknown as boolean), /ops\.binaryCrossentropy: fromLogits must be true or false, got "y"/);
  assert.throws(() => losses.binaryFocalCrossentropy([[1, 0]], p, { fromLogits: "y" as unknown as boolean }), /binaryFocalCrossentropy: fromLogits must be true or false, got "y"/);
  assert.throws(() => losses.binaryFocalCrossentropy([[1, 0]], p, { applyClassBalancing: 1 as unknown as boolean }), /binaryFocalCrossentropy: applyClassBalancing must be true or false, got 1/);
  assert.throws(() => losses.categoricalFocalCrossentropy([[1, 0]], p, { fromLogits: "y" as unknown as boolean }), /categoricalFocalCrossentropy: fromLogits must be true or false, got "y"/);
});

test("a wrapper's function must be a function", () => {
  const make = (cls: unknown, fn: unknown): unknown => (cls as (f: unknown) => unknown)(fn);
  assert.throws(() => make(losses.LossFunctionWrapper, 5), /^TypeError: losses\.LossFunctionWrapper: fn must be a function \(yTrue, yPred\) => per-example losses, got 5$/);
  assert.throws(() => make(metrics.MeanMetricWrapper, "mse"), /^TypeError: metrics\.MeanMetricWrapper: fn must be a function \(yTrue, yPred\) => per-example values, got "mse"$/);
});

test("the values Keras takes still work and reach getConfig as given", () => {
  // Logits [0, 0] and probabilities [0.5, 0.5] both give -log(1/2) = ln 2 for either label.
  const ln2 = Math.LN2;
  const logits = losses.SparseCategoricalCrossentropy({ fromLogits: true, axis: -1 });
  assert.ok(Math.abs((logits.apply([1], tf.constant([0, 0], [1, 2], "float32")).item() as number) - ln2) < 1e-6);
  assert.equal(logits.getConfig().from_logits, true);
  const smoothed = losses.CategoricalCrossentropy({ fromLogits: false, labelSmoothing: 0.2, axis: -1, name: "cce" });
  assert.deepEqual(smoothed.getConfig(), { name: "cce", reduction: "sum_over_batch_size", from_logits: false, label_smoothing: 0.2, axis: -1 });
  assert.equal(losses.BinaryFocalCrossentropy({ applyClassBalancing: true }).getConfig().apply_class_balancing, true);
  // null is Keras' None: the default.
  assert.equal(losses.BinaryCrossentropy({ labelSmoothing: null as unknown as number }).getConfig().label_smoothing, 0);
  // Keras' `name or auto_name(...)`: an empty name is the default one.
  assert.equal(losses.MeanSquaredError({ name: "" }).name, "mean_squared_error");
  assert.equal(metrics.Accuracy({ name: "" }).name, "accuracy");
  assert.equal(metrics.Accuracy({ name: "acc" }).getConfig().name, "acc");
  // Any finite threshold, as Keras takes it.
  assert.equal(metrics.BinaryAccuracy({ threshold: 0 }).getConfig().threshold, 0);
  assert.equal(metrics.BinaryAccuracy({ threshold: 1.5 }).getConfig().threshold, 1.5);
  assert.deepEqual(
    metrics.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 1, axis: 1 }).getConfig(),
    { name: "categorical_crossentropy", dtype: "float32", from_logits: true, label_smoothing: 1, axis: 1 },
  );
  const auc = metrics.AUC({ fromLogits: true, multiLabel: false });
  assert.equal(auc.getConfig().from_logits, true);
  assert.equal(auc.getConfig().multi_label, false);
});

test("a metric subclass that passes no name gets Keras' automatic name, and a non-string one is refused", () => {
  class Tally extends metrics.Mean {
    constructor(name?: unknown) {
      super({ name: name as string });
    }
  }
  assert.match(new Tally().name, /^mean(_\d+)?$/);
  assert.throws(() => new Tally(7), /^TypeError: metrics\.Tally: name must be a string, got 7$/);
});
