/**
 * Keras' Conv3D and Conv3DTranspose over volumes [batch, depth, height, width, channels]
 * ([batch, channels, depth, height, width] with dataFormat "channels_first"), with the kernels in
 * the shapes Keras' get_weights() returns: Conv3D [kd, kh, kw, in / groups, filters],
 * Conv3DTranspose [kd, kh, kw, filters, in].
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add } from "../ops/math.js";
import { type Conv3DOptions, conv3d, conv3dTranspose } from "../ops/conv3d.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { Layer, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type KerasPadding, checkGroupChannels, checkGroups, checkPadding, checkStridesWithDilation, outSize } from "./convolutional.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, addBias, addKernel, checkWeightOptions, kernelBiasConfig, serializeObject } from "./weights.js";
import { valueText } from "../tensor/value_text.js";
import { checkOutputPadding, transposeLength } from "./conv_transpose_geometry.js";
import {
  type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, callChannelsLast, channelWeightAxis, checkDataFormat, shapeChannelsLast,
  shapeToChannelsLast, volumeChannelAxis, volumeLayoutText,
} from "./data_format.js";

/** A per-axis size of a 3-D layer: one number for all three axes or [depth, height, width]. */
export type TripleArg = number | readonly [number, number, number];

/** [d, h, w] of positive integers from a number or a triple, naming the layer and option on error. */
export function triple(v: TripleArg, what: string, where: string): [number, number, number] {
  const t = typeof v === "number" ? [v, v, v] : Array.isArray(v) && v.length === 3 ? v : [NaN];
  if (t.length !== 3 || !t.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${where}: ${what} must be a positive integer or a list of three [depth, height, width], got ${valueText(v)}`);
  }
  return [t[0], t[1], t[2]];
}

/** Checks a rank-5 volume batch, naming the layer, the layout and the fix. */
export function checkRank5(where: string, format: DataFormat, shape: LayerShape): void {
  if (shape.length !== 5) {
    throw new RangeError(
      `${where}: expects inputs of rank 5 ${volumeLayoutText(format)}, got shape ${layerShapeText(shape)}; ` +
        `add the missing axis, e.g. layers.Reshape(${format === "channels_first" ? "[1, 16, 32, 32]" : "[16, 32, 32, 1]"})`,
    );
  }
}

interface Conv3DCommonArgs extends DataFormatArgs, KernelBiasArgs {
  filters?: number;
  kernelSize?: TripleArg;
  strides?: TripleArg;
  padding?: KerasPadding | "SAME" | "VALID";
  dilationRate?: TripleArg;
  activation?: ActivationIdentifier;
  useBias?: boolean;
}

const COMMON_OPTIONS = {
  filters: true, kernelSize: true, strides: true, padding: true, dilationRate: true, activation: true, useBias: true,
  ...KERNEL_BIAS_OPTIONS, ...DATA_FORMAT_OPTIONS,
} as const;

abstract class Conv3DBase extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number, number];
  readonly strides: [number, number, number];
  readonly padding: KerasPadding;
  readonly dilationRate: [number, number, number];
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  readonly dataFormat: DataFormat;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  protected readonly args: Conv3DCommonArgs;

  constructor(args: Conv3DCommonArgs) {
    super(args);
    const where = this.where;
    const example = `layers.${this.className}(16, 3)`;
    if (typeof args.filters !== "number" || !Number.isInteger(args.filters) || args.filters <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, got ${valueText(args.filters)}; e.g. ${example}`);
    }
    if (args.kernelSize === undefined) throw new RangeError(`${where}: kernelSize is required, e.g. ${example}`);
    this.filters = args.filters;
    this.kernelSize = triple(args.kernelSize, "kernelSize", where);
    this.strides = triple(args.strides ?? 1, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dilationRate = triple(args.dilationRate ?? 1, "dilationRate", where);
    checkStridesWithDilation(where, this.strides, this.dilationRate);
    this.activation = getActivation(args.activation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
    checkWeightOptions(where, args);
    this.args = args;
  }

  protected get where(): string {
    return `${this.className} ${this.name}`;
  }

  /** The channel count of an input shape in the layer's data format, after checking the rank. */
  protected channelsOf(shape: LayerShape): number {
    checkRank5(this.where, this.dataFormat, shape);
    const c = shapeToChannelsLast(this.dataFormat, shape, volumeChannelAxis(5))[4];
    if (c === null) throw new RangeError(`${this.where}: the channel dimension of the input must be known, got ${layerShapeText(shape)}`);
    return c;
  }

  protected abstract callNDHWC(x: Tensor): Tensor;
  /** The output shape for a channels-last input shape `s` (`given`: the input's shape as called, for messages). */
  protected abstract outputShapeNDHWC(s: LayerShape, given: LayerShape): LayerShape;
  /** The input channel count the weights were built for. */
  protected abstract builtChannels(): number;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const c = this.channelsOf(x.shape);
    if (c !== this.builtChannels()) {
      throw new RangeError(
        `${this.where}: was built for inputs with ${this.builtChannels()} channels but got shape ${layerShapeText(x.shape)} (${c} channels); ` +
          `a layer keeps the channel count it was first called with`,
      );
    }
    this.computeOutputShape(x.shape);
    const y = callChannelsLast(this.dataFormat, x, (xl) => {
      const z = this.callNDHWC(xl);
      return this.bias ? add(z, this.bias) : z;
    }, volumeChannelAxis);
    return this.activation.fn(y);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    this.channelsOf(s);
    return shapeChannelsLast(this.dataFormat, s, (l) => this.outputShapeNDHWC(l, s), volumeChannelAxis);
  }

  protected override weightAxes(): readonly number[] {
    return [channelWeightAxis(this.dataFormat)];
  }

  protected geometryConfig(): Record<string, unknown> {
    return {
      filters: this.filters, kernel_size: [...this.kernelSize], strides: [...this.strides], padding: this.padding,
      data_format: this.dataFormat, dilation_rate: [...this.dilationRate],
    };
  }

  protected weightConfig(): Record<string, unknown> {
    return {
      activation: this.activation.name, use_bias: this.useBias, ...kernelBiasConfig(this.args),
      activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}

// ------------------------------------------------------------------ Conv3D

export interface Conv3DArgs extends Conv3DCommonArgs {
  /**
   * Grouped convolution, default 1 (Keras' groups): the input channels split into `groups` blocks,
   * each convolved with filters / groups of the filters; kernel [kd, kh, kw, in / groups, filters].
   */
  groups?: number;
}

/** 3-D convolution over volumes (video frames, scans): [batch, d, h, w, in] -> [batch, outD, outH, outW, filters]. */
export class Conv3D extends Conv3DBase {
  static readonly options = layerOptions<Conv3DArgs>({ ...COMMON_OPTIONS, groups: true });
  readonly groups: number;

  constructor(args: Conv3DArgs) {
    super(args);
    this.groups = checkGroups(this.where, args.groups, this.filters);
  }

  private get opOptions(): Conv3DOptions {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups };
  }

  override build(inputShape: LayerShape): void {
    const inC = this.channelsOf(inputShape);
    checkGroupChannels(this.where, inC, this.groups);
    this.computeOutputShape(inputShape);
    this.kernel = addKernel(this, [...this.kernelSize, inC / this.groups, this.filters], this.args);
    if (this.useBias) this.bias = addBias(this, this.filters, this.args);
    this.built = true;
  }

  protected builtChannels(): number {
    return this.kernel!.shape[3] * this.groups;
  }

  protected callNDHWC(x: Tensor): Tensor {
    return conv3d(x, this.kernel!, this.opOptions);
  }

  protected outputShapeNDHWC(s: LayerShape, given: LayerShape): LayerShape {
    const out = s.slice(1, 4).map((n, i) => outSize(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding));
    checkWindowOutput(this.where, () => `input ${layerShapeText(given)}`, {
      what: "kernel", window: this.kernelSize, strides: this.strides, dilations: this.dilationRate, padding: this.padding, out,
    });
    return [s[0], ...out, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.geometryConfig(), groups: this.groups, ...this.weightConfig() };
  }
}

// ------------------------------------------------------------------ Conv3DTranspose

export interface Conv3DTransposeArgs extends Conv3DCommonArgs {
  /** Extra planes/rows/columns at the end of the output (each below its stride); default none. */
  outputPadding?: number | readonly [number, number, number] | null;
}

/**
 * Transposed 3-D convolution, upsampling by the strides: the gradient of a Conv3D with respect to
 * its input. Output size per axis (Keras 3.5's compute_conv_transpose_output_shape): "valid":
 * (n - 1) * s + max(k, s), "same": n * s, k being the dilated kernel size; with outputPadding p,
 * (n - 1) * s + k + p and (n - 1) * s + k % 2 + p.
 */
export class Conv3DTranspose extends Conv3DBase {
  static readonly options = layerOptions<Conv3DTransposeArgs>({ ...COMMON_OPTIONS, outputPadding: true });
  /** Keras' output_padding per axis, or null when not set. */
  readonly outputPadding: [number, number, number] | null;

  constructor(args: Conv3DTransposeArgs) {
    super(args);
    this.outputPadding = checkOutputPadding(this.where, args.outputPadding, this) as [number, number, number] | null;
  }

  override build(inputShape: LayerShape): void {
    const inC = this.channelsOf(inputShape);
    this.kernel = addKernel(this, [...this.kernelSize, this.filters, inC], this.args);
    if (this.useBias) this.bias = addBias(this, this.filters, this.args);
    this.built = true;
  }

  protected builtChannels(): number {
    return this.kernel!.shape[4];
  }

  private outLength(n: number | null, i: number): number | null {
    return transposeLength(n, i, this, this.outputPadding);
  }

  protected callNDHWC(x: Tensor): Tensor {
    const outShape = [x.shape[0], ...x.shape.slice(1, 4).map((n, i) => this.outLength(n, i)!), this.filters];
    return conv3dTranspose(x, this.kernel!, outShape, { strides: this.strides, padding: this.padding, dilations: this.dilationRate });
  }

  protected outputShapeNDHWC(s: LayerShape): LayerShape {
    return [s[0], ...s.slice(1, 4).map((n, i) => this.outLength(n, i)), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), ...this.geometryConfig(),
      // Keras 3.5 takes output_padding but leaves it out of its config; written only when set, so that it is kept.
      ...(this.outputPadding ? { output_padding: [...this.outputPadding] } : {}),
      ...this.weightConfig(),
    };
  }
}
