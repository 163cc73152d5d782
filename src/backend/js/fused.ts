import type { NumericArray } from "../../tensor/dtype.js";
import type { Conv2DInfo, FusedActivation } from "../backend.js";
import { conv2d, conv2dBackpropFilter } from "./conv.js";
import { matmul } from "./matmul.js";

/*
 * The reference implementations of the fused kernels: each computes what the chain of elementwise
 * ops it replaces computes, value for value, with tensors viewed as [rows, channels].
 */

export function biasActivation(y: NumericArray, rows: number, channels: number, bias: NumericArray | null, activation: FusedActivation): void {
  const relu = activation === "relu";
  if (bias === null && !relu) return;
  if (bias === null) {
    for (let i = 0; i < y.length; i++) { const v = y[i]; y[i] = v < 0 ? 0 : v; }
    return;
  }
  // The sum is rounded to y's dtype by the store, as the add op's output would be, before the relu
  // (which keeps NaN and -0, as the relu op does).
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      y[i] = y[i] + bias[c];
      if (relu && y[i] < 0) y[i] = 0;
    }
  }
}

export function biasActivationGrad(
  dy: NumericArray, y: NumericArray, rows: number, channels: number, activation: FusedActivation, dz: NumericArray, dbias: NumericArray | null,
): void {
  if (activation === "relu") {
    // relu'(x) = x > 0, and y = relu(x) <= 0 exactly when x <= 0; a NaN passes dy on (torch's threshold_backward).
    for (let i = 0; i < dy.length; i++) dz[i] = y[i] <= 0 ? 0 : dy[i];
  } else if (dz !== dy) {
    dz.set(dy as Float32Array & Float64Array);
  }
  if (dbias === null) return;
  const acc = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < channels; c++, i++) acc[c] += dz[i];
  for (let c = 0; c < channels; c++) dbias[c] = acc[c];
}

export function conv2dBiasActivation(
  x: NumericArray, filter: NumericArray, bias: NumericArray | null, activation: FusedActivation, out: NumericArray, info: Conv2DInfo,
): void {
  conv2d(x, filter, out, info);
  biasActivation(out, info.batch * info.outHeight * info.outWidth, info.outChannels, bias, activation);
}

export function conv2dBackpropFilterBiasActivation(
  x: NumericArray, dy: NumericArray, y: NumericArray, activation: FusedActivation, dw: NumericArray, dbias: NumericArray | null,
  info: Conv2DInfo,
): void {
  // The composite: dz in a scratch array of dy's type, then its filter gradient.
  const dz = dy instanceof Float32Array ? new Float32Array(dy.length) : new Float64Array(dy.length);
  biasActivationGrad(dy, y, info.batch * info.outHeight * info.outWidth, info.outChannels, activation, dz, dbias);
  conv2dBackpropFilter(x, dz, dw, info);
}

export function matmulBiasActivation(
  a: NumericArray, b: NumericArray, bias: NumericArray | null, activation: FusedActivation, out: NumericArray,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
): void {
  matmul(a, b, out, 1, m, k, n, transposeA, transposeB, 0, 0);
  biasActivation(out, m, n, bias, activation);
}

export function batchNormTraining(
  x: NumericArray, rows: number, channels: number, gamma: NumericArray | null, beta: NumericArray | null, epsilon: number,
  y: NumericArray, mean: NumericArray, variance: NumericArray, saved: Float64Array,
): void {
  const C = channels;
  const m = new Float64Array(C);
  const v = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < C; c++, i++) m[c] += x[i];
  for (let c = 0; c < C; c++) m[c] = rows > 0 ? m[c] / rows : 0;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) { const d = x[i] - m[c]; v[c] += d * d; }
  }
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    v[c] = rows > 0 ? v[c] / rows : 0;
    const invStd = 1 / Math.sqrt(v[c] + epsilon);
    scale[c] = gamma === null ? invStd : gamma[c] * invStd;
    shift[c] = (beta === null ? 0 : beta[c]) - m[c] * scale[c];
    mean[c] = m[c];
    variance[c] = v[c];
    saved[c] = m[c];
    saved[C + c] = invStd;
  }
  channelAffine(x, rows, C, scale, shift, y);
}

export function batchNormTrainingGrad(
  x: NumericArray, dy: NumericArray, rows: number, channels: number, gamma: NumericArray | null, saved: Float64Array,
  dx: NumericArray, dgamma: NumericArray | null, dbeta: NumericArray | null,
): void {
  const C = channels;
  const sumDy = new Float64Array(C);
  const sumDyXhat = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const g = dy[i];
      sumDy[c] += g;
      sumDyXhat[c] += g * ((x[i] - saved[c]) * saved[C + c]);
    }
  }
  // dx = k * (dy - xhat * a) - b with per-channel doubles k, a, b (xhat recomputed from x).
  const k = new Float64Array(C), a = new Float64Array(C), b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const invStd = saved[C + c];
    k[c] = (gamma === null ? 1 : gamma[c]) * invStd;
    a[c] = rows > 0 ? sumDyXhat[c] / rows : 0;
    b[c] = k[c] * (rows > 0 ? sumDy[c] / rows : 0);
    if (dgamma !== null) dgamma[c] = sumDyXhat[c];
    if (dbeta !== null) dbeta[c] = sumDy[c];
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const xhat = (x[i] - saved[c]) * saved[C + c];
      dx[i] = k[c] * (dy[i] - xhat * a[c]) - b[c];
    }
  }
}

export function channelAffine(x: NumericArray, rows: number, channels: number, scale: Float64Array, shift: Float64Array, out: NumericArray): void {
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < channels; c++, i++) out[i] = x[i] * scale[c] + shift[c];
}

export function signedPower(x: NumericArray, rows: number, channels: number, p: NumericArray, eps: number, out: NumericArray): void {
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const v = x[i];
      const m = Math.exp(p[c] * Math.log(Math.abs(v) + eps));
      // v * m for +-0 and NaN: the zero's sign, or NaN.
      out[i] = v > 0 ? m : v < 0 ? -m : v * m;
    }
  }
}

export function signedPowerGrad(
  x: NumericArray, y: NumericArray, dy: NumericArray, rows: number, channels: number, p: NumericArray, eps: number,
  dx: NumericArray, dp: NumericArray | null,
): void {
  const acc = dp === null ? null : new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const a = Math.abs(x[i]) + eps, g = dy[i], v = y[i];
      dx[i] = (g * p[c] * Math.abs(v)) / a;
      if (acc !== null) acc[c] += g * v * Math.log(a);
    }
  }
  if (dp !== null && acc !== null) for (let c = 0; c < channels; c++) dp[c] = acc[c];
}

/**
 * Each op of the unfused sequence stores its output to the tensor's dtype: float32 outputs round
 * there, float64 ones do not. A branch on a flag, not a rounding closure: a call through a variable
 * that is Math.fround for some tensors and an arrow for others is not inlined, and made these
 * kernels slower than the ops they replace.
 */
function rd(v: number, f32: boolean): number {
  return f32 ? Math.fround(v) : v;
}

function sigmoidOf(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

export function lstmCell(xp: NumericArray, hr: NumericArray, cPrev: NumericArray, rows: number, units: number, h: NumericArray, c: NumericArray): void {
  const f = h instanceof Float32Array;
  const u = units;
  for (let b = 0; b < rows; b++) {
    const z = b * 4 * u, o = b * u;
    for (let j = 0; j < u; j++) {
      const gi = rd(sigmoidOf(rd(xp[z + j] + hr[z + j], f)), f);
      const gf = rd(sigmoidOf(rd(xp[z + u + j] + hr[z + u + j], f)), f);
      const gc = rd(Math.tanh(rd(xp[z + 2 * u + j] + hr[z + 2 * u + j], f)), f);
      const go = rd(sigmoidOf(rd(xp[z + 3 * u + j] + hr[z + 3 * u + j], f)), f);
      const cv = rd(rd(gf * cPrev[o + j], f) + rd(gi * gc, f), f);
      c[o + j] = cv;
      h[o + j] = go * rd(Math.tanh(cv), f);
    }
  }
}

export function gruCell(xp: NumericArray, hr: NumericArray, hh: NumericArray | null, hPrev: NumericArray, rows: number, units: number, h: NumericArray): void {
  const f = h instanceof Float32Array;
  const u = units;
  const stride = hh === null ? 3 * u : 2 * u;
  for (let b = 0; b < rows; b++) {
    const x = b * 3 * u, y = b * stride, o = b * u;
    for (let j = 0; j < u; j++) {
      const z = rd(sigmoidOf(rd(xp[x + j] + hr[y + j], f)), f);
      // Reset after: the reset gate scales the recurrent product; before, it was applied to hPrev ahead of hh's matmul.
      const rec = hh === null ? rd(rd(sigmoidOf(rd(xp[x + u + j] + hr[y + u + j], f)), f) * hr[y + 2 * u + j], f) : hh[o + j];
      const cand = rd(Math.tanh(rd(xp[x + 2 * u + j] + rec, f)), f);
      h[o + j] = rd(z * hPrev[o + j], f) + rd(rd(1 - z, f) * cand, f);
    }
  }
}

export function gruResetGate(xp: NumericArray, hr: NumericArray, hPrev: NumericArray, rows: number, units: number, rh: NumericArray): void {
  const f = rh instanceof Float32Array;
  const u = units;
  for (let b = 0; b < rows; b++) {
    const x = b * 3 * u, y = b * 2 * u, o = b * u;
    for (let j = 0; j < u; j++) rh[o + j] = rd(sigmoidOf(rd(xp[x + u + j] + hr[y + u + j], f)), f) * hPrev[o + j];
  }
}
