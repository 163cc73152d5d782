/** tf.image: image ops under TensorFlow's names. */
export {
  resize, rgbToGrayscale, flipLeftRight, flipUpDown, transform,
  type ResizeMethod, type TransformOptions, type TransformInterpolation, type TransformFillMode,
} from "./image.js";
