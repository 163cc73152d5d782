/**
 * Keras 3's colour augmentation layers (3.6 to 3.10, as Keras 3.15.1 computes them):
 * RandomGrayscale, RandomColorDegeneration, RandomSaturation and RandomHue. Each acts only in
 * training and draws its parameters per image.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { add, clipByValue, div, greater, less, mul, sub, where } from "../ops/math.js";
import { concat, slice } from "../ops/shape.js";
import { rgbToGrayscale } from "../ops/image.js";
import { hsvToRgb, rgbToHsv } from "../ops/image_color.js";
import { layerOptions } from "./layer.js";
import {
  type ColorFactorLayerArgs, type ColorLayerArgs, ColorFactorLayer, ColorImageLayer, COLOR_LAYER_OPTIONS, FACTOR_LAYER_OPTIONS, perImage, transformValueRange,
} from "./image_color_common.js";

/** Keras' backend.epsilon(), which RandomSaturation adds to its ratio's denominator. */
const EPSILON = 1e-7;

/** rgb_to_grayscale as Keras applies it: a 1-channel image is its own grayscale; an RGB one gets one luma channel. */
function grayscale(x: Tensor): Tensor {
  return x.shape[3] === 1 ? x : rgbToGrayscale(x);
}

/** A batch's HSV planes [n, h, w, 1] each, changed by `edit`, back to RGB. */
function editHsv(x: Tensor, edit: (h: Tensor, s: Tensor, v: Tensor) => [Tensor, Tensor, Tensor]): Tensor {
  const [n, hh, w] = x.shape;
  const hsv = rgbToHsv(x);
  const plane = (i: number): Tensor => slice(hsv, [0, 0, 0, i], [n, hh, w, 1]);
  return hsvToRgb(concat(edit(plane(0), plane(1), plane(2)), 3));
}

// ---------------------------------------------------------------- RandomGrayscale

export interface RandomGrayscaleArgs extends ColorLayerArgs {
  /** The probability that an image becomes grayscale, in [0, 1]. Default 0.5. */
  factor?: number;
}

/**
 * In training, turns each image to grayscale with probability `factor` (one draw per image),
 * keeping its channel count: every channel holds the luma 0.2989 R + 0.587 G + 0.114 B.
 */
export class RandomGrayscale extends ColorImageLayer {
  static readonly options = layerOptions<RandomGrayscaleArgs>({ factor: true, ...COLOR_LAYER_OPTIONS });
  readonly factor: number;
  protected override readonly channelCounts = [1, 3];

  constructor(args: RandomGrayscaleArgs = {}) {
    super(args);
    const f = args.factor ?? 0.5;
    if (typeof f !== "number" || !(f >= 0 && f <= 1)) {
      throw new RangeError(`RandomGrayscale ${this.name}: factor must be a number between 0 and 1 (the probability of turning an image gray), got ${valueText(f)}; e.g. layers.RandomGrayscale(0.2)`);
    }
    this.factor = f;
  }

  augment(x: Tensor): Tensor {
    const apply = this.uniforms(x.shape[0], 0, 1).map((u) => (u < this.factor ? 1 : 0));
    return where(greater(perImage(apply, x), 0), grayscale(x), x);
  }

  // Keras' get_config has no seed; lamina writes it so that a seeded layer reloads seeded (Keras' constructor takes it).
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }
}

// ---------------------------------------------------------------- RandomColorDegeneration

/**
 * In training, moves each image towards its grayscale by a random fraction f per image:
 * x + f (gray - x), clipped to valueRange. As Keras' code (not its docstring), a number factor f
 * draws from [-f, f]: a negative f pushes colours away from gray.
 */
export class RandomColorDegeneration extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);
  protected override readonly channelCounts = [1, 3];

  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [-1, 1], example: "layers.RandomColorDegeneration(0.5) or layers.RandomColorDegeneration([0.2, 0.8])" });
  }

  augment(x: Tensor): Tensor {
    const f = perImage(this.uniforms(x.shape[0], ...this.factor), x);
    return clipByValue(add(x, mul(f, sub(grayscale(x), x))), ...this.valueRange);
  }
}

/**
 * In training, scales each image's HSV saturation by f / (1 - f + 1e-7), f drawn per image from
 * the factor range (f = 0.5 keeps the image, 0 makes it gray), then clips the saturation to
 * valueRange and converts back, as Keras 3.15.1 does. As Keras: a number factor f draws from
 * [-f, f] (a negative f grays the image); the images are converted to HSV without rescaling; and
 * the saturation is clipped to valueRange, not to [0, 1], so with [0, 255] a ratio above 1 gives
 * saturations above 1.
 */
export class RandomSaturation extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);
  protected override readonly channelCounts = [3];

  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [-1, 1], example: "layers.RandomSaturation([0.3, 0.7]) (0.5 keeps the colours)" });
  }

  augment(x: Tensor): Tensor {
    const f = perImage(this.uniforms(x.shape[0], ...this.factor), x);
    // Computed on the tensor so that the ratio rounds in the layer's float dtype as Keras' does.
    const ratio = div(f, add(sub(1, f), EPSILON));
    return editHsv(x, (h, s, v) => [h, clipByValue(mul(s, ratio), ...this.valueRange), v]);
  }
}

/**
 * In training, shifts each image's hue by ±f / 2 (a fraction of the colour wheel), the sign and f
 * drawn per image (f in the factor range; a number f means [0, f]), wrapping into [0, 1], on the
 * image rescaled from valueRange to [0, 1]; the RGB result is clipped to [0, 1] and scaled back.
 */
export class RandomHue extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);
  protected override readonly channelCounts = [3];

  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [0, 1], example: "layers.RandomHue(0.2) or layers.RandomHue([0.1, 0.3])", sortRange: false });
  }

  augment(x: Tensor): Tensor {
    const n = x.shape[0];
    // As Keras: all the signs are drawn, then all the factors.
    const signs = this.uniforms(n, 0, 1).map((u) => (u > 0.5 ? -1 : 1));
    const f = this.uniforms(n, ...this.factor);
    const delta = mul(mul(perImage(signs, x), perImage(f, x)), 0.5);
    const unit = transformValueRange(x, this.valueRange, [0, 1]);
    const rgb = editHsv(unit, (h, s, v) => {
      let hue = add(h, delta);
      hue = where(greater(hue, 1), sub(hue, 1), hue);
      hue = where(less(hue, 0), add(hue, 1), hue);
      return [hue, s, v];
    });
    return transformValueRange(clipByValue(rgb, 0, 1), [0, 1], this.valueRange);
  }
}
