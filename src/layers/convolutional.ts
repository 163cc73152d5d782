import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, mul } from "../ops/math.js";
import type { FusedActivation } from "../backend/backend.js";
import { type Conv2DOptions, conv2d } from "../ops/conv.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { avgPool, maxPool } from "../ops/pool.js";
import { Layer, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, addBias, addKernel, kernelBiasConfig, checkWeightOptions, serializeObject } from "./weights.js";
import { fusedActivationOf, single } from "./core.js";
import { fusedConv2d } from "../ops/fused.js";
import { valueText } from "../tensor/value_text.js";
import {
  type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, batchChannelAxis, callChannelsLast, channelWeightAxis, checkDataFormat, layoutText,
  shapeChannelsLast, shapeToChannelsLast,
} from "./data_format.js";

export type PairArg = number | readonly [number, number];
export type KerasPadding = "valid" | "same";

export function pair(v: PairArg, what: string, layer: string): [number, number] {
  // A longer list ([3, 3, 3], a 3-D habit) must not lose its tail without a word.
  const length = typeof v === "number" ? 2 : Array.isArray(v) ? v.length : 0;
  const p: [number, number] = typeof v === "number" ? [v, v] : length === 2 ? [v[0], v[1]] : [NaN, NaN];
  if (!p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${layer}: ${what} must be a positive integer or a pair of them, got ${valueText(v)}`);
  }
  return p;
}

export function checkPadding(p: string | undefined, layer: string): KerasPadding {
  const v = (p ?? "valid").toLowerCase();
  if (v !== "valid" && v !== "same") throw new RangeError(`${layer}: padding must be "valid" or "same", got ${valueText(p)}`);
  return v;
}

/** Keras refuses strides above 1 together with a dilation above 1 (one number per axis, or one for all). */
export function checkStridesWithDilation(where: string, strides: number | readonly number[], dilationRate: number | readonly number[]): void {
  const most = (v: number | readonly number[]): number => (typeof v === "number" ? v : Math.max(...v));
  if (most(strides) > 1 && most(dilationRate) > 1) {
    const text = (v: number | readonly number[]): string => (typeof v === "number" ? String(v) : JSON.stringify(v));
    throw new RangeError(
      `${where}: strides ${text(strides)} > 1 together with dilationRate ${text(dilationRate)} > 1 is not supported (as in Keras); ` +
        `use strides 1 with a dilation, or dilationRate 1 with strides`,
    );
  }
}

/** Output size along one axis for Keras' padding rules (TF's SAME and VALID); 0 or less when the window does not fit. */
export function outSize(n: number | null, k: number, stride: number, dilation: number, padding: KerasPadding): number | null {
  if (n === null) return null;
  const eff = (k - 1) * dilation + 1;
  return padding === "same" ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1;
}

export interface Conv2DArgs extends DataFormatArgs, KernelBiasArgs {
  filters?: number;
  kernelSize?: PairArg;
  strides?: PairArg;
  padding?: KerasPadding | "SAME" | "VALID";
  dilationRate?: PairArg;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  /**
   * Grouped convolution, default 1 (Keras' groups): the input channels split into `groups` blocks,
   * each convolved with filters / groups of the filters; the kernel is [kh, kw, in / groups, filters].
   * filters and the input channels must be multiples of it.
   */
  groups?: number;
}

/** Checks Keras' `groups` of a convolution layer against its filters (the input channels are checked at build). */
export function checkGroups(where: string, groups: unknown, filters: number): number {
  if (groups === undefined || groups === null) return 1;
  if (typeof groups !== "number" || !Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`${where}: groups must be a positive integer, got ${valueText(groups)}`);
  }
  if (filters % groups !== 0) {
    throw new RangeError(`${where}: filters (${filters}) must be a multiple of groups (${groups}); use a divisor of ${filters} for groups, or a multiple of ${groups} for filters`);
  }
  return groups;
}

/** Checks that the input channels split into the layer's groups, naming the layer and the fix. */
export function checkGroupChannels(where: string, inChannels: number, groups: number): void {
  if (inChannels % groups !== 0) {
    throw new RangeError(
      `${where}: the input has ${inChannels} channels, not a multiple of groups (${groups}); ` +
        `use a groups that divides ${inChannels}, or give the input a multiple of ${groups} channels`,
    );
  }
}

/**
 * A depthwise (or separable) convolution's input channels, refused when there are none: each
 * channel has its own filters, so a 0-channel input would give a 0-sized kernel whose gradient
 * divides 0 by 0.
 */
export function checkDepthwiseChannels(where: string, inChannels: number, inputShape: LayerShape): number {
  if (inChannels < 1) {
    throw new RangeError(
      `${where}: the input has ${inChannels} channels (shape ${layerShapeText(inputShape)}); a depthwise convolution filters each input channel, ` +
        "so it needs at least one: check the layer before it, or the data's channel axis",
    );
  }
  return inChannels;
}

/** 2-D convolution over NHWC (or, with dataFormat "channels_first", NCHW) inputs; kernel [kh, kw, in, filters] as Keras stores it. */
export class Conv2D extends Layer {
  static readonly options = layerOptions<Conv2DArgs>({
    filters: true, kernelSize: true, strides: true, padding: true, dilationRate: true, activation: true, useBias: true, ...KERNEL_BIAS_OPTIONS,
    ...DATA_FORMAT_OPTIONS, groups: true,
  });
  readonly dataFormat: DataFormat;
  readonly filters: number;
  readonly groups: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: KerasPadding;
  readonly dilationRate: [number, number];
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly args: Conv2DArgs;

  constructor(args: Conv2DArgs) {
    super(args);
    const where = `Conv2D ${this.name}`;
    if (typeof args.filters !== "number" || !Number.isInteger(args.filters) || args.filters <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, got ${valueText(args.filters)}`);
    }
    if (args.kernelSize === undefined) throw new RangeError(`${where}: kernelSize is required, e.g. layers.Conv2D(32, [3, 3])`);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize, "kernelSize", where);
    this.strides = pair(args.strides ?? 1, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dilationRate = pair(args.dilationRate ?? 1, "dilationRate", where);
    checkStridesWithDilation(where, this.strides, this.dilationRate);
    this.activation = getActivation(args.activation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
    this.groups = checkGroups(where, args.groups, this.filters);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const where = `Conv2D ${this.name}`;
    if (inputShape.length !== 4) {
      const example = this.dataFormat === "channels_first" ? "[-1, 1, 28, 28]" : "[-1, 28, 28, 1]";
      throw new RangeError(`${where}: expects inputs of rank 4 ${layoutText(this.dataFormat)}, got shape ${layerShapeText(inputShape)}; add a channel axis, e.g. reshape to ${example}`);
    }
    const inC = shapeToChannelsLast(this.dataFormat, inputShape, 1)[3];
    if (inC === null) throw new RangeError(`${where}: the channel dimension of the input must be known, got ${layerShapeText(inputShape)}`);
    checkGroupChannels(where, inC, this.groups);
    this.kernel = addKernel(this, [...this.kernelSize, inC / this.groups, this.filters], this.args);
    if (this.useBias) this.bias = addBias(this, this.filters, this.args);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    // The shape check names the layer and its input on tensors too, before the op would.
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.callNHWC(xl), batchChannelAxis);
  }

  private get opOptions(): Conv2DOptions {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups };
  }

  private callNHWC(x: Tensor): Tensor {
    const opts = this.opOptions;
    const fused = fusedActivationOf(this.activation);
    if (x.dtype === this.kernel!.dtype && (x.dtype === "float32" || x.dtype === "float64")) {
      const y = fusedConv2d(x, this.kernel!, this.bias, opts, fused ?? "linear");
      return fused !== null ? y : this.activation.fn(y);
    }
    let y = conv2d(x, this.kernel!, opts);
    if (this.bias) y = add(y, this.bias);
    return this.activation.fn(y);
  }

  /**
   * activation(channelAffine(this layer's linear output)): the convolution with kernel * scale and
   * bias * scale + shift, per output channel. Used to fold an inference-mode BatchNormalization
   * (and the activation after it) into this layer, whose own activation must be linear.
   */
  callWithChannelAffine(x: Tensor, scale: Tensor, shift: Tensor, activation: FusedActivation): Tensor {
    if (fusedActivationOf(this.activation) !== "linear") {
      throw new Error(`Conv2D ${this.name}.callWithChannelAffine: the layer's own activation (${this.activation.name}) must be linear`);
    }
    const opts = this.opOptions;
    const kernel = mul(this.kernel!, scale);
    const bias = this.bias ? add(mul(this.bias, scale), shift) : shift;
    return callChannelsLast(this.dataFormat, x, (xl) => fusedConv2d(xl, kernel, bias, opts, activation), batchChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return shapeChannelsLast(this.dataFormat, s, (sl) => this.outputShapeNHWC(sl, s), batchChannelAxis);
  }

  private outputShapeNHWC(s: LayerShape, given: LayerShape): LayerShape {
    const out = [0, 1].map((i) => outSize(s[i + 1], this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding));
    checkWindowOutput(`Conv2D ${this.name}`, () => `input ${layerShapeText(given)}`, {
      what: "kernel", window: this.kernelSize, strides: this.strides, dilations: this.dilationRate, padding: this.padding, out,
    });
    return [s[0], out[0], out[1], this.filters];
  }

  protected override weightAxes(): readonly number[] {
    return [channelWeightAxis(this.dataFormat)];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernel_size: this.kernelSize, strides: this.strides,
      padding: this.padding, data_format: this.dataFormat, dilation_rate: this.dilationRate, groups: this.groups,
      activation: this.activation.name, use_bias: this.useBias,
      ...kernelBiasConfig(this.args), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}

export interface Pooling2DArgs extends DataFormatArgs {
  poolSize?: PairArg;
  /** Defaults to the pool size, as in Keras. */
  strides?: PairArg | null;
  padding?: KerasPadding | "SAME" | "VALID";
}

/** The Pooling2DArgs option list: MaxPooling2D, AveragePooling2D and MaxAbsPool2D. */
export const POOLING_OPTIONS = layerOptions<Pooling2DArgs>({ poolSize: true, strides: true, padding: true, ...DATA_FORMAT_OPTIONS });

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: KerasPadding;
  readonly dataFormat: DataFormat;

  constructor(args: Pooling2DArgs) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.poolSize = pair(args.poolSize ?? 2, "poolSize", where);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : pair(args.strides, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  override build(inputShape: LayerShape): void {
    if (inputShape.length !== 4) {
      throw new RangeError(`${this.className} ${this.name}: expects inputs of rank 4 ${layoutText(this.dataFormat)}, got shape ${layerShapeText(inputShape)}`);
    }
    this.built = true;
  }

  protected abstract pool(x: Tensor): Tensor;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    // The shape check names the layer and its input on tensors too, before the op would.
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.pool(xl), batchChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return shapeChannelsLast(this.dataFormat, s, (sl) => this.outputShapeNHWC(sl, s), batchChannelAxis);
  }

  private outputShapeNHWC(s: LayerShape, given: LayerShape): LayerShape {
    const out = [0, 1].map((i) => outSize(s[i + 1], this.poolSize[i], this.strides[i], 1, this.padding));
    checkWindowOutput(`${this.className} ${this.name}`, () => `input ${layerShapeText(given)}`, {
      what: "pool", window: this.poolSize, strides: this.strides, padding: this.padding, out,
    });
    return [s[0], out[0], out[1], s[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize, padding: this.padding, strides: this.strides, data_format: this.dataFormat };
  }
}

export class MaxPooling2D extends Pooling2D {
  static readonly options = POOLING_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return maxPool(x, this.poolSize, this.strides, this.padding);
  }
}

export class AveragePooling2D extends Pooling2D {
  static readonly options = POOLING_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return avgPool(x, this.poolSize, this.strides, this.padding);
  }
}

