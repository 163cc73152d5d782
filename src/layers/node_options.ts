/**
 * The call options of a functional model's calls besides their input tensors and training mode
 * (Keras' node kwargs, such as an attention call's return_attention_scores and use_causal_mask).
 * Each call keeps its own, so a layer shared by several calls can be called differently each time;
 * the model gives a call's options back to the layer whenever it runs that call. Kept beside the
 * nodes, as pinnedTraining is, because only the layers that take such options fill it.
 */
import type { CallOptions } from "./layer.js";
import type { LayerNode } from "./symbolic.js";

export const nodeCallOptions = new WeakMap<LayerNode, CallOptions>();
