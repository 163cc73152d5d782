/** `tf.data`: Dataset pipelines, file readers and writers (IDX, .npy/.npz, CIFAR's binary and Python versions, tar) and numpy's RandomState. */
export { readIdx, encodeIdx } from "./idx.js";
export { readNpy, readNpz, encodeNpy, encodeNpz, saveNpy, saveNpz } from "./npy.js";
export { readCifarBinary, encodeCifarBinary, type CifarBatch, type CifarReadOptions } from "./cifar.js";
export { readCifarPickle, type CifarPickleOptions } from "./cifar_pickle.js";
export { readTar, encodeTar, type TarEntry } from "./tar.js";
export { readCaliforniaHousingArchive } from "./datasets.js";
export { NumpyRandomState } from "./mt19937.js";
export {
  AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, DatasetSpec, TensorSpec, specText, type ElementSpec, type SpecShape, type Element, type ElementDict, type ElementBound, type ElementLike, type Parts, type ElementFn, type FirstArg, type RestArgs, type ElementArrays,
  type PaddedBatchOptions, type PaddedShapes, type PaddingValues, type InterleaveOptions,
} from "./dataset.js";
/** npz archives holding object arrays of integer lists (Keras' imdb.npz, reuters.npz). */
export { readNpzSequences, readNpySequences, type NpzArray } from "./npz_sequences.js";
