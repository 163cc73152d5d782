import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as optimizers from "./index.js";

test("a negative learning rate or weight decay is refused, in the constructor and the setter", () => {
  const refuses = (make: () => unknown, message: RegExp): void => {
    assert.throws(make, (e: unknown) => e instanceof RangeError && message.test(e.message));
  };
  refuses(() => optimizers.SGD({ learningRate: -0.01 }), /^SGD: learningRate must be >= 0, got -0\.01$/);
  refuses(() => optimizers.Adam({ lr: -1 }), /^Adam: learningRate must be >= 0, got -1$/);
  refuses(() => optimizers.AdamW({ weightDecay: -0.004 }), /^AdamW: weightDecay must be >= 0, got -0\.004$/);
  refuses(() => optimizers.SGD({ weightDecay: -1 }), /^SGD: weightDecay must be >= 0, got -1$/);
  const opt = optimizers.RMSprop({ learningRate: 0.1 });
  refuses(() => { opt.learningRate = -0.5; }, /^RMSprop: learningRate must be >= 0, got -0\.5$/);
  assert.equal(opt.learningRate, Math.fround(0.1));
  // Zero stays allowed: it freezes training, as in Keras.
  opt.learningRate = 0;
  assert.equal(optimizers.SGD({ learningRate: 0, weightDecay: 0 }).learningRate, 0);
});
