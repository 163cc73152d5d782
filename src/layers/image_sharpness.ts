/** Keras 3's RandomSharpness (3.6 to 3.10, as Keras 3.15.1 computes it). */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { add, clipByValue, mul, sub } from "../ops/math.js";
import { tile } from "../ops/shape.js";
import { depthwiseConv2d } from "../ops/conv.js";
import { layerOptions } from "./layer.js";
import { type ColorFactorLayerArgs, ColorFactorLayer, FACTOR_LAYER_OPTIONS, perImage } from "./image_color_common.js";

/** PIL's ImageFilter.SMOOTH weights, which Keras blurs with: 1/13 around a centre of 5/13. */
const SMOOTH = [1, 1, 1, 1, 5, 1, 1, 1, 1].map((v) => v / 13);

/**
 * In training, blends each image with its 3x3 smoothing (zero-padded at the borders, as Keras'
 * "same" depthwise convolution): x + (1 - 2f) (smooth(x) - x), f drawn per image from the factor
 * range, clipped to valueRange.
 */
export class RandomSharpness extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);

  /** factor: f for [0, f], or [lower, upper], in [0, 1]: 0 blurs, 0.5 keeps the image, 1 sharpens. Required. */
  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [0, 1], example: "layers.RandomSharpness(0.5) or layers.RandomSharpness([0.6, 0.9])" });
  }

  augment(x: Tensor): Tensor {
    const sharpness = mul(perImage(this.uniforms(x.shape[0], ...this.factor), x), 2);
    const kernel = tile(constant(SMOOTH, [3, 3, 1, 1], x.dtype), [1, 1, x.shape[3], 1]);
    const smoothed = depthwiseConv2d(x, kernel, { strides: 1, padding: "SAME" });
    return clipByValue(add(x, mul(sub(1, sharpness), sub(smoothed, x))), ...this.valueRange);
  }
}
