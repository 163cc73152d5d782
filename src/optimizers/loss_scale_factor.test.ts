import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { optimizers } = tf;

function value(t: tf.Tensor): number[] {
  return Array.from(t.dataSync() as Float32Array);
}

test("scaleLoss is Keras' scale_loss: the loss times lossScaleFactor, the loss itself without one", () => {
  const opt = optimizers.SGD({ lossScaleFactor: 1024 });
  assert.equal(opt.lossScaleFactor, 1024);
  const loss = tf.constant(0.75, [], "float32");
  const scaled = opt.scaleLoss(loss);
  assert.equal(scaled.dtype, "float32");
  assert.deepEqual(value(scaled), [768]); // 0.75 * 1024
  assert.equal(opt.scaleLoss(0.75), 768);
  const plain = optimizers.SGD();
  assert.equal(plain.lossScaleFactor, null);
  assert.equal(plain.scaleLoss(loss), loss);
  assert.equal(plain.scaleLoss(0.75), 0.75);
});

test("applyGradients divides the gradients by lossScaleFactor before clipping, weight decay and accumulation (Keras 3.5's apply)", () => {
  // SGD, lr 0.1, w = 1, gradient 8 of a loss scaled by 4: the update uses 8 / 4 = 2, w = 1 - 0.1 * 2 = 0.8.
  const w = tf.variable(tf.constant([1], [1], "float32"), { name: "w" });
  const opt = optimizers.SGD({ learningRate: 0.1, lossScaleFactor: 4 });
  opt.applyGradients([[tf.constant([8], [1], "float32"), w]]);
  assertClose(value(w), [0.8]);

  // clipvalue 1: 8 / 4 = 2 is clipped to 1, w = 1 - 0.1 = 0.9 (clipping first would give 1 / 4, w = 0.975).
  const wc = tf.variable(tf.constant([1], [1], "float32"), { name: "wc" });
  optimizers.SGD({ learningRate: 0.1, lossScaleFactor: 4, clipvalue: 1 }).apply([tf.constant([8], [1], "float32")], [wc]);
  assertClose(value(wc), [0.9]);

  // weightDecay 0.5 acts on the weight, not the gradient: w = 1 - 1 * 0.5 * 0.1 = 0.95, then 0.95 - 0.1 * 2 = 0.75.
  const wd = tf.variable(tf.constant([1], [1], "float32"), { name: "wd" });
  optimizers.SGD({ learningRate: 0.1, lossScaleFactor: 4, weightDecay: 0.5 }).apply([tf.constant([8], [1], "float32")], [wd]);
  assertClose(value(wd), [0.75]);

  // gradientAccumulationSteps 2: the accumulator holds the unscaled gradient 8 / 4 = 2; the second call
  // (16 / 4 = 4) updates with the mean (2 + 4) / 2 = 3: w = 1 - 0.1 * 3 = 0.7.
  const wa = tf.variable(tf.constant([1], [1], "float32"), { name: "wa" });
  const acc = optimizers.SGD({ learningRate: 0.1, lossScaleFactor: 4, gradientAccumulationSteps: 2 });
  acc.apply([tf.constant([8], [1], "float32")], [wa]);
  assert.deepEqual(value(acc.getSlot(wa, "gradient_accumulator") as tf.Tensor), [2]);
  assert.deepEqual(value(wa), [1]);
  acc.apply([tf.constant([16], [1], "float32")], [wa]);
  assertClose(value(wa), [0.7]);
});

test("every optimizer takes lossScaleFactor, and getConfig/fromConfig carry it as loss_scale_factor in Keras' place", () => {
  const classes = ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Lamb", "Ftrl", "Adafactor"] as const;
  for (const cls of classes) {
    const opt = (optimizers[cls] as unknown as (o: tf.optimizers.OptimizerOptions) => tf.optimizers.Optimizer)({ lossScaleFactor: 128 });
    const config = opt.getConfig();
    assert.equal(config.loss_scale_factor, 128, cls);
    const keys = Object.keys(config);
    assert.deepEqual(keys.slice(keys.indexOf("ema_overwrite_frequency"), keys.indexOf("ema_overwrite_frequency") + 3),
      ["ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"], cls);
    const back = optimizers.deserialize(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
    assert.equal(back.lossScaleFactor, 128, cls);
    assert.deepEqual(back.getConfig(), config, cls);
  }
  // Keras 3.5 writes loss_scale_factor: null when unset.
  assert.equal(optimizers.Adam().getConfig().loss_scale_factor, null);
  assert.equal(optimizers.Adam.fromConfig({ loss_scale_factor: null }).lossScaleFactor, null);
  assert.equal(optimizers.get({ class_name: "SGD", config: { loss_scale_factor: 64.5 } }).lossScaleFactor, 64.5);
});

test("a lossScaleFactor that is not a positive finite number is refused, naming the optimizer and the fix", () => {
  const message = (cls: string, got: string) => new RegExp(
    `^RangeError: ${cls}: lossScaleFactor must be a positive finite number \\(the loss is multiplied by it and the gradients divided by it\\), ` +
      `or null for no loss scaling, got ${got}; e\\.g\\. ${cls}\\(\\{ lossScaleFactor: 1024 \\}\\)$`,
  );
  assert.throws(() => optimizers.SGD({ lossScaleFactor: 0 }), message("SGD", "0"));
  assert.throws(() => optimizers.Adam({ lossScaleFactor: -8 }), message("Adam", "-8"));
  assert.throws(() => optimizers.RMSprop({ lossScaleFactor: Number.NaN }), message("RMSprop", "NaN"));
  assert.throws(() => optimizers.Lion({ lossScaleFactor: Number.POSITIVE_INFINITY }), message("Lion", "Infinity"));
  assert.throws(() => optimizers.SGD({ lossScaleFactor: "1024" as unknown as number }), message("SGD", '"1024"'));
  assert.throws(() => optimizers.Adam.fromConfig({ loss_scale_factor: 0 }), message("Adam", "0"));
  assert.throws(() => optimizers.SGD().scaleLoss("1" as unknown as tf.Tensor), /^TypeError: SGD\.scaleLoss: expected the loss as a Tensor \(or a number\), got string 1$/);
});

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= 1e-6, `element ${i}: ${a} vs ${expected[i]}`));
}
