/**
 * Keras' Conv1D over sequences [batch, steps, channels] ([batch, channels, steps] with dataFormat
 * "channels_first"), with the kernel [kernelSize, inChannels / groups, filters] as Keras stores it.
 * The convolution runs as lamina's 2-D one on a [batch, 1, steps, channels] view with a
 * [1, kernelSize] kernel, so it shares its kernels and gradients.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add } from "../ops/math.js";
import { reshape } from "../ops/shape.js";
import { type Conv2DOptions, conv2d } from "../ops/conv.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { fusedConv2d } from "../ops/fused.js";
import { Layer, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, callChannelsLast, channelWeightAxis, checkDataFormat, sequenceChannelAxis, shapeChannelsLast, shapeFromChannelsLast, shapeToChannelsLast } from "./data_format.js";
import { checkGroupChannels, checkGroups, checkStridesWithDilation } from "./convolutional.js";
import { layerShapeText } from "./symbolic.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, addBias, addKernel, checkWeightOptions, kernelBiasConfig, serializeObject } from "./weights.js";
import { fusedActivationOf, single } from "./core.js";
import { valueText } from "../tensor/value_text.js";

/** A 1-D size: a number or Keras' one-element tuple form [n]. */
export type Size1DArg = number | readonly [number];
export type Padding1D = "valid" | "same" | "causal";

/** A positive integer from a number or a one-element list, naming the layer and option on error. */
export function size1D(v: Size1DArg, what: string, where: string): number {
  const n = typeof v === "number" ? v : Array.isArray(v) && v.length === 1 ? v[0] : NaN;
  if (!(typeof n === "number" && Number.isInteger(n) && n > 0)) {
    throw new RangeError(`${where}: ${what} must be a positive integer or a list of one, got ${valueText(v)}`);
  }
  return n;
}

/** Keras' padding names for 1-D layers (any letter case); "causal" only where `causal` allows it. */
export function padding1D(p: string | undefined, where: string, causal: boolean): Padding1D {
  const v = (p ?? "valid").toLowerCase();
  if (v === "valid" || v === "same" || (causal && v === "causal")) return v;
  throw new RangeError(`${where}: padding must be ${causal ? `"valid", "same" or "causal"` : `"valid" or "same"`}, got ${valueText(p)}`);
}

/** Checks a [batch, steps, channels] shape, naming the layer and the fix. */
export function checkRank3(where: string, shape: LayerShape): void {
  if (shape.length !== 3) {
    throw new RangeError(
      `${where}: expects inputs of rank 3 (batch, steps, channels), got shape ${layerShapeText(shape)}; ` +
        `for a series with one value per step add a channel axis, e.g. layers.Reshape([steps, 1])`,
    );
  }
}

/** The [batch, 1, steps, channels] view the 2-D ops take. */
export function as2D(x: Tensor): Tensor {
  return reshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]]);
}

/** Back from the 2-D ops' [batch, 1, steps, channels]. */
export function from2D(y: Tensor): Tensor {
  return reshape(y, [y.shape[0], y.shape[2], y.shape[3]]);
}

/** A [k, ...] kernel as the 2-D ops' [1, k, ...]. */
export function kernel2D(kernel: Tensor): Tensor {
  return reshape(kernel, [1, ...kernel.shape]);
}

/** What Conv1D and the other 1-D convolutions take: geometry, activation and bias. */
export interface Conv1DCommonArgs extends DataFormatArgs {
  kernelSize?: Size1DArg;
  strides?: Size1DArg;
  dilationRate?: Size1DArg;
  activation?: ActivationIdentifier;
  useBias?: boolean;
}

/** The options every 1-D convolution takes (for layerOptions). */
export const CONV1D_COMMON_OPTIONS = {
  kernelSize: true, strides: true, padding: true, dilationRate: true, activation: true, useBias: true, ...DATA_FORMAT_OPTIONS,
} as const;

/**
 * Geometry, activation, data format and shape checks shared by the 1-D convolutions. A subclass
 * computes on channels_last [batch, steps, channels] (callSteps, stepsOutputShape); a
 * channels_first layer's input is moved to that layout and its output back, here.
 */
export abstract class Conv1DBase extends Layer {
  readonly dataFormat: DataFormat;
  readonly kernelSize: number;
  readonly strides: number;
  readonly dilationRate: number;
  readonly padding: Padding1D;
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  bias: Variable | null = null;
  /** Whether the layer takes padding "causal" (Conv1D does). */
  private readonly causalAllowed: boolean;

  constructor(args: Conv1DCommonArgs & { padding?: string }, causal: boolean, example: string) {
    super(args);
    const where = this.where;
    if (args.kernelSize === undefined) throw new RangeError(`${where}: kernelSize is required, e.g. ${example}`);
    this.kernelSize = size1D(args.kernelSize, "kernelSize", where);
    this.strides = size1D(args.strides ?? 1, "strides", where);
    this.dilationRate = size1D(args.dilationRate ?? 1, "dilationRate", where);
    this.padding = padding1D(args.padding, where, causal);
    this.causalAllowed = causal;
    checkStridesWithDilation(where, this.strides, this.dilationRate);
    this.activation = getActivation(args.activation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
    checkWeightOptions(where, args);
  }

  protected abstract callSteps(x: Tensor): Tensor;
  protected abstract stepsOutputShape(s: LayerShape): LayerShape;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    // The shape check names the layer and its input on tensors too, before the op would.
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.callSteps(xl), sequenceChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return shapeChannelsLast(this.dataFormat, s, (l) => this.stepsOutputShape(l), sequenceChannelAxis);
  }

  /** The channel count of an input shape in the layer's data format (for build). */
  protected inputChannels(shape: LayerShape): number {
    return this.channelsOf(shapeToChannelsLast(this.dataFormat, shape, sequenceChannelAxis(shape.length)));
  }

  protected get where(): string {
    return `${this.className} ${this.name}`;
  }

  /** The channel count of a channels_last [batch, steps, channels] shape, after checking the rank. */
  protected channelsOf(shape: LayerShape): number {
    checkRank3(this.where, shape);
    const c = shape[2];
    if (c === null) throw new RangeError(`${this.where}: the channel dimension of the input must be known, got ${layerShapeText(shape)}`);
    return c;
  }

  protected override weightAxes(): readonly number[] {
    return [channelWeightAxis(this.dataFormat)];
  }

  /** The dilated kernel's span. */
  protected get span(): number {
    return (this.kernelSize - 1) * this.dilationRate + 1;
  }

  /** Output steps of a forward convolution ("causal" keeps ceil(n / strides), as "same"), refusing a kernel that does not fit. */
  protected convSteps(n: number | null, shape: LayerShape): number | null {
    if (n === null) return null;
    const out = this.padding === "valid" ? Math.floor((n - this.span) / this.strides) + 1 : Math.ceil(n / this.strides);
    checkWindowOutput(this.where, () => `input ${layerShapeText(shapeFromChannelsLast(this.dataFormat, shape, sequenceChannelAxis(shape.length)))}`, {
      what: "kernel", window: [this.kernelSize], strides: [this.strides], dilations: [this.dilationRate], padding: this.padding, out: [out],
      fittingPadding: this.causalAllowed ? '"same" or "causal"' : '"same"',
    });
    return out;
  }

  /** The 2-D op options for this layer's geometry; "causal" pads (kernelSize - 1) * dilationRate steps on the left only. */
  protected opOptions(): Conv2DOptions {
    const padding = this.padding === "causal" ? ([[0, 0], [this.span - 1, 0]] as const) : this.padding;
    return { strides: [1, this.strides], padding, dilations: [1, this.dilationRate] };
  }

  protected finish(y: Tensor): Tensor {
    return this.activation.fn(this.bias ? add(y, this.bias) : y);
  }

  protected geometryConfig(): Record<string, unknown> {
    return {
      kernel_size: [this.kernelSize], strides: [this.strides], padding: this.padding, data_format: this.dataFormat,
      dilation_rate: [this.dilationRate],
    };
  }
}

export interface Conv1DArgs extends Conv1DCommonArgs, KernelBiasArgs {
  filters?: number;
  padding?: Padding1D | "VALID" | "SAME" | "CAUSAL";
  /**
   * Grouped convolution, default 1 (Keras' groups): the input channels split into `groups` blocks,
   * each convolved with filters / groups of the filters; kernel [kernelSize, in / groups, filters].
   */
  groups?: number;
}

/**
 * 1-D convolution (temporal convolution) of [batch, steps, channels] inputs to [batch, outSteps,
 * filters]. "causal" padding makes output t depend on inputs up to t only (WaveNet style).
 */
export class Conv1D extends Conv1DBase {
  static readonly options = layerOptions<Conv1DArgs>({
    ...CONV1D_COMMON_OPTIONS, filters: true, groups: true, ...KERNEL_BIAS_OPTIONS,
  });
  readonly filters: number;
  readonly groups: number;
  kernel: Variable | null = null;
  private readonly args: Conv1DArgs;

  constructor(args: Conv1DArgs) {
    super(args, true, "layers.Conv1D(32, 3)");
    const where = this.where;
    if (typeof args.filters !== "number" || !Number.isInteger(args.filters) || args.filters <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, got ${valueText(args.filters)}; e.g. layers.Conv1D(32, 3)`);
    }
    this.filters = args.filters;
    this.groups = checkGroups(where, args.groups, args.filters);
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inC = this.inputChannels(inputShape);
    checkGroupChannels(this.where, inC, this.groups);
    this.kernel = addKernel(this, [this.kernelSize, inC / this.groups, this.filters], this.args);
    if (this.useBias) this.bias = addBias(this, this.filters, this.args);
    this.built = true;
  }

  protected callSteps(x: Tensor): Tensor {
    this.stepsOutputShape(x.shape);
    const x2 = as2D(x), k2 = kernel2D(this.kernel!);
    const opts = { ...this.opOptions(), groups: this.groups };
    const fused = fusedActivationOf(this.activation);
    if (x.dtype === this.kernel!.dtype && (x.dtype === "float32" || x.dtype === "float64")) {
      const y = from2D(fusedConv2d(x2, k2, this.bias, opts, fused ?? "linear"));
      return fused !== null ? y : this.activation.fn(y);
    }
    return this.finish(from2D(conv2d(x2, k2, opts)));
  }

  protected stepsOutputShape(s: LayerShape): LayerShape {
    this.channelsOf(s);
    return [s[0], this.convSteps(s[1], s), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, ...this.geometryConfig(), groups: this.groups, activation: this.activation.name,
      use_bias: this.useBias, ...kernelBiasConfig(this.args), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}
