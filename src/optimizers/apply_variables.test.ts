import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as tf from "../index.js";

const { optimizers } = tf;

const f64 = (values: number[], name: string): tf.Variable => tf.variable(tf.constant(values, [values.length], "float64"), { name });
const g64 = (values: number[]): tf.Tensor => tf.constant(values, [values.length], "float64");

test("apply(grads) without variables updates the variables the optimizer was built with, in that order (Keras 3.5)", () => {
  const a = f64([1, 2], "a");
  const b = f64([3], "b");
  // Learning rate 0.5 is exact in float32: w - 0.5 * g by hand.
  const opt = optimizers.SGD({ learningRate: 0.5 });
  opt.build([a, b]);
  assert.equal(opt.apply([g64([2, -2]), g64([4])]), 1);
  assert.deepEqual(a.arraySync(), [0, 3]);
  assert.deepEqual(b.arraySync(), [1]);
  assert.throws(() => opt.apply([g64([1, 1])]),
    /^RangeError: SGD\.apply: got 1 gradients without variables, but the optimizer is tracking 2 variables \(a, b\); pass one gradient per variable/);
  // An empty list does nothing, as Keras' apply.
  assert.equal(opt.apply([]), 1);
  const fresh = optimizers.Adam();
  assert.throws(() => fresh.apply([g64([1, 1])]),
    /^Error: Adam\.apply: got gradients without variables, but the optimizer is not built on any variables yet; pass the variables, optimizer\.apply\(grads, variables\), or build it first with optimizer\.build\(variables\)$/);
});

test("a built optimizer refuses a variable it was not built with: Unknown variable (Keras' _check_variables_are_known)", () => {
  const a = f64([1], "a");
  const u = f64([1], "u");
  const opt = optimizers.SGD({ learningRate: 0.5 });
  opt.applyGradients([[g64([1]), a]]);
  assert.throws(() => opt.applyGradients([[g64([1]), u]]),
    (e: Error) => /^SGD: Unknown variable: 'u' of shape \(1,\)\. This optimizer can only be called for the variables it was originally built with \(1: a\)\. When working with a new set of variables, create a new optimizer/.test(e.message));
  // Also when the unknown variable comes with known ones or without a gradient; nothing is updated.
  assert.throws(() => opt.apply([g64([1]), null], [a, u]), /Unknown variable: 'u'/);
  assert.deepEqual(a.arraySync(), [0.5]);
  assert.equal(opt.iterations, 1);
  // A subset of the known variables is fine (a frozen layer's weights left out).
  const b = f64([2], "b");
  const both = optimizers.SGD({ learningRate: 0.5 });
  both.build([a, b]);
  both.applyGradients([[g64([1]), b]]);
  assert.deepEqual(b.arraySync(), [1.5]);
});

test("a function learning rate is called with no arguments at every step (Keras' callable learning_rate)", () => {
  const rates = [0.1, 0.25];
  let calls = 0;
  const rate = (): number => rates[Math.min(calls++, rates.length - 1)];
  const opt = optimizers.SGD({ learningRate: rate });
  // No learning_rate variable: only the iteration count (as with a schedule).
  assert.deepEqual(opt.variables().map((v) => v.name), ["iteration"]);
  assert.equal(opt.learningRateFunction, rate);
  const w = f64([1, 2], "w");
  // The function's value is used as it is (cast to the variable's dtype), not stored as float32:
  // 1 - 0.1 * 1 = 0.9 in float64.
  opt.applyGradients([[g64([1, 1]), w]]);
  assert.deepEqual(w.arraySync(), [1 - 0.1, 2 - 0.1]);
  // Reading learningRate calls it: the current value (0.25 from now on).
  assert.equal(opt.learningRate, 0.25);
  opt.applyGradients([[g64([1, 1]), w]]);
  assert.deepEqual(w.arraySync(), [1 - 0.1 - 0.25, 2 - 0.1 - 0.25]);
  // A one-element tensor works too.
  const t = optimizers.SGD({ learningRate: () => tf.constant(0.5, [], "float32") });
  assert.equal(t.learningRate, 0.5);
  // Anything else is refused, naming what came back.
  const bad = optimizers.SGD({ learningRate: (() => "0.1") as unknown as () => number });
  assert.throws(() => bad.learningRate, /^TypeError: SGD: the learningRate function must return a number \(or a one-element float tensor\), got string 0\.1/);
});

test("setting a learning-rate function drops the learning_rate variable; a number cannot replace a function", () => {
  const opt = optimizers.Adam({ learningRate: 0.01 });
  assert.deepEqual(opt.variables().map((v) => v.name), ["iteration", "learning_rate"]);
  opt.learningRate = () => 0.5;
  assert.deepEqual(opt.variables().map((v) => v.name), ["iteration"]);
  assert.equal(opt.learningRate, 0.5);
  assert.throws(() => { opt.learningRate = 0.1; }, /^TypeError: Adam: this optimizer was created with a learning-rate function, so its learning rate cannot be set to a number/);
  // A schedule may replace the function, and the other way round.
  opt.learningRate = optimizers.schedules.ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 });
  assert.equal(opt.learningRate, 1);
  assert.equal(opt.learningRateFunction, null);
  opt.learningRate = () => 0.125;
  assert.equal(opt.learningRate, 0.125);
  assert.equal(opt.learningRateSchedule, null);
});

test("getConfig writes a named learning-rate function by name, as Keras 3.5's serialize_keras_object; an anonymous one is a clear error", () => {
  // Keras 3.5 base_optimizer.get_config: `elif callable(self._learning_rate): learning_rate =
  // serialization_lib.serialize_keras_object(self._learning_rate)`, which for a plain function writes
  // `{module, class_name: "function", config: fn.__name__, registered_name: get_registered_name(fn)}`.
  const opt = optimizers.SGD({ learningRate: function warmup() { return 0.1; } });
  assert.deepEqual(opt.getConfig().learning_rate, { module: "builtins", class_name: "function", config: "warmup", registered_name: "warmup" });
  // Keras writes a lambda as Python bytecode (loadable only with safe_mode=False): JavaScript has no such form.
  assert.throws(() => optimizers.SGD({ learningRate: () => 0.1 }).getConfig(),
    /^TypeError: SGD\.getConfig: the learning rate is an anonymous function \(named "learningRate" after the option\), which cannot be written into a config; define it as a named function/);
  const lambda = [(): number => 0.1][0];
  assert.throws(() => optimizers.serialize(optimizers.SGD({ learningRate: lambda })), /the learning rate is an anonymous function, which cannot be written/);
  // lr (the old name) takes a function too, and both names at once are still refused.
  assert.equal(optimizers.SGD({ lr: () => 0.3 }).learningRate, 0.3);
  assert.throws(() => optimizers.SGD({ lr: () => 0.3, learningRate: 0.1 }), /got both lr=a function and learningRate=0\.1/);
});
