/**
 * The activation ops Keras 3.6-3.15 added to keras.ops.nn (celu, glu, hard_shrink, hard_tanh,
 * soft_shrink, sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh_shrink, threshold), built
 * from lamina's differentiable elementwise ops so that gradients come from them (sparsemax, whose
 * sort has none, carries its own). Each `...Eager` function takes tensors; the exported ops also
 * record Keras' operation on symbolic tensors. keras.activations uses the eager functions.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { range } from "../tensor/creation.js";
import { type Input, assertFloat, toTensor } from "./engine.js";
import * as m from "./math.js";
import { sum } from "./reduce.js";
import { reshape, split } from "./shape.js";
import { assertFiniteNumber, sigmoid, tanh } from "./activation.js";
import { sort } from "./sort.js";
import { cumsum } from "./cumulative.js";
import { type GradSaveFunc, customGrad } from "./custom_grad.js";
import * as sym from "./symbolic.js";

/** x as a float tensor: these activations are defined on floats (Keras' backends compute them in x's float dtype). */
function floatInput(op: string, xIn: Input): Tensor {
  const x = toTensor(xIn, `ops.${op}`);
  assertFloat(`ops.${op}`, x);
  return x;
}

function finiteNumber(op: string, name: string, v: number): number {
  assertFiniteNumber(`ops.${op}`, name, v);
  return v;
}

/** keras.ops.celu: max(x, 0) + alpha * expm1(min(x, 0) / alpha). */
export function celuEager(xIn: Input, alpha = 1.0): Tensor {
  const x = floatInput("celu", xIn);
  const a = finiteNumber("celu", "alpha", alpha);
  if (a === 0) throw new RangeError("ops.celu: alpha must not be 0 (the formula divides by it); Keras' default is 1.0");
  return m.add(m.maximum(x, 0), m.mul(m.expm1(m.div(m.minimum(x, 0), a)), a));
}
export const celu = sym.withSymbolic(celuEager, (x, alpha = 1.0) => sym.symbolicOp("Celu", [x], { alpha }));

/** keras.ops.glu: x split in halves a, b along `axis`; a * sigmoid(b). */
export function gluEager(xIn: Input, axis = -1): Tensor {
  const x = floatInput("glu", xIn);
  const a = normalizeAxis(axis, x.rank, "ops.glu");
  if (x.shape[a] % 2 !== 0) {
    throw new RangeError(`ops.glu: axis ${axis} of x ${shapeText(x.shape)} has odd size ${x.shape[a]}; it must split into two equal halves`);
  }
  const [first, second] = split(x, 2, a);
  return m.mul(first, sigmoid(second));
}
export const glu = sym.withSymbolic(gluEager, (x, axis = -1) => sym.symbolicOp("Glu", [x], { axis }));

/** keras.ops.hard_shrink: x where |x| > threshold, else 0. */
export function hardShrinkEager(xIn: Input, threshold = 0.5): Tensor {
  const x = floatInput("hardShrink", xIn);
  const t = finiteNumber("hardShrink", "threshold", threshold);
  return m.where(m.greater(m.abs(x), t), x, 0);
}
export const hardShrink = sym.withSymbolic(hardShrinkEager, (x, threshold = 0.5) => sym.symbolicOp("HardShrink", [x], { threshold }));

/** keras.ops.hard_tanh: x clipped to [-1, 1]. */
export function hardTanhEager(xIn: Input): Tensor {
  return m.clipByValue(floatInput("hardTanh", xIn), -1, 1);
}
export const hardTanh = sym.withSymbolic(hardTanhEager, (x) => sym.symbolicOp("HardTanh", [x]));

/** keras.ops.soft_shrink: x - threshold above threshold, x + threshold below -threshold, else 0. */
export function softShrinkEager(xIn: Input, threshold = 0.5): Tensor {
  const x = floatInput("softShrink", xIn);
  const t = finiteNumber("softShrink", "threshold", threshold);
  return m.where(m.greater(x, t), m.sub(x, t), m.where(m.less(x, -t), m.add(x, t), 0));
}
export const softShrink = sym.withSymbolic(softShrinkEager, (x, threshold = 0.5) => sym.symbolicOp("SoftShrink", [x], { threshold }));

/** keras.ops.sparse_plus: 0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1. */
export function sparsePlusEager(xIn: Input): Tensor {
  const x = floatInput("sparsePlus", xIn);
  return m.where(m.lessEqual(x, -1), 0, m.where(m.less(x, 1), m.mul(m.square(m.add(x, 1)), 0.25), x));
}
export const sparsePlus = sym.withSymbolic(sparsePlusEager, (x) => sym.symbolicOp("SparsePlus", [x]));

/** keras.ops.sparse_sigmoid: 0 for x <= -1, (x + 1) / 2 for -1 < x < 1, 1 for x >= 1. */
export function sparseSigmoidEager(xIn: Input): Tensor {
  const x = floatInput("sparseSigmoid", xIn);
  return m.where(m.lessEqual(x, -1), 0, m.where(m.greaterEqual(x, 1), 1, m.mul(m.add(x, 1), 0.5)));
}
export const sparseSigmoid = sym.withSymbolic(sparseSigmoidEager, (x) => sym.symbolicOp("SparseSigmoid", [x]));

/** keras.ops.squareplus: (x + sqrt(x^2 + b)) / 2. */
export function squareplusEager(xIn: Input, b = 4): Tensor {
  const x = floatInput("squareplus", xIn);
  const bb = finiteNumber("squareplus", "b", b);
  if (bb < 0) throw new RangeError(`ops.squareplus: b must be >= 0 (sqrt(x^2 + b) must be real for every x), got ${b}`);
  return m.mul(m.add(x, m.sqrt(m.add(m.square(x), bb))), 0.5);
}
export const squareplus = sym.withSymbolic(squareplusEager, (x, b = 4) => sym.symbolicOp("Squareplus", [x], { b }));

/** keras.ops.tanh_shrink: x - tanh(x). */
export function tanhShrinkEager(xIn: Input): Tensor {
  const x = floatInput("tanhShrink", xIn);
  return m.sub(x, tanh(x));
}
export const tanhShrink = sym.withSymbolic(tanhShrinkEager, (x) => sym.symbolicOp("TanhShrink", [x]));

/** keras.ops.threshold: x where x > threshold, else defaultValue (both required, as in Keras). */
export function thresholdEager(xIn: Input, threshold: number, defaultValue: number): Tensor {
  const x = floatInput("threshold", xIn);
  const t = finiteNumber("threshold", "threshold", threshold);
  if (typeof defaultValue !== "number") throw new TypeError(`ops.threshold: defaultValue must be a number, got ${valueText(defaultValue)}`);
  return m.where(m.greater(x, t), x, defaultValue);
}
export const threshold = sym.withSymbolic(thresholdEager, (x, threshold, defaultValue) => sym.symbolicOp("Threshold", [x], { threshold, default_value: defaultValue }));

/**
 * Sparsemax (Martins & Astudillo 2016) of x along `axis`: the Euclidean projection onto the
 * probability simplex, max(x - tau, 0) with tau = (sum of the k largest - 1) / k for the largest
 * k with 1 + k * z_(k) > sum of the k largest. Its gradient is the projection's Jacobian:
 * dy - mean(dy over the support), on the support, 0 elsewhere.
 */
function sparsemaxAlong(x: Tensor, a: number): Tensor {
  const n = x.shape[a];
  const sorted = m.neg(sort(m.neg(x), a));
  const cum = cumsum(sorted, a);
  const rShape = x.shape.map((_, i) => (i === a ? n : 1));
  const r = reshape(range(1, n + 1, 1, x.dtype), rShape);
  const support = m.greater(m.add(m.mul(sorted, r), 1), cum);
  const k = sum(m.cast(support, x.dtype), a, true);
  // The k-th cumulative sum is the largest one inside the support (the support is a prefix).
  const top = sum(m.where(m.equal(r, k), cum, 0), a, true);
  const tau = m.div(m.sub(top, 1), k);
  return m.maximum(m.sub(x, tau), 0);
}

export function sparsemaxEager(xIn: Input, axis = -1): Tensor {
  const x = floatInput("sparsemax", xIn);
  const a = normalizeAxis(axis, x.rank, "ops.sparsemax");
  if (x.shape[a] === 0) return x;
  const f = customGrad((t: Tensor, save: GradSaveFunc) => {
    const y = sparsemaxAlong(t, a);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, [ys]: Tensor[]) => {
        const on = m.greater(ys, 0);
        const onF = m.cast(on, dy.dtype);
        const meanOn = m.div(sum(m.mul(dy, onF), a, true), sum(onF, a, true));
        return m.where(on, m.sub(dy, meanOn), 0);
      },
    };
  });
  return f(x);
}
export const sparsemax = sym.withSymbolic(sparsemaxEager, (x, axis = -1) => sym.symbolicOp("Sparsemax", [x], { axis }));
