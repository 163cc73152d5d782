import { Tensor, storageOf } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { zerosLike } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, backend, outputTensor, record, toTensor } from "./engine.js";
import { cast, mul, neg } from "./math.js";
import { concat, gather, pad, slice } from "./shape.js";
import { swapaxes } from "./arrange.js";
import { valueText } from "../tensor/value_text.js";
import * as sym from "./symbolic.js";

/*
 * keras.ops.fft, fft2, rfft and irfft. Keras has no complex dtype on every backend, so a complex
 * tensor travels as a [real, imag] pair of float tensors of one shape, in and out; lamina has none
 * either. Every transform runs in float64 (one backend kernel: radix-2, Bluestein for other
 * lengths) and returns the inputs' float dtype. All four are linear, so their gradients are the
 * adjoint transforms: the unnormalized DFT's adjoint is the unnormalized inverse DFT and back.
 */

/** A complex tensor as Keras passes it: [real, imag], two float tensors of one shape. */
export type ComplexPair = readonly [Input, Input];

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/** The pair checked: same shape, float, rank >= minRank; both in the wider of their dtypes. */
export function complexPair(op: string, x: ComplexPair, minRank = 1): [Tensor, Tensor] {
  if (!Array.isArray(x) || x.length !== 2) {
    throw new TypeError(`${op}: x must be a pair [real, imag] of float tensors (Keras' complex convention), got ${valueText(x)}`);
  }
  const re = toTensor(x[0], op, "x[0] (real)"), im = toTensor(x[1], op, "x[1] (imag)");
  if (!isFloatDType(re.dtype) || !isFloatDType(im.dtype)) {
    throw new TypeError(`${op}: the real and imaginary parts must be float32 or float64, got ${text(re)} and ${text(im)}; cast them with tf.cast(t, "float32")`);
  }
  if (re.rank !== im.rank || re.shape.some((d, i) => d !== im.shape[i])) {
    throw new RangeError(`${op}: the real and imaginary parts must have the same shape, got ${shapeText(re.shape)} and ${shapeText(im.shape)}`);
  }
  if (re.rank < minRank) {
    throw new RangeError(`${op}: x must have rank >= ${minRank} (the transform runs over its last ${minRank === 1 ? "axis" : `${minRank} axes`}), got ${shapeText(re.shape)}`);
  }
  const dtype = re.dtype === "float64" || im.dtype === "float64" ? "float64" : "float32";
  return [re.dtype === dtype ? re : cast(re, dtype), im.dtype === dtype ? im : cast(im, dtype)];
}

/** A real float tensor of rank >= 1. */
export function realSignal(op: string, xIn: Input, arg = "x"): Tensor {
  const x = toTensor(xIn, op, arg);
  if (!isFloatDType(x.dtype)) {
    throw new TypeError(`${op}: ${arg} must be float32 or float64, got ${text(x)}; cast it with tf.cast(${arg}, "float32")`);
  }
  if (x.rank < 1) throw new RangeError(`${op}: ${arg} must have rank >= 1 (the transform runs over its last axis), got a scalar`);
  return x;
}

function f64(t: Tensor): Float64Array {
  return storageOf(t) as Float64Array;
}

/**
 * The unnormalized DFT (inverse: e^+i) of the last axis, float64 in and out. The gradient of the
 * forward transform is the inverse one applied to (dRe, dIm) and vice versa (F^H = conj(F)).
 */
export function dft64(op: string, re: Tensor, im: Tensor, inverse: boolean): [Tensor, Tensor] {
  const n = re.shape[re.rank - 1];
  const rows = n === 0 ? 0 : re.size / n;
  const outRe = outputTensor(re.shape, "float64"), outIm = outputTensor(re.shape, "float64");
  backend().fft(f64(re), f64(im), rows, n, inverse, f64(outRe), f64(outIm));
  record(op, [re, im], [outRe, outIm], ([dRe, dIm]) => dft64(op, cast(dRe, "float64"), cast(dIm, "float64"), !inverse));
  return [outRe, outIm];
}

/** dft64 on x's dtype: the pair goes to float64 and comes back, the casts carrying the gradients. */
function dft(op: string, re: Tensor, im: Tensor, inverse: boolean): [Tensor, Tensor] {
  const dtype = re.dtype;
  const [r, i] = dft64(op, cast(re, "float64"), cast(im, "float64"), inverse);
  return dtype === "float64" ? [r, i] : [cast(r, dtype), cast(i, dtype)];
}

/** keras.ops.fft([real, imag]): the DFT along the last axis, as [real, imag]. */
function fftEager(x: ComplexPair): [Tensor, Tensor] {
  const [re, im] = complexPair("fft", x);
  return dft("fft", re, im, false);
}

/** keras.ops.fft2([real, imag]): the 2-D DFT over the last two axes, as [real, imag]. */
function fft2Eager(x: ComplexPair): [Tensor, Tensor] {
  const op = "fft2";
  const [re, im] = complexPair(op, x, 2);
  const r = re.rank;
  const [ar, ai] = dft(op, re, im, false);
  const [br, bi] = dft(op, swapaxes(ar, r - 1, r - 2), swapaxes(ai, r - 1, r - 2), false);
  return [swapaxes(br, r - 1, r - 2), swapaxes(bi, r - 1, r - 2)];
}

function checkFftLength(op: string, fftLength: number | null | undefined): void {
  if (fftLength !== null && fftLength !== undefined && !(Number.isInteger(fftLength) && fftLength > 0)) {
    throw new RangeError(`${op}: fftLength must be a positive integer (or null for the input's own length), got ${valueText(fftLength)}`);
  }
}

/** x's last axis cropped or zero-padded to n (as numpy's n argument). */
export function fitLastAxis(x: Tensor, n: number): Tensor {
  const len = x.shape[x.rank - 1];
  if (len === n) return x;
  if (len > n) return slice(x, new Array<number>(x.rank).fill(0), [...x.shape.slice(0, -1), n]);
  return pad(x, x.shape.map((_, i) => (i === x.rank - 1 ? [0, n - len] : [0, 0]) as [number, number]));
}

/**
 * keras.ops.rfft(x, fftLength): the DFT of real x along its last axis (cropped or zero-padded to
 * fftLength, default its length), keeping the fftLength / 2 + 1 non-negative frequencies, as
 * [real, imag].
 */
function rfftEager(xIn: Input, fftLength: number | null = null): [Tensor, Tensor] {
  const op = "rfft";
  checkFftLength(op, fftLength);
  const x0 = realSignal(op, xIn);
  const n = fftLength ?? x0.shape[x0.rank - 1];
  if (n === 0) throw new RangeError(`${op}: the last axis of x ${shapeText(x0.shape)} is empty; give a positive fftLength`);
  const x = fitLastAxis(x0, n);
  const [re, im] = dft(op, x, zerosLike(x), false);
  const bins = Math.floor(n / 2) + 1;
  return [fitLastAxis(re, bins), fitLastAxis(im, bins)];
}

/**
 * keras.ops.irfft([real, imag], fftLength): the real signal of length fftLength (default
 * 2 (m - 1) for m bins) whose rfft is x: the bins are cropped or zero-padded to fftLength / 2 + 1,
 * the rest of the spectrum is their conjugate mirror (so the imaginary parts of the zero and, for
 * even lengths, the Nyquist bins do not matter), and the inverse DFT is divided by fftLength.
 */
function irfftEager(x: ComplexPair, fftLength: number | null = null): Tensor {
  const op = "irfft";
  checkFftLength(op, fftLength);
  const [re0, im0] = complexPair(op, x);
  const m = re0.shape[re0.rank - 1];
  const n = fftLength ?? 2 * (m - 1);
  if (n <= 0) {
    throw new RangeError(`${op}: the output length 2 * (bins - 1) is ${n} for x ${shapeText(re0.shape)}; give at least 2 bins or a positive fftLength`);
  }
  const bins = Math.floor(n / 2) + 1;
  const re = fitLastAxis(re0, bins), im = fitLastAxis(im0, bins);
  // Bins n - k for k = bins .. n - 1 mirror bin n - k: real part equal, imaginary part negated.
  const mirror = Int32Array.from({ length: n - bins }, (_, j) => n - (bins + j));
  const axis = re.rank - 1;
  const fullRe = mirror.length === 0 ? re : concat([re, gather(re, new Tensor(mirror, [mirror.length], "int32"), axis)], axis);
  const fullIm = mirror.length === 0 ? im : concat([im, neg(gather(im, new Tensor(mirror, [mirror.length], "int32"), axis))], axis);
  const [out] = dft(op, fullRe, fullIm, true);
  return mul(out, 1 / n);
}

/** fft, recording Keras' operation on symbolic tensors (see fftEager). */
export const fft = sym.withSymbolic(fftEager, (x) => pair(sym.symbolicOps("FFT", [[...x]])));

/** fft2, recording Keras' operation on symbolic tensors (see fft2Eager). */
export const fft2 = sym.withSymbolic(fft2Eager, (x) => pair(sym.symbolicOps("FFT2", [[...x]])));

/** rfft, recording Keras' operation on symbolic tensors (see rfftEager). */
export const rfft = sym.withSymbolic(rfftEager, (x, fftLength = null) => pair(sym.symbolicOps("RFFT", [x], { fft_length: fftLength })));

/** irfft, recording Keras' operation on symbolic tensors (see irfftEager). */
export const irfft = sym.withSymbolic(irfftEager, (x, fftLength = null) => sym.symbolicOp("IRFFT", [[...x]], { fft_length: fftLength }));

/** An op's two symbolic outputs, real and imaginary parts. */
function pair(outs: readonly sym.Sym[]): [sym.Sym, sym.Sym] {
  return [outs[0], outs[1]];
}
