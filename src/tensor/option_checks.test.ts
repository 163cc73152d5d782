import { test } from "node:test";
import assert from "node:assert/strict";
import { booleanOption, countOption, nameOption, nullableNumberOption, numberOption, stringOption } from "./option_checks.js";

test("booleanOption takes true and false, the fallback when absent, and refuses anything truthy or falsy else", () => {
  assert.equal(booleanOption("W", "flag", true, false), true);
  assert.equal(booleanOption("W", "flag", false, true), false);
  assert.equal(booleanOption("W", "flag", undefined, true), true);
  assert.throws(() => booleanOption("losses.X", "fromLogits", "y", false), /^TypeError: losses\.X: fromLogits must be true or false, got "y"$/);
  assert.throws(() => booleanOption("W", "flag", 1, false), /^TypeError: W: flag must be true or false, got 1$/);
  assert.throws(() => booleanOption("W", "flag", null, false), /^TypeError: W: flag must be true or false, got null$/);
  assert.throws(() => booleanOption("W", "flag", Number.NaN, false), /got NaN$/);
});

test("stringOption and nameOption", () => {
  assert.equal(stringOption("W", "monitor", "loss", "val_loss"), "loss");
  assert.equal(stringOption("W", "monitor", undefined, "val_loss"), "val_loss");
  assert.throws(() => stringOption("W", "monitor", "", "val_loss"), /^TypeError: W: monitor must be a non-empty string, got ""$/);
  assert.throws(() => stringOption("W", "monitor", 5, "val_loss"), /^TypeError: W: monitor must be a non-empty string, got 5$/);
  // Keras' `name or auto_name(...)`: None and "" take the default.
  assert.equal(nameOption("W", undefined, "dflt"), "dflt");
  assert.equal(nameOption("W", null, "dflt"), "dflt");
  assert.equal(nameOption("W", "", "dflt"), "dflt");
  assert.equal(nameOption("W", "mine", "dflt"), "mine");
  assert.throws(() => nameOption("metrics.Accuracy", 5, "accuracy"), /^TypeError: metrics\.Accuracy: name must be a string, got 5$/);
});

test("numberOption, nullableNumberOption and countOption", () => {
  assert.equal(numberOption("W", "x", undefined, 3), 3);
  assert.equal(numberOption("W", "x", -2.5, 3), -2.5);
  assert.throws(() => numberOption("W", "x", "1", 3), /^TypeError: W: x must be a finite number, got "1"$/);
  assert.throws(() => numberOption("W", "x", Infinity, 3), /^TypeError: W: x must be a finite number, got Infinity$/);
  assert.throws(() => numberOption("W", "x", 0, 3, { min: 0, exclusiveMin: true }), /^RangeError: W: x must be > 0, got 0$/);
  assert.throws(() => numberOption("W", "x", 2, 3, { max: 1 }), /^RangeError: W: x must be <= 1, got 2$/);
  assert.equal(nullableNumberOption("W", "x", null, 3), null);
  assert.equal(nullableNumberOption("W", "x", undefined, null), null);
  assert.equal(countOption("W", "patience", 0, 5), 0);
  assert.equal(countOption("W", "patience", undefined, 5), 5);
  assert.throws(() => countOption("W", "patience", -1, 0), /^RangeError: W: patience must be >= 0, got -1$/);
  assert.throws(() => countOption("W", "patience", 1.5, 0), /^RangeError: W: patience must be an integer, got 1.5$/);
});

test("ops name the one flag at fault: cumsum's exclusive/reverse and svd's fullMatrices/computeUv", async () => {
  const tf = await import("../index.js");
  assert.throws(() => tf.cumsum(tf.ones([3]), 0, "yes" as never), /^TypeError: cumsum: exclusive must be true or false, got "yes"$/);
  assert.throws(() => tf.cumsum(tf.ones([3]), 0, false, 1 as never), /^TypeError: cumsum: reverse must be true or false, got 1$/);
  assert.throws(() => tf.linalg.svd(tf.eye(2), true, "no" as never), /^TypeError: linalg.svd: computeUv must be true or false, got "no"$/);
});
