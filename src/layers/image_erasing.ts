/** Keras 3's RandomErasing: random boxes of the images replaced by a value or noise (arXiv:1708.04896). */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { clipByValue, less, mul, sqrt, where } from "../ops/math.js";
import { layerOptions } from "./layer.js";
import { asBatch, boxMask, cropBounds, boundedFactor, parseValueRange } from "./image_layer_common.js";
import { IMAGE_DATA_OPTIONS, RandomImageDataLayer, type RandomImageDataLayerArgs } from "./image_data_layer.js";
import type { Augmented } from "./image_label_dict.js";

export interface RandomErasingArgs extends RandomImageDataLayerArgs {
  /**
   * The range of each image's erasing probability: f for [0, f], or [lower, upper], in [0, 1]; a
   * probability p is drawn in it per image, and the image is erased with probability p. So the
   * default 1 erases half the images on average; [1, 1] erases every image.
   */
  factor?: number | readonly [number, number];
  /**
   * The range of the box's squared side fractions: s for [0, s], or [lower, upper], in [0, 1]. The
   * box is sqrt(sx) of the width by sqrt(sy) of the height, sx and sy drawn in it. Default [0.02, 0.33].
   */
  scale?: number | readonly [number, number];
  /**
   * The box's value: a number, three numbers (one per channel of RGB images), or null (the
   * default) for normal noise times valueRange's high end; clipped to valueRange either way.
   */
  fillValue?: number | readonly [number, number, number] | null;
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: readonly [number, number];
}

/**
 * In training, erases a random box of each image (its position and sides drawn per image) with
 * fillValue, each image with a probability drawn in `factor` (Keras 3's RandomErasing). Labels
 * given as { images, labels } pass through.
 */
export class RandomErasing extends RandomImageDataLayer {
  static readonly options = layerOptions<RandomErasingArgs>({ factor: true, scale: true, fillValue: true, valueRange: true, ...IMAGE_DATA_OPTIONS });
  /** [lower, upper]. */
  readonly factor: [number, number];
  /** [lower, upper]. */
  readonly scale: [number, number];
  readonly fillValue: number | readonly [number, number, number] | null;
  readonly valueRange: [number, number];

  constructor(args: RandomErasingArgs = {}) {
    super(args);
    this.factor = boundedFactor(this, "factor", args.factor ?? 1, [0, 1], "layers.RandomErasing(1.0) or layers.RandomErasing([1, 1]) to erase every image", true);
    this.scale = boundedFactor(this, "scale", args.scale ?? [0.02, 0.33], [0, 1], "layers.RandomErasing({ scale: [0.02, 0.33] })", true);
    this.fillValue = checkFillValue(this.className, this.name, args.fillValue ?? null);
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  protected augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    const { x, unbatch } = asBatch(this, images, this.dataFormat);
    if (!training) return { images: unbatch(x), labels };
    const [n, h, w, c] = x.shape;
    const column = (v: number[]): Tensor => constant(v, [n, 1, 1, 1], x.dtype);
    // Keras' draws, in its order: the two side fractions of each image, the box starts, the probabilities, the thresholds, the noise.
    const sides = this.uniforms(2 * n, ...this.scale);
    const xs = cropBounds(column(this.uniforms(n, 0, 1)), sqrt(column(sides.filter((_, i) => i % 2 === 0))), w);
    const ys = cropBounds(column(this.uniforms(n, 0, 1)), sqrt(column(sides.filter((_, i) => i % 2 === 1))), h);
    const probabilities = column(this.uniforms(n, ...this.factor));
    const erase = less(column(this.uniforms(n, 0, 1)), probabilities);
    const [lo, hi] = this.valueRange;
    const fill = clipByValue(this.fill(x.dtype, [n, h, w, c]), lo, hi);
    return { images: unbatch(where(erase, where(boxMask(h, w, xs, ys), fill, x), x)), labels };
  }

  /** The erased pixels' values before clipping: fillValue, or normal noise times valueRange's high end. */
  private fill(dtype: Tensor["dtype"], [n, h, w, c]: number[]): Tensor {
    const f = this.fillValue;
    if (f === null) return mul(normal([n, h, w, c], 0, 1, { dtype: dtype === "float64" ? "float64" : "float32", seed: this.opSeed() }), this.valueRange[1]);
    if (typeof f === "number") return constant(f, [], dtype);
    if (c !== 3) {
      throw new RangeError(`RandomErasing ${this.name}: fillValue ${valueText(f)} has one value per channel of RGB images, but the images have ${c} channels; pass one number instead`);
    }
    return constant([...f], [3], dtype);
  }

  override getConfig(): Record<string, unknown> {
    const f = this.fillValue;
    return {
      ...super.getConfig(), factor: [...this.factor], scale: [...this.scale], fill_value: f === null || typeof f === "number" ? f : [...f],
      value_range: [...this.valueRange],
    };
  }
}

function checkFillValue(cls: string, name: string, v: unknown): number | readonly [number, number, number] | null {
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  if (v === null || finite(v)) return v;
  if (Array.isArray(v) && v.length === 3 && v.every(finite)) return [v[0], v[1], v[2]];
  throw new RangeError(`${cls} ${name}: fillValue must be a number, three numbers (one per RGB channel) or null (normal noise), got ${valueText(v)}; e.g. { fillValue: 0 }`);
}
