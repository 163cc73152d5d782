/**
 * Keras 3.5's clone_graph_nodes (keras/src/models/functional.py): a functional model may start at
 * intermediate tensors of another graph (`new Model({ inputs: h, outputs })` where h is a layer's
 * output). Each such input is replaced by a new layers.Input named `<tensor name>CLONE` of its
 * shape and dtype, and every call between the inputs and the outputs is recorded once more (a new
 * node on the same layer, so weights stay shared) on the cloned tensors. The original graph is left
 * as it was: its model still runs from its own inputs, and the new model's nodes are its own.
 */
import { InputLayer } from "../layers/core.js";
import { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { pinnedTraining } from "../layers/node_training.js";
import { nodeInputKeys } from "../layers/node_keys.js";
import { nodeCallOptions } from "../layers/node_options.js";

/** Whether `t` is the output of a layers.Input (Keras' is_input_keras_tensor: its node is an input node). */
export function isInputTensor(t: SymbolicTensor): boolean {
  return t.sourceLayer instanceof InputLayer && t.node.inputs.length === 0;
}

/**
 * The inputs and outputs of a model that starts at `inputs`, with the graph between them cloned.
 * A tensor from a layers.Input not among `inputs` is left as it is, so the graph check that
 * follows reports the missing input as it would for any model.
 */
export function cloneGraphNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const clones = new Map<SymbolicTensor, SymbolicTensor>();
  for (const t of inputs) {
    if (clones.has(t)) continue;
    if (isInputTensor(t)) {
      clones.set(t, t);
      continue;
    }
    const input = new InputLayer({ batchShape: [...t.shape], dtype: t.dtype, name: `${t.name}CLONE` });
    clones.set(t, input.inboundNodes[0].outputs[0]);
  }
  const cloned = new Set<LayerNode>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.node;
    if (clones.has(t) || cloned.has(node) || node.inputs.length === 0) return;
    // Mark first: a graph of layer calls has no cycles, and this keeps a malformed one finite.
    cloned.add(node);
    node.inputs.forEach(visit);
    const copy = new LayerNode(node.layer, node.inputs.map((x) => clones.get(x) ?? x), node.inputsAsList);
    node.layer.inboundNodes.push(copy);
    // The call's recorded training mode and options belong to the copy too (Keras copies the call's kwargs).
    const training = pinnedTraining.get(node);
    if (training !== undefined) pinnedTraining.set(copy, training);
    const options = nodeCallOptions.get(node);
    if (options !== undefined) nodeCallOptions.set(copy, options);
    const keys = nodeInputKeys.get(node);
    if (keys !== undefined) nodeInputKeys.set(copy, keys);
    copy.outputs = node.outputs.map((o) => new SymbolicTensor(o.shape, o.dtype, o.sourceLayer, copy, o.outputIndex, o.name));
    node.outputs.forEach((o, i) => {
      if (!clones.has(o)) clones.set(o, copy.outputs[i]);
    });
  };
  outputs.forEach(visit);
  const mapped = (t: SymbolicTensor): SymbolicTensor => clones.get(t) ?? t;
  return { inputs: inputs.map(mapped), outputs: outputs.map(mapped) };
}
