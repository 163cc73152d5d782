/** What summary() reads of a functional model's graph: each layer's output shapes, its inbound nodes, and the table's form. */
import { type Layer, type LayerShape } from "../layers/layer.js";
import { InputLayer } from "../layers/core.js";
import type { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { graphDepths } from "./graph_order.js";

/**
 * The output shape of each layer, for summary(): a shared layer shows its latest call's, as
 * Keras' format_layer_shape (which keeps the last of the layer's inbound nodes).
 */
export function layerOutputShapesOf(nodes: readonly LayerNode[], layers: readonly Layer[]): Map<Layer, LayerShape[]> {
  const latest = new Map<Layer, LayerNode>();
  for (const node of nodes) {
    const seen = latest.get(node.layer);
    if (seen === undefined || node.layer.inboundNodes.indexOf(node) > node.layer.inboundNodes.indexOf(seen)) latest.set(node.layer, node);
  }
  const shapes = new Map([...latest].map(([layer, node]) => [layer, node.outputs.map((o) => o.shape)]));
  // Keras' summary, for a layer with no node (a subclassed model's): the output shape for the input it was built with.
  for (const layer of layers) {
    if (shapes.has(layer) || !layer.built || layer.builtInputShape === null) continue;
    try {
      const out = layer.computeOutputShape(layer.builtInputShape);
      shapes.set(layer, out.length > 0 && Array.isArray(out[0]) ? (out as LayerShape[]) : [out as LayerShape]);
    } catch {
      // Keras shows "?" where the shape cannot be worked out.
    }
  }
  return shapes;
}

/**
 * Keras' rule (summary_utils.print_summary) for whether a functional graph prints as the
 * three-column table: each depth holds one node, no node takes several tensors and no layer is
 * called twice.
 */
export function isSequentialLikeGraph(nodes: readonly LayerNode[], inputs: readonly SymbolicTensor[]): boolean {
  const { nodeDepth } = graphDepths(nodes, inputs);
  const depths = new Set<number>();
  const called = new Set<Layer>();
  for (const [node, depth] of nodeDepth) {
    if (node.inputs.length > 1 || depths.has(depth) || called.has(node.layer)) return false;
    depths.add(depth);
    called.add(node.layer);
  }
  return true;
}

/** The nodes feeding each layer (for summary's "Connected to"). */
export function layerInboundNamesOf(nodes: readonly LayerNode[]): Map<Layer, string[]> {
  const m = new Map<Layer, string[]>();
  for (const node of nodes) {
    if (node.layer instanceof InputLayer) continue;
    m.set(node.layer, [...(m.get(node.layer) ?? []), ...node.inputs.map((t) => `${t.sourceLayer.name}[${t.sourceLayer.inboundNodes.indexOf(t.node)}][${t.outputIndex}]`)]);
  }
  return m;
}
