/**
 * keras.ops.layer_normalization and keras.ops.rms_normalization (Keras 3.15): normalization over
 * `axis` of each sample, computed in at least float32 and cast back to x's dtype as Keras does.
 * Built from lamina's differentiable ops, so gradients flow to x, gamma, beta and scale.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeAxes, shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { epsilon as defaultEpsilon } from "../tensor/config.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import { mean, moments } from "./reduce.js";
import { reshape } from "./shape.js";
import { kerasFloatDType } from "./keras_float.js";
import * as sym from "./symbolic.js";

type Axes = number | readonly number[];

function epsilonOf(op: string, epsilon: number | null): number {
  if (epsilon === null) return defaultEpsilon();
  if (typeof epsilon !== "number" || !(epsilon >= 0)) throw new RangeError(`ops.${op}: epsilon must be a non-negative number or null (backend epsilon), got ${valueText(epsilon)}`);
  return epsilon;
}

/** x in the dtype Keras computes in (x's float dtype, or float32 for ints and bool) and its sorted, non-negative axes. */
function prepare(op: string, xIn: Input, axis: Axes): { x: Tensor; dtype: Tensor["dtype"]; axes: number[] } {
  const x0 = toTensor(xIn, `ops.${op}`);
  const axes = [...normalizeAxes(typeof axis === "number" ? [axis] : axis, Math.max(x0.rank, 1), `ops.${op}`)].sort((a, b) => a - b);
  return { x: m.cast(x0, kerasFloatDType(x0.dtype)), dtype: x0.dtype, axes };
}

/** A parameter over the normalized axes, in x's compute dtype. */
function param(op: string, name: string, p: Input | null, x: Tensor): Tensor | null {
  if (p === null || p === undefined) return null;
  const t = toTensor(p, `ops.${op}`, name);
  return t.dtype === x.dtype ? t : m.cast(t, x.dtype);
}

/**
 * Keras' _broadcast: a parameter whose rank differs from x's is laid over the normalized axes by a
 * reshape (when the axes are not just the last one), so gamma of shape (4, 3) fits axes [1, 2] of (b, 4, 3, c).
 */
function laidOver(op: string, name: string, v: Tensor | null, x: Tensor, axes: readonly number[]): Tensor | null {
  if (v === null || v.rank === x.rank) return v;
  const want = axes.map((a) => x.shape[a]);
  const size = want.reduce((p, d) => p * d, 1);
  if (v.size !== size) {
    throw new RangeError(`ops.${op}: ${name} ${shapeText(v.shape)} does not fit the normalized axes ${JSON.stringify(axes)} of x ${shapeText(x.shape)} (sizes ${JSON.stringify(want)})`);
  }
  if (axes.length === 1 && axes[0] === x.rank - 1) return v;
  return reshape(v, x.shape.map((d, i) => (axes.includes(i) ? d : 1)));
}

/**
 * keras.ops.layer_normalization(x, gamma = null, beta = null, axis = -1, epsilon = null):
 * (x - mean) * rsqrt(variance + epsilon) * gamma + beta over `axis`. `rmsScaling` (Keras' deprecated
 * keyword) gives Keras' x * rsqrt(variance + epsilon) * gamma instead, without the mean or beta.
 */
function layerNormalizationEager(xIn: Input, gamma: Input | null = null, beta: Input | null = null, axis: Axes = -1,
  epsilon: number | null = null, options: { rmsScaling?: boolean } = {}): Tensor {
  const op = "layerNormalization";
  const { x, dtype, axes } = prepare(op, xIn, axis);
  const eps = epsilonOf(op, epsilon);
  const g = laidOver(op, "gamma", param(op, "gamma", gamma, x), x, axes);
  const b = laidOver(op, "beta", param(op, "beta", beta, x), x, axes);
  const { mean: mu, variance } = moments(x, axes, true);
  let inv = m.rsqrt(m.add(variance, eps));
  let out: Tensor;
  if (options.rmsScaling === true) {
    out = m.mul(x, inv);
    if (g !== null) out = m.mul(out, g);
  } else {
    // Keras' formula: inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv).
    if (g !== null) inv = m.mul(inv, g);
    let res = m.neg(m.mul(mu, inv));
    if (b !== null) res = m.add(res, b);
    out = m.add(m.mul(x, inv), res);
  }
  return m.cast(out, dtype);
}
export const layerNormalization = sym.withSymbolic(layerNormalizationEager, (x, gamma = null, beta = null, axis = -1, epsilon = null, options = {}) =>
  sym.symbolicOp("LayerNorm", [x, gamma, beta], { axis: sym.jsonCopy(axis), epsilon, rms_scaling: options.rmsScaling ?? false }));

/**
 * keras.ops.rms_normalization(x, scale = null, axis = -1, epsilon = null):
 * x * rsqrt(mean(x^2 over axis) + epsilon) * scale. A scalar x counts as one element (Keras
 * expands it to shape [1]); its result keeps x's shape.
 */
function rmsNormalizationEager(xIn: Input, scale: Input | null = null, axis: Axes = -1, epsilon: number | null = null): Tensor {
  const op = "rmsNormalization";
  const prepared = prepare(op, xIn, axis);
  const x = prepared.x.rank === 0 ? reshape(prepared.x, [1]) : prepared.x;
  const eps = epsilonOf(op, epsilon);
  const s = param(op, "scale", scale, x);
  let out = m.mul(x, m.rsqrt(m.add(mean(m.square(x), prepared.axes, true), eps)));
  if (s !== null) out = m.mul(out, s);
  if (prepared.x.rank === 0) out = reshape(out, []);
  return m.cast(out, prepared.dtype);
}
export const rmsNormalization = sym.withSymbolic(rmsNormalizationEager, (x, scale = null, axis = -1, epsilon = null) =>
  sym.symbolicOp("RMSNorm", [x], { axis: sym.jsonCopy(axis), epsilon }, { scale }));
