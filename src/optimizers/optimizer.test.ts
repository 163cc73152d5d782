import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as optimizers from "./index.js";
import * as tf from "../index.js";

test("a negative weight decay is refused; a negative learning rate is taken, as Keras 3.5 takes it (gradient ascent)", () => {
  const refuses = (make: () => unknown, message: RegExp): void => {
    assert.throws(make, (e: unknown) => e instanceof RangeError && message.test(e.message));
  };
  refuses(() => optimizers.AdamW({ weightDecay: -0.004 }), /^AdamW: weightDecay must be >= 0, got -0\.004$/);
  refuses(() => optimizers.SGD({ weightDecay: -1 }), /^SGD: weightDecay must be >= 0, got -1$/);
  assert.throws(() => optimizers.SGD({ learningRate: Number.NaN }), /^TypeError: SGD: learningRate must be a finite number, got NaN$/);
  assert.equal(optimizers.Adam({ lr: -1 }).learningRate, -1);
  // Keras refuses learning_rate=None ("should be float, or an instance of LearningRateSchedule"); only a missing rate takes the default.
  assert.throws(() => optimizers.SGD({ learningRate: null as unknown as number }), /^TypeError: SGD: learningRate must be a finite number, got null$/);
  assert.throws(() => optimizers.Adam({ lr: null as unknown as number }), /^TypeError: Adam: learningRate must be a finite number, got null$/);
  assert.equal(optimizers.Adam({ learningRate: undefined }).learningRate, Math.fround(0.001));
  // Keras 3.5: SGD(learning_rate=-0.1).apply([[0.5, -1]], [w = [1, 2]]) leaves w = [1.05, 1.9].
  const sgd = optimizers.SGD({ learningRate: -0.1 });
  const w = tf.variable(tf.constant([1, 2], [2], "float32"), { name: "w" });
  sgd.applyGradients([[tf.constant([0.5, -1], [2], "float32"), w]]);
  assert.deepEqual(Array.from(w.dataSync() as Float32Array), [Math.fround(1.05), Math.fround(1.9)]);
  const opt = optimizers.RMSprop({ learningRate: 0.1 });
  opt.learningRate = -0.5;
  assert.equal(opt.learningRate, -0.5);
  // Zero freezes training, as in Keras.
  opt.learningRate = 0;
  assert.equal(optimizers.SGD({ learningRate: 0, weightDecay: 0 }).learningRate, 0);
});
