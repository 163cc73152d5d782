/**
 * Keras' utils.model_to_dot as DOT source text: the graph plot_model draws (model_graph.ts), each
 * box labelled with the HTML table Keras' make_layer_label writes, laid out by Graphviz rather
 * than by lamina. Keras returns a pydot graph; its `to_string()` is what this returns.
 */
import type { Model } from "../models/model.js";
import type { LayoutMember } from "./graph_layout.js";
import { type LabelCell, type LabelFlags, type LabelRow, layerLabel } from "./model_labels.js";
import { modelGraph } from "./model_graph.js";
import { type ModelPlotOptions, checkModel, resolveOptions } from "./model_plot.js";

/** Keras' model_to_dot arguments, camelCased (showLayerNames defaults to true, as in Keras). */
export type ModelToDotOptions = ModelPlotOptions;

/**
 * Keras' `keras.utils.model_to_dot(model, ...)`: the DOT text of the graph Keras would hand to
 * Graphviz: graph attributes rankdir, concentrate, dpi and splines=ortho; one node per layer
 * (node ids are the box numbers, "0", "1", ..., where Keras uses Python object ids) labelled with
 * Keras' HTML table; an edge (penwidth 2) per connection; with expandNested, each nested
 * functional model as a dashed `cluster_<name>` subgraph. Render it with Graphviz
 * (`dot -Tpng model.dot`), or draw it without Graphviz with utils.plotModel.
 */
export function modelToDot(model: Model, options: ModelToDotOptions = {}): string {
  const where = "utils.modelToDot";
  const m = checkModel(where, model);
  const o = resolveOptions(where, options, [], true);
  const graph = modelGraph(m, o.expandNested);
  const lines = ["digraph G {", `rankdir=${o.rankdir};`, "concentrate=True;", `dpi=${o.dpi};`, "splines=ortho;", "node [shape=record];"];
  const emit = (members: readonly LayoutMember[], indent: string): void => {
    for (const member of members) {
      if ("box" in member) {
        const label = labelHtml(layerLabel(graph.layers[member.box], o), o);
        lines.push(`${indent}${member.box} [label=${label}, fontname=Helvetica, border=0, margin=0];`);
      } else {
        const name = member.group.label;
        lines.push(`${indent}subgraph ${dotId(`cluster_${name}`)} {`, `${indent}style=dashed;`, `${indent}label=${dotId(name)};`, `${indent}labeljust=l;`);
        emit(member.group.members, indent);
        lines.push(`${indent}}`);
      }
    }
  };
  emit(graph.members, "");
  for (const [from, to] of graph.edges) lines.push(`${from} -> ${to}  [penwidth=2];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** A DOT identifier: bare when DOT allows it (as pydot writes it), else a quoted string. */
function dotId(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) || /^-?\d+(\.\d+)?$/.test(s) ? s : `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cellContent(cell: LabelCell): string {
  return cell.parts.map((p) => (p.bold ? `<b>${html(p.text)}</b>` : html(p.text))).join("");
}

/** Keras' make_layer_label table for the rows model_labels.ts builds (the same rows the drawn boxes show). */
function labelHtml(rows: readonly LabelRow[], flags: LabelFlags): string {
  // Keras spans the header (and activation row) over every cell the flags could show, shown or not.
  const colspan = Math.max(1, Number(flags.showDtype) + Number(flags.showTrainable) + (flags.showShapes ? 2 : 0));
  let table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">';
  rows.forEach((row, i) => {
    const first = row[0];
    if (i === 0) {
      table += `<tr><td colspan="${colspan}" bgcolor="black"><font point-size="${first.size}" color="white">${cellContent(first)}</font></td></tr>`;
    } else if (i === 1 && flags.showLayerActivations && row.length === 1 && first.parts[0]?.text === "Activation: ") {
      table += `<tr><td bgcolor="white" colspan="${colspan}"><font point-size="${first.size}">${cellContent(first)}</font></td></tr>`;
    } else {
      const cells = row.map((c) => {
        const color = c.background === "white" ? "" : ' color="white"';
        return `<td bgcolor="${c.background}"><font point-size="${c.size}"${color}>${cellContent(c)}</font></td>`;
      });
      table += `<tr>${cells.join("")}</tr>`;
    }
  });
  return `${table}</table>>`;
}
