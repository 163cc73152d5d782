/** The value checks on x, y and weights before any step: non-finite data, sparse and binary label ranges. */
import type { Tensor } from "../tensor/tensor.js";
import { fill } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { cast, equal, floor, isNaN, notEqual, sub, where } from "../ops/math.js";
import { slice, reshape } from "../ops/shape.js";
import { argMax, max, min, sum } from "../ops/reduce.js";

/**
 * Refuses float data holding NaN or ±Infinity before a step sees it: one such value turns the loss,
 * then every weight, into NaN.
 */
export function checkFinite(t: Tensor, what: string): void {
  if (!isFloatDType(t.dtype) || t.size === 0) return;
  // One pass that allocates nothing of the data's size: NaN and ±Infinity carry through a sum.
  if (Number.isFinite(sum(t).item())) return;
  const bad = cast(isNaN(sub(t, t)), "int32");
  const count = sum(bad).item();
  if (count === 0) return; // large finite values overflowed the sum
  const first = argMax(reshape(bad, [-1])).item();
  const value = slice(reshape(t, [-1]), [first], [1]).item();
  const sample = t.rank > 0 ? Math.floor(first / (t.size / t.shape[0])) : 0;
  throw new RangeError(`${what} holds ${count} non-finite value(s) (NaN or ±Infinity), the first (${value}) in sample ${sample}; remove those samples or replace the values (e.g. by the feature's mean) before training`);
}

/** The smallest and largest value of a non-empty tensor, as numbers. */
function valueRange(y: Tensor): [number, number] {
  const wide = cast(y, "float64");
  return [min(wide).item(), max(wide).item()];
}

/**
 * Checks sparse labels before any step runs: integer classes in [0, numClasses). Keras would cast
 * 1.5 to class 1 without a word; a fractional class index is a mistake in y, so it is refused.
 */
export function checkSparseLabels(yIn: Tensor, numClasses: number, lossName: string, what: string, ignoreClass: number | null = null): void {
  if (yIn.size === 0) return;
  // Labels equal to the loss's ignoreClass (-1, 255, ...) are left out of the mean, not classes.
  const y = ignoreClass === null ? yIn : where(equal(cast(yIn, "float64"), ignoreClass), fill(yIn.shape, 0, "float64"), cast(yIn, "float64"));
  const [lo, hi] = valueRange(y);
  if (lo < 0 || hi >= numClasses || !Number.isInteger(lo) || !Number.isInteger(hi)) {
    const besides = ignoreClass === null ? "" : ` (besides the ignored class ${ignoreClass})`;
    throw new RangeError(`${what}: ${lossName} needs integer labels in [0, ${numClasses})${besides} for a model with ${numClasses} outputs, but the labels range over [${lo}, ${hi}]; check y or the size of the last layer`);
  }
  if (!isFloatDType(y.dtype)) return;
  const fractional = cast(notEqual(y, floor(y)), "int32");
  const count = sum(fractional).item();
  if (count === 0) return;
  const first = argMax(reshape(fractional, [-1])).item();
  const value = slice(reshape(y, [-1]), [first], [1]).item();
  const sample = Math.floor(first / (y.size / y.shape[0]));
  throw new RangeError(`${what}: ${lossName} needs integer class labels, but y holds ${count} fractional value(s), the first (${value}) in sample ${sample}; labels are class indices 0..${numClasses - 1} (for soft or one-hot targets use loss "categorical_crossentropy")`);
}

/**
 * Checks binary labels before any step runs: 0/1 classes or soft targets in [0, 1]. Keras takes a
 * label of 2 silently and trains towards a target the sigmoid can never reach.
 */
export function checkBinaryLabels(y: Tensor, lossName: string, what: string): void {
  if (y.size === 0) return;
  const [lo, hi] = valueRange(y);
  if (lo < 0 || hi > 1) {
    throw new RangeError(`${what}: ${lossName} needs labels in [0, 1] (classes 0 and 1, or soft targets), but the labels range over [${lo}, ${hi}]; for more than two classes use loss "sparse_categorical_crossentropy" with a softmax output`);
  }
}
