/** The modified Bessel function I0 in JavaScript numbers, for keras.ops.kaiser's window (numpy's np.i0). */

/**
 * I0(v) by its power series Σ ((v/2)^k / k!)^2: every term is positive, so summing until they stop
 * counting is accurate to double precision for any beta a window uses.
 */
export function besselI0(v: number): number {
  const q = (v * v) / 4;
  let term = 1, sum = 1;
  for (let k = 1; k < 1000 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}
