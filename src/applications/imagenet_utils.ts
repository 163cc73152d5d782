/**
 * Keras' applications/imagenet_utils.py: the input-shape rules every ImageNet model applies, the
 * three preprocessing modes ("caffe", "tf", "torch"), and the checks on the classifier arguments.
 */
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { add, cast, div, sub } from "../ops/math.js";
import { reshape, reverse } from "../ops/shape.js";
import { type LayerShape, layerShapeText, SymbolicTensor } from "../layers/symbolic.js";
import { Layer, type LayerArgs, layerOptions } from "../layers/layer.js";
import { getActivation, type ActivationIdentifier } from "../nn/activations.js";
import { valueText } from "../tensor/value_text.js";
import type { DataFormat } from "../layers/data_format.js";
import { imageDataFormat } from "../tensor/config.js";

export type PreprocessMode = "caffe" | "tf" | "torch";
export type { DataFormat } from "../layers/data_format.js";

export interface PreprocessOptions {
  /** Default config.imageDataFormat() ("channels_last" unless changed), as the layers' dataFormat. */
  dataFormat?: DataFormat;
}

// ImageNet's mean pixel in BGR order (caffe) and the RGB mean and deviation torchvision uses.
const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/** preprocessInput's mode and dataFormat, checked; `where` names the function or layer in the error. */
function checkPreprocessing(where: string, mode: unknown, dataFormat: unknown): void {
  if (mode !== "caffe" && mode !== "tf" && mode !== "torch") {
    throw new RangeError(`${where}: mode must be one of "caffe", "tf" or "torch", got ${valueText(mode)}`);
  }
  if (dataFormat !== "channels_last" && dataFormat !== "channels_first") {
    throw new RangeError(`${where}: dataFormat must be "channels_last" or "channels_first", got ${valueText(dataFormat)}`);
  }
}

/**
 * keras.applications.imagenet_utils.preprocess_input: images with values in [0, 255], 3-D (one
 * image) or 4-D (a batch), 3 colour channels in RGB order.
 * - "caffe": RGB -> BGR, then minus ImageNet's mean pixel, no scaling (VGG16, ResNet50);
 * - "tf": scaled to [-1, 1] (MobileNetV2);
 * - "torch": scaled to [0, 1], then each channel normalized by ImageNet's mean and deviation.
 * Integer images become float32; float32 and float64 keep their dtype.
 */
export function preprocessInput(x: Tensor, mode?: PreprocessMode, opts?: PreprocessOptions): Tensor;
/**
 * On a symbolic tensor (a functional model under construction, as in Keras' transfer-learning
 * guide: `x = preprocessInput(inputs)`), the same preprocessing as a layer of the model
 * (ImagenetPreprocessing, saved and loaded by lamina as `lamina>ImagenetPreprocessing`).
 */
export function preprocessInput(x: SymbolicTensor, mode?: PreprocessMode, opts?: PreprocessOptions): SymbolicTensor;
/** Either, when the caller's own signature takes both (the per-model preprocessInput functions). */
export function preprocessInput(x: Tensor | SymbolicTensor, mode?: PreprocessMode, opts?: PreprocessOptions): Tensor | SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, mode: PreprocessMode = "caffe", opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  const where = "applications.imagenetUtils.preprocessInput";
  if (x instanceof SymbolicTensor) return new ImagenetPreprocessing({ mode, dataFormat: opts.dataFormat }).apply(x) as SymbolicTensor;
  if (!(x instanceof Tensor)) throw new TypeError(`${where}: expects a Tensor of images (or a symbolic tensor of a model being built), got ${valueText(x)}`);
  const dataFormat = opts.dataFormat ?? imageDataFormat();
  checkPreprocessing(where, mode, dataFormat);
  if (x.rank !== 3 && x.rank !== 4) {
    throw new RangeError(`${where}: expects one image (3-D) or a batch of images (4-D), got shape (${x.shape.join(", ")})`);
  }
  const channelAxis = dataFormat === "channels_last" ? x.rank - 1 : x.rank - 3;
  if (x.shape[channelAxis] !== 3) {
    throw new RangeError(`${where}: expects 3 colour channels on axis ${channelAxis} (${dataFormat}), got shape (${x.shape.join(", ")})`);
  }
  let y = isFloatDType(x.dtype) ? x : cast(x, "float32");
  if (mode === "tf") return sub(div(y, 127.5), 1);
  // A [3] vector shaped to broadcast along the channel axis.
  const perChannel = (values: number[]): Tensor =>
    reshape(constant(values, [3], y.dtype), x.shape.map((_, i) => (i === channelAxis ? 3 : 1)));
  if (mode === "torch") {
    y = div(y, 255);
    return div(sub(y, perChannel(TORCH_MEAN)), perChannel(TORCH_STD));
  }
  y = reverse(y, [channelAxis]); // RGB -> BGR
  return add(y, perChannel(CAFFE_MEAN_BGR.map((m) => -m)));
}

export interface ImagenetPreprocessingArgs extends LayerArgs {
  /** "caffe" (default), "tf" or "torch": see preprocessInput. */
  mode?: PreprocessMode;
  dataFormat?: DataFormat;
}

/** preprocessInput as a layer, for functional models: what preprocessInput(symbolicTensor) adds. */
export class ImagenetPreprocessing extends Layer {
  static readonly options = layerOptions<ImagenetPreprocessingArgs>({ mode: true, dataFormat: true });
  readonly mode: PreprocessMode;
  readonly dataFormat: DataFormat;

  constructor(args: ImagenetPreprocessingArgs = {}) {
    super(args);
    this.mode = args.mode ?? "caffe";
    this.dataFormat = args.dataFormat ?? imageDataFormat();
    // The eager function's checks, when the layer is made rather than at its first call.
    checkPreprocessing(`ImagenetPreprocessing ${this.name}`, this.mode, this.dataFormat);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    if (Array.isArray(inputs)) throw new TypeError(`ImagenetPreprocessing ${this.name}: expects one tensor of images, got ${inputs.length}`);
    return preprocessInput(inputs, this.mode, { dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode, data_format: this.dataFormat };
  }
}

/** What obtainInputShape needs to know about the model being built. */
export interface InputShapeRules {
  /** The function name for messages, e.g. "applications.VGG16". */
  where: string;
  defaultSize: number;
  minSize: number;
  /** The model ends in Flatten/Dense (includeTop): the spatial size must be static. */
  requireFlatten: boolean;
  weights: string | null;
}

/**
 * Keras' obtain_input_shape (channels_last): validates a user's inputShape (without the batch)
 * or supplies the default one.
 */
export function obtainInputShape(inputShape: LayerShape | null | undefined, rules: InputShapeRules): LayerShape {
  const { where, defaultSize, minSize, requireFlatten, weights } = rules;
  const given = inputShape ?? null;
  let defaultShape: LayerShape;
  if (weights !== "imagenet" && given && given.length === 3) {
    if (given[2] !== 1 && given[2] !== 3) {
      process.emitWarning(`${where}: this model usually expects 1 or 3 input channels, but inputShape has ${given[2]}`);
    }
    defaultShape = [defaultSize, defaultSize, given[2]];
  } else {
    defaultShape = [defaultSize, defaultSize, 3];
  }
  if (weights === "imagenet" && requireFlatten) {
    if (given !== null && !shapesMatch(given, defaultShape)) {
      throw new RangeError(
        `${where}: with includeTop: true and "imagenet" weights, inputShape must be ${layerShapeText(defaultShape)}; ` +
          `got ${layerShapeText(given)}. For other image sizes use includeTop: false (then add your own classifier).`,
      );
    }
    return defaultShape;
  }
  let shape: LayerShape;
  if (given) {
    if (given.length !== 3) {
      throw new RangeError(`${where}: inputShape must be three numbers [height, width, channels], got ${layerShapeText(given)}`);
    }
    if (given[2] !== 3 && weights === "imagenet") {
      throw new RangeError(`${where}: "imagenet" weights need 3 input channels (RGB); got inputShape ${layerShapeText(given)}`);
    }
    if ((given[0] !== null && given[0] < minSize) || (given[1] !== null && given[1] < minSize)) {
      throw new RangeError(`${where}: the input size must be at least ${minSize}x${minSize}; got inputShape ${layerShapeText(given)}`);
    }
    shape = given;
  } else {
    shape = requireFlatten ? defaultShape : [null, null, 3];
  }
  if (requireFlatten && shape.includes(null)) {
    throw new RangeError(`${where}: with includeTop: true the inputShape must be fully known (the classifier flattens it); got ${layerShapeText(shape)}`);
  }
  return shape;
}

function shapesMatch(a: LayerShape, b: LayerShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Keras' validate_activation: pretrained classifiers take only softmax or no activation. */
export function validateActivation(where: string, classifierActivation: ActivationIdentifier | null, weights: string | null): void {
  if (weights === null) return;
  const name = getActivation(classifierActivation ?? "linear", where).name;
  if (name !== "softmax" && name !== "linear") {
    throw new RangeError(
      `${where}: with pretrained weights the classifierActivation can only be "softmax" or null (logits); got ${valueText(classifierActivation)}`,
    );
  }
}

/** Keras' correct_pad: the zero padding that makes a stride-2 3x3 "valid" convolution behave like TF's "same". */
export function correctPad(inputShape: LayerShape, kernelSize: number): [[number, number], [number, number]] {
  const [h, w] = [inputShape[1], inputShape[2]];
  const adjust = h === null || w === null ? [1, 1] : [1 - (h % 2), 1 - (w % 2)];
  const correct = Math.floor(kernelSize / 2);
  return [[correct - adjust[0], correct], [correct - adjust[1], correct]];
}

/** The common arguments of the ImageNet models (Keras' names in camelCase). */
export interface ApplicationArgs {
  /** Include the fully connected classifier at the top (default true). */
  includeTop?: boolean;
  /** "imagenet" (Keras' published weights), null (random initialization), or the path of a weights file. */
  weights?: "imagenet" | null | string;
  /** A symbolic tensor (from layers.Input) to use as the image input instead of a new Input. */
  inputTensor?: SymbolicTensor;
  /** [height, width, channels]; only to be given with includeTop: false (otherwise the default size). */
  inputShape?: LayerShape;
  /** Without the top: "avg" or "max" global pooling of the last feature maps, or none (4-D output). */
  pooling?: "avg" | "max" | null;
  /** Number of classes of the classifier (1000 with "imagenet" weights). */
  classes?: number;
  /** Activation of the "predictions" layer; null gives logits. */
  classifierActivation?: ActivationIdentifier | null;
  /** The model's name. */
  name?: string;
}

/** The checks every model makes on `weights`, `classes` and `pooling` before building. */
export function checkApplicationArgs(where: string, args: ApplicationArgs, fileExists: (path: string) => boolean): void {
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  if (!(weights === "imagenet" || weights === null || (typeof weights === "string" && fileExists(weights)))) {
    throw new RangeError(
      `${where}: weights must be null (random initialization), "imagenet" (pre-training on ImageNet) or the path of an existing weights file; ` +
        `got ${valueText(weights)}${typeof weights === "string" ? " (no such file)" : ""}`,
    );
  }
  const includeTop = args.includeTop ?? true;
  const classes = args.classes ?? 1000;
  if (!Number.isInteger(classes) || classes <= 0) throw new RangeError(`${where}: classes must be a positive integer, got ${valueText(args.classes)}`);
  if (weights === "imagenet" && includeTop && classes !== 1000) {
    throw new RangeError(`${where}: with weights: "imagenet" and includeTop: true, classes must be 1000; got classes ${classes}. Use includeTop: false and add your own classifier.`);
  }
  const pooling = args.pooling ?? null;
  if (pooling !== null && pooling !== "avg" && pooling !== "max") {
    throw new RangeError(`${where}: pooling must be "avg", "max" or null, got ${valueText(args.pooling)}`);
  }
  if (args.inputTensor !== undefined && !(args.inputTensor instanceof SymbolicTensor)) {
    throw new TypeError(`${where}: inputTensor must be a symbolic tensor from layers.Input(...) (or a layer called on one); to run the model on data, call model.predict(x)`);
  }
}
