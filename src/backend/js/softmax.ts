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

/**
 * dx = y * (dy - s) per row, s = sum(dy * y): each product and difference rounded to the arrays'
 * dtype and the sum taken as the reduce kernel takes it (four partial sums in double), so the
 * values of the composite ops mul, sum, sub, mul.
 */
export function softmaxGrad(y: NumericArray, dy: NumericArray, rows: number, cols: number, dx: NumericArray): void {
  const r = dx instanceof Float32Array ? Math.fround : (v: number): number => v;
  for (let row = 0; row < rows; row++) {
    const base = row * cols, end = base + cols;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = base;
    for (; i + 3 < end; i += 4) {
      s0 += r(dy[i] * y[i]); s1 += r(dy[i + 1] * y[i + 1]); s2 += r(dy[i + 2] * y[i + 2]); s3 += r(dy[i + 3] * y[i + 3]);
    }
    for (; i < end; i++) s0 += r(dy[i] * y[i]);
    const s = r((s0 + s1) + (s2 + s3));
    for (let j = base; j < end; j++) dx[j] = y[j] * r(dy[j] - s);
  }
}
