/** `tf.preprocessing.image`: Keras' keras.preprocessing.image helpers. */
export { loadImg, imgToArray, arrayToImg, saveImg, type ArrayToImgOptions } from "./keras_image_utils.js";
export { smartResize, type SmartResizeOptions } from "./smart_resize.js";
