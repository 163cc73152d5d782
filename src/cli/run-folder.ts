/**
 * The run folder that `npm start` and `lamina train` write: runs/<date-time>/ with the saved model,
 * run.json (what evaluate/predict need to feed the model), history.csv (CSVLogger), history.png,
 * the sample grid and confusion matrix of image classifiers, and report.html showing them.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as tf from "../index.js";
import type { DatasetName, InputPreprocessing, Task } from "./cli-data.js";

type Tensor = tf.Tensor;
type Model = tf.models.Model;

/** 20261123-091500: the run folder's name, in UTC, sortable. */
export function runStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Creates <out>/<stamp> (with -2, -3, ... when a run of the same second exists). */
export async function createRunDir(out: string, date = new Date()): Promise<string> {
  const stamp = runStamp(date);
  let dir = join(out, stamp);
  for (let i = 2; existsSync(dir); i++) dir = join(out, `${stamp}-${i}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** What `lamina evaluate` and `lamina predict` read next to a saved model. */
export interface RunInfo {
  format: "lamina-run";
  formatVersion: 1;
  model: string;
  dataset: DatasetName | null;
  task: Task;
  classNames: string[] | null;
  /** The model's input shape without the batch axis. */
  inputShape: number[];
  /** [h, w, c] of the training images, when the samples are images. */
  imageShape: [number, number, number] | null;
  preprocessing: InputPreprocessing;
  /** The test samples the run was evaluated on (lamina train --test-samples); absent or null: all of them. */
  testSamples?: number | null;
}

export const RUN_INFO_FILE = "run.json";

export async function writeRunInfo(dir: string, info: Omit<RunInfo, "format" | "formatVersion">): Promise<void> {
  const full: RunInfo = { format: "lamina-run", formatVersion: 1, ...info };
  await atomicWrite(join(dir, RUN_INFO_FILE), JSON.stringify(full, null, 1) + "\n");
}

/** The run.json in the folder of `modelPath`, or null when there is none. */
export async function readRunInfoBeside(modelPath: string): Promise<RunInfo | null> {
  const path = join(dirname(modelPath), RUN_INFO_FILE);
  if (!existsSync(path)) return null;
  const { readFile } = await import("node:fs/promises");
  let info: Partial<RunInfo>;
  try {
    info = JSON.parse(await readFile(path, "utf8")) as Partial<RunInfo>;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); delete it or fix it`);
  }
  if (info.format !== "lamina-run" || !Array.isArray(info.inputShape) || typeof info.preprocessing !== "object") {
    throw new Error(`${path} is not a lamina run description (run.json written by lamina train or npm start)`);
  }
  return info as RunInfo;
}

/** Saves the model into the run folder: model.keras (Keras 3 format) and model.json (the architecture alone). */
export async function saveModelFiles(model: Model, dir: string): Promise<string[]> {
  await model.save(join(dir, "model.keras"));
  await atomicWrite(join(dir, "model.json"), model.toJSON());
  return ["model.keras", "model.json"];
}

/** The test images with their predicted classes, and the confusion matrix (image classifiers). */
export async function writeClassifierFigures(dir: string, images: Tensor, yTrue: Tensor, predicted: Tensor, classNames: readonly string[] | null): Promise<string[]> {
  const count = Math.min(40, images.shape[0]);
  const cols = Math.min(10, count);
  const rows = Math.ceil(count / cols);
  const first = (t: Tensor): Tensor => tf.slice(t, [0, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
  const names = classNames ? [...classNames] : undefined;
  await tf.plot.images(first(images), { labels: first(predicted), classNames: names, rows, cols }).save(join(dir, "samples.png"));
  await tf.plot.confusionMatrix(yTrue, predicted, { classNames: names }).save(join(dir, "confusion.png"));
  return ["samples.png", "confusion.png"];
}

export interface ReportSection {
  heading: string;
  html: string;
}

export interface ReportInput {
  title: string;
  heading: string;
  /** HTML paragraphs (already escaped) under the heading. */
  intro: string[];
  history: Record<string, readonly number[]>;
  summary: string;
  /** Figures written into the folder, shown in this order when present. */
  figures: { file: string; heading: string; alt: string }[];
  /** Files of the run, listed at the end with what they are. */
  files: { name: string; what: string }[];
}

/** report.html: the run's facts, curves, table of epochs, figures, model summary and files. */
export async function writeReport(dir: string, r: ReportInput): Promise<void> {
  const keys = Object.keys(r.history).sort((a, b) => (a.startsWith("val_") ? 1 : 0) - (b.startsWith("val_") ? 1 : 0));
  const epochs = r.history[keys[0]]?.length ?? 0;
  const rows = Array.from({ length: epochs }, (_, e) => `<tr><td>${e + 1}</td>${keys.map((k) => `<td>${Number.isFinite(r.history[k][e]) ? r.history[k][e].toFixed(4) : ""}</td>`).join("")}</tr>`).join("\n");
  const figures = r.figures.filter((f) => f.file !== "history.png").map((f) => `<h2>${escapeHtml(f.heading)}</h2><img src="${f.file}" alt="${escapeHtml(f.alt)}">`).join("\n");
  const historyFigure = r.figures.find((f) => f.file === "history.png");
  await atomicWrite(join(dir, "report.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto}td,th{padding:2px 10px;text-align:right}img{max-width:100%}</style></head>
<body>
<h1>${escapeHtml(r.heading)}</h1>
${r.intro.map((p) => `<p>${p}</p>`).join("\n")}
<h2>Training history</h2>${historyFigure ? `<img src="history.png" alt="${escapeHtml(historyFigure.alt)}">` : ""}
<table><tr><th>epoch</th>${keys.map((k) => `<th>${escapeHtml(k)}</th>`).join("")}</tr>
${rows}</table>
${figures}
<h2>Model</h2><pre>${escapeHtml(r.summary)}</pre>
<h2>Files</h2><ul>
${r.files.map((f) => `<li><a href="${f.name}"><code>${escapeHtml(f.name)}</code></a>: ${f.what}</li>`).join("\n")}
</ul>
</body></html>
`);
}

/** What each file of a run folder is, for the report's list. */
export const FILE_DESCRIPTIONS: Record<string, string> = {
  "model.keras": "the trained model in Keras 3's format (<code>models.loadModel</code>, <code>lamina evaluate</code>, <code>lamina predict</code>, or Keras' <code>keras.models.load_model</code>)",
  "model.json": "the architecture in Keras 3's config layout (<code>models.modelFromJSON</code>)",
  "run.json": "the dataset, class names and input preprocessing that <code>lamina evaluate</code> and <code>lamina predict</code> apply",
  "history.csv": "loss and metrics per epoch (CSVLogger)",
  "history.png": "the training curves",
  "samples.png": "test images with their predicted classes",
  "confusion.png": "the confusion matrix on the test set",
  "dashboard.json": "the dashboard's record of the run (<code>lamina dashboard</code>)",
};
