/**
 * RandomImageDataLayer: the base of the Keras 3.6-3.10 augmentation layers written as one
 * `augment(images, labels, training)` (MixUp and CutMix mix the labels; RandomErasing,
 * RandomGaussianBlur and RandomElasticTransform pass them through), with data_format and seed.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SeedGenerator } from "../tensor/random.js";
import type { CallOptions } from "./call_context.js";
import type { LayerShape } from "./layer.js";
import { single } from "./core.js";
import { checkImageShape, RandomImageLayer, RANDOM_IMAGE_OPTIONS } from "./image_layer_common.js";
import type { Augmented } from "./image_label_dict.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

export interface RandomImageDataLayerArgs extends DataFormatArgs {
  seed?: number | SeedGenerator | null;
}

/** RandomImageDataLayerArgs' options, for the option lists (layerOptions) of the layers built on it. */
export const IMAGE_DATA_OPTIONS = { ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS } as const;

/**
 * The base of MixUp, CutMix, RandomErasing, RandomGaussianBlur and RandomElasticTransform (Keras'
 * BaseImagePreprocessingLayer): `augment` does the work on an image tensor or an ImageLabelDict.
 */
export abstract class RandomImageDataLayer extends RandomImageLayer {
  readonly dataFormat: DataFormat;

  constructor(args: RandomImageDataLayerArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`${this.className} ${this.name}`, args.dataFormat);
  }

  /**
   * The images ([h, w, c] or [n, h, w, c] in the layer's data format) in `training` mode, and the
   * labels the same way when given (undefined: they pass through).
   */
  protected abstract augment(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented;

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    return this.augment(single(inputs, this), undefined, opts.training === true).images;
  }

  protected override augmentWithLabels(images: Tensor, labels: Tensor | undefined, training: boolean): Augmented {
    return this.augment(images, labels, training);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, seed: this.seed };
  }
}
