/**
 * Keras 3's MixUp and CutMix: each image of a batch is mixed with another image of the same
 * batch (a random permutation), and, when called on { images, labels }, its labels with that
 * image's labels by the same weight.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, div, mul, sqrt, sub, where } from "../ops/math.js";
import { gather, reshape } from "../ops/shape.js";
import { type Layer, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { asBatch, boxMask, cropBounds, boundedFactor } from "./image_layer_common.js";
import { IMAGE_DATA_OPTIONS, RandomImageDataLayer, type RandomImageDataLayerArgs } from "./image_data_layer.js";
import type { Augmented } from "./image_label_dict.js";

/**
 * Keras' transform_labels of MixUp and CutMix: weight * labels + (1 - weight) * labels[perm], one
 * weight per image ([n] tensor). Labels are one-hot or soft: [n, classes], or [classes] with a
 * single image; integer labels are mixed in the layer's float dtype.
 */
function mixLabels(layer: Layer, labels: Tensor, weights: Tensor, perm: Tensor, singleImage: boolean): Tensor {
  const n = perm.shape[0];
  if (labels.rank !== (singleImage ? 1 : 2) || (!singleImage && labels.shape[0] !== n)) {
    const want = singleImage ? "[classes] for a single image" : `[${n}, classes] for ${n} images`;
    throw new RangeError(
      `${layer.className} ${layer.name}: labels must be one-hot (or soft) labels ${want}, got shape ${layerShapeText(labels.shape)}; ` +
        "one-hot encode class ids first, e.g. utils.toCategorical(labels, numClasses)",
    );
  }
  const y0 = isFloatDType(labels.dtype) ? labels : cast(labels, layer.dtype);
  const y = singleImage ? reshape(y0, [1, ...y0.shape]) : y0;
  const w = reshape(cast(weights, y.dtype), [n, 1]);
  const mixed = add(mul(w, y), mul(sub(1, w), gather(y, perm)));
  return singleImage ? reshape(mixed, mixed.shape.slice(1)) : mixed;
}

export interface MixUpArgs extends RandomImageDataLayerArgs {
  /** The Beta(alpha, alpha) distribution of the mixing weights; small values mix little. Default 0.2. */
  alpha?: number;
}

/**
 * In training, replaces each image x_i by w_i x_i + (1 - w_i) x_perm(i), with a random permutation
 * of the batch and weights w_i ~ Beta(alpha, alpha) drawn per image (Keras 3's MixUp,
 * arXiv:1710.09412); labels given as { images, labels } are mixed the same way. A single image is
 * mixed with itself (a batch of one), as in Keras.
 */
export class MixUp extends RandomImageDataLayer {
  static readonly options = layerOptions<MixUpArgs>({ alpha: true, ...IMAGE_DATA_OPTIONS });
  readonly alpha: number;

  constructor(args: MixUpArgs = {}) {
    super(args);
    const alpha = args.alpha ?? 0.2;
    if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
      throw new RangeError(`MixUp ${this.name}: alpha must be a number > 0 (the Beta(alpha, alpha) of the mixing weights), got ${valueText(alpha)}; e.g. layers.MixUp(0.2)`);
    }
    this.alpha = alpha;
  }

  protected augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    const { x, unbatch } = asBatch(this, images, this.dataFormat);
    if (!training) return { images: unbatch(x), labels };
    const n = x.shape[0];
    // As Keras: the permutation, then the weights.
    const perm = constant(this.permutation(n), [n], "int32");
    const weights = constant(this.betas(n, this.alpha, this.alpha), [n], x.dtype);
    const w = reshape(weights, [n, 1, 1, 1]);
    const mixed = add(mul(w, x), mul(sub(1, w), gather(x, perm)));
    return { images: unbatch(mixed), labels: labels && mixLabels(this, labels, weights, perm, images.rank === 3) };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface CutMixArgs extends RandomImageDataLayerArgs {
  /**
   * The range of the Beta parameter: f for [0, f], or [lower, upper], in [0, 1]. Each call draws
   * alpha in it, then one weight per image from Beta(alpha, alpha). Default 1.
   */
  factor?: number | readonly [number, number];
}

/**
 * In training, pastes into each image a box of another image of the batch (a random permutation)
 * (Keras 3's CutMix, arXiv:1905.04899): a weight w ~ Beta(alpha, alpha) per image, with alpha
 * drawn per call in `factor`, gives the box sides sqrt(1 - w) times the height and width, at a
 * random place; labels given as { images, labels } are mixed by the share of the image left,
 * 1 - box area / image area. A single image is returned as it is, as in Keras.
 */
export class CutMix extends RandomImageDataLayer {
  static readonly options = layerOptions<CutMixArgs>({ factor: true, ...IMAGE_DATA_OPTIONS });
  /** [lower, upper]. */
  readonly factor: [number, number];

  constructor(args: CutMixArgs = {}) {
    super(args);
    this.factor = boundedFactor(this, "factor", args.factor ?? 1, [0, 1], "layers.CutMix(1.0) or layers.CutMix([0.5, 1])", true);
  }

  protected augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    const { x, unbatch } = asBatch(this, images, this.dataFormat);
    if (!training || images.rank === 3) return { images: unbatch(x), labels };
    const [n, h, w] = x.shape;
    const column = (v: number[]): Tensor => constant(v, [n, 1, 1, 1], x.dtype);
    // Keras' draws, in its order: alpha (+ 1e-6, so that factor 0 stays a valid Beta), the weights, the box starts, the permutation.
    const alpha = this.uniforms(1, ...this.factor)[0] + 1e-6;
    const ratio = sqrt(sub(1, column(this.betas(n, alpha, alpha))));
    const xs = cropBounds(column(this.uniforms(n, 0, 1)), ratio, w);
    const ys = cropBounds(column(this.uniforms(n, 0, 1)), ratio, h);
    const perm = constant(this.permutation(n), [n], "int32");
    const mixed = where(boxMask(h, w, xs, ys), gather(x, perm), x);
    if (labels === undefined) return { images: unbatch(mixed) };
    const weights = sub(1, div(mul(sub(xs[1], xs[0]), sub(ys[1], ys[0])), w * h));
    return { images: unbatch(mixed), labels: mixLabels(this, labels, reshape(weights, [n]), perm, false) };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}
