import type { LayerShape } from "./layer.js";
import { valueText } from "../tensor/value_text.js";
import { layerShapeText } from "./symbolic.js";

/**
 * A layer's `axis` option (one axis or a list) as non-negative indices for inputs of `shape`, in
 * the order given; out-of-range or repeated axes are refused naming the layer (`where`).
 */
export function layerAxes(where: string, axis: number | readonly number[], shape: LayerShape): number[] {
  const rank = shape.length;
  const list = typeof axis === "number" ? [axis] : axis;
  const axes = list.map((a) => {
    if (a < -rank || a >= rank) {
      throw new RangeError(`${where}: axis ${a} is out of range for inputs of shape ${layerShapeText(shape)} (rank ${rank}); use an axis in ${-rank}..${rank - 1}`);
    }
    return a < 0 ? a + rank : a;
  });
  if (new Set(axes).size !== axes.length) {
    throw new RangeError(`${where}: duplicate axes are not allowed, got axis ${JSON.stringify(axis)}`);
  }
  return axes;
}

/**
 * A layer's `axis` option checked when the layer is made, so that a string or a fraction is named at
 * once rather than failing in the first call: an integer, or (with `list`) a non-empty list of them.
 * Keras keeps an integer and a list apart in its config, so the value is returned as given.
 */
export function axisOption(where: string, value: unknown, fallback: number, list: "integer"): number;
export function axisOption(where: string, value: unknown, fallback: number, list: "list"): number | number[];
export function axisOption(where: string, value: unknown, fallback: number, list: "integer" | "list"): number | number[] {
  const axis = value ?? fallback;
  if (Number.isInteger(axis)) return axis as number;
  if (list === "list" && Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a))) return [...(axis as number[])];
  const wanted = list === "list" ? "an integer or a non-empty list of integers" : "an integer";
  throw new TypeError(`${where}: axis must be ${wanted}, got ${valueText(value)}`);
}
