/**
 * `preprocessing.StandardScaler` and `preprocessing.MinMaxScaler`, modelled on scikit-learn 1.2
 * (integer inputs give float64, as scikit-learn converts them; NaN is left out of the statistics).
 */
export { StandardScaler, type ScalerStat, type ScalerMean } from "./standard_scaler.js";
export { MinMaxScaler } from "./min_max_scaler.js";
export type { ScalerInput } from "./scaler_matrix.js";
