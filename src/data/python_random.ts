/**
 * Python's `random` module generator: MT19937 seeded by init_by_array from the seed's 32-bit
 * words, and `random.shuffle`, so that a seed picks the order Keras' split_dataset (which calls
 * `random.seed(seed); random.shuffle(...)`) picks.
 */
import { NumpyRandomState } from "./mt19937.js";
import { valueText } from "../tensor/value_text.js";

const N = 624;

export class PythonRandom extends NumpyRandomState {
  /** `random.seed(seed)` for an integer seed (negative ones use |seed|, as Python). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PythonRandom: seed must be an integer within ±(2**53 - 1), got ${valueText(seed)}`);
    super(19650218);
    let rest = Math.abs(seed);
    const key: number[] = [];
    do {
      key.push(rest % 0x100000000);
      rest = Math.floor(rest / 0x100000000);
    } while (rest > 0);
    this.mix(key);
  }

  /** The second half of MT19937's init_by_array (the first, init_genrand(19650218), ran in super). */
  private mix(key: number[]): void {
    const mt = this.mt;
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  /** `random.getrandbits(k)` for 1 <= k <= 32. */
  getrandbits(k: number): number {
    return this.nextUint32() >>> (32 - k);
  }

  /** Python's _randbelow: a uniform integer in [0, n) by rejection on n's bit length (n < 2^32). */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.shuffle(x)` in place (Python 3.11's algorithm). */
  pyShuffle<T>(x: T[] | Int32Array): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]; x[i] = x[j]; x[j] = t;
    }
  }
}
