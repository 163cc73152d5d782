/** `tf.datasets`: Keras' dataset loaders, scikit-learn's California housing fetcher and sample images. */
export { mnist, fashionMnist, cifar10, cifar100, californiaHousing, fetchCaliforniaHousing, type LoadDataResult, type CaliforniaHousingBunch, type DatasetOptions } from "./datasets.js";
export { loadSampleImage, type SampleImageName } from "./image.js";
