/** A functional model's graph: its nodes and layers in order, the depths Keras orders them by, and the checks on them. */
import type { Layer } from "../layers/layer.js";
import { InputLayer } from "../layers/core.js";
import { type LayerNode, SymbolicTensor, isSymbolicMask } from "../layers/symbolic.js";
import { valueText } from "../tensor/value_text.js";

/**
 * The graph's nodes in execution order: depth-first from the outputs gives every node after the
 * nodes it depends on. A cycle is an error naming the model and a layer on it.
 */
function executionOrder(outputs: readonly SymbolicTensor[], modelName: string): LayerNode[] {
  const order: LayerNode[] = [];
  const state = new Map<LayerNode, "visiting" | "done">();
  const visit = (node: LayerNode): void => {
    const st = state.get(node);
    if (st === "done") return;
    if (st === "visiting") throw new Error(`Model ${modelName}: the layer graph has a cycle through ${node.layer.name}`);
    state.set(node, "visiting");
    for (const t of node.inputs) visit(t.node);
    state.set(node, "done");
    order.push(node);
  };
  outputs.forEach((o) => visit(o.node));
  return order;
}

/**
 * Keras' depths of a functional graph's nodes and layers (keras/src/ops/function.py, map_graph):
 * a node's depth is the longest path from it to an output; a shared layer takes the greatest depth
 * of its calls. `order` lists the nodes inputs-first.
 */
export function graphDepths(order: readonly LayerNode[], inputs: readonly SymbolicTensor[]): { nodeDepth: Map<LayerNode, number>; layerDepth: Map<Layer, number> } {
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  // An input no output depends on still belongs to the model (Keras: depth 0).
  for (const t of inputs) {
    if (!layerDepth.has(t.sourceLayer)) {
      layerDepth.set(t.sourceLayer, 0);
      nodeDepth.set(t.node, 0);
    }
  }
  return { nodeDepth, layerDepth };
}

/**
 * The order Keras gives a functional model's layers (keras/src/ops/function.py, map_graph), which
 * summary(), `layers`, the weights and the saved files follow: the layers farthest from the outputs
 * first (a layer's depth is the longest path from it to an output), layers of equal depth in the
 * order a depth-first walk from the outputs first meets them. `order` lists the graph's nodes
 * inputs-first, as that same walk finishes them.
 */
export function kerasLayerOrder(order: readonly LayerNode[], outputs: readonly SymbolicTensor[], inputs: readonly SymbolicTensor[]): Layer[] {
  const firstMet = new Map<Layer, number>();
  const entered = new Set<LayerNode>();
  const walk = (node: LayerNode): void => {
    if (entered.has(node)) return;
    entered.add(node);
    if (!firstMet.has(node.layer)) firstMet.set(node.layer, firstMet.size);
    for (const t of node.inputs) walk(t.node);
  };
  outputs.forEach((o) => walk(o.node));
  const { layerDepth } = graphDepths(order, inputs);
  for (const t of inputs) if (!firstMet.has(t.sourceLayer)) firstMet.set(t.sourceLayer, -1);
  return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstMet.get(a)! - firstMet.get(b)!);
}

/**
 * A functional model's nodes in execution order and its layers in Keras' order, from its symbolic
 * inputs and outputs (inputs from layers.Input: Model clones the graph of any other first); refuses
 * tensors that are not symbolic, an output that needs an input not listed, and two layers of one name.
 */
export function functionalGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], modelName: string): { nodes: LayerNode[]; layers: Layer[] } {
  for (const t of [...inputs, ...outputs]) {
    if (!(t instanceof SymbolicTensor)) {
      throw new TypeError(`Model ${modelName}: inputs and outputs must be symbolic tensors from layers.Input(...) and layer calls, got ${valueText(t)}`);
    }
    if (isSymbolicMask(t)) {
      throw new TypeError(
        `Model ${modelName}: ${t.name} is a symbolic mask (a tensor's kerasMask), not a value of the graph, so it cannot be a model's input or output; ` +
          "to output a mask, compute it in a layer (e.g. a custom layer returning tf.cast(mask, \"float32\") from call(x, { mask }))",
      );
    }
  }
  const order = executionOrder(outputs, modelName);
  for (const node of order) {
    if (node.layer instanceof InputLayer && !inputs.includes(node.outputs[0])) {
      throw new Error(`Model ${modelName}: output depends on input "${node.layer.name}" which is not in the model's inputs; add it to inputs`);
    }
  }
  const ordered = kerasLayerOrder(order, outputs, inputs);
  // Saved files key each layer's weights and config by name: two layers of one name would load
  // into each other.
  const byName = new Map<string, number>();
  for (const l of ordered) byName.set(l.name, (byName.get(l.name) ?? 0) + 1);
  for (const [name, count] of byName) {
    if (count > 1) throw new Error(`Model ${modelName}: the name "${name}" is used ${count} times in the model; layer names must be unique (give each layer its own name, or leave name out)`);
  }
  return { nodes: order, layers: ordered };
}
