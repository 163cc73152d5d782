/** `utils.getSourceInputs`: Keras' get_source_inputs, the Input tensors a symbolic tensor was computed from. */
import { SymbolicTensor } from "./symbolic.js";
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";

/**
 * The `layers.Input` tensors that `tensor` depends on, in the order Keras' `get_source_inputs`
 * finds them (depth first through each node's inputs, each source once). An Input tensor gives
 * itself. Only symbolic tensors (from `layers.Input` and layer calls on them) have a graph to walk.
 */
export function getSourceInputs(tensor: SymbolicTensor): SymbolicTensor[] {
  const value: unknown = tensor;
  if (!(value instanceof SymbolicTensor)) {
    const got = value instanceof Tensor ? `a concrete ${value.dtype} tensor, which has no layer graph` : valueText(value);
    throw new TypeError(`utils.getSourceInputs: expected a symbolic tensor (made by layers.Input or by calling a layer on one), got ${got}; pass an output of the functional graph, e.g. getSourceInputs(model.outputs[0])`);
  }
  const sources: SymbolicTensor[] = [];
  // Iterative depth-first walk so deep graphs do not exhaust the call stack; `seen` skips shared subgraphs.
  const seen = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor): void => {
    const stack: SymbolicTensor[] = [t];
    while (stack.length > 0) {
      const cur = stack.pop() as SymbolicTensor;
      if (seen.has(cur)) continue;
      seen.add(cur);
      const node = cur.node;
      if (node.inputs.length === 0) {
        // An input node: Keras returns all of its outputs.
        for (const o of node.outputs.length > 0 ? node.outputs : [cur]) if (!sources.includes(o)) sources.push(o);
        continue;
      }
      for (let i = node.inputs.length - 1; i >= 0; i--) stack.push(node.inputs[i]);
    }
  };
  visit(tensor);
  return sources;
}
