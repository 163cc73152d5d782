/** tf.image: image ops under TensorFlow's names. */
export { resize, rgbToGrayscale, type ResizeMethod } from "./image.js";
