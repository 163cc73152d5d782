/** Keras 3's RandomGaussianBlur. */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { clipByValue, less, where } from "../ops/math.js";
import { gaussianBlurNhwc } from "../ops/image_filters.js";
import { layerOptions } from "./layer.js";
import { asBatch, boundedFactor, parseValueRange } from "./image_layer_common.js";
import { IMAGE_DATA_OPTIONS, RandomImageDataLayer, type RandomImageDataLayerArgs } from "./image_data_layer.js";
import type { Augmented } from "./image_label_dict.js";

export interface RandomGaussianBlurArgs extends RandomImageDataLayerArgs {
  /**
   * The range of each image's blurring probability: f for [0, f], or [lower, upper], in [0, 1]; a
   * probability p is drawn in it per image, and the image is blurred with probability p. So the
   * default 1 blurs half the images on average; [1, 1] blurs every image.
   */
  factor?: number | readonly [number, number];
  /** The kernel's odd size: one for both axes, or [width, height]. Default 3. */
  kernelSize?: number | readonly [number, number];
  /**
   * The range of the kernel's standard deviation: s in [0, 1] for [0, s], or [lower, upper] with
   * lower in [0, 1]; one sigma per axis is drawn per call (plus 1e-6). Default 1, i.e. [0, 1].
   */
  sigma?: number | readonly [number, number];
  /** The images' pixel range [low, high]; results are clipped to it. Default [0, 255]. */
  valueRange?: readonly [number, number];
}

/**
 * In training, blurs each image with a probability drawn per image in `factor`, by a Gaussian
 * kernel whose two sigmas are drawn once per call, then clips every image to valueRange (Keras 3's
 * RandomGaussianBlur). Labels given as { images, labels } pass through.
 */
export class RandomGaussianBlur extends RandomImageDataLayer {
  static readonly options = layerOptions<RandomGaussianBlurArgs>({ factor: true, kernelSize: true, sigma: true, valueRange: true, ...IMAGE_DATA_OPTIONS });
  /** [lower, upper]. */
  readonly factor: [number, number];
  /** [width, height]. */
  readonly kernelSize: [number, number];
  /** [lower, upper]. */
  readonly sigma: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomGaussianBlurArgs = {}) {
    super(args);
    this.factor = boundedFactor(this, "factor", args.factor ?? 1, [0, 1], "layers.RandomGaussianBlur(1.0) or layers.RandomGaussianBlur([1, 1]) to blur every image", true);
    this.kernelSize = this.checkKernelSize(args.kernelSize ?? 3);
    this.sigma = this.checkSigma(args.sigma ?? 1);
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  private checkKernelSize(v: unknown): [number, number] {
    const odd = (k: unknown): k is number => typeof k === "number" && Number.isInteger(k) && k > 0 && k % 2 === 1;
    if (odd(v)) return [v, v];
    if (Array.isArray(v) && v.length === 2 && odd(v[0]) && odd(v[1])) return [v[0], v[1]];
    throw new RangeError(`RandomGaussianBlur ${this.name}: kernelSize must be a positive odd integer or a pair [width, height] of them, got ${valueText(v)}; e.g. { kernelSize: 3 } or [5, 3]`);
  }

  /** Keras' _set_factor_by_name for sigma: a number in [0, 1] means [0, s]; a pair only needs its lower end in [0, 1]. */
  private checkSigma(v: unknown): [number, number] {
    const finite = (s: unknown): s is number => typeof s === "number" && Number.isFinite(s);
    if (finite(v) && v >= 0 && v <= 1) return [0, v];
    if (Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1])) {
      const [lo, hi] = [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
      if (lo >= 0 && lo <= 1) return [lo, hi];
    }
    throw new RangeError(
      `RandomGaussianBlur ${this.name}: sigma must be a number in [0, 1] (the range [0, s]) or a pair [lower, upper] with lower in [0, 1] and upper >= lower, ` +
        `got ${valueText(v)}; e.g. { sigma: [0.5, 2] }`,
    );
  }

  protected augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    const { x, unbatch } = asBatch(this, images, this.dataFormat);
    if (!training) return { images: unbatch(x), labels };
    const n = x.shape[0];
    const column = (v: number[]): Tensor => constant(v, [n, 1, 1, 1], x.dtype);
    // Keras' draws, in its order: the probabilities, the thresholds, the two sigmas (+ 1e-6, so that sigma 0 stays valid).
    const probabilities = column(this.uniforms(n, ...this.factor));
    const blur = less(column(this.uniforms(n, 0, 1)), probabilities);
    const [sigmaX, sigmaY] = this.uniforms(2, ...this.sigma).map((s) => s + 1e-6);
    const blurred = where(blur, gaussianBlurNhwc(x, this.kernelSize, [sigmaX, sigmaY]), x);
    return { images: unbatch(clipByValue(blurred, ...this.valueRange)), labels };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], kernel_size: [...this.kernelSize], sigma: [...this.sigma], value_range: [...this.valueRange] };
  }
}
