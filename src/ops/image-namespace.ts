/** tf.image: image ops under TensorFlow's names. */
export {
  resize, rgbToGrayscale, flipLeftRight, flipUpDown, transform,
  type ResizeMethod, type TransformOptions, type TransformInterpolation, type TransformFillMode,
} from "./image.js";
export { rgbToHsv, hsvToRgb, type ColorOptions } from "./image_color.js";
export { cropImages, padImages, type CropImagesOptions, type PadImagesOptions } from "./image_crop_pad.js";
export { extractPatches, type ExtractPatchesOptions } from "./image_patches.js";
export { mapCoordinates, affineTransform, type MapCoordinatesOptions, type AffineTransformOptions, type MapFillMode } from "./image_map.js";
export type { ImageDataFormat } from "./image_format.js";
export { extractPatches3d, type ExtractPatches3dOptions } from "./image_patches.js";
export { gaussianBlur, sobelEdges, ssim, type GaussianBlurOptions, type SobelEdgesOptions, type SsimOptions } from "./image_filters.js";
export { perspectiveTransform, elasticTransform, type PerspectiveTransformOptions, type ElasticTransformOptions } from "./image_warp.js";
export { scaleAndTranslate, type ScaleAndTranslateMethod, type ScaleAndTranslateOptions } from "./image_scale_translate.js";
