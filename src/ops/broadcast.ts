import { Tensor } from "../tensor/tensor.js";
import { type Shape, broadcastedAxes, shapeText, shapesEqual, sizeOf } from "../tensor/shape.js";
import { assertFloat, backend, emptyTensor, num, raw, record, toTensor, type Input } from "./engine.js";
import * as sym from "./symbolic.js";

/** tf.broadcastTo(x, shape): repeat x along the axes where it has size 1 (or is missing). */
function broadcastToEager(xIn: Input, shape: Shape): Tensor {
  const x = toTensor(xIn, "broadcastTo");
  if (shapesEqual(x.shape, shape)) return x;
  const off = shape.length - x.rank;
  const ok = off >= 0 && x.shape.every((d, i) => d === 1 || d === shape[i + off]);
  if (!ok) {
    throw new RangeError(`broadcastTo: cannot broadcast shape ${shapeText(x.shape)} to ${shapeText(shape)}; each dimension must match or be 1`);
  }
  const out = emptyTensor(shape, x.dtype);
  backend().broadcastTo(raw(x), x.shape, shape, raw(out));
  record("broadcastTo", [x], out, ([dy]) => [sumTo(dy, x.shape)]);
  return out;
}
export const broadcastTo = sym.withSymbolic(broadcastToEager, (x, shape) => sym.symbolicOp("BroadcastTo", [x], { shape: [...shape] }));

/** Sums a broadcast result back down to `shape` (the adjoint of broadcastTo). */
export function sumTo(xIn: Input, shape: Shape): Tensor {
  const x = toTensor(xIn, "sumTo");
  if (shapesEqual(x.shape, shape)) return x;
  assertFloat("sumTo", x);
  const axes = broadcastedAxes(shape, x.shape);
  const out = emptyTensor(shape, x.dtype);
  if (sizeOf(shape) !== sizeOf(x.shape) || axes.length > 0) {
    backend().reduce("sum", num(x), x.shape, axes, num(out));
  } else {
    num(out).set(num(x));
  }
  record("sumTo", [x], out, ([dy]) => [broadcastTo(dy, x.shape)]);
  return out;
}

export { Tensor };
