/**
 * Calls of a model on inputs keyed by name (`inner({ a, b })` inside a functional model): the keys,
 * in the order of the node's inputs. The node itself holds the flat list the model runs on; the
 * keys let a saved config write the call as Keras does, `args: [{ a: ..., b: ... }]`, which Keras
 * needs when the inner model's inputs are an object not written in sorted key order.
 */
import type { LayerNode } from "./symbolic.js";

export const nodeInputKeys = new WeakMap<LayerNode, readonly string[]>();
