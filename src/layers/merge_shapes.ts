/**
 * Keras 3.5's shape rules for the elementwise merge layers (base_merge.py): the shapes without the
 * batch axis broadcast right-aligned, and an input of lower rank gets new axes just after its batch
 * axis, so (b, 3) merges with (b, 4, 3) as (b, 1, 3) would.
 */
import type { Tensor } from "../tensor/tensor.js";
import { expandDims } from "../ops/shape.js";
import type { LayerShape } from "./layer.js";
import { layerShapeText } from "./symbolic.js";

/**
 * Keras' _compute_elemwise_op_output_shape over the inputs' shapes without their batch axis: an
 * unknown size on either side stays unknown (Keras does not take the other side's size).
 */
export function mergedSampleShape(where: string, shapes: readonly LayerShape[]): LayerShape {
  const text = (): string => shapes.map(layerShapeText).join(" and ");
  let out: LayerShape = shapes[0].slice(1);
  for (const s of shapes.slice(1)) {
    let [long, short]: readonly LayerShape[] = [out, s.slice(1)];
    if (long.length < short.length) [long, short] = [short, long];
    const lead = long.slice(0, long.length - short.length);
    const tail: (number | null)[] = short.map((j, k) => {
      const i = long[lead.length + k];
      if (i === null || j === null) return null;
      if (i === 1) return j;
      if (j === 1 || i === j) return i;
      throw new RangeError(`${where}: inputs have incompatible shapes ${text()}; sizes ${i} and ${j} do not broadcast (sizes must match or be 1)`);
    });
    out = [...lead, ...tail];
  }
  return out;
}

/** The batch sizes the inputs fix (Keras' build refuses more than one). */
export function knownBatchSizes(shapes: readonly LayerShape[]): number[] {
  return [...new Set(shapes.filter((s) => s.length > 0).map((s) => s[0]).filter((d): d is number => d !== null))];
}

/** Keras' Merge.build check: inputs whose batch sizes are both known must agree. */
export function checkBatchSizes(where: string, shapes: readonly LayerShape[]): void {
  if (knownBatchSizes(shapes).length > 1) {
    throw new RangeError(`${where}: cannot merge tensors with different batch sizes, got shapes ${shapes.map(layerShapeText).join(" and ")}`);
  }
}

/** Keras' Merge.call with inputs of different ranks: new axes at position 1 until every input has the largest rank. */
export function expandToCommonRank(xs: readonly Tensor[]): Tensor[] {
  const rank = Math.max(...xs.map((x) => x.rank));
  return xs.map((x) => {
    let y = x;
    for (let r = x.rank; r < rank; r++) y = expandDims(y, 1);
    return y;
  });
}
