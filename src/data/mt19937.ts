/**
 * numpy's legacy generator, `np.random.RandomState(seed)`: MT19937 seeded by init_genrand, and the
 * draws that scikit-learn's splitters use (permutation, shuffle, choice without replacement), so
 * that `randomState: 42` in lamina gives the indices `random_state=42` gives in scikit-learn.
 */
import { valueText } from "../tensor/value_text.js";

const N = 624, M = 397;

export class NumpyRandomState {
  protected readonly mt = new Uint32Array(N);
  protected index = N;

  /** `seed` must be an integer in [0, 2^32 - 1], as numpy requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`NumpyRandomState: seed must be an integer between 0 and 2**32 - 1 (numpy's rule), got ${valueText(seed)}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i in 32-bit arithmetic, split to stay exact in doubles.
      mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
    this.index = N;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      let v = mt[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** The next 32-bit output of MT19937 (genrand_int32). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's random_interval: a uniform integer in [0, max] by masked rejection (max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0; while (v > max);
    return v;
  }

  /** In-place Fisher-Yates as numpy's RandomState.shuffle on a 1-d array. */
  shuffle<T extends { [i: number]: number; length: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  /** RandomState.permutation(n): a shuffled arange(n). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`NumpyRandomState.permutation: n must be a non-negative integer, got ${valueText(n)}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** RandomState.permutation(array): a shuffled copy. */
  permuted(values: ArrayLike<number>): Int32Array {
    return this.shuffle(Int32Array.from(values));
  }

  /** RandomState.choice(values, size, replace=False) with uniform probabilities. */
  choiceWithoutReplacement(values: ArrayLike<number>, size: number): number[] {
    if (size > values.length) throw new RangeError(`NumpyRandomState.choice: cannot take ${size} values out of ${values.length} without replacement`);
    const idx = this.permutation(values.length);
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(values[idx[i]]);
    return out;
  }
}
