import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { RandomGenerator } from "../tensor/random.js";

/**
 * float64 values uniform in [lo, hi) from a generator seeded with `seed`, kept at least `gap` away
 * from every kink in `kinks` (redrawn until they are), for finite differences that must not
 * straddle a kink.
 */
export function randomF64(shape: number[], seed: number, lo = -3, hi = 3, kinks: readonly number[] = [], gap = 0.02): Tensor {
  const g = new RandomGenerator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = lo + (hi - lo) * g.nextDouble(); while (kinks.some((k) => Math.abs(v - k) < gap));
    data[i] = v;
  }
  return constant(data, shape, "float64");
}
