/** Keras 3's RandomPerspective, through tf.image.transform's projective rows as RandomShear. */
import { valueText } from "../tensor/value_text.js";
import { homographyRow } from "../ops/image_warp.js";
import { layerOptions } from "./layer.js";
import { RandomTransformLayer, type TransformLayerArgs } from "./image_augment.js";
import { RANDOM_IMAGE_OPTIONS, boundedFactor } from "./image_layer_common.js";
import { DATA_FORMAT_OPTIONS } from "./data_format.js";

export interface RandomPerspectiveArgs extends Omit<TransformLayerArgs, "fillMode"> {
  /**
   * The range of each image's probability of being transformed: f in [0, 1] for [0, f], or
   * [lower, upper]; a probability p is drawn in it per image, and the image is transformed with
   * probability p. So the default 1 transforms half the images on average; [1, 1] transforms every one.
   */
  factor?: number | readonly [number, number];
  /**
   * How far the corners move, in [0, 1]: each coordinate of a corner (x, y) moves by a fraction of
   * itself drawn in [-scale / 2, scale / 2]. Default 1.
   */
  scale?: number;
}

/**
 * In training, transforms each image, with a probability drawn per image in `factor`, by the
 * perspective that moves its corners: corner (x, y) of (0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)
 * goes to (x (1 + dx), y (1 + dy)), dx and dy drawn in [-scale / 2, scale / 2] (so the top-left corner
 * stays), and the output at the moved corners reads the original ones (Keras 3's RandomPerspective).
 * Points outside the image read fillValue. Labels given as { images, labels } pass through.
 */
export class RandomPerspective extends RandomTransformLayer {
  static readonly options = layerOptions<RandomPerspectiveArgs>({
    factor: true, scale: true, interpolation: true, fillValue: true, ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS,
  });
  /** [lower, upper]. */
  readonly factor: [number, number];
  readonly scale: number;

  constructor(args: RandomPerspectiveArgs = {}) {
    // Keras' RandomPerspective samples through map_coordinates with fill_mode "constant" and has no fill_mode argument.
    super(args, "constant");
    this.factor = boundedFactor(this, "factor", args.factor ?? 1, [0, 1], "layers.RandomPerspective(0.5) or layers.RandomPerspective([1, 1]) to transform every image");
    const scale = args.scale ?? 1;
    if (typeof scale !== "number" || !(scale >= 0 && scale <= 1)) {
      throw new RangeError(`RandomPerspective ${this.name}: scale must be a number in [0, 1], got ${valueText(scale)}; e.g. layers.RandomPerspective(1, { scale: 0.3 })`);
    }
    this.scale = scale;
  }

  protected transformRows(n: number, height: number, width: number): (number[] | null)[] {
    // Keras' draws, in its order: the probabilities, the thresholds, then [n, 4, 2] corner factors.
    const probability = this.uniforms(n, ...this.factor);
    const threshold = this.uniforms(n, 0, 1);
    const shifts = this.uniforms(n * 8, -0.5 * this.scale, 0.5 * this.scale);
    const start: [number, number][] = [[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]];
    return probability.map((p, i) => {
      if (!(threshold[i] < p)) return null;
      const end = start.map(([x, y], k): [number, number] => [x + x * shifts[i * 8 + 2 * k], y + y * shifts[i * 8 + 2 * k + 1]]);
      return homographyRow(start, end);
    });
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), factor: [...this.factor], scale: this.scale };
    delete config.fill_mode;
    return config;
  }
}

