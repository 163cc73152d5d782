import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { testOnBackend } from "../testing/backends.js";

type Tensor = tf.Tensor;

const f64 = (shape: number[], seed: number): Tensor =>
  tf.random.normal(shape, 0, 1, { dtype: "float64", seed });
const grid3 = (): Tensor => tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], "float32");

// ---------------------------------------------------------------- hand-computed values

test("maxPool SAME puts the extra row/column at the bottom/right", () => {
  const y = tf.maxPool(grid3(), 2, 2, "SAME");
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assert.deepEqual([...y.dataSync()], [5, 6, 8, 9]);
});

test("avgPool SAME divides by the number of real cells", () => {
  assert.deepEqual([...tf.avgPool(grid3(), 2, 2, "same").dataSync()], [3, 4.5, 7.5, 9]);
  // 3x3 windows at stride 1: corners see 4 real cells, edges 6, the centre 9.
  assert.deepEqual([...tf.avgPool(grid3(), 3, 1, "same").dataSync()], [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
  const dx = tf.grad((x) => tf.avgPool(x, 2, 2, "same"))(grid3());
  assert.deepEqual([...dx.dataSync()], [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
});

test("maxPool sends each window's gradient to its first maximal cell, as TF", () => {
  const x = tf.constant([1, 1, 2, 2], [1, 2, 2, 1], "float32");
  assert.deepEqual([...tf.grad((t) => tf.maxPool(t, 2))(x).dataSync()], [0, 0, 1, 0]);
  const flat = tf.ones([1, 2, 2, 1], "float32");
  assert.deepEqual([...tf.grad((t) => tf.maxPool(t, 2))(flat).dataSync()], [1, 0, 0, 0]);
});

test("pooling strides default to the pool size; rank-3 input and chainable methods work", () => {
  const x = tf.random.normal([2, 6, 5, 3], 0, 1, { seed: 1 });
  assert.deepEqual(tf.maxPool(x, 2).shape, [2, 3, 2, 3]);
  assert.deepEqual(tf.maxPool(x, [2, 2], null, "same").shape, [2, 3, 3, 3]);
  assert.deepEqual(x.avgPool([3, 2], undefined, "valid").shape, [2, 2, 2, 3]);
  assert.deepEqual(x.maxPool(2, 1).shape, [2, 5, 4, 3]);
  assert.deepEqual(tf.avgPool(tf.ones([4, 4, 2], "float32"), 2).shape, [2, 2, 2]);
  assert.deepEqual([...x.maxPool([1, 2, 2, 1], [1, 2, 2, 1]).dataSync()], [...tf.maxPool(x, 2, 2).dataSync()]);
});

test("pooling errors name the op, the sizes and the fix", () => {
  const x = tf.zeros([1, 2, 2, 4], "float32");
  assert.throws(() => tf.maxPool(x, 3, 1, "valid"), (e: Error) => {
    assert.match(e.message, /^maxPool: the output size would be 0 \(0x0\): x \(1, 2, 2, 4\) is too small for pool 3x3 with strides 1x1 and padding "valid"/);
    assert.match(e.message, /use padding "same", a smaller pool or a larger input/);
    return true;
  });
  assert.throws(() => tf.avgPool(x, 3), /avgPool: the output size would be 0 \(0x0\): x \(1, 2, 2, 4\) is too small for pool 3x3 with strides 3x3 and padding "valid"/);
  assert.throws(() => tf.maxPool(x, 0), /maxPool: poolSize must be positive integers/);
  assert.throws(() => tf.maxPool(tf.zeros([4, 4], "float32"), 2), /maxPool: x must have rank 4/);
  assert.throws(() => tf.avgPool(tf.zeros([1, 4, 4, 1], "int32"), 2), /avgPool: x must be float32 or float64/);
  assert.throws(() => tf.maxPool(x, 1, 1, "full" as "same"), /unknown padding "full"/);
});

// ---------------------------------------------------------------- gradients (float64, finite differences)

const cases: { name: string; x: number[]; pool: tf.Size2D; strides?: tf.Size2D; padding: tf.PaddingMode }[] = [
  { name: "2x2 valid default strides", x: [1, 5, 5, 2], pool: 2, padding: "VALID" },
  { name: "3x3 same s2", x: [1, 5, 4, 2], pool: 3, strides: 2, padding: "SAME" },
  { name: "2x2 same s1", x: [2, 3, 4, 1], pool: 2, strides: 1, padding: "same" },
  { name: "3x2 same default strides", x: [1, 5, 5, 1], pool: [3, 2], padding: "same" },
];

for (const c of cases) {
  test(`maxPool gradient: ${c.name}`, () => {
    checkGradients((x) => tf.maxPool(x, c.pool, c.strides, c.padding), [f64(c.x, 50)]);
  });
  test(`avgPool gradient: ${c.name}`, () => {
    checkGradients((x) => tf.avgPool(x, c.pool, c.strides, c.padding), [f64(c.x, 51)]);
  });
}

test("second-order gradient through avgPool", () => {
  const inner = (x: Tensor): Tensor => tf.grad((a) => {
    const y = tf.avgPool(a, 2, 1, "same");
    return tf.mul(y, y);
  })(x);
  checkGradients(inner, [f64([1, 3, 3, 1], 52)]);
});

// ---------------------------------------------------------------- PyTorch reference values

interface Flat { shape: number[]; data: number[] }
interface PoolFixture {
  name: string; op: string; poolSize: number | [number, number]; strides: number | [number, number] | null;
  padding: tf.PaddingMode; x: Flat; dy: Flat; y: Flat; dx: Flat;
}

const fixtures = JSON.parse(readFileSync(new URL("../../test/fixtures/conv_pool.json", import.meta.url), "utf8")) as { cases: PoolFixture[] };

for (const c of fixtures.cases.filter((k) => k.op === "maxPool" || k.op === "avgPool")) {
  test(`${c.op} matches PyTorch (TF semantics) in float32: ${c.name}`, () => {
    const run = (x: Tensor): Tensor => (c.op === "maxPool" ? tf.maxPool : tf.avgPool)(x, c.poolSize, c.strides, c.padding);
    const x = tf.constant(c.x.data, c.x.shape, "float32");
    assertAllClose(run(x), c.y, { rtol: 1e-4, atol: 1e-5, what: `${c.name} y` });
    assertAllClose(tf.grad(run)(x, tf.constant(c.dy.data, c.dy.shape, "float32")), c.dx, { rtol: 1e-4, atol: 1e-5, what: `${c.name} dx` });
  });
}

// ---------------------------------------------------------------- NaN, on both backends

/*
 * A [1, 3, 3, 5] input, x[i] = (7i mod 11) - 5, with NaN at flat indices 2, 9, 23 and 44: five
 * channels reach the native kernel's 4-wide SIMD steps and its scalar tail. Expected values from
 * torch 1.13 (gen: x permuted to NCHW, F.max_pool2d(x, 2, 1) for VALID, and for SAME
 * F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=-inf), 2, 2); the gradient is that of sum(y * w) with
 * w = 1, 2, ... in NHWC order). torch's rule: a later cell wins when greater or NaN, so a window
 * holding NaN gives NaN whatever the NaN's place, and its gradient goes to the last NaN.
 */
const nanPoolX = (): number[] => {
  const x = Array.from({ length: 45 }, (_, i) => ((i * 7) % 11) - 5);
  for (const i of [2, 9, 23, 44]) x[i] = Number.NaN;
  return x;
};
const N = Number.NaN;
const nanPoolCases = [
  {
    strides: 1, padding: "valid" as const,
    y: [3, 4, N, N, N, 5, 4, 2, N, N, 3, 5, 4, N, 4, 5, 5, 3, N, N],
    dx: [0, 0, 3, 0, 0, 0, 9, 0, 0, 15, 0, 0, 8, 0, 0, 0, 0, 13, 0, 0, 12, 0, 0, 46, 0, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 29, 0, 0, 15, 0, 0, 18, 0, 20],
  },
  {
    strides: 2, padding: "same" as const,
    y: [3, 4, N, N, N, 5, 1, 2, 4, 5, -2, 5, 1, -3, 4, 0, -4, 3, -1, N],
    dx: [0, 0, 3, 0, 0, 0, 2, 0, 0, 5, 0, 0, 8, 0, 10, 0, 0, 0, 0, 0, 1, 0, 0, 4, 0, 6, 7, 0, 9, 0, 0, 0, 0, 0, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  },
];

for (const name of ["js", "native"]) {
  testOnBackend(name, `maxPool: a window holding NaN gives NaN wherever the NaN sits, its gradient goes to the last NaN, as torch (${name} backend)`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      for (const c of nanPoolCases) {
        const what = `${dtype} strides ${c.strides} ${c.padding}`;
        const pool = (x: Tensor): Tensor => tf.maxPool(x, 2, c.strides, c.padding);
        const x = tf.constant(nanPoolX(), [1, 3, 3, 5], dtype);
        assert.deepEqual([...pool(x).dataSync()], c.y, `${what} y`);
        const w = tf.constant(Array.from({ length: 20 }, (_, i) => i + 1), [1, 2, 2, 5], dtype);
        assert.deepEqual([...tf.grad((u) => tf.sum(tf.mul(pool(u), w)))(x).dataSync()], c.dx, `${what} dx`);
      }
      // One channel: a NaN in any of the four places of a 2x2 window, alone or with another.
      for (const vals of [[N, 5, 3, 2], [1, N, 3, 2], [1, 5, N, 2], [1, 5, 5, N], [1, N, N, 2]]) {
        const x = tf.constant(vals, [1, 2, 2, 1], dtype);
        assert.deepEqual([...tf.maxPool(x, 2).dataSync()], [N], `${dtype} ${vals}`);
        let last = vals.length - 1;
        while (!Number.isNaN(vals[last])) last--;
        assert.deepEqual([...tf.grad((u) => tf.maxPool(u, 2))(x).dataSync()], vals.map((_, i) => (i === last ? 1 : 0)), `${dtype} ${vals} dx`);
      }
    }
  });
}
