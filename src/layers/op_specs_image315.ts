/**
 * OP_SPECS entries for the keras.ops.image operations Keras 3.11-3.15 added (GaussianBlur,
 * SobelEdges, SSIM, PerspectiveTransform, ElasticTransform, ScaleAndTranslate): each runs lamina's
 * op with Keras' config values. ExtractPatches with a 3-D size is handled beside the 2-D one.
 */
import type { Tensor } from "../tensor/tensor.js";
import { gaussianBlur, sobelEdges, ssim } from "../ops/image_filters.js";
import { elasticTransform, perspectiveTransform } from "../ops/image_warp.js";
import { scaleAndTranslate, type ScaleAndTranslateMethod } from "../ops/image_scale_translate.js";
import type { TransformInterpolation } from "../ops/image.js";
import type { MapFillMode } from "../ops/image_map.js";
import type { ImageDataFormat } from "../ops/image_format.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const IMAGE = "keras.src.ops.image";
type T = Tensor;
type Pair = number | [number, number];
const format = (c: OpConfig): ImageDataFormat | null => c.data_format as ImageDataFormat | null;

function spec(keys: readonly string[], run: OpSpec["run"]): OpSpec {
  return { module: IMAGE, keys, run };
}

export const IMAGE315_SPECS: readonly (readonly [string, OpSpec])[] = [
  ["GaussianBlur", spec(["kernel_size", "sigma", "data_format"], (a, c) =>
    gaussianBlur(a[0] as T, { kernelSize: c.kernel_size as Pair, sigma: c.sigma as Pair, dataFormat: format(c) }))],
  ["SobelEdges", spec(["data_format"], (a, c) => sobelEdges(a[0] as T, { dataFormat: format(c) }))],
  ["SSIM", spec(["max_val", "filter_size", "filter_sigma", "k1", "k2", "data_format"], (a, c) =>
    ssim(a[0] as T, a[1] as T, {
      maxVal: c.max_val as number, filterSize: c.filter_size as number, filterSigma: c.filter_sigma as number, k1: c.k1 as number, k2: c.k2 as number, dataFormat: format(c),
    }))],
  ["PerspectiveTransform", spec(["interpolation", "fill_value", "data_format"], (a, c) =>
    perspectiveTransform(a[0] as T, a[1] as T, a[2] as T, { interpolation: c.interpolation as TransformInterpolation, fillValue: c.fill_value as number, dataFormat: format(c) }))],
  ["ElasticTransform", spec(["alpha", "sigma", "interpolation", "fill_mode", "fill_value", "seed", "data_format"], (a, c) =>
    elasticTransform(a[0] as T, {
      alpha: c.alpha as number, sigma: c.sigma as number, interpolation: c.interpolation as TransformInterpolation, fillMode: c.fill_mode as MapFillMode,
      fillValue: c.fill_value as number, seed: c.seed as number | null, dataFormat: format(c),
    }))],
  ["ScaleAndTranslate", spec(["spatial_dims", "method", "antialias"], (a, c) =>
    scaleAndTranslate(a[0] as T, a[1] as (number | null)[], a[2] as T, a[3] as T, c.spatial_dims as number[], c.method as ScaleAndTranslateMethod, { antialias: (c.antialias ?? true) as boolean }))],
];
