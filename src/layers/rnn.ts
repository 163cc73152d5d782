import type { Tensor } from "../tensor/tensor.js";
import { zeros } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { reshape, reverse, stack, unstack } from "../ops/shape.js";
import { stopGradient } from "../ops/gradient_stop.js";
import { cast, where as select } from "../ops/math.js";
import { noGrad } from "../ops/engine.js";
import { serializationHooks } from "../io/hooks.js";
import { Layer, type CallOptions, type LayerArgs, type LayerInput, type LayerShape, type Mask, booleanOption, layerOptions, nestWeightScope } from "./layer.js";
import type { SymbolicTensor } from "./symbolic.js";
import { layerShapeText } from "./symbolic.js";
import { CELL_OWNER, CELL_WEIGHT_OPTIONS, type CellWeightArgs, RNNCell } from "./rnn_cell.js";
import { type CellStructure, fitsState, shapesText } from "./rnn_structure.js";
import { runNestedLoop } from "./rnn_nested_loop.js";
import { StackedRNNCells } from "./rnn_stacked.js";
import {
  GRU_CELL_OPTIONS, GRUCell, type GRUCellArgs, LSTM_CELL_OPTIONS, LSTMCell, type LSTMCellArgs, SimpleRNNCell,
  type SimpleRNNCellArgs,
} from "./rnn_cells.js";

/** The options of every recurrent layer (Keras' RNN keywords). */
export interface RNNLayerArgs extends LayerArgs {
  /** Return the output of every timestep ([batch, time, units]) rather than the last ([batch, units]). */
  returnSequences?: boolean;
  /** Also return the final states: [output, ...states]. */
  returnState?: boolean;
  /** Process the sequence from its end (the outputs of returnSequences then come in that order, as Keras). */
  goBackwards?: boolean;
  /**
   * Keras' stateful RNN: the final states of each batch are the initial states of the next call
   * (sample i of a batch continues sample i of the previous one) until `resetStates()`. Needs a
   * fixed batch size: layers.Input({ batchShape: [32, time, features] }), or inputShape with
   * batchSize on the first layer; fit with shuffle: false.
   */
  stateful?: boolean;
  /**
   * Keras unrolls the time loop into one graph; values are the same, so it has no effect here, but
   * as in Keras it needs a known number of timesteps (Input({ shape: [timesteps, features] })).
   */
  unroll?: boolean;
  /**
   * Keras' zero_output_for_mask: a masked timestep outputs zeros instead of repeating the previous
   * step's output (its states are kept either way). Keras' Bidirectional sets it to returnSequences.
   */
  zeroOutputForMask?: boolean;
}

export const RNN_LAYER_OPTIONS = {
  returnSequences: true, returnState: true, goBackwards: true, stateful: true, unroll: true, zeroOutputForMask: true,
} as const satisfies Record<Exclude<keyof RNNLayerArgs, keyof LayerArgs>, true>;

export interface RNNArgs extends RNNLayerArgs {
  /** The cell run at each timestep: layers.LSTMCell(8), or a custom RNNCell; a list of cells runs as layers.StackedRNNCells(list). */
  cell?: RNNCell | readonly RNNCell[];
}

/** A recurrent layer's call options: Keras' `initial_state` besides `training`. */
export interface RNNCallOptions extends CallOptions {
  /**
   * The states to start from, one [batch, ...size] tensor per state of the cell (LSTM: [h, c]).
   * With it, a list input is the list of input sequences of a cell taking several (Keras' nested inputs).
   */
  initialState?: Tensor | SymbolicTensor | readonly Tensor[] | readonly SymbolicTensor[];
}

/**
 * Puts Keras' `initial_state` call argument into the input list [x, ...states], the form the layer
 * and the functional graph carry it in (a list input is the same call).
 */
export function withInitialState(layer: Layer, inputs: LayerInput, opts: RNNCallOptions): [LayerInput, CallOptions] {
  const where = `${layer.className} ${layer.name}`;
  const { initialState, ...rest } = opts;
  if (initialState === undefined || initialState === null) return [inputs, rest];
  if (Array.isArray(inputs)) {
    throw new TypeError(`${where}: give the initial states either after the inputs in one list ([x, ...states]) or as initialState, not both`);
  }
  const states = (Array.isArray(initialState) ? initialState : [initialState]) as (Tensor | SymbolicTensor)[];
  return [[inputs as Tensor | SymbolicTensor, ...states] as LayerInput, rest];
}

/**
 * Keras' RNN: runs a cell over the time axis of [batch, time, features] inputs, from zero states
 * or the given initial ones (a list input [x, ...states], or `apply(x, { initialState })`). The
 * cell projects the inputs of all timesteps in one matmul; the loop then does the recurrent part,
 * so gradients come from the tape through time. Returns the last output, or every output with
 * returnSequences, followed by the final states with returnState.
 *
 * Nested inputs and outputs (the guide's NestedCell): `rnn.apply([a, b])` runs a custom cell over
 * two sequences [batch, time, ...] at once, its step getting [a_t, b_t]; states may have any shape
 * (stateSize [[10], [20, 30]]); a cell with several outputs (outputSize [[10], [20, 30]]) makes the
 * layer return a list of them, then the states with returnState, all in one flat list ([o1, o2,
 * s1, s2]; Keras nests it as [(o1, o2), s1, s2]). A list input [a, b, s1, s2] is read as
 * sequences then initial states when its last entries have the states' shapes; initialState
 * (`rnn.apply([a, b], { initialState: [s1, s2] })`) says so explicitly.
 */
export class RNN extends Layer {
  static readonly options = layerOptions<RNNArgs>({ cell: true, ...RNN_LAYER_OPTIONS });
  readonly cell: RNNCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  zeroOutputForMask: boolean;
  private builtSequences: number | null = null;
  /** The cell's declared state and output shapes, read once. */
  private readonly structure: CellStructure;
  /** The number of sequences an apply call said explicitly (a single tensor, or a list with initialState), while it runs. */
  private pendingSequences: number | null = null;
  /** The states a stateful layer carries to its next call (not a Variable, so not a weight: Keras does not save them). */
  private carried: Tensor[] | null = null;

  /** Subclasses (LSTM, GRU, SimpleRNN) pass the cell they make from their options. */
  constructor(args: RNNArgs, cell?: RNNCell) {
    super(args);
    const where = `${this.className} ${this.name}`;
    const given: unknown = cell ?? args.cell;
    // As Keras: a list of cells is one StackedRNNCells.
    const c = Array.isArray(given) ? new StackedRNNCells({ cells: given as RNNCell[] }) : given;
    if (!(c instanceof RNNCell)) {
      throw new TypeError(`${where}: cell must be a recurrent cell (layers.SimpleRNNCell, LSTMCell, GRUCell or a subclass of layers.RNNCell), got ${valueText(c)}`);
    }
    this.cell = c;
    this.structure = c.structure();
    nestWeightScope(c, this);
    this.returnSequences = booleanOption(where, "returnSequences", args.returnSequences, false);
    this.returnState = booleanOption(where, "returnState", args.returnState, false);
    this.goBackwards = booleanOption(where, "goBackwards", args.goBackwards, false);
    this.stateful = booleanOption(where, "stateful", args.stateful, false);
    this.unroll = booleanOption(where, "unroll", args.unroll, false);
    this.zeroOutputForMask = booleanOption(where, "zeroOutputForMask", args.zeroOutputForMask, false);
  }

  /** How many input sequences the layer was built for (more than one: Keras' nested inputs); null before its build. */
  get sequenceCount(): number | null {
    return this.builtSequences;
  }

  /**
   * A stateful layer's current states (the final states of its latest call, zeros after build or
   * resetStates), one [batch, size] tensor per state of the cell; null when not stateful (Keras' `states`).
   * They are not weights: Keras 3.5 neither lists nor saves them.
   */
  get states(): Tensor[] | null {
    return this.carried === null ? null : [...this.carried];
  }

  /** Keras' reset_state: a stateful layer's states back to zeros; nothing to do for one that is not. */
  resetState(): void {
    if (this.carried !== null) this.carried = this.carried.map((s) => zeros(s.shape, s.dtype));
  }

  /** Keras' reset_states, the same as resetState. */
  resetStates(): void {
    this.resetState();
  }

  override apply(inputs: LayerInput, opts: RNNCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const { initialState, ...rest } = opts;
    const given = initialState === undefined || initialState === null ? null : ((Array.isArray(initialState) ? initialState : [initialState]) as (Tensor | SymbolicTensor)[]);
    if (!Array.isArray(inputs)) return this.applyWith(given !== null && given.length > 0 ? [inputs as Tensor | SymbolicTensor, ...given] as LayerInput : inputs, 1, rest);
    // A list without initialState: [x, ...states], or several sequences; the build tells them apart.
    if (given === null || (given.length === 0 && this.cell.inputCount === 1)) return this.applyWith(inputs, null, rest);
    if (this.cell.inputCount === 1) {
      throw new TypeError(`${this.className} ${this.name}: give the initial states either after the inputs in one list ([x, ...states]) or as initialState, not both`);
    }
    return this.applyWith([...(inputs as (Tensor | SymbolicTensor)[]), ...given] as LayerInput, inputs.length, rest);
  }

  /** Layer.apply, with the number of sequences at the head of the input list known when `sequences` is not null. */
  private applyWith(all: LayerInput, sequences: number | null, opts: CallOptions): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const outer = this.pendingSequences;
    this.pendingSequences = sequences;
    try {
      return super.apply(all, opts);
    } finally {
      this.pendingSequences = outer;
    }
  }

  /**
   * Builds the layer for input sequences of `sequences` shapes and initial states of `states`
   * shapes (Keras' build(sequences_shape, initial_state_shape), as a saved build_config gives them).
   */
  buildFor(sequences: readonly LayerShape[], states: readonly LayerShape[] = []): void {
    const all = [...sequences, ...states];
    const outer = this.pendingSequences;
    this.pendingSequences = sequences.length;
    try {
      this.maybeBuild(all.length === 1 ? all[0] : all, all.length > 1);
    } finally {
      this.pendingSequences = outer;
    }
  }

  /**
   * How many of a call's inputs are sequences (the rest are initial states): as the call said, as
   * the layer was built, as the cell takes (Keras' cells: one), or else all but the last entries
   * that have the states' shapes.
   */
  private sequenceCountOf(shapes: readonly LayerShape[]): number {
    const where = `${this.className} ${this.name}`;
    const pending = this.pendingSequences;
    if (pending !== null && this.sequenceCount !== null && pending !== this.sequenceCount) {
      throw new TypeError(`${where}: the layer was built for ${this.sequenceCount} input sequence(s) but is called on ${pending}; call it on as many as when it was built`);
    }
    const count = pending ?? this.sequenceCount ?? this.cell.inputCount ?? this.guessSequenceCount(shapes);
    if (shapes.length < count) {
      throw new TypeError(
        `${where}: ${this.sequenceCount !== null ? "was built for" : "the cell takes"} ${count} input sequence(s) but got ${shapes.length} tensor(s) (${shapes.map(layerShapeText).join(", ")})`,
      );
    }
    return count;
  }

  private guessSequenceCount(shapes: readonly LayerShape[]): number {
    const states = this.structure.states;
    const n = states.length, k = shapes.length - n;
    if (k >= 1 && shapes.slice(k).every((s, i) => fitsState(s, states[i], shapes[0][0]))) return k;
    return shapes.length;
  }

  /** Checks the input sequences' shapes (rank, and for several, one batch and one number of timesteps); returns them. */
  private checkSequences(shapes: readonly LayerShape[], all: number): LayerShape[] {
    const where = `${this.className} ${this.name}`;
    if (shapes.length === 1) return [this.sequenceShape(shapes[0])];
    shapes.forEach((s, i) => {
      if (s.length < 3) {
        throw new RangeError(
          `${where}: input ${i} has shape ${layerShapeText(s)}, but the ${shapes.length} inputs of the call are read as sequences [batch, timesteps, ...features]; ` +
            `initial states go after them (${all} tensor(s) given; the cell has ${this.structure.states.length} state(s), ${shapesText(this.structure.states)}) ` +
            "or in initialState",
        );
      }
      this.sequenceShape(s);
      const [b, t] = shapes[0];
      if ((b !== null && s[0] !== null && s[0] !== b) || (t !== null && s[1] !== null && s[1] !== t)) {
        throw new RangeError(
          `${where}: the input sequences must share the batch size and the number of timesteps, got ${shapes.map(layerShapeText).join(", ")}`,
        );
      }
    });
    return [...shapes];
  }

  /** A call's input shapes as a list. */
  private static shapeList(inputShape: LayerShape | LayerShape[]): LayerShape[] {
    return (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as LayerShape[];
  }

  /**
   * The rank the inputs must have: 3 for SimpleRNN, LSTM and GRU (Keras' InputSpec(ndim=3)); null
   * for RNN(cell), which as Keras' (no input_spec) takes any rank from 3 and gives the cell steps
   * [batch, ...shape.slice(2)].
   */
  protected get sequenceRank(): number | null {
    return null;
  }

  /** The sequence's shape of a call's input shape(s) ([x, ...states] or x), after checking its rank. */
  protected sequenceShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const rank = this.sequenceRank;
    if (rank === null ? shape.length < 3 : shape.length !== rank) {
      throw new RangeError(
        `${this.className} ${this.name}: expects inputs of shape [batch, timesteps, ${rank === null ? "...features" : "features"}], got ${layerShapeText(shape)}; ` +
          "reshape them (e.g. layers.Reshape([timesteps, features])) or, for token indices, put an Embedding layer first",
      );
    }
    return shape;
  }

  /** Keras' RNN.call refuses to unroll over an unknown number of timesteps; lamina keeps the refusal so the same models build. */
  private checkUnroll(shape: LayerShape): void {
    if (!this.unroll || shape[1] !== null) return;
    throw new RangeError(
      `${this.className} ${this.name}: unroll: true needs a known number of timesteps, but the input shape is ${layerShapeText(shape)}; ` +
        "give the Input a time dimension (layers.Input({ shape: [timesteps, features] })) or set unroll: false",
    );
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = RNN.shapeList(inputShape);
    const count = this.sequenceCountOf(shapes);
    const sequences = this.checkSequences(shapes.slice(0, count), shapes.length);
    const shape = sequences[0];
    this.checkUnroll(shape);
    if (!this.cell.built) {
      if (count === 1) this.cell.maybeBuild(this.stepShape(shape), false);
      else this.cell.maybeBuild(sequences.map((s) => this.stepShape(s)), true);
    }
    this.builtSequences = count;
    if (this.stateful) {
      const batch = shape[0];
      if (batch === null) {
        throw new RangeError(
          `${this.className} ${this.name}: stateful: true needs a fixed batch size (the states of sample i carry over to sample i of the next batch), ` +
            `but the input shape is ${layerShapeText(shape)}; give the model layers.Input({ batchShape: [batchSize, ${shape[1] ?? "timesteps"}, ${shape[2]}] }) ` +
            "(Sequential: or inputShape with batchSize on the first layer)",
        );
      }
      this.carried = this.stateShapes(batch).map((s) => zeros(s, this.dtype));
    }
    this.built = true;
  }

  /** The shape of one timestep's input (what the cell is built for) from the sequence's shape: Keras' (batch,) + shape[2:]. */
  protected stepShape(shape: LayerShape): LayerShape {
    if (shape[shape.length - 1] === null) throw new RangeError(`${this.className} ${this.name}: the number of features (last axis) must be known, got ${layerShapeText(shape)}`);
    return [shape[0], ...shape.slice(2)];
  }

  /** The shapes of the cell's states for a batch, as the loop carries them: [batch, ...size] each. */
  protected stateShapes(batch: number): number[][] {
    return this.structure.states.map((s) => [batch, ...s]);
  }

  protected override weightAxes(): readonly number[] {
    return [-1];
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const count = this.sequenceCountOf(list.map((t) => t.shape));
    if (count === 1 && this.structure.flat) return this.callFlat(list, opts);
    return this.callNested(list.slice(0, count), list.slice(count), opts);
  }

  /** Checks one input sequence's rank, dtype and timesteps, and a stateful layer's batch size. */
  private checkSequence(x: Tensor): void {
    const where = `${this.className} ${this.name}`;
    this.sequenceShape(x.shape);
    if (!isFloatDType(x.dtype)) throw new TypeError(`${where}: expects float inputs, got ${x.dtype} ${shapeText(x.shape)}; cast them, or put an Embedding layer first for token indices`);
    const [batch, time] = x.shape;
    if (time === 0) throw new RangeError(`${where}: the sequences have no timesteps (${shapeText(x.shape)}); there is no last output to return`);
    if (this.carried !== null && batch !== this.carried[0].shape[0]) {
      throw new RangeError(
        `${where}: the layer is stateful with a batch size of ${this.carried[0].shape[0]}, but got a batch of ${batch} (${shapeText(x.shape)}); ` +
          `every batch must have ${this.carried[0].shape[0]} samples: pass batchSize: ${this.carried[0].shape[0]} to fit/predict/evaluate and a number of samples divisible by it`,
      );
    }
  }

  /** The initial states of a call: the given ones in the inputs' dtype, a stateful layer's, or zeros; checked. */
  private initialStates(given: readonly Tensor[], x: Tensor): Tensor[] {
    // Keras' RNN.call converts given states to the compute dtype (integer zeros, float64 data) rather than refusing them.
    const converted = given.map((s) => (s.dtype === x.dtype ? s : cast(s, x.dtype)));
    const states = converted.length > 0 ? converted : this.carried ?? this.stateShapes(x.shape[0]).map((s) => zeros(s, x.dtype));
    this.checkStates(states, x);
    return states;
  }

  /** Several sequences, several outputs or states of any shape: the cell's step on every sequence's step at once. */
  private callNested(xs: Tensor[], given: Tensor[], opts: CallOptions): Tensor | Tensor[] {
    xs.forEach((x) => this.checkSequence(x));
    this.checkSequences(xs.map((x) => x.shape), xs.length + given.length);
    const states = this.initialStates(given, xs[0]);
    const { outputs, states: final } = runNestedLoop({
      cell: this.cell, where: `${this.className} ${this.name}`, structure: this.structure,
      sequences: this.goBackwards ? xs.map((x) => reverse(x, 1)) : xs, states,
      stepMasks: this.stepMasks(opts.mask, xs[0]), training: opts.training ?? false,
      returnSequences: this.returnSequences, zeroOutputForMask: this.zeroOutputForMask,
    });
    if (this.carried !== null) this.carried = final.map((s) => stopGradient(s));
    if (this.returnState) return [...outputs, ...final];
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /** One sequence, one output and [batch, size] states: the cell projects the whole sequence, then steps. */
  private callFlat(list: Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const x = list[0];
    this.checkSequence(x);
    let states = this.initialStates(list.slice(1), x);
    const run = this.cell.sequence(this.goBackwards ? reverse(x, 1) : x, states, opts.training ?? false);
    const stepMasks = this.stepMasks(opts.mask, x);
    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    const steps = unstack(run.inputs, 1);
    for (let t = 0; t < steps.length; t++) {
      const [out, next] = run.step(steps[t], states);
      const step = stepMasks?.[t];
      if (step === undefined) {
        [last, states] = [out, next];
      } else {
        // Keras' masked step: the states stay, the output repeats the previous one (zeros at first) or is zero.
        const before = states;
        // As Keras' _expand_mask: the step's mask gets the rank of what it selects (outputs and states may differ from the inputs).
        const m = (v: Tensor): Tensor => (v.rank === step.rank ? step : reshape(step, [step.shape[0], ...Array<number>(v.rank - 1).fill(1)]));
        last = select(m(out), out, this.zeroOutputForMask || last === null ? 0 : last);
        states = next.map((s, i) => select(m(s), s, before[i]));
      }
      if (this.returnSequences) outputs.push(last);
    }
    const output = this.returnSequences ? stack(outputs, 1) : (last as Tensor);
    // The next batch starts from these values; no gradient flows back into this one (Keras assigns them to variables).
    if (this.carried !== null) this.carried = states.map((s) => stopGradient(s));
    return this.returnState ? [output, ...states] : output;
  }

  /** The mask of each processed step ([batch, 1], or [batch, 1, ...] to broadcast over a step's output; bool, in processing order), or null without a mask. */
  private stepMasks(mask: Mask | undefined, x: Tensor): Tensor[] | null {
    const m = Array.isArray(mask) ? (mask as readonly (Tensor | null)[])[0] ?? null : (mask as Tensor | null | undefined) ?? null;
    if (m === null) return null;
    const [batch, time] = x.shape;
    if (m.rank !== 2 || m.shape[0] !== batch || m.shape[1] !== time) {
      throw new RangeError(`${this.className} ${this.name}: the mask must have shape [${batch}, ${time}] (batch, timesteps) for inputs ${shapeText(x.shape)}, got ${shapeText(m.shape)}`);
    }
    return noGrad(() => {
      const b = m.dtype === "bool" ? m : cast(m, "bool");
      const perStep = reshape(b, [batch, time, ...Array<number>(x.rank - 2).fill(1)]);
      return unstack(this.goBackwards ? reverse(perStep, 1) : perStep, 1);
    });
  }

  /** Keras' RNN.compute_mask: the (first) input's mask for the sequence output(s), none for the last output and the states. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask = null): Mask {
    const m = Array.isArray(mask) ? (mask as readonly (Tensor | null)[])[0] ?? null : (mask as Tensor | null);
    const out = this.returnSequences ? m : null;
    const all = [...this.structure.outputs.map(() => out), ...(this.returnState ? this.structure.states.map(() => null) : [])];
    return all.length === 1 ? all[0] : all;
  }

  private checkStates(states: readonly Tensor[], x: Tensor): void {
    const want = this.structure.states;
    const shapes = this.stateShapes(x.shape[0]);
    const where = `${this.className} ${this.name}`;
    if (states.length !== want.length) {
      throw new TypeError(
        `${where}: the cell has ${want.length} state(s) (${shapesText(want)}) but ${states.length} initial state tensor(s) were given; ` +
          `pass ${want.length === 2 && this.structure.flat ? "[h, c]" : "one per state"}`,
      );
    }
    states.forEach((s, i) => {
      if (s.rank !== shapes[i].length || s.shape.some((n, j) => n !== shapes[i][j])) {
        throw new RangeError(`${where}: initial state ${i} must have shape [${shapes[i].join(", ")}] (batch, ${shapes[i].length > 2 ? "...size" : "size"}), got ${shapeText(s.shape)}`);
      }
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shapes = RNN.shapeList(inputShape);
    const seq = this.checkSequences(shapes.slice(0, this.sequenceCountOf(shapes)), shapes.length)[0];
    this.checkUnroll(seq);
    const [batch, time] = seq;
    const outs: LayerShape[] = this.structure.outputs.map((s) => (this.returnSequences ? [batch, time, ...s] : [batch, ...s]));
    if (this.returnState) return [...outs, ...this.structure.states.map((s) => [batch, ...s])];
    return outs.length === 1 ? outs[0] : outs;
  }

  /** Keras' RNN keys, after the base layer's. */
  protected rnnConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences, return_state: this.returnState, go_backwards: this.goBackwards,
      stateful: this.stateful, unroll: this.unroll, zero_output_for_mask: this.zeroOutputForMask,
    };
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.rnnConfig(), cell: serializationHooks(`${this.className}.getConfig`).serializeLayer(this.cell) };
  }
}

/**
 * The cell's options out of a layer's (the cell gets the layer's dtype and trainable flag, and Keras'
 * fixed name). The cell blames a bad option on the layer (CELL_OWNER: "LSTM", not its inner "LSTMCell lstm_cell");
 * trainable is checked here. The layer's automatic name is not given out before its constructor runs.
 */
function cellArgs<A extends CellWeightArgs & LayerArgs>(layerClass: string, args: A, keys: Readonly<Record<string, true>>, name: string): A {
  if (typeof args !== "object" || args === null) return args;
  const where = `${layerClass}${typeof args.name === "string" ? ` ${args.name}` : ""}`;
  booleanOption(where, "trainable", args.trainable, true);
  const picked: Record<string | symbol, unknown> = { name, [CELL_OWNER]: where };
  for (const k of Object.keys(keys)) if (k in args) picked[k] = (args as Record<string, unknown>)[k];
  if (args.dtype !== undefined) picked.dtype = args.dtype;
  if (args.trainable !== undefined) picked.trainable = args.trainable;
  return picked as A;
}

/** Keras' LSTM/GRU/SimpleRNN get_config: the RNN keys, then the cell's (no `cell` entry). */
function flatConfig(layer: RNN, base: Record<string, unknown>, omit: readonly string[] = []): Record<string, unknown> {
  const { name: _n, trainable: _t, dtype: _d, ...cell } = layer.cell.getConfig();
  const out: Record<string, unknown> = { ...base, ...cell, activity_regularizer: null };
  for (const k of omit) delete out[k];
  return out;
}

export interface SimpleRNNArgs extends RNNLayerArgs, CellWeightArgs {}

/** Keras' SimpleRNN: a fully connected RNN, h = activation(x @ kernel + h_prev @ recurrent_kernel + bias). */
export class SimpleRNN extends RNN {
  static override readonly options = layerOptions<SimpleRNNArgs>({ ...CELL_WEIGHT_OPTIONS, ...RNN_LAYER_OPTIONS });
  declare readonly cell: SimpleRNNCell;
  constructor(args: SimpleRNNArgs) {
    super(args, new SimpleRNNCell(cellArgs<SimpleRNNCellArgs>("SimpleRNN", args, CELL_WEIGHT_OPTIONS, "simple_rnn_cell")));
  }
  get units(): number {
    return this.cell.units;
  }
  protected override get sequenceRank(): number {
    return 3;
  }
  // Keras 3.5's SimpleRNN.get_config leaves the seed out (its cell's keeps it).
  override getConfig(): Record<string, unknown> {
    return flatConfig(this, this.rnnConfig(), ["seed"]);
  }
}

export interface LSTMArgs extends RNNLayerArgs, Omit<LSTMCellArgs, keyof LayerArgs> {}

/** Keras' LSTM (Hochreiter 1997), weights kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u] in gate order i, f, c, o. */
export class LSTM extends RNN {
  static override readonly options = layerOptions<LSTMArgs>({ ...LSTM_CELL_OPTIONS, ...RNN_LAYER_OPTIONS });
  declare readonly cell: LSTMCell;
  constructor(args: LSTMArgs) {
    super(args, new LSTMCell(cellArgs<LSTMCellArgs>("LSTM", args, LSTM_CELL_OPTIONS, "lstm_cell")));
  }
  get units(): number {
    return this.cell.units;
  }
  protected override get sequenceRank(): number {
    return 3;
  }
  override getConfig(): Record<string, unknown> {
    return flatConfig(this, this.rnnConfig());
  }
}

export interface GRUArgs extends RNNLayerArgs, Omit<GRUCellArgs, keyof LayerArgs> {}

/** Keras' GRU (Cho et al. 2014), kernel [in, 3u], recurrent_kernel [u, 3u], bias [2, 3u] (resetAfter, Keras 3's default) or [3u]. */
export class GRU extends RNN {
  static override readonly options = layerOptions<GRUArgs>({ ...GRU_CELL_OPTIONS, ...RNN_LAYER_OPTIONS });
  declare readonly cell: GRUCell;
  constructor(args: GRUArgs) {
    super(args, new GRUCell(cellArgs<GRUCellArgs>("GRU", args, GRU_CELL_OPTIONS, "gru_cell")));
  }
  get units(): number {
    return this.cell.units;
  }
  protected override get sequenceRank(): number {
    return 3;
  }
  override getConfig(): Record<string, unknown> {
    return flatConfig(this, this.rnnConfig());
  }
}
