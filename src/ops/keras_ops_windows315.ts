/**
 * Keras 3.15's window functions keras.ops.bartlett, blackman, hamming, hanning and kaiser: numpy's
 * formulas for a length given as a number or a scalar integer tensor, as float32 (Keras' floatx).
 * Keras refuses symbolic lengths (the output's length is the value), and so does lamina.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { constant } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as sym from "./symbolic.js";
import { besselI0 } from "./bessel.js";

/** The window length M from a number or a scalar (or one-element) integer tensor. */
function windowLength(op: string, x: Input): number {
  if (sym.anySymbolic([x])) throw sym.symbolicRefused(`ops.${op}`, "the window's length is the value of x, which a symbolic tensor does not have yet");
  const t = toTensor(x, op);
  if (t.size !== 1) throw new RangeError(`ops.${op}: x must be a scalar window length, got ${t.dtype} tensor of ${t.size} values`);
  const n = Number(t.dataSync()[0]);
  if (!Number.isInteger(n)) throw new TypeError(`ops.${op}: the window length must be an integer, got ${valueText(n)}`);
  return n;
}

/** numpy's windows: [] for M < 1, [1] for M = 1, else f(n) for n = 0 .. M-1. */
function window(op: string, x: Input, f: (n: number, m: number) => number): Tensor {
  return windowOf(windowLength(op, x), f);
}
function windowOf(len: number, f: (n: number, m: number) => number): Tensor {
  if (len < 1) return constant([], [0], "float32");
  if (len === 1) return constant([1], [1], "float32");
  return constant(Array.from({ length: len }, (_, n) => f(n, len)), [len], "float32");
}

/** keras.ops.bartlett(x): the triangular window 1 - |2n/(M-1) - 1|. */
export function bartlett(x: Input): Tensor {
  return window("bartlett", x, (n, m) => (n <= (m - 1) / 2 ? (2 * n) / (m - 1) : 2 - (2 * n) / (m - 1)));
}

/** keras.ops.blackman(x): 0.42 - 0.5 cos(2πn/(M-1)) + 0.08 cos(4πn/(M-1)). */
export function blackman(x: Input): Tensor {
  return window("blackman", x, (n, m) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (m - 1)));
}

/** keras.ops.hamming(x): 0.54 - 0.46 cos(2πn/(M-1)). */
export function hamming(x: Input): Tensor {
  return window("hamming", x, (n, m) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (m - 1)));
}

/** keras.ops.hanning(x): 0.5 - 0.5 cos(2πn/(M-1)). */
export function hanning(x: Input): Tensor {
  return window("hanning", x, (n, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)));
}

/** keras.ops.kaiser(x, beta): I0(beta sqrt(1 - (2n/(M-1) - 1)^2)) / I0(beta). */
export function kaiser(x: Input, beta: number): Tensor {
  const len = windowLength("kaiser", x);
  if (typeof beta !== "number" || !Number.isFinite(beta)) throw new TypeError(`ops.kaiser: beta must be a finite number, got ${valueText(beta)}`);
  const norm = besselI0(beta);
  return windowOf(len, (n, m) => {
    const r = (2 * n) / (m - 1) - 1;
    return besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
  });
}
