/**
 * The state of one training run as the dashboard shows it: progress, per-batch running means,
 * per-epoch logs, the model summary and sample predictions. A RunRecorder keeps it, tells its
 * listeners about every change (the server turns them into server-sent events) and hands out the
 * whole state as one JSON snapshot (a reloaded page starts from it; dashboard.json stores it).
 */

/** Metric values by name, as Keras' logs. */
export type MetricLogs = Record<string, number>;

export interface BatchPoint {
  /** Position on the x axis, in epochs: epoch + (batch + 1) / steps (or a batch count while steps are unknown). */
  x: number;
  epoch: number;
  batch: number;
  logs: MetricLogs;
}

export interface EpochPoint {
  /** 0-based, as Keras' callbacks number epochs. */
  epoch: number;
  logs: MetricLogs;
}

export interface SamplePrediction {
  /** A PNG data URL of the input image, or null when the inputs are not images. */
  image: string | null;
  label: number | null;
  predicted: number;
  /** The probability (or score) of the predicted class. */
  score: number;
}

export interface SampleSet {
  classNames: string[] | null;
  /** The epoch (0-based) after which these predictions were made. */
  epoch: number;
  items: SamplePrediction[];
}

export type RunStatus = "running" | "finished" | "interrupted";

export interface Progress {
  epoch: number;
  /** Batches done in the current epoch. */
  batch: number;
  steps: number | null;
  epochs: number;
  /** Seconds since training began. */
  elapsed: number;
}

export interface RunSnapshot {
  format: "lamina-dashboard";
  formatVersion: 1;
  title: string;
  model: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Extra facts shown at the top of the page (dataset, backend, optimizer, ...). */
  info: Record<string, string>;
  summary: string | null;
  progress: Progress;
  /** Every `batchStride`-th batch point is kept, so long runs stay a few thousand points. */
  batchStride: number;
  batches: BatchPoint[];
  epochs: EpochPoint[];
  samples: SampleSet | null;
  /** Files of the run folder the page links to (filled in when a finished run is served). */
  files: string[];
}

export type RunEvent =
  | { type: "snapshot"; data: RunSnapshot }
  | { type: "batch"; data: { point: BatchPoint; progress: Progress } }
  | { type: "epoch"; data: { point: EpochPoint; progress: Progress } }
  | { type: "samples"; data: SampleSet }
  | { type: "status"; data: { status: RunStatus; finishedAt: string | null; progress: Progress } };

export type RunListener = (event: RunEvent) => void;

/** Above this many batch points, every other one is dropped and the stride doubles. */
export const MAX_BATCH_POINTS = 4000;

export interface RunStart {
  title: string;
  model: string;
  epochs: number;
  steps: number | null;
  summary: string | null;
  info?: Record<string, string>;
}

function finiteLogs(logs: Readonly<Record<string, number>>): MetricLogs {
  const out: MetricLogs = {};
  for (const [k, v] of Object.entries(logs)) if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

export class RunRecorder {
  private state: RunSnapshot;
  private readonly listeners = new Set<RunListener>();
  private startMs = Date.now();
  /** Batches seen in all, kept or not (decides which ones the stride keeps). */
  private batchCount = 0;
  /** Increases with every change; lets writers skip unchanged states. */
  revision = 0;

  constructor(start: RunStart = { title: "lamina run", model: "", epochs: 0, steps: null, summary: null }) {
    this.state = this.fresh(start);
  }

  private fresh(start: RunStart): RunSnapshot {
    return {
      format: "lamina-dashboard", formatVersion: 1,
      title: start.title, model: start.model, status: "running",
      startedAt: new Date().toISOString(), finishedAt: null,
      info: { ...(start.info ?? {}) }, summary: start.summary,
      progress: { epoch: 0, batch: 0, steps: start.steps, epochs: start.epochs, elapsed: 0 },
      batchStride: 1, batches: [], epochs: [], samples: null, files: [],
    };
  }

  /** Starts a new run: the old points are gone and listeners get the new snapshot. */
  begin(start: RunStart): void {
    this.state = this.fresh(start);
    this.startMs = Date.now();
    this.batchCount = 0;
    this.emit({ type: "snapshot", data: this.snapshot() });
  }

  on(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get status(): RunStatus {
    return this.state.status;
  }

  /** A deep copy of the whole state. */
  snapshot(): RunSnapshot {
    return structuredClone(this.state);
  }

  private progress(): Progress {
    this.state.progress.elapsed = (Date.now() - this.startMs) / 1000;
    return { ...this.state.progress };
  }

  epochBegin(epoch: number): void {
    this.state.progress.epoch = epoch;
    this.state.progress.batch = 0;
    this.revision++;
  }

  /** A training batch ended; `logs` are the running means of the epoch so far. */
  batchEnd(batch: number, logs: Readonly<Record<string, number>>): void {
    const p = this.state.progress;
    p.batch = batch + 1;
    const x = p.steps ? p.epoch + (batch + 1) / p.steps : this.batchCount + 1;
    const point: BatchPoint = { x, epoch: p.epoch, batch, logs: finiteLogs(logs) };
    const kept = this.batchCount % this.state.batchStride === 0;
    this.batchCount++;
    this.revision++;
    if (!kept) return;
    this.state.batches.push(point);
    if (this.state.batches.length > MAX_BATCH_POINTS) {
      this.state.batches = this.state.batches.filter((_, i) => i % 2 === 0);
      this.state.batchStride *= 2;
      this.emit({ type: "snapshot", data: this.snapshot() });
      return;
    }
    this.emit({ type: "batch", data: { point: structuredClone(point), progress: this.progress() } });
  }

  /** An epoch ended; `logs` hold its final training and validation values. */
  epochEnd(epoch: number, logs: Readonly<Record<string, number>>): void {
    const p = this.state.progress;
    // The step count is known for certain once an epoch is done (datasets do not say beforehand).
    if (p.steps === null && p.batch > 0) p.steps = p.batch;
    const point: EpochPoint = { epoch, logs: finiteLogs(logs) };
    this.state.epochs.push(point);
    p.epoch = epoch + 1;
    p.batch = 0;
    this.revision++;
    this.emit({ type: "epoch", data: { point: structuredClone(point), progress: this.progress() } });
  }

  setSamples(samples: SampleSet): void {
    this.state.samples = structuredClone(samples);
    this.revision++;
    this.emit({ type: "samples", data: structuredClone(samples) });
  }

  setInfo(key: string, value: string): void {
    this.state.info[key] = value;
    this.revision++;
  }

  finish(status: Exclude<RunStatus, "running">): void {
    this.state.status = status;
    this.state.finishedAt = new Date().toISOString();
    this.revision++;
    this.emit({ type: "status", data: { status, finishedAt: this.state.finishedAt, progress: this.progress() } });
  }

  private emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
}

/** Checks that parsed JSON is a dashboard snapshot (dashboard.json), naming what is wrong. */
export function parseSnapshot(text: string, where: string): RunSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const o = v as Partial<RunSnapshot> | null;
  if (typeof o !== "object" || o === null || o.format !== "lamina-dashboard") throw new Error(`${where}: not a lamina dashboard file (no "format": "lamina-dashboard")`);
  if (!Array.isArray(o.batches) || !Array.isArray(o.epochs) || typeof o.progress !== "object") {
    throw new Error(`${where}: a lamina dashboard file without batches, epochs or progress; it is damaged`);
  }
  return o as RunSnapshot;
}
