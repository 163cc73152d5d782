/**
 * What each box of a model plot says, by Keras 3's rules (keras/src/utils/model_visualization.py,
 * make_layer_label): a black header with "name (Class)" (or the class alone), an optional
 * "Activation: relu" row, and a row of cells with the input shape, output shape, output dtype and
 * "Trainable" / "Non-trainable", each shown by its flag.
 */
import type { Layer } from "../layers/layer.js";
import { type LayerShape, type SymbolicTensor, layerShapeText } from "../layers/symbolic.js";
import type { IoStructure } from "../models/io_structure.js";

/** Which rows and cells a box shows (Keras' show_* arguments). */
export interface LabelFlags {
  showShapes: boolean;
  showDtype: boolean;
  showLayerNames: boolean;
  showLayerActivations: boolean;
  showTrainable: boolean;
}

/** A run of text, bold or not (Keras' labels set the values in bold). */
export interface LabelPart {
  text: string;
  bold: boolean;
}

/** Graphviz colour names Keras gives the cells. */
export type CellBackground = "black" | "white" | "forestgreen" | "firebrick";

export interface LabelCell {
  parts: LabelPart[];
  background: CellBackground;
  /** Font size in points: 16 for the header, 14 for the other rows. */
  size: number;
}

/** The rows of a box, top to bottom; each row one or more cells side by side. */
export type LabelRow = LabelCell[];

/** A cell's text without its formatting. */
export function cellText(cell: LabelCell): string {
  return cell.parts.map((p) => p.text).join("");
}

/** What a functional model records about how its inputs and outputs were given (a list of one or a tensor). */
interface StructuredModel {
  inputs: readonly SymbolicTensor[];
  outputs: readonly SymbolicTensor[];
  inputsGivenAsList: boolean;
  outputsGivenAsList: boolean;
  inputStructure: IoStructure;
  outputStructure: IoStructure;
  isFunctional: boolean;
}

function asFunctional(layer: Layer): StructuredModel | null {
  const m = layer as Layer & Partial<StructuredModel>;
  return m.isFunctional === true && typeof m.inputsGivenAsList === "boolean" ? (m as StructuredModel) : null;
}

/**
 * The tensors Keras' `layer.input` / `layer.output` return, as a list or one: a functional model's
 * own inputs/outputs as its constructor was given them (Functional._inputs_struct); any other
 * layer's first call, one tensor when that call had one (Operation._get_node_attribute_at_index).
 * null where Keras' property raises (the layer was never called symbolically): Keras shows "?".
 */
function tensorsOf(layer: Layer, which: "input" | "output"): { tensors: readonly SymbolicTensor[]; list: boolean; keys?: readonly string[] } | null {
  const model = asFunctional(layer);
  if (model !== null) {
    const [tensors, list, structure] = which === "input"
      ? [model.inputs, model.inputsGivenAsList, model.inputStructure] as const
      : [model.outputs, model.outputsGivenAsList, model.outputStructure] as const;
    // Keyed by name: Keras maps over the dict, whose keys keep the order they were given in.
    if (structure.kind === "dict") return { tensors: structure.keys.map((k) => tensors[structure.flatKeys.indexOf(k)]), list, keys: structure.keys };
    return { tensors, list };
  }
  const node = layer.inboundNodes[0];
  if (node === undefined) return null;
  const tensors = which === "input" ? node.inputs : node.outputs;
  return { tensors, list: tensors.length !== 1 };
}

/** Python's str() of the structure: (None, 3) or [(None, 3), (None, 5)]; "?" when unknown (Keras' format_shape). */
function shapeText(layer: Layer, which: "input" | "output"): string {
  const t = tensorsOf(layer, which);
  if (t === null) return "?";
  const shapes = t.tensors.map((x) => layerShapeText(x.shape as LayerShape));
  // Keras' format_shape writes a dict as "key: shape, ..." (its braces taken out).
  if (t.keys) return t.keys.map((k, i) => `${k}: ${shapes[i]}`).join(", ");
  return t.list ? `[${shapes.join(", ")}]` : shapes[0];
}

/** Python's str() of the dtypes: float32 or ['float32', 'int32']; "?" when unknown. */
function dtypeText(layer: Layer): string {
  const t = tensorsOf(layer, "output");
  if (t === null) return "?";
  const dtypes = t.tensors.map((x) => x.dtype);
  if (t.keys) return `{${t.keys.map((k, i) => `'${k}': '${dtypes[i]}'`).join(", ")}}`;
  return t.list ? `[${dtypes.map((d) => `'${d}'`).join(", ")}]` : dtypes[0];
}

/**
 * The activation's name when the layer has an `activation` attribute that is set (Keras'
 * get_layer_activation_name: its `name`, else a function's name), else null.
 */
function activationName(layer: Layer): string | null {
  if (!("activation" in layer)) return null;
  const a: unknown = layer.activation;
  if (a === null || a === undefined) return null;
  if (typeof a === "object" && "name" in a && typeof a.name === "string") return a.name;
  if (typeof a === "function") return a.name;
  return String(a);
}

/** The rows of `layer`'s box for the given flags, as Keras' make_layer_label builds its table. */
export function layerLabel(layer: Layer, flags: LabelFlags): LabelRow[] {
  const className = layer.className;
  const header: LabelPart[] = flags.showLayerNames
    ? [{ text: layer.name, bold: true }, { text: ` (${className})`, bold: false }]
    : [{ text: className, bold: true }];
  const rows: LabelRow[] = [[{ parts: header, background: "black", size: 16 }]];
  const activation = flags.showLayerActivations ? activationName(layer) : null;
  if (activation !== null) {
    rows.push([{ parts: [{ text: "Activation: ", bold: false }, { text: activation, bold: true }], background: "white", size: 14 }]);
  }
  const cells: LabelCell[] = [];
  const valueCell = (label: string, value: string): LabelCell => ({ parts: [{ text: label, bold: false }, { text: value, bold: true }], background: "white", size: 14 });
  if (flags.showShapes) {
    // Keras leaves out the input shape of an InputLayer (it has none of its own).
    if (className !== "InputLayer") cells.push(valueCell("Input shape: ", shapeText(layer, "input")));
    cells.push(valueCell("Output shape: ", shapeText(layer, "output")));
  }
  if (flags.showDtype) cells.push(valueCell("Output dtype: ", dtypeText(layer)));
  if (flags.showTrainable && layer.weights.length > 0) {
    cells.push(layer.trainable
      ? { parts: [{ text: "Trainable", bold: true }], background: "forestgreen", size: 14 }
      : { parts: [{ text: "Non-trainable", bold: true }], background: "firebrick", size: 14 });
  }
  if (cells.length > 0) rows.push(cells);
  return rows;
}
