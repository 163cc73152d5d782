/**
 * The graph Keras' model_to_dot draws for a model: one box per layer (a Sequential's layers in
 * order; a functional model's layers, inputs included, in Keras' order; a subclassed model is one
 * box), an edge for each layer call's inputs, and with expandNested each nested functional model
 * as a group of its own layers. As in Keras 3, only functional models expand: a nested Sequential
 * stays one box.
 */
import type { Layer } from "../layers/layer.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import type { LayoutMember } from "./graph_layout.js";

export interface ModelGraph {
  /** The layer of each box. */
  layers: Layer[];
  /** The boxes and groups, as the layout takes them; a group's label is its model's name. */
  members: LayoutMember[];
  /** Edges between boxes, [from, to], each pair once. */
  edges: [number, number][];
}

function isFunctional(layer: Layer): layer is Model {
  return layer instanceof Model && !(layer instanceof Sequential) && layer.isFunctional;
}

/** Builds the graph of `model`; `expandNested` draws nested functional models' layers inside a group. */
export function modelGraph(model: Model, expandNested: boolean): ModelGraph {
  const layers: Layer[] = [];
  const edges: [number, number][] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (a: number, b: number): void => {
    const key = `${a}>${b}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push([a, b]);
  };

  /** One model's members, and where each of its layers is entered (per input) and left (per output). */
  interface Level {
    members: LayoutMember[];
    entry: (layer: Layer, input: number) => number;
    exit: (layer: Layer, output: number) => number;
  }

  const build = (m: Model): Level => {
    // Keras plots a functional model's operations too (model._operations), as summary() lists them.
    const own = m instanceof Sequential ? m.layers : isFunctional(m) ? m.operations : [m];
    const boxOf = new Map<Layer, number>();
    const nested = new Map<Layer, Level>();
    const members: LayoutMember[] = [];
    for (const layer of own) {
      if (expandNested && layer !== m && isFunctional(layer)) {
        const inner = build(layer);
        nested.set(layer, inner);
        members.push({ group: { label: layer.name, members: inner.members } });
      } else {
        layers.push(layer);
        boxOf.set(layer, layers.length - 1);
        members.push({ box: layers.length - 1 });
      }
    }
    const entry = (layer: Layer, input: number): number => {
      const inner = nested.get(layer);
      if (inner === undefined) return boxOf.get(layer)!;
      const t: SymbolicTensor = (layer as Model).inputs[Math.min(input, (layer as Model).inputs.length - 1)];
      return inner.entry(t.sourceLayer, 0);
    };
    const exit = (layer: Layer, output: number): number => {
      const inner = nested.get(layer);
      if (inner === undefined) return boxOf.get(layer)!;
      const t: SymbolicTensor = (layer as Model).outputs[Math.min(output, (layer as Model).outputs.length - 1)];
      return inner.exit(t.sourceLayer, t.outputIndex);
    };
    if (m instanceof Sequential) {
      for (let i = 0; i + 1 < own.length; i++) addEdge(exit(own[i], 0), entry(own[i + 1], 0));
    } else if (isFunctional(m)) {
      for (const node of m.graphNodes) {
        node.inputs.forEach((t, j) => addEdge(exit(t.sourceLayer, t.outputIndex), entry(node.layer, j)));
      }
    }
    return { members, entry, exit };
  };
  return { layers, members: build(model).members, edges };
}
