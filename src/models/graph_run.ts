/** Running a functional model's graph on tensors. */
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, type Mask, callInContext } from "../layers/layer.js";
import { maskOf } from "../tensor/keras_mask.js";
import { InputLayer } from "../layers/core.js";
import { type LayerNode, type SymbolicTensor, layerShapeText } from "../layers/symbolic.js";
import { pinnedTraining } from "../layers/node_training.js";
import { nodeCallOptions } from "../layers/node_options.js";
import type { Conv2D } from "../layers/convolutional.js";
import { canFold, type functionalFoldPlan, runFolded } from "./inference_folding.js";
import { modelInput } from "./input_rank.js";

/** What runGraph reads of the model: its name (for errors) and its symbolic inputs and outputs. */
export interface GraphOwner {
  readonly name: string;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
}

/** The Conv2D -> BatchNormalization (-> activation) chains inference runs as one convolution. */
export type FoldPlan = ReturnType<typeof functionalFoldPlan>;

/**
 * A functional model's outputs for `inputs`: each node of `nodes` (execution order) called on its
 * inputs' values with the options recorded for that call (nodeCallOptions), in the training mode a
 * node was pinned to (pinnedTraining) or else `opts`'; in
 * inference the chains of `foldPlan` run folded where they can.
 */
export function runGraph(model: GraphOwner, nodes: readonly LayerNode[], inputs: Tensor | Tensor[], opts: CallOptions, foldPlan: () => FoldPlan): Tensor | Tensor[] {
  const given = Array.isArray(inputs) ? inputs : [inputs];
  if (given.length !== model.inputs.length) {
    throw new RangeError(`Model ${model.name}: expects ${model.inputs.length} input(s) (${model.inputs.map((t) => layerShapeText(t.shape)).join(", ")}), got ${given.length}`);
  }
  const values = new Map<SymbolicTensor, Tensor>();
  model.inputs.forEach((t, i) => {
    values.set(t, modelInput(given[i], t.shape, `Model ${model.name}: input "${t.name}"`, t.dtype));
  });
  // The model's own `mask` argument belongs to its inputs (Keras' Functional.call), not to each node.
  const { mask: modelMask, ...rest } = opts;
  opts = rest;
  const inputMasks = givenMasks(model, modelMask);
  const plan = opts.training === true ? null : foldPlan();
  const absorbed = new Set<LayerNode>();
  for (const node of nodes) {
    if (node.layer instanceof InputLayer || absorbed.has(node)) continue;
    const fold = plan?.get(node);
    if (fold !== undefined && [node, ...fold.absorbed].every((n) => pinnedTraining.get(n) !== true)) {
      const conv = node.layer as Conv2D;
      const x = conv.autocast([values.get(node.inputs[0])!])[0];
      if (canFold(conv, fold.tail, x)) {
        const last = fold.absorbed[fold.absorbed.length - 1];
        values.set(last.outputs[0], runFolded(conv, fold.tail, x));
        for (const n of fold.absorbed) absorbed.add(n);
        continue;
      }
    }
    const args = node.inputs.map((t) => {
      const v = values.get(t);
      if (!v) throw new Error(`internal: ${node.layer.name} runs before its input ${t.name}`);
      return v;
    });
    const cast = node.layer.autocast(args);
    const pinned = pinnedTraining.get(node);
    let nodeOpts = pinned === undefined ? opts : { ...opts, training: pinned };
    const own = nodeCallOptions.get(node);
    if (own !== undefined) nodeOpts = { ...own, ...nodeOpts };
    if (inputMasks !== null && node.inputs.some((t) => inputMasks.has(t))) {
      const masks = node.inputs.map((t, k) => inputMasks.get(t) ?? maskOf(cast[k]));
      nodeOpts = { ...nodeOpts, mask: node.inputsAsList ? masks : masks[0] };
    }
    const out = callInContext(node.layer, node.inputsAsList ? cast : cast[0], nodeOpts);
    const outs = Array.isArray(out) ? out : [out];
    node.outputs.forEach((o, i) => values.set(o, outs[i]));
  }
  const outs = model.outputs.map((o) => values.get(o)!);
  return outs.length === 1 ? outs[0] : outs;
}

/** The masks given to the model for its inputs (one, or one per input), by symbolic input; null if none. */
function givenMasks(model: GraphOwner, mask: Mask | undefined): Map<SymbolicTensor, Tensor | null> | null {
  if (mask === undefined || mask === null) return null;
  const list = Array.isArray(mask) ? mask as readonly (Tensor | null)[] : [mask as Tensor];
  if (list.length !== model.inputs.length) {
    throw new RangeError(`Model ${model.name}: got ${list.length} mask(s) for ${model.inputs.length} input(s); give one mask (or null) per input`);
  }
  return new Map(model.inputs.map((t, i) => [t, list[i]]));
}

