import { readFileSync } from "node:fs";
import * as tf from "../../src/index.js";

/** numpy / scipy / torch reference values (test/fixtures/make_linalg.py); null stands for NaN. */
export interface Shaped {
  shape: number[];
  data: (number | null)[];
}
export const fixture = JSON.parse(readFileSync("test/fixtures/linalg.json", "utf8")) as {
  values: Record<string, Shaped | number | number[]>;
  weights: Record<string, Shaped>;
  gradients: Record<string, Shaped[]>;
  quantile_x: Shaped;
  quantiles: { method: string; q: number | number[]; axis: number | number[] | null; keepdims: boolean; shape: number[]; data: (number | null)[] }[];
};

export function shaped(s: Shaped, dtype: "float32" | "float64" = "float64"): tf.Tensor {
  return tf.constant(s.data.map((v) => v ?? NaN), s.shape, dtype);
}
/** A fixture input or value as a tensor. */
export const val = (name: string, dtype: "float32" | "float64" = "float64"): tf.Tensor => shaped(fixture.values[name] as Shaped, dtype);
/** A fixture loss weight as a tensor. */
export const weight = (name: string): tf.Tensor => shaped(fixture.weights[name]);
/** The fixture's reference values with NaN restored. */
export const data = (name: string): number[] => (fixture.values[name] as Shaped).data.map((v) => v ?? NaN);
export const grad = (name: string, i = 0): number[] => fixture.gradients[name][i].data.map((v) => v ?? NaN);
/** Both triangles from the lower one, as the losses symmetrize before cholesky and eigh. */
export const sym = (a: tf.Tensor): tf.Tensor => tf.mul(tf.add(a, tf.swapaxes(a, -2, -1)), 0.5);
