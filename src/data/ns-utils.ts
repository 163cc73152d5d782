/** `tf.utils`: train/test split, one-hot labels, image files and image folders as datasets, verified downloads. */
export { trainTestSplit, type TrainTestSplitOptions } from "./split.js";
export { toCategorical } from "./categorical.js";
/** Keras' utils.normalize: x divided by its order-norm along axis (a tensor as ops.normalize, a JS array as numpy). */
export { normalize } from "./normalize_array.js";
export { loadImage, saveImage, type LoadImageOptions, type SaveImageOptions } from "./image.js";
export { imageDatasetFromDirectory, type ImageDatasetFromDirectoryOptions, type ImageDirectoryDataset } from "./image_dataset.js";
export { downloadFile, type DownloadOptions } from "./download.js";
/** Keras' utils.set_random_seed: seeds every later random draw (weights, shuffles, dropout), as tf.random.setSeed. */
export { setSeed as setRandomSeed } from "../tensor/random.js";
/** Keras' utils.plot_model: the model's layer graph as a PNG or SVG file, drawn without Graphviz. */
export { plotModel, type PlotModelOptions } from "../plot/model_plot.js";
/** Keras' utils.pad_sequences: variable-length sequences padded/truncated into one tensor. */
export { padSequences, type PadSequencesOptions, type Sequence as PadSequence, type SequenceStep } from "./pad_sequences.js";
/** Keras' utils.load_img / img_to_array / array_to_img / save_img on lamina's uint8 image tensors. */
export { loadImg, imgToArray, arrayToImg, saveImg, type ArrayToImgOptions } from "./keras_image_utils.js";
/** Keras' utils.pack_x_y_sample_weight / unpack_x_y_sample_weight. */
export { packXYSampleWeight, unpackXYSampleWeight } from "./pack_x_y.js";
/** Keras' utils.timeseries_dataset_from_array: sliding windows (and their targets) as a data.Dataset. */
export { timeseriesDatasetFromArray, type TimeseriesDatasetOptions } from "./timeseries_dataset.js";
/** Keras' utils.split_dataset: a tensor, [x, y] or a Dataset split into left and right Datasets. */
export { splitDataset, type SplitDatasetOptions } from "./split_dataset.js";
/** Keras' utils.Progbar: the progress bar fit prints, for loops of one's own (update(current, values), add(n, values)). */
export { Progbar, type ProgbarOptions, type ProgbarValues } from "../models/callbacks/progbar.js";
/** Keras' utils.get_file: a download cached in ~/.keras/datasets, hash-checked, optionally unpacked (tar, tar.gz, zip). */
export { getFile, type GetFileOptions } from "./get_file.js";
/** Keras' utils.get_source_inputs: the Input tensors a symbolic tensor was computed from. */
export { getSourceInputs } from "../layers/source_inputs.js";
/** Keras' utils.custom_object_scope / get_custom_objects (also in tf.serialization). */
export { customObjectScope, CustomObjectScope, getCustomObjects } from "../io/custom_objects.js";
/** Keras' utils.text_dataset_from_directory: .txt files as batches of [texts (JS strings), labels]. */
export { textDatasetFromDirectory, TextDirectoryDataset, type TextDatasetFromDirectoryOptions, type TextElement } from "./text_dataset.js";
/** Keras' utils.audio_dataset_from_directory: .wav files (16-bit PCM, as tf.audio.decode_wav) as batches of [audio, labels]. */
export { audioDatasetFromDirectory, type AudioDatasetFromDirectoryOptions, type AudioDirectoryDataset } from "./audio_dataset.js";
/** Keras' utils.PyDataset (and its alias utils.Sequence): a dataset class of batches by index that fit, evaluate and predict read. */
export { PyDataset, Sequence, type PyDatasetArgs, type PyDatasetBatch } from "../models/py_dataset.js";
/** Keras' utils.enable_interactive_logging / disable_interactive_logging / is_interactive_logging_enabled (also in tf.config). */
export { enableInteractiveLogging, disableInteractiveLogging, isInteractiveLoggingEnabled } from "../models/callbacks/output.js";
/** Keras' utils.standardize_dtype / is_keras_tensor / clear_session (also in tf.backend). */
export { standardizeDtype, isKerasTensor, clearSession } from "../keras_backend.js";
/** Keras' utils.serialize_keras_object / deserialize_keras_object (also in tf.saving). */
export { serializeKerasObject, deserializeKerasObject, type DeserializeKerasObjectOptions } from "../io/keras_object.js";
/** Keras' utils.register_keras_serializable / get_registered_name / get_registered_object (also in tf.saving). */
export { registerKerasSerializable, getRegisteredName, getRegisteredObject } from "../io/ns-saving.js";
/** Keras' utils.model_to_dot: the DOT source text of the graph plot_model draws, for Graphviz. */
export { modelToDot, type ModelToDotOptions } from "../plot/model_dot.js";
export { FeatureSpace, Feature as FeatureSpaceFeature, Cross as FeatureSpaceCross, type FeatureSpaceArgs, type FeatureBatch, type FeatureColumn, type FeatureTypeName } from "./feature_space.js";
/** Keras 3.15's utils.Config: a dict-like container of named values that can be frozen. */
export { Config } from "./utils_config.js";
/** Keras 3.15's utils.bounding_boxes: convertFormat, clipToImageSize, crop, pad, affineTransform, encodeBoxToDeltas, decodeDeltasToBoxes, computeIou, computeCiou. */
export * as boundingBoxes from "../ops/bounding_boxes_namespace.js";
