/**
 * `tf.preprocessing`: scikit-learn's StandardScaler and MinMaxScaler, and Keras' keras.preprocessing
 * (its dataset builders and the image and sequence helpers, also found in tf.utils).
 */
export { StandardScaler, MinMaxScaler, type ScalerInput, type ScalerStat, type ScalerMean } from "./scalers.js";
export { imageDatasetFromDirectory } from "./image_dataset.js";
export { textDatasetFromDirectory } from "./text_dataset.js";
export { timeseriesDatasetFromArray } from "./timeseries_dataset.js";
/** keras.preprocessing.image: load_img, img_to_array, array_to_img, save_img and smart_resize. */
export * as image from "./ns-preprocessing-image.js";
/** keras.preprocessing.sequence: pad_sequences. */
export * as sequence from "./ns-preprocessing-sequence.js";
