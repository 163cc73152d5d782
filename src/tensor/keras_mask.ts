/**
 * The mask a layer attached to its output (Keras' `_keras_mask`): a bool tensor, usually
 * [batch, time], false at the steps later layers skip. Kept beside the tensor rather than in it, as
 * Keras keeps it in an attribute: ops make new tensors without masks, and only layers set them.
 */
import type { Tensor } from "./tensor.js";

const masks = new WeakMap<Tensor, Tensor>();

/** The mask attached to `t`, or null. */
export function maskOf(t: Tensor): Tensor | null {
  return masks.get(t) ?? null;
}

/** Attaches `mask` to `t` (null removes it). */
export function setMask(t: Tensor, mask: Tensor | null): void {
  if (mask === null) masks.delete(t);
  else masks.set(t, mask);
}
