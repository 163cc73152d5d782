/**
 * Keras' other 1-D convolutions: Conv1DTranspose, DepthwiseConv1D and SeparableConv1D, on
 * [batch, steps, channels] inputs with the kernels in the shapes Keras' get_weights() returns,
 * run as the 2-D ops on a [batch, 1, steps, channels] view.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { conv2d, conv2dTranspose, depthwiseConv2d } from "../ops/conv.js";
import { type LayerShape, layerOptions } from "./layer.js";
import { CONV1D_COMMON_OPTIONS, Conv1DBase, type Conv1DCommonArgs, as2D, from2D, kernel2D } from "./conv1d.js";
import {
  type ConstraintArg, type InitializerArg, type KernelBiasArgs, type RegularizerArg, KERNEL_BIAS_OPTIONS,
  addBias, addKernel, addResolvedWeight, kernelBiasConfig, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./weights.js";
import { valueText } from "../tensor/value_text.js";
import { type KerasPadding, checkDepthwiseChannels } from "./convolutional.js";
import { type TransposeGeometry, checkOutputPadding, transposeLength } from "./conv_transpose_geometry.js";

const COMMON_OPTIONS = CONV1D_COMMON_OPTIONS;

function positive(where: string, what: string, v: unknown, example: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${where}: ${what} must be a positive integer, got ${valueText(v)}; e.g. ${example}`);
  }
  return v;
}

// ------------------------------------------------------------------ Conv1DTranspose

export interface Conv1DTransposeArgs extends Conv1DCommonArgs, KernelBiasArgs {
  filters?: number;
  padding?: "valid" | "same" | "VALID" | "SAME";
  /** Extra steps at the end of the output (below the stride); default none. */
  outputPadding?: number | readonly [number] | null;
}

/**
 * Transposed 1-D convolution, upsampling the steps by `strides`; kernel [kernelSize, filters,
 * inChannels] as Keras stores it. Output steps as Keras' compute_conv_transpose_output_shape gives
 * them: "valid": (n - 1) * strides + max(span, strides), "same": n * strides, span being the dilated
 * kernel; with outputPadding p, (n - 1) * strides + span + p and (n - 1) * strides + span % 2 + p.
 */
export class Conv1DTranspose extends Conv1DBase {
  static readonly options = layerOptions<Conv1DTransposeArgs>({ ...COMMON_OPTIONS, filters: true, outputPadding: true, ...KERNEL_BIAS_OPTIONS });
  readonly filters: number;
  /** Keras' output_padding as a list of one, or null when not set. */
  readonly outputPadding: [number] | null;
  kernel: Variable | null = null;
  private readonly args: Conv1DTransposeArgs;

  constructor(args: Conv1DTransposeArgs) {
    super(args, false, "layers.Conv1DTranspose(32, 3, { strides: 2 })");
    this.filters = positive(this.where, "filters", args.filters, "layers.Conv1DTranspose(32, 3, { strides: 2 })");
    this.outputPadding = checkOutputPadding(this.where, args.outputPadding, this.geometry) as [number] | null;
    this.args = args;
  }

  private get geometry(): TransposeGeometry {
    // Conv1DBase refuses "causal" for a layer built with causal = false.
    return { kernelSize: [this.kernelSize], strides: [this.strides], dilationRate: [this.dilationRate], padding: this.padding as KerasPadding };
  }

  private steps(n: number | null): number | null {
    return transposeLength(n, 0, this.geometry, this.outputPadding);
  }

  override build(inputShape: LayerShape): void {
    const inC = this.inputChannels(inputShape);
    this.kernel = addKernel(this, [this.kernelSize, this.filters, inC], this.args);
    if (this.useBias) this.bias = addBias(this, this.filters, this.args);
    this.built = true;
  }

  protected callSteps(x: Tensor): Tensor {
    this.channelsOf(x.shape);
    const outShape = [x.shape[0], 1, this.steps(x.shape[1])!, this.filters];
    return this.finish(from2D(conv2dTranspose(as2D(x), kernel2D(this.kernel!), outShape, this.opOptions())));
  }

  protected stepsOutputShape(s: LayerShape): LayerShape {
    this.channelsOf(s);
    return [s[0], this.steps(s[1]), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, ...this.geometryConfig(),
      // Keras 3.5 takes output_padding but leaves it out of its config; written only when set, so that it is kept.
      ...(this.outputPadding ? { output_padding: [...this.outputPadding] } : {}),
      activation: this.activation.name, use_bias: this.useBias,
      ...kernelBiasConfig(this.args), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}

// ------------------------------------------------------------------ DepthwiseConv1D

export interface DepthwiseConv1DArgs extends Conv1DCommonArgs {
  padding?: "valid" | "same" | "VALID" | "SAME";
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerArg;
  depthwiseConstraint?: ConstraintArg;
  biasInitializer?: InitializerArg;
  biasRegularizer?: RegularizerArg;
  biasConstraint?: ConstraintArg;
}

const BIAS_OPTIONS = { biasInitializer: true, biasRegularizer: true, biasConstraint: true } as const;

/** The bias entries of a depthwise or separable layer's config. */
function biasConfig(args: DepthwiseConv1DArgs): Record<string, unknown> {
  return {
    bias_initializer: serializeObject(resolveInitializer(args.biasInitializer ?? "zeros")),
    bias_regularizer: serializeObject(resolveRegularizer(args.biasRegularizer)),
    bias_constraint: serializeObject(resolveConstraint(args.biasConstraint)),
  };
}

function addBiasOf(layer: Conv1DBase, units: number, args: DepthwiseConv1DArgs): Variable {
  return addResolvedWeight(layer, "bias", [units], "zeros", {
    initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint,
  });
}

/**
 * Convolves each input channel with its own `depthMultiplier` filters; output channel
 * c * depthMultiplier + m. Weight "kernel" [kernelSize, inChannels, depthMultiplier], bias
 * [inChannels * depthMultiplier], as Keras 3 names and shapes them.
 */
export class DepthwiseConv1D extends Conv1DBase {
  static readonly options = layerOptions<DepthwiseConv1DArgs>({
    ...COMMON_OPTIONS, ...BIAS_OPTIONS, depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true, depthwiseConstraint: true,
  });
  readonly depthMultiplier: number;
  kernel: Variable | null = null;
  private readonly args: DepthwiseConv1DArgs;

  constructor(args: DepthwiseConv1DArgs) {
    super(args, false, "layers.DepthwiseConv1D(3)");
    this.depthMultiplier = positive(this.where, "depthMultiplier", args.depthMultiplier ?? 1, "layers.DepthwiseConv1D(3, { depthMultiplier: 2 })");
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inC = checkDepthwiseChannels(this.where, this.inputChannels(inputShape), inputShape);
    this.computeOutputShape(inputShape);
    this.kernel = addResolvedWeight(this, "kernel", [this.kernelSize, inC, this.depthMultiplier], "glorot_uniform", {
      initializer: this.args.depthwiseInitializer, regularizer: this.args.depthwiseRegularizer, constraint: this.args.depthwiseConstraint,
    });
    if (this.useBias) this.bias = addBiasOf(this, inC * this.depthMultiplier, this.args);
    this.built = true;
  }

  protected callSteps(x: Tensor): Tensor {
    return this.finish(from2D(depthwiseConv2d(as2D(x), kernel2D(this.kernel!), this.opOptions())));
  }

  protected stepsOutputShape(s: LayerShape): LayerShape {
    const c = this.channelsOf(s);
    return [s[0], this.convSteps(s[1], s), c * this.depthMultiplier];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(), depth_multiplier: this.depthMultiplier, ...this.geometryConfig(), activation: this.activation.name,
      use_bias: this.useBias,
      depthwise_initializer: serializeObject(resolveInitializer(a.depthwiseInitializer ?? "glorot_uniform")),
      depthwise_regularizer: serializeObject(resolveRegularizer(a.depthwiseRegularizer)),
      depthwise_constraint: serializeObject(resolveConstraint(a.depthwiseConstraint)),
      ...biasConfig(a), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}

// ------------------------------------------------------------------ SeparableConv1D

export interface SeparableConv1DArgs extends DepthwiseConv1DArgs {
  filters?: number;
  pointwiseInitializer?: InitializerArg;
  pointwiseRegularizer?: RegularizerArg;
  pointwiseConstraint?: ConstraintArg;
}

/**
 * A depthwise 1-D convolution (with the strides, padding and dilation) then a pointwise one to
 * `filters` channels. Weights in Keras' order: depthwise_kernel [kernelSize, in, depthMultiplier],
 * pointwise_kernel [1, in * depthMultiplier, filters], bias [filters].
 */
export class SeparableConv1D extends Conv1DBase {
  static readonly options = layerOptions<SeparableConv1DArgs>({
    ...COMMON_OPTIONS, ...BIAS_OPTIONS, filters: true, depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true,
    depthwiseConstraint: true, pointwiseInitializer: true, pointwiseRegularizer: true, pointwiseConstraint: true,
  });
  readonly filters: number;
  readonly depthMultiplier: number;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;
  private readonly args: SeparableConv1DArgs;

  constructor(args: SeparableConv1DArgs) {
    super(args, false, "layers.SeparableConv1D(32, 3)");
    this.filters = positive(this.where, "filters", args.filters, "layers.SeparableConv1D(32, 3)");
    this.depthMultiplier = positive(this.where, "depthMultiplier", args.depthMultiplier ?? 1, "layers.SeparableConv1D(32, 3, { depthMultiplier: 2 })");
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inC = checkDepthwiseChannels(this.where, this.inputChannels(inputShape), inputShape);
    this.computeOutputShape(inputShape);
    const a = this.args;
    this.depthwiseKernel = addResolvedWeight(this, "depthwise_kernel", [this.kernelSize, inC, this.depthMultiplier], "glorot_uniform", {
      initializer: a.depthwiseInitializer, regularizer: a.depthwiseRegularizer, constraint: a.depthwiseConstraint,
    });
    this.pointwiseKernel = addResolvedWeight(this, "pointwise_kernel", [1, inC * this.depthMultiplier, this.filters], "glorot_uniform", {
      initializer: a.pointwiseInitializer, regularizer: a.pointwiseRegularizer, constraint: a.pointwiseConstraint,
    });
    if (this.useBias) this.bias = addBiasOf(this, this.filters, a);
    this.built = true;
  }

  protected callSteps(x: Tensor): Tensor {
    const d = depthwiseConv2d(as2D(x), kernel2D(this.depthwiseKernel!), this.opOptions());
    return this.finish(from2D(conv2d(d, kernel2D(this.pointwiseKernel!), { strides: 1, padding: "valid" })));
  }

  protected stepsOutputShape(s: LayerShape): LayerShape {
    this.channelsOf(s);
    return [s[0], this.convSteps(s[1], s), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(), depth_multiplier: this.depthMultiplier, filters: this.filters, ...this.geometryConfig(),
      activation: this.activation.name, use_bias: this.useBias,
      depthwise_initializer: serializeObject(resolveInitializer(a.depthwiseInitializer ?? "glorot_uniform")),
      pointwise_initializer: serializeObject(resolveInitializer(a.pointwiseInitializer ?? "glorot_uniform")),
      depthwise_regularizer: serializeObject(resolveRegularizer(a.depthwiseRegularizer)),
      pointwise_regularizer: serializeObject(resolveRegularizer(a.pointwiseRegularizer)),
      depthwise_constraint: serializeObject(resolveConstraint(a.depthwiseConstraint)),
      pointwise_constraint: serializeObject(resolveConstraint(a.pointwiseConstraint)),
      ...biasConfig(a), activity_regularizer: serializeObject(this.activityRegularizer),
    };
  }
}
