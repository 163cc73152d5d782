/**
 * The data layer's public names, grouped as in Keras/scikit-learn:
 * `datasets` (keras.datasets, sklearn's fetchers and sample images), `utils` (train_test_split,
 * to_categorical, image files, downloads), `preprocessing` (scalers) and `data` (file readers/writers).
 */
export * as datasets from "./ns-datasets.js";
export * as utils from "./ns-utils.js";
export * as preprocessing from "./ns-preprocessing.js";
export * as data from "./ns-data.js";
