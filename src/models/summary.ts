import type { Layer, LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";
import { itemSize } from "../tensor/dtype.js";
import type { Variable } from "../tensor/variable.js";
import { type Justify, renderTable, summaryColumnWidths } from "./summary_table.js";

/** What summary() reads from a model. */
export interface SummarizableModel {
  readonly name: string;
  readonly layers: Layer[];
  /** A functional model's layers and operation nodes, which Keras' summary() lists (model._operations). */
  readonly operations?: Layer[];
  readonly weights: Variable[];
  readonly trainableWeights: Variable[];
  readonly isFunctional: boolean;
  layerOutputShapes(): Map<Layer, LayerShape[]>;
  layerInboundNames(): Map<Layer, string[]>;
  /** False when the table needs Keras' "Connected to" column (branches, merges, shared layers). */
  isSequentialLike(): boolean;
  /** The compiled optimizer's variables once it has been built (Keras adds them to the total). */
  optimizerVariables(): Variable[];
}

/** Keras' readable byte size: 44.00 B, 1.15 MB (powers of 1024, as keras.utils.summary_utils). */
export function readableBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(2)} ${units[i]}`;
}

function bytesOf(ws: readonly Variable[]): number {
  return ws.reduce((s, w) => s + w.size * itemSize(w.dtype), 0);
}

/** How summary() lays the table out; Keras' summary() arguments of the same names. */
export interface SummaryOptions {
  /** Total width of the table; by default 88 (108 with "Connected to"), capped by the terminal. */
  lineLength?: number;
  /** Where each column ends, as fractions of lineLength, rising to 1. */
  positions?: number[];
  /** Adds a "Trainable" column: Y or N for layers with weights, - for the others. */
  showTrainable?: boolean;
  /**
   * Lists the layers of each nested model (a Sequential or functional model used as a layer) under
   * its row, marked "└" and indented three spaces per level, as Keras' expand_nested.
   */
  expandNested?: boolean;
  /**
   * Only the model's layers from the first whose name matches `layerRange[0]` to the last whose
   * name matches `layerRange[1]`, both included (either order), as Keras' layer_range. Each is a
   * regular expression matched from the start of the name (Python's re.match), so an exact name or
   * a prefix works. The totals stay the whole model's.
   */
  layerRange?: readonly [string, string];
}

/** summary()'s options with the function that receives the text (console.log by default). */
export interface SummaryPrintOptions extends SummaryOptions {
  printFn?: (text: string) => void;
}

/**
 * The terminal's width as Python's shutil.get_terminal_size() reads it (COLUMNS, then the
 * terminal, then 80), which Keras uses to cap the table.
 */
export function terminalColumns(): number {
  const env = Number.parseInt(process.env.COLUMNS ?? "", 10);
  if (env > 0) return env;
  const tty = process.stdout.isTTY ? process.stdout.columns : 0;
  return tty > 0 ? tty : 80;
}

/**
 * A layer summary() can expand: Keras expands any layer with a non-empty `layers` list, which only
 * models have, so a model is recognised by what summary() reads from it.
 */
function asNestedModel(layer: Layer): SummarizableModel | null {
  const m = layer as Layer & Partial<SummarizableModel>;
  return typeof m.layerOutputShapes === "function" && m.layers !== undefined && m.layers.length > 0 ? (m as SummarizableModel) : null;
}

/** A name pattern of layerRange as a regular expression anchored at the name's start (re.match). */
function namePattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(pattern, "y");
  } catch (e) {
    throw new SyntaxError(`${where}: layerRange entry ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message}); give a layer name or a valid pattern`);
  }
}

/**
 * The [start, end) slice of `layers` that layerRange selects, by keras.utils.summary_utils'
 * get_layer_index_bound_by_layer_name: from the first layer matching range[0] to the last matching
 * range[1]; when those lie the wrong way round, from the first matching range[1] to the last
 * matching range[0].
 */
function layerRangeBounds(layers: readonly Layer[], range: readonly [string, string] | undefined, where: string): [number, number] {
  if (range === undefined) return [0, layers.length];
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== "string" || typeof range[1] !== "string") {
    throw new TypeError(`${where}: layerRange must be two layer names (or regular expressions), [start, end], got ${JSON.stringify(range)}`);
  }
  const matches = (pattern: string): number[] => {
    const re = namePattern(pattern, where);
    return layers.flatMap((l, i) => {
      re.lastIndex = 0;
      return re.test(l.name) ? [i] : [];
    });
  };
  const lower = matches(range[0]);
  const upper = matches(range[1]);
  if (lower.length === 0 || upper.length === 0) {
    const bad = [...new Set([lower.length === 0 ? range[0] : null, upper.length === 0 ? range[1] : null])].filter((p) => p !== null).map((p) => JSON.stringify(p));
    throw new RangeError(`${where}: layerRange ${JSON.stringify(range)}: ${bad.join(" and ")} ${bad.length > 1 ? "match" : "matches"} no layer name (each is matched as a regular expression from the start of a name); the model's layers are ${layers.map((l) => l.name).join(", ")}`);
  }
  if (Math.min(...lower) > Math.max(...upper)) return [Math.min(...upper), Math.max(...lower) + 1];
  return [Math.min(...lower), Math.max(...upper) + 1];
}

/**
 * The Keras 3 summary table: one row per layer with its output shape and parameter count
 * (plus "Connected to" for functional models that are not a plain chain), then the totals.
 */
export function summaryText(model: SummarizableModel, options: SummaryOptions = {}): string {
  const shapes = model.layerOutputShapes();
  const inbound = model.layerInboundNames();
  const chain = model.isSequentialLike();
  const header = chain ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const justify: Justify[] = chain ? ["left", "left", "right"] : ["left", "left", "right", "left"];
  let defaultLength = chain ? 88 : 108;
  const keras = chain ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1];
  if (options.showTrainable) {
    defaultLength += 12;
    header.push("Trainable");
    justify.push("center");
  }
  const positions = options.positions ?? (options.showTrainable ? [...keras.map((p) => p * 0.9), 1] : keras);
  if (positions.length !== header.length) {
    throw new Error(`summary: positions has ${positions.length} entries for ${header.length} columns (${header.join(", ")})`);
  }
  const lineLength = options.lineLength ?? Math.min(defaultLength, terminalColumns() - 4);
  const widths = summaryColumnWidths(lineLength, positions);
  // A nested model's layers take their shapes from its own graph; their "Connected to" is the outer
  // model's nodes only, so "-" unless the outer graph calls them too (Keras' relevant_nodes).
  const layerRows = (l: Layer, layerShapes: Map<Layer, LayerShape[]>, level: number): string[][] => {
    const s = layerShapes.get(l);
    const shapeStr = s === undefined ? "?" : s.length === 1 ? layerShapeText(s[0]) : `[${s.map(layerShapeText).join(", ")}]`;
    const params = l.built ? l.countParams().toLocaleString("en-US") : "0 (unbuilt)";
    const prefix = level > 0 ? `${"   ".repeat(level)}└ ` : "";
    const row = [`${prefix}${l.name} (${l.className})`, shapeStr, params];
    if (!chain) row.push((inbound.get(l) ?? []).join(", ") || "-");
    if (options.showTrainable) row.push(l.weights.length === 0 ? "-" : l.trainable ? "Y" : "N");
    const nested = options.expandNested ? asNestedModel(l) : null;
    if (nested === null) return [row];
    const nestedShapes = nested.layerOutputShapes();
    return [row, ...(nested.operations ?? nested.layers).flatMap((inner) => layerRows(inner, nestedShapes, level + 1))];
  };
  const listed = model.operations ?? model.layers;
  const [start, end] = layerRangeBounds(listed, options.layerRange, `Model ${model.name}.summary`);
  const rows = listed.slice(start, end).flatMap((l) => layerRows(l, shapes, 0));
  const lines = [`Model: "${model.name}"`, ...renderTable(header, rows, widths, justify)];
  const all = model.weights;
  const trainable = new Set(model.trainableWeights);
  const tw = all.filter((w) => trainable.has(w));
  const nw = all.filter((w) => !trainable.has(w));
  const count = (ws: readonly Variable[]): number => ws.reduce((s, w) => s + w.size, 0);
  const opt = model.optimizerVariables();
  lines.push(` Total params: ${(count(all) + count(opt)).toLocaleString("en-US")} (${readableBytes(bytesOf(all) + bytesOf(opt))})`);
  lines.push(` Trainable params: ${count(tw).toLocaleString("en-US")} (${readableBytes(bytesOf(tw))})`);
  lines.push(` Non-trainable params: ${count(nw).toLocaleString("en-US")} (${readableBytes(bytesOf(nw))})`);
  if (opt.length > 0) lines.push(` Optimizer params: ${count(opt).toLocaleString("en-US")} (${readableBytes(bytesOf(opt))})`);
  return lines.join("\n");
}
