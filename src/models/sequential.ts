import type { DeserializeOptions } from "../io/serialization.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { Layer, type CallOptions, type LayerShape, nestModelScope, uniqueLayerName } from "../layers/layer.js";
import { InputLayer } from "../layers/core.js";
import { SymbolicTensor, layerShapeText } from "../layers/symbolic.js";
import { Model } from "./model.js";
import type { Conv2D } from "../layers/convolutional.js";
import { canFold, runFolded, sequentialFoldAt } from "./inference_folding.js";
import { modelInput } from "./input_rank.js";
import { serializationHooks } from "../io/hooks.js";
import { valueText } from "../tensor/value_text.js";
import { checkKeys } from "../nn/common.js";

/** The model's layers called one after the other on a symbolic input. */
interface SymbolicChain {
  input: SymbolicTensor;
  output: SymbolicTensor;
}

export interface SequentialArgs {
  name?: string;
  trainable?: boolean;
}

/** Keras' keyword form of the constructor, keras.Sequential(layers=..., name=..., trainable=...), as one object. */
export interface SequentialOptions extends SequentialArgs {
  layers?: readonly (Layer | SymbolicTensor)[];
}

const SEQUENTIAL_OPTIONS = ["layers", "name", "trainable"];

/**
 * keras.Sequential: layers applied one after the other. Its input shape comes from a leading
 * layers.Input(...), from `inputShape` on the first layer, or from an already-built first layer
 * (so `new Sequential(modelA.layers.slice(0, -1))` reuses modelA's layers and weights).
 */
export class Sequential extends Model {
  private stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;
  private outputShapes = new Map<Layer, LayerShape>();
  /** The layers called one after the other on a symbolic input, as Keras' Sequential builds them. */
  private graph: SymbolicChain | null = null;
  /** The input Keras' Sequential makes for itself when no layers.Input(...) starts it. */
  private implicitInput: InputLayer | null = null;
  private adding = false;

  constructor(layers?: readonly (Layer | SymbolicTensor)[], args?: SequentialArgs);
  constructor(options: SequentialOptions);
  constructor(first: readonly (Layer | SymbolicTensor)[] | SequentialOptions = [], second: SequentialArgs = {}) {
    const { layers, args } = sequentialArguments(first, second);
    super({ name: args.name, trainable: args.trainable });
    this.built = false;
    // Keras adds them all, then builds once: each layer gets one symbolic call, not one per add.
    this.adding = true;
    try {
      for (const l of layers) this.add(l);
    } finally {
      this.adding = false;
    }
    const shape = this.knownInputShape();
    if (shape && this.stack.length > 0) this.build(shape);
  }

  /** The symbolic input, once the model knows its input shape (Keras: "has no defined inputs yet" before). */
  override get inputs(): SymbolicTensor[] {
    return [this.symbolic("inputs").input];
  }

  /** The symbolic output of the last layer, once the model knows its input shape. */
  override get outputs(): SymbolicTensor[] {
    return [this.symbolic("outputs").output];
  }

  protected override knownInputs(): SymbolicTensor[] {
    return this.graph ? [this.graph.input] : [];
  }

  protected override knownOutputs(): SymbolicTensor[] {
    return this.graph ? [this.graph.output] : [];
  }

  protected override declaredInputDTypes(): DType[] {
    return this.graph ? [this.graph.input.dtype] : [];
  }

  private symbolic(what: string): SymbolicChain {
    if (!this.graph) {
      throw new Error(`Sequential ${this.name} has no defined ${what} yet: start it with layers.Input({ shape }), give inputShape to its first layer, or build it (call it on data, or model.build(shape))`);
    }
    return this.graph;
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** The InputLayer the model starts with (layers.Input(...) given first), if any. */
  get declaredInputLayer(): InputLayer | null {
    return this.inputLayer;
  }

  /**
   * The InputLayer the model made for itself when built without layers.Input(...) (Keras inserts
   * one, named input_layer, input_layer_1, ... like any other layer), if it is that of the current build.
   */
  get automaticInputLayer(): InputLayer | null {
    return this.graph && !this.inputLayer ? this.implicitInput : null;
  }

  override get isFunctional(): boolean {
    return false;
  }

  /** Sequential's call feeds its first layer: it takes a tensor, never an object of inputs keyed by name. */
  protected override get takesKeyedCallInputs(): boolean {
    return false;
  }

  /** Keras' Sequential.from_config: the Sequential model `getConfig()` describes, typed as one. */
  static override fromConfig(config: Readonly<Record<string, unknown>>, options: DeserializeOptions = {}): Sequential {
    const made = super.fromConfig(config, options);
    if (!(made instanceof Sequential)) throw new TypeError(`${this.name}.fromConfig: the config describes ${made.className} "${made.name}", not a Sequential model; use layers.deserialize or that class's fromConfig`);
    return made;
  }

  /** Keras' Sequential.get_config: name, trainable, dtype, its layers and build_input_shape, which Sequential.fromConfig rebuilds. */
  override getConfig(): Record<string, unknown> {
    if (this.constructor !== Sequential) return super.getConfig();
    return serializationHooks(`Sequential ${this.name}.getConfig`).serializeLayer(this).config as Record<string, unknown>;
  }

  /** Appends a layer (or sets the input with layers.Input(...) as the first element). */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.sourceLayer instanceof InputLayer) || this.stack.length > 0 || this.inputLayer) {
        throw new TypeError(`Sequential ${this.name}: a symbolic tensor can only be the first element, and must come from layers.Input(...)`);
      }
      this.inputLayer = layer.sourceLayer;
      return;
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new TypeError(`Sequential ${this.name}: an InputLayer can only be the first layer`);
      this.inputLayer = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new TypeError(`Sequential ${this.name}.add: expected a layer, got ${valueText(layer)}`);
    }
    if (this.stack.includes(layer)) throw new Error(`Sequential ${this.name}.add: layer ${layer.name} is already in the model`);
    if (this.stack.some((l) => l.name === layer.name) || this.inputLayer?.name === layer.name) {
      throw new Error(`Sequential ${this.name}.add: the name "${layer.name}" is already the name of a layer in this model; layer names must be unique (give this layer its own name, or leave name out)`);
    }
    this.stack.push(layer);
    this.built = false;
    this.graph = null;
    const shape = this.knownInputShape();
    if (shape && !this.adding) this.build(shape);
  }

  /** Removes the last layer. */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new Error(`Sequential ${this.name}.pop: the model has no layers`);
    this.outputShapes.delete(l);
    this.graph = null;
    const shape = this.knownInputShape();
    if (shape && this.stack.length > 0) this.build(shape);
    return l;
  }

  /** The batch input shape, when any source declares it. */
  knownInputShape(): LayerShape | null {
    if (this.inputLayer) return this.inputLayer.batchInputShape;
    const first = this.stack[0];
    if (!first) return null;
    if (first.batchInputShape) return first.batchInputShape;
    const b = first.builtInputShape;
    // Only a shape with its batch axis unknown, as a model builds its layers: a layer built by hand
    // for (8,) (Keras' guide: custom_layer.build(input_shape=(8,))) takes inputs of shape (batch, 8)
    // once called, so that shape says nothing about the model's input; it builds at its first call.
    if (b && !Array.isArray(b[0]) && b.length >= 2 && b[0] === null) return b as LayerShape;
    return null;
  }

  /**
   * Builds every layer in turn from the input shape by calling it on a symbolic input, as Keras'
   * Sequential (a functional model of its layers) does: each layer gets the `output` a feature
   * extractor takes, and each output shape is recorded. lamina still runs the stack itself (call).
   */
  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = inputShape as LayerShape;
    const batch = shape[0];
    if (this.stack.length === 0) throw new Error(`Sequential model ${this.name} cannot be built because it has no layers. Call \`model.add(layer)\`.`);
    // Keras 3.5's Sequential.build: once the model starts with an InputLayer (given, made from the
    // first layer's input shape, or inserted by an earlier build), any other shape is refused, the
    // batch axis included ((None, 4) is not (8, 4)).
    const configured = this.configuredInputShape();
    if (configured !== null && !sameShape(configured, shape)) {
      throw new RangeError(`Sequential model '${this.name}' has already been configured to use input shape ${layerShapeText(configured)}. You cannot build it with input_shape ${layerShapeText(shape)}`);
    }
    let input: SymbolicTensor;
    if (this.inputLayer) {
      input = this.inputLayer.inboundNodes[0].outputs[0];
    } else {
      const known = this.implicitInput?.batchInputShape;
      if (!this.implicitInput || !known || known.length !== shape.length || known.some((d, i) => d !== shape[i])) {
        this.implicitInput = new InputLayer({ batchShape: [...shape], dtype: this.stack[0]?.dtype });
      }
      input = this.implicitInput.inboundNodes[0].outputs[0];
    }
    let t = input;
    for (const layer of this.stack) {
      // Keras builds the layers inside the model's name scope: weights made now are named
      // sequential/dense/kernel; a layer built before (alone, or from a file's build_config) keeps its names.
      if (!layer.built) nestModelScope(layer, this);
      const out = layer.apply(t);
      if (!(out instanceof SymbolicTensor)) throw new TypeError(`Sequential ${this.name}: layer ${layer.name} has several outputs; use the functional API`);
      this.outputShapes.set(layer, [batch, ...out.shape.slice(1)]);
      t = out;
    }
    this.built = true;
    this.builtInputShape = inputShape;
    this.graph = { input, output: t };
    // Keras 3's Sequential.build wraps its layers in a Functional with an automatic name, so each
    // build (at construction, on each add or pop once built, on the first call) takes a number from
    // the "functional" counter: a functional model made after a built Sequential is "functional_1".
    uniqueLayerName("functional");
  }

  /**
   * The batch input shape the model is bound to, as Keras' leading InputLayer's batch_shape: its
   * layers.Input, its first layer's inputShape (with batchSize), or the input of its current build.
   */
  private configuredInputShape(): LayerShape | null {
    return this.inputLayer?.batchInputShape ?? this.stack[0]?.batchInputShape ?? this.automaticInputLayer?.batchInputShape ?? null;
  }

  /** Nothing to do: call builds the stack itself, for inputs of any batch size. */
  override prepareCall(): void {}

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    if (Array.isArray(inputs)) {
      if (inputs.length !== 1) throw new TypeError(`Sequential ${this.name}: expects one input tensor, got ${inputs.length}`);
      inputs = inputs[0];
    }
    if (this.stack.length === 0) throw new Error(`Sequential ${this.name}: the model has no layers; add some with model.add(...)`);
    if (!this.built) this.build(this.configuredInputShape() ?? [null, ...inputs.shape.slice(1)]);
    const declared = this.knownInputShape();
    let x: Tensor = declared ? modelInput(inputs, declared, `Sequential ${this.name}:`, this.declaredInputDTypes()[0]) : inputs;
    // Keras' Sequential.call: a given mask goes to the first layer; later ones read their input's.
    const { mask, ...rest } = opts;
    opts = rest;
    for (let i = 0; i < this.stack.length; i++) {
      const fold = opts.training === true ? null : sequentialFoldAt(this.stack, i);
      if (fold !== null && this.stack.slice(i, i + fold.span).every((l) => l.built)) {
        const conv = this.stack[i] as Conv2D;
        const xc = conv.autocast([x])[0];
        if (canFold(conv, fold.tail, xc)) {
          x = runFolded(conv, fold.tail, xc);
          i += fold.span - 1;
          continue;
        }
      }
      x = this.stack[i].apply(x, i === 0 && mask !== undefined ? { ...opts, mask } : opts) as Tensor;
    }
    return x;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (!this.built) this.build(inputShape);
    const last = this.stack[this.stack.length - 1];
    const out = this.outputShapes.get(last);
    if (!out) throw new Error(`Sequential ${this.name}: output shape unknown`);
    // The batch axis is the input's: a model built by an eager call on one image (batch 1), then
    // called on layers.Input (batch None), gives (None, ...) as Keras' graph does, not (1, ...).
    const given = inputShape as LayerShape;
    const built = this.builtInputShape as LayerShape | null;
    if (built !== null && !Array.isArray(given[0]) && given.length === built.length && given.slice(1).every((d, i) => d === built[i + 1])) {
      return [given[0], ...out.slice(1)];
    }
    return out;
  }

  override layerOutputShapes(): Map<Layer, LayerShape[]> {
    return new Map([...this.outputShapes].map(([l, s]) => [l, [s]]));
  }

  override layerInboundNames(): Map<Layer, string[]> {
    return new Map();
  }
}

function sameShape(a: LayerShape, b: LayerShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The constructor's two forms: (layers, { name, trainable }) and Keras' keywords as one object,
 * new Sequential({ name: "my_sequential" }) for keras.Sequential(name="my_sequential").
 */
function sequentialArguments(first: unknown, second: unknown): { layers: readonly (Layer | SymbolicTensor)[]; args: SequentialArgs } {
  if (Array.isArray(first)) return { layers: first, args: (second ?? {}) as SequentialArgs };
  if (typeof first !== "object" || first === null || first instanceof Layer || first instanceof SymbolicTensor) {
    throw new TypeError(`Sequential: expected a list of layers or options { layers, name, trainable }, got ${valueText(first)}; e.g. new Sequential([layers.Dense(2)]) or new Sequential({ name: "my_sequential" })`);
  }
  if (second !== undefined && !(typeof second === "object" && second !== null && Object.keys(second).length === 0)) {
    throw new TypeError(`Sequential: options given as the first argument take no second one; put name and trainable beside layers: new Sequential({ layers, name })`);
  }
  checkKeys("Sequential", first, SEQUENTIAL_OPTIONS);
  const { layers = [], ...args } = first as SequentialOptions;
  if (!Array.isArray(layers)) throw new TypeError(`Sequential: layers must be a list of layers, got ${valueText(layers)}`);
  return { layers, args };
}
