/**
 * Operation nodes (`x + 3.0`, `ops.mean(x, axis=-1)` in a functional model) in Keras 3.5's config
 * layout: an entry `{ module: "keras.src.ops.numpy", class_name: "Add", config: { name: "add" },
 * registered_name: "Add", name, inbound_nodes: [{ args: [<__keras_tensor__>, 3.0], kwargs: {} }] }`
 * whose args keep the call's constants in place, and whose config is the operation's own
 * (Reshape's newshape, Sum's axis and keepdims; `{ name }` for a class without arguments).
 */
import { Tensor } from "../tensor/tensor.js";
import type { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { ConstantArg, InputSlot, OpLayer } from "../layers/op_layer.js";
import { type TensorLike, constant } from "../tensor/creation.js";
import { isDType } from "../tensor/dtype.js";
import { OP_SPECS } from "../layers/op_specs.js";
import { type JsonObject, type JsonValue, describe, isRecord, toJson } from "./config_json.js";

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** Whether a functional config's entry is a Keras operation rather than a layer. */
export function isOperationEntry(entry: Readonly<Record<string, unknown>>): boolean {
  return typeof entry.module === "string" && entry.module.startsWith("keras.src.ops.");
}

/** The entry Keras 3.5's Functional.get_config writes for an operation node. */
export function operationEntryJson(op: OpLayer, nodes: readonly LayerNode[], kerasTensor: (t: SymbolicTensor) => JsonObject): JsonObject {
  const where = `operation ${op.kerasClass} "${op.name}"`;
  const inbound = nodes.map((node) => {
    const arg = (a: unknown): JsonValue => {
      if (a instanceof InputSlot) return kerasTensor(node.inputs[a.index]);
      if (Array.isArray(a)) return a.map(arg);
      if (a instanceof ConstantArg) return { class_name: a.kind, config: { value: toJson(a.tensor.arraySync(), `${where}: constant`), dtype: a.tensor.dtype } };
      if (a instanceof Tensor) return { class_name: "__tensor__", config: { value: toJson(a.arraySync(), `${where}: constant`), dtype: a.dtype } };
      return toJson(a, `${where}: argument`);
    };
    return { args: op.template.map(arg), kwargs: Object.fromEntries(Object.entries(op.kwTemplate).map(([k, v]) => [k, arg(v)])) } as JsonObject;
  });
  return {
    module: op.spec.module, class_name: op.kerasClass, config: toJson(op.getConfig(), `${where}: config`) as JsonObject,
    registered_name: op.kerasClass, name: op.name, inbound_nodes: inbound,
  };
}

/**
 * An OpLayer from a Keras config entry, with its call's constants in place and, in order, the
 * references of the tensors it is called on (the entry's one inbound node).
 */
export function operationFromEntry(entry: Readonly<Record<string, unknown>>, name: string, where: string, tensorRef: (x: unknown, where: string) => TensorRef): { layer: OpLayer; refs: TensorRef[] } {
  const className = String(entry.class_name);
  const w = `${where}: operation ${className} "${name}"`;
  const spec = OP_SPECS.get(className);
  if (spec === undefined) {
    throw new RangeError(`${w}: Keras operation ${className} (${String(entry.module)}) is not supported in lamina; the supported ones are ${[...OP_SPECS.keys()].join(", ")}`);
  }
  const config = isRecord(entry.config) ? entry.config : {};
  const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
  if (nodes.length !== 1) throw new RangeError(`${w}: an operation is called once in a Keras config, but this one has ${nodes.length} inbound nodes`);
  const node = nodes[0];
  if (!isRecord(node) || !Array.isArray(node.args)) throw new TypeError(`${w}: its inbound node must be { args, kwargs }, got ${describe(node)}`);
  const refs: TensorRef[] = [];
  const slot = (a: unknown): unknown => {
    if (isRecord(a) && a.class_name === "__keras_tensor__") {
      refs.push(tensorRef(a, w));
      return new InputSlot(refs.length - 1);
    }
    if (isRecord(a) && (a.class_name === "__numpy__" || a.class_name === "__tensor__")) return constantArg(a, a.class_name, w);
    // GetItem's slices and Ellipsis stay as Keras wrote them; its run reads them (ops/get_item.ts).
    if (isRecord(a) && (a.class_name === "__slice__" || a.class_name === "__ellipsis__")) return a;
    if (Array.isArray(a)) return a.map(slot);
    if (a === null || typeof a === "number" || typeof a === "boolean" || typeof a === "string") return a;
    throw new TypeError(`${w}: argument ${describe(a)} is not supported; lamina reads tensors, lists of them and numbers`);
  };
  const template = node.args.map(slot);
  const kwTemplate = Object.fromEntries(Object.entries(isRecord(node.kwargs) ? node.kwargs : {}).map(([k, v]) => [k, slot(v)]));
  const opConfig = Object.fromEntries(spec.keys.map((k) => [k, config[k] ?? null]));
  return { layer: new OpLayer(className, opConfig, template, name, kwTemplate), refs };
}

/** A `__numpy__` / `__tensor__` constant argument ({ value, dtype }) as a lamina tensor. */
function constantArg(a: Readonly<Record<string, unknown>>, kind: "__numpy__" | "__tensor__", where: string): ConstantArg {
  const c = isRecord(a.config) ? a.config : {};
  if (!isDType(c.dtype)) throw new TypeError(`${where}: a ${kind} constant has dtype ${describe(c.dtype)}, which lamina lacks; save the model with a float32, float64, int32, int64, bool or uint8 constant`);
  try {
    return new ConstantArg(constant(c.value as TensorLike, undefined, c.dtype), kind);
  } catch (e) {
    throw new TypeError(`${where}: the ${kind} constant's value is not a ${c.dtype} array: ${(e as Error).message}`);
  }
}
