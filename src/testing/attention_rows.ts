/**
 * Test helpers for attention outputs whose fully masked query rows follow Keras 3.15 (zero weights,
 * so the output is the output projection's bias) while reference values for the other rows come
 * from elsewhere (Keras 3.5 fixtures, which spread a fully masked row uniformly).
 */
import assert from "node:assert/strict";
import type { Tensor } from "../tensor/tensor.js";
import { assertAllClose } from "./close.js";

/** The masks of one attention call as nested booleans ([batch][steps], attention [batch][T][S]). */
export interface RowMasks {
  batch: number; T: number; S: number;
  queryMask?: boolean[][]; valueMask?: boolean[][]; keyMask?: boolean[][]; attentionMask?: boolean[][][];
  causal?: boolean; slidingWindow?: number;
}

/** [batch][T]: true where query step t may attend to no key step, restating Keras' _compute_attention_mask. */
export function emptyQueryRows(m: RowMasks): boolean[][] {
  const keeps = (b: number, t: number, s: number): boolean =>
    (m.queryMask?.[b][t] ?? true) && (m.valueMask?.[b][s] ?? true) && (m.keyMask?.[b][s] ?? true) && (m.attentionMask?.[b][t][s] ?? true) &&
    (!m.causal || s <= t) && (m.slidingWindow === undefined || Math.abs(t - s) < m.slidingWindow);
  return Array.from({ length: m.batch }, (_, b) => Array.from({ length: m.T }, (_, t) => !Array.from({ length: m.S }, (_, s) => keeps(b, t, s)).some(Boolean)));
}

/** Reshapes a flat array of booleans ([batch * steps]) to [batch][steps]. */
export function rowsOf(flat: readonly boolean[], steps: number): boolean[][] {
  return Array.from({ length: flat.length / steps }, (_, b) => flat.slice(b * steps, (b + 1) * steps));
}

/**
 * Asserts `got` (query steps on axis `stepAxis`: 1 for outputs [B, T, ...], 2 for scores
 * [B, heads, T, S]) equals `want` on rows that attend to something and `filler` on empty rows:
 * a number, or values repeating along the last axis (an output bias). Returns how many elements
 * sat in empty rows, so a test can make sure there were some.
 */
export function assertRows(got: Tensor, want: readonly number[], empty: boolean[][], filler: number | readonly number[], what: string, stepAxis = 1): number {
  const shape = got.shape;
  const inner = shape.slice(1).reduce((a, d) => a * d, 1);
  const below = shape.slice(stepAxis + 1).reduce((a, d) => a * d, 1);
  const data = Array.from(got.dataSync() as Float32Array | Float64Array);
  assert.equal(data.length, want.length, `${what}: size`);
  const kept: number[] = [], keptWant: number[] = [], masked: number[] = [], maskedWant: number[] = [];
  data.forEach((v, i) => {
    const b = Math.floor(i / inner), t = Math.floor(i / below) % shape[stepAxis];
    if (empty[b][t]) {
      masked.push(v);
      maskedWant.push(typeof filler === "number" ? filler : filler[i % filler.length]);
    } else {
      kept.push(v);
      keptWant.push(want[i]);
    }
  });
  if (kept.length) assertAllClose(kept, keptWant, { rtol: 2e-5, atol: 2e-6, what: `${what}, rows that attend` });
  if (masked.length) assertAllClose(masked, maskedWant, { rtol: 0, atol: 1e-6, what: `${what}, fully masked rows` });
  return masked.length;
}

