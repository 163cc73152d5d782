import { type DType, type FloatDType, allocStorage } from "./dtype.js";
import { type Shape, assertShape, sizeOf } from "./shape.js";
import { Tensor, storageOf } from "./tensor.js";
import { valueText } from "./value_text.js";
import { inStatelessScope, noteStateChange } from "./stateless_scope.js";

/** A generator's state: xoshiro128**'s four words and the cached second normal of a Box-Muller pair. */
export interface RandomState {
  s: [number, number, number, number];
  spareNormal: number | null;
}

/**
 * xoshiro128** seeded through splitmix32: small, fast, and identical on every backend because
 * all random numbers are drawn here, in TypeScript, never inside a kernel.
 */
export class RandomGenerator {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
  }

  /** The whole state (JSON-safe), so a checkpoint can resume the same random sequence. */
  getState(): RandomState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal };
  }

  setState(state: RandomState): void {
    const ok = Array.isArray(state?.s) && state.s.length === 4 && state.s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) &&
      (state.spareNormal === null || typeof state.spareNormal === "number");
    if (!ok) throw new TypeError(`RandomGenerator.setState: expected { s: four unsigned 32-bit integers, spareNormal: number | null }, got ${valueText(state)}`);
    [this.s0, this.s1, this.s2, this.s3] = state.s;
    this.spareNormal = state.spareNormal;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box-Muller transform (pairs cached). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextDouble();
    const v = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalGenerator = new RandomGenerator((Math.random() * 2 ** 32) >>> 0);

/** tf.random.setSeed(n): every later random draw (weights, shuffles, dropout) repeats exactly. */
export function setSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new RangeError(`random.setSeed: seed must be a finite number, got ${valueText(seed)}`);
  globalGenerator = new RandomGenerator(seed);
}

/** The global generator's state (BackupAndRestore saves it so a resumed fit shuffles as the uninterrupted one would). */
export function globalRandomState(): RandomState {
  return globalGenerator.getState();
}

export function setGlobalRandomState(state: RandomState): void {
  globalGenerator.setState(state);
}

/**
 * keras.random.SeedGenerator(seed): a stateful source of seeds. Passed as `seed` to a random op or
 * a layer, each draw advances its state, so repeated calls give new numbers while the whole
 * sequence repeats for the same starting seed (Keras' contract; the numbers are lamina's own
 * generator's, not Keras'). Without a seed it starts from one drawn from the global generator.
 */
export class SeedGenerator {
  /** The starting seed, as Keras' get_config writes it. */
  readonly seed: number;
  /** The stream the draws come from; shared by everything given this SeedGenerator. */
  readonly generator: RandomGenerator;

  constructor(seed?: number | null | { seed?: number | null }) {
    const s = typeof seed === "object" && seed !== null ? seed.seed : seed;
    if (s !== undefined && s !== null && (typeof s !== "number" || !Number.isInteger(s))) {
      throw new TypeError(`random.SeedGenerator: seed must be an integer or null, got ${valueText(s)}`);
    }
    this.seed = s ?? globalGenerator.nextUint32();
    this.generator = new RandomGenerator(this.seed);
  }

  /** A fresh 32-bit seed; the state moves on. */
  next(): number {
    return noteDraws(this.generator).nextUint32();
  }

  getConfig(): { seed: number } {
    return { seed: this.seed };
  }

  /** The state (JSON-safe), to resume the same sequence. */
  getState(): RandomState {
    return this.generator.getState();
  }

  setState(state: RandomState): void {
    this.generator.setState(state);
  }
}

/** In a stateless scope (a layer's shape probe), the generator's state is put back at its end. */
function noteDraws(g: RandomGenerator): RandomGenerator {
  if (inStatelessScope()) {
    const state = g.getState();
    noteStateChange(g, () => g.setState(state));
  }
  return g;
}

/** A random op's `seed`: an integer for a fixed draw, or a SeedGenerator whose state advances. */
export type Seed = number | SeedGenerator;

/** The generator an op should draw from: its own when given a seed, a SeedGenerator's stream, otherwise the global one. */
export function generatorFor(seed?: Seed): RandomGenerator {
  if (seed === undefined) return noteDraws(globalGenerator);
  if (seed instanceof SeedGenerator) return noteDraws(seed.generator);
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new TypeError(`random: seed must be an integer or a random.SeedGenerator, got ${valueText(seed)}`);
  }
  return new RandomGenerator(seed);
}

export interface RandomOptions {
  dtype?: FloatDType;
  seed?: Seed;
}

/**
 * The options argument of uniform/normal/truncatedNormal: `{ dtype, seed }`, or TensorFlow.js'
 * positional form `(shape, a, b, dtype, seed)`. Anything else is refused rather than ignored.
 */
function randomOptions<D extends DType>(op: string, opts: { dtype?: D; seed?: Seed } | D | undefined, seed: Seed | undefined): { dtype?: D; seed?: Seed } {
  if (typeof opts === "string") return seed === undefined ? { dtype: opts } : { dtype: opts, seed };
  if (seed !== undefined) throw new TypeError(`${op}: a seed after an options object is not read; put it in the options, { seed: ${valueText(seed)} }`);
  if (opts === undefined) return {};
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new TypeError(`${op}: the argument after the shape's two numbers is a dtype ("float32") or options { dtype, seed }, got ${valueText(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (key !== "dtype" && key !== "seed") throw new TypeError(`${op}: unknown option ${key}; valid options are dtype, seed`);
  }
  return opts;
}

function floatTensor(shape: Shape, dtype: FloatDType, draw: () => number, op: string): Tensor {
  const s = assertShape([...shape], op);
  const out = allocStorage(dtype, sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = draw();
  return new Tensor(out, s, dtype);
}

export function uniform(shape: Shape, minval = 0, maxval = 1, options?: { dtype?: DType; seed?: Seed } | DType, seedArg?: Seed): Tensor {
  const opts = randomOptions("random.uniform", options, seedArg);
  const dtype = opts.dtype ?? "float32";
  const g = generatorFor(opts.seed);
  if (dtype === "int32") {
    if (!Number.isInteger(minval) || !Number.isInteger(maxval) || maxval <= minval) {
      throw new RangeError(`random.uniform: int32 needs integer minval < maxval, got [${minval}, ${maxval})`);
    }
    const s = assertShape([...shape], "random.uniform");
    const out = new Int32Array(sizeOf(s));
    for (let i = 0; i < out.length; i++) out[i] = minval + g.nextInt(maxval - minval);
    return new Tensor(out, s, "int32");
  }
  if (dtype !== "float32" && dtype !== "float64") throw new TypeError(`random.uniform: dtype ${dtype} is not supported; use float32, float64 or int32`);
  if (!Number.isFinite(minval) || !Number.isFinite(maxval) || minval > maxval) {
    throw new RangeError(`random.uniform: needs finite minval <= maxval, got [${minval}, ${maxval}); swap them if they are reversed`);
  }
  const span = maxval - minval;
  return floatTensor(shape, dtype, () => {
    // float32 rounding can turn values just below maxval into float32(maxval); keep the interval
    // half-open in the dtype, as TF does by casting the bounds first.
    let v = minval + span * g.nextDouble();
    if (dtype === "float32" && Math.fround(v) >= Math.fround(maxval)) v = minval;
    return v;
  }, "random.uniform");
}

/** A negative or non-finite stddev is a mistake that would otherwise fill weights silently. */
function checkNormalParams(op: string, mean: number, stddev: number): void {
  if (!Number.isFinite(mean) || !Number.isFinite(stddev) || stddev < 0) {
    throw new RangeError(`${op}: needs a finite mean and a finite stddev >= 0, got mean ${mean}, stddev ${stddev}`);
  }
}

export function normal(shape: Shape, mean = 0, stddev = 1, options?: RandomOptions | FloatDType, seedArg?: Seed): Tensor {
  const opts = randomOptions("random.normal", options, seedArg);
  checkNormalParams("random.normal", mean, stddev);
  const g = generatorFor(opts.seed);
  return floatTensor(shape, opts.dtype ?? "float32", () => mean + stddev * g.nextNormal(), "random.normal");
}

/** Normal values more than two standard deviations from the mean are drawn again, as in TF. */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, options?: RandomOptions | FloatDType, seedArg?: Seed): Tensor {
  const opts = randomOptions("random.truncatedNormal", options, seedArg);
  checkNormalParams("random.truncatedNormal", mean, stddev);
  const g = generatorFor(opts.seed);
  return floatTensor(shape, opts.dtype ?? "float32", () => {
    let z: number;
    do z = g.nextNormal(); while (Math.abs(z) > 2);
    return mean + stddev * z;
  }, "random.truncatedNormal");
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed?: Seed): Int32Array {
  return permutationFrom(generatorFor(seed), n);
}

/** permutation's draws from a given generator (a seeded layer's own). */
export function permutationFrom(g: RandomGenerator, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Shuffles a tensor along its first axis. */
export function shuffle(t: Tensor, seed?: Seed): Tensor {
  if (t.rank === 0) throw new RangeError("random.shuffle: a scalar cannot be shuffled; pass a tensor of rank >= 1");
  const n = t.shape[0];
  const inner = t.size / Math.max(n, 1);
  const perm = permutation(n, seed);
  const src = storageOf(t);
  const out = allocStorage(t.dtype, t.size);
  for (let i = 0; i < n; i++) {
    (out as Float32Array).set((src as Float32Array).subarray(perm[i] * inner, (perm[i] + 1) * inner), i * inner);
  }
  return new Tensor(out, t.shape, t.dtype);
}
