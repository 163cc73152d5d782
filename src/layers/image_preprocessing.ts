/**
 * Keras 3's image preprocessing and augmentation layers (channels_last): Resizing, CenterCrop and
 * the random augmentations. Random layers act only when called with `training: true` (inside
 * `fit`); otherwise they return their input (cast to the layer's dtype, as Keras does). Each image
 * of a batch draws its own parameters, from the layer's own generator when it has a seed, else
 * from the global one, so `tf.random.setSeed(n)` makes runs repeat.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { RandomGenerator, generatorFor } from "../tensor/random.js";
import { cast, where } from "../ops/math.js";
import { reshape, slice } from "../ops/shape.js";
import { flipLeftRight, flipUpDown, resize, type ResizeMethod } from "../ops/image.js";
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
  return new Tensor(Uint8Array.from(flags, (f) => (f ? 1 : 0)), [flags.length, 1, 1, 1], "bool");
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
