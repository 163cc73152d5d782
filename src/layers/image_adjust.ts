import type { SeedGenerator } from "../tensor/random.js";
/** Keras 3's RandomCrop, RandomContrast and RandomBrightness. */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { add, clipByValue, mul, sub } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { slice } from "../ops/shape.js";
import { resize } from "../ops/image.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { checkImageShape, asBatch, checkSize, withSpatial, cropToAspect, RandomImageLayer, RANDOM_IMAGE_OPTIONS, SIZE_OPTIONS, parseFactor, factorJson, parseValueRange } from "./image_layer_common.js";
import type { FactorArg } from "./image_layer_common.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

// ---------------------------------------------------------------- RandomCrop, RandomContrast, RandomBrightness

export interface RandomCropArgs extends DataFormatArgs {
  height?: number;
  width?: number;
  seed?: number | SeedGenerator | null;
}

/**
 * In training, crops a random [height, width] window, at one offset for the whole batch as Keras 3.5
 * does (the top, then the left, each floor(uniform(0, diff + 1))). In inference, or when the images
 * are smaller than the target, it crops the largest centered window of the target's aspect ratio and
 * resizes it to [height, width] (Keras' smart_resize).
 */
export class RandomCrop extends RandomImageLayer {
  static readonly options = layerOptions<RandomCropArgs>({ ...SIZE_OPTIONS, ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS });
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(args: RandomCropArgs) {
    super(args);
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
    this.dataFormat = checkDataFormat(`RandomCrop ${this.name}`, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    const [n, h, w, c] = x.shape;
    const dh = h - this.height, dw = w - this.width;
    if (!opts.training || dh < 0 || dw < 0) return unbatch(resize(cropToAspect(x, this.height, this.width), [this.height, this.width]));
    const [top] = this.uniforms(1, 0, dh + 1), [left] = this.uniforms(1, 0, dw + 1);
    const offset = (v: number, max: number): number => Math.min(max, Math.floor(v));
    return unbatch(slice(x, [0, offset(top, dh), offset(left, dw), 0], [n, this.height, this.width, c]));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return withSpatial(inputShape, this.height, this.width, this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed, data_format: this.dataFormat };
  }
}

export interface RandomContrastArgs extends LayerArgs {
  /** f for contrast factors in [1 - f, 1 + f], or [lower, upper] for [1 - lower, 1 + upper]; lower in [0, 1], upper >= 0. */
  factor?: number | readonly [number, number];
  seed?: number | SeedGenerator | null;
}

/**
 * In training, scales each image's deviation from its per-channel mean by a random factor f in
 * [1 - lower, 1 + upper), then clips to [0, 255]: (x - mean) * f + mean. As Keras 3.5's
 * RandomContrast, one f is drawn per call and shared by every image and channel of the batch.
 */
export class RandomContrast extends RandomImageLayer {
  static readonly options = layerOptions<RandomContrastArgs>({ factor: true, ...RANDOM_IMAGE_OPTIONS });
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
    const [f] = this.uniforms(1, 1 - this.lower, 1 + this.upper);
    return unbatch(adjustContrast(x, constant(f, [], x.dtype), [0, 255]));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: factorJson(this.factor as FactorArg), seed: this.seed };
  }
}

/**
 * RandomContrast's adjustment of an NHWC batch: (x - mean) * factor + mean, the mean taken per
 * image and channel, clipped to [low, high]. `factor` is a scalar (Keras 3.5's one factor per
 * call) or [n, 1, 1, 1] (Keras 3.15.1's one per image, which RandomColorJitter uses).
 */
export function adjustContrast(x: Tensor, factor: Tensor, [low, high]: readonly [number, number]): Tensor {
  const m = mean(x, [1, 2], true);
  return clipByValue(add(mul(sub(x, m), factor), m), low, high);
}

export interface RandomBrightnessArgs extends LayerArgs {
  /** Brightness change as a fraction of the value range: f for [-f, f], or [lower, upper], each in [-1, 1]. */
  factor?: FactorArg;
  /** The images' pixel range [low, high]; results are clipped to it. Default [0, 255]. */
  valueRange?: readonly [number, number];
  seed?: number | SeedGenerator | null;
}

/** In training, adds a random delta (factor * (high - low)) to each image, then clips to valueRange. */
export class RandomBrightness extends RandomImageLayer {
  static readonly options = layerOptions<RandomBrightnessArgs>({ factor: true, valueRange: true, ...RANDOM_IMAGE_OPTIONS });
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
