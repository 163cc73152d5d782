/**
 * The `mask` keyword argument Keras 3.5 records in a functional node: Layer.__call__ fills in the
 * input's mask (None when it has none) for every call of a layer whose `call` takes `mask` and that
 * gets one tensor argument, and the node keeps it among the call's kwargs. Those layers, among
 * lamina's: the recurrent layers (ConvLSTM too), Bidirectional, TimeDistributed,
 * BatchNormalization, Softmax, GlobalAveragePooling1D, Lambda, Pipeline and nested Sequential and functional
 * models (the attention layers' masks are written by attention_nodes.ts).
 *
 * Where the input carries a mask (below an Embedding with maskZero or a Masking layer), Keras
 * records a reference to the op that computed it; lamina's graph has no such op nodes, so such a
 * call records no `mask` at all, as before (the reader takes either form).
 */
import { Layer } from "../layers/layer.js";
import type { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { RNN } from "../layers/rnn.js";
import { Bidirectional, TimeDistributed } from "../layers/rnn_wrappers.js";
import { BatchNormalization } from "../layers/normalization.js";
import { Softmax } from "../layers/activation_layers.js";
import { GlobalAveragePooling1D } from "../layers/pooling1d.js";
import { Lambda } from "../layers/lambda.js";
import { Pipeline } from "../layers/pipeline.js";
import { Embedding } from "../layers/embedding.js";
import { Masking } from "../layers/masking.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import { SPEC_BY_CLASS } from "./layer_specs.js";

const TAKES_MASK = [RNN, Bidirectional, TimeDistributed, BatchNormalization, Softmax, GlobalAveragePooling1D, Lambda, Pipeline];

/** Whether Keras' call of `layer` has a `mask` parameter. */
function callTakesMask(layer: Layer): boolean {
  if (layer instanceof Sequential) return true;
  if (layer instanceof Model) return layer.isFunctional;
  return TAKES_MASK.some((cls) => layer instanceof cls);
}

/** Whether `layer` may make a mask of its own: Masking, Embedding(maskZero), a custom computeMask, or a model holding one. */
function makesMask(layer: Layer, seen: Set<Layer>): boolean {
  if (seen.has(layer)) return false;
  seen.add(layer);
  if (layer instanceof Masking || (layer instanceof Embedding && layer.maskZero)) return true;
  if (layer instanceof Model) return layer.layers.some((l) => makesMask(l, seen));
  const builtin = SPEC_BY_CLASS.has(layer.constructor) || layer instanceof Lambda;
  return !builtin && layer.computeMask !== Layer.prototype.computeMask;
}

/** Whether a mask may reach `t`: some layer upstream of it may make one. */
function mayCarryMask(t: SymbolicTensor, seen = new Set<Layer>(), visited = new Set<LayerNode>()): boolean {
  if (visited.has(t.node)) return false;
  visited.add(t.node);
  if (makesMask(t.sourceLayer, seen)) return true;
  return t.node.inputs.some((x) => mayCarryMask(x, seen, visited));
}

/** `{ mask: null }` where Keras records the (absent) mask of this call, else `{}`. */
export function recordedMask(layer: Layer, node: LayerNode): { mask?: null } {
  if (!callTakesMask(layer) || node.inputsAsList || node.inputs.length !== 1) return {};
  return mayCarryMask(node.inputs[0]) ? {} : { mask: null };
}
