/**
 * Masks on symbolic tensors (Keras' `_keras_mask` on a KerasTensor): when a functional model is
 * defined, each layer call works out whether its outputs will carry a mask when the model runs,
 * and of what shape, by running the layer's computeMask on small probe tensors (as Keras runs
 * compute_mask on KerasTensors). The probe inputs of computeOutputShape carry all-true masks of
 * those shapes, so that a custom layer whose call reads `mask` can be called on layers.Input(...).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { setMask } from "../tensor/keras_mask.js";
import { ones, zeros } from "../tensor/creation.js";
import { noGrad } from "../ops/engine.js";
import { type Mask, whileProbing } from "./call_context.js";
import type { LayerShape, SymbolicTensor } from "./symbolic.js";

/** An all-true bool mask of `shape`, its unknown sizes set to `unknownAs` (the probe's size for them). */
export function probeMask(shape: LayerShape, unknownAs: number): Tensor {
  return ones(shape.map((d) => (d === null ? unknownAs : d)), "bool");
}

/** What outputMaskShapes needs of the layer. */
interface MaskingLayer {
  readonly supportsMasking: boolean;
  readonly dtype: DType;
  computeMask(inputs: Tensor | Tensor[], previousMask: Mask): Mask;
}

/**
 * The shapes of the masks a call on `inputs` attaches to its outputs (null for an output with
 * none), as Layer.__call__ attaches them: nothing from a layer that does not support masking, and
 * nothing from the default computeMask (`ownComputeMask` false) when no input has a mask. A mask
 * size is unknown (null) where the output's size on that axis is.
 */
export function outputMaskShapes(
  layer: MaskingLayer, ownComputeMask: boolean, inputs: readonly SymbolicTensor[], asList: boolean, outShapes: readonly LayerShape[],
): (LayerShape | null)[] {
  const none = outShapes.map(() => null);
  const inMasks = inputs.map((t) => t.kerasMask);
  const anyIn = inMasks.some((m) => m !== null);
  if (!layer.supportsMasking || (!anyIn && !ownComputeMask)) return none;
  const probes = inputs.map((t) => zeros(t.shape.map((d) => (d === null ? 1 : d)), t.dtype));
  const masks = inMasks.map((m) => (m === null ? null : probeMask(m.shape, 1)));
  probes.forEach((p, k) => setMask(p, masks[k]));
  const previous: Mask = asList ? (anyIn ? masks : null) : masks[0];
  const out = whileProbing(() => noGrad(() => layer.computeMask(asList ? probes : probes[0], previous)));
  if (out === null) return none;
  const list = Array.isArray(out) ? (out as readonly (Tensor | null)[]) : [out as Tensor];
  return outShapes.map((shape, k) => {
    const m = list[k] ?? null;
    return m === null ? null : m.shape.map((d, i) => (i < shape.length && shape[i] === null ? null : d));
  });
}
