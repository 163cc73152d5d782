/**
 * keras.ops.jvp (keras.linalg.jvp): forward-mode Jacobian-vector products, built as the vjp of a
 * vjp ("double backward"): the gradient of <vjp(u), tangents> with respect to the cotangent u is
 * J · tangents. It lives with the tape because it drives two nested tapes; the `ops` namespace
 * re-exports it. Every op fun runs must have a gradient whose own ops have gradients (as lamina's
 * do), and fun runs once.
 */
import { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { zeros } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { anySymbolic, symbolicRefused } from "../ops/symbolic.js";
import { GradientTape } from "./tape.js";

type Outputs = Tensor | Tensor[];

function outputList(v: unknown, what: string): Tensor[] {
  const list = v instanceof Tensor ? [v] : Array.isArray(v) && v.every((t) => t instanceof Tensor) ? (v as Tensor[]) : null;
  if (list === null) throw new TypeError(`ops.jvp: ${what} must be a tensor or an array of tensors, got ${valueText(v)}`);
  return list;
}

/** Σ <a_i, b_i> over pairs of tensors (skipping missing ones), a scalar of the first one's dtype. */
function innerSum(a: readonly (Tensor | null)[], b: readonly Tensor[]): Tensor | null {
  let total: Tensor | null = null;
  a.forEach((t, i) => {
    if (t === null) return;
    const s = sum(mul(t, b[i]));
    total = total === null ? s : add(total, s);
  });
  return total;
}

/**
 * keras.ops.jvp(fun, primals, tangents, hasAux = false): [fun(...primals), J · tangents], plus
 * fun's aux with hasAux (fun then returns [output, aux]). primals and tangents are arrays of float
 * tensors of the same shapes; the tangents of the outputs have the outputs' structure (a tensor or an array).
 */
export function jvp(fun: (...primals: Tensor[]) => unknown, primals: readonly Tensor[], tangents: readonly Tensor[], hasAux = false): [Outputs, Outputs] | [Outputs, Outputs, unknown] {
  if (anySymbolic([...primals, ...tangents])) throw symbolicRefused("ops.jvp", "it takes a function, which a Keras config cannot describe");
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new TypeError(`ops.jvp: primals and tangents must be arrays of tensors of the same length, got ${valueText(primals)} and ${valueText(tangents)}`);
  }
  primals.forEach((p, i) => {
    const t = tangents[i];
    if (!(p instanceof Tensor) || !(t instanceof Tensor) || !isFloatDType(p.dtype) || p.dtype !== t.dtype || shapeText(p.shape) !== shapeText(t.shape)) {
      throw new TypeError(`ops.jvp: primal ${i} and its tangent must be float tensors of one shape and dtype, got ${valueText(p)} and ${valueText(t)}`);
    }
  });
  const inner = new GradientTape({ watchAccessedVariables: false });
  const outer = new GradientTape({ watchAccessedVariables: false });
  inner.watch([...primals]);
  inner.start();
  let result: unknown, aux: unknown;
  try {
    result = fun(...primals);
    if (hasAux) {
      if (!Array.isArray(result) || result.length !== 2) throw new TypeError(`ops.jvp: with hasAux, fun must return [output, aux], got ${valueText(result)}`);
      [result, aux] = result as [unknown, unknown];
    }
  } finally {
    inner.stop();
  }
  const ys = outputList(result, "fun's output");
  // The cotangents u: zeros (their value does not matter: vjp is linear in u), watched by the outer tape.
  const us = ys.map((y) => zeros(y.shape, isFloatDType(y.dtype) ? y.dtype : "float32"));
  outer.watch(us);
  outer.start();
  let dot: Tensor | null;
  try {
    inner.start();
    const pairing = innerSum(ys.map((y) => (isFloatDType(y.dtype) ? y : null)), us);
    inner.stop();
    const vjps = pairing === null ? primals.map(() => null) : inner.gradient(pairing, [...primals]);
    dot = innerSum(vjps, tangents);
  } finally {
    outer.stop();
  }
  const jt = dot === null ? us.map(() => null) : outer.gradient(dot, us);
  const outs = jt.map((g, i) => g ?? zeros(us[i].shape, us[i].dtype));
  const tangentsOut: Outputs = result instanceof Tensor ? outs[0] : outs;
  return hasAux ? [result as Outputs, tangentsOut, aux] : [result as Outputs, tangentsOut];
}
