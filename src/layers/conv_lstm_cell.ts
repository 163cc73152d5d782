/**
 * The cell of Keras' ConvLSTM1D/2D/3D (Shi et al. 2015): an LSTM whose input and recurrent
 * transformations are convolutions. It works on channels_last steps [batch, ...spatial, channels]
 * only; the layers (conv_lstm.ts) move a channels_first input to that layout once per call.
 * Keras does not export its ConvLSTMCell, so neither does lamina: it is built by the layers only.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import type { DType } from "../tensor/dtype.js";
import { fill, ones } from "../tensor/creation.js";
import type { RandomGenerator } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul } from "../ops/math.js";
import { concat, expandDims, reshape, split, squeeze } from "../ops/shape.js";
import { conv2d } from "../ops/conv.js";
import { conv3d } from "../ops/conv3d.js";
import { dropout } from "../ops/dropout.js";
import { lstmStep } from "../ops/fused_rnn.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type LayerArgs, type LayerShape, booleanOption } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { type KerasPadding, checkPadding, checkStridesWithDilation, outSize } from "./convolutional.js";
import { as2D, from2D, kernel2D } from "./conv1d.js";
import { type CellSequence, type CellWeightArgs, RNNCell, cellSeed, checkRate } from "./rnn_cell.js";
import { type InitializerArg, addResolvedWeight, checkWeightOptions, resolveInitializer } from "./weights.js";

export type ConvLSTMRank = 1 | 2 | 3;

/** A per-axis size: one number for every spatial axis, or one per axis. */
export type SizeNDArg = number | readonly number[];

/** What the cell takes (Keras' ConvLSTMCell arguments, camelCase). */
export interface ConvLSTMCellArgs extends LayerArgs, Omit<CellWeightArgs, "units"> {
  /** The number of output channels (of the output and of both states). */
  filters?: number;
  kernelSize?: SizeNDArg;
  /** Strides of the input convolution (the recurrent one always has strides 1). Default 1. */
  strides?: SizeNDArg;
  /** Padding of the input convolution, "valid" (default) or "same"; the recurrent convolution is always "same". */
  padding?: KerasPadding | "SAME" | "VALID";
  /** Dilation of the input convolution, default 1. */
  dilationRate?: SizeNDArg;
  /** The gates' activation, default "sigmoid". */
  recurrentActivation?: ActivationIdentifier;
  /** Start the forget gate's bias at 1 (default true, as Keras). */
  unitForgetBias?: boolean;
}

const AXES: Record<ConvLSTMRank, string> = { 1: "[steps]", 2: "[height, width]", 3: "[depth, height, width]" };

/** Keras' standardize_tuple: a positive integer for every axis from a number or a list of `rank`. */
export function sizeND(v: unknown, rank: ConvLSTMRank, what: string, where: string): number[] {
  const t = typeof v === "number" ? Array<number>(rank).fill(v) : Array.isArray(v) && v.length === rank ? (v as number[]) : [NaN];
  if (!t.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${where}: ${what} must be a positive integer or a list of ${rank} ${AXES[rank]}, got ${valueText(v)}`);
  }
  return [...t];
}

/**
 * Keras' ConvLSTMCell, gates i, f, c, o along the last axis (4 * filters) of kernel [k..., in,
 * 4 * filters], recurrent_kernel [k..., filters, 4 * filters] and bias [4 * filters]:
 * z = conv(x, kernel; strides, padding, dilation) + bias + conv(h, recurrent_kernel; "same"),
 * c = f * c_prev + i * activation(z_c), h = o * activation(c). States [h, c], each
 * [batch, ...outputSpatial, filters].
 */
export class ConvLSTMCell extends RNNCell {
  readonly rank: ConvLSTMRank;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: KerasPadding;
  readonly dilationRate: number[];
  readonly activation: ReturnType<typeof getActivation>;
  readonly recurrentActivation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  /** The spatial sizes of the states (the input convolution's output), set by build. */
  outputSpatial: number[] | null = null;
  readonly cellArgs: ConvLSTMCellArgs;
  private readonly generator: RandomGenerator | null;

  constructor(args: ConvLSTMCellArgs, rank: ConvLSTMRank, where: string) {
    super(args);
    this.rank = rank;
    const example = `layers.ConvLSTM${rank}D(16, 3)`;
    if (typeof args.filters !== "number" || !Number.isInteger(args.filters) || args.filters <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, got ${valueText(args.filters)}; e.g. ${example}`);
    }
    if (args.kernelSize === undefined) throw new RangeError(`${where}: kernelSize is required, e.g. ${example}`);
    this.filters = args.filters;
    this.kernelSize = sizeND(args.kernelSize, rank, "kernelSize", where);
    this.strides = sizeND(args.strides ?? 1, rank, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dilationRate = sizeND(args.dilationRate ?? 1, rank, "dilationRate", where);
    // lamina's conv ops, like TF's, refuse the two together.
    checkStridesWithDilation(where, this.strides, this.dilationRate);
    this.activation = getActivation(args.activation === undefined ? "tanh" : args.activation, where);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? "sigmoid" : args.recurrentActivation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.unitForgetBias = booleanOption(where, "unitForgetBias", args.unitForgetBias, true);
    this.dropout = checkRate(where, "dropout", args.dropout);
    this.recurrentDropout = checkRate(where, "recurrentDropout", args.recurrentDropout);
    ({ seed: this.seed, generator: this.generator } = cellSeed(where, args.seed));
    checkWeightOptions(where, args);
    this.cellArgs = args;
  }

  get stateSize(): readonly number[] {
    return [this.filters, this.filters];
  }

  override get inputCount(): number {
    return 1;
  }

  /** The spatial sizes of the input convolution's output for input sizes `spatial` (null where unknown). */
  convSpatial(spatial: readonly (number | null)[]): (number | null)[] {
    return spatial.map((n, i) => outSize(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding));
  }

  /** Builds for one channels_last step [batch, ...spatial, channels] with known spatial sizes and channels. */
  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const channels = shape[shape.length - 1];
    const spatial = shape.slice(1, -1);
    if (channels === null || spatial.some((n) => n === null)) {
      throw new RangeError(`${this.className} ${this.name}: needs known spatial sizes and channels (as Keras' ConvLSTM), got a step of ${layerShapeText(shape)}`);
    }
    const out = this.convSpatial(spatial) as number[];
    if (out.some((n) => n <= 0)) {
      throw new RangeError(
        `${this.className} ${this.name}: the spatial sizes ${layerShapeText(spatial)} are smaller than the kernel ${layerShapeText(this.kernelSize)} ` +
          `(dilation ${layerShapeText(this.dilationRate)}) with padding "valid"; use padding "same" or a smaller kernelSize`,
      );
    }
    this.outputSpatial = out;
    const a = this.cellArgs;
    const n = 4 * this.filters;
    this.kernel = addResolvedWeight(this, "kernel", [...this.kernelSize, channels, n], "glorot_uniform", {
      initializer: a.kernelInitializer, regularizer: a.kernelRegularizer, constraint: a.kernelConstraint,
    });
    this.recurrentKernel = addResolvedWeight(this, "recurrent_kernel", [...this.kernelSize, this.filters, n], "orthogonal", {
      initializer: a.recurrentInitializer, regularizer: a.recurrentRegularizer, constraint: a.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = addResolvedWeight(this, "bias", [n], "zeros", {
        initializer: this.biasInitializer(), regularizer: a.biasRegularizer, constraint: a.biasConstraint,
      });
    }
    this.built = true;
  }

  /** With unitForgetBias, the forget gate's quarter of the bias starts at ones, the rest from biasInitializer (as Keras). */
  private biasInitializer(): InitializerArg {
    const base = this.cellArgs.biasInitializer ?? "zeros";
    if (!this.unitForgetBias) return base;
    const init = resolveInitializer(base);
    const f = this.filters;
    return (_shape: readonly number[], dtype: DType): Tensor => concat([init.call([f], dtype), fill([f], 1, dtype), init.call([2 * f], dtype)], 0);
  }

  /** A convolution of channels_last x [n, ...spatial, c] with w [k..., c, o] for this cell's rank. */
  private conv(x: Tensor, w: Tensor, strides: number[], padding: KerasPadding, dilations: number[]): Tensor {
    if (this.rank === 1) return from2D(conv2d(as2D(x), kernel2D(w), { strides: [1, strides[0]], padding, dilations: [1, dilations[0]] }));
    if (this.rank === 2) return conv2d(x, w, { strides: [strides[0], strides[1]], padding, dilations: [dilations[0], dilations[1]] });
    return conv3d(x, w, { strides: [strides[0], strides[1], strides[2]], padding, dilations: [dilations[0], dilations[1], dilations[2]] });
  }

  /**
   * conv(x, w) for the four gates, one convolution without dropout masks; with Keras' four masks
   * (one per gate, the input's shape), each gate's quarter of w convolves its own masked x.
   */
  private gateConv(x: Tensor, w: Tensor, masks: Tensor[] | null, apply: (x: Tensor, w: Tensor) => Tensor): Tensor {
    if (masks === null) return apply(x, w);
    const quarters = split(w, 4, w.rank - 1);
    return concat(quarters.map((q, g) => apply(mul(x, masks[g]), q)), -1);
  }

  /** Keras' DropoutRNNCell masks with dropout_mask_count 4: four masks of `shape` at `rate`, drawn once per sequence. */
  private masks(rate: number, shape: number[], dtype: DType, training: boolean): Tensor[] | null {
    if (!training || rate === 0) return null;
    return [0, 1, 2, 3].map(() => dropout(ones(shape, dtype), rate, { seed: this.generator?.nextUint32() }));
  }

  /** The input convolutions of every timestep of x [batch, time, ...spatial, channels] at once; the loop does the recurrent part. */
  override sequence(x: Tensor, states: Tensor[], training: boolean): CellSequence {
    const [batch, time, ...step] = x.shape;
    const inputMasks = this.masks(this.dropout, [batch, ...step], x.dtype, training);
    const recurrentMasks = this.masks(this.recurrentDropout, states[0].shape as number[], states[0].dtype, training);
    // One mask per sample for every timestep: [batch, 1, ...] broadcasts over the time axis.
    const timeMasks = inputMasks?.map((m) => expandDims(m, 1)) ?? null;
    const input = (xi: Tensor, w: Tensor): Tensor => this.conv(reshape(xi, [batch * time, ...step]), w, this.strides, this.padding, this.dilationRate);
    let projected = this.gateConv(x, this.kernel!, timeMasks, input);
    if (this.bias) projected = add(projected, this.bias);
    return {
      inputs: reshape(projected, [batch, time, ...projected.shape.slice(1)]),
      step: (xp, s) => this.recurrentStep(xp, s, recurrentMasks),
    };
  }

  private recurrentStep(xp: Tensor, states: Tensor[], masks: Tensor[] | null): [Tensor, Tensor[]] {
    const ones1 = Array<number>(this.rank).fill(1);
    const hr = this.gateConv(states[0], this.recurrentKernel!, masks, (h, w) => this.conv(h, w, ones1, "same", ones1));
    const f = this.filters;
    if (this.recurrentActivation.name === "sigmoid" && this.activation.name === "tanh") {
      // Keras' default activations: the elementwise work as lstmStep's one op over [pixels, 4 * filters].
      const [h, c] = lstmStep(reshape(xp, [-1, 4 * f]), reshape(hr, [-1, 4 * f]), reshape(states[1], [-1, f]));
      const shape = states[1].shape as number[];
      return [reshape(h, shape), [reshape(h, shape), reshape(c, shape)]];
    }
    const [zi, zf, zc, zo] = split(add(xp, hr), 4, xp.rank - 1);
    const gate = this.recurrentActivation.fn;
    const c = add(mul(gate(zf), states[1]), mul(gate(zi), this.activation.fn(zc)));
    const h = mul(gate(zo), this.activation.fn(c));
    return [h, [h, c]];
  }

  /** One timestep x [batch, ...spatial, channels] (a cell call outside the layer). */
  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    const run = this.sequence(expandDims(x, 1), states, training);
    return run.step(squeeze(run.inputs, [1]), states);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape[] {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const out = [first[0], ...this.convSpatial(first.slice(1, -1)), this.filters];
    return [out, out, out];
  }
}
