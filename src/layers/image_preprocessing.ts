/**
 * Keras 3's image preprocessing and augmentation layers (channels_last): Resizing, CenterCrop and
 * the random augmentations. Random layers act only when called with `training: true` (inside
 * `fit`); otherwise they return their input (cast to the layer's dtype, as Keras does). Each image
 * of a batch draws its own parameters, from the layer's own generator when it has a seed, else
 * from the global one, so `tf.random.setSeed(n)` makes runs repeat.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { RandomGenerator, generatorFor } from "../tensor/random.js";
import { add, cast, clipByValue, mul, sub, where } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { concat, reshape, slice } from "../ops/shape.js";
import { flipLeftRight, flipUpDown, resize, transform, type ResizeMethod } from "../ops/image.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";

// ---------------------------------------------------------------- shared helpers

/** Checks an [h, w, c] or [n, h, w, c] shape, naming the layer. */
function checkImageShape(layer: Layer, shape: LayerShape): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new RangeError(
      `${layer.className} ${layer.name}: expects images of rank 3 (height, width, channels) or 4 (batch, height, width, channels), ` +
        `got shape ${layerShapeText(shape)}`,
    );
  }
}

/** The layer's input in its dtype, as a batch, with a function that restores the input's rank. */
function asBatch(layer: Layer, inputs: Tensor | Tensor[]): { x: Tensor; unbatch: (t: Tensor) => Tensor } {
  const input = single(inputs, layer);
  checkImageShape(layer, input.shape);
  const typed = input.dtype === layer.dtype ? input : cast(input, layer.dtype);
  if (typed.rank === 4) return { x: typed, unbatch: (t) => t };
  return { x: reshape(typed, [1, ...typed.shape]), unbatch: (t) => reshape(t, t.shape.slice(1)) };
}

function checkSize(layer: Layer, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${layer.className} ${layer.name}: ${what} must be a positive integer (pixels), got ${valueText(v)}; e.g. layers.${layer.className}(224, 224)`);
  }
  return v;
}

function checkSeed(layer: Layer, seed: unknown): number | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new TypeError(`${layer.className} ${layer.name}: seed must be an integer or null, got ${valueText(seed)}`);
  }
  return seed;
}

/** [height, width] with the spatial axes of an image shape replaced. */
function withSpatial(shape: LayerShape, h: number, w: number): LayerShape {
  const out = [...shape];
  out[out.length - 3] = h;
  out[out.length - 2] = w;
  return out;
}

/**
 * Keras' smart_resize / crop_to_aspect_ratio: the largest centered window of the target's aspect
 * ratio, then a resize to [height, width].
 */
function cropToAspect(x: Tensor, height: number, width: number): Tensor {
  const [, h, w, c] = x.shape;
  const cropH = Math.max(Math.min(h, Math.trunc((w * height) / width)), 1);
  const cropW = Math.max(Math.min(w, Math.trunc((h * width) / height)), 1);
  const top = Math.trunc((h - cropH) / 2), left = Math.trunc((w - cropW) / 2);
  return cropH === h && cropW === w ? x : slice(x, [0, top, left, 0], [x.shape[0], cropH, cropW, c]);
}

/** Layers drawing random numbers: their own generator when seeded, otherwise the global one. */
abstract class RandomImageLayer extends Layer {
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  constructor(args: LayerArgs & { seed?: number | null }) {
    super(args);
    this.seed = checkSeed(this, args.seed);
    this.generator = this.seed === null ? null : new RandomGenerator(this.seed);
  }

  /** The generator for this call's draws. */
  protected rng(): RandomGenerator {
    return this.generator ?? generatorFor();
  }

  /** n uniform draws in [lo, hi). */
  protected uniforms(n: number, lo: number, hi: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => lo + (hi - lo) * g.nextDouble());
  }
}

/** A [n, 1, 1, 1] bool mask from per-image flags, for tf.where. */
function imageMask(flags: boolean[]): Tensor {
  return constant(flags, [flags.length, 1, 1, 1], "bool");
}

// ---------------------------------------------------------------- Resizing, CenterCrop

export interface ResizingArgs extends LayerArgs {
  height?: number;
  width?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: ResizeMethod;
  /** Crop the largest centered window of the target aspect ratio before resizing (no distortion). Default false. */
  cropToAspectRatio?: boolean;
}

/** Resizes [h, w, c] or [n, h, w, c] images to [height, width] with tf.image.resize. */
export class Resizing extends Layer {
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeMethod;
  readonly cropToAspectRatio: boolean;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
    const interpolation = args.interpolation ?? "bilinear";
    if (interpolation !== "bilinear" && interpolation !== "nearest") {
      throw new RangeError(
        `Resizing ${this.name}: interpolation ${valueText(interpolation)} is not supported; use "bilinear" or "nearest" ` +
          `(Keras' "bicubic", "lanczos3" and "lanczos5" are not implemented)`,
      );
    }
    this.interpolation = interpolation;
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    const src = this.cropToAspectRatio ? cropToAspect(x, this.height, this.width) : x;
    return unbatch(resize(src, [this.height, this.width], { method: this.interpolation }));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return withSpatial(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio, pad_to_aspect_ratio: false, fill_mode: "constant", fill_value: 0.0,
      data_format: "channels_last",
    };
  }
}

export interface CenterCropArgs extends LayerArgs {
  height?: number;
  width?: number;
}

/**
 * Crops the central [height, width] window (the extra pixel of an odd difference on the bottom/right,
 * as Keras' int(diff / 2) start). An image smaller than the target along either axis is instead
 * cropped to the target's aspect ratio and resized (Keras' smart_resize).
 */
export class CenterCrop extends Layer {
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    const [n, h, w, c] = x.shape;
    const dh = h - this.height, dw = w - this.width;
    if (dh >= 0 && dw >= 0) {
      return unbatch(slice(x, [0, Math.trunc(dh / 2), Math.trunc(dw / 2), 0], [n, this.height, this.width, c]));
    }
    return unbatch(resize(cropToAspect(x, this.height, this.width), [this.height, this.width]));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return withSpatial(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, data_format: "channels_last" };
  }
}

// ---------------------------------------------------------------- RandomFlip

export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";
const FLIP_MODES: readonly string[] = ["horizontal", "vertical", "horizontal_and_vertical"];

export interface RandomFlipArgs extends LayerArgs {
  /** "horizontal" (left-right), "vertical" (top-bottom) or "horizontal_and_vertical" (default). */
  mode?: FlipMode;
  seed?: number | null;
}

/** In training, flips each image left-right and/or top-bottom, each with probability 1/2. */
export class RandomFlip extends RandomImageLayer {
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    const mode = args.mode ?? "horizontal_and_vertical";
    if (!FLIP_MODES.includes(mode)) {
      throw new RangeError(`RandomFlip ${this.name}: mode ${valueText(mode)} is not supported; use "horizontal", "vertical" or "horizontal_and_vertical"`);
    }
    this.mode = mode;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    if (!opts.training) return unbatch(x);
    const n = x.shape[0];
    let out = x;
    // As Keras: a uniform draw per image, flipped when it is <= 0.5; horizontal first.
    if (this.mode !== "vertical") out = where(imageMask(this.uniforms(n, 0, 1).map((u) => u <= 0.5)), flipLeftRight(out), out);
    if (this.mode !== "horizontal") out = where(imageMask(this.uniforms(n, 0, 1).map((u) => u <= 0.5)), flipUpDown(out), out);
    return unbatch(out);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed, mode: this.mode };
  }
}

// ---------------------------------------------------------------- RandomTranslation, RandomRotation, RandomZoom

/** A factor as Keras takes it: a number f (the range [-|f|, |f|]) or a pair [lower, upper], all in [-1, 1]. */
export type FactorArg = number | readonly [number, number];

/** Keras' _set_factor: [lower, upper] from a number or a pair, each within [-1, 1]. */
function parseFactor(layer: Layer, what: string, factor: unknown, example: string): [number, number] {
  const fail = (): never => {
    throw new RangeError(
      `${layer.className} ${layer.name}: ${what} must be a number in [-1, 1] (the range [-f, f]) or a pair [lower, upper] of numbers in [-1, 1], ` +
        `got ${valueText(factor)}; e.g. ${example}`,
    );
  };
  const ok = (v: unknown): v is number => typeof v === "number" && v >= -1 && v <= 1;
  if (ok(factor)) return [-Math.abs(factor), Math.abs(factor)];
  if (Array.isArray(factor) && factor.length === 2 && ok(factor[0]) && ok(factor[1])) {
    return [Math.min(factor[0], factor[1]), Math.max(factor[0], factor[1])];
  }
  return fail();
}

export type FillMode = "reflect" | "wrap" | "constant" | "nearest";
export type TransformInterpolation = "nearest" | "bilinear";

export interface TransformLayerArgs extends LayerArgs {
  /** Points outside the image: "reflect" (default), "wrap", "constant" (fillValue) or "nearest". */
  fillMode?: FillMode;
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  seed?: number | null;
  /** The value outside the image with fillMode "constant". Default 0. */
  fillValue?: number;
}

/** The random layers built on tf.image.transform: one transform row per image, drawn in training. */
abstract class RandomTransformLayer extends RandomImageLayer {
  readonly fillMode: FillMode;
  readonly interpolation: TransformInterpolation;
  readonly fillValue: number;

  constructor(args: TransformLayerArgs) {
    super(args);
    const fillMode = args.fillMode ?? "reflect";
    if (!["reflect", "wrap", "constant", "nearest"].includes(fillMode)) {
      throw new RangeError(`${this.className} ${this.name}: fillMode ${valueText(fillMode)} is not supported; use "reflect", "wrap", "constant" or "nearest"`);
    }
    const interpolation = args.interpolation ?? "bilinear";
    if (interpolation !== "bilinear" && interpolation !== "nearest") {
      throw new RangeError(`${this.className} ${this.name}: interpolation ${valueText(interpolation)} is not supported; use "bilinear" or "nearest"`);
    }
    const fillValue = args.fillValue ?? 0;
    if (typeof fillValue !== "number" || !Number.isFinite(fillValue)) {
      throw new TypeError(`${this.className} ${this.name}: fillValue must be a finite number, got ${valueText(fillValue)}`);
    }
    this.fillMode = fillMode;
    this.interpolation = interpolation;
    this.fillValue = fillValue;
  }

  /** One transform row [a0, a1, a2, b0, b1, b2, c0, c1] per image of an [n, h, w, c] batch. */
  protected abstract transformRows(n: number, height: number, width: number): number[][];

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    if (!opts.training) return unbatch(x);
    const [n, h, w] = x.shape;
    const rows = this.transformRows(n, h, w);
    const transforms = constant(rows.flat(), [n, 8], "float64");
    return unbatch(transform(x, transforms, { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue }));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, seed: this.seed, fill_value: this.fillValue,
      data_format: "channels_last",
    };
  }
}

export interface RandomTranslationArgs extends TransformLayerArgs {
  /** Vertical shift as a fraction of the height: f for [-f, f], or [lower, upper]; positive moves the image down. */
  heightFactor?: FactorArg;
  /** Horizontal shift as a fraction of the width; positive moves the image right. */
  widthFactor?: FactorArg;
}

/** In training, shifts each image by a random fraction of its height and width (Keras' matrix [1, 0, -dx, 0, 1, -dy]). */
export class RandomTranslation extends RandomTransformLayer {
  readonly heightFactor: FactorArg;
  readonly widthFactor: FactorArg;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightRange = parseFactor(this, "heightFactor", args.heightFactor, "layers.RandomTranslation(0.1, 0.1) or layers.RandomTranslation([-0.2, 0.3], 0.1)");
    this.widthRange = parseFactor(this, "widthFactor", args.widthFactor, "layers.RandomTranslation(0.1, 0.1) or layers.RandomTranslation(0.1, [-0.2, 0.3])");
    this.heightFactor = copyFactor(args.heightFactor as FactorArg);
    this.widthFactor = copyFactor(args.widthFactor as FactorArg);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    // As Keras: all the heights are drawn, then all the widths.
    const dy = this.uniforms(n, ...this.heightRange).map((f) => f * height);
    const dx = this.uniforms(n, ...this.widthRange).map((f) => f * width);
    return dx.map((tx, i) => [1, 0, -tx, 0, 1, -dy[i], 0, 0]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: factorJson(this.heightFactor), width_factor: factorJson(this.widthFactor) };
  }
}

export interface RandomRotationArgs extends TransformLayerArgs {
  /** Rotation as a fraction of a full turn (2 pi): f for [-f, f], or [lower, upper]; positive turns counter-clockwise. */
  factor?: FactorArg;
  /** Kept for Keras' config (value_range); unused by the rotation. Default [0, 255]. */
  valueRange?: readonly [number, number];
}

/** In training, rotates each image about its center by a random angle (Keras' rotation matrix). */
export class RandomRotation extends RandomTransformLayer {
  /** [lower, upper] as a fraction of 2 pi. */
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = parseFactor(this, "factor", args.factor, "layers.RandomRotation(0.1) (up to 36 degrees either way) or layers.RandomRotation([-0.1, 0.25])");
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    const [lo, hi] = this.factor;
    return this.uniforms(n, lo * 2 * Math.PI, hi * 2 * Math.PI).map((angle) => {
      const c = Math.cos(angle), s = Math.sin(angle);
      const xOffset = (width - 1 - (c * (width - 1) - s * (height - 1))) / 2;
      const yOffset = (height - 1 - (s * (width - 1) + c * (height - 1))) / 2;
      return [c, -s, xOffset, s, c, yOffset, 0, 0];
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], value_range: [...this.valueRange] };
  }
}

export interface RandomZoomArgs extends TransformLayerArgs {
  /**
   * Zoom as a fraction: f for [-f, f], or [lower, upper]; the image's sampling step is 1 + factor,
   * so a positive factor zooms out (the content shrinks) and a negative one zooms in.
   */
  heightFactor?: FactorArg;
  /** The same for the width; null or omitted keeps the aspect ratio (the height's zoom is used). */
  widthFactor?: FactorArg | null;
}

/** In training, zooms each image about its center by a random factor per axis (Keras' zoom matrix). */
export class RandomZoom extends RandomTransformLayer {
  readonly heightFactor: FactorArg;
  readonly widthFactor: FactorArg | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightRange = parseFactor(this, "heightFactor", args.heightFactor, "layers.RandomZoom(0.2) or layers.RandomZoom([-0.3, 0.1])");
    this.heightFactor = copyFactor(args.heightFactor as FactorArg);
    const wf = args.widthFactor ?? null;
    this.widthRange = wf === null ? null : parseFactor(this, "widthFactor", wf, "layers.RandomZoom(0.2, 0.1), or null to keep the aspect ratio");
    this.widthFactor = wf === null ? null : copyFactor(wf);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    const zy = this.uniforms(n, 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const zx = this.widthRange === null ? zy : this.uniforms(n, 1 + this.widthRange[0], 1 + this.widthRange[1]);
    return zx.map((sx, i) => [sx, 0, ((width - 1) / 2) * (1 - sx), 0, zy[i], ((height - 1) / 2) * (1 - zy[i]), 0, 0]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height_factor: factorJson(this.heightFactor),
      width_factor: this.widthFactor === null ? null : factorJson(this.widthFactor),
    };
  }
}

function copyFactor(f: FactorArg): FactorArg {
  return typeof f === "number" ? f : [f[0], f[1]];
}
function factorJson(f: FactorArg): number | number[] {
  return typeof f === "number" ? f : [f[0], f[1]];
}

/** Keras' _set_value_range: a pair of numbers, sorted. */
function parseValueRange(layer: Layer, v: unknown): [number, number] {
  const range = v ?? [0, 255];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((r) => typeof r === "number" && Number.isFinite(r))) {
    throw new RangeError(`${layer.className} ${layer.name}: valueRange must be a pair [low, high] of numbers (the images' pixel range), got ${valueText(v)}; e.g. [0, 255] or [0, 1]`);
  }
  return [Math.min(range[0], range[1]), Math.max(range[0], range[1])];
}

// ---------------------------------------------------------------- RandomCrop, RandomContrast, RandomBrightness

export interface RandomCropArgs extends LayerArgs {
  height?: number;
  width?: number;
  seed?: number | null;
}

/**
 * In training, crops a random [height, width] window from each image (its own offset per image).
 * In inference, or when an image is smaller than the target, it crops the largest centered window
 * of the target's aspect ratio and resizes it to [height, width] (Keras' smart_resize).
 */
export class RandomCrop extends RandomImageLayer {
  readonly height: number;
  readonly width: number;

  constructor(args: RandomCropArgs) {
    super(args);
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    const [n, h, w, c] = x.shape;
    const dh = h - this.height, dw = w - this.width;
    if (!opts.training || dh < 0 || dw < 0) return unbatch(resize(cropToAspect(x, this.height, this.width), [this.height, this.width]));
    const g = this.rng();
    const crops: Tensor[] = [];
    for (let b = 0; b < n; b++) {
      const top = Math.floor(g.nextDouble() * (dh + 1)), left = Math.floor(g.nextDouble() * (dw + 1));
      crops.push(slice(x, [b, top, left, 0], [1, this.height, this.width, c]));
    }
    return unbatch(crops.length === 1 ? crops[0] : concat(crops, 0));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return withSpatial(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed, data_format: "channels_last" };
  }
}

export interface RandomContrastArgs extends LayerArgs {
  /** f for contrast factors in [1 - f, 1 + f], or [lower, upper] for [1 - lower, 1 + upper]; lower in [0, 1], upper >= 0. */
  factor?: number | readonly [number, number];
  seed?: number | null;
}

/**
 * In training, scales each image's deviation from its per-channel mean by a random factor, then
 * clips to [0, 255]: (x - mean) * f + mean, as Keras' RandomContrast (one factor per image).
 */
export class RandomContrast extends RandomImageLayer {
  readonly factor: number | readonly [number, number];
  readonly lower: number;
  readonly upper: number;

  constructor(args: RandomContrastArgs) {
    super(args);
    const f = args.factor;
    const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
    const pair = Array.isArray(f) && f.length === 2 && isNum(f[0]) && isNum(f[1]);
    if (!(isNum(f) || pair)) {
      throw new RangeError(`RandomContrast ${this.name}: factor must be a number or a pair [lower, upper], got ${valueText(f)}; e.g. layers.RandomContrast(0.2)`);
    }
    const [lower, upper] = isNum(f) ? [f, f] : [(f as readonly number[])[0], (f as readonly number[])[1]];
    if (lower < 0 || upper < 0 || lower > 1) {
      throw new RangeError(`RandomContrast ${this.name}: factor cannot have negative values or a lower value above 1, got ${valueText(f)}; e.g. layers.RandomContrast(0.2) or [0.1, 0.5]`);
    }
    this.factor = isNum(f) ? f : [lower, upper];
    this.lower = lower;
    this.upper = upper;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    if (!opts.training) return unbatch(x);
    const n = x.shape[0];
    const f = this.uniforms(n, 1 - this.lower, 1 + this.upper);
    const factors = constant(f, [n, 1, 1, 1], x.dtype);
    const m = mean(x, [1, 2], true);
    return unbatch(clipByValue(add(mul(sub(x, m), factors), m), 0, 255));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: factorJson(this.factor as FactorArg), seed: this.seed };
  }
}

export interface RandomBrightnessArgs extends LayerArgs {
  /** Brightness change as a fraction of the value range: f for [-f, f], or [lower, upper], each in [-1, 1]. */
  factor?: FactorArg;
  /** The images' pixel range [low, high]; results are clipped to it. Default [0, 255]. */
  valueRange?: readonly [number, number];
  seed?: number | null;
}

/** In training, adds a random delta (factor * (high - low)) to each image, then clips to valueRange. */
export class RandomBrightness extends RandomImageLayer {
  /** [lower, upper]. */
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomBrightnessArgs) {
    super(args);
    this.factor = parseFactor(this, "factor", args.factor, "layers.RandomBrightness(0.2) or layers.RandomBrightness([-0.2, 0.4])");
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs);
    if (!opts.training) return unbatch(x);
    const n = x.shape[0];
    const [lo, hi] = this.valueRange;
    const d = this.uniforms(n, this.factor[0], this.factor[1]).map((v) => v * (hi - lo));
    const deltas = constant(d, [n, 1, 1, 1], x.dtype);
    return unbatch(clipByValue(add(x, deltas), lo, hi));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], value_range: [...this.valueRange], seed: this.seed };
  }
}
