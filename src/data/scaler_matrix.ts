/**
 * What StandardScaler and MinMaxScaler share: reading x as a [samples, features] matrix without
 * copying it, scikit-learn's input checks, and result buffers in the input's float dtype.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import type { NestedArray } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";

export type FloatOut = "float32" | "float64";
export type ScalerInput = Tensor | number[][];

export interface Matrix { data: ArrayLike<number>; n: number; f: number; dtype: FloatOut }

export function asMatrix(x: ScalerInput, where: string): Matrix {
  const t = x instanceof Tensor ? x : constant(x as NestedArray, "float64");
  if (t.rank !== 2) {
    throw new RangeError(`${where}: expected a 2D tensor [samples, features], got shape [${t.shape.join(", ")}]; reshape it first, e.g. tf.reshape(x, [-1, 1]) for one feature or tf.reshape(x, [x.shape[0], -1]) for images`);
  }
  if (t.dtype === "bool") throw new TypeError(`${where}: a bool tensor cannot be scaled; cast it to float32 first`);
  const src = t.dataSync();
  // Read the storage in place (no float64 copy of a large image matrix); only int64 needs converting.
  const data: ArrayLike<number> = src instanceof BigInt64Array ? Float64Array.from(src, (v) => Number(v)) : src;
  return { data, n: t.shape[0], f: t.shape[1], dtype: t.dtype === "float32" ? "float32" : "float64" };
}

export const f32 = Math.fround;
export const id = (v: number): number => v;

/**
 * A [samples, features] tensor in m's float dtype whose entry (i, j) is f(x[i, j], j, round), where
 * round rounds an intermediate result to that dtype (Math.fround for float32), so that each step
 * of a transform rounds as numpy's float32 arithmetic does.
 */
export function mapFeatures(m: Matrix, f: (v: number, j: number, round: (v: number) => number) => number): Tensor {
  const round = m.dtype === "float32" ? f32 : id;
  const o = m.dtype === "float32" ? new Float32Array(m.n * m.f) : new Float64Array(m.n * m.f);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.f; j++) o[i * m.f + j] = f(m.data[i * m.f + j], j, round);
  }
  return makeTensor(o, [m.n, m.f], m.dtype);
}

/** scikit-learn's check_array(force_all_finite="allow-nan"): NaN passes, an infinity does not. */
export function refuseInfinite(m: Matrix, where: string): void {
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (v === Infinity || v === -Infinity) {
      const row = Math.floor(i / m.f), col = i % m.f;
      throw new RangeError(`${where}: x holds ${v} (sample ${row}, feature ${col}); scikit-learn refuses infinite values (NaN is allowed and left out of the statistics); replace or drop it first`);
    }
  }
}

/** The shape of the data a scaler has seen so far, for errors naming both shapes. */
export function shapeText(m: Matrix): string { return `[${m.n}, ${m.f}]`; }

export function checkChunk(who: string, m: Matrix, features: number | null, lastShape: string): void {
  if (features !== null && m.f !== features) {
    throw new RangeError(`${who}.partialFit: x has shape ${shapeText(m)} (${m.f} features), but the chunks seen so far have ${features} features (last one ${lastShape}); every chunk needs the same columns, or call fit(x) to start over`);
  }
}
