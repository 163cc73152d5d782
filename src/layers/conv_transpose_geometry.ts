/**
 * Output lengths and output_padding of Keras' transposed convolutions (1-D, 2-D and 3-D), as
 * keras/src/backend/common/backend_utils.py's compute_conv_transpose_output_shape gives them; the
 * ops then pad as TensorFlow does for that output shape.
 */
import type { KerasPadding } from "./convolutional.js";
import { valueText } from "../tensor/value_text.js";

/** A transposed convolution's per-axis geometry. */
export interface TransposeGeometry {
  kernelSize: readonly number[];
  strides: readonly number[];
  dilationRate: readonly number[];
  padding: KerasPadding;
}

const LIST_TEXT = ["", "a list of one", "a pair of them", "a list of three"];

/**
 * Checks Keras' output_padding (a number for every axis, or one per axis; null or undefined for
 * none), naming the layer: each must be below its stride (TensorFlow has no such output), and a
 * "same" even kernel needs one above 0 (its output would map back to one row fewer).
 */
export function checkOutputPadding(where: string, value: unknown, g: TransposeGeometry): number[] | null {
  if (value === undefined || value === null) return null;
  const rank = g.strides.length;
  const p = typeof value === "number" ? Array<number>(rank).fill(value) : Array.isArray(value) && value.length === rank ? (value as unknown[]) : [NaN];
  if (!p.every((v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`${where}: outputPadding must be a non-negative integer or ${LIST_TEXT[rank]}, got ${valueText(value)}`);
  }
  p.forEach((v, i) => {
    if (v >= g.strides[i]) {
      throw new RangeError(
        `${where}: outputPadding must be strictly less than strides for every axis; on axis ${i} outputPadding is ${v} ` +
          `but strides is ${g.strides[i]} (outputPadding ${JSON.stringify(p)}, strides ${JSON.stringify(g.strides)})`,
      );
    }
    const eff = (g.kernelSize[i] - 1) * g.dilationRate[i] + 1;
    if (g.padding === "same" && (eff % 2) + v === 0) {
      throw new RangeError(
        `${where}: with padding "same", the even kernel size ${eff} and outputPadding 0 on axis ${i} ask for an output of ` +
          `(n - 1) * stride rows/columns, which no "same" convolution maps back to n; use outputPadding >= 1, an odd kernel, or leave outputPadding unset`,
      );
    }
  });
  return p;
}

/**
 * Keras' output length along `axis` for an input length n (null stays null): "valid":
 * (n - 1) * s + max(k, s) without outputPadding, else (n - 1) * s + k + outputPadding; "same": n * s
 * without outputPadding, else (n - 1) * s + k % 2 + outputPadding (k the dilated kernel size).
 */
export function transposeLength(n: number | null, axis: number, g: TransposeGeometry, outputPadding: readonly number[] | null): number | null {
  if (n === null) return null;
  const s = g.strides[axis];
  const eff = (g.kernelSize[axis] - 1) * g.dilationRate[axis] + 1;
  const op = outputPadding === null ? null : outputPadding[axis];
  if (g.padding === "valid") return (n - 1) * s + eff + (op ?? Math.max(eff, s) - eff);
  return op === null ? n * s : (n - 1) * s + (eff % 2) + op;
}
