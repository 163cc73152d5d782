/**
 * What Keras 3's image preprocessing layers share: shape checks, batching a single image, seeds and
 * the draws of the random layers (RandomImageLayer, on SeededLayer; drawThrough and DrawTape for a
 * layer that applies others, as RandAugment and AugMix do), factor and value-range parsing.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, greaterEqual, less, logicalAnd, mul, sub } from "../ops/math.js";
import { range } from "../tensor/creation.js";
import { betaDraw, gammaDraw } from "../ops/random_dists.js";
import { permutationFrom } from "../tensor/random.js";
import { reshape } from "../ops/shape.js";
import type { CallOptions, Layer, LayerArgs, LayerInput, LayerShape } from "./layer.js";
import { type SymbolicTensor, layerShapeText } from "./symbolic.js";
import { type Augmented, type ImageLabelCallable, type ImageLabelDict, applyImageLabelDict, dictApplyRefused, isImageLabelDict } from "./image_label_dict.js";
import { SEED_OPTIONS, SeededLayer, type SeededLayerArgs } from "./seeded_layer.js";
import { single } from "./core.js";
import { type DataFormat, fromChannelsLast, shapeChannelsLast, toChannelsLast } from "./data_format.js";

// ---------------------------------------------------------------- shared helpers

/** Checks an [h, w, c] or [n, h, w, c] shape ([c, h, w] or [n, c, h, w] channels_first), naming the layer. */
export function checkImageShape(layer: Layer, shape: LayerShape, format: DataFormat = "channels_last"): void {
  if (shape.length !== 3 && shape.length !== 4) {
    const axes = format === "channels_first" ? ["channels", "height", "width"] : ["height", "width", "channels"];
    throw new RangeError(
      `${layer.className} ${layer.name}: expects images of rank 3 (${axes.join(", ")}) or 4 (batch, ${axes.join(", ")}), ` +
        `got shape ${layerShapeText(shape)}`,
    );
  }
}

/**
 * The layer's input in its dtype, as an NHWC batch (a single image gets a batch axis, a
 * channels_first one has its channels moved last), with a function that gives a result the
 * input's rank and layout back.
 */
export function asBatch(layer: Layer, inputs: Tensor | Tensor[], format: DataFormat = "channels_last"): { x: Tensor; unbatch: (t: Tensor) => Tensor } {
  const input = single(inputs, layer);
  checkImageShape(layer, input.shape, format);
  const typed = input.dtype === layer.dtype ? input : cast(input, layer.dtype);
  const batched = typed.rank === 4 ? typed : reshape(typed, [1, ...typed.shape]);
  const unbatch = (t: Tensor): Tensor => {
    const back = fromChannelsLast(format, t, 1);
    return typed.rank === 4 ? back : reshape(back, back.shape.slice(1));
  };
  return { x: toChannelsLast(format, batched, 1), unbatch };
}

/** The [height, width] target options of Resizing, CenterCrop and RandomCrop, for their option lists (layerOptions). */
export const SIZE_OPTIONS = { height: true, width: true } as const;

export function checkSize(layer: Layer, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${layer.className} ${layer.name}: ${what} must be a positive integer (pixels), got ${valueText(v)}; e.g. layers.${layer.className}(224, 224)`);
  }
  return v;
}

/** An image shape (rank 3 or 4, in `format`) with its height and width replaced. */
export function withSpatial(shape: LayerShape, h: number, w: number, format: DataFormat = "channels_last"): LayerShape {
  return shapeChannelsLast(format, shape, (s) => {
    const out = [...s];
    out[out.length - 3] = h;
    out[out.length - 2] = w;
    return out;
  });
}

/** The interpolations Keras 3's Resizing and UpSampling2D take (its TensorFlow backend's list). */
export type ResizeInterpolation = "bilinear" | "nearest" | "bicubic" | "lanczos3" | "lanczos5";
const RESIZE_INTERPOLATIONS: readonly string[] = ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"];

/** A resizing layer's interpolation, checked; `where` names the layer in the error. */
export function checkResizeInterpolation(where: string, v: unknown): ResizeInterpolation {
  if (typeof v === "string" && RESIZE_INTERPOLATIONS.includes(v)) return v as ResizeInterpolation;
  // tf.image.resize has "area", but Keras' layers refuse it on every backend.
  const hint = v === "area" ? ` (Keras' resizing layers do not take "area"; tf.image.resize(images, size, { method: "area" }) does)` : "";
  throw new RangeError(`${where}: interpolation ${valueText(v)} is not supported; use "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5"${hint}`);
}

/** Keras' smart_resize / crop_to_aspect_ratio window (the op lives beside tf.image.resize). */
export { cropToAspect } from "../ops/image.js";

/** RandomImageLayer's options (SeededLayer's seed), for the option lists (layerOptions) of the random image layers. */
export const RANDOM_IMAGE_OPTIONS = { ...SEED_OPTIONS } as const satisfies Record<Exclude<keyof SeededLayerArgs, keyof LayerArgs>, true>;

/**
 * The random image layers: uniform draws from SeededLayer's generator (per image or per batch, as
 * each Keras layer draws), and Keras 3.15's `{ images, labels }` call form: called on such an
 * object, the layer returns one with its images augmented and its labels as augmentWithLabels
 * leaves them (passed through unless the layer mixes them).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class RandomImageLayer extends SeededLayer {
  /**
   * Keras 3.5's `call(inputs, training=True)`: called directly, outside fit/predict/evaluate and
   * without `training`, the layer augments (as `data_augmentation(images)` does in Keras).
   */
  override get defaultTraining(): boolean | undefined {
    return true;
  }

  /** The images as a call in `training` mode makes them, with the labels unchanged (a colour or geometric change leaves a class as it is). */
  protected augmentWithLabels(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    return { images: this.call(images, { training }) as Tensor, labels };
  }

  protected override invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    if (isImageLabelDict(inputs) && rest.length === 0) return applyImageLabelDict(this, inputs, opts, (x, y, t) => this.augmentWithLabels(x, y, t));
    return super.invoke(inputs, opts, ...rest);
  }

  override apply(inputs: LayerInput | ImageLabelDict, opts?: CallOptions): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (isImageLabelDict(inputs)) throw dictApplyRefused(this);
    return super.apply(inputs, opts);
  }

  /** n uniform draws in [lo, hi). */
  protected uniforms(n: number, lo: number, hi: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => lo + (hi - lo) * g.nextDouble());
  }

  /** n standard normal draws (RandomElasticTransform's displacement fields). */
  protected normals(n: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => g.nextNormal());
  }

  /** n Beta(alpha, beta) draws (MixUp's and CutMix's mixing weights). */
  protected betas(n: number, alpha: number, beta: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => betaDraw(g, alpha, beta));
  }

  /** n Gamma(alpha, 1) draws (AugMix's Dirichlet chain weights, as Keras draws them: gammas over their sum). */
  protected gammas(n: number, alpha: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => gammaDraw(g, alpha));
  }

  /** A random order of the n images of a batch (the partners MixUp and CutMix mix each image with). */
  protected permutation(n: number): number[] {
    return Array.from(permutationFrom(this.rng(), n));
  }

  /**
   * Makes `sub`, a layer this one applies (RandAugment's and AugMix's operations), draw through
   * this layer's draw methods, so that this layer's seed (and forced draws on it) govern both;
   * each draw goes through `tape`, which can keep it and give it back on a later application.
   */
  protected drawThrough(sub: RandomImageLayer, tape: DrawTape): void {
    sub.uniforms = (n, lo, hi) => tape.draw(() => this.uniforms(n, lo, hi));
    sub.normals = (n) => tape.draw(() => this.normals(n));
    sub.betas = (n, a, b) => tape.draw(() => this.betas(n, a, b));
    sub.gammas = (n, a) => tape.draw(() => this.gammas(n, a));
    sub.permutation = (n) => tape.draw(() => this.permutation(n));
  }
}

/**
 * The draws of one application of a layer, kept so that applying the layer again in the same call
 * gives the same transformation (RandAugment applies an operation picked twice with Keras' one
 * transformation of it). Idle, it passes draws through without keeping them.
 */
export class DrawTape {
  private kept: number[][] | null = null;
  private next = -1;

  /** Forgets what was kept and passes draws through (a new call). */
  clear(): void {
    this.kept = null;
    this.next = -1;
  }

  /** Before an application: the first one of a call keeps its draws, a later one gets them back. */
  start(): void {
    if (this.kept === null) this.kept = [];
    else this.next = 0;
  }

  draw(fresh: () => number[]): number[] {
    if (this.next >= 0) {
      const v = this.kept?.[this.next++];
      if (v === undefined) throw new Error("DrawTape: a layer applied again drew more values than on its first application");
      return v;
    }
    const v = fresh();
    this.kept?.push(v);
    return v;
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface RandomImageLayer extends ImageLabelCallable {}

/**
 * Keras' BaseImagePreprocessingLayer._set_factor with the layer's _FACTOR_BOUNDS [lo, hi]: a number
 * f within the bounds gives [max(-|f|, lo), |f|] ([0, f] for bounds [0, 1]); a pair [lower, upper]
 * is sorted. Keras refuses a pair only when its first value is above hi or its second below lo
 * (`pairsWithin` false). With `pairsWithin`, both values must lie within the bounds, as Keras'
 * Solarization wants, and as lamina wants where a value outside them would make a negative Beta
 * parameter, box side or blur probability (CutMix, RandomErasing, RandomGaussianBlur).
 */
export function boundedFactor(
  layer: Layer, what: string, factor: unknown, bounds: readonly [number, number], example: string, pairsWithin = false,
): [number, number] {
  const [lo, hi] = bounds;
  const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const inside = (v: unknown): v is number => num(v) && v >= lo && v <= hi;
  if (inside(factor)) return [Math.max(-Math.abs(factor), lo), Math.abs(factor)];
  if (Array.isArray(factor) && factor.length === 2 && num(factor[0]) && num(factor[1])) {
    const ok = pairsWithin ? inside(factor[0]) && inside(factor[1]) : !(factor[0] > hi || factor[1] < lo);
    if (ok) return [Math.min(factor[0], factor[1]), Math.max(factor[0], factor[1])];
  }
  const pair = pairsWithin ? `of numbers in [${lo}, ${hi}]` : "within it";
  throw new RangeError(`${layer.className} ${layer.name}: ${what} must be a number in [${lo}, ${hi}] or a pair [lower, upper] ${pair}, got ${valueText(factor)}; e.g. ${example}`);
}

// ---------------------------------------------------------------- RandomTranslation, RandomRotation, RandomZoom

/** A factor as Keras takes it: a number f (the range [-|f|, |f|]) or a pair [lower, upper], all in [-1, 1]. */
export type FactorArg = number | readonly [number, number];

/** Keras' _set_factor: [lower, upper] from a number or a pair, each within [-1, 1]. */
export function parseFactor(layer: Layer, what: string, factor: unknown, example: string): [number, number] {
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


export function copyFactor(f: FactorArg): FactorArg {
  return typeof f === "number" ? f : [f[0], f[1]];
}
export function factorJson(f: FactorArg): number | number[] {
  return typeof f === "number" ? f : [f[0], f[1]];
}

/** Keras' _set_value_range: a pair of numbers, sorted. */
export function parseValueRange(layer: Layer, v: unknown): [number, number] {
  const range = v ?? [0, 255];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((r) => typeof r === "number" && Number.isFinite(r))) {
    throw new RangeError(`${layer.className} ${layer.name}: valueRange must be a pair [low, high] of numbers (the images' pixel range), got ${valueText(v)}; e.g. [0, 255] or [0, 1]`);
  }
  return [Math.min(range[0], range[1]), Math.max(range[0], range[1])];
}

// ---------------------------------------------------------------- CutMix's and RandomErasing's boxes

/**
 * Keras' _compute_crop_bounds: a box side of `ratio * length` pixels starting at `u * (length -
 * side)`, per image ([n, 1, 1, 1] tensors in the images' dtype, as Keras computes them in the
 * compute dtype). Returns [start, end).
 */
export function cropBounds(u: Tensor, ratio: Tensor, length: number): [Tensor, Tensor] {
  const side = mul(ratio, length);
  const start = mul(u, sub(length, side));
  return [start, add(start, side)];
}

/**
 * Keras' _generate_batch_mask on an NHWC batch of [height, width]: true at the pixels whose column
 * is in [x0, x1) and row in [y0, y1) (bounds [n, 1, 1, 1]); [n, h, w, 1], broadcast over channels.
 */
export function boxMask(height: number, width: number, [x0, x1]: [Tensor, Tensor], [y0, y1]: [Tensor, Tensor]): Tensor {
  const gx = reshape(range(0, width, 1, x0.dtype), [1, 1, width, 1]);
  const gy = reshape(range(0, height, 1, y0.dtype), [1, height, 1, 1]);
  return logicalAnd(logicalAnd(greaterEqual(gx, x0), less(gx, x1)), logicalAnd(greaterEqual(gy, y0), less(gy, y1)));
}
