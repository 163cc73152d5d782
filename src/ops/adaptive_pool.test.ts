import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

interface Case {
  kind: "avg" | "max"; shape: number[]; output_size: number | number[]; data_format: "channels_last" | "channels_first";
  x: number[]; out_shape: number[]; out: number[]; r: number[]; grad: number[];
}
const { cases } = JSON.parse(readFileSync(new URL("../../test/fixtures/adaptive_pool.json", import.meta.url), "utf8")) as { cases: Case[] };
const pool = (c: Case) => (x: tf.Tensor): tf.Tensor =>
  (c.kind === "avg" ? tf.ops.adaptiveAveragePool : tf.ops.adaptiveMaxPool)(x, c.output_size, c.data_format);

test("adaptive pools match torch's adaptive_avg/max_pool{1,2,3}d values and gradients (test/fixtures/make_adaptive_pool.py)", () => {
  for (const c of cases) {
    const what = `${c.kind} ${JSON.stringify(c.shape)} -> ${JSON.stringify(c.output_size)} ${c.data_format}`;
    const x = tf.constant(c.x, c.shape, "float64");
    const y = pool(c)(x);
    assert.deepEqual(y.shape, c.out_shape, what);
    assertAllClose(y, c.out, { rtol: 1e-12, atol: 1e-12, what });
    const r = tf.constant(c.r, c.out_shape, "float64");
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(c)(t), r)))(x);
    assertAllClose(g, c.grad, { rtol: 1e-12, atol: 1e-12, what: `${what} gradient` });
  }
});

test("adaptive pools' gradients agree with finite differences", () => {
  for (const c of cases.filter((k) => k.shape.length < 5)) checkGradients(pool(c), [tf.constant(c.x, c.shape, "float64")]);
});

test("adaptive pools on float32, by hand: a length-5 axis pooled to 3 has windows [0,2) [1,4) [3,5)", () => {
  // L = 5, n = 3: windows [0, 2), [1, 4), [3, 5).
  const x = tf.constant([1, 5, 2, 4, 3], [1, 5, 1], "float32");
  assert.deepEqual([...tf.ops.adaptiveAveragePool(x, 3).dataSync()], [3, 11 / 3, 3.5].map(Math.fround));
  assert.deepEqual([...tf.ops.adaptiveMaxPool(x, [3]).dataSync()], [5, 5, 4]);
  // The max pool keeps integer inputs' dtype.
  const xi = tf.constant([1, 5, 2, 4, 3], [1, 5, 1], "int32");
  const yi = tf.ops.adaptiveMaxPool(xi, 2);
  assert.equal(yi.dtype, "int32");
  assert.deepEqual([...yi.dataSync()], [5, 4]);
  assert.equal(tf.ops.nn.adaptiveMaxPool, tf.ops.adaptiveMaxPool);
});

test("adaptive pools refuse bad inputs with the fix", () => {
  const x = tf.zeros([1, 4, 4, 2]);
  assert.throws(() => tf.ops.adaptiveAveragePool(x, [2, 2, 2]), /adaptiveAveragePool: outputSize must be a positive integer or 2 of them/);
  assert.throws(() => tf.ops.adaptiveMaxPool(x, 0), /adaptiveMaxPool: outputSize must be a positive integer/);
  assert.throws(() => tf.ops.adaptiveMaxPool(tf.zeros([4, 2]), 2), /adaptiveMaxPool: inputs must have rank 3 or 4 or 5/);
  assert.throws(() => tf.ops.adaptiveAveragePool(tf.zeros([1, 4, 2], "int32"), 2), /must be float .* got int32/);
  assert.throws(() => tf.ops.adaptiveMaxPool(tf.zeros([1, 0, 2]), 2), /spatial axis 0 .* is empty/);
  assert.throws(() => tf.ops.adaptiveMaxPool(x, 2, "nhwc" as "channels_last"), /dataFormat must be "channels_last", "channels_first" or null/);
});

test("adaptive pools on symbolic tensors record Keras' AdaptiveAveragePool / AdaptiveMaxPool and save/load", () => {
  const input = tf.layers.Input({ shape: [6, 5, 3] });
  const a = tf.ops.adaptiveAveragePool(input, [2, 3]);
  const b = tf.ops.adaptiveMaxPool(input, 2, "channels_last");
  assert.deepEqual(a.shape, [null, 2, 3, 3]);
  assert.deepEqual(b.shape, [null, 2, 2, 3]);
  const model = new tf.models.Model({ inputs: input, outputs: [a, b] });
  const config = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; module: string; config: Record<string, unknown> }[] } };
  const ops = config.config.layers.filter((l) => l.class_name.startsWith("Adaptive"));
  assert.deepEqual(ops.map((l) => [l.class_name, l.module, l.config.output_size, l.config.data_format]), [
    ["AdaptiveAveragePool", "keras.src.ops.nn", [2, 3], "channels_last"],
    ["AdaptiveMaxPool", "keras.src.ops.nn", 2, "channels_last"],
  ]);
  const back = tf.models.modelFromJSON(model.toJSON());
  const x = tf.random.normal([2, 6, 5, 3], 0, 1, { seed: 3 });
  const [ya, yb] = model.predict(x) as tf.Tensor[];
  const [za, zb] = back.predict(x) as tf.Tensor[];
  assert.deepEqual([...za.dataSync()], [...ya.dataSync()]);
  assert.deepEqual([...zb.dataSync()], [...yb.dataSync()]);
});
