/** `utils.toCategorical`: Keras' `to_categorical`, one-hot float32 rows. */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import type { NestedArray } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";

/**
 * One-hot encodes integer class labels: shape `[...y.shape, numClasses]` (a trailing axis of size 1
 * is dropped first, so labels [n, 1] give [n, numClasses]), dtype float32. numClasses defaults to
 * max(y) + 1.
 */
export function toCategorical(y: Tensor | number[] | number[][], numClasses?: number): Tensor {
  const t = y instanceof Tensor ? y : constant(y as NestedArray, "int32");
  if (t.dtype === "bool") throw new TypeError("toCategorical: labels must be integers, got a bool tensor; cast it to int32");
  let shape = [...t.shape];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const src = t.dataSync();
  const labels = new Array<number>(t.size);
  let max = -1;
  for (let i = 0; i < t.size; i++) {
    const v = Number(src[i]);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`toCategorical: label ${v} at position ${i} is not a non-negative integer; labels must be class indices 0, 1, 2, ...`);
    labels[i] = v;
    if (v > max) max = v;
  }
  const k = numClasses ?? max + 1;
  if (!Number.isInteger(k) || k <= 0) throw new RangeError(`toCategorical: numClasses must be a positive integer, got ${valueText(k)}`);
  if (max >= k) throw new RangeError(`toCategorical: label ${max} is out of range for numClasses=${k}; labels must be below numClasses (or leave numClasses out)`);
  const out = new Float32Array(t.size * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]] = 1;
  return makeTensor(out, [...shape, k], "float32");
}
