/**
 * Operation nodes of a functional graph (Keras 3's Operation: `inputs * 2.0`, `ops.add(a, b)`,
 * `ops.mean(x, axis=-1)` on KerasTensors). lamina records each as an OpLayer: a layer without
 * weights, flagged as an operation so that models leave it out of `layers` (as Keras' `layers`
 * leaves out its operations) while the graph runs it, summary() lists it and the saved config holds
 * it as Keras writes it. Installs the handler ops call for symbolic arguments (ops/symbolic.ts).
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { eye, ones } from "../tensor/creation.js";
import { broadcastTo } from "../ops/broadcast.js";
import { noGrad } from "../ops/engine.js";
import { SymbolicValue, installSymbolicHandler } from "../ops/symbolic.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, Layer, toSnakeCase, uniqueLayerName } from "./layer.js";
import { LayerNode, type LayerShape, SymbolicTensor } from "./symbolic.js";
import { OP_SPECS, type OpConfig, type OpSpec } from "./op_specs.js";

/** Where the i-th symbolic input goes in an operation's arguments. */
export class InputSlot {
  constructor(readonly index: number) {}
}

/**
 * A tensor constant among an operation's arguments (`x + np.array(...)` in Keras), with the class
 * Keras serializes it as: "__numpy__" for a numpy array, "__tensor__" for a backend tensor (what a
 * lamina tensor is), kept so that a loaded config is written back as Keras wrote it.
 */
export class ConstantArg {
  constructor(readonly tensor: Tensor, readonly kind: "__numpy__" | "__tensor__") {}
}

/** An operation's call arguments: InputSlots where tensors go, lists of them, and constants. */
export type OpArgs = readonly unknown[];

export class OpLayer extends Layer {
  declare readonly kerasClass: string;
  declare readonly spec: OpSpec;
  declare readonly opConfig: OpConfig;
  declare readonly template: OpArgs;
  /** The keyword arguments Keras passes to the operation's call, InputSlots where tensors go. */
  declare readonly kwTemplate: Readonly<Record<string, unknown>>;

  constructor(kerasClass: string, opConfig: OpConfig, template: OpArgs, name?: string, kwTemplate: Readonly<Record<string, unknown>> = {}) {
    const spec = OP_SPECS.get(kerasClass);
    if (spec === undefined) {
      throw new RangeError(`Keras operation ${kerasClass} is not supported in lamina's functional models; the supported ones are ${[...OP_SPECS.keys()].join(", ")}`);
    }
    super({ name: name ?? uniqueLayerName(toSnakeCase(kerasClass)) });
    for (const [k, v] of Object.entries({ kerasClass, spec, opConfig, template, kwTemplate })) {
      Object.defineProperty(this, k, { value: v, enumerable: false });
    }
    this.built = true;
  }

  /** Keras' class of the operation ("Add", "Reshape"), as summary() and saved configs name it. */
  override get className(): string {
    return this.kerasClass;
  }

  /** Ops compute in their inputs' dtypes: no autocast as layers do. */
  override autocast(inputs: Tensor[]): Tensor[] {
    return inputs;
  }

  call(inputs: Tensor | Tensor[], _opts: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const kwargs = Object.fromEntries(Object.entries(this.kwTemplate).map(([k, v]) => [k, fill([v], list)[0]]));
    return this.spec.run(fill(this.template, list), this.opConfig, `${this.kerasClass} ${this.name}`, kwargs);
  }

  /** Keras' get_config of the operation: its arguments, or `{ name }` for a class that takes none. */
  override getConfig(): Record<string, unknown> {
    const keys = Object.fromEntries(this.spec.keys.filter((k) => !(this.spec.omitNull?.includes(k) && (this.opConfig[k] ?? null) === null)).map((k) => [k, this.opConfig[k] ?? null]));
    const named = this.spec.nameKey ?? this.spec.keys.length === 0;
    return named ? { name: this.name, ...keys } : keys;
  }

  /**
   * Records this operation's call on `inputs` (the symbolic tensors of its InputSlots, in order)
   * and returns its symbolic outputs (one, or one per tensor of an op that returns several), whose
   * shapes and dtypes come from running the op on ones twice, with the unknown dimensions set to 2
   * and then 3 (or the spec's probeSizes): an output dimension that differs is unknown.
   */
  record(inputs: SymbolicTensor[]): SymbolicTensor[] {
    const where = `${this.kerasClass} ${this.name}`;
    const probe = (size: number): Tensor[] => {
      const value = (shape: number[], dtype: DType): Tensor =>
        this.spec.probe === "eye" && shape.length >= 2 ? broadcastTo(eye(shape[shape.length - 2], shape[shape.length - 1], dtype), shape) : ones(shape, dtype);
      const out = noGrad(() => this.call(inputs.map((t) => value(t.shape.map((d) => d ?? size), t.dtype)), {}));
      return Array.isArray(out) ? out : [out];
    };
    let a: Tensor[], b: Tensor[];
    const [small, large] = this.spec.probeSizes?.(this.opConfig) ?? [2, 3];
    try {
      a = probe(small);
      b = inputs.some((t) => t.shape.includes(null)) ? probe(large) : a;
    } catch (e) {
      const shapes = inputs.map((t) => `${t.name} ${t.dtype} [${t.shape.map((d) => d ?? "None").join(", ")}]`).join(", ");
      throw new (e instanceof RangeError ? RangeError : TypeError)(`${where}: cannot apply it to ${shapes}: ${(e as Error).message}`);
    }
    const shapeOf = (x: Tensor, y: Tensor): LayerShape =>
      x.rank === y.rank ? x.shape.map((d, i) => (d === y.shape[i] && !(this.spec.valueSized && i === x.rank - 1) ? d : null)) : x.shape.map(() => null);
    const node = new LayerNode(this, inputs, true);
    this.inboundNodes.push(node);
    this.builtInputShape = inputs.map((t) => t.shape);
    node.outputs = a.map((t, i) => new SymbolicTensor(shapeOf(t, b[i]), t.dtype as DType, this, node, i, a.length > 1 ? `${this.name}_${i}` : this.name));
    return node.outputs;
  }
}

/** Whether a graph node's layer is an operation (left out of a model's `layers`). */
export function isOperation(layer: Layer): boolean {
  return layer instanceof OpLayer;
}

function fill(template: OpArgs, inputs: readonly Tensor[]): unknown[] {
  const one = (a: unknown): unknown => (a instanceof InputSlot ? inputs[a.index] : a instanceof ConstantArg ? a.tensor : Array.isArray(a) ? a.map(one) : a);
  return template.map(one);
}

/** The handler ops call on symbolic arguments: a new OpLayer recorded on the symbolic tensors among `args`. */
function recordOperation(kerasClass: string, args: readonly unknown[], config: OpConfig, kwargs: Readonly<Record<string, unknown>>): SymbolicTensor[] {
  const inputs: SymbolicTensor[] = [];
  const slot = (a: unknown): unknown => {
    if (a instanceof SymbolicTensor) {
      inputs.push(a);
      return new InputSlot(inputs.length - 1);
    }
    if (Array.isArray(a)) return a.map(slot);
    if (a instanceof Tensor) return new ConstantArg(a, "__tensor__");
    if (a instanceof SymbolicValue) throw new TypeError(`${kerasClass}: argument ${valueText(a)} is not a lamina SymbolicTensor`);
    return a;
  };
  const template = args.map(slot);
  const kwTemplate = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, slot(v)]));
  return new OpLayer(kerasClass, config, template, undefined, kwTemplate).record(inputs);
}

installSymbolicHandler(recordOperation);
