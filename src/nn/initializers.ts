/**
 * keras.initializers: objects that make the starting value of a weight from its shape.
 *
 * Semantics are Keras 3's (keras/src/initializers): fans from the shape (dense kernels [in, out],
 * conv kernels [kh, kw, in, out] with receptive field kh * kw), variance scaling with a normal
 * truncated at two standard deviations whose stddev is sqrt(scale / fan) / 0.87962566103423978,
 * uniform limits sqrt(3 * scale / fan); with Keras 3.15's inputAxes/outputAxes the fans are the
 * products of the sizes on those axes instead. Randomness comes from lamina's seedable generator
 * (tf.random.setSeed); as in Keras 3, an initializer fixes its seed when it is made (a seed drawn
 * from the global generator when none is given), so calling the same initializer twice gives the
 * same values.
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType, type FloatDType, isFloatDType } from "../tensor/dtype.js";
import { type Shape, shapeText, sizeOf } from "../tensor/shape.js";
import { constant, eye, fill, zeros } from "../tensor/creation.js";
import { generatorFor, normal, truncatedNormal, uniform } from "../tensor/random.js";
import { noGrad } from "../ops/engine.js";
import { cast, div, mul, sqrt, sub } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { concat, reshape, slice, transpose } from "../ops/shape.js";
import { matmul } from "../ops/matmul.js";
import { cosineWindow } from "../ops/signal_stft.js";
import {
  type Config, type SerializedObject, checkConfigKeys, configNumber, configString, isSerializedObject,
  serializedClassName, unknownIdentifier,
} from "./common.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { floatx } from "../tensor/config.js";

/**
 * Keras 3.15's compute_fans: [fanIn, fanOut] of a weight shape. With `inputAxes` and `outputAxes`
 * (both, or neither) the fans are the products of the shape's sizes on those axes (negative axes
 * count from the end); without them, dense kernels are [in, out] and conv kernels [..., in, out]
 * with the leading axes as the receptive field.
 */
export function computeFans(shape: Shape, inputAxes: readonly number[] | null = null, outputAxes: readonly number[] | null = null): [number, number] {
  return fansFor("computeFans", shape, checkFanAxes("computeFans", inputAxes, outputAxes));
}

function fansFor(kind: string, shape: Shape, axes: FanAxes | null): [number, number] {
  if (axes !== null) {
    const fan = (list: readonly number[], key: string): number => normalizedAxes(kind, shape, list, key).reduce((acc, a) => acc * shape[a], 1);
    return [fan(axes.inputAxes, "inputAxes"), fan(axes.outputAxes, "outputAxes")];
  }
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return [shape[shape.length - 2] * receptiveField, shape[shape.length - 1] * receptiveField];
}

/** The fan axes of an initializer, as given (both lists, or null for the shape's own rule). */
interface FanAxes {
  inputAxes: readonly number[];
  outputAxes: readonly number[];
}

function axisListOk(list: unknown): list is readonly number[] {
  return Array.isArray(list) && list.every((a) => Number.isInteger(a));
}

/**
 * Checks inputAxes/outputAxes as given: lists of integers, both or neither. Keras 3.15 takes a lone
 * list and silently ignores it (compute_fans uses the axes only when both are set); lamina refuses
 * it, since fans from the shape are then surely not what was meant.
 */
function checkFanAxes(kind: string, inputAxes: unknown, outputAxes: unknown): FanAxes | null {
  for (const [key, list] of [["inputAxes", inputAxes], ["outputAxes", outputAxes]] as const) {
    if (list !== null && list !== undefined && !axisListOk(list)) {
      throw new TypeError(`initializers.${kind}: ${key} must be a list of integer axes of the weight (e.g. [0]), or null, got ${valueText(list)}`);
    }
  }
  const hasIn = inputAxes !== null && inputAxes !== undefined, hasOut = outputAxes !== null && outputAxes !== undefined;
  if (hasIn !== hasOut) {
    throw new RangeError(
      `initializers.${kind}: inputAxes ${valueText(inputAxes ?? null)} and outputAxes ${valueText(outputAxes ?? null)}: give both or neither ` +
        `(Keras 3.15 ignores a lone list and takes the fans from the shape; pass outputAxes too, e.g. the remaining axes)`,
    );
  }
  return hasIn ? { inputAxes: [...(inputAxes as readonly number[])], outputAxes: [...(outputAxes as readonly number[])] } : null;
}

/** The axes of `list` counted from 0, each once, checked against the shape's rank. */
function normalizedAxes(kind: string, shape: Shape, list: readonly number[], key: string): number[] {
  const rank = shape.length;
  const out = list.map((a) => {
    if (a < -rank || a >= rank) {
      throw new RangeError(`initializers.${kind}: ${key} ${valueText(list)} has axis ${a}, out of range for the weight shape ${shapeText(shape)} (rank ${rank}: axes ${-rank} to ${rank - 1})`);
    }
    return a < 0 ? a + rank : a;
  });
  const twice = out.find((a, i) => out.indexOf(a) !== i);
  if (twice !== undefined) {
    throw new RangeError(`initializers.${kind}: ${key} ${valueText(list)} names axis ${twice} twice (shape ${shapeText(shape)}); list each axis once`);
  }
  return out;
}

function checkShape(kind: string, shape: Shape): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`initializers.${kind}: shape must be a list of non-negative integers, got ${valueText(shape)}`);
  }
  return [...shape];
}

function floatDType(kind: string, dtype: DType): FloatDType {
  if (!isFloatDType(dtype)) {
    throw new TypeError(`initializers.${kind}: random values need a float dtype, got ${dtype}; use "float32" or "float64"`);
  }
  return dtype;
}

function checkSeed(kind: string, seed: number | null | undefined): number | null {
  if (seed === undefined || seed === null) return null;
  if (!Number.isInteger(seed)) throw new TypeError(`initializers.${kind}: seed must be an integer, got ${valueText(seed)}`);
  return seed;
}

/** The base class: `call(shape, dtype)` returns a new tensor, `getConfig()` Keras' config. */
export abstract class Initializer {
  /** Keras' class name, as written in a saved model's config ("GlorotUniform"). */
  abstract readonly className: string;

  /** A tensor of `shape` and `dtype` (default config.floatx(), float32 unless set) holding the initial values. */
  abstract call(shape: Shape, dtype?: DType): Tensor;

  /** Keras' get_config(): the constructor arguments under Keras' snake_case keys. */
  getConfig(): Config {
    return {};
  }

  /** `{ className, config }`, what initializers.get() accepts back. */
  serialize(): { className: string; config: Config } {
    return { className: this.className, config: this.getConfig() };
  }
}

// ---------------------------------------------------------------- constants

/** keras.initializers.Zeros. */
export class Zeros extends Initializer {
  readonly className = "Zeros";
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return zeros(checkShape(this.className, shape), dtype);
  }
}

/** keras.initializers.Ones. */
export class Ones extends Initializer {
  readonly className = "Ones";
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return fill(checkShape(this.className, shape), 1, dtype);
  }
}

export interface ConstantOptions {
  /** The value of every element (default 0). */
  value?: number;
}

/** keras.initializers.Constant(value = 0). */
export class Constant extends Initializer {
  readonly className = "Constant";
  readonly value: number;
  constructor(opts: ConstantOptions | number = {}) {
    super();
    const value = typeof opts === "number" ? opts : opts.value ?? 0;
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new TypeError(`initializers.Constant: value must be a number, got ${valueText(value)}`);
    }
    this.value = value;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    if (dtype !== "bool" && !isFloatDType(dtype) && !Number.isInteger(this.value)) {
      throw new TypeError(`initializers.Constant: value ${this.value} is not an integer but dtype is ${dtype}; use a float dtype`);
    }
    return fill(checkShape(this.className, shape), this.value, dtype);
  }
  override getConfig(): Config {
    return { value: this.value };
  }
}

export interface IdentityOptions {
  /** Multiplies the identity matrix (default 1). */
  gain?: number;
}

/**
 * keras.initializers.Identity(gain = 1): gain * eye(rows, cols) for 2-D shapes. Keras 3.5 writes
 * the class name "IdentityInitializer" (and reads "Identity" too).
 */
export class Identity extends Initializer {
  readonly className = "IdentityInitializer";
  readonly gain: number;
  constructor(opts: IdentityOptions = {}) {
    super();
    this.gain = opts.gain ?? 1;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    const s = checkShape(this.className, shape);
    if (s.length !== 2) {
      throw new RangeError(`initializers.Identity: only 2-D shapes have an identity matrix, got ${shapeText(s)}; use "orthogonal" for other shapes`);
    }
    const e = eye(s[0], s[1], dtype);
    return this.gain === 1 ? e : noGrad(() => mul(e, this.gain));
  }
  override getConfig(): Config {
    return { gain: this.gain };
  }
}

// ---------------------------------------------------------------- STFT

export type StftWindowName = "hann" | "hamming";

export interface STFTOptions {
  /** "real" (default: the cosine kernel) or "imag" (the sine kernel). */
  side?: "real" | "imag";
  /** "hann" (default), "hamming", frameLength values, or null for none. */
  window?: StftWindowName | readonly number[] | null;
  /** "density" (default: divide by the window's L2 norm), "spectrum" (its L1 norm) or null. */
  scaling?: "density" | "spectrum" | null;
  /** Whether a named window is periodic (scipy's fftbins) rather than symmetric. Default false. */
  periodic?: boolean;
}

/** scipy.signal.get_window(name, n, fftbins=periodic) for the cosine windows Keras documents (one sample: [1]). */
function stftWindowValues(name: StftWindowName, n: number, periodic: boolean): number[] {
  return n === 1 ? [1] : cosineWindow(name, n, periodic);
}

/**
 * keras.initializers.STFT (Keras 3.15; also STFTInitializer): for a shape [frameLength, channels,
 * bins], the real (cos) or imaginary (sin) part of the DFT kernel exp(-2 pi i t f / n), n = 2 (bins - 1),
 * times the window over t and divided by its scaling; the same for every channel. STFTSpectrogram's kernels.
 */
export class STFT extends Initializer {
  readonly className = "STFT";
  readonly side: "real" | "imag";
  readonly window: StftWindowName | readonly number[] | null;
  readonly scaling: "density" | "spectrum" | null;
  readonly periodic: boolean;
  constructor(opts: STFTOptions = {}) {
    super();
    const where = "initializers.STFT";
    const side = opts.side ?? "real";
    if (side !== "real" && side !== "imag") throw new RangeError(`${where}: side must be "real" or "imag", got ${valueText(side)}`);
    const window = opts.window === undefined ? "hann" : opts.window;
    const named = window === "hann" || window === "hamming";
    if (!(window === null || named || (Array.isArray(window) && window.every((w) => typeof w === "number" && Number.isFinite(w))))) {
      throw new RangeError(`${where}: window must be "hann", "hamming", a list of frameLength numbers or null, got ${valueText(window)}; pass other scipy windows as their values`);
    }
    const scaling = opts.scaling === undefined ? "density" : opts.scaling;
    if (scaling !== null && scaling !== "density" && scaling !== "spectrum") throw new RangeError(`${where}: scaling must be "density", "spectrum" or null, got ${valueText(scaling)}`);
    const periodic = booleanOption(where, "periodic", opts.periodic, false);
    this.side = side;
    this.window = window === null || named ? window : [...(window as readonly number[])];
    this.scaling = scaling;
    this.periodic = periodic;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    const s = checkShape(this.className, shape);
    if (s.length !== 3) throw new RangeError(`initializers.STFT: the shape must be [frameLength, channels, bins], got ${shapeText(s)}`);
    const [L, C, F] = s;
    const win = this.window === null ? null : typeof this.window === "string" ? stftWindowValues(this.window, L, this.periodic) : this.window;
    if (win !== null && win.length !== L) throw new RangeError(`initializers.STFT: the window has ${win.length} values but frameLength (shape[0]) is ${L}`);
    let scale = 1;
    if (win !== null && this.scaling === "density") scale = Math.sqrt(win.reduce((acc, w) => acc + w * w, 0));
    else if (win !== null && this.scaling === "spectrum") scale = win.reduce((acc, w) => acc + Math.abs(w), 0);
    // Keras divides by 2 (bins - 1), which is fftLength - 1 for an odd fftLength.
    const n = (F - 1) * 2;
    const out = new Array<number>(L * C * F);
    for (let t = 0; t < L; t++) {
      for (let f = 0; f < F; f++) {
        const arg = -2 * t * (f / n) * Math.PI;
        const v = this.side === "real" ? Math.cos(arg) : Math.sin(arg);
        const value = win === null ? v : (v * win[t]) / scale;
        for (let c = 0; c < C; c++) out[(t * C + c) * F + f] = value;
      }
    }
    return constant(out, s, dtype);
  }
  override getConfig(): Config {
    return { side: this.side, window: this.window === null || typeof this.window === "string" ? this.window : [...this.window], scaling: this.scaling, periodic: this.periodic };
  }
}

// ---------------------------------------------------------------- random

export interface SeedOptions {
  /** Makes the values reproducible; without it a seed is drawn from tf.random's global generator. */
  seed?: number | null;
}

/** Keras' RandomInitializer: holds the seed given (for the config) and the one it draws with. */
export abstract class RandomInitializer extends Initializer {
  /** The seed as given (null when none was), as Keras' config reports it. */
  readonly seed: number | null;
  /** The seed every call draws with: the given one, or one taken from the global generator. */
  protected readonly drawSeed: number;

  constructor(kind: string, seed: number | null | undefined) {
    super();
    this.seed = checkSeed(kind, seed);
    this.drawSeed = this.seed ?? generatorFor().nextUint32();
  }

  override getConfig(): Config {
    return { seed: this.seed };
  }

  /**
   * Keras' `init.__class__.from_config(init.get_config())`: a copy drawing with a new seed when none
   * was given (the config's seed is null), the same draws when one was (so `this` serves).
   * Keras' MultiHeadAttention and GroupedQueryAttention give each projection such a copy, lest
   * projections of one shape start equal.
   */
  cloneFromConfig(): this {
    if (this.seed !== null) return this;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this);
    (copy as unknown as { drawSeed: number }).drawSeed = generatorFor().nextUint32();
    return copy;
  }
}

export interface RandomNormalOptions extends SeedOptions {
  mean?: number;
  stddev?: number;
}

/** keras.initializers.RandomNormal(mean = 0, stddev = 0.05). */
export class RandomNormal extends RandomInitializer {
  readonly className = "RandomNormal";
  readonly mean: number;
  readonly stddev: number;
  constructor(opts: RandomNormalOptions = {}) {
    super("RandomNormal", opts.seed);
    this.mean = opts.mean ?? 0;
    this.stddev = opts.stddev ?? 0.05;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return normal(checkShape(this.className, shape), this.mean, this.stddev, { dtype: floatDType(this.className, dtype), seed: this.drawSeed });
  }
  override getConfig(): Config {
    return { seed: this.seed, mean: this.mean, stddev: this.stddev };
  }
}

/** keras.initializers.TruncatedNormal(mean = 0, stddev = 0.05): redraws beyond two stddevs. */
export class TruncatedNormal extends RandomInitializer {
  readonly className = "TruncatedNormal";
  readonly mean: number;
  readonly stddev: number;
  constructor(opts: RandomNormalOptions = {}) {
    super("TruncatedNormal", opts.seed);
    this.mean = opts.mean ?? 0;
    this.stddev = opts.stddev ?? 0.05;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return truncatedNormal(checkShape(this.className, shape), this.mean, this.stddev, { dtype: floatDType(this.className, dtype), seed: this.drawSeed });
  }
  override getConfig(): Config {
    return { seed: this.seed, mean: this.mean, stddev: this.stddev };
  }
}

export interface RandomUniformOptions extends SeedOptions {
  minval?: number;
  maxval?: number;
}

/** keras.initializers.RandomUniform(minval = -0.05, maxval = 0.05). */
export class RandomUniform extends RandomInitializer {
  readonly className = "RandomUniform";
  readonly minval: number;
  readonly maxval: number;
  constructor(opts: RandomUniformOptions = {}) {
    super("RandomUniform", opts.seed);
    this.minval = opts.minval ?? -0.05;
    this.maxval = opts.maxval ?? 0.05;
    if (!(this.minval < this.maxval)) {
      throw new RangeError(`initializers.RandomUniform: minval ${this.minval} must be smaller than maxval ${this.maxval}`);
    }
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return uniform(checkShape(this.className, shape), this.minval, this.maxval, { dtype: floatDType(this.className, dtype), seed: this.drawSeed });
  }
  override getConfig(): Config {
    return { seed: this.seed, minval: this.minval, maxval: this.maxval };
  }
}

/** Keras 3.15's input_axes/output_axes: the weight's axes whose sizes multiply into fan_in and fan_out. */
export interface FanAxesOptions extends SeedOptions {
  /** Axes of the weight that count as inputs (fan_in is the product of their sizes); give outputAxes too. Default null: from the shape. */
  inputAxes?: readonly number[] | null;
  /** Axes of the weight that count as outputs (fan_out is the product of their sizes); give inputAxes too. Default null: from the shape. */
  outputAxes?: readonly number[] | null;
}

export type FanMode = "fan_in" | "fan_out" | "fan_avg";
export type VarianceDistribution = "truncated_normal" | "untruncated_normal" | "uniform";

export interface VarianceScalingOptions extends FanAxesOptions {
  /** Scaling factor (default 1), must be positive. */
  scale?: number;
  /** Which fan divides the scale (default "fan_in"). */
  mode?: FanMode;
  /** Default "truncated_normal"; "normal" is accepted as Keras' alias of it. */
  distribution?: VarianceDistribution | "normal";
}

/** The stddev of N(0, 1) truncated to [-2, 2]: Keras divides by it so the truncated stddev is sqrt(scale / fan). */
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * keras.initializers.VarianceScaling(scale = 1, mode = "fan_in", distribution = "truncated_normal"):
 * with s = scale / max(1, fan), a truncated normal of stddev sqrt(s) / 0.8796..., an untruncated
 * normal of stddev sqrt(s), or a uniform on [-sqrt(3 s), sqrt(3 s)].
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = "VarianceScaling";
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceDistribution;
  /** Keras 3.15's input_axes (null: fans from the shape). */
  readonly inputAxes: readonly number[] | null;
  /** Keras 3.15's output_axes (null: fans from the shape). */
  readonly outputAxes: readonly number[] | null;

  constructor(opts: VarianceScalingOptions = {}) {
    super("VarianceScaling", opts.seed);
    const axes = checkFanAxes("VarianceScaling", opts.inputAxes, opts.outputAxes);
    this.inputAxes = axes?.inputAxes ?? null;
    this.outputAxes = axes?.outputAxes ?? null;
    const scale = opts.scale ?? 1;
    if (!(scale > 0)) throw new RangeError(`initializers.VarianceScaling: scale must be a positive number, got ${valueText(scale)}`);
    const mode = opts.mode ?? "fan_in";
    const modes: readonly string[] = ["fan_in", "fan_out", "fan_avg"];
    if (!modes.includes(mode)) {
      throw new RangeError(`initializers.VarianceScaling: mode "${mode}" is not one of ${modes.map((m) => `"${m}"`).join(", ")}`);
    }
    let distribution = (opts.distribution ?? "truncated_normal").toLowerCase();
    if (distribution === "normal") distribution = "truncated_normal";
    const dists: readonly string[] = ["truncated_normal", "untruncated_normal", "uniform"];
    if (!dists.includes(distribution)) {
      throw new RangeError(
        `initializers.VarianceScaling: distribution "${opts.distribution}" is not one of ${dists.map((d) => `"${d}"`).join(", ")} (or "normal")`,
      );
    }
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution as VarianceDistribution;
  }

  /** The standard deviation (normal) or the limit (uniform) for a shape. */
  parameters(shape: Shape): { fanIn: number; fanOut: number; stddev: number; limit: number } {
    const axes = this.inputAxes === null ? null : { inputAxes: this.inputAxes, outputAxes: this.outputAxes! };
    const [fanIn, fanOut] = fansFor(this.className, shape, axes);
    const fan = this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, fan);
    const stddev = this.distribution === "truncated_normal" ? Math.sqrt(s) / TRUNCATED_STDDEV : Math.sqrt(s);
    return { fanIn, fanOut, stddev, limit: Math.sqrt(3 * s) };
  }

  call(shape: Shape, dtype: DType = floatx()): Tensor {
    const s = checkShape(this.className, shape);
    const d = floatDType(this.className, dtype);
    const { stddev, limit } = this.parameters(s);
    const opts = { dtype: d, seed: this.drawSeed };
    if (this.distribution === "truncated_normal") return truncatedNormal(s, 0, stddev, opts);
    if (this.distribution === "untruncated_normal") return normal(s, 0, stddev, opts);
    return uniform(s, -limit, limit, opts);
  }

  /**
   * A copy with these fan axes that draws with the same seed (so the same values up to the
   * scale): Keras 3.15's EinsumDense gives its kernel initializer the equation's axes this way,
   * leaving the layer's own initializer, and so its config, as the user gave it.
   */
  withFanAxes(inputAxes: readonly number[], outputAxes: readonly number[]): this {
    const axes = checkFanAxes(this.className, inputAxes, outputAxes)!;
    // Object.create keeps the class (GlorotUniform stays GlorotUniform) and Object.assign the drawn seed, which no constructor takes.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this);
    return Object.assign(copy, axes);
  }

  override getConfig(): Config {
    return { seed: this.seed, scale: this.scale, mode: this.mode, distribution: this.distribution, ...this.fanAxesConfig() };
  }

  /**
   * input_axes/output_axes when set. Keras 3.15 always writes them (null by default); lamina
   * writes them only when set, so that files stay loadable by Keras 3.5, whose initializers take
   * no such arguments (a file with axes set needs Keras 3.15 anyway).
   */
  protected fanAxesConfig(): Config {
    return this.inputAxes === null ? {} : { input_axes: [...this.inputAxes], output_axes: [...this.outputAxes!] };
  }
}

/** A VarianceScaling with fixed parameters (Glorot, He, LeCun): its config is the seed (and any fan axes). */
abstract class NamedVarianceScaling extends VarianceScaling {
  override getConfig(): Config {
    return { seed: this.seed, ...this.fanAxesConfig() };
  }
}

/** The VarianceScaling options of a preset, its fan axes checked under its own name. */
function presetOptions(kind: string, opts: FanAxesOptions, fixed: Pick<VarianceScalingOptions, "scale" | "mode" | "distribution">): VarianceScalingOptions {
  const axes = checkFanAxes(kind, opts.inputAxes, opts.outputAxes);
  return { ...fixed, seed: opts.seed, inputAxes: axes?.inputAxes ?? null, outputAxes: axes?.outputAxes ?? null };
}

/** keras.initializers.GlorotUniform: uniform, limit sqrt(6 / (fanIn + fanOut)). Keras' default kernel initializer. */
export class GlorotUniform extends NamedVarianceScaling {
  override readonly className = "GlorotUniform";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("GlorotUniform", opts, { scale: 1, mode: "fan_avg", distribution: "uniform" }));
  }
}

/** keras.initializers.GlorotNormal: truncated normal, stddev sqrt(2 / (fanIn + fanOut)) / 0.8796... */
export class GlorotNormal extends NamedVarianceScaling {
  override readonly className = "GlorotNormal";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("GlorotNormal", opts, { scale: 1, mode: "fan_avg", distribution: "truncated_normal" }));
  }
}

/** keras.initializers.HeNormal: truncated normal, stddev sqrt(2 / fanIn) / 0.8796... */
export class HeNormal extends NamedVarianceScaling {
  override readonly className = "HeNormal";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("HeNormal", opts, { scale: 2, mode: "fan_in", distribution: "truncated_normal" }));
  }
}

/** keras.initializers.HeUniform: uniform, limit sqrt(6 / fanIn). */
export class HeUniform extends NamedVarianceScaling {
  override readonly className = "HeUniform";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("HeUniform", opts, { scale: 2, mode: "fan_in", distribution: "uniform" }));
  }
}

/** keras.initializers.LecunNormal: truncated normal, stddev sqrt(1 / fanIn) / 0.8796... */
export class LecunNormal extends NamedVarianceScaling {
  override readonly className = "LecunNormal";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("LecunNormal", opts, { scale: 1, mode: "fan_in", distribution: "truncated_normal" }));
  }
}

/** keras.initializers.LecunUniform: uniform, limit sqrt(3 / fanIn). */
export class LecunUniform extends NamedVarianceScaling {
  override readonly className = "LecunUniform";
  constructor(opts: FanAxesOptions = {}) {
    super(presetOptions("LecunUniform", opts, { scale: 1, mode: "fan_in", distribution: "uniform" }));
  }
}

export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix (default 1). */
  gain?: number;
}

/**
 * Q of the QR decomposition of a [m, n] matrix (m >= n), with R's diagonal positive (what Keras
 * gets from its QR by multiplying Q's columns by sign(diag(R))): Gram-Schmidt with a second
 * orthogonalization pass, in float64.
 */
function orthonormalColumns(a: Tensor): Tensor {
  const [m, n] = a.shape;
  let q: Tensor | null = null;
  for (let j = 0; j < n; j++) {
    let v = slice(a, [0, j], [m, 1]);
    if (q !== null) {
      for (let pass = 0; pass < 2; pass++) v = sub(v, matmul(q, matmul(q, v, true)));
    }
    const norm = sqrt(sum(mul(v, v)));
    if (!(norm.item() > 0)) {
      throw new RangeError(`initializers.Orthogonal: the random matrix ${shapeText(a.shape)} is rank-deficient at column ${j}; use another seed`);
    }
    v = div(v, norm);
    q = q === null ? v : concat([q, v], 1);
  }
  return q ?? a;
}

/**
 * keras.initializers.Orthogonal(gain = 1): the shape is viewed as [prod(shape[:-1]), shape[-1]];
 * a matrix of N(0, 1) values is drawn with the larger of the two sizes as rows, orthonormalized
 * (QR with sign(diag(R)) folded in), transposed if there are fewer rows than columns, scaled by
 * gain and reshaped back. Rows or columns (whichever are fewer) are orthonormal.
 */
export class Orthogonal extends RandomInitializer {
  /** Keras 3 writes this class name (it reads "Orthogonal" too). */
  readonly className = "OrthogonalInitializer";
  readonly gain: number;
  constructor(opts: OrthogonalOptions = {}) {
    super("Orthogonal", opts.seed);
    this.gain = opts.gain ?? 1;
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    const s = checkShape(this.className, shape);
    const d = floatDType(this.className, dtype);
    if (s.length < 2) {
      throw new RangeError(`initializers.Orthogonal: the shape must have at least 2 axes, got ${shapeText(s)}; use "random_normal" for vectors`);
    }
    const rows = sizeOf(s.slice(0, -1));
    const cols = s[s.length - 1];
    if (rows * cols === 0) return zeros(s, d);
    const flat = [Math.max(rows, cols), Math.min(rows, cols)];
    const a = normal(flat, 0, 1, { dtype: d, seed: this.drawSeed });
    return noGrad(() => {
      let q = orthonormalColumns(cast(a, "float64"));
      if (rows < cols) q = transpose(q);
      if (this.gain !== 1) q = mul(q, this.gain);
      return cast(reshape(q, s), d);
    });
  }
  override getConfig(): Config {
    return { seed: this.seed, gain: this.gain };
  }
}

// ---------------------------------------------------------------- get

/** A function used as an initializer (Keras accepts any callable `(shape, dtype) => tensor`). */
export type InitializerFunction = (shape: Shape, dtype?: DType) => Tensor;

/** What initializers.get() accepts: a Keras name, `{ className, config }`, an Initializer, a function or a tensor. */
export type InitializerIdentifier = string | SerializedObject | Initializer | InitializerFunction | Tensor;

/** Wraps a function or a fixed tensor as an Initializer. */
class FunctionInitializer extends Initializer {
  readonly className = "function";
  constructor(private readonly fn: InitializerFunction) {
    super();
  }
  call(shape: Shape, dtype: DType = floatx()): Tensor {
    return this.fn(shape, dtype);
  }
}

type Factory = (config: Config) => Initializer;

function seedOf(kind: string, c: Config): number | null | undefined {
  return configNumber(`initializers.${kind}`, c, "seed");
}

function factory(kind: string, keys: readonly string[], make: (c: Config) => Initializer): Factory {
  return (c) => {
    checkConfigKeys(`initializers.${kind}`, c, keys);
    return make(c);
  };
}

/** Keras 3.15's input_axes/output_axes in a VarianceScaling (or preset) config: null or missing (Keras 3.5) for fans from the shape. */
function fanAxesOf(kind: string, c: Config): Pick<FanAxesOptions, "inputAxes" | "outputAxes"> {
  const list = (key: string): readonly number[] | null => {
    const v = c[key];
    if (v === undefined || v === null) return null;
    if (!axisListOk(v)) throw new TypeError(`initializers.${kind}: config key "${key}" must be a list of integer axes or null, got ${valueText(v)}`);
    return v;
  };
  return { inputAxes: list("input_axes"), outputAxes: list("output_axes") };
}

/** GlorotUniform and the other VarianceScaling presets: a seed and Keras 3.15's fan axes. */
const fanNamed = (kind: string, Cls: new (o: FanAxesOptions) => Initializer): Factory =>
  factory(kind, ["seed", "input_axes", "output_axes"], (c) => new Cls({ seed: seedOf(kind, c), ...fanAxesOf(kind, c) }));

const FACTORIES: Record<string, Factory> = {
  Zeros: factory("Zeros", [], () => new Zeros()),
  Ones: factory("Ones", [], () => new Ones()),
  Constant: factory("Constant", ["value"], (c) => new Constant({ value: configNumber("initializers.Constant", c, "value") })),
  Identity: factory("Identity", ["gain"], (c) => new Identity({ gain: configNumber("initializers.Identity", c, "gain") })),
  RandomNormal: factory("RandomNormal", ["seed", "mean", "stddev"], (c) => new RandomNormal({
    seed: seedOf("RandomNormal", c), mean: configNumber("initializers.RandomNormal", c, "mean"), stddev: configNumber("initializers.RandomNormal", c, "stddev"),
  })),
  TruncatedNormal: factory("TruncatedNormal", ["seed", "mean", "stddev"], (c) => new TruncatedNormal({
    seed: seedOf("TruncatedNormal", c), mean: configNumber("initializers.TruncatedNormal", c, "mean"), stddev: configNumber("initializers.TruncatedNormal", c, "stddev"),
  })),
  RandomUniform: factory("RandomUniform", ["seed", "minval", "maxval"], (c) => new RandomUniform({
    seed: seedOf("RandomUniform", c), minval: configNumber("initializers.RandomUniform", c, "minval"), maxval: configNumber("initializers.RandomUniform", c, "maxval"),
  })),
  VarianceScaling: factory("VarianceScaling", ["seed", "scale", "mode", "distribution", "input_axes", "output_axes"], (c) => {
    const k = "initializers.VarianceScaling";
    return new VarianceScaling({
      seed: seedOf("VarianceScaling", c), scale: configNumber(k, c, "scale"), ...fanAxesOf("VarianceScaling", c),
      mode: configString(k, c, "mode") as FanMode | undefined,
      distribution: configString(k, c, "distribution") as VarianceDistribution | undefined,
    });
  }),
  GlorotUniform: fanNamed("GlorotUniform", GlorotUniform),
  GlorotNormal: fanNamed("GlorotNormal", GlorotNormal),
  HeNormal: fanNamed("HeNormal", HeNormal),
  HeUniform: fanNamed("HeUniform", HeUniform),
  LecunNormal: fanNamed("LecunNormal", LecunNormal),
  LecunUniform: fanNamed("LecunUniform", LecunUniform),
  STFT: factory("STFT", ["side", "window", "scaling", "periodic"], (c) => new STFT({
    side: c.side as "real" | "imag" | undefined, window: c.window as STFTOptions["window"], scaling: c.scaling as STFTOptions["scaling"], periodic: c.periodic as boolean | undefined,
  })),
  Orthogonal: factory("Orthogonal", ["seed", "gain"], (c) => new Orthogonal({ seed: seedOf("Orthogonal", c), gain: configNumber("initializers.Orthogonal", c, "gain") })),
};

/** Keras' names: the class names, their snake_case forms, and Keras' aliases. */
const NAMES: Record<string, string> = {
  zeros: "Zeros", zero: "Zeros", ones: "Ones", one: "Ones", constant: "Constant",
  identity: "Identity", IdentityInitializer: "Identity",
  random_normal: "RandomNormal", normal: "RandomNormal", truncated_normal: "TruncatedNormal",
  random_uniform: "RandomUniform", uniform: "RandomUniform", variance_scaling: "VarianceScaling",
  glorot_uniform: "GlorotUniform", glorot_normal: "GlorotNormal", he_normal: "HeNormal", he_uniform: "HeUniform",
  lecun_normal: "LecunNormal", lecun_uniform: "LecunUniform", orthogonal: "Orthogonal", OrthogonalInitializer: "Orthogonal",
  orthogonal_initializer: "Orthogonal", identity_initializer: "Identity", stft: "STFT", STFTInitializer: "STFT",
};
for (const k of Object.keys(FACTORIES)) NAMES[k] = k;

/** Every string initializers.get() understands. */
export const INITIALIZER_NAMES: readonly string[] = Object.keys(NAMES);

/** An initializer from its config, as keras.initializers.deserialize. */
export function deserialize(obj: SerializedObject): Initializer {
  const cls = serializedClassName(obj) ?? "";
  const key = NAMES[cls];
  if (key === undefined) throw unknownIdentifier("initializers", "initializer", cls, INITIALIZER_NAMES);
  return FACTORIES[key](obj.config ?? {});
}

/**
 * keras.initializers.get: "he_normal" or "HeNormal" (a new instance with default arguments),
 * `{ className: "HeNormal", config: { seed: 1 } }`, an Initializer (returned as is), a function
 * `(shape, dtype) => Tensor`, or a tensor (used as the value, its shape must match).
 */
export function get(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === "string") return deserialize({ className: identifier });
  if (identifier instanceof Tensor) {
    const t = identifier;
    return new FunctionInitializer((shape, dtype = floatx()) => {
      if (shape.length !== t.rank || shape.some((d, i) => d !== t.shape[i])) {
        throw new RangeError(`initializers.get: a tensor used as initializer has shape ${shapeText(t.shape)} but the weight needs ${shapeText(shape)}`);
      }
      return cast(t, dtype);
    });
  }
  if (typeof identifier === "function") return new FunctionInitializer(identifier);
  if (isSerializedObject(identifier)) return deserialize(identifier);
  throw new TypeError(
    `initializers.get: cannot interpret ${JSON.stringify(identifier)} as an initializer; pass a name such as "glorot_uniform", ` +
      `{ className, config }, an Initializer, or a function (shape, dtype) => Tensor`,
  );
}

/**
 * An initializer argument as Keras clones it for each sublayer (from_config of its config): an
 * unseeded random initializer gets a copy with its own draws (RandomInitializer.cloneFromConfig);
 * anything else (a name, a seeded or deterministic initializer) is returned as it is.
 */
export function cloneInitializer<T>(arg: T): T {
  return arg instanceof RandomInitializer ? (arg.cloneFromConfig() as T) : arg;
}

/** keras.initializers.serialize. */
export function serialize(init: Initializer): { className: string; config: Config } {
  return init.serialize();
}
