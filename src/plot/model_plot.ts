/**
 * Keras' plot_model without Graphviz: each layer a box with Keras' label table (model_labels.ts),
 * laid out in ranks (graph_layout.ts), drawn as SVG and rasterized by resvg. Sizes are in points,
 * as Graphviz measures them, so the PNG has dpi / 72 pixels per SVG unit.
 */
import { extname } from "node:path";
import type { Layer } from "../layers/layer.js";
import { Model } from "../models/model.js";
import { checkKeys } from "../nn/common.js";
import { valueText } from "../tensor/value_text.js";
import { Figure } from "./figure.js";
import { type GraphLayout, type RankDir, layoutGraph } from "./graph_layout.js";
import { type LabelCell, type LabelFlags, type LabelRow, cellText, layerLabel } from "./model_labels.js";
import { modelGraph } from "./model_graph.js";
import { el, esc, num, svgDocument, textWidth } from "./svg.js";
import { booleanOption } from "../tensor/option_checks.js";

/** Keras' plot_model / model_to_dot arguments, camelCased. */
export interface ModelPlotOptions {
  /** Input and output shapes of each layer (default false). */
  showShapes?: boolean;
  /** Each layer's output dtype (default false). */
  showDtype?: boolean;
  /** "name (Class)" instead of the class alone (default true here, as model_to_dot; false in utils.plotModel, as plot_model). */
  showLayerNames?: boolean;
  /** "TB" draws top to bottom, "LR" left to right (also "BT", "RL", as Graphviz). Default "TB". */
  rankdir?: RankDir;
  /** Draws each nested functional model's layers inside a dashed frame (default false). */
  expandNested?: boolean;
  /** Resolution of the PNG: dpi / 72 pixels per point (default 200). */
  dpi?: number;
  /** "Activation: relu" for layers with an activation (default false). */
  showLayerActivations?: boolean;
  /** "Trainable" / "Non-trainable" for layers with weights (default false). */
  showTrainable?: boolean;
}

/** utils.plotModel's options: the drawing's, and the file to write. */
export interface PlotModelOptions extends ModelPlotOptions {
  /**
   * Where to write the picture (default "model.png", as Keras): `.png` or `.svg` by the extension,
   * PNG when there is none; null writes nothing.
   */
  toFile?: string | null;
}

const DRAW_KEYS = ["showShapes", "showDtype", "showLayerNames", "rankdir", "expandNested", "dpi", "showLayerActivations", "showTrainable"] as const satisfies readonly (keyof ModelPlotOptions)[];
const RANKDIRS: readonly RankDir[] = ["TB", "LR", "BT", "RL"];
/** Figure.toPNG's largest scale (16 pixels per unit). */
const MAX_DPI = 72 * 16;

// Graphviz's HTML table as Keras writes it: cellpadding 10, cellspacing 2, cell borders 1.
const CELL_PAD = 10;
const CELL_SPACING = 2;
const LINE = 1.2;
const MARGIN = 8;
const ARROW_LENGTH = 10;
const ARROW_HALF_WIDTH = 4.5;
const GROUP_LABEL_SIZE = 14;

export interface ResolvedOptions extends LabelFlags {
  rankdir: RankDir;
  expandNested: boolean;
  dpi: number;
}

export function resolveOptions(where: string, opts: unknown, extraKeys: readonly string[], showLayerNames: boolean): ResolvedOptions {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new TypeError(`${where}: options must be an object, e.g. { showShapes: true }, got ${valueText(opts)}`);
  checkKeys(where, opts, [...DRAW_KEYS, ...extraKeys]);
  const o = opts as ModelPlotOptions;
  const flag = (name: keyof ModelPlotOptions, fallback: boolean): boolean => {
    return booleanOption(where, name, o[name], fallback);
  };
  const rankdir = o.rankdir ?? "TB";
  if (!RANKDIRS.includes(rankdir)) throw new RangeError(`${where}: rankdir must be "TB" (top to bottom) or "LR" (left to right) (or "BT", "RL"), got ${valueText(rankdir)}`);
  const dpi = o.dpi ?? 200;
  if (typeof dpi !== "number" || !Number.isFinite(dpi) || dpi <= 0 || dpi > MAX_DPI) {
    throw new RangeError(`${where}: dpi must be a number of dots per inch above 0 and at most ${MAX_DPI} (16 pixels per point), e.g. 96 or 200; got ${valueText(dpi)}`);
  }
  return {
    showShapes: flag("showShapes", false),
    showDtype: flag("showDtype", false),
    showLayerNames: flag("showLayerNames", showLayerNames),
    showLayerActivations: flag("showLayerActivations", false),
    showTrainable: flag("showTrainable", false),
    expandNested: flag("expandNested", false),
    rankdir,
    dpi,
  };
}

export function checkModel(where: string, model: unknown): Model {
  if (!(model instanceof Model)) {
    throw new TypeError(`${where}: expected a model (models.Sequential or models.Model), got ${model instanceof Object && "className" in model ? `the layer ${String((model as Layer).name)}; wrap it in a model first` : valueText(model)}`);
  }
  if (!model.built) {
    // Keras' own message, and how to build a lamina model.
    throw new Error(`${where}: model ${model.name}: This model has not yet been built. Build the model first by calling \`build()\` or by calling the model on a batch of data (for a Sequential: start it with layers.Input({ shape }), or give inputShape to its first layer)`);
  }
  return model;
}

interface CellBox {
  cell: LabelCell;
  width: number;
}

interface MeasuredLabel {
  rows: { cells: CellBox[]; height: number }[];
  width: number;
  height: number;
}

function partsWidth(cell: LabelCell): number {
  return cell.parts.reduce((s, p) => s + textWidth(p.text, cell.size) * (p.bold ? 1.2 : 1), 0);
}

/** The table's size: each row's cells side by side, every row stretched to the widest. */
function measure(rows: readonly LabelRow[]): MeasuredLabel {
  const natural = rows.map((r) => r.map((cell) => ({ cell, width: partsWidth(cell) + 2 * CELL_PAD + 2 })));
  const rowWidth = (cells: CellBox[]): number => cells.reduce((s, c) => s + c.width, 0) + CELL_SPACING * (cells.length + 1);
  const width = Math.ceil(Math.max(...natural.map(rowWidth)));
  const measured = natural.map((cells) => {
    const extra = (width - rowWidth(cells)) / cells.length;
    const height = Math.max(...cells.map((c) => c.cell.size)) * LINE + 2 * CELL_PAD + 2;
    return { cells: cells.map((c) => ({ ...c, width: c.width + extra })), height };
  });
  const height = Math.ceil(measured.reduce((s, r) => s + r.height, 0) + CELL_SPACING * (rows.length + 1));
  return { rows: measured, width, height };
}

function cellTextColor(cell: LabelCell): string {
  return cell.background === "white" ? "#000000" : "#ffffff";
}

const BACKGROUND: Record<LabelCell["background"], string> = { black: "#000000", white: "#ffffff", forestgreen: "#228b22", firebrick: "#b22222" };

function drawBox(layer: Layer, label: MeasuredLabel, x: number, y: number): string {
  const out: string[] = [el("rect", { class: "node-box", "data-layer": layer.name, x, y, width: label.width, height: label.height, fill: "#000000" })];
  let cy = y + CELL_SPACING;
  for (const row of label.rows) {
    let cx = x + CELL_SPACING;
    for (const c of row.cells) {
      out.push(el("rect", { class: "node-cell", x: cx + 0.5, y: cy + 0.5, width: c.width - 1, height: row.height - 1, fill: BACKGROUND[c.cell.background], stroke: "#000000", "stroke-width": 1 }));
      const spans = c.cell.parts.map((p) => el("tspan", { "font-weight": p.bold ? "bold" : undefined }, esc(p.text)));
      out.push(el("text", { class: "node-label", x: cx + c.width / 2, y: cy + row.height / 2 + 0.35 * c.cell.size, "font-size": c.cell.size, "text-anchor": "middle", fill: cellTextColor(c.cell), "data-text": cellText(c.cell) }, spans));
      cx += c.width + CELL_SPACING;
    }
    cy += row.height + CELL_SPACING;
  }
  return el("g", { class: "node" }, out);
}

function drawEdge(from: Layer, to: Layer, points: readonly (readonly [number, number])[], dx: number, dy: number): string {
  const pts = points.map(([px, py]) => [px + dx, py + dy] as [number, number]);
  const [tx, ty] = pts[pts.length - 1];
  const [sx, sy] = pts[pts.length - 2];
  const len = Math.hypot(tx - sx, ty - sy) || 1;
  const ux = (tx - sx) / len;
  const uy = (ty - sy) / len;
  // The line stops at the arrowhead's base, so its width does not blunt the tip.
  const cut = Math.min(ARROW_LENGTH, len);
  const line = [...pts.slice(0, -1), [tx - ux * cut, ty - uy * cut]];
  const d = line.map(([px, py], i) => `${i === 0 ? "M" : "L"}${num(px)} ${num(py)}`).join("");
  const bx = tx - ux * ARROW_LENGTH;
  const by = ty - uy * ARROW_LENGTH;
  const head = [[tx, ty], [bx - uy * ARROW_HALF_WIDTH, by + ux * ARROW_HALF_WIDTH], [bx + uy * ARROW_HALF_WIDTH, by - ux * ARROW_HALF_WIDTH]].map(([px, py]) => `${num(px)},${num(py)}`).join(" ");
  return el("g", { class: "edge", "data-from": from.name, "data-to": to.name }, [
    el("path", { class: "edge-line", d, fill: "none", stroke: "#000000", "stroke-width": 2 }),
    el("polygon", { class: "arrowhead", points: head, fill: "#000000", stroke: "#000000", "stroke-width": 1 }),
  ]);
}

/** The laid-out graph with the layers and labels it was made from (for drawing and for tests). */
export interface ModelPlotLayout extends GraphLayout {
  layers: Layer[];
  labels: LabelRow[][];
}

/** Where plot.model puts each box, group and edge (in points, before the figure's margin), for the given options. */
export function modelPlotLayout(model: Model, options: ModelPlotOptions = {}): ModelPlotLayout {
  const where = "plot.modelPlotLayout";
  return layoutOf(checkModel(where, model), resolveOptions(where, options, [], true));
}

function layoutOf(model: Model, o: ResolvedOptions): ModelPlotLayout {
  const graph = modelGraph(model, o.expandNested);
  const labels = graph.layers.map((l) => layerLabel(l, o));
  const measured = labels.map(measure);
  const layout = layoutGraph({
    boxes: measured.map((m) => ({ width: m.width, height: m.height })),
    members: graph.members,
    edges: graph.edges,
    rankdir: o.rankdir,
    groupLabelHeight: GROUP_LABEL_SIZE * LINE + 8,
    groupLabelWidth: (label) => textWidth(label, GROUP_LABEL_SIZE),
  });
  return { ...layout, layers: graph.layers, labels };
}

function render(model: Model, o: ResolvedOptions): Figure {
  const layout = layoutOf(model, o);
  const measured = layout.labels.map(measure);
  const width = Math.ceil(layout.width + 2 * MARGIN);
  const height = Math.ceil(layout.height + 2 * MARGIN);
  const parts: string[] = [];
  for (const g of layout.groups) {
    const r = g.rect;
    parts.push(el("g", { class: "cluster", "data-model": g.label }, [
      el("rect", { class: "cluster-frame", x: r.x + MARGIN, y: r.y + MARGIN, width: r.width, height: r.height, fill: "none", stroke: "#000000", "stroke-width": 1, "stroke-dasharray": "5,2" }),
      el("text", { class: "cluster-label", x: r.x + MARGIN + 8, y: r.y + MARGIN + 6 + GROUP_LABEL_SIZE, "font-size": GROUP_LABEL_SIZE, fill: "#000000" }, esc(g.label)),
    ]));
  }
  layout.boxes.forEach((b, i) => parts.push(drawBox(layout.layers[i], measured[i], b.x + MARGIN, b.y + MARGIN)));
  for (const e of layout.edges) parts.push(drawEdge(layout.layers[e.from], layout.layers[e.to], e.points, MARGIN, MARGIN));
  const svg = svgDocument(width, height, parts.join(""), model.name);
  return new Figure(svg, width, height, model.name, o.dpi / 72);
}

/**
 * The picture Keras' model_to_dot / plot_model draws of `model`, as a Figure (`toSVG()`,
 * `await toPNG()`, `await save("model.png" | "model.svg")`; the PNG has dpi / 72 pixels per point).
 * Layer names are shown unless `showLayerNames: false` (model_to_dot's default).
 */
export function model(m: Model, options: ModelPlotOptions = {}): Figure {
  const where = "plot.model";
  return render(checkModel(where, m), resolveOptions(where, options, [], true));
}

/**
 * Keras' utils.plot_model: draws `model` and writes it to `toFile` ("model.png" unless given;
 * `.png` at `dpi`, or `.svg`; null writes nothing); returns the Figure. As in Keras 3.5, boxes show
 * the layer class alone unless `showLayerNames: true`. The file may also come second, as Keras'
 * positional `plot_model(model, "model.png", show_shapes=True)`: `plotModel(model, "model.png", { showShapes: true })`.
 */
export async function plotModel(m: Model, options?: PlotModelOptions): Promise<Figure>;
export async function plotModel(m: Model, toFile: string, options?: ModelPlotOptions): Promise<Figure>;
export async function plotModel(m: Model, fileOrOptions: string | PlotModelOptions = {}, drawOptions?: ModelPlotOptions): Promise<Figure> {
  const where = "utils.plotModel";
  const model = checkModel(where, m);
  const options = typeof fileOrOptions === "string" ? positionalFile(where, fileOrOptions, drawOptions) : fileOrOptions;
  if (typeof fileOrOptions !== "string" && drawOptions !== undefined) {
    throw new TypeError(`${where}: a third argument is taken only after a file name (plotModel(model, "model.png", { showShapes: true })); put the options in the second, e.g. plotModel(model, { toFile: "model.png", showShapes: true })`);
  }
  const o = resolveOptions(where, options, ["toFile"], false);
  const toFile = options.toFile === undefined ? "model.png" : options.toFile;
  let format: "png" | "svg" | undefined;
  if (toFile !== null) {
    if (typeof toFile !== "string" || toFile === "") throw new TypeError(`${where}: toFile must be a file path ending in .png or .svg (or null to write nothing), got ${valueText(toFile)}`);
    const ext = extname(toFile).toLowerCase();
    if (ext === "") format = "png";
    else if (ext !== ".png" && ext !== ".svg") {
      throw new RangeError(`${where}: cannot write ${JSON.stringify(toFile)}: lamina draws model plots as .png or .svg (Keras' other Graphviz formats, such as ${ext}, need Graphviz); use a .png or .svg name`);
    }
  }
  const fig = render(model, o);
  if (toFile !== null) await fig.save(toFile, format === undefined ? {} : { format });
  return fig;
}

/** plotModel(model, "file.png", options): the options with the file, which they may not name again. */
function positionalFile(where: string, toFile: string, drawOptions: ModelPlotOptions | undefined): PlotModelOptions {
  if (drawOptions === undefined) return { toFile };
  if (drawOptions === null || typeof drawOptions !== "object" || Array.isArray(drawOptions)) {
    throw new TypeError(`${where}: options must be an object, e.g. { showShapes: true }, got ${valueText(drawOptions)}`);
  }
  if (Object.hasOwn(drawOptions, "toFile")) {
    throw new TypeError(`${where}: the file is given twice, as ${JSON.stringify(toFile)} and as toFile ${valueText((drawOptions as PlotModelOptions).toFile)}; give one`);
  }
  return { ...drawOptions, toFile };
}
