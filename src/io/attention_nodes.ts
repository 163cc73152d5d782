/**
 * The functional-config form of the attention layers' calls. Keras records them with several
 * tensor arguments: MultiHeadAttention and GroupQueryAttention as `{ args: [query, value(, key)], kwargs: { key,
 * attention_mask, query_mask, value_mask, key_mask, return_attention_scores, use_causal_mask } }`,
 * Attention/AdditiveAttention as `{ args: [[query, value(, key)]], kwargs: { mask: [query_mask,
 * value_mask], return_attention_scores, use_causal_mask, training } }`. lamina's graph carries
 * them as one input list in the layer's layout order (see layers/attention_call.ts).
 *
 * Keras records the masks it took from the inputs (Embedding's mask_zero, Masking) as such
 * arguments too, referring to the mask ops (NotEqual, Any) the reader leaves out; lamina's layers
 * take those masks from their inputs again when the model runs, so such references are dropped.
 */
import type { Layer } from "../layers/layer.js";
import type { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { AttentionLayerBase, type AttentionSlot } from "../layers/attention_call.js";
import { Attention } from "../layers/attention.js";
import { KeywordAttention } from "../layers/keyword_attention.js";
import type { JsonObject, JsonValue } from "./config_json.js";

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface AttentionCall {
  refs: TensorRef[];
  asList: boolean;
  training?: boolean;
  keras3: boolean;
  /** Calls the layer on the referenced tensors, in `refs` order. */
  run: (inputs: SymbolicTensor[]) => void;
}

const MHA_TENSOR_KWARGS: Readonly<Record<string, AttentionSlot>> = {
  key: "key", attention_mask: "attention_mask", query_mask: "query_mask", value_mask: "value_mask", key_mask: "key_mask",
};
const CAMEL: Readonly<Record<string, string>> = {
  key: "key", attention_mask: "attentionMask", query_mask: "queryMask", value_mask: "valueMask", key_mask: "keyMask",
};

/** The call's kwargs in Keras' form, or null for a layer that is not an attention layer. */
export function attentionNodeJson(layer: Layer, node: LayerNode, tensor: (t: SymbolicTensor) => JsonObject, kwargs: JsonObject): JsonObject | null {
  if (!(layer instanceof AttentionLayerBase)) return null;
  const layout = layer.layoutOfNode(node);
  if (!layout) return null;
  const at = (slot: AttentionSlot): SymbolicTensor | undefined => {
    const i = layout.slots.indexOf(slot);
    return i < 0 ? undefined : node.inputs[i];
  };
  const out: JsonObject = { ...kwargs };
  let args: JsonValue[];
  if (layer instanceof KeywordAttention) {
    args = [tensor(at("query")!), tensor(at("value")!)];
    for (const [k, slot] of Object.entries(MHA_TENSOR_KWARGS)) {
      const t = at(slot);
      if (t) out[k] = tensor(t);
      else if (slot.endsWith("_mask") && slot !== "attention_mask") out[k] = null;
    }
  } else {
    args = [(["query", "value", "key"] as const).flatMap((s) => (at(s) ? [tensor(at(s)!)] : []))];
    const qm = at("query_mask"), vm = at("value_mask");
    // A call that gave `mask` (even [null, null]) takes no masks from its inputs, in Keras too.
    if (qm || vm || !layout.inputMasks) out.mask = [qm ? tensor(qm) : null, vm ? tensor(vm) : null];
  }
  if (layout.returnAttentionScores) out.return_attention_scores = true;
  if (layout.useCausalMask) out.use_causal_mask = true;
  return { args, kwargs: out };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function readFlag(v: unknown, key: string, where: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new TypeError(`${where}: ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** The layer a `__keras_tensor__` reference points to, or null. */
function refLayer(x: unknown): string | null {
  if (!isRecord(x) || x.class_name !== "__keras_tensor__" || !isRecord(x.config) || !Array.isArray(x.config.keras_history)) return null;
  const name = x.config.keras_history[0];
  return typeof name === "string" ? name : null;
}

/**
 * One recorded call of an attention layer, or null for other layers (read as usual). `ref` reads a
 * `__keras_tensor__` argument; `maskOnly` names the mask ops the reader leaves out.
 */
export function readAttentionNode(layer: Layer, nodeIn: unknown, where: string, ref: (x: unknown, where: string) => TensorRef, maskOnly: ReadonlySet<string> = new Set()): AttentionCall | null {
  if (!(layer instanceof AttentionLayerBase)) return null;
  const node = Array.isArray(nodeIn) ? fromKeras2(nodeIn, layer instanceof KeywordAttention) : nodeIn;
  if (!isRecord(node) || !Array.isArray(node.args)) {
    throw new TypeError(`${where}: a call of ${layer.className} must be { args, kwargs } (Keras 3's config), got ${JSON.stringify(node)?.slice(0, 200)}`);
  }
  const kwargs = isRecord(node.kwargs) ? node.kwargs : {};
  const refs: TensorRef[] = [];
  const names: string[] = [];
  let training: boolean | undefined;
  const flags = { returnAttentionScores: false, useCausalMask: false };
  let inputMasks = true;
  const isMaskOp = (x: unknown): boolean => {
    const name = refLayer(x);
    return name !== null && maskOnly.has(name);
  };
  const push = (x: unknown, name: string): void => {
    refs.push(ref(x, where));
    names.push(name);
  };
  const isMha = layer instanceof KeywordAttention;
  if (isMha) {
    const positional = ["query", "value", "key"];
    if (node.args.length < 1 || node.args.length > 3) throw new RangeError(`${where}: ${layer.className} is called with ${node.args.length} positional arguments; it takes query, value and optionally key`);
    node.args.forEach((a, i) => push(a, positional[i]));
    if (names.length === 1) {
      if (kwargs.value === undefined || kwargs.value === null) throw new TypeError(`${where}: the ${layer.className} call has no value`);
      push(kwargs.value, "value");
    }
  } else {
    const list = node.args[0];
    if (node.args.length !== 1 || !Array.isArray(list) || list.length < 2 || list.length > 3) {
      throw new TypeError(`${where}: ${layer.className} is called on a list [query, value(, key)]; the config's call has args ${JSON.stringify(node.args).slice(0, 200)}`);
    }
    list.forEach((a, i) => push(a, ["query", "value", "key"][i]));
  }
  const dataCount = names.length;
  const opts: Record<string, string> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === "return_attention_scores") flags.returnAttentionScores = readFlag(v, k, where);
    else if (k === "use_causal_mask") flags.useCausalMask = readFlag(v, k, where);
    else if (k === "training") {
      // Attention's call signature defaults training to False, which Keras records in every call: it pins nothing.
      if (typeof v === "boolean" && (isMha || v)) training = v;
    } else if (isMha && k === "value") continue;
    else if (isMha && k in MHA_TENSOR_KWARGS) {
      // A mask Keras took from the input: lamina takes it from the input again.
      if (v === null || v === undefined || (k.endsWith("_mask") && k !== "attention_mask" && isMaskOp(v))) continue;
      if (k === "key" && names.includes("key")) throw new TypeError(`${where}: the ${layer.className} call gives the key twice`);
      push(v, k);
      opts[String(refs.length - 1)] = CAMEL[k];
    } else if (!isMha && k === "mask") {
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw new TypeError(`${where}: ${layer.className}'s mask must be a list [query_mask, value_mask], got ${JSON.stringify(v)}`);
      const given = v.filter((m) => m !== null && m !== undefined);
      // Masks Keras took from the inputs (references to mask ops): lamina takes them from the inputs again.
      if (given.length > 0 && given.every(isMaskOp)) continue;
      if (given.some(isMaskOp)) {
        throw new RangeError(`${where}: ${layer.className}'s mask ${JSON.stringify(v).slice(0, 300)} mixes masks taken from the inputs with masks given to the call, which lamina does not support; give both masks to the call`);
      }
      inputMasks = false;
      v.slice(0, 2).forEach((m, i) => {
        if (m === null || m === undefined) return;
        push(m, i === 0 ? "query_mask" : "value_mask");
      });
    } else {
      throw new RangeError(`${where}: ${layer.className} is called with the keyword argument ${k}=${JSON.stringify(v)}, which lamina does not support`);
    }
  }
  const run = (inputs: SymbolicTensor[]): void => {
    const data = inputs.slice(0, dataCount);
    if (isMha) {
      const o: Record<string, unknown> = { ...flags };
      inputs.slice(dataCount).forEach((t, j) => { o[opts[String(dataCount + j)]] = t; });
      (layer as KeywordAttention).apply(data, o);
    } else {
      const mask: (SymbolicTensor | null)[] = [null, null];
      inputs.slice(dataCount).forEach((t, j) => { mask[names[dataCount + j] === "query_mask" ? 0 : 1] = t; });
      (layer as Attention).apply(data, { ...flags, ...(inputMasks ? {} : { mask }) });
    }
  };
  return { refs, asList: true, training, keras3: true, run };
}

/** A [layer, node, tensor] triple as Keras 3's __keras_tensor__ reference. */
function asKerasTensor(x: unknown): unknown {
  if (Array.isArray(x) && x.length >= 3 && typeof x[0] === "string") return { class_name: "__keras_tensor__", config: { keras_history: x.slice(0, 3) } };
  if (Array.isArray(x)) return x.map(asKerasTensor);
  return x;
}

/**
 * Keras 2's form of a call, [[layer, node, tensor, kwargs], ...], in Keras 3's: Attention's list
 * of inputs, or MultiHeadAttention's query with value, key and masks as kwargs triples.
 */
function fromKeras2(entries: unknown[], mha: boolean): { args: unknown[]; kwargs: Record<string, unknown> } {
  const kwargs: Record<string, unknown> = {};
  const tensors = entries.map((e) => {
    if (!Array.isArray(e) || e.length < 3) return e;
    if (isRecord(e[3])) for (const [k, v] of Object.entries(e[3])) kwargs[k] = asKerasTensor(v);
    return asKerasTensor(e.slice(0, 3));
  });
  return { args: mha ? tensors : [tensors], kwargs };
}
