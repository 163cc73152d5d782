import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { ones } from "../tensor/creation.js";
import { RandomGenerator } from "../tensor/random.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { mul } from "../ops/math.js";
import { fusedMatMul } from "../ops/fused.js";
import { expandDims, reshape } from "../ops/shape.js";
import { dropout } from "../ops/dropout.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape, booleanOption } from "./layer.js";
import { type CellSize, type CellStructure, readCellStructure, shapesText } from "./rnn_structure.js";

export type { CellSize } from "./rnn_structure.js";
import {
  type ConstraintArg, type InitializerArg, type RegularizerArg, addResolvedWeight, checkWeightOptions, resolveConstraint,
  resolveInitializer, resolveRegularizer, serializeObject,
} from "./weights.js";

/**
 * One sequence's worth of a cell's work: the per-step inputs of every timestep at once
 * ([batch, time, k], projected by the cell where it can, so the input matmul runs once for the
 * whole sequence), and the step that consumes one of them ([batch, k]) with the states.
 */
export interface CellSequence {
  readonly inputs: Tensor;
  step(input: Tensor, states: Tensor[]): [Tensor, Tensor[]];
}

/** A cell's seed option, checked, and the generator its dropout masks draw from (none: lamina's global one). */
export function cellSeed(where: string, seed: unknown): { seed: number | null; generator: RandomGenerator | null } {
  if (seed !== undefined && seed !== null && !Number.isInteger(seed)) {
    throw new TypeError(`${where}: seed must be an integer or null, got ${valueText(seed)}`);
  }
  const s = (seed ?? null) as number | null;
  return { seed: s, generator: s === null ? null : new RandomGenerator(s) };
}
/**
 * The base of a recurrent cell (Keras' cell protocol): `stateSize` (one entry per state tensor:
 * a size, or a shape such as [20, 30] for a [batch, 20, 30] state), `outputSize`, and
 * `step(x, states, training)` for one timestep, x [batch, features] (or, for inputs [batch, time,
 * ...features] of higher rank, [batch, ...features], as Keras) and each state [batch, ...size].
 * As a layer it takes the list [x, ...states] and returns [output, ...states].
 * A custom cell extends this class, builds its weights in `build(shape)` (layers.RNN builds it
 * for the step's shape; a direct call for the list of shapes) and implements `step`;
 * `layers.RNN(cell)` then runs it over sequences.
 *
 * Nested inputs and outputs (Keras' NestedCell): a cell run by `layers.RNN(cell)` on a list of
 * sequences ([batch, time, ...] each, e.g. rnn.apply([a, b])) is built for the list of their step
 * shapes and gets the list of their steps as `x`; a cell whose `outputSize` lists several entries
 * returns a list of outputs from `step`.
 */
export abstract class RNNCell extends Layer {
  abstract get stateSize(): readonly CellSize[];

  /**
   * The output's size per sample: a size, or a list with one entry (a size or a shape) per output
   * for a cell returning several ([[10], [20, 30]]). By default the first state's.
   */
  get outputSize(): CellSize | readonly CellSize[] {
    const first = this.stateSize[0];
    return typeof first === "number" ? first : [first];
  }

  /**
   * How many tensors a step takes (one per input sequence), or null when the cell takes whatever
   * the RNN is called on (a custom cell: layers.RNN tells the sequences from the initial states by
   * their shapes). Keras' built-in cells take one.
   */
  get inputCount(): number | null {
    return null;
  }

  /** One timestep: [output (a list for several outputs), new states]. x is a list when the RNN runs over several sequences. */
  abstract step(x: Tensor | Tensor[], states: Tensor[], training: boolean): [Tensor | Tensor[], Tensor[]];

  /** The work for a whole sequence x [batch, time, features]; by default one `step` per timestep. */
  sequence(x: Tensor, states: Tensor[], training: boolean): CellSequence {
    return { inputs: x, step: this.stepper(states, training) };
  }

  /**
   * The step function for one sequence whose per-step inputs [batch, features] come one at a time
   * (a cell stacked on another gets its inputs from the cell below): by default `step`. A cell
   * with per-sequence randomness (Keras' dropout masks) draws it here, once; `states` are the
   * initial ones, for their batch size and dtype.
   */
  stepper(_states: Tensor[], training: boolean): (x: Tensor, states: Tensor[]) => [Tensor, Tensor[]] {
    return (x, states) => {
      const [out, next] = this.step(x, states, training);
      if (Array.isArray(out)) {
        throw new TypeError(
          `${this.className} ${this.name}: step returned a list of ${out.length} outputs but outputSize (${valueText(this.outputSize)}) declares one; ` +
            "declare one entry per output, e.g. outputSize [[10], [20, 30]]",
        );
      }
      return [out, next];
    };
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const n = this.stateSize.length;
    const k = list.length - n;
    if (k < 1 || (this.inputCount !== null && k !== this.inputCount)) {
      throw new TypeError(
        `${this.className} ${this.name}: a cell is called on [inputs, ...states] with ${n} state tensor(s) (${shapesText(this.structure().states)}), ` +
          `got ${list.length} tensor(s); to run it over a sequence use layers.RNN(cell)`,
      );
    }
    const [out, states] = this.step(k === 1 ? list[0] : list.slice(0, k), list.slice(k), opts.training ?? false);
    return [...(Array.isArray(out) ? out : [out]), ...states];
  }

  /** The declared state and output shapes, read and checked. */
  structure(): CellStructure {
    return readCellStructure(this.stateSize, this.outputSize, `${this.className} ${this.name}`);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape[] {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const { states, outputs } = this.structure();
    return [...outputs, ...states].map((s) => [first[0], ...s]);
  }
}

/** The options every Keras cell takes (SimpleRNNCell, LSTMCell, GRUCell) and their layers. */
export interface CellWeightArgs {
  /** The size of the output and of each state. */
  units?: number;
  /** Default "tanh". */
  activation?: ActivationIdentifier;
  useBias?: boolean;
  /** Default "glorot_uniform". */
  kernelInitializer?: InitializerArg;
  /** Default "orthogonal". */
  recurrentInitializer?: InitializerArg;
  /** Default "zeros". */
  biasInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerArg;
  recurrentRegularizer?: RegularizerArg;
  biasRegularizer?: RegularizerArg;
  kernelConstraint?: ConstraintArg;
  recurrentConstraint?: ConstraintArg;
  biasConstraint?: ConstraintArg;
  /** Fraction of the inputs dropped in training, one mask per sequence (Keras' DropoutRNNCell). */
  dropout?: number;
  /** Fraction of the previous output dropped in training, one mask per sequence. */
  recurrentDropout?: number;
  seed?: number | null;
}

export const CELL_WEIGHT_OPTIONS = {
  units: true, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, kernelConstraint: true, recurrentConstraint: true,
  biasConstraint: true, dropout: true, recurrentDropout: true, seed: true,
} as const satisfies Record<keyof CellWeightArgs, true>;

/** A dropout rate option: in [0, 1), 0 when absent. */
export function checkRate(where: string, what: string, v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !(v >= 0 && v < 1)) {
    throw new RangeError(`${where}: ${what} must be a number in [0, 1) (the fraction dropped in training), got ${valueText(v)}`);
  }
  return v;
}

/**
 * What Keras' three cells share: kernel [features, gates * units], recurrent_kernel [units,
 * gates * units], a bias, an activation and the per-sequence dropout masks of DropoutRNNCell.
 * The input projection `(x * inputMask) @ kernel + inputBias` of a whole sequence is one matmul;
 * `recurrentStep` does the rest of one timestep.
 */
/**
 * Set by SimpleRNN, LSTM and GRU on the options they give their cell: the layer as errors about
 * those options should name it ("LSTM lstm"), since the user wrote the layer, not its inner cell.
 */
export const CELL_OWNER: unique symbol = Symbol("lamina.cellOwner");

export abstract class KerasCell extends RNNCell {
  /** Who a bad option is blamed on: the owning layer when there is one, else this cell. */
  protected readonly optionsWhere: string;
  readonly units: number;
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  protected readonly cellArgs: CellWeightArgs;
  private readonly generator: RandomGenerator | null;

  constructor(args: CellWeightArgs & LayerArgs & { readonly [CELL_OWNER]?: string }) {
    super(args);
    const where = args[CELL_OWNER] ?? `${this.className} ${this.name}`;
    this.optionsWhere = where;
    const units = args.units;
    if (typeof units !== "number" || !Number.isInteger(units) || units <= 0) {
      throw new RangeError(`${where}: units must be a positive integer (the size of the output and states), got ${valueText(units)}`);
    }
    this.units = units;
    this.activation = getActivation(args.activation === undefined ? "tanh" : args.activation, where);
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.dropout = checkRate(where, "dropout", args.dropout);
    this.recurrentDropout = checkRate(where, "recurrentDropout", args.recurrentDropout);
    ({ seed: this.seed, generator: this.generator } = cellSeed(where, args.seed));
    checkWeightOptions(where, args);
    this.cellArgs = args;
  }

  abstract override get stateSize(): readonly number[];

  override get inputCount(): number {
    return 1;
  }

  /** How many blocks of `units` columns the kernels have (1, 4 for LSTM, 3 for GRU). */
  protected abstract get gates(): number;

  /** The bias added to the projected inputs (all of it but a reset-after GRU's recurrent half). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** One timestep from the projected input xp [batch, gates * units]; h is the previous output, already masked. */
  protected abstract recurrentStep(xp: Tensor, hMasked: Tensor, states: Tensor[]): [Tensor, Tensor[]];

  protected biasInitializer(): InitializerArg {
    return this.cellArgs.biasInitializer ?? "zeros";
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const features = shape[shape.length - 1];
    if (features === null || features === undefined) {
      throw new RangeError(`${this.className} ${this.name}: the inputs need a known last dimension (the features), got ${valueText(shape)}`);
    }
    const a = this.cellArgs;
    const n = this.gates * this.units;
    this.kernel = addResolvedWeight(this, "kernel", [features, n], "glorot_uniform", {
      initializer: a.kernelInitializer, regularizer: a.kernelRegularizer, constraint: a.kernelConstraint,
    });
    this.recurrentKernel = addResolvedWeight(this, "recurrent_kernel", [this.units, n], "orthogonal", {
      initializer: a.recurrentInitializer, regularizer: a.recurrentRegularizer, constraint: a.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = addResolvedWeight(this, "bias", this.biasShape(), "zeros", {
        initializer: this.biasInitializer(), regularizer: a.biasRegularizer, constraint: a.biasConstraint,
      });
    }
    this.built = true;
  }

  protected override weightAxes(): readonly number[] {
    return [-1];
  }

  /** Keras' DropoutRNNCell mask: ones dropped at `rate` (and scaled by 1 / (1 - rate)), one per sample. */
  private mask(rate: number, batch: number, size: number, dtype: Tensor["dtype"]): Tensor {
    return dropout(ones([batch, size], dtype), rate, { seed: this.generator?.nextUint32() });
  }

  /** The dropout masks of one sequence: on the inputs [batch, features], then on the previous output [batch, units]. */
  private sequenceMasks(batch: number, dtype: Tensor["dtype"], stateDType: Tensor["dtype"], training: boolean): [Tensor | null, Tensor | null] {
    const features = this.kernel!.shape[0];
    const inputMask = training && this.dropout > 0 ? this.mask(this.dropout, batch, features, dtype) : null;
    const recurrentMask = training && this.recurrentDropout > 0 ? this.mask(this.recurrentDropout, batch, this.units, stateDType) : null;
    return [inputMask, recurrentMask];
  }

  override sequence(x: Tensor, states: Tensor[], training: boolean): CellSequence {
    const [batch, time, features] = x.shape;
    if (x.rank !== 3 || features !== this.kernel!.shape[0]) {
      throw new RangeError(
        `${this.className} ${this.name}: expected inputs [batch, time, ${this.kernel!.shape[0]}], got ${shapeText(x.shape)}`,
      );
    }
    const [inputMask, recurrentMask] = this.sequenceMasks(batch, x.dtype, states[0].dtype, training);
    const dropped = inputMask ? mul(x, expandDims(inputMask, 1)) : x;
    const n = this.gates * this.units;
    const projected = reshape(fusedMatMul(reshape(dropped, [batch * time, features]), this.kernel!, this.inputBias(), "linear"), [batch, time, n]);
    return {
      inputs: projected,
      step: (xp, s) => this.recurrentStep(xp, recurrentMask ? mul(s[0], recurrentMask) : s[0], s),
    };
  }

  override stepper(states: Tensor[], training: boolean): (x: Tensor, states: Tensor[]) => [Tensor, Tensor[]] {
    const [inputMask, recurrentMask] = this.sequenceMasks(states[0].shape[0], states[0].dtype, states[0].dtype, training);
    return (x, s) => {
      if (x.rank !== 2 || x.shape[1] !== this.kernel!.shape[0]) {
        throw new RangeError(`${this.className} ${this.name}: expected inputs [batch, ${this.kernel!.shape[0]}], got ${shapeText(x.shape)}`);
      }
      const xp = fusedMatMul(inputMask ? mul(x, inputMask) : x, this.kernel!, this.inputBias(), "linear");
      return this.recurrentStep(xp, recurrentMask ? mul(s[0], recurrentMask) : s[0], s);
    };
  }

  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    this.checkStates(states, x);
    return this.stepper(states, training)(x, states);
  }

  /** Refuses states of the wrong number or shape, naming the expected ones. */
  checkStates(states: readonly Tensor[], x: Tensor): void {
    const want = this.stateSize;
    const where = `${this.className} ${this.name}`;
    if (states.length !== want.length) {
      throw new TypeError(`${where}: expects ${want.length} state tensor(s) ([batch, ${want.join("], [batch, ")}]), got ${states.length}`);
    }
    states.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== want[i]) {
        throw new RangeError(`${where}: state ${i} must have shape [${x.shape[0]}, ${want[i]}] (batch, units), got ${shapeText(s.shape)}`);
      }
      if (s.dtype !== x.dtype) throw new TypeError(`${where}: state ${i} is ${s.dtype} but the inputs are ${x.dtype}; cast it`);
    });
  }

  /** Keras' cell get_config entries, with the cell's own (`middle`) after the activation, in Keras' order. */
  protected cellConfig(middle: Record<string, unknown>): Record<string, unknown> {
    const a = this.cellArgs;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      ...middle,
      kernel_initializer: serializeObject(resolveInitializer(a.kernelInitializer ?? "glorot_uniform")),
      recurrent_initializer: serializeObject(resolveInitializer(a.recurrentInitializer ?? "orthogonal")),
      bias_initializer: serializeObject(resolveInitializer(a.biasInitializer ?? "zeros")),
      kernel_regularizer: serializeObject(resolveRegularizer(a.kernelRegularizer)),
      recurrent_regularizer: serializeObject(resolveRegularizer(a.recurrentRegularizer)),
      bias_regularizer: serializeObject(resolveRegularizer(a.biasRegularizer)),
      kernel_constraint: serializeObject(resolveConstraint(a.kernelConstraint)),
      recurrent_constraint: serializeObject(resolveConstraint(a.recurrentConstraint)),
      bias_constraint: serializeObject(resolveConstraint(a.biasConstraint)),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
    };
  }
}
