/**
 * Keras 3's other 2-D convolutions: Conv2DTranspose, DepthwiseConv2D and SeparableConv2D, on
 * NHWC inputs (NCHW with dataFormat "channels_first") with the kernels stored in the shapes Keras'
 * get_weights() returns.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add } from "../ops/math.js";
import { conv2d, conv2dTranspose, depthwiseConv2d } from "../ops/conv.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type KerasPadding, type PairArg, checkDepthwiseChannels, checkPadding, checkStridesWithDilation, outSize, pair } from "./convolutional.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { checkOutputPadding, transposeLength } from "./conv_transpose_geometry.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import {
  type ConstraintArg, type InitializerArg, type RegularizerArg,
  addBias as addBiasWeight, addKernel, kernelBiasConfig, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject, checkWeightOptions,
} from "./weights.js";
import { valueText } from "../tensor/value_text.js";
import {
  type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, batchChannelAxis, callChannelsLast, channelWeightAxis, checkDataFormat, layoutText,
  shapeChannelsLast, shapeFromChannelsLast, shapeToChannelsLast,
} from "./data_format.js";

/** What every convolution here accepts: geometry, activation and bias. */
interface ConvCommonArgs extends DataFormatArgs {
  kernelSize?: PairArg;
  strides?: PairArg;
  padding?: KerasPadding | "SAME" | "VALID";
  dilationRate?: PairArg;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  biasInitializer?: InitializerArg;
  biasRegularizer?: RegularizerArg;
  biasConstraint?: ConstraintArg;
}

/** Geometry and bias handling shared by the three layers. */
const CONV_COMMON_OPTIONS = {
  kernelSize: true, strides: true, padding: true, dilationRate: true, activation: true, useBias: true,
  biasInitializer: true, biasRegularizer: true, biasConstraint: true, ...DATA_FORMAT_OPTIONS,
} as const satisfies Record<Exclude<keyof ConvCommonArgs, keyof LayerArgs>, true>;

abstract class ConvBase extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: KerasPadding;
  readonly dilationRate: [number, number];
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  readonly dataFormat: DataFormat;
  bias: Variable | null = null;
  protected readonly common: ConvCommonArgs;

  constructor(args: ConvCommonArgs) {
    super(args);
    const where = this.where;
    if (args.kernelSize === undefined) {
      throw new RangeError(`${where}: kernelSize is required, e.g. layers.${this.className}(${this.className === "DepthwiseConv2D" ? "" : "32, "}[3, 3])`);
    }
    this.kernelSize = pair(args.kernelSize, "kernelSize", where);
    this.strides = pair(args.strides ?? 1, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dilationRate = pair(args.dilationRate ?? 1, "dilationRate", where);
    checkStridesWithDilation(where, this.strides, this.dilationRate);
    this.activation = getActivation(args.activation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.common = args;
  }

  protected get where(): string {
    return `${this.className} ${this.name}`;
  }

  /** The channel count of an input shape in the layer's data format, after checking the rank. */
  protected channelsOf(shape: LayerShape): number {
    if (shape.length !== 4) {
      const example = this.dataFormat === "channels_first" ? "[1, 28, 28]" : "[28, 28, 1]";
      throw new RangeError(
        `${this.where}: expects inputs of rank 4 ${layoutText(this.dataFormat)}, got shape ${layerShapeText(shape)}; ` +
          `add a channel axis, e.g. layers.Reshape(${example})`,
      );
    }
    const c = shapeToChannelsLast(this.dataFormat, shape, 1)[3];
    if (c === null) throw new RangeError(`${this.where}: the channel dimension of the input must be known, got ${layerShapeText(shape)}`);
    return c;
  }

  protected override weightAxes(): readonly number[] {
    return [channelWeightAxis(this.dataFormat)];
  }

  /** The input channel count the weights were built for. */
  protected abstract builtChannels(): number;
  /** The layer's computation on an NHWC batch. */
  protected abstract callNHWC(x: Tensor): Tensor;
  /** The output shape for an NHWC input shape. */
  protected abstract outputShapeNHWC(s: LayerShape): LayerShape;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const expected = this.builtChannels();
    if (x.rank !== 4 || this.channelsOf(x.shape) !== expected) {
      throw new RangeError(
        `${this.where}: was built for inputs with ${expected} channels (rank 4, ${layoutText(this.dataFormat)}) but got shape ${layerShapeText(x.shape)}; ` +
          `a layer keeps the channel count it was first called with`,
      );
    }
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.callNHWC(xl), batchChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    this.channelsOf(s);
    return shapeChannelsLast(this.dataFormat, s, (l) => this.outputShapeNHWC(l), batchChannelAxis);
  }

  protected addBias(units: number): void {
    if (!this.useBias) return;
    this.bias = addBiasWeight(this, units, this.common);
  }

  protected finish(y: Tensor): Tensor {
    return this.activation.fn(this.bias ? add(y, this.bias) : y);
  }

  /** Output rows and columns of a forward convolution (Keras/TF "same" and "valid"), refusing a kernel that does not fit. */
  protected convOut(s: LayerShape): [number | null, number | null] {
    const out = [0, 1].map((i) => outSize(s[i + 1], this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding));
    checkWindowOutput(this.where, () => `input ${layerShapeText(shapeFromChannelsLast(this.dataFormat, s, 1))}`, {
      what: "kernel", window: this.kernelSize, strides: this.strides, dilations: this.dilationRate, padding: this.padding, out,
    });
    return [out[0], out[1]];
  }

  protected geometryConfig(): Record<string, unknown> {
    return {
      kernel_size: [...this.kernelSize], strides: [...this.strides], padding: this.padding,
      data_format: this.dataFormat, dilation_rate: [...this.dilationRate],
      activation: this.activation.name, use_bias: this.useBias,
    };
  }
}

function checkPositive(where: string, what: string, v: unknown, example: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${where}: ${what} must be a positive integer, got ${valueText(v)}; e.g. ${example}`);
  }
  return v;
}

// ------------------------------------------------------------------ Conv2DTranspose

export interface Conv2DTransposeArgs extends ConvCommonArgs {
  filters?: number;
  /** Extra rows/columns at the bottom/right of the output (each < the stride); default none. */
  outputPadding?: number | readonly [number, number] | null;
  kernelInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerArg;
  kernelConstraint?: ConstraintArg;
}

/**
 * Transposed convolution ("deconvolution"): the gradient of a Conv2D with respect to its input,
 * upsampling by the strides. The kernel is [kh, kw, filters, inChannels] as Keras stores it.
 * Output size per axis (Keras): "valid": (n - 1) * s + max(k, s) without outputPadding, else
 * (n - 1) * s + k + outputPadding; "same": n * s without outputPadding, else
 * (n - 1) * s + k % 2 + outputPadding (k is the dilated kernel size).
 */
export class Conv2DTranspose extends ConvBase {
  static readonly options = layerOptions<Conv2DTransposeArgs>({
    ...CONV_COMMON_OPTIONS, filters: true, outputPadding: true, kernelInitializer: true, kernelRegularizer: true, kernelConstraint: true,
  });
  readonly filters: number;
  readonly outputPadding: [number, number] | null;
  kernel: Variable | null = null;
  private readonly args: Conv2DTransposeArgs;

  constructor(args: Conv2DTransposeArgs) {
    super(args);
    const where = this.where;
    this.filters = checkPositive(where, "filters", args.filters, "layers.Conv2DTranspose(32, [3, 3], { strides: 2 })");
    this.outputPadding = checkOutputPadding(where, args.outputPadding, this) as [number, number] | null;
    this.args = args;
  }

  /** Keras' conv transpose output length along one axis. */
  private outLength(n: number | null, axis: 0 | 1): number | null {
    return transposeLength(n, axis, this, this.outputPadding);
  }

  override build(inputShape: LayerShape): void {
    const inC = this.channelsOf(inputShape);
    this.kernel = addKernel(this, [...this.kernelSize, this.filters, inC], this.args);
    this.addBias(this.filters);
    this.built = true;
  }

  protected builtChannels(): number {
    return this.kernel!.shape[3];
  }

  protected callNHWC(x: Tensor): Tensor {
    const outShape = [x.shape[0], this.outLength(x.shape[1], 0)!, this.outLength(x.shape[2], 1)!, this.filters];
    const y = conv2dTranspose(x, this.kernel!, outShape, { strides: this.strides, padding: this.padding, dilations: this.dilationRate });
    return this.finish(y);
  }

  protected outputShapeNHWC(s: LayerShape): LayerShape {
    return [s[0], this.outLength(s[1], 0), this.outLength(s[2], 1), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    const g = this.geometryConfig();
    return {
      ...super.getConfig(), filters: this.filters, kernel_size: g.kernel_size, strides: g.strides, padding: g.padding,
      // Keras 3.5 leaves output_padding out of its config; written only when set, so that it is kept.
      ...(this.outputPadding ? { output_padding: [...this.outputPadding] } : {}),
      data_format: g.data_format, dilation_rate: g.dilation_rate, activation: g.activation, use_bias: g.use_bias,
      ...kernelBiasConfig(this.args), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}

// ------------------------------------------------------------------ DepthwiseConv2D

export interface DepthwiseConv2DArgs extends ConvCommonArgs {
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerArg;
  depthwiseConstraint?: ConstraintArg;
}

/**
 * Convolves each input channel with its own `depthMultiplier` filters; output channel
 * c * depthMultiplier + m. The kernel (weight "kernel", as Keras 3 names it) is
 * [kh, kw, inChannels, depthMultiplier]; the bias has inChannels * depthMultiplier entries.
 */
export class DepthwiseConv2D extends ConvBase {
  static readonly options = layerOptions<DepthwiseConv2DArgs>({
    ...CONV_COMMON_OPTIONS, depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true, depthwiseConstraint: true,
  });
  readonly depthMultiplier: number;
  kernel: Variable | null = null;
  private readonly args: DepthwiseConv2DArgs;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    this.depthMultiplier = checkPositive(this.where, "depthMultiplier", args.depthMultiplier ?? 1, "layers.DepthwiseConv2D(3, { depthMultiplier: 2 })");
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inC = checkDepthwiseChannels(this.where, this.channelsOf(inputShape), inputShape);
    this.computeOutputShape(inputShape);
    this.kernel = this.addWeight("kernel", [...this.kernelSize, inC, this.depthMultiplier], {
      initializer: resolveInitializer(this.args.depthwiseInitializer ?? "glorot_uniform"),
      regularizer: resolveRegularizer(this.args.depthwiseRegularizer),
      constraint: resolveConstraint(this.args.depthwiseConstraint),
    });
    this.addBias(inC * this.depthMultiplier);
    this.built = true;
  }

  protected builtChannels(): number {
    return this.kernel!.shape[2];
  }

  protected callNHWC(x: Tensor): Tensor {
    return this.finish(depthwiseConv2d(x, this.kernel!, { strides: this.strides, padding: this.padding, dilations: this.dilationRate }));
  }

  protected outputShapeNHWC(s: LayerShape): LayerShape {
    const c = s[3] === null ? null : s[3] * this.depthMultiplier;
    return [s[0], ...this.convOut(s), c];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), depth_multiplier: this.depthMultiplier, ...this.geometryConfig(),
      depthwise_initializer: serializeObject(resolveInitializer(this.args.depthwiseInitializer ?? "glorot_uniform")),
      bias_initializer: serializeObject(resolveInitializer(this.args.biasInitializer ?? "zeros")),
      depthwise_regularizer: serializeObject(resolveRegularizer(this.args.depthwiseRegularizer)),
      bias_regularizer: serializeObject(resolveRegularizer(this.args.biasRegularizer)),
      activity_regularizer: serializeObject(this.activityRegularizer),
      depthwise_constraint: serializeObject(resolveConstraint(this.args.depthwiseConstraint)),
      bias_constraint: serializeObject(resolveConstraint(this.args.biasConstraint)),
    };
  }
}

// ------------------------------------------------------------------ SeparableConv2D

export interface SeparableConv2DArgs extends ConvCommonArgs {
  filters?: number;
  /** Channels per input channel after the depthwise step. Default 1. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  pointwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerArg;
  pointwiseRegularizer?: RegularizerArg;
  depthwiseConstraint?: ConstraintArg;
  pointwiseConstraint?: ConstraintArg;
}

/**
 * A depthwise convolution (with the strides, padding and dilation) followed by a pointwise 1x1
 * convolution to `filters` channels. Weights, in Keras' order: depthwise_kernel
 * [kh, kw, in, depthMultiplier], pointwise_kernel [1, 1, in * depthMultiplier, filters], bias [filters].
 */
export class SeparableConv2D extends ConvBase {
  static readonly options = layerOptions<SeparableConv2DArgs>({
    ...CONV_COMMON_OPTIONS, filters: true, depthMultiplier: true, depthwiseInitializer: true, pointwiseInitializer: true,
    depthwiseRegularizer: true, pointwiseRegularizer: true, depthwiseConstraint: true, pointwiseConstraint: true,
  });
  readonly filters: number;
  readonly depthMultiplier: number;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;
  private readonly args: SeparableConv2DArgs;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    this.filters = checkPositive(this.where, "filters", args.filters, "layers.SeparableConv2D(64, [3, 3])");
    this.depthMultiplier = checkPositive(this.where, "depthMultiplier", args.depthMultiplier ?? 1, "layers.SeparableConv2D(64, 3, { depthMultiplier: 2 })");
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inC = checkDepthwiseChannels(this.where, this.channelsOf(inputShape), inputShape);
    this.computeOutputShape(inputShape);
    this.depthwiseKernel = this.addWeight("depthwise_kernel", [...this.kernelSize, inC, this.depthMultiplier], {
      initializer: resolveInitializer(this.args.depthwiseInitializer ?? "glorot_uniform"),
      regularizer: resolveRegularizer(this.args.depthwiseRegularizer),
      constraint: resolveConstraint(this.args.depthwiseConstraint),
    });
    this.pointwiseKernel = this.addWeight("pointwise_kernel", [1, 1, inC * this.depthMultiplier, this.filters], {
      initializer: resolveInitializer(this.args.pointwiseInitializer ?? "glorot_uniform"),
      regularizer: resolveRegularizer(this.args.pointwiseRegularizer),
      constraint: resolveConstraint(this.args.pointwiseConstraint),
    });
    this.addBias(this.filters);
    this.built = true;
  }

  protected builtChannels(): number {
    return this.depthwiseKernel!.shape[2];
  }

  protected callNHWC(x: Tensor): Tensor {
    const d = depthwiseConv2d(x, this.depthwiseKernel!, { strides: this.strides, padding: this.padding, dilations: this.dilationRate });
    return this.finish(conv2d(d, this.pointwiseKernel!, { strides: 1, padding: "valid" }));
  }

  protected outputShapeNHWC(s: LayerShape): LayerShape {
    return [s[0], ...this.convOut(s), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), depth_multiplier: this.depthMultiplier, filters: this.filters, ...this.geometryConfig(),
      depthwise_initializer: serializeObject(resolveInitializer(this.args.depthwiseInitializer ?? "glorot_uniform")),
      pointwise_initializer: serializeObject(resolveInitializer(this.args.pointwiseInitializer ?? "glorot_uniform")),
      bias_initializer: serializeObject(resolveInitializer(this.args.biasInitializer ?? "zeros")),
      depthwise_regularizer: serializeObject(resolveRegularizer(this.args.depthwiseRegularizer)),
      pointwise_regularizer: serializeObject(resolveRegularizer(this.args.pointwiseRegularizer)),
      bias_regularizer: serializeObject(resolveRegularizer(this.args.biasRegularizer)),
      activity_regularizer: serializeObject(this.activityRegularizer),
      depthwise_constraint: serializeObject(resolveConstraint(this.args.depthwiseConstraint)),
      pointwise_constraint: serializeObject(resolveConstraint(this.args.pointwiseConstraint)),
      bias_constraint: serializeObject(resolveConstraint(this.args.biasConstraint)),
    };
  }
}
