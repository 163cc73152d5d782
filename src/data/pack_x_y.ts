/** keras.utils.pack_x_y_sample_weight / unpack_x_y_sample_weight, for custom train steps and datasets. */

/**
 * Keras' pack_x_y_sample_weight: x alone (wrapped in a one-element list when x is itself a list,
 * so that unpacking cannot mistake it for [x, y]), [x, y], or [x, y, sampleWeight].
 */
export function packXYSampleWeight<X, Y = never, W = never>(x: X, y?: Y, sampleWeight?: W): X | [X] | [X, Y] | [X, Y, W] {
  if (y === undefined || y === null) return Array.isArray(x) ? [x] : x;
  if (sampleWeight === undefined || sampleWeight === null) return [x, y];
  return [x, y, sampleWeight];
}

/**
 * Keras' unpack_x_y_sample_weight: [x], [x, y] or [x, y, sampleWeight] (a list of 1 to 3 items) to
 * [x, y | null, sampleWeight | null]; anything not a list is x alone.
 */
export function unpackXYSampleWeight<T>(data: T | readonly T[]): [T | readonly T[], T | null, T | null] {
  if (!Array.isArray(data)) return [data as T, null, null];
  const d = data as readonly T[];
  if (d.length === 1) return [d[0], null, null];
  if (d.length === 2) return [d[0], d[1], null];
  if (d.length === 3) return [d[0], d[1], d[2]];
  throw new RangeError(
    `unpackXYSampleWeight: data is a list of ${d.length} items; expected [x], [x, y] or [x, y, sampleWeight] (wrap several inputs in one list: [[x1, x2], y])`,
  );
}
