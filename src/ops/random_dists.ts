/**
 * keras.random's other distributions: gamma, beta, binomial, categorical, randint and dropout.
 * Every number comes from lamina's seedable generator (an integer seed, a SeedGenerator, or the
 * global generator of tf.random.setSeed), so a seed repeats its draws on every backend; the
 * distributions are Keras', the individual numbers are not (Keras draws through its backend).
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType, type FloatDType, allocStorage, isFloatDType } from "../tensor/dtype.js";
import { type Shape, assertShape, shapeText, sizeOf } from "../tensor/shape.js";
import { type RandomGenerator, type Seed, generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, noGrad, num, toTensor } from "./engine.js";
import { broadcastTo } from "./broadcast.js";
import { cast } from "./math.js";
import { dropout as nnDropout } from "./dropout.js";

/** A distribution's parameter: a number, or values broadcast to the output shape. */
export type RandomParam = number | Input;

export interface RandomDistOptions {
  dtype?: FloatDType;
  seed?: Seed;
}

/** The parameter's values, one per output element (float64 numbers). */
function paramValues(op: string, name: string, p: RandomParam, shape: number[]): Float64Array | number {
  if (typeof p === "number") {
    if (!Number.isFinite(p)) throw new RangeError(`random.${op}: ${name} must be finite, got ${valueText(p)}`);
    return p;
  }
  const t = toTensor(p, `random.${op}`, name);
  try {
    return Float64Array.from(num(noGrad(() => cast(broadcastTo(t, shape), "float64"))));
  } catch {
    throw new RangeError(`random.${op}: ${name} of shape ${shapeText(t.shape)} does not broadcast to the output shape ${shapeText(shape)}`);
  }
}

const at = (v: Float64Array | number, i: number): number => (typeof v === "number" ? v : v[i]);

function floatOut(op: string, shape: Shape, dtype: DType | undefined): { s: number[]; d: FloatDType } {
  const d = dtype ?? "float32";
  if (!isFloatDType(d)) throw new TypeError(`random.${op}: dtype must be "float32" or "float64", got ${valueText(d)}`);
  return { s: assertShape([...shape], `random.${op}`), d };
}

/** One Gamma(alpha, 1) draw: Marsaglia and Tsang's method; alpha < 1 boosted by U^(1/alpha). */
export function gammaDraw(g: RandomGenerator, alpha: number): number {
  if (alpha < 1) {
    const u = nonZeroUniform(g);
    return gammaDraw(g, alpha + 1) * Math.pow(u, 1 / alpha);
  }
  return marsagliaTsang(g, alpha);
}

/**
 * log of one Gamma(alpha, 1) draw, the same draws as gammaDraw: for a small alpha U^(1/alpha)
 * underflows to 0 (alpha = 1e-6 almost always), which log space keeps finite.
 */
function logGammaDraw(g: RandomGenerator, alpha: number): number {
  if (alpha < 1) {
    const u = nonZeroUniform(g);
    return logGammaDraw(g, alpha + 1) + Math.log(u) / alpha;
  }
  return Math.log(marsagliaTsang(g, alpha));
}

function nonZeroUniform(g: RandomGenerator): number {
  let u = 0;
  while (u === 0) u = g.nextDouble();
  return u;
}

/** Marsaglia and Tsang's Gamma(alpha, 1) for alpha >= 1. */
function marsagliaTsang(g: RandomGenerator, alpha: number): number {
  const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = g.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = g.nextDouble();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function checkPositive(op: string, name: string, v: Float64Array | number): void {
  const bad = typeof v === "number" ? (v > 0 ? null : v) : v.find((x) => !(x > 0 && Number.isFinite(x)));
  if (bad !== null && bad !== undefined) throw new RangeError(`random.${op}: ${name} must be > 0, got ${valueText(bad)}`);
}

/** keras.random.gamma(shape, alpha): Gamma(alpha, scale 1) values (mean alpha, variance alpha). */
export function gamma(shape: Shape, alpha: RandomParam, opts: RandomDistOptions = {}): Tensor {
  const { s, d } = floatOut("gamma", shape, opts.dtype);
  const a = paramValues("gamma", "alpha", alpha, s);
  checkPositive("gamma", "alpha", a);
  const g = generatorFor(opts.seed);
  const out = allocStorage(d, sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = gammaDraw(g, at(a, i));
  return new Tensor(out, s, d);
}

/** keras.random.beta(shape, alpha, beta): Beta(alpha, beta) values, as X / (X + Y) of two gammas. */
export function beta(shape: Shape, alpha: RandomParam, betaParam: RandomParam, opts: RandomDistOptions = {}): Tensor {
  const { s, d } = floatOut("beta", shape, opts.dtype);
  const a = paramValues("beta", "alpha", alpha, s);
  const b = paramValues("beta", "beta", betaParam, s);
  checkPositive("beta", "alpha", a);
  checkPositive("beta", "beta", b);
  const g = generatorFor(opts.seed);
  const out = allocStorage(d, sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = betaDraw(g, at(a, i), at(b, i));
  return new Tensor(out, s, d);
}

/**
 * One Beta(alpha, beta) draw, X / (X + Y) of two gammas; with a parameter below 1 as
 * 1 / (1 + exp(log Y - log X)), which stays in [0, 1] where both gammas underflow to 0 (and
 * X / (X + Y) would be 0 / 0): CutMix draws Beta(1e-6, 1e-6) at factor 0.
 */
export function betaDraw(g: RandomGenerator, alpha: number, beta: number): number {
  if (alpha >= 1 && beta >= 1) {
    const x = gammaDraw(g, alpha), y = gammaDraw(g, beta);
    return x / (x + y);
  }
  const lx = logGammaDraw(g, alpha), ly = logGammaDraw(g, beta);
  return 1 / (1 + Math.exp(ly - lx));
}

/**
 * One Binomial(n, p) draw. Small means walk the CDF from 0 (exact inversion, expected n*p steps);
 * larger ones count n Bernoulli trials (exact, O(n)), since q^n underflows there.
 */
function binomialDraw(g: RandomGenerator, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  const flip = p > 0.5;
  const pp = flip ? 1 - p : p;
  let k = 0;
  if (n * pp < 30) {
    const q = 1 - pp, ratio = pp / q;
    let prob = Math.pow(q, n), cdf = prob;
    const u = g.nextDouble();
    while (u > cdf && k < n) {
      prob *= ((n - k) / (k + 1)) * ratio;
      cdf += prob;
      k++;
    }
  } else {
    for (let i = 0; i < n; i++) if (g.nextDouble() < pp) k++;
  }
  return flip ? n - k : k;
}

/** keras.random.binomial(shape, counts, probabilities): successes out of `counts` trials of probability p. */
export function binomial(shape: Shape, counts: RandomParam, probabilities: RandomParam, opts: RandomDistOptions = {}): Tensor {
  const { s, d } = floatOut("binomial", shape, opts.dtype);
  const n = paramValues("binomial", "counts", counts, s);
  const p = paramValues("binomial", "probabilities", probabilities, s);
  const g = generatorFor(opts.seed);
  const out = allocStorage(d, sizeOf(s));
  for (let i = 0; i < out.length; i++) {
    const ni = at(n, i), pi = at(p, i);
    if (!Number.isInteger(ni) || ni < 0) throw new RangeError(`random.binomial: counts must be integers >= 0, got ${valueText(ni)}`);
    if (!(pi >= 0 && pi <= 1)) throw new RangeError(`random.binomial: probabilities must be in [0, 1], got ${valueText(pi)}`);
    out[i] = binomialDraw(g, ni, pi);
  }
  return new Tensor(out, s, d);
}

export interface IntRandomOptions {
  dtype?: "int32" | "float32" | "float64";
  seed?: Seed;
}

/**
 * keras.random.categorical(logits, numSamples): for each row of logits [batch, classes], numSamples
 * class indices drawn with probabilities softmax(row); [batch, numSamples], int32 by default.
 */
export function categorical(logits: Input, numSamples: number, opts: IntRandomOptions = {}): Tensor {
  const op = "random.categorical";
  const t = toTensor(logits, op, "logits");
  if (t.rank !== 2) throw new RangeError(`${op}: logits must have shape [batch, classes], got ${shapeText(t.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples < 0) throw new RangeError(`${op}: numSamples must be an integer >= 0, got ${valueText(numSamples)}`);
  const [rows, k] = t.shape;
  if (k < 1) throw new RangeError(`${op}: logits need at least one class, got ${shapeText(t.shape)}`);
  const dtype = opts.dtype ?? "int32";
  const values = Float64Array.from(num(noGrad(() => cast(t, "float64"))));
  const g = generatorFor(opts.seed);
  const out = allocStorage(dtype, rows * numSamples);
  const cdf = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, values[r * k + j]);
    if (!(max > -Infinity) || Number.isNaN(max) || max === Infinity) {
      throw new RangeError(`${op}: row ${r} of logits has no finite maximum (${max}); every row needs a class with a finite logit`);
    }
    let total = 0;
    for (let j = 0; j < k; j++) cdf[j] = total += Math.exp(values[r * k + j] - max);
    for (let i = 0; i < numSamples; i++) {
      const u = g.nextDouble() * total;
      let j = 0;
      while (j < k - 1 && cdf[j] <= u) j++;
      out[r * numSamples + i] = j;
    }
  }
  return new Tensor(out, [rows, numSamples], dtype);
}

/** keras.random.randint(shape, minval, maxval): integers uniform in [minval, maxval), int32 by default. */
export function randint(shape: Shape, minval: number, maxval: number, opts: IntRandomOptions = {}): Tensor {
  const op = "random.randint";
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || maxval <= minval) {
    throw new RangeError(`${op}: needs integers minval < maxval, got [${valueText(minval)}, ${valueText(maxval)})`);
  }
  const s = assertShape([...shape], op);
  const dtype = opts.dtype ?? "int32";
  if (dtype === "int32" && (minval < -(2 ** 31) || maxval > 2 ** 31)) throw new RangeError(`${op}: [${minval}, ${maxval}) does not fit int32`);
  const g = generatorFor(opts.seed);
  const out = allocStorage(dtype, sizeOf(s));
  const span = maxval - minval;
  for (let i = 0; i < out.length; i++) out[i] = minval + g.nextInt(span);
  return new Tensor(out, s, dtype);
}

export interface RandomDropoutOptions {
  noiseShape?: readonly (number | null)[];
  seed?: Seed;
}

/**
 * keras.random.dropout(inputs, rate, { noiseShape, seed }): zeroes each element with probability
 * rate and scales the rest by 1 / (1 - rate) (tf.nn.dropout; a SeedGenerator's stream advances).
 */
export function dropout(inputs: Input, rate: number, opts: RandomDropoutOptions = {}): Tensor {
  const seed = opts.seed === undefined || typeof opts.seed === "number" ? opts.seed : opts.seed.next();
  return nnDropout(inputs, rate, { noiseShape: opts.noiseShape, seed });
}
