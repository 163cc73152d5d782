/** `tf.preprocessing`: scikit-learn's StandardScaler and MinMaxScaler. */
export { StandardScaler, MinMaxScaler, type ScalerInput } from "./scalers.js";
