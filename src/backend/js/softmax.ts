import type { NumericArray } from "../../tensor/dtype.js";

/**
 * Row-wise softmax over the last axis of a [rows, cols] array. The row maximum is subtracted
 * before exponentiating (so large logits cannot overflow) and the exponentials are kept in a
 * float64 scratch row, so float32 outputs are rounded once.
 */
export function softmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void {
  if (cols === 0) return;
  const e = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j];
      if (v > max || Number.isNaN(v)) max = v;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const v = Math.exp(x[base + j] - max);
      e[j] = v;
      sum += v;
    }
    for (let j = 0; j < cols; j++) out[base + j] = e[j] / sum;
  }
}

/**
 * Row-wise log-softmax over the last axis: (x - max) - log(sum(exp(x - max))), computed in
 * float64 and rounded once into `out`.
 */
export function logSoftmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void {
  if (cols === 0) return;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j];
      if (v > max || Number.isNaN(v)) max = v;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[base + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) out[base + j] = (x[base + j] - max) - logSum;
  }
}
