/**
 * Keras 2 (tf.keras) spellings of a model config, for the `model_config` and `training_config`
 * attributes of legacy `.h5` files: serialized objects are `{ class_name, config }` (no module,
 * registered_name or build_config), dtypes are plain strings, an InputLayer has
 * `batch_input_shape`, and a functional model's calls are lists of `[layer, node, tensor, kwargs]`
 * in which every nested model counts a node of its own first (so its calls start at 1). Keras 2
 * and Keras 3 both read this form.
 */
import type { JsonObject, JsonValue } from "./serialization.js";

/** Layer config keys Keras 3 added that Keras 2's constructors reject, dropped at their defaults. */
const KERAS3_ONLY: Readonly<Record<string, JsonValue>> = { lora_rank: null, lora_alpha: null, quantization_config: null };

const MODEL_CLASSES = new Set(["Sequential", "Functional", "Model"]);

/** Config keys holding a whole serialized layer or a list of them (RNN's cell, Bidirectional's and TimeDistributed's layers, StackedRNNCells' cells). */
const NESTED_LAYER_KEYS = new Set(["cell", "layer", "backward_layer", "cells"]);

function isObject(x: unknown): x is JsonObject {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Whether a serialized layer is a model (its calls are numbered from 1 in Keras 2). */
function isModelEntry(entry: JsonObject): boolean {
  return (typeof entry.class_name === "string" && MODEL_CLASSES.has(entry.class_name)) || (isObject(entry.config) && Array.isArray(entry.config.layers));
}

/** A nested serialized object (initializer, regularizer, DTypePolicy...) in Keras 2's form. */
function legacyValue(v: JsonValue, key: string): JsonValue {
  if (Array.isArray(v)) return v.map((x) => legacyValue(x, key));
  if (!isObject(v)) return v;
  if (v.class_name === "DTypePolicy" || v.class_name === "FloatDTypePolicy") {
    return isObject(v.config) && typeof v.config.name === "string" ? v.config.name : "float32";
  }
  if (typeof v.class_name === "string" && "config" in v && ("module" in v || "registered_name" in v)) {
    const out: JsonObject = { class_name: v.class_name, config: legacyValue(v.config, key) };
    return out;
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = legacyValue(x, k);
  return out;
}

function legacyLayerConfig(className: string, config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(config)) {
    if (k in KERAS3_ONLY && JSON.stringify(v) === JSON.stringify(KERAS3_ONLY[k])) continue;
    if (className === "InputLayer" && k === "batch_shape") {
      out.batch_input_shape = v;
      continue;
    }
    // A wrapper's or RNN's inner layer stays in Keras 3's form, as Keras 3 writes it in .h5 files:
    // its from_config cannot find a layer class named without a module.
    out[k] = NESTED_LAYER_KEYS.has(k) ? v : legacyValue(v, k);
  }
  return out;
}

/** One serialized layer or model of a Keras 3 config in Keras 2's form. */
export function legacyLayer(entry: JsonObject): JsonObject {
  const className = String(entry.class_name);
  const config = isObject(entry.config) ? entry.config : {};
  if (className === "Sequential") {
    const layers = Array.isArray(config.layers) ? config.layers.map((l) => legacyLayer(l as JsonObject)) : [];
    const out: JsonObject = { name: config.name ?? null, layers };
    if (config.build_input_shape !== undefined) out.build_input_shape = config.build_input_shape;
    return { class_name: "Sequential", config: out };
  }
  if (Array.isArray(config.layers) && config.input_layers !== undefined) return legacyFunctional(className, config);
  return { class_name: className, config: legacyLayerConfig(className, config) };
}

function legacyFunctional(className: string, config: JsonObject): JsonObject {
  const entries = (config.layers as JsonValue[]).filter(isObject);
  const isModel = new Map<string, boolean>(entries.map((e) => [String(e.name ?? (isObject(e.config) ? e.config.name : "")), isModelEntry(e)]));
  const shift = (name: string): number => (isModel.get(name) ? 1 : 0);
  const ref = (history: JsonValue[]): JsonValue[] => [history[0], Number(history[1]) + shift(String(history[0])), history[2]];
  const layers = entries.map((e) => {
    const converted = legacyLayer(e);
    const inbound = Array.isArray(e.inbound_nodes) ? e.inbound_nodes : [];
    const nodes = inbound.map((node) => {
      if (Array.isArray(node)) return node; // already Keras 2
      const args = isObject(node) && Array.isArray(node.args) ? node.args : [];
      const kwargs = isObject(node) && isObject(node.kwargs) ? node.kwargs : {};
      // Keras 3 reads a call with initial_state only in its own form (it writes .h5 files so too);
      // the list form would pass the states as a list of inputs, which its RNN layers refuse.
      if (kwargs.initial_state !== undefined && kwargs.initial_state !== null) return node;
      // So too a call with several arguments or keyword tensors and flags (the attention layers'):
      // Keras 2's list form has no place for them.
      if (args.length > 1 || Object.entries(kwargs).some(([k, v]) => k !== "training" && v !== null)) return node;
      // And a model called on its inputs keyed by name ({ a: tensor, ... }): the list form has no keys.
      if (args.length === 1 && isObject(args[0]) && args[0].class_name !== "__keras_tensor__") return node;
      const tensors = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      return tensors.map((t) => {
        const history = isObject(t) && isObject(t.config) && Array.isArray(t.config.keras_history) ? t.config.keras_history : [];
        return [...ref(history), kwargs];
      });
    });
    return { ...converted, name: e.name ?? null, inbound_nodes: nodes };
  });
  // Keras 3 shifted only Functional sources in input/output_layers; Keras 2 shifts every model.
  const one = (r: JsonValue): JsonValue[] => {
    const triple = r as JsonValue[];
    const entry = entries.find((e) => e.name === triple[0]);
    const keras3Shift = entry && (entry.class_name === "Functional" || entry.class_name === "Model") ? 1 : 0;
    return [triple[0], Number(triple[1]) - keras3Shift + shift(String(triple[0])), triple[2]];
  };
  // Inputs or outputs keyed by name stay an object, as tf.keras wrote a dict structure.
  const io = (v: JsonValue | undefined): JsonValue => {
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, r]) => [k, one(r)]));
    if (!Array.isArray(v)) return [];
    return (typeof v[0] === "string" ? [v] : v).map(one);
  };
  const out: JsonObject = { name: config.name ?? null, layers, input_layers: io(config.input_layers), output_layers: io(config.output_layers) };
  return { class_name: className === "Model" ? "Functional" : className, config: out };
}

/**
 * A compile_config in Keras 2's training_config form: the loss and metrics as they are, the
 * optimizer as `optimizer_config` ({ class_name, config } without Keras 3's null-only keys).
 */
export function legacyTrainingConfig(compileConfig: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(compileConfig)) {
    if (k === "optimizer") continue;
    out[k] = legacyValue(v, k);
  }
  const opt = compileConfig.optimizer;
  if (isObject(opt)) {
    const config: JsonObject = {};
    for (const [k, v] of Object.entries(isObject(opt.config) ? opt.config : {})) {
      if ((k === "loss_scale_factor" || k === "gradient_accumulation_steps") && v === null) continue;
      config[k] = legacyValue(v, k);
    }
    out.optimizer_config = { class_name: opt.class_name ?? null, config };
  } else if (typeof opt === "string") {
    out.optimizer_config = { class_name: opt, config: {} };
  }
  return out;
}
