/**
 * Keras' ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: layers.RNN's loop over a ConvLSTMCell, on
 * sequences of 1-, 2- or 3-D images [batch, time, ...spatial, channels] ([batch, time, channels,
 * ...spatial] with dataFormat "channels_first"). Weights, names, outputs and configs as Keras 3.5;
 * the states are [batch, ...outputSpatial, filters] (channels_first: [batch, filters, ...]).
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { serializeObject, resolveConstraint, resolveInitializer, resolveRegularizer } from "./weights.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat, fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from "./data_format.js";
import { CELL_WEIGHT_OPTIONS } from "./rnn_cell.js";
import { RNN, RNN_LAYER_OPTIONS, type RNNLayerArgs } from "./rnn.js";
import { type ConvLSTMCellArgs, type ConvLSTMRank, ConvLSTMCell } from "./conv_lstm_cell.js";

export interface ConvLSTMArgs extends RNNLayerArgs, DataFormatArgs, Omit<ConvLSTMCellArgs, keyof LayerArgs> {}

const { units: _units, ...CELL_OPTIONS } = CELL_WEIGHT_OPTIONS;
const CONV_LSTM_CELL_OPTIONS = {
  ...CELL_OPTIONS, filters: true, kernelSize: true, strides: true, padding: true, dilationRate: true, recurrentActivation: true, unitForgetBias: true,
} as const;

const LAYOUT: Record<ConvLSTMRank, [string, string]> = {
  1: ["(batch, time, steps, channels)", "(batch, time, channels, steps)"],
  2: ["(batch, time, height, width, channels)", "(batch, time, channels, height, width)"],
  3: ["(batch, time, depth, height, width, channels)", "(batch, time, channels, depth, height, width)"],
};

/**
 * The cell's options out of the layer's (the cell gets the layer's dtype and trainable flag, and Keras'
 * fixed name). trainable is checked here, so a bad one names the layer rather than its inner cell.
 */
function cellArgs(args: ConvLSTMArgs, where: string): ConvLSTMCellArgs {
  if (typeof args !== "object" || args === null) return args;
  booleanOption(where, "trainable", args.trainable, true);
  const picked: Record<string, unknown> = { name: "conv_lstm_cell" };
  for (const k of Object.keys(CONV_LSTM_CELL_OPTIONS)) if (k in args) picked[k] = (args as Record<string, unknown>)[k];
  if (args.dtype !== undefined) picked.dtype = args.dtype;
  if (args.trainable !== undefined) picked.trainable = args.trainable;
  return picked as ConvLSTMCellArgs;
}

/**
 * The N-D convolutional LSTM. The cell computes on channels_last steps; a channels_first layer
 * moves its inputs and initial states to that layout once per call and its outputs back.
 */
export abstract class ConvLSTM extends RNN {
  static override readonly options = layerOptions<ConvLSTMArgs>({ ...CONV_LSTM_CELL_OPTIONS, ...RNN_LAYER_OPTIONS, ...DATA_FORMAT_OPTIONS });
  declare readonly cell: ConvLSTMCell;
  readonly dataFormat: DataFormat;

  constructor(args: ConvLSTMArgs, rank: ConvLSTMRank) {
    const where = `ConvLSTM${rank}D ${args?.name ?? ""}`.trim();
    super(args, new ConvLSTMCell(cellArgs(args, where), rank, where));
    this.dataFormat = checkDataFormat(`${this.className} ${this.name}`, args.dataFormat);
  }

  get rank(): ConvLSTMRank {
    return this.cell.rank;
  }
  get filters(): number {
    return this.cell.filters;
  }

  /** Where the channels are in a sequence [batch, time, ...] of the layer's format. */
  private get seqChannelAxis(): number {
    return this.dataFormat === "channels_first" ? 2 : this.rank + 2;
  }

  protected override sequenceShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    if (shape.length !== this.rank + 3) {
      const layout = LAYOUT[this.rank][this.dataFormat === "channels_first" ? 1 : 0];
      throw new RangeError(
        `${this.className} ${this.name}: expects inputs of rank ${this.rank + 3} ${layout}, got shape ${layerShapeText(shape)}; ` +
          `a sequence of ${this.rank}-D images needs a time axis after the batch${this.rank === 2 ? " (for single images use Conv2D)" : ""}`,
      );
    }
    return shape;
  }

  /** The channels_last step [batch, ...spatial, channels] of a sequence shape in the layer's format. */
  private lastStep(shape: LayerShape): LayerShape {
    const last = shapeToChannelsLast(this.dataFormat, shape, this.seqChannelAxis);
    return [last[0], ...last.slice(2)];
  }

  protected override stepShape(shape: LayerShape): LayerShape {
    const step = this.lastStep(shape);
    if (step.slice(1).some((n) => n === null)) {
      throw new RangeError(
        `${this.className} ${this.name}: the spatial sizes and the channels must be known (Keras' ConvLSTM layers need static spatial shapes), got ${layerShapeText(shape)}`,
      );
    }
    const spatial = step.slice(1, -1) as number[];
    if (this.cell.convSpatial(spatial).some((n) => n !== null && n <= 0)) {
      const c = this.cell;
      throw new RangeError(
        `${this.className} ${this.name}: the spatial sizes ${layerShapeText(spatial)} of inputs ${layerShapeText(shape)} are smaller than the kernel ` +
          `${layerShapeText(c.kernelSize)} (dilation ${layerShapeText(c.dilationRate)}) with padding "valid"; use padding "same" or a smaller kernelSize`,
      );
    }
    return step;
  }

  protected override stateShapes(batch: number): number[][] {
    const s = [batch, ...this.cell.outputSpatial!, this.filters];
    return [s, s];
  }

  /** Keras' input spec: once built, every axis but the batch and time keeps its size. */
  protected override weightAxes(): readonly number[] {
    return Array.from({ length: this.rank + 1 }, (_, i) => i + 2);
  }

  /** A state [batch, ...] between the layer's format and channels_last. */
  private stateToLast(s: Tensor): Tensor {
    return toChannelsLast(this.dataFormat, s, 1);
  }
  private stateFromLast(s: Tensor): Tensor {
    return fromChannelsLast(this.dataFormat, s, 1);
  }

  override get states(): Tensor[] | null {
    return super.states?.map((s) => this.stateFromLast(s)) ?? null;
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const where = `${this.className} ${this.name}`;
    const x = list[0];
    this.sequenceShape(x.shape);
    const built = [...this.builtSpatial!, this.cell.kernel!.shape[this.rank]];
    if (this.lastStep(x.shape).slice(1).some((n, i) => n !== built[i])) {
      const want = shapeFromChannelsLast(this.dataFormat, [x.shape[0], x.shape[1], ...built], this.seqChannelAxis);
      throw new RangeError(
        `${where}: was built for inputs ${layerShapeText(want)} but got ${shapeText(x.shape)}; ` +
          "a ConvLSTM layer keeps the spatial sizes and channels it was first called with",
      );
    }
    const states = list.slice(1);
    const want = this.stateShapes(x.shape[0]).map((s) => shapeFromChannelsLast(this.dataFormat, s, 1));
    states.forEach((s, i) => {
      if (i < want.length && (s.rank !== want[i].length || s.shape.some((n, j) => n !== want[i][j]))) {
        throw new RangeError(`${where}: initial state ${i} must have shape ${layerShapeText(want[i])} (batch, ...the output's image), got ${shapeText(s.shape)}`);
      }
    });
    const out = super.call([toChannelsLast(this.dataFormat, x, this.seqChannelAxis), ...states.map((s) => this.stateToLast(s))], opts);
    const outs = Array.isArray(out) ? out : [out];
    const back = outs.map((t, i) => (i === 0 && this.returnSequences ? fromChannelsLast(this.dataFormat, t, 2) : this.stateFromLast(t)));
    return Array.isArray(out) ? back : back[0];
  }

  /** The input spatial sizes given to build. */
  private builtSpatial: number[] | null = null;

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = this.sequenceShape(inputShape);
    this.builtSpatial = this.stepShape(shape).slice(1, -1) as number[];
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shape = this.sequenceShape(inputShape);
    const [batch, time] = shape;
    const step = this.lastStep(shape);
    const state = shapeFromChannelsLast(this.dataFormat, [batch, ...this.cell.convSpatial(step.slice(1, -1)), this.filters], 1);
    const out = this.returnSequences ? [batch, time, ...state.slice(1)] : state;
    return this.returnState ? [out, state, state] : out;
  }

  /** Keras' ConvLSTM get_config: the RNN keys, then the cell's arguments (no `cell` entry). */
  override getConfig(): Record<string, unknown> {
    const c = this.cell;
    const a = c.cellArgs;
    return {
      ...this.rnnConfig(),
      filters: c.filters, kernel_size: [...c.kernelSize], strides: [...c.strides], padding: c.padding, data_format: this.dataFormat,
      dilation_rate: [...c.dilationRate], activation: c.activation.name, recurrent_activation: c.recurrentActivation.name, use_bias: c.useBias,
      kernel_initializer: serializeObject(resolveInitializer(a.kernelInitializer ?? "glorot_uniform")),
      recurrent_initializer: serializeObject(resolveInitializer(a.recurrentInitializer ?? "orthogonal")),
      bias_initializer: serializeObject(resolveInitializer(a.biasInitializer ?? "zeros")),
      unit_forget_bias: c.unitForgetBias,
      kernel_regularizer: serializeObject(resolveRegularizer(a.kernelRegularizer)),
      recurrent_regularizer: serializeObject(resolveRegularizer(a.recurrentRegularizer)),
      bias_regularizer: serializeObject(resolveRegularizer(a.biasRegularizer)),
      activity_regularizer: serializeObject(this.activityRegularizer),
      kernel_constraint: serializeObject(resolveConstraint(a.kernelConstraint)),
      recurrent_constraint: serializeObject(resolveConstraint(a.recurrentConstraint)),
      bias_constraint: serializeObject(resolveConstraint(a.biasConstraint)),
      dropout: c.dropout, recurrent_dropout: c.recurrentDropout, seed: c.seed,
    };
  }
}

/** Keras' ConvLSTM1D: inputs [batch, time, steps, channels], kernel [k, in, 4 * filters]. */
export class ConvLSTM1D extends ConvLSTM {
  static override readonly options = ConvLSTM.options;
  constructor(args: ConvLSTMArgs) {
    super(args, 1);
  }
}

/** Keras' ConvLSTM2D: inputs [batch, time, height, width, channels], kernel [kh, kw, in, 4 * filters]. */
export class ConvLSTM2D extends ConvLSTM {
  static override readonly options = ConvLSTM.options;
  constructor(args: ConvLSTMArgs) {
    super(args, 2);
  }
}

/** Keras' ConvLSTM3D: inputs [batch, time, depth, height, width, channels], kernel [kd, kh, kw, in, 4 * filters]. */
export class ConvLSTM3D extends ConvLSTM {
  static override readonly options = ConvLSTM.options;
  constructor(args: ConvLSTMArgs) {
    super(args, 3);
  }
}
