import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { BatchNormalization } from "../layers/normalization.js";
import { testOnBackend } from "../testing/backends.js";

const { layers, models } = tf;

/** A float64 NHWC 'same' 3x3 convolution with bias, by loops (the reference). */
function convSame(x: number[][][][], k: number[][][][], b: number[]): number[][][][] {
  const [N, H, W, C] = [x.length, x[0].length, x[0][0].length, x[0][0][0].length];
  const O = b.length;
  const out: number[][][][] = [];
  for (let n = 0; n < N; n++) {
    out.push([]);
    for (let i = 0; i < H; i++) {
      out[n].push([]);
      for (let j = 0; j < W; j++) {
        const px: number[] = [];
        for (let o = 0; o < O; o++) {
          let s = b[o];
          for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
            const y = i + di - 1, z = j + dj - 1;
            if (y < 0 || y >= H || z < 0 || z >= W) continue;
            for (let c = 0; c < C; c++) s += x[n][y][z][c] * k[di][dj][c][o];
          }
          px.push(s);
        }
        out[n][i].push(px);
      }
    }
  }
  return out;
}

/** Keras' inference-mode BatchNormalization, per channel, in float64. */
function bnInference(v: number, c: number, p: { gamma: number[]; beta: number[]; mean: number[]; variance: number[] }, eps: number): number {
  return ((v - p.mean[c]) / Math.sqrt(p.variance[c] + eps)) * p.gamma[c] + p.beta[c];
}

function setUpBn(bn: tf.layers.Layer, p: { gamma: number[]; beta: number[]; mean: number[]; variance: number[] }): void {
  bn.setWeights([tf.constant(p.gamma), tf.constant(p.beta), tf.constant(p.mean), tf.constant(p.variance)]);
}

const BN = { gamma: [1.5, -0.5, 2], beta: [0.1, -0.2, 0.3], mean: [0.4, -0.3, 1.2], variance: [0.8, 2.5, 0.05] };

function countBnCalls<T>(fn: () => T): { result: T; calls: number } {
  const original = BatchNormalization.prototype.call;
  let calls = 0;
  BatchNormalization.prototype.call = function (this: BatchNormalization, ...args: Parameters<typeof original>) {
    calls++;
    return original.apply(this, args);
  };
  try {
    return { result: fn(), calls };
  } finally {
    BatchNormalization.prototype.call = original;
  }
}

function data(): { x: tf.Tensor; xs: number[][][][]; kernel: number[][][][]; bias: number[] } {
  tf.random.setSeed(7);
  const x = tf.random.normal([2, 5, 4, 2]);
  const kernel = tf.random.normal([3, 3, 2, 3]);
  const bias = [0.25, -0.5, 0.125];
  return { x, xs: x.arraySync() as number[][][][], kernel: kernel.arraySync() as number[][][][], bias };
}

/** Input [5, 4, 2] -> Conv2D(3, 3, same) with these weights -> BatchNormalization -> ReLU. */
function convBnRelu(kernel: number[][][][], bias: number[]): tf.models.Sequential {
  const model = new models.Sequential([
    layers.Input({ shape: [5, 4, 2] }),
    layers.Conv2D(3, 3, { padding: "same" }),
    layers.BatchNormalization(),
    layers.ReLU(),
  ]);
  model.layers[0].setWeights([tf.constant(kernel), tf.constant(bias)]);
  return model;
}

test("Sequential Conv2D -> BatchNormalization -> ReLU predicts the hand-computed values, with the normalization folded", () => {
  const { x, xs, kernel, bias } = data();
  const model = convBnRelu(kernel, bias);
  setUpBn(model.layers[1], BN);
  const { result, calls } = countBnCalls(() => model.predict(x) as tf.Tensor);
  assert.equal(calls, 0, "inference should run the chain as one folded convolution");
  const got = result.arraySync() as number[][][][];
  const conv = convSame(xs, kernel, bias);
  conv.forEach((img, n) => img.forEach((row, i) => row.forEach((px, j) => px.forEach((v, c) => {
    const want = Math.max(0, bnInference(v, c, BN, 1e-3));
    assert.ok(Math.abs(got[n][i][j][c] - want) <= 1e-5 * (1 + Math.abs(want)), `[${n},${i},${j},${c}] ${got[n][i][j][c]} vs ${want}`);
  }))));
});

test("functional chains fold in inference, stay unfolded when an intermediate result has another reader or in training", () => {
  const { x, xs, kernel, bias } = data();
  const inputs = layers.Input({ shape: [5, 4, 2] });
  const conv = layers.Conv2D(3, 3, { padding: "same", useBias: true });
  const bn = layers.BatchNormalization();
  const c = conv.apply(inputs) as tf.layers.SymbolicTensor;
  const y = layers.Activation("relu").apply(bn.apply(c)) as tf.layers.SymbolicTensor;
  const folded = new models.Model({ inputs, outputs: y });
  conv.setWeights([tf.constant(kernel), tf.constant(bias)]);
  setUpBn(bn, BN);
  const a = countBnCalls(() => folded.predict(x) as tf.Tensor);
  assert.equal(a.calls, 0);

  // The convolution's output is also a model output: nothing folds, and the values agree.
  const both = new models.Model({ inputs, outputs: [y, c] });
  const b = countBnCalls(() => both.predict(x) as tf.Tensor[]);
  assert.equal(b.calls, 1);
  const conv64 = convSame(xs, kernel, bias);
  const gotConv = b.result[1].arraySync() as number[][][][];
  const foldedOut = a.result.arraySync() as number[][][][];
  const unfoldedOut = b.result[0].arraySync() as number[][][][];
  conv64.forEach((img, n) => img.forEach((row, i) => row.forEach((px, j) => px.forEach((v, ch) => {
    assert.ok(Math.abs(gotConv[n][i][j][ch] - v) <= 1e-5 * (1 + Math.abs(v)));
    const want = Math.max(0, bnInference(v, ch, BN, 1e-3));
    assert.ok(Math.abs(foldedOut[n][i][j][ch] - want) <= 1e-5 * (1 + Math.abs(want)));
    assert.ok(Math.abs(unfoldedOut[n][i][j][ch] - want) <= 1e-5 * (1 + Math.abs(want)));
  }))));

  // Training mode normalizes with the batch statistics: the layer runs, nothing folds.
  const t = countBnCalls(() => folded.apply(x, { training: true }) as tf.Tensor);
  assert.equal(t.calls, 1);
});

test("a Conv2D with its own activation, or a BatchNormalization on another axis, is not folded", () => {
  const { x } = data();
  const relu = new models.Sequential([layers.Input({ shape: [5, 4, 2] }), layers.Conv2D(3, 3, { activation: "relu" }), layers.BatchNormalization()]);
  assert.equal(countBnCalls(() => relu.predict(x)).calls, 1);
  const axis1 = new models.Sequential([layers.Input({ shape: [5, 4, 2] }), layers.Conv2D(3, 3), layers.BatchNormalization({ axis: 1 })]);
  assert.equal(countBnCalls(() => axis1.predict(x)).calls, 1);
});

/*
 * The folded Conv2D -> BatchNormalization -> ReLU keeps NaN (weights gone NaN must show), as the
 * unfolded chain and torch do: torch.relu(F.batch_norm(F.conv2d(x, w, b, padding=1), mean, var,
 * gamma, beta, eps=1e-3)) is NaN in every pixel of output channel 2 when w's centre tap into it is
 * NaN, and of channel 1 when its moving variance is NaN (torch.relu(nan) = nan, not 0).
 */
for (const name of ["js", "native"]) {
  testOnBackend(name, `a folded Conv2D -> BatchNormalization -> ReLU gives NaN where a NaN reaches it (${name} backend)`, () => {
    const { x, xs, kernel, bias } = data();
    kernel[1][1][0][2] = Number.NaN;
    const model = convBnRelu(kernel, bias);
    for (const p of [BN, { ...BN, variance: [0.8, Number.NaN, 0.05] }]) {
      setUpBn(model.layers[1], p);
      const { result, calls } = countBnCalls(() => model.predict(x) as tf.Tensor);
      assert.equal(calls, 0, "inference should run the chain as one folded convolution");
      const got = result.arraySync() as number[][][][];
      let nans = 0;
      convSame(xs, kernel, bias).forEach((img, n) => img.forEach((row, i) => row.forEach((px, j) => px.forEach((v, c) => {
        const want = Math.max(0, bnInference(v, c, p, 1e-3)); // Math.max(0, NaN) is NaN
        const g = got[n][i][j][c];
        if (Number.isNaN(want)) {
          nans++;
          assert.ok(Number.isNaN(g), `[${n},${i},${j},${c}]: got ${g}, want NaN`);
        } else {
          assert.ok(Math.abs(g - want) <= 1e-5 * (1 + Math.abs(want)), `[${n},${i},${j},${c}] ${g} vs ${want}`);
        }
      }))));
      // Channel 2 of both 5x4 images, then channel 1 too.
      assert.equal(nans, p === BN ? 40 : 80);
    }
  });
}
