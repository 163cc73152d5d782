/**
 * callbacks.Dashboard: a live page of the training run on http://127.0.0.1:<port>/ while `fit`
 * runs (curves per batch and per epoch, progress, the model summary, sample predictions), and
 * the run's state in `runDir/dashboard.json` so `lamina dashboard <runs dir>` shows it afterwards.
 *
 * Training runs on the main thread, so the server answers between batches: the callback hands
 * control to Node's event loop after every batch (setImmediate), which costs microseconds.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Tensor } from "../../tensor/tensor.js";
import { slice } from "../../ops/shape.js";
import { getBackend } from "../../backend/registry.js";
import { classIndices } from "../../plot/images.js";
import { RunRecorder, type SamplePrediction } from "../../dashboard/run-state.js";
import { checkHost, checkPort, liveHandler, serve, type RunningServer } from "../../dashboard/server.js";
import { imageDataUrls } from "../../dashboard/thumbnails.js";
import { SNAPSHOT_FILE } from "../../dashboard/runs.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";
import { printMsg } from "./output.js";
import { valueText } from "../../tensor/value_text.js";
import { booleanOption, optionsObject, stringOption } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

/** Inputs whose predictions the page shows after every epoch. */
export interface DashboardSamples {
  /** Model inputs (the first `count` rows are used). */
  x: Tensor;
  /** True class indices ([n], [n, 1]) or one-hot labels. */
  y?: Tensor;
  /** What to draw for each sample (default: x), e.g. the raw uint8 images when x is flattened. */
  images?: Tensor;
  classNames?: readonly string[];
  /** How many samples (default 10). */
  count?: number;
}

export interface DashboardOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Only "127.0.0.1". */
  host?: string;
  /** Folder that receives dashboard.json (created if needed), for `lamina dashboard`. */
  runDir?: string;
  /** Open the page in the default browser once the server is up (default false). */
  open?: boolean;
  /** Keep serving after fit ends (default false: the server stops at the end of fit). */
  keepAlive?: boolean;
  /** Page title (default: the model's name). */
  title?: string;
  samples?: DashboardSamples;
  /** Extra facts shown at the top of the page, e.g. { dataset: "fashion_mnist" }. */
  info?: Readonly<Record<string, string>>;
  /** Print the URL when the server starts (default true). */
  printUrl?: boolean;
}

/** What the dashboard uses of a model beyond the callback interface, when the model has it. */
interface DashboardModel extends CallbackModel {
  summary?(printFn: (line: string) => void): string;
  predict?(x: Tensor): Tensor | Tensor[];
  countParams?(): number;
}

const WRITE_EVERY_MS = 2000;

function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true });
    child.on("error", () => printMsg(`Dashboard: could not open a browser (${cmd}); open ${url} yourself`));
    child.unref();
  } catch {
    printMsg(`Dashboard: could not open a browser; open ${url} yourself`);
  }
}

export class Dashboard extends Callback {
  readonly port: number;
  readonly host: string;
  readonly runDir: string | null;
  readonly open: boolean;
  keepAlive: boolean;
  readonly recorder = new RunRecorder();
  private readonly options: DashboardOptions;
  private server: RunningServer | null = null;
  private urlPrinted = false;
  private lastWrite = 0;
  private writtenRevision = -1;
  private sampleImages: (string | null)[] = [];
  private sampleLabels: (number | null)[] = [];
  private sampleInputs: Tensor | null = null;

  constructor(given: DashboardOptions = {}) {
    super();
    const options = optionsObject("callbacks.Dashboard", given, "{ port: 0, open: true }");
    checkOptionKeys("callbacks.Dashboard", options, ["port", "host", "runDir", "open", "keepAlive", "title", "samples", "info", "printUrl"]);
    this.options = options;
    this.port = checkPort(options.port, "callbacks.Dashboard");
    this.host = checkHost(options.host, "callbacks.Dashboard");
    const where = "callbacks.Dashboard";
    this.runDir = options.runDir === undefined || options.runDir === null ? null : stringOption(where, "runDir", options.runDir, "");
    this.open = booleanOption(where, "open", options.open, false);
    this.keepAlive = booleanOption(where, "keepAlive", options.keepAlive, false);
    booleanOption(where, "printUrl", options.printUrl, true);
    if (options.title !== undefined) stringOption(where, "title", options.title, "");
    const info: unknown = options.info;
    if (info !== undefined && (typeof info !== "object" || info === null || Array.isArray(info) || Object.values(info).some((v) => typeof v !== "string"))) {
      throw new TypeError(`${where}: info must be an object of strings, e.g. { dataset: "fashion_mnist" }, got ${valueText(info)}`);
    }
    const s = options.samples;
    if (s !== undefined) {
      if (s.x === undefined || s.x === null || typeof s.x !== "object" || !Array.isArray(s.x.shape) || s.x.rank < 1) {
        throw new TypeError("callbacks.Dashboard: samples.x must be a tensor of model inputs");
      }
      const count = Math.min(s.count ?? 10, s.x.shape[0]);
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`callbacks.Dashboard: samples.count must be a positive integer, got ${valueText(s.count)}`);
      this.sampleInputs = slice(s.x, [0, ...s.x.shape.slice(1).map(() => 0)], [count, ...s.x.shape.slice(1).map(() => -1)]);
      const urls = imageDataUrls(s.images ?? s.x, count);
      this.sampleImages = urls ?? new Array<null>(count).fill(null);
      this.sampleLabels = s.y ? classIndices(s.y, "callbacks.Dashboard", "samples.y").slice(0, count) : new Array<null>(count).fill(null);
    }
  }

  /** The page's address once the server is listening, else null. */
  get url(): string | null {
    return this.server && !this.server.closed ? this.server.url : null;
  }

  private get dashboardModel(): DashboardModel {
    return this.model as DashboardModel;
  }

  override async onTrainBegin(_logs: Logs): Promise<void> {
    const model = this.dashboardModel;
    let summary: string | null = null;
    try {
      summary = typeof model.summary === "function" ? model.summary(() => {}) : null;
    } catch {
      summary = null; // an unbuilt subclassed model has no summary yet
    }
    const info: Record<string, string> = { backend: getBackend() };
    if (typeof model.countParams === "function") info.parameters = model.countParams().toLocaleString("en-US");
    Object.assign(info, this.options.info ?? {});
    this.recorder.begin({
      title: this.options.title ?? model.name, model: model.name,
      epochs: this.params.epochs, steps: this.params.steps, summary, info,
    });
    if (this.server === null || this.server.closed) {
      this.server = await serve(liveHandler(this.recorder, () => this.recorder.snapshot().title), { port: this.port, host: this.host, keepProcessAlive: false }, "callbacks.Dashboard");
      if (!this.urlPrinted && (this.options.printUrl ?? true)) printMsg(`Dashboard: ${this.server.url}`);
      this.urlPrinted = true;
      if (this.open) openInBrowser(this.server.url);
    } else {
      // A second fit with a kept server: training holds the process again.
      this.server.keepProcessAlive(false);
    }
    this.writeState(true);
  }

  override onEpochBegin(epoch: number, _logs: Logs): void {
    this.recorder.epochBegin(epoch);
  }

  override async onTrainBatchEnd(batch: number, logs: Logs): Promise<void> {
    this.recorder.batchEnd(batch, logs);
    this.writeState(false);
    await yieldToEventLoop();
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.recorder.epochEnd(epoch, logs);
    this.predictSamples(epoch);
    this.writeState(true);
    await yieldToEventLoop();
  }

  override async onTrainEnd(_logs: Logs): Promise<void> {
    this.recorder.finish("finished");
    this.writeState(true);
    await yieldToEventLoop();
    if (this.server === null) return;
    if (this.keepAlive) {
      this.server.keepProcessAlive(true);
      printMsg(`Dashboard: training finished; still serving ${this.server.url} (keepAlive; stop with Ctrl-C or dashboard.close())`);
    } else {
      await this.close();
    }
  }

  /** fit failed: the page and dashboard.json show the run as interrupted, and the server stops. */
  override async onTrainError(_error: unknown): Promise<void> {
    if (this.recorder.status !== "running") return;
    this.recorder.finish("interrupted");
    this.writeState(true);
    await yieldToEventLoop();
    await this.close();
  }

  /** Stops the server (the page keeps what it shows). */
  async close(): Promise<void> {
    const server = this.server;
    if (server !== null) await server.close();
  }

  private predictSamples(epoch: number): void {
    const model = this.dashboardModel;
    if (this.sampleInputs === null || typeof model.predict !== "function") return;
    const out = model.predict(this.sampleInputs);
    const probs = Array.isArray(out) ? out[0] : out;
    if (probs.rank !== 2 || probs.shape[1] < 2) return; // not a classifier: nothing to label
    const k = probs.shape[1];
    const v = probs.dataSync();
    const items: SamplePrediction[] = this.sampleImages.map((image, i) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (Number(v[i * k + j]) > Number(v[i * k + best])) best = j;
      return { image, label: this.sampleLabels[i] ?? null, predicted: best, score: Number(v[i * k + best]) };
    });
    this.recorder.setSamples({ classNames: this.options.samples?.classNames ? [...this.options.samples.classNames] : null, epoch, items });
  }

  /** Writes dashboard.json atomically: always when `now`, else at most every two seconds. */
  private writeState(now: boolean): void {
    if (this.runDir === null || this.recorder.revision === this.writtenRevision) return;
    if (!now && Date.now() - this.lastWrite < WRITE_EVERY_MS) return;
    mkdirSync(this.runDir, { recursive: true });
    const path = join(this.runDir, SNAPSHOT_FILE);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.recorder.snapshot()));
    renameSync(tmp, path);
    this.lastWrite = Date.now();
    this.writtenRevision = this.recorder.revision;
  }
}

/** Lets pending I/O (page requests, event streams) run between training steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
