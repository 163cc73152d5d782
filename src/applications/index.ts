/**
 * `tf.applications`: Keras' ImageNet models with Keras' layer names, so Keras' published weight
 * files load by name, and each model's input preprocessing.
 *
 *   const convBase = applications.VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
 *   const vgg = await applications.VGG16({ weights: "imagenet", includeTop: false, inputShape: [32, 32, 3] });
 *   const x = applications.vgg16.preprocessInput(images);   // RGB [0, 255] -> BGR minus the mean pixel
 */
import { VGG16, preprocessInput as vgg16Preprocess } from "./vgg16.js";
import { ResNet50, preprocessInput as resnet50Preprocess } from "./resnet50.js";
import { MobileNetV2, preprocessInput as mobileNetV2Preprocess } from "./mobilenet_v2.js";
import { preprocessInput as imagenetPreprocess } from "./imagenet_utils.js";

export { VGG16, type VGG16Args } from "./vgg16.js";
export { ResNet50, type ResNet50Args } from "./resnet50.js";
export { MobileNetV2, type MobileNetV2Args } from "./mobilenet_v2.js";
export type { ApplicationArgs, PreprocessMode, PreprocessOptions, DataFormat, ImagenetPreprocessingArgs } from "./imagenet_utils.js";
export { ImagenetPreprocessing } from "./imagenet_utils.js";
export { getWeightsFile, modelsCacheDir, type WeightsFileSpec, type WeightsFileOptions } from "./weights_file.js";

/** keras.applications.vgg16: the model and its preprocessing (caffe mode). */
export const vgg16 = { VGG16, preprocessInput: vgg16Preprocess };
/** keras.applications.resnet50: the model and its preprocessing (caffe mode). */
export const resnet50 = { ResNet50, preprocessInput: resnet50Preprocess };
/** keras.applications.mobilenet_v2: the model and its preprocessing (tf mode, [-1, 1]). */
export const mobilenetV2 = { MobileNetV2, preprocessInput: mobileNetV2Preprocess };
/** keras.applications.imagenet_utils.preprocess_input with an explicit mode: "caffe", "tf" or "torch". */
export const imagenetUtils = { preprocessInput: imagenetPreprocess };
