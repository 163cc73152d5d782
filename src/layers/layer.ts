/**
 * The Layer base class: building, calling (on tensors or symbolic inputs), weights and their
 * trainable state, config. The machinery around it lives by purpose in call_context, layer_args,
 * layer_names, weight_scope and weights.
 */
import type { DType } from "../tensor/dtype.js";
import { Tensor, storageOf } from "../tensor/tensor.js";
import { maskOf, setMask } from "../tensor/keras_mask.js";
import { Variable } from "../tensor/variable.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import { zeros } from "../tensor/creation.js";
import { noGrad } from "../ops/engine.js";
import { cast } from "../ops/math.js";
import { isFloatDType } from "../tensor/dtype.js";
import { dtypePolicy } from "../tensor/config.js";
import { valueText } from "../tensor/value_text.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { Metric, type ModelMetric } from "../nn/metric_base.js";
import { LayerNode, SymbolicTensor, type LayerShape, isSymbolicMask, layerShapeText, symbolicMask } from "./symbolic.js";
import { outputMaskShapes, probeMask } from "./symbolic_mask.js";
import { pinnedTraining } from "./node_training.js";
import { serializationHooks } from "../io/hooks.js";
import {
  type AddWeightOptions, type WeightConstraint, type WeightInitializer, type WeightRegularizer,
  resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./weights.js";
import type { DeserializeOptions } from "../io/serialization.js";
import { withoutLayerLosses } from "./layer_losses.js";
import { type CallOptions, type Mask, addLayerLoss, callInContext, checkLayerInputSpec, hasMask, whileProbing } from "./call_context.js";
import { type InputSpecValue, checkInputSpecValue } from "./input_spec.js";
import { type LayerArgs, booleanOption, checkLayerArgs, resolveActivityRegularizer } from "./layer_args.js";
import { dtypePolicyConfig, policyDType } from "./dtype_policy_config.js";
import { toSnakeCase, uniqueLayerName } from "./layer_names.js";
import { kerasTwoScopeOf, nameScopePrefix, recordKerasTwoName, scopeParentOf } from "./weight_scope.js";
import { autoConfigEntries, markBaseGetConfig, usesBaseGetConfig } from "./auto_config.js";

// Importable from here as before the split.
export type { CallOptions, Mask } from "./call_context.js";
export { callInContext, inputMask } from "./call_context.js";
export { type LayerArgs, booleanOption, layerOptions } from "./layer_args.js";
export { clearSession, toSnakeCase, uniqueLayerName } from "./layer_names.js";
export { nestModelScope, nestWeightScope } from "./weight_scope.js";
export type { AddWeightOptions, WeightConstraint, WeightInitializer, WeightRegularizer } from "./weights.js";

/** The dtypes of the symbolic inputs of the layer call being worked out (applySymbolic), for computeOutputShape's probe. */
let symbolicInputDTypes: DType[] | null = null;
/** The mask shapes of those symbolic inputs (null for one without a mask): the probe's inputs carry all-true masks of them. */
let symbolicInputMasks: (LayerShape | null)[] | null = null;

export type { LayerShape };

/** What saveOwnVariables fills and loadOwnVariables reads: a layer's saved values by key ("0", "1", ... for its weights). */
export type VariableStore = Record<string, Tensor>;

export type LayerInput = Tensor | SymbolicTensor | readonly (Tensor | SymbolicTensor)[];

/** The interface of a layer instance that can be called like a function: layer(x). */
export interface Layer {
  (inputs: Tensor, opts?: CallOptions): Tensor;
  (inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
  (inputs: readonly Tensor[], opts?: CallOptions): Tensor;
  (inputs: readonly SymbolicTensor[], opts?: CallOptions): SymbolicTensor;
  (inputs: LayerInput, opts?: CallOptions): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
}

/**
 * The base of every layer. Subclasses implement `build` (create weights from the input shape)
 * and `call` (compute with ops). Instances are functions, so `layer(x)` is `layer.apply(x)`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Layer {
  // The constructor returns a function standing in for `this`, so the base class cannot use
  // field initializers (they would land on the discarded object): every field is set below.
  declare name: string;
  declare built: boolean;
  /** Shape of the batch this layer expects as a model's first layer, if declared. */
  declare batchInputShape: LayerShape | null;
  /** The input shape the layer was built for (so a model made of built layers knows its input). */
  declare builtInputShape: LayerShape | LayerShape[] | null;
  declare readonly dtype: DType;
  /** The symbolic calls of this layer, in order (a layer shared by a model has several). */
  declare readonly inboundNodes: LayerNode[];
  declare protected readonly ownWeights: Variable[];
  declare readonly weightRegularizers: Map<Variable, WeightRegularizer>;
  declare readonly weightConstraints: Map<Variable, WeightConstraint>;
  /** Keras' activity_regularizer: a penalty on each output, added to the loss (see LayerArgs). */
  declare activityRegularizer: WeightRegularizer | null;
  /** The losses this layer added in the latest call (Keras' _losses), cleared when an outermost call starts. */
  declare readonly ownLosses: Tensor[];
  declare private _trainable: boolean;
  declare private _supportsMasking: boolean | undefined;
  declare private _path: string | null;
  declare private _inputSpec: InputSpecValue;
  declare private readonly weightTrainable: Map<Variable, boolean>;

  constructor(args: LayerArgs = {}) {
    checkLayerArgs(new.target, args);
    const self = function (this: unknown, inputs: LayerInput, opts?: CallOptions, ...rest: unknown[]) {
      return (self as unknown as { invoke(i: unknown, o?: CallOptions, ...r: unknown[]): unknown }).invoke(inputs, opts, ...rest);
    } as unknown as Layer;
    Object.setPrototypeOf(self, new.target.prototype);
    // A function's own `name` and `length` are read-only; make them ordinary properties.
    Object.defineProperty(self, "name", {
      value: args.name ?? uniqueLayerName(toSnakeCase(new.target.name)),
      writable: true, enumerable: true, configurable: true,
    });
    Object.defineProperty(self, "length", { value: 1, writable: true, configurable: true });
    const fields: Record<string, unknown> = {
      built: false,
      batchInputShape: args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null,
      builtInputShape: null,
      // Keras: a layer given no dtype takes the global dtype policy, floatx() unless set.
      dtype: policyDType(args.dtype) ?? args.dtype ?? dtypePolicy().computeDtype,
      inboundNodes: [],
      ownWeights: [],
      weightRegularizers: new Map(),
      weightConstraints: new Map(),
      _trainable: args.trainable ?? true,
      _supportsMasking: undefined,
      _path: null,
      _inputSpec: null,
      weightTrainable: new Map(),
      activityRegularizer: resolveActivityRegularizer(new.target, args),
      ownLosses: [],
    };
    for (const [k, v] of Object.entries(fields)) {
      Object.defineProperty(self, k, { value: v, writable: true, enumerable: false, configurable: true });
    }
    // Keras records the shape a layer is built for however build is reached (its build wrapper):
    // a direct `layer.build([null, 4])` then gives the same build_config and shape checks as a first call.
    const build = new.target.prototype.build;
    Object.defineProperty(self, "build", {
      value(shape: LayerShape | LayerShape[], ...more: unknown[]): void {
        // Keras' layer.path: the name scope the layer is built in, which its weights' paths start with.
        self._path = `${nameScopePrefix()}${self.weightScope}`;
        // A subclass's build may take more arguments (Keras' guide: build(input_shape, layer_init)).
        (build as (this: Layer, ...args: unknown[]) => void).call(self, shape, ...more);
        self.built = true;
        self.builtInputShape ??= shape;
      },
      writable: true, enumerable: false, configurable: true,
    });
    // Subclass field initializers then run on the returned callable.
    return self;
  }

  /** Keras' class name, used by summary() and in saved configs. */
  get className(): string {
    return this.constructor.name;
  }

  get trainable(): boolean {
    return this._trainable;
  }

  /**
   * The mode of a call that sets no `training` and runs inside no call that does (Keras: the
   * default of `training` in the layer's call signature). Undefined for most layers (inference);
   * the random augmentation layers say true, as Keras' `call(inputs, training=True)` does.
   */
  get defaultTraining(): boolean | undefined {
    return undefined;
  }
  /**
   * What calling the layer as a function (`layer(x)`) runs: apply. The text layers override it to
   * take JavaScript strings and (StringLookup's invert) return them, which no tensor holds.
   */
  protected invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    if (rest.length > 0 || opts instanceof Tensor || opts instanceof SymbolicTensor) {
      throw new TypeError(
        `${this.className} ${this.name}: takes its inputs as one argument, a tensor or a list of tensors, then an options object: ` +
          `layer([a, b]), layer(x, { training: true }); got ${2 + rest.length} arguments`,
      );
    }
    return this.apply(inputs as LayerInput, opts);
  }

  /**
   * Keras: setting it sets the `trainable` flag of each weight the layer created trainable (those
   * created non-trainable, like moving statistics, stay so), and on a layer that holds layers (a
   * model) it sets it on each of them, recursively.
   */
  set trainable(v: boolean) {
    this._trainable = booleanOption(`${this.className} ${this.name}`, "trainable", v);
    for (const w of this.ownWeightsInOrder()) {
      // A Variable held in a property counts as created with the flag it has when first frozen.
      if (!this.weightTrainable.has(w)) this.weightTrainable.set(w, w.trainable);
      if (this.weightTrainable.get(w) === true) w.trainable = v;
    }
    for (const l of this.subLayers) l.trainable = v;
  }

  /**
   * Creates a weight variable named `<layer>/<name>`, after any open name scope (Keras' add_weight).
   * Also takes Keras' keyword form as one object: `this.addWeight({ shape: [4, 2], initializer:
   * "random_normal", name: "w" })`, where a weight given no name is "variable", "variable_1", ...
   * as Keras' auto-naming gives them.
   */
  addWeight(name: string, shape: readonly number[], opts?: AddWeightOptions): Variable;
  addWeight(opts: AddWeightOptions & { shape: readonly number[]; name?: string }): Variable;
  addWeight(
    nameOrOpts: string | (AddWeightOptions & { shape: readonly number[]; name?: string }), shapeArg?: readonly number[], optsArg: AddWeightOptions = {},
  ): Variable {
    if (typeof nameOrOpts === "object" && nameOrOpts !== null) {
      const { shape, name, ...rest } = nameOrOpts;
      if (!Array.isArray(shape)) {
        throw new TypeError(`${this.className} ${this.name}.addWeight: the options need a shape (a list of sizes), got ${valueText(shape)}; e.g. this.addWeight({ shape: [4, 2], name: "w" })`);
      }
      // Keras names an unnamed variable as it names layers: "variable", "variable_1", ... in the session.
      return this.addWeight(name ?? uniqueLayerName("variable"), shape, rest);
    }
    const name = nameOrOpts, shape = shapeArg, opts = optsArg;
    if (typeof name !== "string" || !Array.isArray(shape)) {
      throw new TypeError(`${this.className} ${this.name}.addWeight: expected (name, shape, options?) or ({ shape, name?, ... }), got ${valueText(name)} and ${valueText(shape)}`);
    }
    const dtype = opts.dtype ?? this.dtype;
    const where = `${this.className} ${this.name}.addWeight("${name}")`;
    const resolved = (what: string, resolve: () => unknown): unknown => {
      try {
        return resolve();
      } catch (e) {
        const err = e as Error;
        const Ctor = err instanceof RangeError ? RangeError : TypeError;
        throw new Ctor(`${where}: ${what}: ${err.message}`);
      }
    };
    const initializer = resolved("initializer", () => resolveInitializer(opts.initializer ?? (isFloatDType(dtype) ? "glorot_uniform" : "zeros"))) as WeightInitializer;
    const regularizer = resolved("regularizer", () => resolveRegularizer(opts.regularizer)) as WeightRegularizer | null;
    const constraint = resolved("constraint", () => resolveConstraint(opts.constraint)) as WeightConstraint | null;
    const init = initializer.call(shape, dtype);
    // The optimizer applies the constraint after each update of the variable (Keras' Variable(constraint=...)).
    const v = new Variable(init, { name: `${nameScopePrefix()}${this.weightScope}/${name}`, trainable: opts.trainable ?? true, constraint });
    recordKerasTwoName(v, `${kerasTwoScopeOf(this)}/${name}`);
    this.ownWeights.push(v);
    this.weightTrainable.set(v, opts.trainable ?? true);
    if (regularizer) this.weightRegularizers.set(v, regularizer);
    if (constraint) this.weightConstraints.set(v, constraint);
    return v;
  }

  /**
   * Forgets a weight this layer made (Keras' `del self._kernel`), as quantize() does with the float
   * kernel it replaces; then puts `order` first among the layer's weights, in that order (Keras'
   * variable_serialization_spec order, which saving follows).
   */
  protected replaceWeights(removed: readonly Variable[], order: readonly Variable[]): void {
    for (const v of removed) {
      const i = this.ownWeights.indexOf(v);
      if (i >= 0) this.ownWeights.splice(i, 1);
      this.weightTrainable.delete(v);
      this.weightRegularizers.delete(v);
      this.weightConstraints.delete(v);
    }
    const rest = this.ownWeights.filter((v) => !order.includes(v));
    this.ownWeights.splice(0, this.ownWeights.length, ...order.filter((v) => this.ownWeights.includes(v)), ...rest);
  }

  /**
   * Keras' layer.metrics: the keras.metrics objects this layer holds in its properties (one, or a
   * list), then those of its sub-layers. A nested model's are left out: fit resets and logs only
   * the model it trains (as Keras does since 3.6; 3.5 listed a nested model's loss tracker too).
   */
  get metrics(): ModelMetric[] {
    const found = new Set<ModelMetric>();
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      for (const it of Array.isArray(v) ? v : [v]) if (it instanceof Metric) found.add(it);
    }
    for (const sub of this.subLayers) {
      if (isTrainer(sub)) continue;
      for (const m of sub.metrics) found.add(m);
    }
    return [...found];
  }

  /**
   * Keras' save_own_variables: puts what the layer saves into `store`, a dataset of its `vars`
   * group per key: its own weights under "0", "1", ... Override it, with loadOwnVariables, to save
   * more (as Keras' saving guide does): call super, then `store.extra = tensor`.
   */
  saveOwnVariables(store: VariableStore): void {
    ownVariables(this).forEach((v, i) => {
      store[String(i)] = v;
    });
  }

  /**
   * Keras' load_own_variables: sets the layer's own weights from `store` (the datasets of its
   * `vars` group by key, as saveOwnVariables wrote them), checking their number and shapes.
   */
  loadOwnVariables(store: Readonly<VariableStore>): void {
    const where = `${this.className} ${this.name}.loadOwnVariables`;
    const vars = ownVariables(this);
    const keys = Object.keys(store);
    if (keys.length !== vars.length) {
      throw new RangeError(
        `${where}: the store holds ${keys.length} value(s) (${keys.map((k) => `"${k}"`).join(", ") || "none"}) but the layer has ${vars.length} weight(s) ` +
          `(${vars.map((v) => `${v.name} ${shapeText(v.shape)}`).join(", ") || "none"}); a layer that saves more in saveOwnVariables must load it in its own loadOwnVariables`,
      );
    }
    const values = vars.map((v, i) => {
      const t = store[String(i)];
      if (!(t instanceof Tensor)) throw new TypeError(`${where}: the store has no tensor under "${i}" for weight ${v.name}; its keys are ${keys.map((k) => `"${k}"`).join(", ")}`);
      if (!shapesEqual(t.shape, v.shape)) throw new RangeError(`${where}: "${i}" has shape ${shapeText(t.shape)} but weight ${v.name} has shape ${shapeText(v.shape)}`);
      return t.dtype === v.dtype ? t : cast(t, v.dtype);
    });
    vars.forEach((v, i) => v.assign(values[i]));
    ownVariablesLoaded(this);
  }

  /**
   * Keras' save_assets(inner_path), optional: a layer that defines it writes any files it needs
   * (a vocabulary, a lookup table) into `dir`, a folder of its own, when the model is saved to a
   * `.keras` file, which stores them under `assets/<the layer's path>/`. May be async.
   */
  saveAssets?(dir: string): void | Promise<void>;

  /**
   * Keras' load_assets(inner_path), optional: called after the layer's weights are loaded from a
   * `.keras` file with the folder its saveAssets filled, or null when the file has none for it
   * (not called at all for a file with no assets, as Keras). May be async.
   */
  loadAssets?(dir: string | null): void | Promise<void>;

  /**
   * Keras' add_variable: addWeight with the shape and initializer first,
   * `this.addVariable([4, 2], "zeros", { name: "w" })`; an unnamed variable is named as addWeight's
   * keyword form names it ("variable", "variable_1", ...).
   */
  addVariable(shape: readonly number[], initializer: AddWeightOptions["initializer"], opts: Omit<AddWeightOptions, "initializer"> & { name?: string } = {}): Variable {
    if (!Array.isArray(shape)) {
      throw new TypeError(`${this.className} ${this.name}.addVariable: the first argument is the shape (a list of sizes), got ${valueText(shape)}; e.g. this.addVariable([4, 2], "zeros")`);
    }
    return this.addWeight({ ...opts, shape, initializer });
  }

  /**
   * Keras' layer.path: where the layer sits in the model's name scopes ("sequential/dense"), the
   * prefix of its weights' paths; null until the layer is built.
   */
  get path(): string | null {
    return this._path;
  }

  /** Keras' compute_dtype: the dtype the layer computes in (lamina has no mixed precision, so its dtype). */
  get computeDtype(): DType {
    return this.dtype;
  }

  /** Keras' variable_dtype: the dtype of the layer's weights (its dtype). */
  get variableDtype(): DType {
    return this.dtype;
  }

  /** Keras' input_dtype: the dtype the layer casts its float inputs to (its compute dtype). */
  get inputDtype(): DType {
    return this.dtype;
  }

  /** Keras' dtype_policy: `{ name, computeDtype, variableDtype }`, the layer's one dtype in each. */
  get dtypePolicy(): { readonly name: DType; readonly computeDtype: DType; readonly variableDtype: DType } {
    return Object.freeze({ name: this.dtype, computeDtype: this.dtype, variableDtype: this.dtype });
  }

  /**
   * The prefix of this layer's weight names (Keras' name scope): its own name, after the scope of
   * the layer whose build makes its weights (nestWeightScope), as Keras' paths
   * `bidirectional/forward_lstm/lstm_cell/kernel` are, so that two LSTMs' cells keep distinct names.
   */
  protected get weightScope(): string {
    const outer = scopeParentOf(this);
    return outer ? `${outer.weightScope}/${this.name}` : this.name;
  }

  /**
   * Keras' supports_masking: whether a call attaches computeMask's result to the outputs (passing
   * the input's mask on, by default). True by default for a layer that overrides computeMask; the
   * built-in layers that keep the time axis (Dense, Dropout, Activation...) set it, and a custom
   * layer may too (`this.supportsMasking = true`). A layer that does not support masking drops
   * its input's mask (with a warning), as Flatten, Reshape and the convolutions do in Keras.
   */
  get supportsMasking(): boolean {
    return this._supportsMasking ?? this.computeMask !== Layer.prototype.computeMask;
  }
  set supportsMasking(v: boolean) {
    this._supportsMasking = v;
  }

  /**
   * Keras' input_spec: what every call checks its inputs against before `call` (and again after
   * the first call's build, which may set it): a layers.InputSpec, one per input (null for an
   * input left unchecked), or null for no check. A custom layer sets it in its constructor or
   * build, e.g. `this.inputSpec = layers.InputSpec({ ndim: 3, axes: { [-1]: 8 } })`. The
   * built-in layers check their inputs in their own words and leave it null.
   */
  get inputSpec(): InputSpecValue {
    return this._inputSpec;
  }
  set inputSpec(v: InputSpecValue) {
    this._inputSpec = checkInputSpecValue(v, `${this.className} ${this.name}`);
  }

  /**
   * Keras' compute_mask: the mask(s) of the outputs of a call on `inputs` whose mask was
   * `previousMask` (one per output for a layer with several, null for none; left out, null, as
   * Keras' `mask=None`). The default passes the input's mask on.
   */
  computeMask(_inputs: Tensor | Tensor[], previousMask: Mask = null): Mask {
    return previousMask;
  }

  /** Creates the weights for an input of this shape. The base class only marks the layer built. */
  build(_inputShape: LayerShape | LayerShape[]): void {
    this.built = true;
  }

  abstract call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[];

  /**
   * The output shape for an input shape. The default runs the layer on zeros with unknown
   * dimensions set to 1 (and, when a size past the batch axis is unknown, again with them set to
   * 2) and reads the result back; layers override it where that is wasteful.
   */
  computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const multi = Array.isArray(inputShape[0]);
    const shapes = (multi ? inputShape : [inputShape]) as LayerShape[];
    // Integer inputs (an Input of token indices) are probed with their own dtype, as Keras' symbolic call would see them.
    const probeDType = (k: number): DType => {
      const declared = symbolicInputDTypes?.[k];
      return declared !== undefined && !isFloatDType(declared) ? declared : this.dtype;
    };
    const probe = (unknownAs: number): { list: boolean; shapes: number[][] } => {
      const probes = shapes.map((s, k) => zeros(s.map((d) => (d === null ? unknownAs : d)), probeDType(k)));
      probes.forEach((p, k) => {
        const m = symbolicInputMasks?.[k];
        if (m) setMask(p, probeMask(m, unknownAs));
      });
      const out = whileProbing(() => noGrad(() => withoutLayerLosses(() => callInContext(this, multi ? probes : probes[0], { training: false }))));
      return { list: Array.isArray(out), shapes: (Array.isArray(out) ? out : [out]).map((o) => [...o.shape]) };
    };
    const first = probe(1);
    // An unknown size past the batch axis, or an output whose first size is not the probe's batch
    // of 1 (a weight returned as it is, or two batches joined): a second probe tells the output
    // sizes that follow the unknown ones (they differ between the probes) from fixed ones, as
    // Keras' symbolic trace keeps the first None and the second as they are (a layer returning a
    // weight of shape (2,) gives (2,), not (None,)). An output whose first size is 1 is taken to
    // follow the batch without a second run, so that the layer's call runs once, as Keras' does.
    // A layer that cannot run at the second size keeps the first probe's sizes, its output's
    // batch axis taken to be the inputs'.
    const batchUnknown = shapes.every((s) => s[0] === null);
    const oddBatch = batchUnknown && first.shapes.some((o) => o.length > 0 && o[0] !== 1);
    let second: number[][] | null = null;
    if (oddBatch || shapes.some((s) => s.slice(1).includes(null))) {
      try {
        second = probe(2).shapes;
      } catch {
        second = null;
      }
      if (second && (second.length !== first.shapes.length || second.some((s, k) => s.length !== first.shapes[k].length))) second = null;
    }
    const result = first.shapes.map((o, k) => o.map((d, i) => (second !== null ? second[k][i] !== d : isUnknownDim(shapes, i, k)) ? null : d));
    return first.list ? result : result[0];
  }

  /**
   * Keras' get_config: the constructor arguments that recreate this layer. A custom class that
   * writes none gets Keras' auto-config: the base config merged with the options it was
   * constructed with (recorded when it is constructed through the class
   * saving.registerKerasSerializable returns, as its decorator form does, or by the loader),
   * when those are plain values; otherwise this throws, saying to write getConfig.
   */
  getConfig(): Record<string, unknown> {
    // Keras' Operation.get_config: { name, ...auto_config }, then Layer's trainable and dtype.
    const auto = usesBaseGetConfig(this) ? autoConfigEntries(this, `${this.className} "${this.name}"`) : null;
    // Keras 3.5's Layer.get_config: `"dtype": dtype_policies.serialize(self.dtype_policy)`, a DTypePolicy dict.
    const cfg: Record<string, unknown> = { name: this.name, ...auto, trainable: this.trainable, dtype: dtypePolicyConfig(this.dtype) };
    // Keras' base get_config writes it only when set.
    if (this.activityRegularizer) cfg.activity_regularizer = serializeObject(this.activityRegularizer);
    if (this.batchInputShape) cfg.batch_input_shape = [...this.batchInputShape];
    return cfg;
  }

  /**
   * Keras' from_config. On a layer class (`layers.classes.Dense.fromConfig(cfg)`) `config` is
   * that class's getConfig() dict, with Keras' snake_case keys; on Layer itself it is a whole
   * serialized layer `{ module, class_name, config, registered_name }`. Custom classes resolve
   * through `customObjects` or tf.serialization.registerKerasSerializable.
   */
  static fromConfig(config: Readonly<Record<string, unknown>>, options: DeserializeOptions = {}): Layer {
    return serializationHooks(`${this.name}.fromConfig`).layerFromConfig(this, config, options);
  }

  /**
   * Keras' get_build_config: `{ input_shape: [null, 4] }` for a built layer (`{ shapes_dict }` for
   * an attention layer), the build_config `.keras` files store; null for a layer not built yet.
   */
  getBuildConfig(): Record<string, unknown> | null {
    return serializationHooks(`${this.className} "${this.name}".getBuildConfig`).buildConfig(this);
  }

  /**
   * Keras' build_from_config: builds the layer for what getBuildConfig() returned, so that its
   * weights exist (to set or load them). Null or `{}` builds nothing, and a built layer stays as it is.
   */
  buildFromConfig(config: Readonly<Record<string, unknown>> | null): void {
    const where = `${this.className} "${this.name}".buildFromConfig`;
    if (config === null || config === undefined) return;
    if (typeof config !== "object" || Array.isArray(config)) {
      throw new TypeError(`${where}: expected a build config such as { input_shape: [null, 4] }, as getBuildConfig() returns, got ${valueText(config)}`);
    }
    serializationHooks(where).buildFromConfig(this, config, where);
  }

  /**
   * Sub-layers whose weights belong to this layer: as Keras tracks them, the layers a custom layer
   * holds in its properties (`this.dense = layers.Dense(4)`, or a list of layers), in the order
   * they were set. Models override it with their layers.
   */
  get subLayers(): Layer[] {
    return attributeLayers(this);
  }

  /**
   * This layer's own weights in Keras' order: those created trainable first, then the others. They
   * are the ones addWeight made, in creation order, then any Variable the layer holds in a property
   * (`this.w = tf.variable(...)`, which Keras tracks too), in property order.
   */
  private ownWeightsInOrder(): Variable[] {
    const made = new Set(this.ownWeights);
    const held = new Set<Variable>();
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      for (const it of Array.isArray(v) ? v : [v]) if (it instanceof Variable && !made.has(it)) held.add(it);
    }
    const createdTrainable = (v: Variable): boolean => this.weightTrainable.get(v) ?? v.trainable;
    const own = [...this.ownWeights, ...held];
    return [...own.filter(createdTrainable), ...own.filter((v) => !createdTrainable(v))];
  }

  /**
   * Keras' `layer.losses`: the losses this layer and the layers it holds added in their latest
   * call (activity regularization), then the penalties of their weights' regularizers, computed now.
   */
  get losses(): Tensor[] {
    const tree: Layer[] = [];
    const visit = (l: Layer): void => {
      if (tree.includes(l)) return;
      tree.push(l);
      l.subLayers.forEach(visit);
    };
    visit(this);
    const activity = tree.flatMap((l) => l.ownLosses);
    const weights = tree.flatMap((l) => [...l.weightRegularizers].map(([w, reg]) => reg.call(w)));
    return [...activity, ...weights];
  }

  /** All weights, in Keras' order: this layer's own (see ownWeightsInOrder), then its sub-layers', each weight once. */
  get weights(): Variable[] {
    return [...new Set([...this.ownWeightsInOrder(), ...this.subLayers.flatMap((l) => l.weights)])];
  }

  /**
   * The weights training updates: none when the layer is frozen, else those whose Variable is
   * trainable now (Keras: `layer.kernel.trainable = false` freezes that weight alone).
   */
  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return [...new Set([...this.ownWeightsInOrder().filter((v) => v.trainable), ...this.subLayers.flatMap((l) => l.trainableWeights)])];
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((v) => !trainable.has(v));
  }

  /**
   * Keras' add_loss, for call(): `this.addLoss(tf.mul(0.01, tf.sum(tf.square(x))))`. The loss is in
   * `layer.losses` after the call, and fit/evaluate add it (summed to a scalar) to the compiled loss.
   */
  addLoss(loss: Tensor | Tensor[]): void {
    addLayerLoss(this, loss);
  }

  /** Keras 3's name for trainableWeights (`tape.gradient(loss, model.trainableVariables)`). */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }

  /**
   * Keras 3's `variables`: here the same as `weights`. Keras also lists the state of a layer's
   * SeedGenerators (Dropout's); lamina's seed generators keep theirs outside variables.
   */
  get variables(): Variable[] {
    return this.weights;
  }

  /** Keras 3's `non_trainable_variables`: `nonTrainableWeights` (no seed-generator states, as `variables`). */
  get nonTrainableVariables(): Variable[] {
    return this.nonTrainableWeights;
  }

  /** Copies of the weight values, in Keras' order and shapes. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => new Tensor(storageOf(v).slice(), v.shape, v.dtype));
  }

  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new RangeError(`${this.name}.setWeights: got ${values.length} arrays but the layer has ${ws.length} weights (${ws.map((w) => `${w.name} ${shapeText(w.shape)}`).join(", ")})`);
    }
    ws.forEach((w, i) => {
      const v = values[i];
      if (!(v instanceof Tensor)) {
        throw new TypeError(`${this.name}.setWeights: value ${i} (for ${w.name} ${shapeText(w.shape)}) is ${valueText(v)}, not a tensor; pass tensors, e.g. tf.constant(array, [${w.shape.join(", ")}])`);
      }
      if (!shapesEqual(v.shape, w.shape)) {
        throw new RangeError(`${this.name}.setWeights: weight ${i} (${w.name}) has shape ${shapeText(w.shape)} but the value has shape ${shapeText(v.shape)}`);
      }
      // cast, not a typed-array copy: int64 values live in a BigInt64Array.
      w.assign(v.dtype === w.dtype ? v : noGrad(() => cast(v, w.dtype)));
    });
  }

  countParams(): number {
    if (!this.built) {
      throw new Error(`${this.name}.countParams: the layer is not built yet, so its weights do not exist; call it on an input or build it first`);
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * Runs the layer. On tensors it computes (building first if needed); on symbolic tensors it
   * records a node of the functional graph and returns symbolic outputs.
   */
  apply(inputs: LayerInput, opts: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? (inputs as (Tensor | SymbolicTensor)[]) : [inputs as Tensor | SymbolicTensor];
    const keyed = list.find(isPlainObject);
    if (keyed !== undefined) {
      throw new TypeError(
        `${this.className} ${this.name}: takes a tensor or a list of tensors, got an object with keys ${Object.keys(keyed).join(", ") || "(none)"}; ` +
          "pass the tensor itself (a functional model takes its inputs keyed by name, and the image preprocessing layers and Pipeline take { images, labels } when called as layer({ images, labels }))",
      );
    }
    const symbolic = list.filter((x) => x instanceof SymbolicTensor).length;
    if (symbolic > 0 && symbolic < list.length) {
      throw new TypeError(`${this.name}: mixes symbolic inputs (from layers.Input) with concrete tensors; pass all of one kind`);
    }
    const asList = Array.isArray(inputs);
    if (symbolic > 0) {
      const maskSymbol = (list as SymbolicTensor[]).find(isSymbolicMask);
      if (maskSymbol !== undefined) {
        throw new TypeError(
          `${this.className} ${this.name}: input ${maskSymbol.name} is a symbolic mask (a tensor's kerasMask), which describes the mask ` +
            "the model passes along when it runs and is not a value of the graph; call the layer on the tensor itself, and read the mask in call(x, { mask })",
        );
      }
      if (hasMask(opts.mask)) {
        throw new TypeError(
          `${this.className} ${this.name}: a mask given to a call on symbolic inputs is not recorded in the model; ` +
            "masks come from the layers that make them (Embedding with maskZero: true, Masking) when the model runs, or give the mask when calling on tensors",
        );
      }
      return this.applySymbolic(list as SymbolicTensor[], asList, opts.training);
    }
    const tensors = list as Tensor[];
    // Keras checks the input spec on the autocast inputs; callInContext checks it again after the build.
    const cast = this.autocast(tensors);
    if (!this.built) checkLayerInputSpec(this, asList ? cast : cast[0]);
    this.maybeBuild(asList ? tensors.map((t) => t.shape) : tensors[0].shape, asList);
    return callInContext(this, asList ? cast : cast[0], opts);
  }

  /**
   * Keras' autocast: floating inputs are cast to the layer's float dtype (float64 data into a
   * float32 layer, say); integer and bool inputs are left for the layer to handle.
   */
  autocast(inputs: Tensor[]): Tensor[] {
    if (!isFloatDType(this.dtype)) return inputs;
    return castFloatInputs(inputs, () => this.dtype);
  }

  /**
   * The input axes whose sizes this layer's weights are sized by (Keras' InputSpec axes: -1 for
   * Dense and Conv2D). Once built, every later call must keep those sizes.
   */
  protected weightAxes(): readonly number[] {
    return [];
  }

  /** Refuses, naming the layer, an input whose weight-sizing axes differ from the first call's. */
  private checkWeightAxes(shape: LayerShape | LayerShape[], asList: boolean): void {
    const built = this.builtInputShape;
    if (asList || built === null || Array.isArray(built[0])) return;
    const was = built as LayerShape, now = shape as LayerShape;
    for (const axis of this.weightAxes()) {
      const a = axis < 0 ? was.length + axis : axis, b = axis < 0 ? now.length + axis : axis;
      const before = was[a], after = now[b];
      if (b < 0 || b >= now.length || (before !== null && after !== null && before !== after)) {
        throw new RangeError(
          `${this.className} ${this.name}: input shape ${layerShapeText(now)} is incompatible with the layer: it was built for inputs ` +
            `of shape ${layerShapeText(was)}, and its weights need axis ${axis} to have size ${before}; ` +
            `call it on inputs of that size, or use a new layer for the new shape`,
        );
      }
    }
  }

  /**
   * Builds on first use, checking the shape against a declared input shape; once built, checks it
   * against the axes the weights were sized by.
   */
  maybeBuild(shape: LayerShape | LayerShape[], asList: boolean): void {
    if (this.built) {
      this.checkWeightAxes(shape, asList);
      return;
    }
    if (!asList && this.batchInputShape) checkDeclaredShape(this, shape as LayerShape);
    this.callBuild(shape, asList);
    this.built = true;
    this.builtInputShape = shape;
  }

  /** Calls build for inputs of this shape (a list of shapes for a list of inputs); a model called on an object of inputs keyed by name builds on the object of their shapes instead. */
  protected callBuild(shape: LayerShape | LayerShape[], _asList: boolean): void {
    this.build(shape);
  }

  private applySymbolic(inputs: SymbolicTensor[], asList: boolean, training: boolean | undefined): SymbolicTensor | SymbolicTensor[] {
    const inShape = asList ? inputs.map((t) => t.shape) : inputs[0].shape;
    // As on tensors: the dtypes the autocast would give, checked before the build and, if it builds now, after it.
    const seen = inputs.map((t) => ({ shape: t.shape, dtype: isFloatDType(t.dtype) && isFloatDType(this.dtype) ? this.dtype : t.dtype }));
    const wasBuilt = this.built;
    checkLayerInputSpec(this, asList ? seen : seen[0]);
    this.maybeBuild(inShape, asList);
    if (!wasBuilt) checkLayerInputSpec(this, asList ? seen : seen[0]);
    const outer = symbolicInputDTypes, outerMasks = symbolicInputMasks;
    symbolicInputDTypes = inputs.map((t) => t.dtype);
    symbolicInputMasks = inputs.map((t) => t.kerasMask?.shape ?? null);
    let outShape: LayerShape | LayerShape[];
    try {
      outShape = this.computeOutputShape(inShape);
    } finally {
      symbolicInputDTypes = outer;
      symbolicInputMasks = outerMasks;
    }
    const node = new LayerNode(this, inputs, asList);
    this.inboundNodes.push(node);
    // Keras' `base(inputs, training=False)`: this call keeps that mode whatever mode the model runs in.
    if (training !== undefined) pinnedTraining.set(node, training);
    const multiOut = outShape.length > 0 && Array.isArray(outShape[0]);
    const shapes = (multiOut ? outShape : [outShape]) as LayerShape[];
    const outDType = this.symbolicOutputDType();
    node.outputs = shapes.map((s, i) => new SymbolicTensor(s, outDType, this, node, i, shapes.length > 1 ? `${this.name}_${i}` : this.name));
    const ownComputeMask = this.computeMask !== Layer.prototype.computeMask;
    outputMaskShapes(this, ownComputeMask, inputs, asList, shapes).forEach((m, i) => {
      if (m !== null) node.outputs[i].kerasMask = symbolicMask(node.outputs[i], m);
    });
    return multiOut ? node.outputs : node.outputs[0];
  }

  /** The dtype of the layer's symbolic outputs: its own dtype, unless its call returns another (integer ids). */
  protected symbolicOutputDType(): DType {
    return this.dtype;
  }

  /**
   * Keras' `layer.output`: the symbolic output(s) of the layer's first call in a functional graph,
   * e.g. to build a feature extractor: new models.Model({ inputs: base.inputs, outputs: base.getLayer("block4_pool").output }).
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode("output");
    return node.outputs.length === 1 ? node.outputs[0] : [...node.outputs];
  }

  /** Keras' `layer.input`: the symbolic input(s) of the layer's first call in a functional graph. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode("input");
    return node.inputs.length === 1 && !node.inputsAsList ? node.inputs[0] : [...node.inputs];
  }

  private firstNode(what: string): LayerNode {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new Error(
        `${this.className} ${this.name}: the layer has never been called on a symbolic tensor, so it has no ${what}; ` +
          "call it on layers.Input(...) or on another layer's output (the functional API), or let the Sequential model it is in know its input shape " +
          "(layers.Input({ shape }) first, inputShape on its first layer, or build it)",
      );
    }
    return node;
  }

  toString(): string {
    return `<${this.className} name=${this.name}, built=${this.built}>`;
  }
}

/**
 * The layers held in an object's own enumerable properties, directly or in a list, in property
 * order, each once (Keras' attribute tracking of sub-layers).
 */
export function attributeLayers(owner: Layer): Layer[] {
  const found = new Set<Layer>();
  for (const key of Object.keys(owner)) {
    const v = (owner as unknown as Record<string, unknown>)[key];
    for (const it of Array.isArray(v) ? v : [v]) {
      if (it instanceof Layer && it !== owner) found.add(it);
    }
  }
  return [...found];
}

function isUnknownDim(shapes: LayerShape[], dim: number, _out: number): boolean {
  // The batch dimension stays unknown when every input's batch is unknown.
  return dim === 0 && shapes.every((s) => s[0] === null);
}

function checkDeclaredShape(layer: Layer, shape: LayerShape): void {
  const want = layer.batchInputShape!;
  const ok = want.length === shape.length && want.every((d, i) => d === null || shape[i] === null || d === shape[i]);
  if (!ok) {
    throw new RangeError(`${layer.name}: expected input of shape ${layerShapeText(want)} but got ${layerShapeText(shape)}; reshape the data or change inputShape`);
  }
}

/** Whether a layer is a model (it has compile): layers cannot import Model, which extends Layer. */
function isTrainer(layer: Layer): boolean {
  return typeof (layer as unknown as { compile?: unknown }).compile === "function";
}

/**
 * A layer's own variables in Keras' order: created trainable first, then the rest (layer.weights'
 * order). Keras keeps a variable in the list it was tracked in when its `trainable` flag changes
 * later, so a weight frozen on its own keeps its slot.
 */
export function ownVariables(layer: Layer): Variable[] {
  // A layer whose own variables include one of a sub-layer's (SpectralNormalization tracks the
  // wrapped kernel, as Keras' attribute tracking does) lists them itself.
  const declared = (layer as unknown as { kerasOwnVariables?: () => Variable[] }).kerasOwnVariables;
  if (typeof declared === "function") return declared.call(layer);
  return weightsNotInSubLayers(layer);
}

/** ownVariables' answer for a layer that declares no kerasOwnVariables: its weights that none of its sub-layers holds. */
export function weightsNotInSubLayers(layer: Layer): Variable[] {
  const inSubLayers = new Set(layer.subLayers.flatMap((l) => l.weights));
  return layer.weights.filter((w) => !inSubLayers.has(w));
}

/**
 * Runs what a layer declares (`ownVariablesLoaded()`) to do once its own variables were set from a
 * file or a store: a LoRA layer zeroes its factors then, as Keras' load_own_variables does, since
 * the file's kernel already holds them merged.
 */
export function ownVariablesLoaded(layer: Layer): void {
  const declared = (layer as unknown as { ownVariablesLoaded?: () => void }).ownVariablesLoaded;
  if (typeof declared === "function") declared.call(layer);
}

// A custom layer that inherits this getConfig writes none of its own: auto-config speaks for it.
markBaseGetConfig(Layer.prototype.getConfig);

/** Floating inputs cast to `target(i)` where that is a float dtype; others are left as they are. */
export function castFloatInputs(inputs: Tensor[], target: (i: number) => DType | undefined): Tensor[] {
  return inputs.map((t, i) => {
    const d = target(i);
    if (d === undefined || !isFloatDType(d) || !isFloatDType(t.dtype) || t.dtype === d) return t;
    // The cast copy carries the mask on, as Keras' autocast keeps _keras_mask.
    const c = cast(t, d);
    setMask(c, maskOf(t));
    return c;
  });
}
