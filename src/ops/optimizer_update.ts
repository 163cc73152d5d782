// One fused optimizer step per variable (internal, used by optimizers/): the variable's and its
// slots' next values from one backend kernel, instead of the half-dozen elementwise ops of the
// Keras formula, rounding every intermediate exactly as those ops would.
import type { Tensor } from "../tensor/tensor.js";
import type { OptimizerUpdate } from "../backend/backend.js";
import { backend, num, outputTensor } from "./engine.js";

export type { OptimizerUpdate };

const EMPTY = new Float32Array(0);

/** A number as the variable's dtype would store it (float32 scalars are rounded, as tf.constant does). */
export function inDType(v: number, dtype: string): number {
  return dtype === "float32" ? Math.fround(v) : v;
}

/**
 * The next values of w and of its slots (null where a slot is unused, see Backend.optimizerUpdate).
 * w, g and every slot share one float dtype and shape.
 */
export function fusedOptimizerUpdate(update: OptimizerUpdate, w: Tensor, g: Tensor, slots: readonly (Tensor | null)[]): { w: Tensor; slots: (Tensor | null)[] } {
  for (const t of [g, ...slots]) {
    if (t !== null && (t.dtype !== w.dtype || t.size !== w.size)) {
      throw new RangeError(`optimizer update: a gradient or slot of ${t.dtype} [${t.shape.join(", ")}] does not match the variable's ${w.dtype} [${w.shape.join(", ")}]`);
    }
  }
  const wOut = outputTensor(w.shape, w.dtype);
  const slotsOut = slots.map((s) => (s === null ? null : outputTensor(w.shape, w.dtype)));
  backend().optimizerUpdate(update, num(w), num(g), slots.map((s) => (s === null ? EMPTY : num(s))), num(wOut),
    slotsOut.map((s) => (s === null ? EMPTY : num(s))));
  return { w: wOut, slots: slotsOut };
}
