import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add, div, mul } from "../ops/math.js";
import { concat, reverse, stack, unstack } from "../ops/shape.js";
import { serializationHooks } from "../io/hooks.js";
import { withoutActivityLosses } from "./call_context.js";
import { Layer, type CallOptions, type LayerArgs, type LayerInput, type LayerShape, type Mask, layerOptions, nestWeightScope } from "./layer.js";
import type { SymbolicTensor } from "./symbolic.js";
import { layerShapeText } from "./symbolic.js";
import { RNN, type RNNCallOptions, withInitialState } from "./rnn.js";
import { Wrapper, type WrapperArgs } from "./wrapper.js";

// ------------------------------------------------------------------ Bidirectional

export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;
const MERGE_MODES: readonly MergeMode[] = ["concat", "sum", "mul", "ave", null];

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run forwards; a copy of it (named forward_<name>) is what runs. */
  layer?: RNN;
  /** How the two directions' outputs combine: "concat" (default), "sum", "mul", "ave", or null for both, as a list. */
  mergeMode?: MergeMode;
  /** The layer to run backwards (goBackwards: true); by default a copy of `layer` with goBackwards: true, named backward_<name>. */
  backwardLayer?: RNN;
}

/** Keras' removeprefix, for forward_/backward_ names. */
function withPrefix(prefix: string, name: string): string {
  return prefix + (name.startsWith(prefix) ? name.slice(prefix.length) : name);
}

/** A new layer from `layer`'s config with some entries replaced (Keras copies the wrapped layer so). */
function copyLayer(layer: RNN, changes: Record<string, unknown>, where: string): RNN {
  const hooks = serializationHooks(where);
  // With the build_config of a built layer, as Keras' copy through its config: the copy is built at
  // once, outside the Bidirectional's scope (forward_lstm/lstm_cell/kernel, as Keras names it).
  const serialized = hooks.serializeLayer(layer);
  const config = { ...(serialized.config as Record<string, unknown>), ...changes };
  const copy = Layer.fromConfig({ ...serialized, config });
  if (!(copy instanceof RNN)) throw new TypeError(`${where}: copying ${layer.className} ${layer.name} gave ${copy.className}`);
  return copy;
}

/**
 * Keras' Bidirectional: runs a recurrent layer forwards and a copy of it backwards over the same
 * inputs and merges the outputs (the backward sequence flipped back into time order with
 * returnSequences). With returnState the forward states follow the output, then the backward
 * ones; initial states are given the same way, forward half first.
 */
export class Bidirectional extends Layer {
  static readonly options = layerOptions<BidirectionalArgs>({ layer: true, mergeMode: true, backwardLayer: true });
  /** Keras' attribute names, which its weight files use as paths (layers/bidirectional/forward_layer/...). */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = { forwardLayer: "forward_layer", backwardLayer: "backward_layer" };
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  /** The wrapped layers' stateful flag (both have the same). */
  readonly stateful: boolean;

  constructor(args: BidirectionalArgs) {
    super(args);
    const where = `${this.className} ${this.name}`;
    if (!(args.layer instanceof RNN)) {
      throw new TypeError(`${where}: layer must be a recurrent layer (layers.LSTM, GRU, SimpleRNN or RNN), got ${valueText(args.layer)}; e.g. layers.Bidirectional(layers.LSTM(32))`);
    }
    if (args.backwardLayer !== undefined && args.backwardLayer !== null && !(args.backwardLayer instanceof RNN)) {
      throw new TypeError(`${where}: backwardLayer must be a recurrent layer, got ${valueText(args.backwardLayer)}`);
    }
    for (const inner of [args.layer, args.backwardLayer]) {
      // The merge and the state lists take one output and [batch, size] states per direction.
      if (inner instanceof RNN && !inner.cell.structure().flat) {
        throw new TypeError(
          `${where}: wraps recurrent layers whose cell has one output and states of shape [batch, size]; ${inner.className} ${inner.name}'s ${inner.cell.className} ` +
            `declares outputSize ${valueText(inner.cell.outputSize)} and stateSize ${valueText(inner.cell.stateSize)}; run it forward and backward (goBackwards: true) as two layers.RNN and merge them`,
        );
      }
    }
    const mode = args.mergeMode === undefined ? "concat" : args.mergeMode;
    if (!MERGE_MODES.includes(mode)) {
      throw new RangeError(`${where}: mergeMode ${valueText(mode)} is not one of "concat", "sum", "mul", "ave" or null`);
    }
    this.mergeMode = mode;
    const layer = args.layer;
    this.forwardLayer = copyLayer(layer, { name: withPrefix("forward_", layer.name) }, where);
    // Keras sets the copy's go_backwards to True (not the flip of the layer's), so a layer that already goes backwards is refused below.
    this.backwardLayer = args.backwardLayer ?? copyLayer(layer, { name: withPrefix("backward_", layer.name), go_backwards: true }, where);
    const f = this.forwardLayer, b = this.backwardLayer;
    for (const inner of [f, b]) if (!inner.built) nestWeightScope(inner, this);
    if (f.goBackwards === b.goBackwards) {
      throw new RangeError(
        `${where}: the forward and backward layers must differ in goBackwards, got ${f.goBackwards} for both` +
          (args.backwardLayer ? "" : "; the backward copy always goes backwards, so wrap a layer with goBackwards: false"),
      );
    }
    for (const key of ["returnSequences", "returnState", "stateful"] as const) {
      if (f[key] !== b[key]) throw new RangeError(`${where}: the forward and backward layers must agree on ${key}, got ${f[key]} and ${b[key]}`);
    }
    // As Keras: a masked step outputs zeros in both directions when the sequences are returned (no effect without masks).
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
    this.returnSequences = f.returnSequences;
    this.returnState = f.returnState;
    this.stateful = f.stateful;
  }

  /** The forward layer's carried states, then the backward layer's; null unless stateful (Keras' `states`). */
  get states(): Tensor[] | null {
    const f = this.forwardLayer.states, b = this.backwardLayer.states;
    return f !== null && b !== null ? [...f, ...b] : null;
  }

  /** Keras' reset_state: both directions' states back to zeros; an error unless the layer is stateful, as in Keras. */
  resetState(): void {
    if (!this.stateful) {
      throw new TypeError(`${this.className} ${this.name}: resetState needs a stateful layer (it wraps ${this.forwardLayer.className} with stateful: false, which carries no states)`);
    }
    this.forwardLayer.resetState();
    this.backwardLayer.resetState();
  }

  /** Keras' reset_states, the same as resetState. */
  resetStates(): void {
    this.resetState();
  }

  override apply(inputs: LayerInput, opts: RNNCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const [all, rest] = withInitialState(this, inputs, opts);
    return super.apply(all, rest);
  }

  /** The sequence's shape, refused below rank 3 in this layer's name (Keras gives it the wrapped layer's input_spec). */
  private sequenceShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    if (shape.length < 3) {
      throw new RangeError(
        `${this.className} ${this.name}: expects inputs of shape [batch, timesteps, features] for ${this.forwardLayer.className}, got ${layerShapeText(shape)}; ` +
          "reshape them (e.g. layers.Reshape([timesteps, features])) or, for token indices, put an Embedding layer first",
      );
    }
    return shape;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = this.sequenceShape(inputShape);
    if (!this.forwardLayer.built) this.forwardLayer.maybeBuild(shape, false);
    if (!this.backwardLayer.built) this.backwardLayer.maybeBuild(shape, false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [x, ...initial] = list;
    if (initial.length % 2 !== 0) {
      throw new TypeError(`${this.className} ${this.name}: got ${initial.length} initial state tensor(s); give the forward layer's states, then as many for the backward layer`);
    }
    const half = initial.length / 2;
    const run = (layer: RNN, states: Tensor[]): Tensor[] => {
      const out = layer.apply(states.length > 0 ? [x, ...states] : x, opts) as Tensor | Tensor[];
      return Array.isArray(out) ? out : [out];
    };
    const [y, ...forwardStates] = run(this.forwardLayer, initial.slice(0, half));
    const [yb, ...backwardStates] = run(this.backwardLayer, initial.slice(half));
    const yRev = this.returnSequences ? reverse(yb, 1) : yb;
    const states = [...forwardStates, ...backwardStates];
    const merged = this.merge(y, yRev);
    return [...merged, ...states].length === 1 ? merged[0] : [...merged, ...states];
  }

  /** Keras' Bidirectional.compute_mask: the input's mask for sequence outputs (each, with mergeMode null), none for states. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask = null): Mask {
    const m = Array.isArray(mask) ? (mask as readonly (Tensor | null)[])[0] ?? null : (mask as Tensor | null);
    const out = this.returnSequences ? m : null;
    const outs = this.mergeMode === null ? [out, out] : [out];
    const states = this.returnState ? this.forwardLayer.cell.stateSize.map(() => null) : [];
    const all = [...outs, ...states, ...states];
    return all.length === 1 ? all[0] : all;
  }

  private merge(y: Tensor, yRev: Tensor): Tensor[] {
    switch (this.mergeMode) {
      case "concat": return [concat([y, yRev], -1)];
      case "sum": return [add(y, yRev)];
      case "ave": return [div(add(y, yRev), 2)];
      case "mul": return [mul(y, yRev)];
      default: return [y, yRev];
    }
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shape = this.sequenceShape(inputShape);
    const forward = this.forwardLayer.computeOutputShape(shape);
    const [out, ...states] = (this.returnState ? forward : [forward]) as LayerShape[];
    const outs = this.mergeMode === "concat"
      ? [[...out.slice(0, -1), out[out.length - 1] === null ? null : 2 * (out[out.length - 1] as number)]]
      : this.mergeMode === null ? [out, out] : [out];
    const all = [...outs, ...states, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override getConfig(): Record<string, unknown> {
    const hooks = serializationHooks(`${this.className}.getConfig`);
    return { ...super.getConfig(), merge_mode: this.mergeMode, layer: hooks.serializeLayer(this.forwardLayer), backward_layer: hooks.serializeLayer(this.backwardLayer) };
  }
}

// ------------------------------------------------------------------ TimeDistributed

export interface TimeDistributedArgs extends WrapperArgs {
  /** The layer applied to every timestep, with the same weights: layers.Dense(8), layers.Conv2D(16, 3)... */
  layer?: Layer;
}

/**
 * Keras' TimeDistributed (a layers.Wrapper): applies one layer to each slice x[:, t] of [batch, time, ...] inputs and
 * stacks the results along axis 1, calling the layer once per timestep as Keras does (so a
 * Dropout draws a new mask and a BatchNormalization takes each step's own statistics).
 */
export class TimeDistributed extends Wrapper {
  static readonly options = layerOptions<TimeDistributedArgs>({ layer: true });

  constructor(args: TimeDistributedArgs) {
    super(args);
    this.supportsMasking = true;
  }

  private childShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (Array.isArray(inputShape[0])) throw new TypeError(`${this.className} ${this.name}: expects one input tensor, got ${inputShape.length}`);
    const shape = inputShape as LayerShape;
    if (shape.length < 3) {
      throw new RangeError(`${this.className} ${this.name}: expects inputs of at least 3 dimensions [batch, time, ...], got ${layerShapeText(shape)}`);
    }
    return [shape[0], ...shape.slice(2)];
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    if (!this.layer.built) this.layer.maybeBuild(this.childShape(inputShape), false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (Array.isArray(inputs) && inputs.length !== 1) throw new TypeError(`${this.className} ${this.name}: expects one input tensor, got ${inputs.length}`);
    this.childShape(x.shape);
    const { mask, ...rest } = opts;
    const stepMasks = this.stepMasks(mask, x);
    // Keras calls the wrapped layer's `call`, not its __call__, so its own activity regularizer adds nothing.
    const steps = withoutActivityLosses(this.layer, () => unstack(x, 1).map((xt, t) => {
      // As Keras, the wrapped layer sees its step's mask only if it uses masks.
      const y = this.layer.apply(xt, stepMasks !== null && this.layer.supportsMasking ? { ...rest, mask: stepMasks[t] } : rest);
      if (Array.isArray(y)) throw new TypeError(`${this.className} ${this.name}: the wrapped layer ${this.layer.name} returns several tensors; TimeDistributed needs a layer with one output`);
      return y as Tensor;
    }));
    if (steps.length === 0) throw new RangeError(`${this.className} ${this.name}: the inputs have no timesteps (${shapeText(x.shape)})`);
    return stack(steps, 1);
  }

  /** The mask of each timestep ([batch, ...]), or null without one; Keras' check that it is [batch, time, ...]. */
  private stepMasks(mask: Mask | undefined, x: Tensor): Tensor[] | null {
    const m = Array.isArray(mask) ? (mask as readonly (Tensor | null)[])[0] ?? null : (mask as Tensor | null | undefined) ?? null;
    if (m === null) return null;
    if (m.rank < 2 || m.shape[0] !== x.shape[0] || m.shape[1] !== x.shape[1]) {
      throw new RangeError(`${this.className} ${this.name}: the mask must have shape [${x.shape[0]}, ${x.shape[1]}, ...] (batch, timesteps) for inputs ${shapeText(x.shape)}, got ${shapeText(m.shape)}`);
    }
    return unstack(m, 1);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const child = this.layer.computeOutputShape(this.childShape(inputShape));
    if (Array.isArray(child[0])) throw new TypeError(`${this.className} ${this.name}: the wrapped layer ${this.layer.name} returns several tensors; TimeDistributed needs a layer with one output`);
    const c = child as LayerShape;
    return [c[0], (inputShape as LayerShape)[1], ...c.slice(1)];
  }
}
