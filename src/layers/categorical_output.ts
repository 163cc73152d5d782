/** Keras' encode_categorical_inputs, shared by the layers that turn values into bin or bucket ids. */
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { cast, minimum } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { expandDims, oneHot, reshape } from "../ops/shape.js";
import type { LayerShape } from "./layer.js";
import { layerShapeText } from "./symbolic.js";

export type CategoricalOutputMode = "int" | "one_hot" | "multi_hot" | "count";
export const CATEGORICAL_OUTPUT_MODES: readonly CategoricalOutputMode[] = ["int", "one_hot", "multi_hot", "count"];

/** The output mode, checked against the modes the layer takes. */
export function checkOutputMode<M extends string>(mode: unknown, allowed: readonly M[], where: string): M {
  if (!allowed.includes(mode as M)) {
    throw new RangeError(`${where}: outputMode must be one of ${allowed.map((m) => `"${m}"`).join(", ")}, got ${valueText(mode)}`);
  }
  return mode as M;
}

/** The default dtype Keras gives these layers: int64 ids, float32 encodings. */
export function defaultOutputDType(mode: CategoricalOutputMode, dtype: DType | undefined, where: string): DType {
  const d = dtype ?? (mode === "int" ? "int64" : "float32");
  if (mode === "int" && d !== "int32" && d !== "int64") {
    throw new TypeError(`${where}: with outputMode "int" the dtype must be "int32" or "int64", got ${valueText(dtype)}`);
  }
  return d;
}

/** multi_hot and count count ids per sample: [ids] is one sample, [batch, ids] one per row. */
function checkRank(mode: CategoricalOutputMode, shape: LayerShape, where: string): void {
  if ((mode === "multi_hot" || mode === "count") && shape.length > 2) {
    throw new RangeError(`${where}: outputMode "${mode}" takes inputs of rank <= 2 ([values] or [batch, values]), got ${layerShapeText(shape)}`);
  }
}

/** ids (int32, each in [0, depth)) as Keras encodes them: cast ("int"), one-hot, multi-hot or counts. */
export function encodeCategorical(ids: Tensor, mode: CategoricalOutputMode, depth: number, dtype: DType, where: string): Tensor {
  if (mode === "int") return cast(ids, dtype);
  checkRank(mode, ids.shape, where);
  let x = ids.rank === 0 ? expandDims(ids, 0) : ids;
  if (mode === "one_hot") {
    if (x.rank > 1 && x.shape[x.rank - 1] === 1) x = reshape(x, x.shape.slice(0, -1));
    return oneHot(x, depth, 1, 0, dtype);
  }
  const counts = sum(oneHot(x, depth, 1, 0, dtype), x.rank - 1);
  return mode === "count" ? counts : minimum(counts, 1);
}

/** The output shape encodeCategorical gives for ids of this shape. */
export function categoricalOutputShape(mode: CategoricalOutputMode, shape: LayerShape, depth: number, where: string): LayerShape {
  if (mode === "int") return shape;
  checkRank(mode, shape, where);
  if (shape.length === 0) return [depth];
  if (mode === "one_hot" && (shape.length === 1 || shape[shape.length - 1] !== 1)) return [...shape, depth];
  return [...shape.slice(0, -1), depth];
}
