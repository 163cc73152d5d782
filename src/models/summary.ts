import type { Layer, LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";
import { itemSize } from "../tensor/dtype.js";
import type { Variable } from "../tensor/variable.js";

/** What summary() reads from a model. */
export interface SummarizableModel {
  readonly name: string;
  readonly layers: Layer[];
  readonly weights: Variable[];
  readonly trainableWeights: Variable[];
  readonly isFunctional: boolean;
  layerOutputShapes(): Map<Layer, LayerShape[]>;
  layerInboundNames(): Map<Layer, string[]>;
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

/**
 * The Keras 3 summary table: one row per layer with its output shape and parameter count
 * (plus "Connected to" for functional models that are not a plain chain), then the totals.
 */
export function summaryText(model: SummarizableModel): string {
  const shapes = model.layerOutputShapes();
  const inbound = model.layerInboundNames();
  const chain = !model.isFunctional || [...inbound.values()].every((v) => v.length <= 1) && [...shapes.values()].every((s) => s.length <= 1);
  const header = chain ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const rows: string[][] = model.layers.map((l) => {
    const s = shapes.get(l);
    const shapeStr = s === undefined ? "?" : s.length === 1 ? layerShapeText(s[0]) : `[${s.map(layerShapeText).join(", ")}]`;
    const params = l.built ? l.countParams().toLocaleString("en-US") : "0 (unbuilt)";
    const row = [`${l.name} (${l.className})`, shapeStr, params];
    if (!chain) row.push((inbound.get(l) ?? []).join(", ") || "-");
    return row;
  });
  // Keras 3 lays the table out on 88 columns (108 with "Connected to"); these are the resulting
  // cell widths without padding. A cell that needs more room widens its column instead of wrapping.
  const minWidths = chain ? [36, 27, 15] : [28, 25, 17, 25];
  const widths = header.map((h, i) => Math.max(minWidths[i], h.length, ...rows.map((r) => r[i].length)) + 2);
  const rightAlign = (i: number): boolean => i === 2;
  const cell = (text: string, i: number): string => {
    const inner = widths[i] - 2;
    return " " + (rightAlign(i) ? text.padStart(inner) : text.padEnd(inner)) + " ";
  };
  const rule = (l: string, m: string, r: string, h: string): string => l + widths.map((w) => h.repeat(w)).join(m) + r;
  const lines: string[] = [];
  lines.push(`Model: "${model.name}"`);
  lines.push(rule("┏", "┳", "┓", "━"));
  lines.push("┃" + header.map(cell).join("┃") + "┃");
  lines.push(rule("┡", "╇", "┩", "━"));
  rows.forEach((r, i) => {
    lines.push("│" + r.map(cell).join("│") + "│");
    if (i < rows.length - 1) lines.push(rule("├", "┼", "┤", "─"));
  });
  lines.push(rule("└", "┴", "┘", "─"));
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
