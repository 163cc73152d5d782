/**
 * `tf.applications`: Keras' ImageNet models with Keras' layer names, so Keras' published weight
 * files load by name, and each model's input preprocessing and prediction decoding.
 *
 *   const convBase = applications.VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
 *   const vgg = await applications.VGG16({ weights: "imagenet", includeTop: false, inputShape: [32, 32, 3] });
 *   const x = applications.vgg16.preprocessInput(images);   // RGB [0, 255] -> BGR minus the mean pixel
 *   const top5 = await applications.vgg16.decodePredictions(model.predict(x));   // [[["n02504458", "African_elephant", 0.87], ...], ...]
 */
import { VGG16, preprocessInput as vgg16Preprocess } from "./vgg16.js";
import { VGG19, preprocessInput as vgg19Preprocess } from "./vgg19.js";
import { ResNet50, ResNet101, ResNet152, preprocessInput as resnetPreprocess } from "./resnet.js";
import { ResNet50V2, ResNet101V2, ResNet152V2, preprocessInput as resnetV2Preprocess } from "./resnet_v2.js";
import { MobileNetV2, preprocessInput as mobileNetV2Preprocess } from "./mobilenet_v2.js";
import { preprocessInput as imagenetPreprocess } from "./imagenet_utils.js";
import { decodePredictions } from "./decode_predictions.js";
import { MobileNet, preprocessInput as mobileNetPreprocess } from "./mobilenet.js";
import { DenseNet121, DenseNet169, DenseNet201, preprocessInput as denseNetPreprocess } from "./densenet.js";
import { InceptionV3, preprocessInput as inceptionV3Preprocess } from "./inception_v3.js";
import { Xception, preprocessInput as xceptionPreprocess } from "./xception.js";
import {
  EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7,
  preprocessInput as efficientNetPreprocess,
} from "./efficientnet.js";
import {
  EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3, EfficientNetV2S, EfficientNetV2M, EfficientNetV2L,
  preprocessInput as efficientNetV2Preprocess,
} from "./efficientnet_v2.js";
import { InceptionResNetV2, preprocessInput as inceptionResNetV2Preprocess } from "./inception_resnet_v2.js";
import { MobileNetV3Small, MobileNetV3Large, preprocessInput as mobileNetV3Preprocess } from "./mobilenet_v3.js";
import { CustomScaleLayer, LayerScale, StochasticDepth } from "../layers/application_layers.js";
import { ConvNeXtTiny, ConvNeXtSmall, ConvNeXtBase, ConvNeXtLarge, ConvNeXtXLarge, preprocessInput as convNeXtPreprocess } from "./convnext.js";
import { NASNetMobile, NASNetLarge, preprocessInput as nasnetPreprocess } from "./nasnet.js";

export { VGG16, type VGG16Args } from "./vgg16.js";
export { VGG19, type VGG19Args } from "./vgg19.js";
export { ResNet50, ResNet101, ResNet152, type ResNetArgs, type ResNet50Args, type ResNet101Args, type ResNet152Args } from "./resnet.js";
export { ResNet50V2, ResNet101V2, ResNet152V2, type ResNet50V2Args, type ResNet101V2Args, type ResNet152V2Args } from "./resnet_v2.js";
export { MobileNetV2, type MobileNetV2Args } from "./mobilenet_v2.js";
export type { ApplicationArgs, PreprocessMode, PreprocessOptions, DataFormat, ImagenetPreprocessingArgs } from "./imagenet_utils.js";
export { ImagenetPreprocessing } from "./imagenet_utils.js";
export { getWeightsFile, modelsCacheDir, type WeightsFileSpec, type WeightsFileOptions } from "./weights_file.js";
export type { ImagenetPrediction, DecodePredictionsOptions } from "./decode_predictions.js";
export { MobileNet, type MobileNetArgs } from "./mobilenet.js";
export { DenseNet121, DenseNet169, DenseNet201, type DenseNetArgs } from "./densenet.js";
export { InceptionV3, type InceptionV3Args } from "./inception_v3.js";
export { Xception, type XceptionArgs } from "./xception.js";
export type { PreprocessFunction } from "./common.js";
export {
  EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7, type EfficientNetArgs,
} from "./efficientnet.js";
export {
  EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3, EfficientNetV2S, EfficientNetV2M, EfficientNetV2L, type EfficientNetV2Args,
} from "./efficientnet_v2.js";
export { InceptionResNetV2, type InceptionResNetV2Args } from "./inception_resnet_v2.js";
export { MobileNetV3Small, MobileNetV3Large, type MobileNetV3Args } from "./mobilenet_v3.js";
export { ConvNeXtTiny, ConvNeXtSmall, ConvNeXtBase, ConvNeXtLarge, ConvNeXtXLarge, type ConvNeXtArgs } from "./convnext.js";
export { NASNetMobile, NASNetLarge, type NASNetArgs } from "./nasnet.js";
export { CustomScaleLayer, LayerScale, StochasticDepth, type CustomScaleLayerArgs, type LayerScaleArgs, type StochasticDepthArgs } from "../layers/application_layers.js";

/** keras.applications.vgg16: the model, its preprocessing (caffe mode) and decodePredictions. */
export const vgg16 = { VGG16, preprocessInput: vgg16Preprocess, decodePredictions };
/** keras.applications.vgg19: the model, its preprocessing (caffe mode) and decodePredictions. */
export const vgg19 = { VGG19, preprocessInput: vgg19Preprocess, decodePredictions };
/** keras.applications.resnet50: the model, its preprocessing (caffe mode) and decodePredictions. */
export const resnet50 = { ResNet50, preprocessInput: resnetPreprocess, decodePredictions };
/** keras.applications.resnet: ResNet50/101/152, their preprocessing (caffe mode) and decodePredictions. */
export const resnet = { ResNet50, ResNet101, ResNet152, preprocessInput: resnetPreprocess, decodePredictions };
/** keras.applications.resnet_v2: ResNet50V2/101V2/152V2, their preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const resnetV2 = { ResNet50V2, ResNet101V2, ResNet152V2, preprocessInput: resnetV2Preprocess, decodePredictions };
/** keras.applications.mobilenet_v2: the model, its preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const mobilenetV2 = { MobileNetV2, preprocessInput: mobileNetV2Preprocess, decodePredictions };
/** keras.applications.mobilenet: the model, its preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const mobilenet = { MobileNet, preprocessInput: mobileNetPreprocess, decodePredictions };
/** keras.applications.densenet: DenseNet121/169/201, their preprocessing (torch mode) and decodePredictions. */
export const densenet = { DenseNet121, DenseNet169, DenseNet201, preprocessInput: denseNetPreprocess, decodePredictions };
/** keras.applications.inception_v3: the model, its preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const inceptionV3 = { InceptionV3, preprocessInput: inceptionV3Preprocess, decodePredictions };
/** keras.applications.xception: the model, its preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const xception = { Xception, preprocessInput: xceptionPreprocess, decodePredictions };
/** keras.applications.efficientnet: B0..B7, their preprocessing (the identity: the models rescale their [0, 255] inputs) and decodePredictions. */
export const efficientnet = {
  EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7,
  preprocessInput: efficientNetPreprocess, decodePredictions,
};
/** keras.applications.efficientnet_v2: B0..B3, S, M, L, their preprocessing (the identity: the models scale their [0, 255] inputs) and decodePredictions. */
export const efficientnetV2 = {
  EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3, EfficientNetV2S, EfficientNetV2M, EfficientNetV2L,
  preprocessInput: efficientNetV2Preprocess, decodePredictions,
};
/** keras.applications.inception_resnet_v2: the model, its CustomScaleLayer, its preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const inceptionResnetV2 = { InceptionResNetV2, CustomScaleLayer, preprocessInput: inceptionResNetV2Preprocess, decodePredictions };
/** keras.applications.mobilenet_v3: Small and Large, their preprocessing (the identity: the models rescale their [0, 255] inputs) and decodePredictions. */
export const mobilenetV3 = { MobileNetV3Small, MobileNetV3Large, preprocessInput: mobileNetV3Preprocess, decodePredictions };
/** keras.applications.convnext: Tiny..XLarge, their LayerScale and StochasticDepth, their preprocessing (the identity: the models normalize their [0, 255] inputs) and decodePredictions. */
export const convnext = {
  ConvNeXtTiny, ConvNeXtSmall, ConvNeXtBase, ConvNeXtLarge, ConvNeXtXLarge, LayerScale, StochasticDepth,
  preprocessInput: convNeXtPreprocess, decodePredictions,
};
/** keras.applications.nasnet: NASNetMobile and NASNetLarge, their preprocessing (tf mode, [-1, 1]) and decodePredictions. */
export const nasnet = { NASNetMobile, NASNetLarge, preprocessInput: nasnetPreprocess, decodePredictions };
/**
 * keras.applications.imagenet_utils: preprocess_input with an explicit mode ("caffe", "tf" or
 * "torch") and decode_predictions.
 */
export const imagenetUtils = { preprocessInput: imagenetPreprocess, decodePredictions };
