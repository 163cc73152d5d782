import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

/** numpy.fft, torch autograd and Keras 3.5 (torch backend) values: test/fixtures/make_signal.py. */
interface Shaped { shape: number[]; data: number[] }
interface Case { [k: string]: Shaped | number | string | boolean | null }
const fx = JSON.parse(readFileSync("test/fixtures/signal.json", "utf8")) as Record<string, Case[]>;
const T = (s: Shaped | number | string | boolean | null, dtype: "float32" | "float64" = "float64"): tf.Tensor => {
  const v = s as Shaped;
  return tf.constant(v.data, v.shape, dtype);
};
const sh = (s: Case[string]): Shaped => s as Shaped;

/** The gradient of sum(wr * re + wi * im) over a transform's pair output. */
function pairGrad(f: (...xs: tf.Tensor[]) => [tf.Tensor, tf.Tensor], wr: tf.Tensor, wi: tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  return tf.grads((...a: tf.Tensor[]) => {
    const [r, i] = f(...a);
    return tf.add(tf.sum(tf.mul(r, wr)), tf.sum(tf.mul(i, wi)));
  })(xs);
}

test("fft against numpy.fft (radix-2 and Bluestein lengths, batched), gradient against torch", () => {
  for (const c of fx.fft) {
    const [r, i] = tf.fft([T(c.re), T(c.im)]);
    assertAllClose(r, sh(c.yre), { atol: 1e-12, what: `fft re ${sh(c.re).shape}` });
    assertAllClose(i, sh(c.yim), { atol: 1e-12, what: `fft im ${sh(c.re).shape}` });
    const [gr, gi] = pairGrad((a, b) => tf.fft([a, b]), T(c.wr), T(c.wi), [T(c.re), T(c.im)]);
    assertAllClose(gr, sh(c.gre), { atol: 1e-12 });
    assertAllClose(gi, sh(c.gim), { atol: 1e-12 });
  }
});

test("fft keeps float32, casts a mixed pair to float64, and is accurate on a long prime length", () => {
  const c = fx.fft[1];
  const [r, i] = tf.fft([T(c.re, "float32"), T(c.im, "float32")]);
  assert.equal(r.dtype, "float32");
  assert.equal(i.dtype, "float32");
  assertAllClose(r, sh(c.yre), { atol: 1e-5 });
  assert.equal(tf.fft([T(c.re, "float32"), T(c.im)])[0].dtype, "float64");
  // A delta at 1 has the transform e^(-2 pi i k / n).
  const n = 1009;
  const delta = new Float64Array(n);
  delta[1] = 1;
  const [dr, di] = tf.fft([tf.constant(delta, [n], "float64"), tf.zeros([n], "float64")]);
  const want = Array.from({ length: n }, (_, k) => Math.cos((-2 * Math.PI * k) / n));
  assertAllClose(dr, want, { atol: 1e-12 });
  assertAllClose(di, Array.from({ length: n }, (_, k) => Math.sin((-2 * Math.PI * k) / n)), { atol: 1e-12 });
});

test("fft2 against numpy.fft.fft2", () => {
  for (const c of fx.fft2) {
    const [r, i] = tf.fft2([T(c.re), T(c.im)]);
    assertAllClose(r, sh(c.yre), { atol: 1e-12 });
    assertAllClose(i, sh(c.yim), { atol: 1e-12 });
  }
  checkGradients((a, b) => tf.concat(tf.fft2([a, b]), 0), [T(fx.fft2[2].re), T(fx.fft2[2].im)]);
});

test("rfft against numpy.fft.rfft (fftLength cropping and zero-padding), gradient against torch", () => {
  for (const c of fx.rfft) {
    const n = c.n as number | null;
    const [r, i] = tf.rfft(T(c.x), n);
    assertAllClose(r, sh(c.yre), { atol: 1e-12, what: `rfft n=${n}` });
    assertAllClose(i, sh(c.yim), { atol: 1e-12 });
    const [g] = pairGrad((a) => tf.rfft(a, n), T(c.wr), T(c.wi), [T(c.x)]);
    assertAllClose(g, sh(c.g), { atol: 1e-12, what: `rfft grad n=${n}` });
  }
});

test("irfft against numpy.fft.irfft (default, even and odd lengths, cropped bins), gradient against torch", () => {
  for (const c of fx.irfft) {
    const n = c.n as number | null;
    const y = tf.irfft([T(c.re), T(c.im)], n);
    assertAllClose(y, sh(c.y), { atol: 1e-12, what: `irfft n=${n}` });
    const [gr, gi] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.irfft([a, b], n), T(c.w))))([T(c.re), T(c.im)]);
    assertAllClose(gr, sh(c.gre), { atol: 1e-12, what: `irfft grad re n=${n}` });
    assertAllClose(gi, sh(c.gim), { atol: 1e-12, what: `irfft grad im n=${n}` });
  }
});

test("extractSequences against keras.ops.extract_sequences, with a finite-difference gradient", () => {
  for (const c of fx.extract) {
    assertAllClose(tf.extractSequences(T(c.x), c.seq as number, c.stride as number), sh(c.y), { atol: 0 });
  }
  checkGradients((x) => tf.extractSequences(x, 4, 3), [T(fx.extract[0].x)]);
});

const windowOf = (w: Case[string]): "hann" | "hamming" | null | tf.Tensor => (w === null || typeof w === "string" ? (w as "hann" | "hamming" | null) : T(w));

test("stft against keras.ops.stft on torch (hann, hamming, none, custom windows; center; fftLength > sequenceLength)", () => {
  for (const c of fx.stft) {
    const [r, i] = tf.stft(T(c.x), c.seq as number, c.stride as number, c.fft as number, { window: windowOf(c.window), center: c.center as boolean });
    assertAllClose(r, sh(c.yre), { atol: 1e-10, what: `stft re ${JSON.stringify(c.window)}` });
    assertAllClose(i, sh(c.yim), { atol: 1e-10, what: `stft im ${JSON.stringify(c.window)}` });
  }
  const f32 = tf.stft(T(fx.stft[0].x, "float32"), 8, 4, 8);
  assert.equal(f32[0].dtype, "float32");
  assertAllClose(f32[0], sh(fx.stft[0].yre), { atol: 1e-5 });
  // No window on a float32 signal (the all-ones window takes the signal's dtype): keras.ops.stft(sin(0.37 k), 16, 8, 16, window=None) on torch.
  const noWin = tf.stft(tf.sin(tf.mul(tf.range(0, 40, 1, "float32"), 0.37)), 16, 8, 16, { window: null })[0];
  assert.deepEqual(noWin.shape, [6, 9]);
  assertAllClose(tf.slice(noWin, [0, 0], [1, 9]), [[10.5993, 0.7038, -3.1848, 0.0108, -0.7693, 0.0045, -0.4375, 0.0032, -0.3712]], { atol: 1e-4 });
  checkGradients((x) => tf.concat(tf.stft(x, 8, 4, 8), -1), [T(fx.stft[0].x)]);
});

test("istft against keras.ops.istft on torch (torch.istft's envelope and Keras' tiled one, length, windows)", () => {
  for (const c of fx.istft) {
    const y = tf.istft([T(c.re), T(c.im)], c.seq as number, c.stride as number, c.fft as number,
      { window: windowOf(c.window), center: c.center as boolean, length: c.length as number | null });
    assertAllClose(y, sh(c.y), { atol: 1e-10, what: `istft ${JSON.stringify([c.seq, c.stride, c.fft, c.window, c.center, c.length])}` });
  }
  const c = fx.istft[0];
  checkGradients((a, b) => tf.istft([a, b], 8, 2, 8), [T(c.re), T(c.im)]);
});

test("istft inverts stft", () => {
  const x = tf.random.uniform([2, 64], -1, 1, { dtype: "float64", seed: 3 });
  const spec = tf.stft(x, 16, 4, 16);
  assertAllClose(tf.istft(spec, 16, 4, 16, { length: 64 }), x, { atol: 1e-12 });
});

test("signal ops refuse bad arguments, naming the fix", () => {
  assert.throws(() => tf.fft([tf.ones([3]), tf.ones([4])]), /fft: the real and imaginary parts must have the same shape, got \(3,\) and \(4,\)/);
  assert.throws(() => tf.fft([tf.ones([3], "int32"), tf.ones([3], "int32")]), /fft: .*must be float32 or float64/);
  assert.throws(() => tf.fft(tf.ones([3]) as unknown as [tf.Tensor, tf.Tensor]), /fft: x must be a pair \[real, imag\]/);
  assert.throws(() => tf.fft2([tf.ones([3]), tf.ones([3])]), /fft2: x must have rank >= 2/);
  assert.throws(() => tf.rfft(tf.ones([4]), 0), /rfft: fftLength must be a positive integer/);
  assert.throws(() => tf.irfft([tf.ones([1]), tf.ones([1])]), /irfft: the output length 2 \* \(bins - 1\) is 0/);
  assert.throws(() => tf.extractSequences(tf.ones([3]), 4, 1), /extractSequences: sequenceLength 4 is longer than the last axis of x \(3,\)/);
  assert.throws(() => tf.stft(tf.ones([32]), 8, 4, 4), /stft: fftLength \(4\) must be at least sequenceLength \(8\)/);
  assert.throws(() => tf.stft(tf.ones([32]), 8, 4, 8, { window: "blackman" as "hann" }), /stft: window "blackman" is not supported/);
  assert.throws(() => tf.stft(tf.ones([32]), 8, 4, 8, { window: tf.ones([7]) }), /stft: window must have shape \[sequenceLength\] = \[8\], got \(7,\)/);
  assert.throws(() => tf.stft(tf.ones([3]), 8, 4, 8), /stft: center=true reflect-pads the signal by fftLength \/ 2 = 4 samples/);
  assert.throws(() => tf.istft([tf.ones([3, 5]), tf.ones([3, 5])], 8, 8, 8, { window: "hann" }), /istft: the overlap-added squared window is 0/);
});
