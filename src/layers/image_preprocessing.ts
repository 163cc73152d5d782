import type { SeedGenerator } from "../tensor/random.js";
/**
 * Keras 3's image preprocessing layers: Resizing, CenterCrop (both channels_last or channels_first,
 * as their dataFormat says) and RandomFlip (channels_last, as Keras 3.5's, which takes no data_format). The
 * random layers (here and in image_augment.ts, image_adjust.ts) act only when called with
 * `training: true` (inside `fit`); otherwise they return their input (cast to the layer's dtype, as
 * Keras does). Each image of a batch draws its own parameters, from the layer's own generator when
 * it has a seed, else from the global one, so `tf.random.setSeed(n)` makes runs repeat.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { slice } from "../ops/shape.js";
import { resize, transform } from "../ops/image.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import {
  checkImageShape, asBatch, checkSize, withSpatial, cropToAspect, RandomImageLayer, RANDOM_IMAGE_OPTIONS, SIZE_OPTIONS,
  checkResizeInterpolation, type ResizeInterpolation,
} from "./image_layer_common.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

// ---------------------------------------------------------------- Resizing, CenterCrop

export interface ResizingArgs extends DataFormatArgs {
  height?: number;
  width?: number;
  /** "bilinear" (default), "nearest", "bicubic", "lanczos3" or "lanczos5": tf.image.resize's methods (no antialiasing). */
  interpolation?: ResizeInterpolation;
  /** Crop the largest centered window of the target aspect ratio before resizing (no distortion). Default false. */
  cropToAspectRatio?: boolean;
  /** Pad the short side evenly with fillValue to the target aspect ratio before resizing (no distortion). Default false. */
  padToAspectRatio?: boolean;
  /** How padToAspectRatio fills the padded areas: only "constant" (fillValue), as in Keras 3.5. */
  fillMode?: "constant";
  /** The value padToAspectRatio pads with. Default 0. */
  fillValue?: number;
}

/** Resizes [h, w, c] or [n, h, w, c] images (channels first: [c, h, w], [n, c, h, w]) to [height, width] with tf.image.resize. */
export class Resizing extends Layer {
  static readonly options = layerOptions<ResizingArgs>({
    ...SIZE_OPTIONS, interpolation: true, cropToAspectRatio: true, padToAspectRatio: true, fillMode: true, fillValue: true, ...DATA_FORMAT_OPTIONS,
  });
  readonly dataFormat: DataFormat;
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: "constant";
  readonly fillValue: number;

  constructor(args: ResizingArgs) {
    super(args);
    const where = `Resizing ${this.name}`;
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
    this.interpolation = checkResizeInterpolation(where, args.interpolation ?? "bilinear");
    this.cropToAspectRatio = booleanOption(where, "cropToAspectRatio", args.cropToAspectRatio, false);
    this.padToAspectRatio = booleanOption(where, "padToAspectRatio", args.padToAspectRatio, false);
    if (this.cropToAspectRatio && this.padToAspectRatio) {
      throw new RangeError(`${where}: only one of cropToAspectRatio and padToAspectRatio can be true (crop to the target's aspect ratio, or pad to it)`);
    }
    if ((args.fillMode ?? "constant") !== "constant") {
      throw new RangeError(`${where}: fillMode ${valueText(args.fillMode)} is not supported; Keras 3.5's Resizing pads only with "constant" (fillValue)`);
    }
    this.fillMode = "constant";
    const fillValue = args.fillValue ?? 0;
    if (typeof fillValue !== "number" || !Number.isFinite(fillValue)) {
      throw new TypeError(`${where}: fillValue must be a finite number (the padding value of padToAspectRatio), got ${valueText(args.fillValue)}`);
    }
    this.fillValue = fillValue;
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    return unbatch(resize(x, [this.height, this.width], {
      method: this.interpolation, cropToAspectRatio: this.cropToAspectRatio, padToAspectRatio: this.padToAspectRatio, fillValue: this.fillValue,
    }));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return withSpatial(inputShape, this.height, this.width, this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio, pad_to_aspect_ratio: this.padToAspectRatio, fill_mode: this.fillMode, fill_value: this.fillValue,
      data_format: this.dataFormat,
    };
  }
}

export interface CenterCropArgs extends DataFormatArgs {
  height?: number;
  width?: number;
}

/**
 * Crops the central [height, width] window (the extra pixel of an odd difference on the bottom/right,
 * as Keras' int(diff / 2) start). An image smaller than the target along either axis is instead
 * cropped to the target's aspect ratio and resized (Keras' smart_resize).
 */
export class CenterCrop extends Layer {
  static readonly options = layerOptions<CenterCropArgs>({ ...SIZE_OPTIONS, ...DATA_FORMAT_OPTIONS });
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = checkSize(this, "height", args.height);
    this.width = checkSize(this, "width", args.width);
    this.dataFormat = checkDataFormat(`CenterCrop ${this.name}`, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    const [n, h, w, c] = x.shape;
    const dh = h - this.height, dw = w - this.width;
    if (dh >= 0 && dw >= 0) {
      return unbatch(slice(x, [0, Math.trunc(dh / 2), Math.trunc(dw / 2), 0], [n, this.height, this.width, c]));
    }
    return unbatch(resize(cropToAspect(x, this.height, this.width), [this.height, this.width]));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return withSpatial(inputShape, this.height, this.width, this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, data_format: this.dataFormat };
  }
}

// ---------------------------------------------------------------- RandomFlip

export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";
const FLIP_MODES: readonly string[] = ["horizontal", "vertical", "horizontal_and_vertical"];

export interface RandomFlipArgs extends LayerArgs {
  /** "horizontal" (left-right), "vertical" (top-bottom) or "horizontal_and_vertical" (default). */
  mode?: FlipMode;
  seed?: number | SeedGenerator | null;
}

/** In training, flips each image left-right and/or top-bottom, each with probability 1/2. */
export class RandomFlip extends RandomImageLayer {
  static readonly options = layerOptions<RandomFlipArgs>({ mode: true, ...RANDOM_IMAGE_OPTIONS });
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
    const [n, h, w] = x.shape;
    // As Keras: a uniform draw per image, flipped when it is <= 0.5; horizontal first.
    const draw = (on: boolean): boolean[] => (on ? this.uniforms(n, 0, 1).map((u) => u <= 0.5) : new Array<boolean>(n).fill(false));
    const across = draw(this.mode !== "vertical"), upDown = draw(this.mode !== "horizontal");
    // One nearest-neighbour pass in which output pixel (x, y) reads input pixel (w - 1 - x or x,
    // h - 1 - y or y): whole pixels, so the values are copied exactly, in one pass over the batch
    // instead of a flip and a select per direction.
    const rows = across.map((fx, i) => [fx ? -1 : 1, 0, fx ? w - 1 : 0, 0, upDown[i] ? -1 : 1, upDown[i] ? h - 1 : 0, 0, 0]);
    return unbatch(transform(x, constant(rows.flat(), [n, 8], "float64"), { interpolation: "nearest", fillMode: "constant" }));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed, mode: this.mode };
  }
}
