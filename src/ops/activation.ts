import { Tensor } from "../tensor/tensor.js";
import { normalizeAxis } from "../tensor/shape.js";
import { type Input, assertFloat, backend, isRecording, num, outputTensor, record, toTensor } from "./engine.js";
import { exp, mul, sub, unaryOp } from "./math.js";
import { sum } from "./reduce.js";
import { transpose } from "./shape.js";
import { installMethods } from "./methods.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";
import { unary } from "./unary_fn.js";
import { valueText } from "../tensor/value_text.js";

// ---------------------------------------------------------------- elementwise activations

/** max(x, 0). */
export const relu = unary("relu", "Relu", false);
/** min(max(x, 0), 6). */
export const relu6 = unary("relu6", "Relu6", false);

/** x for x > 0, alpha * x otherwise (tf.nn.leaky_relu; the op's default slope is 0.2 as in TF). */
export function leakyRelu(x: Sym, alpha?: number): Sym;
export function leakyRelu(x: Input, alpha?: number): Tensor;
export function leakyRelu(x: Input | Sym, alpha = 0.2): Tensor | Sym {
  if (x instanceof SymbolicValue) return symbolicOp("LeakyRelu", [x], { negative_slope: alpha });
  assertFiniteNumber("leakyRelu", "alpha", alpha);
  return unaryOp("leakyRelu", x, { floatOnly: true, alpha });
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: Sym, alpha?: number): Sym;
export function elu(x: Input, alpha?: number): Tensor;
export function elu(x: Input | Sym, alpha = 1): Tensor | Sym {
  if (x instanceof SymbolicValue) return symbolicOp("Elu", [x], { alpha });
  assertFiniteNumber("elu", "alpha", alpha);
  return unaryOp("elu", x, { floatOnly: true, alpha });
}

/** Scaled ELU with the fixed constants of Klambauer et al. (alpha 1.6732632..., scale 1.0507009...). */
export const selu = unary("selu", "Selu", true);

/**
 * Gaussian error linear unit: x * Phi(x) with the exact normal CDF (tf.nn.gelu's default), or
 * the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) when `approximate`.
 */
export function gelu(x: Sym, approximate?: boolean): Sym;
export function gelu(x: Input, approximate?: boolean): Tensor;
export function gelu(x: Input | Sym, approximate = false): Tensor | Sym {
  if (x instanceof SymbolicValue) return symbolicOp("Gelu", [x], { approximate });
  return unaryOp(approximate ? "geluTanh" : "gelu", x, { floatOnly: true });
}

/** 1 / (1 + exp(-x)). */
export function sigmoid(x: Sym): Sym;
export function sigmoid(x: Input): Tensor;
export function sigmoid(xIn: Input | Sym): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Sigmoid", [xIn]);
  const x = toTensor(xIn, "sigmoid");
  return tagLogits(unaryOp("sigmoid", x, { floatOnly: true }), x, "sigmoid", -1);
}

/**
 * Keras' TensorFlow backend remembers the logits of every softmax and sigmoid output
 * (`_keras_logits`), and its cross-entropies use them instead of clipped probabilities. This map
 * is that side channel: weak, so it never keeps a tensor alive.
 */
const producedFrom = new WeakMap<Tensor, { logits: Tensor; kind: "softmax" | "sigmoid"; axis: number }>();

function tagLogits(out: Tensor, logits: Tensor, kind: "softmax" | "sigmoid", axis: number): Tensor {
  producedFrom.set(out, { logits, kind, axis });
  return out;
}

/** The logits a softmax (over `axis`) or sigmoid output was computed from, if it was. */
export function kerasLogits(t: Tensor, kind: "softmax" | "sigmoid", axis = -1): Tensor | undefined {
  const e = producedFrom.get(t);
  if (!e || e.kind !== kind) return undefined;
  const norm = (a: number): number => (a < 0 ? a + t.rank : a);
  return kind === "sigmoid" || norm(e.axis) === norm(axis) ? e.logits : undefined;
}
export const tanh = unary("tanh", "Tanh", true);
/** log(1 + exp(x)), computed without overflow. */
export const softplus = unary("softplus", "Softplus", true);
/** x / (1 + |x|). */
export const softsign = unary("softsign", "Softsign", true);
/** x * sigmoid(x). */
export const swish = unary("swish", "Silu", true);
/** Keras' and TF's other name for swish. */
export const silu = swish;

/** Refuses a parameter that is not a finite number, naming the op and the parameter. */
export function assertFiniteNumber(op: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TypeError(`${op}: ${name} must be a finite number, got ${valueText(v)}`);
  }
}

// ---------------------------------------------------------------- softmax family

type SoftmaxKind = "softmax" | "logSoftmax";

/** Validates x and the axis; returns the tensor and the non-negative axis. */
function softmaxArgs(kind: SoftmaxKind, xIn: Input, axis: number): { x: Tensor; ax: number } {
  const x = toTensor(xIn, kind, "logits");
  assertFloat(kind, x, "logits");
  if (x.rank === 0) {
    throw new RangeError(`${kind}: logits must have rank >= 1, got a scalar; reshape it, e.g. tf.reshape(x, [1])`);
  }
  return { x, ax: normalizeAxis(axis, x.rank, kind) };
}

/** The permutation that swaps `ax` with the last axis (its own inverse). */
function swapToLast(rank: number, ax: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[ax] = rank - 1;
  perm[rank - 1] = ax;
  return perm;
}

/** Runs a softmax kernel over the last axis; no recording. */
function softmaxKernel(kind: SoftmaxKind, x: Tensor): Tensor {
  const cols = x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = outputTensor(x.shape, x.dtype);
  if (kind === "softmax") backend().softmax(num(x), rows, cols, num(out));
  else backend().logSoftmax(num(x), rows, cols, num(out));
  return out;
}

function softmaxGradKernel(y: Tensor, dy: Tensor): Tensor {
  const cols = y.shape[y.rank - 1];
  const dx = outputTensor(y.shape, y.dtype);
  backend().softmaxGrad(num(y), num(dy), cols === 0 ? 0 : y.size / cols, cols, num(dx));
  return dx;
}

function softmaxLast(x: Tensor): Tensor {
  const y = softmaxKernel("softmax", x);
  const last = x.rank - 1;
  // dx = y * (dy - sum(dy * y)) along the softmax axis: one kernel with the ops' roundings, or
  // the ops themselves while a tape records the backward pass (for higher derivatives).
  record("softmax", [x], y, ([dy]) => [isRecording() ? mul(y, sub(dy, sum(mul(dy, y), last, true))) : softmaxGradKernel(y, dy)]);
  return y;
}

function logSoftmaxLast(x: Tensor): Tensor {
  const y = softmaxKernel("logSoftmax", x);
  const last = x.rank - 1;
  // dx = dy - softmax(x) * sum(dy) along the axis, with softmax(x) = exp(y).
  record("logSoftmax", [x], y, ([dy]) => [sub(dy, mul(exp(y), sum(dy, last, true)))]);
  return y;
}

/**
 * tf.nn.softmax(logits, axis = -1): exp(x) / sum(exp(x)) along `axis`, numerically stable.
 * Any axis works; others than the last go through a transpose.
 */
export function softmax(x: Sym, axis?: number): Sym;
export function softmax(x: Input, axis?: number): Tensor;
export function softmax(xIn: Input | Sym, axis = -1): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Softmax", [xIn], { axis });
  const { x, ax } = softmaxArgs("softmax", xIn, axis);
  if (ax === x.rank - 1) return tagLogits(softmaxLast(x), x, "softmax", ax);
  const perm = swapToLast(x.rank, ax);
  return tagLogits(transpose(softmaxLast(transpose(x, perm)), perm), x, "softmax", ax);
}

/** tf.nn.log_softmax(logits, axis = -1): x - log(sum(exp(x))) along `axis`, numerically stable. */
export function logSoftmax(x: Sym, axis?: number): Sym;
export function logSoftmax(x: Input, axis?: number): Tensor;
export function logSoftmax(xIn: Input | Sym, axis = -1): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("LogSoftmax", [xIn], { axis });
  const { x, ax } = softmaxArgs("logSoftmax", xIn, axis);
  if (ax === x.rank - 1) return logSoftmaxLast(x);
  const perm = swapToLast(x.rank, ax);
  return transpose(logSoftmaxLast(transpose(x, perm)), perm);
}

// ---------------------------------------------------------------- chainable methods

declare module "../tensor/tensor.js" {
  interface Tensor {
    relu(): Tensor; relu6(): Tensor; leakyRelu(alpha?: number): Tensor; elu(alpha?: number): Tensor;
    selu(): Tensor; gelu(approximate?: boolean): Tensor; sigmoid(): Tensor; tanh(): Tensor;
    softplus(): Tensor; softsign(): Tensor; swish(): Tensor;
    softmax(axis?: number): Tensor; logSoftmax(axis?: number): Tensor;
  }
}

installMethods({
  relu, relu6, leakyRelu, elu, selu, gelu, sigmoid, tanh, softplus, softsign, swish, softmax, logSoftmax,
});
