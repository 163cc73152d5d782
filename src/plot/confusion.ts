/**
 * `plot.confusionMatrix`: scikit-learn's ConfusionMatrixDisplay — rows the true classes, columns
 * the predicted ones, each cell its count (or share), coloured from white to dark blue.
 */
import { Axes, TICK_FONT, TITLE_FONT, axesMargins, type Tick } from "./axes.js";
import { colormapHex, luminance } from "./colors.js";
import { Figure } from "./figure.js";
import { classIndices, colorbar, colorbarWidth, type LabelsLike } from "./images.js";
import { el, svgDocument, text, textWidth } from "./svg.js";
import { formatValue } from "./ticks.js";
import { valueText } from "../tensor/value_text.js";

export interface ConfusionMatrixOptions {
  /** Names of the classes, in index order (default the indices). */
  classNames?: readonly string[];
  /**
   * As scikit-learn's `normalize`: "true" divides each row by its total (recall per class), "pred"
   * each column (precision), "all" the whole matrix; true means "true". Default: raw counts.
   */
  normalize?: "true" | "pred" | "all" | boolean;
  /** Default "Confusion matrix"; "" for none. */
  title?: string;
  /** Side of a cell in pixels (default: 480 / classes, within [28, 64]). */
  cellSize?: number;
}

/** The k × k counts: entry [i][j] counts samples of true class i predicted as j. */
export function confusionCounts(yTrue: readonly number[], yPred: readonly number[], k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

/**
 * A confusion-matrix heatmap with the count (or normalized share) written in each cell.
 * `yTrue`/`yPred` are class indices (tensors [n] or [n, 1], arrays) or one-hot/probabilities [n, k]
 * (argmax is taken), so `model.predict(x)` can be passed as it is.
 */
export function confusionMatrix(yTrue: LabelsLike, yPred: LabelsLike, opts: ConfusionMatrixOptions = {}): Figure {
  const where = "plot.confusionMatrix";
  const t = classIndices(yTrue, where, "yTrue");
  const p = classIndices(yPred, where, "yPred");
  if (t.length !== p.length) throw new RangeError(`${where}: yTrue has ${t.length} samples but yPred has ${p.length}; pass one prediction per sample`);
  if (t.length === 0) throw new RangeError(`${where}: no samples given`);
  for (const [name, v] of [["yTrue", t], ["yPred", p]] as const) {
    const bad = v.findIndex((c) => !Number.isInteger(c) || c < 0);
    if (bad >= 0) throw new RangeError(`${where}: ${name}[${bad}] is ${v[bad]}; class indices must be whole numbers ≥ 0`);
  }
  const names = opts.classNames;
  if (names !== undefined && !Array.isArray(names)) throw new TypeError(`${where}: classNames must be an array of strings`);
  const maxIndex = Math.max(...t, ...p);
  if (names !== undefined && maxIndex >= names.length) throw new RangeError(`${where}: class ${maxIndex} appears in the labels but classNames has only ${names.length} names`);
  const k = names?.length ?? maxIndex + 1;
  const counts = confusionCounts(t, p, k);
  const norm = opts.normalize === true ? "true" : opts.normalize === false ? undefined : opts.normalize;
  if (norm !== undefined && norm !== "true" && norm !== "pred" && norm !== "all") {
    throw new RangeError(`${where}: normalize must be "true", "pred", "all" or a boolean, got ${valueText(opts.normalize)}`);
  }
  const values = counts.map((row, i) => row.map((v, j) => {
    if (norm === "true") { const s = row.reduce((a, b) => a + b, 0); return s ? v / s : 0; }
    if (norm === "pred") { const s = counts.reduce((a, r) => a + r[j], 0); return s ? v / s : 0; }
    if (norm === "all") return v / t.length;
    return v;
  }));
  const labels = Array.from({ length: k }, (_, i) => String(names?.[i] ?? i));
  const cellOpt = opts.cellSize;
  if (cellOpt !== undefined && !(typeof cellOpt === "number" && cellOpt >= 10 && cellOpt <= 400)) throw new RangeError(`${where}: cellSize must be between 10 and 400 pixels, got ${valueText(cellOpt)}`);
  const cell = cellOpt ?? Math.max(28, Math.min(64, Math.floor(480 / k)));
  const ticks: Tick[] = labels.map((label, i) => ({ value: i, label }));
  const rotate = labels.some((l) => textWidth(l, TICK_FONT) > cell * 0.95);
  const vmax = Math.max(...values.flat());
  const title = opts.title ?? "Confusion matrix";
  const spec = { title, xlabel: "Predicted label", ylabel: "True label", xticks: ticks, yticks: ticks, rotateXTicks: rotate, grid: "none" as const, rightExtra: colorbarWidth(0, vmax) };
  const m = axesMargins(spec);
  const side = cell * k;
  const width = Math.ceil(Math.max(m.left + side + m.right, textWidth(title, TITLE_FONT) + 40));
  const height = Math.ceil(m.top + side + m.bottom);
  const axes = new Axes({ ...spec, width, height, xlim: [-0.5, k - 0.5], ylim: [k - 0.5, -0.5], aspect: 1 });
  const { x: bx, y: by, width: bw, height: bh } = axes.box;
  const cw = bw / k;
  const ch = bh / k;
  const fontSize = Math.max(7, Math.min(14, cw * (norm ? 0.27 : 0.32)));
  const cells: string[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = values[i][j];
      const fill = colormapHex("blues", vmax > 0 ? v / vmax : 0);
      const x = bx + j * cw;
      const y = by + i * ch;
      cells.push(el("rect", { class: "cell", "data-row": i, "data-col": j, x, y, width: cw + 0.3, height: ch + 0.3, fill }));
      const label = norm ? (v === 0 ? "0" : v.toFixed(2)) : formatValue(v);
      cells.push(text(x + cw / 2, y + ch / 2, label, { size: fontSize, anchor: "middle", valign: "middle", fill: luminance(fill) < 0.5 ? "#ffffff" : "#222222", cls: "cell-value" }));
    }
  }
  const body = el("g", { class: "heatmap" }, cells) + axes.decorations() + colorbar(bx + bw + 22, by, bh, "blues", 0, vmax);
  return new Figure(svgDocument(width, height, body, title), width, height, title);
}
