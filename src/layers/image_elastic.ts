/** Keras 3's RandomElasticTransform, through keras.ops.image.elastic_transform's displacement (elasticDisplace). */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { clipByValue } from "../ops/math.js";
import type { MapFillMode } from "../ops/image_map.js";
import { checkElasticFillMode, elasticDisplace } from "../ops/image_warp.js";
import { checkTransformInterpolation, type TransformInterpolation } from "../ops/image.js";
import { layerOptions } from "./layer.js";
import { asBatch, boundedFactor, parseValueRange } from "./image_layer_common.js";
import { IMAGE_DATA_OPTIONS, RandomImageDataLayer, type RandomImageDataLayerArgs } from "./image_data_layer.js";
import type { Augmented } from "./image_label_dict.js";

export interface RandomElasticTransformArgs extends RandomImageDataLayerArgs {
  /**
   * The range of each image's probability of being distorted: f in [0, 1] for [0, f], or
   * [lower, upper]; a probability p is drawn in it per image, and the image is distorted with
   * probability p. So the default 1 distorts half the images on average; [1, 1] distorts every one.
   */
  factor?: number | readonly [number, number];
  /**
   * The range of the distortion strength d: s in [0, 1] for [0, s], or [lower, upper]; one d is
   * drawn per call, giving the displacement scale alpha = 0.1 d max(h, w) and the smoothing
   * sigma = 0.05 d min(h, w). Default 1, i.e. [0, 1].
   */
  scale?: number | readonly [number, number];
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  /**
   * How points outside the image are read: "reflect" (default, d c b a | a b c d | d c b a),
   * "mirror" (c d c b | a b c d | c b a b), "wrap", "nearest" or "constant" (fillValue).
   */
  fillMode?: MapFillMode;
  /** The value outside the image with fillMode "constant". Default 0. */
  fillValue?: number;
  /** The images' pixel range [low, high]; results are clipped to it. Default [0, 255]. */
  valueRange?: readonly [number, number];
}

/**
 * In training, distorts each image, with a probability drawn per image in `factor`, by a smooth
 * random displacement field: the output pixel (x, y) reads the input at (x + alpha dx, y + alpha dy),
 * where dx and dy are per-image fields of standard normals times sigma, blurred by a Gaussian of
 * that sigma (kernel size int(6 sigma) | 1, zero padded), and alpha and sigma follow from one
 * strength drawn in `scale` per call. Every image is then clipped to valueRange (Keras 3's
 * RandomElasticTransform). Labels given as { images, labels } pass through.
 */
export class RandomElasticTransform extends RandomImageDataLayer {
  static readonly options = layerOptions<RandomElasticTransformArgs>({
    factor: true, scale: true, interpolation: true, fillMode: true, fillValue: true, valueRange: true, ...IMAGE_DATA_OPTIONS,
  });
  /** [lower, upper]. */
  readonly factor: [number, number];
  /** [lower, upper]. */
  readonly scale: [number, number];
  readonly interpolation: TransformInterpolation;
  readonly fillMode: MapFillMode;
  readonly fillValue: number;
  readonly valueRange: [number, number];

  constructor(args: RandomElasticTransformArgs = {}) {
    super(args);
    const where = `RandomElasticTransform ${this.name}`;
    this.factor = boundedFactor(this, "factor", args.factor ?? 1, [0, 1], "layers.RandomElasticTransform(0.5) or layers.RandomElasticTransform([1, 1]) to distort every image");
    this.scale = boundedFactor(this, "scale", args.scale ?? 1, [0, 1], "layers.RandomElasticTransform(1, { scale: 0.5 }) or { scale: [0.2, 0.6] }");
    this.interpolation = checkTransformInterpolation(where, args.interpolation ?? "bilinear");
    this.fillMode = checkElasticFillMode(where, args.fillMode ?? "reflect");
    const fillValue = args.fillValue ?? 0;
    if (typeof fillValue !== "number" || !Number.isFinite(fillValue)) throw new TypeError(`${where}: fillValue must be a finite number, got ${valueText(fillValue)}`);
    this.fillValue = fillValue;
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  protected augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    const { x, unbatch } = asBatch(this, images, this.dataFormat);
    // As Keras: no draw and no clipping when no image can be distorted.
    if (!training || this.scale[1] === 0 || this.factor[1] === 0) return { images: unbatch(x), labels };
    const [n, h, w] = x.shape;
    // Keras' draws, in its order: the probabilities, the thresholds, the strength, then the x and y fields.
    const probability = this.uniforms(n, ...this.factor);
    const threshold = this.uniforms(n, 0, 1);
    const [strength] = this.uniforms(1, ...this.scale);
    const alpha = Math.max(h, w) * 0.1 * strength, sigma = Math.min(h, w) * 0.05 * strength;
    const normalsX = constant(this.normals(n * h * w), [n, h, w, 1], "float32"), normalsY = constant(this.normals(n * h * w), [n, h, w, 1], "float32");
    const displacement = { alpha, sigma, interpolation: this.interpolation, fillMode: this.fillMode, fillValue: this.fillValue };
    const out = elasticDisplace(x, normalsX, normalsY, displacement, (b) => threshold[b] < probability[b]);
    return { images: unbatch(clipByValue(out, ...this.valueRange)), labels };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), factor: [...this.factor], scale: [...this.scale], interpolation: this.interpolation, fill_mode: this.fillMode,
      fill_value: this.fillValue, value_range: [...this.valueRange],
    };
  }
}
