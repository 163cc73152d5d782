/** `tf.datasets`: Keras' dataset loaders, scikit-learn's California housing fetcher and sample images. */
export { mnist, fashionMnist, cifar10, cifar100, californiaHousing, fetchCaliforniaHousing, type LoadDataResult, type CaliforniaHousingBunch, type DatasetOptions } from "./datasets.js";
export { loadSampleImage, type SampleImageName } from "./image.js";
/** Keras' word-index sequence datasets (imdb, reuters). */
export { imdb, reuters, type SequenceDatasetOptions, type SequenceLoadDataResult } from "./text_datasets.js";
/** Keras' boston_housing dataset (506 districts, 13 features). */
export { bostonHousing, type BostonHousingOptions } from "./boston_housing.js";
