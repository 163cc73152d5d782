/**
 * What Keras 3's colour and intensity preprocessing layers (3.6 to 3.10; semantics of Keras 3.15.1)
 * share: the { images, labels } call form (labels pass through), the value range checks and
 * conversion (_transform_value_range), and two bases: ColorImageLayer (random, seeded, identity in
 * inference) and FixedImageLayer (no random draws).
 */
import { Tensor } from "../tensor/tensor.js";
import type { SeedGenerator } from "../tensor/random.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { add, div, mul, sub } from "../ops/math.js";
import { Layer, type CallOptions, type LayerArgs, type LayerInput, type LayerShape } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { asBatch, boundedFactor, checkImageShape, RandomImageLayer, RANDOM_IMAGE_OPTIONS } from "./image_layer_common.js";
import { type ImageLabelCallable, type ImageLabelDict, applyImageLabelDict, dictApplyRefused, isImageLabelDict } from "./image_label_dict.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat, shapeToChannelsLast } from "./data_format.js";

export type ValueRange = readonly [number, number];

/** A factor as these layers take it: a number f or a pair [lower, upper]; what f means is each layer's own. */
export type ColorFactorArg = number | readonly [number, number];

/**
 * A value range checked as a pair of finite numbers. Most of Keras' layers sort it
 * (_set_value_range); RandomInvert, RandomHue and RandomColorJitter keep it as given (`sorted` false).
 */
export function checkValueRange(layer: Layer, v: unknown, sorted = true): [number, number] {
  const range = v ?? [0, 255];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((r) => typeof r === "number" && Number.isFinite(r))) {
    throw new RangeError(
      `${layer.className} ${layer.name}: valueRange must be a pair [low, high] of numbers (the images' pixel range), got ${valueText(v)}; e.g. [0, 255] or [0, 1]`,
    );
  }
  const [a, b] = range as [number, number];
  return sorted ? [Math.min(a, b), Math.max(a, b)] : [a, b];
}

/**
 * Keras' _transform_value_range: x mapped linearly from `from` to `to` in x's dtype, with Keras'
 * order of operations ((x - a) / (b - a) * (d - c) + c), so that float32 results round as Keras'
 * do; nothing is done when the ranges are equal.
 */
export function transformValueRange(x: Tensor, from: ValueRange, to: ValueRange): Tensor {
  if (from[0] === to[0] && from[1] === to[1]) return x;
  return add(mul(div(sub(x, from[0]), from[1] - from[0]), to[1] - to[0]), to[0]);
}

/** One value per image of an [n, h, w, c] batch, as an [n, 1, 1, 1] tensor in x's dtype. */
export function perImage(values: readonly number[], x: Tensor): Tensor {
  return constant([...values], [values.length, 1, 1, 1], x.dtype);
}

/** Checks the channel count of a known channels_last batch shape; `counts` are those the layer takes. */
export function checkChannels(layer: Layer, channels: number | null, counts: readonly number[]): void {
  if (channels === null || counts.includes(channels)) return;
  const want = counts.length === 1 ? `${counts[0]}` : `${counts.slice(0, -1).join(", ")} or ${counts[counts.length - 1]}`;
  throw new RangeError(
    `${layer.className} ${layer.name}: expects images with ${want} channels (RGB${counts.includes(1) ? ", or grayscale" : ""}), got ${channels}; ` +
      `check dataFormat ("channels_last": [..., height, width, channels]; "channels_first": [..., channels, height, width])`,
  );
}

export interface ColorLayerArgs extends DataFormatArgs {
  seed?: number | SeedGenerator | null;
}

/** ColorLayerArgs' options, for the option lists (layerOptions) of the random colour layers. */
export const COLOR_LAYER_OPTIONS = { ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS } as const satisfies Record<Exclude<keyof ColorLayerArgs, keyof LayerArgs>, true>;

/**
 * The random colour layers: in training each augments an NHWC batch (a single image is a batch of
 * one; channels_first is moved last and back), drawing its parameters per image as Keras does; in
 * inference they return their input (in the layer's dtype).
 */
export abstract class ColorImageLayer extends RandomImageLayer {
  readonly dataFormat: DataFormat;
  /** The channel counts the layer takes (null: any). */
  protected readonly channelCounts: readonly number[] | null = null;

  constructor(args: ColorLayerArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`${this.className} ${this.name}`, args.dataFormat);
  }

  /** The augmentation of an NHWC batch, drawing from this.uniforms. */
  abstract augment(x: Tensor): Tensor;

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    if (this.channelCounts !== null) checkChannels(this, x.shape[3], this.channelCounts);
    return unbatch(opts.training ? this.augment(x) : x);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    const last = shapeToChannelsLast(this.dataFormat, inputShape);
    if (this.channelCounts !== null) checkChannels(this, last[last.length - 1], this.channelCounts);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed, data_format: this.dataFormat };
  }
}

/** The deterministic image layers (AutoContrast, Equalization, ContrastLimitedAdaptiveHistogramEqualization): no seed, the same dict refusal and layout handling. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class FixedImageLayer extends Layer {
  readonly dataFormat: DataFormat;

  constructor(args: DataFormatArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`${this.className} ${this.name}`, args.dataFormat);
  }

  /** Keras' BaseImagePreprocessingLayer.call(data, training=True): a direct call without a mode is a training call. */
  override get defaultTraining(): boolean | undefined {
    return true;
  }

  /** The layer's work on an NHWC batch in the layer's dtype. */
  protected abstract transformBatch(x: Tensor, training: boolean): Tensor;

  override apply(inputs: LayerInput | ImageLabelDict, opts: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (isImageLabelDict(inputs)) throw dictApplyRefused(this);
    return super.apply(inputs, opts);
  }

  /** Called on { images, labels }: the images transformed, the labels as they are. */
  protected override invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    if (isImageLabelDict(inputs) && rest.length === 0) return applyImageLabelDict(this, inputs, opts, (x, labels, training) => ({ images: this.call(x, { training }), labels }));
    return super.invoke(inputs, opts, ...rest);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    return unbatch(this.transformBatch(x, opts.training === true));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}

export interface ColorFactorLayerArgs extends ColorLayerArgs {
  /** A number f or a pair [lower, upper]; what f means is the layer's own. */
  factor?: ColorFactorArg;
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
}

/** ColorFactorLayerArgs' options, for the option lists (layerOptions) of the layers built on ColorFactorLayer. */
export const FACTOR_LAYER_OPTIONS = { factor: true, valueRange: true, ...COLOR_LAYER_OPTIONS } as const satisfies Record<Exclude<keyof ColorFactorLayerArgs, keyof LayerArgs>, true>;

/** How a ColorFactorLayer reads its factor and value range. */
export interface FactorRule {
  /** Keras' _FACTOR_BOUNDS for the layer. */
  bounds: readonly [number, number];
  /** A call that works, for the error messages. */
  example: string;
  /** The factor when none is given; undefined: the factor is required, as in Keras. */
  defaultFactor?: ColorFactorArg;
  /** Keras sorts most layers' value_range; RandomInvert and RandomHue keep it as given. Default true. */
  sortRange?: boolean;
}

/** The colour layers configured by a factor range and a value range (Keras' factor, value_range, seed, data_format). */
export abstract class ColorFactorLayer extends ColorImageLayer {
  /** [lower, upper], as Keras' _set_factor leaves it. */
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: ColorFactorLayerArgs, rule: FactorRule) {
    super(args);
    const factor = args.factor ?? rule.defaultFactor;
    if (factor === undefined) throw new TypeError(`${this.className} ${this.name}: factor is required (Keras has no default); e.g. ${rule.example}`);
    this.factor = boundedFactor(this, "factor", factor, rule.bounds, rule.example);
    this.valueRange = checkValueRange(this, args.valueRange, rule.sortRange ?? true);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], value_range: [...this.valueRange] };
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FixedImageLayer extends ImageLabelCallable {}
