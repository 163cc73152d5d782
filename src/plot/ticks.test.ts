import { test } from "node:test";
import assert from "node:assert/strict";
import { autoRange, formatTicks, formatValue, niceTicks } from "./ticks.js";

test("niceTicks picks 1-2-2.5-5 steps within the range, without float noise", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.3, 0.95), [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.deepEqual(niceTicks(-0.05, 1.05), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0, 10, { maxTicks: 5 }), [0, 2.5, 5, 7.5, 10]);
  assert.deepEqual(niceTicks(1, 0), [0, 0.2, 0.4, 0.6, 0.8, 1], "reversed limits give increasing ticks");
  assert.deepEqual(niceTicks(2, 2), [2]);
});

test("niceTicks with integer steps (epochs, pixels, classes)", () => {
  assert.deepEqual(niceTicks(0, 3, { integer: true }), [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0, 9, { integer: true, maxTicks: 10 }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(niceTicks(0, 27, { integer: true, maxTicks: 8 }), [0, 5, 10, 15, 20, 25]);
  for (const t of niceTicks(0, 1.5, { integer: true })) assert.ok(Number.isInteger(t));
});

test("formatTicks shares the decimals of the step and never prints -0", () => {
  assert.deepEqual(formatTicks([0, 0.25, 0.5]), ["0.00", "0.25", "0.50"]);
  assert.deepEqual(formatTicks([0, 0.2, 0.4]), ["0.0", "0.2", "0.4"]);
  assert.deepEqual(formatTicks([-0.5, -0, 0.5]), ["-0.5", "0.0", "0.5"]);
  assert.deepEqual(formatTicks([0, 20, 40]), ["0", "20", "40"]);
  assert.deepEqual(formatTicks([0, 1e6, 2e6]), ["0", "1e+6", "2e+6"]);
  assert.equal(formatValue(0.91344), "0.913");
  assert.equal(formatValue(12), "12");
  assert.equal(formatValue(1234.5678, 4), "1235");
});

test("autoRange widens by 5% and gives a single value room", () => {
  const [a, b] = autoRange(0, 1);
  assert.ok(Math.abs(a + 0.05) < 1e-12 && Math.abs(b - 1.05) < 1e-12);
  assert.deepEqual(autoRange(2, 2), [1.8, 2.2]);
  assert.deepEqual(autoRange(0, 0), [-0.5, 0.5]);
  assert.deepEqual(autoRange(Infinity, -Infinity), [0, 1]);
});
