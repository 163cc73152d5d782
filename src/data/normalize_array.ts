/**
 * Keras' utils.normalize(x, axis = -1, order = 2). Keras takes two paths: a backend tensor goes
 * through ops.normalize (the norm floored at epsilon), a numpy array through numpy (an all-zero
 * slice's norm taken as 1, no floor, in the array's float64). A JavaScript array is lamina's numpy
 * array here, so it gets numpy's rule and a float64 result.
 */
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import type { TensorLike } from "../tensor/creation.js";
import { div, equal, where } from "../ops/math.js";
import { norm } from "../ops/linalg.js";
import { normalize as normalizeTensor } from "../ops/normalize.js";
import { valueText } from "../tensor/value_text.js";

export function normalize(x: Tensor | TensorLike, axis = -1, order = 2): Tensor {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`utils.normalize: order must be an integer >= 1, got ${valueText(order)}`);
  if (!Number.isInteger(axis)) throw new TypeError(`utils.normalize: axis must be an integer, got ${valueText(axis)}`);
  if (x instanceof Tensor) return normalizeTensor(x, axis, order);
  let array = constant(x, "float64");
  if (array.rank === 0) array = constant([x as number], "float64");
  const n = norm(array, order, axis, true);
  return div(array, where(equal(n, 0), 1, n));
}
