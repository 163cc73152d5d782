import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { fusedConv2d, fusedMatMul, signedPower, type FusedActivation } from "./fused.js";
import { checkGradients } from "../testing/gradcheck.js";
import { backend } from "./engine.js";
import { batchNormInference, batchNormTraining } from "./fused_norm.js";
import { testOnBackend } from "../testing/backends.js";

/*
 * The fused ops against the composite ops they replace, on the active backend (run the file with
 * LAMINA_BACKEND=js for the JS kernels): values, gradients, and second-order gradients (taken
 * through the differentiable fallback of the backward passes).
 */

function close(got: Tensor, want: Tensor, what: string, rtol = 1e-5): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.dataSync(), w = want.dataSync();
  let scale = 0;
  for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(Number(w[i])));
  for (let i = 0; i < w.length; i++) {
    const e = Math.abs(Number(g[i]) - Number(w[i]));
    assert.ok(e <= rtol * Math.max(scale, 1e-30), `${what}[${i}]: got ${g[i]}, want ${w[i]} (scale ${scale})`);
  }
}

function exact(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.dataSync(), w = want.dataSync();
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}[${i}]: got ${g[i]}, want ${w[i]}`);
}

const act = (y: Tensor, a: FusedActivation): Tensor => (a === "relu" ? tf.relu(y) : y);

/** Gradients of sum(f(...) * r) with respect to every input, and of the sum of their squares (second order) w.r.t. the inputs. */
function firstAndSecond(f: (xs: Tensor[]) => Tensor, xs: Tensor[], r: Tensor): { value: Tensor; grads: Tensor[]; second: Tensor[] } {
  const outer = new tf.GradientTape({ persistent: true });
  outer.watch(xs);
  let value: Tensor | null = null;
  let grads: Tensor[] = [];
  const penalty = outer.run(() => {
    const inner = new tf.GradientTape();
    inner.watch(xs);
    const target = inner.run(() => {
      value = f(xs);
      return tf.sum(tf.mul(value, r));
    });
    grads = inner.gradient(target, xs).map((g) => g!);
    return grads.reduce((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.constant(0, [], "float32"));
  });
  const second = outer.gradient(penalty, xs).map((g, i) => g ?? tf.zerosLike(xs[i]));
  return { value: value!, grads, second };
}

test("fusedConv2d's filter and bias gradients without the input's (a first layer: one kernel, conv2dBackpropFilterBiasActivation) equal the composite's", () => {
  tf.random.setSeed(4);
  const cases = [
    { x: [4, 28, 28, 1], k: [3, 3, 1, 32], opts: { padding: "valid" as const } },
    { x: [3, 9, 8, 1], k: [3, 3, 1, 20], opts: { padding: "same" as const, dilations: 2 } },
    { x: [2, 11, 10, 1], k: [5, 3, 1, 7], opts: { padding: "valid" as const, strides: 2 } },
    { x: [2, 7, 6, 3], k: [3, 3, 3, 5], opts: { padding: "same" as const } },
  ];
  for (const c of cases) {
    for (const a of ["relu", "linear"] as FusedActivation[]) {
      for (const withBias of [true, false]) {
        for (const nan of [false, true]) {
          const what = `conv ${JSON.stringify(c)} ${a} bias=${withBias} nan=${nan}`;
          const xData = tf.random.normal(c.x).dataSync() as Float32Array;
          // NaN in x (every output over it NaN, relu keeps it, its gradient passes on) and Inf.
          if (nan) { xData[5] = Number.NaN; xData[xData.length - 3] = Number.POSITIVE_INFINITY; }
          const x = tf.constant(xData, c.x, "float32");
          const w = tf.random.normal(c.k), b = tf.random.normal([c.k[3]]);
          const fused = (xs: Tensor[]) => fusedConv2d(x, xs[0], withBias ? xs[1] : null, c.opts, a);
          const composite = (xs: Tensor[]) => act(withBias ? tf.add(tf.conv2d(x, xs[0], c.opts), xs[1]) : tf.conv2d(x, xs[0], c.opts), a);
          const xs = withBias ? [w, b] : [w];
          const r = tf.random.normal(fused(xs).shape);
          const grads = (f: (xs: Tensor[]) => Tensor) => {
            const tape = new tf.GradientTape();
            tape.watch(xs);
            const target = tape.run(() => tf.sum(tf.mul(f(xs), r)));
            return tape.gradient(target, xs).map((g) => g!);
          };
          const gf = grads(fused), gc = grads(composite);
          gf.forEach((t, i) => {
            const got = t.dataSync(), want = gc[i].dataSync();
            for (let j = 0; j < want.length; j++) {
              if (Number.isNaN(want[j]) !== Number.isNaN(got[j])) assert.fail(`${what} gradient ${i}[${j}]: got ${got[j]}, want ${want[j]}`);
            }
            if (!nan) close(t, gc[i], `${what} gradient ${i}`, 1e-4);
          });
        }
      }
    }
  }
});

test("fusedConv2d equals relu/linear(conv2d + bias): values, gradients and second-order gradients", () => {
  tf.random.setSeed(3);
  const cases = [
    { x: [2, 7, 6, 3], k: [3, 3, 3, 5], opts: { padding: "same" as const } },
    { x: [1, 9, 8, 4], k: [3, 2, 4, 17], opts: { padding: "valid" as const, strides: 2 } },
    { x: [3, 5, 5, 2], k: [1, 1, 2, 3], opts: {} },
    // One input channel (the native backend's direct path on AVX-512).
    { x: [3, 9, 8, 1], k: [3, 3, 1, 20], opts: { padding: "same" as const } },
    { x: [2, 11, 10, 1], k: [5, 3, 1, 7], opts: { padding: "valid" as const, strides: 2 } },
  ];
  for (const c of cases) {
    for (const a of ["relu", "linear"] as FusedActivation[]) {
      for (const withBias of [true, false]) {
        const what = `conv ${JSON.stringify(c)} ${a} bias=${withBias}`;
        const x = tf.random.normal(c.x), w = tf.random.normal(c.k);
        const b = tf.random.normal([c.k[3]]);
        const fused = (xs: Tensor[]) => fusedConv2d(xs[0], xs[1], withBias ? xs[2] : null, c.opts, a);
        const composite = (xs: Tensor[]) => act(withBias ? tf.add(tf.conv2d(xs[0], xs[1], c.opts), xs[2]) : tf.conv2d(xs[0], xs[1], c.opts), a);
        const xs = withBias ? [x, w, b] : [x, w];
        const r = tf.random.normal(fused(xs).shape);
        const f = firstAndSecond(fused, xs, r), g = firstAndSecond(composite, xs, r);
        exact(f.value, g.value, `${what} value`);
        f.grads.forEach((t, i) => close(t, g.grads[i], `${what} gradient ${i}`));
        f.second.forEach((t, i) => close(t, g.second[i], `${what} second-order gradient ${i}`, 1e-4));
      }
    }
  }
});

test("fusedMatMul equals relu/linear(matmul + bias) with gradients", () => {
  tf.random.setSeed(4);
  for (const [m, k, n] of [[1, 5, 3], [64, 33, 17], [7, 1, 9]]) {
    for (const a of ["relu", "linear"] as FusedActivation[]) {
      const x = tf.random.normal([m, k]), w = tf.random.normal([k, n]), b = tf.random.normal([n]);
      const r = tf.random.normal([m, n]);
      const f = firstAndSecond((xs) => fusedMatMul(xs[0], xs[1], xs[2], a), [x, w, b], r);
      const g = firstAndSecond((xs) => act(tf.add(tf.matmul(xs[0], xs[1]), xs[2]), a), [x, w, b], r);
      const what = `matmul ${m}x${k}x${n} ${a}`;
      exact(f.value, g.value, `${what} value`);
      f.grads.forEach((t, i) => close(t, g.grads[i], `${what} gradient ${i}`));
      f.second.forEach((t, i) => close(t, g.second[i], `${what} second-order gradient ${i}`, 1e-4));
    }
  }
  assert.throws(() => fusedMatMul(tf.zeros([2, 3]), tf.zeros([4, 5]), null, "relu"), /expected a \[m, k\] and b \[k, n\]/);
  assert.throws(() => fusedMatMul(tf.zeros([2, 3]), tf.zeros([3, 5]), tf.zeros([4]), "relu"), /bias must be float32 \[5\]/);
});

test("batchNormTraining equals moments + batchNormalization: values, statistics, gradients, second order", () => {
  tf.random.setSeed(5);
  for (const shape of [[4, 3, 3, 5], [1, 1, 1, 2], [7, 17], [2, 6, 6, 16]]) {
    for (const affine of [true, false]) {
      const what = `batchNorm ${JSON.stringify(shape)} affine=${affine}`;
      const c = shape[shape.length - 1];
      const x = tf.add(tf.mul(tf.random.normal(shape), 3), 1.5);
      const gamma = tf.random.normal([c]), beta = tf.random.normal([c]);
      const axes = shape.slice(0, -1).map((_, i) => i);
      const xs = affine ? [x, gamma, beta] : [x];
      const fused = (t: Tensor[]) => batchNormTraining(t[0], affine ? t[1] : null, affine ? t[2] : null, 1e-3).y;
      const composite = (t: Tensor[]) => {
        const { mean, variance } = tf.moments(t[0], axes);
        return tf.batchNormalization(t[0], mean, variance, affine ? t[2] : null, affine ? t[1] : null, 1e-3);
      };
      const r = tf.random.normal(shape);
      const f = firstAndSecond(fused, xs, r), g = firstAndSecond(composite, xs, r);
      close(f.value, g.value, `${what} y`);
      f.grads.forEach((t, i) => close(t, g.grads[i], `${what} gradient ${i}`, 1e-4));
      f.second.forEach((t, i) => close(t, g.second[i], `${what} second-order gradient ${i}`, 1e-3));
      const stats = batchNormTraining(x, null, null, 1e-3);
      const m = tf.moments(x, axes);
      close(stats.mean, m.mean, `${what} mean`, 1e-6);
      close(stats.variance, m.variance, `${what} variance`, 1e-6);
    }
  }
  assert.throws(() => batchNormTraining(tf.zeros([2, 3]), tf.zeros([4]), null, 1e-3), /gamma must be float32 \[3\]/);
});

test("batchNormInference equals batchNormalization, fused outside a tape and composite under one", () => {
  tf.random.setSeed(6);
  const x = tf.random.normal([5, 4, 4, 6]);
  const mean = tf.random.normal([6]), variance = tf.abs(tf.random.normal([6])), gamma = tf.random.normal([6]), beta = tf.random.normal([6]);
  const want = tf.batchNormalization(x, mean, variance, beta, gamma, 1e-3);
  close(batchNormInference(x, mean, variance, gamma, beta, 1e-3), want, "inference y", 1e-6);
  close(batchNormInference(x, mean, variance, null, null, 1e-3), tf.batchNormalization(x, mean, variance, null, null, 1e-3), "no affine", 1e-6);
  const [dx, dm] = tf.grads((a: Tensor, m: Tensor) => batchNormInference(a, m, variance, gamma, beta, 1e-3))([x, mean]);
  const [ex, em] = tf.grads((a: Tensor, m: Tensor) => tf.batchNormalization(a, m, variance, beta, gamma, 1e-3))([x, mean]);
  close(dx, ex, "inference dx");
  close(dm, em, "inference dmean");
});

test("inputs no tape tracks get no gradient computed (a first layer's data input)", () => {
  const b = backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const calls = { conv2dBackpropInput: 0, matmul: 0 };
  const saved = { conv2dBackpropInput: b.conv2dBackpropInput, matmul: b.matmul };
  for (const k of ["conv2dBackpropInput", "matmul"] as const) {
    b[k] = (...args: unknown[]) => { calls[k]++; return saved[k](...args); };
  }
  try {
    const x = tf.random.normal([2, 5, 5, 3]);
    const w = tf.variable(tf.random.normal([3, 3, 3, 4]));
    const k = tf.variable(tf.random.normal([100, 6]));
    const grads = tf.variableGrads(() => {
      const y = fusedConv2d(x, w, null, { padding: "same" }, "relu");
      return tf.sum(fusedMatMul(tf.reshape(y, [2, 100]), k, null, "linear"));
    });
    assert.deepEqual(Object.keys(grads.grads).sort(), [k.name, w.name].sort());
    // Backward: dz @ k^T is needed (y depends on w), a^T @ dz for k; the conv's input gradient is not.
    assert.equal(calls.conv2dBackpropInput, 0);
    assert.equal(calls.matmul, 2);
  } finally {
    Object.assign(b, saved);
  }
});

test("signedPower: values by hand, zeros keep their sign, NaN stays NaN", () => {
  const x = tf.constant([0.5, -0.5, 0, -0, Number.NaN, 2], [3, 2], "float64");
  const p = tf.constant([2, 3], [2], "float64");
  const y = signedPower(x, p, 0.25).dataSync();
  // sign(x) * (|x| + 0.25)^p: 0.75^2, -(0.75^3), 0, -0, NaN, 2.25^3
  const want = [0.5625, -0.421875, 0, -0, Number.NaN, 11.390625];
  want.forEach((w, i) => assert.ok(Object.is(y[i], w) || Math.abs(Number(y[i]) - w) < 1e-12, `[${i}]: got ${y[i]}, want ${w}`));
});

test("signedPower gradients by central finite differences (float64), for x and p", () => {
  tf.random.setSeed(11);
  for (const shape of [[3, 4], [2, 3, 3, 5], [7, 1]]) {
    const c = shape[shape.length - 1];
    const x = tf.cast(tf.random.normal(shape), "float64");
    const p = tf.cast(tf.add(tf.random.uniform([c]), 0.5), "float64");
    checkGradients((a, b) => signedPower(a, b, 1e-2), [x, p], { rtol: 1e-5, atol: 1e-7 });
  }
});

test("signedPower equals sign(x) * exp(p * log(|x| + eps)) with gradients and second-order gradients", () => {
  tf.random.setSeed(12);
  for (const shape of [[64, 9, 9, 16], [5, 3]]) {
    const c = shape[shape.length - 1];
    const x = tf.random.normal(shape), p = tf.add(tf.random.uniform([c]), 1);
    const r = tf.random.normal(shape);
    const composite = (t: Tensor[]) => {
      const sgn = tf.noGrad(() => tf.sign(t[0]));
      return tf.mul(sgn, tf.exp(tf.mul(t[1], tf.log(tf.add(tf.mul(t[0], sgn), 1e-6)))));
    };
    const f = firstAndSecond((t) => signedPower(t[0], t[1], 1e-6), [x, p], r), g = firstAndSecond(composite, [x, p], r);
    const what = `signedPower ${JSON.stringify(shape)}`;
    close(f.value, g.value, `${what} value`, 1e-6);
    f.grads.forEach((t, i) => close(t, g.grads[i], `${what} gradient ${i}`, 1e-5));
    f.second.forEach((t, i) => close(t, g.second[i], `${what} second-order gradient ${i}`, 1e-4));
  }
  assert.throws(() => signedPower(tf.zeros([2, 3]), tf.zeros([2]), 1e-6), /p must be float32 \[3\] to match the last axis of x \(2, 3\), got float32 \(2,\)/);
  assert.throws(() => signedPower(tf.zeros([2, 3]), tf.zeros([3]), 0), /eps must be a positive number, got 0/);
  assert.throws(() => signedPower(tf.zeros([], "float32"), tf.zeros([1]), 1e-6), /x must be a float tensor with at least one axis/);
  assert.throws(() => signedPower(tf.zeros([2, 3], "int32"), tf.zeros([3], "int32"), 1e-6), /got int32 \(2, 3\)/);
});

/*
 * A NaN reaching a fused relu stays NaN (a network whose weights went NaN must not look finite), and
 * the gradient passes there. Expected values from torch 1.13, with nan = float("nan"):
 *   a = [[1,2,3],[nan,1,1],[1,1,1]], b = [[-1,1],[-1,1],[-1,1]], bias = [0.5,-1] (requires_grad):
 *   torch.relu(a @ b + bias) -> [[0,5],[nan,nan],[0,2]]; .sum().backward(): bias.grad [1,3];
 *   with bias [0.5,nan]: [[0,nan],[nan,nan],[0,nan]].
 *   x = torch.arange(1.,17).reshape(1,1,4,4), x[0,0,0,0] = nan, w = [-ones(3,3), ones(3,3)] as (2,1,3,3):
 *   torch.relu(F.conv2d(x, w, bias)).permute(0,2,3,1) -> [[[nan,nan],[0,62]],[[0,89],[0,98]]]; bias.grad [1,4];
 *   without the NaN in x and bias [0.5,nan]: [[[0,nan],[0,nan]],[[0,nan],[0,nan]]].
 *   Dense: torch.relu(tensor([[1,-2],[0.5,0.25]]) @ tensor([[-1,nan],[1,-1]])) -> [[0,nan],[0,nan]].
 */
for (const name of ["js", "native"]) {
  testOnBackend(name, `fused matmul/conv2d + bias + relu and Dense/Conv2D layers with relu keep NaN, as torch (${name} backend)`, () => {
    const N = NaN;
    const data = (v: Tensor): number[] => [...v.dataSync()] as number[];
    const a = tf.constant([[1, 2, 3], [N, 1, 1], [1, 1, 1]], "float32");
    const b = tf.constant([[-1, 1], [-1, 1], [-1, 1]], "float32");
    const bias = tf.constant([0.5, -1], "float32");
    assert.deepEqual(data(fusedMatMul(a, b, bias, "relu")), [0, 5, N, N, 0, 2], "matmul + bias + relu");
    assert.deepEqual(data(fusedMatMul(a, b, tf.constant([0.5, N], "float32"), "relu")), [0, N, N, N, 0, N], "matmul + NaN bias + relu");
    const mmGrads = tf.grads((bb: Tensor) => tf.sum(fusedMatMul(a, b, bb, "relu")))([bias]);
    assert.deepEqual(data(mmGrads[0]), [1, 3], "matmul + bias + relu: bias gradient");

    const x = tf.reshape(tf.range(1, 17, 1, "float32"), [1, 4, 4, 1]);
    const xNaN = tf.where(tf.equal(x, 1), N, x);
    const ones = tf.ones([3, 3, 1, 1]);
    const w = tf.concat([tf.neg(ones), ones], 3);
    assert.deepEqual(data(fusedConv2d(xNaN, w, bias, {}, "relu")), [N, N, 0, 62, 0, 89, 0, 98], "conv2d + bias + relu");
    assert.deepEqual(data(fusedConv2d(x, w, tf.constant([0.5, N], "float32"), {}, "relu")), [0, N, 0, N, 0, N, 0, N], "conv2d + NaN bias + relu");
    const convGrads = tf.grads((bb: Tensor) => tf.sum(fusedConv2d(xNaN, w, bb, {}, "relu")))([bias]);
    assert.deepEqual(data(convGrads[0]), [1, 4], "conv2d + bias + relu: bias gradient");

    // The layers take the fused kernels for activation "relu".
    const dense = tf.layers.Dense(2, { activation: "relu", useBias: false });
    dense.build([null, 2]);
    dense.setWeights([tf.constant([[-1, N], [1, -1]], "float32")]);
    assert.deepEqual(data(dense.apply(tf.constant([[1, -2], [0.5, 0.25]], "float32")) as Tensor), [0, N, 0, N], "Dense relu");
    const conv = tf.layers.Conv2D(2, 3, { activation: "relu" });
    conv.build([null, 4, 4, 1]);
    conv.setWeights([tf.where(tf.equal(tf.reshape(tf.range(0, 18, 1, "float32"), [3, 3, 1, 2]), 9), N, w), tf.zeros([2])]);
    assert.deepEqual(data(conv.apply(x) as Tensor), [0, N, 0, N, 0, N, 0, N], "Conv2D relu with a NaN weight");
  });
}
