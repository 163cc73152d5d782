import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, shapeText, sizeOf } from "../tensor/shape.js";
import { type Input, assertFloat, assertSameDType, backend, outputTensor, raw, record, toTensorPair } from "./engine.js";
import { broadcastTo, sumTo } from "./broadcast.js";
import { installMethods } from "./methods.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";

/**
 * tf.matmul(a, b, transposeA?, transposeB?): matrix product over the last two axes (int8 operands
 * give an int32 product, summed exactly), with the
 * leading (batch) axes broadcast as NumPy does. int32 and int64 products wrap around as TF's do.
 */
export function matmul(a: Sym, b: Input | Sym, transposeA?: boolean, transposeB?: boolean): Sym;
export function matmul(a: Input, b: Sym, transposeA?: boolean, transposeB?: boolean): Sym;
export function matmul(a: Input, b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
export function matmul(aIn: Input | Sym, bIn: Input | Sym, transposeA = false, transposeB = false): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) {
    // Keras' Matmul operation has no transpose flags, so a saved model could not say them.
    if (transposeA || transposeB) throw new TypeError("matmul: transposeA/transposeB are not recorded on symbolic tensors (Keras' Matmul has no such flags); transpose the operand first, e.g. tf.matmul(a, tf.transpose(b, [0, 2, 1]))");
    return symbolicOp("Matmul", [aIn, bIn]);
  }
  const [a, b] = toTensorPair(aIn, bIn, "matmul");
  assertSameDType("matmul", a, b);
  if (a.dtype !== "int32" && a.dtype !== "int64" && a.dtype !== "int8") assertFloat("matmul", a, "a");
  if (a.rank < 2 || b.rank < 2) {
    throw new RangeError(`matmul: both operands need rank >= 2, got ${shapeText(a.shape)} and ${shapeText(b.shape)}; reshape a vector v to [1, n] with tf.reshape(v, [1, -1])`);
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transposeA ? ac : ar, k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br, n = transposeB ? br : bc;
  if (k !== kb) {
    throw new RangeError(
      `matmul: inner dimensions differ: a ${shapeText(a.shape)}${transposeA ? " (transposed)" : ""} has ${k} columns ` +
        `but b ${shapeText(b.shape)}${transposeB ? " (transposed)" : ""} has ${kb} rows`,
    );
  }
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch, "matmul (batch dimensions)");
  const batch = sizeOf(batchShape);
  // One side's matrices are shared across the batch when its batch size is 1; otherwise both
  // sides must be materialized at the full batch shape.
  const strideFor = (t: Tensor, tb: readonly number[]): [Tensor, number] => {
    if (sizeOf(tb) === 1) return [t, 0];
    if (tb.length === batchShape.length && tb.every((d, i) => d === batchShape[i])) return [t, t.shape.at(-2)! * t.shape.at(-1)!];
    const full = broadcastTo(t, [...batchShape, ...t.shape.slice(-2)]);
    return [full, t.shape.at(-2)! * t.shape.at(-1)!];
  };
  const [aa, aStride] = strideFor(a, aBatch);
  const [bb, bStride] = strideFor(b, bBatch);
  // int8 x int8 accumulates in int32, as Keras' backends do (quantized Dense layers rely on it):
  // the int8 products summed in int8 would overflow after a few terms.
  const out = outputTensor([...batchShape, m, n], a.dtype === "int8" ? "int32" : a.dtype);
  backend().matmul(raw(aa), raw(bb), raw(out), batch, m, k, n, transposeA, transposeB, aStride, bStride);
  record("matmul", [a, b], out, ([dy], needed) => {
    const da = !needed[0] ? null
      : !transposeA && !transposeB ? matmul(dy, b, false, true)
      : transposeA && !transposeB ? matmul(b, dy, false, true)
      : !transposeA && transposeB ? matmul(dy, b, false, false)
      : matmul(b, dy, true, true);
    const db = !needed[1] ? null
      : !transposeA && !transposeB ? matmul(a, dy, true, false)
      : transposeA && !transposeB ? matmul(a, dy, false, false)
      : !transposeA && transposeB ? matmul(dy, a, true, false)
      : matmul(dy, a, true, true);
    return [da === null ? null : sumTo(da, a.shape), db === null ? null : sumTo(db, b.shape)];
  });
  return out;
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    matMul(b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
    matmul(b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
  }
}

installMethods({ matMul: matmul, matmul });
