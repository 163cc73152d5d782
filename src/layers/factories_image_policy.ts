/**
 * The `layers` namespace's factories for Keras 3.15's augmentation policies and CLAHE
 * (RandAugment, AugMix, ContrastLimitedAdaptiveHistogramEqualization), with Keras' first
 * positional argument (value_range) plus an options object: layers.RandAugment([0, 1], { numOps: 3 }).
 */
import {
  ContrastLimitedAdaptiveHistogramEqualization as ClaheLayer, type ContrastLimitedAdaptiveHistogramEqualizationArgs,
} from "./image_clahe.js";
import type { ValueRange } from "./image_color_common.js";
import { withFirst } from "./factory_args.js";

export type { ContrastLimitedAdaptiveHistogramEqualizationArgs };

/** Tile-wise histogram equalization with clipped histograms, in training and inference: layers.ContrastLimitedAdaptiveHistogramEqualization([0, 1], { tileGridSize: [4, 4] }). */
export function ContrastLimitedAdaptiveHistogramEqualization(
  valueRange?: ValueRange | ContrastLimitedAdaptiveHistogramEqualizationArgs, args?: ContrastLimitedAdaptiveHistogramEqualizationArgs,
): ClaheLayer {
  return new ClaheLayer(withFirst<ContrastLimitedAdaptiveHistogramEqualizationArgs, "valueRange">("valueRange", valueRange, args));
}

/** These layer classes, for instanceof checks and subclassing. */
export const classesImagePolicy = {
  ContrastLimitedAdaptiveHistogramEqualization: ClaheLayer,
};
