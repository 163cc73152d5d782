import { Tensor } from "../tensor/tensor.js";
import { zeros } from "../tensor/creation.js";
import { broadcastShapes, normalizeAxis, shapeText } from "../tensor/shape.js";
import { type Input, assertFloat, assertSameDType, toTensorPair } from "./engine.js";
import { mul, sub } from "./math.js";
import { sum } from "./reduce.js";
import { concat, gather, reshape, slice, stack, unstack } from "./shape.js";
import { broadcastTo } from "./broadcast.js";
import { moveaxis } from "./arrange.js";
import { matmul } from "./matmul.js";
import * as sym from "./symbolic.js";

/*
 * Vector products of numpy (keras.ops cross, vdot, correlate), built from differentiable ops.
 */

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/**
 * keras.ops.cross(x1, x2, axis = -1) (numpy.cross): the cross product of the 3-vectors (or
 * 2-vectors, read with z = 0) along `axis`, the other axes broadcast. Two 2-vectors give the z
 * component alone, as numpy does.
 */
export function cross(x1In: Input, x2In: Input, axis = -1): Tensor {
  const op = "cross";
  const [x1, x2] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, x1, x2);
  if (x1.rank === 0 || x2.rank === 0) throw new RangeError(`${op}: x1 ${text(x1)} and x2 ${text(x2)} must be vectors (rank >= 1)`);
  const a = moveaxis(x1, normalizeAxis(axis, x1.rank, op), -1);
  const b = moveaxis(x2, normalizeAxis(axis, x2.rank, op), -1);
  const na = a.shape[a.rank - 1], nb = b.shape[b.rank - 1];
  if ((na !== 2 && na !== 3) || (nb !== 2 && nb !== 3)) {
    throw new RangeError(`${op}: the vectors along axis ${axis} must have 2 or 3 components, x1 ${text(x1)} has ${na} and x2 ${text(x2)} has ${nb}`);
  }
  const lead = broadcastShapes(a.shape.slice(0, -1), b.shape.slice(0, -1), op);
  const parts = (t: Tensor, n: number): Tensor[] => {
    const p = unstack(broadcastTo(t, [...lead, n]), -1);
    return n === 3 ? p : [...p, zeros(lead, t.dtype)];
  };
  const [a0, a1, a2] = parts(a, na), [b0, b1, b2] = parts(b, nb);
  const z = sub(mul(a0, b1), mul(a1, b0));
  if (na === 2 && nb === 2) return z;
  const out = stack([sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)), z], -1);
  return moveaxis(out, -1, normalizeAxis(axis, lead.length + 1, op));
}

/** keras.ops.vdot(x1, x2) (numpy.vdot): the dot product of the two tensors flattened (they must have as many elements). */
function vdotEager(x1In: Input, x2In: Input): Tensor {
  const op = "vdot";
  const [x1, x2] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, x1, x2);
  if (x1.size !== x2.size) {
    throw new RangeError(`${op}: x1 ${text(x1)} has ${x1.size} elements and x2 ${text(x2)} ${x2.size}; flattened, they must be equally long`);
  }
  return sum(mul(reshape(x1, [-1]), reshape(x2, [-1])));
}

export type CorrelateMode = "valid" | "same" | "full";

/**
 * keras.ops.correlate(x1, x2, mode = "valid") (numpy.correlate): the cross-correlation of two 1-D
 * float tensors, z[k] = sum_n x1[n + k] * x2[n]. "full" gives every overlap (length N + M - 1),
 * "same" the middle max(N, M) of those, "valid" the |N - M| + 1 where one lies inside the other.
 */
export function correlate(x1In: Input, x2In: Input, mode: CorrelateMode = "valid"): Tensor {
  const op = "correlate";
  const [x1, x2] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, x1, x2);
  assertFloat(op, x1, "x1");
  if (x1.rank !== 1 || x2.rank !== 1) throw new RangeError(`${op}: x1 ${text(x1)} and x2 ${text(x2)} must both be 1-D`);
  if (mode !== "valid" && mode !== "same" && mode !== "full") {
    throw new RangeError(`${op}: mode must be "valid", "same" or "full", got ${JSON.stringify(mode)}`);
  }
  const n = x1.shape[0], m = x2.shape[0];
  if (n === 0 || m === 0) throw new RangeError(`${op}: x1 ${text(x1)} and x2 ${text(x2)} must not be empty`);
  // Every lag's window of x1 (zero-padded by m - 1 on both sides) as one row, times x2.
  const full = n + m - 1;
  const padded = concat([zeros([m - 1], x1.dtype), x1, zeros([m - 1], x1.dtype)], 0);
  const pos = new Int32Array(full * m);
  for (let j = 0; j < full; j++) for (let t = 0; t < m; t++) pos[j * m + t] = j + t;
  const windows = reshape(gather(padded, new Tensor(pos, [pos.length], "int32")), [full, m]);
  const z = reshape(matmul(windows, reshape(x2, [m, 1])), [full]);
  if (mode === "full") return z;
  const len = mode === "same" ? Math.max(n, m) : Math.abs(n - m) + 1;
  const start = mode === "same" ? Math.floor((full - len) / 2) : Math.min(n, m) - 1;
  return slice(z, [start], [len]);
}

/** vdot, recording Keras' operation on symbolic tensors (see vdotEager). */
export const vdot = sym.withSymbolic(vdotEager, (x1, x2) => sym.symbolicOp("Vdot", [x1, x2]));
