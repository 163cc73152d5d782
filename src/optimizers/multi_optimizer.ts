/**
 * keras.optimizers.OptimizerMap and keras.optimizers.MultiOptimizer (Keras 3.15,
 * keras/src/optimizers/multi_optimizer.py): each trainable variable goes to the optimizer its path
 * selects (an OptimizerMap of path patterns, or a function of the variable), and one step applies
 * every sub-optimizer to its own variables.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { type ConfigDict, isConfigDict } from "./config.js";
import { type GradientPair, type LearningRate, Optimizer, serializeOptimizer } from "./optimizer.js";
import { LossScaleOptimizer } from "./loss_scale_optimizer.js";
import { customObjectRegistry } from "./rate_function_config.js";
import { deserialize } from "./registry.js";
import { WrapperOptimizer } from "./wrapper_optimizer.js";

/** The optimizer a variable goes to, given the variable (Keras' callable optimizer_map). */
export type OptimizerSelector = (variable: Variable) => Optimizer;

function checkSubOptimizer(where: string, opt: unknown): Optimizer {
  if (!(opt instanceof Optimizer)) throw new TypeError(`${where}: expected an optimizer, e.g. optimizers.Adam(), got ${valueText(opt)}`);
  if (opt instanceof LossScaleOptimizer) throw new TypeError(`${where}: a LossScaleOptimizer cannot be used inside a MultiOptimizer; wrap the MultiOptimizer's sub-optimizers' loss scaling with its lossScaleFactor instead`);
  if (opt instanceof MultiOptimizer) throw new TypeError(`${where}: a MultiOptimizer cannot be used inside a MultiOptimizer`);
  return opt;
}

/**
 * keras.optimizers.OptimizerMap(defaultOptimizer, optimizerMap): optimizers by variable path. A
 * key matches a path exactly, else as a regular expression over the whole path ("encoder/.*" for
 * everything under encoder); a path no key matches takes defaultOptimizer; two matching patterns
 * are an error.
 */
export class OptimizerMap {
  readonly defaultOptimizer: Optimizer;
  private readonly map = new Map<string, Optimizer>();

  constructor(defaultOptimizer: Optimizer, optimizerMap: Readonly<Record<string, Optimizer>> | null = null) {
    if (!(defaultOptimizer instanceof Optimizer)) {
      throw new TypeError(`OptimizerMap: defaultOptimizer must be an optimizer, e.g. OptimizerMap(optimizers.SGD()), got ${valueText(defaultOptimizer)}`);
    }
    if (optimizerMap !== null && (typeof optimizerMap !== "object" || Array.isArray(optimizerMap))) {
      throw new TypeError(`OptimizerMap: optimizerMap must be an object of optimizers by path pattern, got ${valueText(optimizerMap)}`);
    }
    this.defaultOptimizer = defaultOptimizer;
    // Keras keeps the dict given as it is; set() checks what is added later.
    for (const [k, v] of Object.entries(optimizerMap ?? {})) this.map.set(k, v);
  }

  /** The optimizer of a path: an exact key, else the one pattern matching the whole path, else the default. */
  get(path: string): Optimizer {
    const exact = this.map.get(path);
    if (exact !== undefined) return exact;
    const matching = [...this.map.keys()].filter((pattern) => new RegExp(`^(?:${pattern})$`).test(path));
    if (matching.length > 1) throw new RangeError(`OptimizerMap: multiple optimizers assigned to variable ${path} (patterns ${matching.map((p) => JSON.stringify(p)).join(", ")})`);
    return matching.length === 1 ? (this.map.get(matching[0]) as Optimizer) : this.defaultOptimizer;
  }

  /** Assigns an optimizer to a path or pattern (each key once). */
  set(key: string, optimizer: Optimizer): this {
    if (this.map.has(key)) throw new RangeError(`OptimizerMap: '${key}' already exists in the map (${this.map.get(key)?.className}); each key can be set once`);
    if (typeof key !== "string") throw new TypeError(`OptimizerMap: the key must be a string (a variable path or a pattern), got ${valueText(key)}`);
    checkSubOptimizer("OptimizerMap", optimizer);
    try {
      new RegExp(key);
    } catch (e) {
      throw new SyntaxError(`OptimizerMap: the key ${JSON.stringify(key)} is not a valid regular expression (${(e as Error).message})`);
    }
    this.map.set(key, optimizer);
    return this;
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  values(): Optimizer[] {
    return [...this.map.values()];
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.map.keys();
  }

  /** Keras' __call__: the optimizer of a variable, by its path. */
  forVariable(variable: Variable): Optimizer {
    return this.get(variable.path);
  }

  /** Keras' keys: default_optimizer and optimizer_map, each serialized. */
  getConfig(): ConfigDict {
    const map: ConfigDict = {};
    for (const [k, v] of this.map) map[k] = serializeOptimizer(v);
    return { default_optimizer: serializeOptimizer(this.defaultOptimizer), optimizer_map: map };
  }

  static fromConfig(config: ConfigDict): OptimizerMap {
    const where = "OptimizerMap.fromConfig";
    const { default_optimizer: def, optimizer_map: map } = config;
    if (!isConfigDict(def)) throw new TypeError(`${where}: default_optimizer must be a serialized optimizer, got ${valueText(def)}`);
    if (map !== undefined && map !== null && !isConfigDict(map)) throw new TypeError(`${where}: optimizer_map must be an object of serialized optimizers, got ${valueText(map)}`);
    const entries: Record<string, Optimizer> = {};
    for (const [k, v] of Object.entries(map ?? {})) {
      if (!isConfigDict(v)) throw new TypeError(`${where}: optimizer_map["${k}"] must be a serialized optimizer, got ${valueText(v)}`);
      entries[k] = deserialize(v);
    }
    return new OptimizerMap(deserialize(def), entries);
  }
}

export interface MultiOptimizerOptions {
  /** Keras' loss_scale_factor, set on every sub-optimizer (replacing theirs). Default null. */
  lossScaleFactor?: number | null;
  /** Default "multi_optimizer". */
  name?: string;
}

/**
 * keras.optimizers.MultiOptimizer(optimizerMap, { lossScaleFactor, name }): an OptimizerMap or a
 * function choosing each variable's optimizer. Its variables, in Keras' order, are its own
 * iteration (the number of steps) and learning_rate (unused), then each sub-optimizer's (the map's
 * values in order, then its default, then any a function returned), each with its own iteration,
 * learning rate and slots. It has no learning rate of its own: read and set the sub-optimizers'
 * (`optimizers`).
 */
export class MultiOptimizer extends WrapperOptimizer {
  readonly optimizerMap: OptimizerMap | OptimizerSelector;
  private readonly inner: Optimizer[] = [];
  private readonly owner = new Map<Variable, number>();

  constructor(optimizerMap: OptimizerMap | OptimizerSelector, options: MultiOptimizerOptions = {}) {
    const k = "MultiOptimizer";
    if (!(optimizerMap instanceof OptimizerMap) && typeof optimizerMap !== "function") {
      throw new TypeError(`${k}: expected an OptimizerMap or a function (variable) => optimizer, got ${valueText(optimizerMap)}`);
    }
    const o = options ?? {};
    super(k, { learningRate: 0, lossScaleFactor: o.lossScaleFactor, name: o.name }, [], { learningRate: 0, name: "multi_optimizer" });
    this.optimizerMap = optimizerMap;
    if (optimizerMap instanceof OptimizerMap) {
      for (const opt of [...optimizerMap.values(), optimizerMap.defaultOptimizer]) this.adopt(opt);
    }
  }

  /** A sub-optimizer joins the list once, taking this optimizer's lossScaleFactor (as Keras sets it). */
  private adopt(opt: Optimizer): number {
    const at = this.inner.indexOf(opt);
    if (at >= 0) return at;
    opt.lossScaleFactor = this.lossScaleFactor;
    this.inner.push(opt);
    return this.inner.length - 1;
  }

  /** The sub-optimizers, in the order their variables are saved. */
  get optimizers(): readonly Optimizer[] {
    return this.inner;
  }

  /** The sub-optimizer `variable` goes to (once built). */
  optimizerOf(variable: Variable): Optimizer | null {
    const i = this.owner.get(variable);
    return i === undefined ? null : this.inner[i];
  }

  /** Sends each variable to its optimizer and builds every sub-optimizer on its own variables. */
  override build(variables: readonly Variable[]): void {
    if (this.built) return;
    const groups = this.inner.map((): Variable[] => []);
    const owner = new Map<Variable, number>();
    for (const v of variables) {
      if (!(v instanceof Variable)) throw new TypeError(`MultiOptimizer.build: expected Variables, got ${valueText(v)}`);
      const chosen = this.optimizerMap instanceof OptimizerMap ? this.optimizerMap.forVariable(v) : this.optimizerMap(v);
      const opt = checkSubOptimizer(`MultiOptimizer: the optimizer for variable '${v.path}'`, chosen);
      const i = this.adopt(opt);
      if (i === groups.length) groups.push([]);
      owner.set(v, i);
      groups[i].push(v);
    }
    this.inner.forEach((opt, i) => { if (groups[i].length > 0) opt.build(groups[i]); });
    for (const [v, i] of owner) this.owner.set(v, i);
    this.builtWith = [...variables];
    super.build(variables);
  }

  override variables(): Variable[] {
    return [...super.variables(), ...this.inner.flatMap((o) => o.variables())];
  }

  override getSlot(variable: Variable, name: string): Variable | null {
    return this.optimizerOf(variable)?.getSlot(variable, name) ?? null;
  }

  override get learningRate(): number {
    throw new Error("MultiOptimizer: the learning rate cannot be read on a MultiOptimizer; read it on its sub-optimizers (multi.optimizers[i].learningRate)");
  }
  override set learningRate(_value: LearningRate) {
    throw new Error("MultiOptimizer: the learning rate cannot be set on a MultiOptimizer; set it on its sub-optimizers (multi.optimizers[i].learningRate = ...)");
  }

  override get lossScaleFactor(): number | null {
    return super.lossScaleFactor;
  }
  /** Keras' setter: this optimizer's and every sub-optimizer's. */
  override set lossScaleFactor(value: number | null) {
    super.lossScaleFactor = value;
    // (Undefined while the base constructor runs.)
    for (const opt of this.inner ?? []) opt.lossScaleFactor = value;
  }

  /**
   * Keras' apply: one gradient per variable it was built with; each sub-optimizer applies its own
   * variables' gradients, then the step is counted. Returns the steps so far.
   */
  override applyGradients(pairs: Iterable<GradientPair>): number {
    const list = Array.from(pairs);
    if (list.length === 0) return this.iterations;
    if (!this.built) this.build(list.map((p) => p[1]));
    if (list.length !== this.builtWith.length) {
      throw new RangeError(`MultiOptimizer: gradients must match the trainable variables one to one; got ${list.length} gradients for ${this.builtWith.length} variables`);
    }
    const groups = this.inner.map((): [Tensor | null | undefined, Variable][] => []);
    for (const [g, v] of list) {
      const i = this.owner.get(v);
      if (i === undefined) throw new Error(`MultiOptimizer: unknown variable '${v.path}'; it can only step the variables it was built with (${this.builtWith.map((w) => w.path).join(", ")})`);
      groups[i].push([g, v]);
    }
    this.inner.forEach((opt, i) => { if (groups[i].length > 0) opt.applyGradients(groups[i]); });
    this.iterations = this.iterations + 1;
    return this.iterations;
  }

  override finalizeVariableValues(variables: readonly Variable[]): void {
    this.inner.forEach((opt) => opt.finalizeVariableValues(variables.filter((v) => this.optimizerOf(v) === opt)));
  }

  /** Keras' keys: optimizer_map (the serialized OptimizerMap, or a registered function by name), loss_scale_factor, name. */
  override getConfig(): ConfigDict {
    let map: ConfigDict;
    if (this.optimizerMap instanceof OptimizerMap) {
      map = { module: "keras.optimizers", class_name: "OptimizerMap", config: this.optimizerMap.getConfig(), registered_name: null };
    } else {
      const fn = this.optimizerMap;
      if (!fn.name) {
        throw new TypeError(
          "MultiOptimizer.getConfig: the optimizer selector is an anonymous function, which cannot be written into a config; " +
            "define it as a named function and register it with saving.registerKerasSerializable (or use an OptimizerMap)",
        );
      }
      map = { module: "builtins", class_name: "function", config: fn.name, registered_name: customObjectRegistry().registeredName(fn) };
    }
    return { optimizer_map: map, loss_scale_factor: this.lossScaleFactor, name: this.name };
  }

  static override fromConfig<T extends Optimizer>(config: ConfigDict): T {
    const where = "MultiOptimizer.fromConfig";
    if (!isConfigDict(config)) throw new TypeError(`${where}: expected a config object, got ${valueText(config)}`);
    const { optimizer_map: map, loss_scale_factor: lsf, name, ...rest } = config;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new RangeError(`${where}: unknown config key${extra.length > 1 ? "s" : ""} ${extra.map((x) => `"${x}"`).join(", ")}; the keys it takes are "optimizer_map", "loss_scale_factor", "name"`);
    if (!isConfigDict(map)) throw new TypeError(`${where}: optimizer_map must be a serialized OptimizerMap or function, got ${valueText(map)}`);
    let selector: OptimizerMap | OptimizerSelector;
    if (map.class_name === "OptimizerMap" && isConfigDict(map.config)) {
      selector = OptimizerMap.fromConfig(map.config);
    } else if (map.class_name === "function" && typeof map.config === "string") {
      const registry = customObjectRegistry();
      const found = registry.lookup(map.config) ?? (typeof map.registered_name === "string" ? registry.lookup(map.registered_name) : undefined);
      if (found === undefined) throw new TypeError(`${where}: could not locate the optimizer selector "${map.config}"; register it with saving.registerKerasSerializable before loading, or pass it in customObjects`);
      selector = found as unknown as OptimizerSelector;
    } else {
      throw new TypeError(`${where}: optimizer_map must be a serialized OptimizerMap or function, got class_name ${valueText(map.class_name)}`);
    }
    return new MultiOptimizer(selector, {
      lossScaleFactor: lsf === undefined ? undefined : (lsf as number | null), name: typeof name === "string" ? name : undefined,
    }) as unknown as T;
  }
}
