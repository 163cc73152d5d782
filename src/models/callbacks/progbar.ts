/**
 * Keras 3's progress output: `Progbar` (keras.utils.Progbar) and the `ProgbarLogger` callback
 * that `fit`, `evaluate` and `predict` drive.
 *
 * verbose 1 on a terminal: a live bar rewritten in place (backspaces then `\r`), bold step count,
 * green done / white remaining `━` segments, an ETA while running, the elapsed seconds when done,
 * the time per step (s, ms or us) and the metrics:
 *   `188/188 ━━━━━━━━━━━━━━━━━━━━ 16s 66ms/step - accuracy: 0.5891 - loss: 1.3718`
 * verbose 2 (and ProgbarLogger's verbose 1 when the output is not a terminal): one plain line when
 * done: `188/188 - 16s - 66ms/step - accuracy: 0.5891 - loss: 1.3718`. verbose 0: nothing.
 */
import { Callback, type CallbackParams, type Logs, type PredictBatchLogs } from "./callback.js";
import { formatExponential, formatFixed, pyDivmod, pyIntText } from "./format.js";
import { type Clock, type ProgressWriter, getOutputWriter, isInteractiveLoggingEnabled, printMsg, systemClock } from "./output.js";
import { writerOption } from "./callback_options.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";
import { optionsObject } from "../../tensor/option_checks.js";
import { valueText } from "../../tensor/value_text.js";

/** `[name, value]` pairs in display order, or a logs object (its key order is the display order). */
export type ProgbarValues = ReadonlyArray<readonly [string, number]> | Logs;

export interface ProgbarOptions {
  /** Bar width in characters (default 20). */
  width?: number;
  /** 0 silent, 1 live bar, 2 one line when done (default 1). */
  verbose?: 0 | 1 | 2;
  /** Minimum seconds between two redraws of the live bar (default 0.05). */
  interval?: number;
  /** Names shown as given; all others are averaged over the steps. Not with statelessMetrics. */
  statefulMetrics?: Iterable<string>;
  /** Names averaged over the steps; all others shown as given. Not with statefulMetrics. */
  statelessMetrics?: Iterable<string>;
  /** Unit of the time per unit (default "step"). */
  unitName?: string;
  /** Output (default: the callbacks' output writer, process.stdout unless changed). */
  writer?: ProgressWriter;
  /** Rewrite the line in place (backspaces and `\r`); otherwise each redraw starts a new line. Default, as Keras: true on a terminal and on every non-Windows system. */
  dynamicDisplay?: boolean;
  /** Clock in seconds (default: wall clock). */
  now?: Clock;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const BOLD = "\x1b[1m";
const GREEN = "\x1b[32m";
const WHITE = "\x1b[37m";
const RESET = "\x1b[0m";
const BAR_CHAR = "\u2501"; // ━

function visibleLength(s: string): number {
  let n = 0;
  for (const _ of s.replace(ANSI, "")) n++;
  return n;
}

function valueEntries(values: ProgbarValues | null | undefined): Array<readonly [string, number]> {
  if (!values) return [];
  if (Array.isArray(values)) return values as Array<readonly [string, number]>;
  return Object.entries(values as Logs);
}

/** Keras takes the mean through its backend (backend.numpy.mean), which makes it a float32 before printing. */
function shownAverage(sum: number, count: number): number {
  return Math.fround(sum / Math.max(1, count));
}

/** Keras' time-per-unit text: ` 3s/step`, ` 66ms/step` or ` 512us/step`. */
export function formatTimePerUnit(timePerUnit: number, unitName: string): string {
  if (timePerUnit >= 1 || timePerUnit === 0) return ` ${formatFixed(timePerUnit, 0)}s/${unitName}`;
  if (timePerUnit >= 1e-3) return ` ${formatFixed(timePerUnit * 1000, 0)}ms/${unitName}`;
  return ` ${formatFixed(timePerUnit * 1000000, 0)}us/${unitName}`;
}

function formatEta(eta: number): string {
  const two = (x: number) => pyIntText(x).padStart(2, "0");
  if (eta > 3600) {
    const [hours, rest] = pyDivmod(eta, 3600);
    return `${pyIntText(hours)}:${two(pyDivmod(rest, 60)[0])}:${two(pyDivmod(eta, 60)[1])}`;
  }
  if (eta > 60) {
    const [minutes, seconds] = pyDivmod(eta, 60);
    return `${pyIntText(minutes)}:${two(seconds)}`;
  }
  return `${pyIntText(eta)}s`;
}

/** Displays a progress bar, as keras.utils.Progbar. */
export class Progbar {
  target: number | null;
  readonly width: number;
  readonly verbose: 0 | 1 | 2;
  readonly interval: number;
  readonly unitName: string;
  private readonly statefulMetrics: Set<string> | null;
  private readonly statelessMetrics: Set<string> | null;
  private readonly writer: ProgressWriter;
  private readonly dynamicDisplay: boolean;
  private readonly now: Clock;
  /** name -> [sum of value * steps, steps], in first-seen order. */
  private readonly values = new Map<string, [number, number]>();
  private seenSoFar = 0;
  private readonly start: number;
  private lastUpdate = -Infinity;
  private timeAfterFirstStep: number | null = null;
  private prevTotalWidth = 0;

  constructor(target: number | null, options: ProgbarOptions = {}) {
    if (options.statefulMetrics !== undefined && options.statelessMetrics !== undefined) {
      throw new Error(
        "Progbar: pass only one of statefulMetrics (averaged by default, with exceptions shown as given) " +
          "and statelessMetrics (shown as given by default, with exceptions averaged)",
      );
    }
    this.target = target;
    this.width = options.width ?? 20;
    this.verbose = options.verbose ?? 1;
    this.interval = options.interval ?? 0.05;
    this.unitName = options.unitName ?? "step";
    if (options.statelessMetrics !== undefined) {
      this.statefulMetrics = null;
      this.statelessMetrics = new Set(options.statelessMetrics);
    } else {
      this.statefulMetrics = new Set(options.statefulMetrics ?? []);
      this.statelessMetrics = null;
    }
    this.writer = options.writer ?? getOutputWriter();
    // Keras rewrites in place on a terminal and wherever Python has its posix module (every non-Windows system);
    // a log record cannot be rewritten, so with interactive logging off each update is a line of its own.
    this.dynamicDisplay = options.dynamicDisplay ?? (isInteractiveLoggingEnabled() && (Boolean(this.writer.isTTY) || process.platform !== "win32"));
    this.now = options.now ?? systemClock;
    this.start = this.now();
  }

  /**
   * Updates the bar to step `current` (1-based count of steps done). Values are averaged over the
   * steps unless stateful (see the options). `finalize` defaults to `current >= target`.
   */
  update(current: number, values?: ProgbarValues | null, finalize?: boolean): void {
    const last = finalize ?? (this.target === null ? false : current >= this.target);

    for (const [key, value] of valueEntries(values)) {
      const averaged =
        this.statefulMetrics !== null ? !this.statefulMetrics.has(key) : this.statelessMetrics!.has(key);
      const entry = this.values.get(key);
      if (!averaged) {
        // Keras shows stateful values as given (a final update, too, joins the running average of the others).
        this.values.set(key, [value, 1]);
      } else {
        const steps = Math.max(current - this.seenSoFar, 1);
        if (entry === undefined) this.values.set(key, [value * steps, steps]);
        else {
          entry[0] += value * steps;
          entry[1] += steps;
        }
      }
    }
    this.seenSoFar = current;

    const now = this.now();
    const timePerUnit = this.estimateStepDuration(current, now);
    const known = this.target !== null && this.target > 0;

    if (this.verbose === 1) {
      if (now - this.lastUpdate < this.interval && !last) return;

      let message = this.dynamicDisplay ? "\b".repeat(this.prevTotalWidth) + "\r" : "\n";
      let bar: string;
      if (known) {
        const target = this.target as number;
        bar = `${BOLD}${this.countText(current, target)}${RESET} `;
        const done = Math.trunc(this.width * (current / target));
        if (done > 0) bar += `${GREEN}${BAR_CHAR.repeat(done)}${RESET}`;
        bar += `${WHITE}${BAR_CHAR.repeat(Math.max(0, this.width - done))}${RESET}`;
      } else {
        bar = `${pyIntText(current).padStart(7)}/Unknown`;
      }

      let info: string;
      if (known && !last) {
        info = ` ${BOLD}${formatEta(timePerUnit * ((this.target as number) - current))}${RESET}`;
      } else {
        info = ` ${BOLD}${formatFixed(now - this.start, 0)}s${RESET}`;
      }
      info += formatTimePerUnit(timePerUnit, this.unitName);
      for (const [key, [sum, count]] of this.values) {
        const avg = shownAverage(sum, count);
        info += ` - ${key}: ${Math.abs(avg) > 1e-3 ? formatFixed(avg, 4) : formatExponential(avg, 4)}`;
      }

      message += bar + info;
      const totalWidth = visibleLength(bar + info);
      if (this.prevTotalWidth > totalWidth) message += " ".repeat(this.prevTotalWidth - totalWidth);
      if (last) message += "\n";
      printMsg(message, false, this.writer);
      this.prevTotalWidth = totalWidth;
    } else if (this.verbose === 2) {
      if (last && known) {
        let info = `${this.countText(current, this.target as number)} - ${formatFixed(now - this.start, 0)}s`;
        info += ` -${formatTimePerUnit(timePerUnit, this.unitName)}`;
        for (const [key, [sum, count]] of this.values) {
          const avg = shownAverage(sum, count);
          // Keras' verbose-2 line tests `avg > 1e-3` (not the absolute value).
          info += ` - ${key}: ${avg > 1e-3 ? formatFixed(avg, 4) : formatExponential(avg, 4)}`;
        }
        printMsg(info + "\n", false, this.writer);
      }
    }
    this.lastUpdate = now;
  }

  /** Advances the bar by `n` steps. */
  add(n: number, values?: ProgbarValues | null): void {
    this.update(this.seenSoFar + n, values);
  }

  private countText(current: number, target: number): string {
    const digits = target >= 1 ? pyIntText(target).length : 1;
    return `${pyIntText(current).padStart(digits)}/${pyIntText(target)}`;
  }

  /**
   * Seconds per step. The first step (often slow: warm-up) is left out once later steps exist:
   * (now - time after step 1) / (current - 1).
   */
  private estimateStepDuration(current: number, now: number): number {
    if (!current) return 0;
    const perUnit =
      this.timeAfterFirstStep !== null && current > 1
        ? (now - this.timeAfterFirstStep) / (current - 1)
        : (now - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = now;
    return perUnit;
  }
}

export interface ProgbarLoggerOptions {
  /** Output (default: the callbacks' output writer, process.stdout unless changed). */
  writer?: ProgressWriter;
  /** Clock in seconds (default: wall clock). */
  now?: Clock;
}

/**
 * Prints `Epoch i/n` and the progress bar during fit (validation stays silent), evaluate and
 * predict. With verbose 1 on a terminal the bar is live; when the output is not a terminal, or with
 * verbose 2, one line is printed at the end of each epoch.
 */
export class ProgbarLogger extends Callback {
  seen = 0;
  progbar: Progbar | null = null;
  target: number | null = null;
  verbose: 0 | 1 | 2 = 1;
  epochs = 1;
  private calledInFit = false;
  private readonly writer: ProgressWriter | undefined;
  private readonly clock: Clock | undefined;

  constructor(given: ProgbarLoggerOptions = {}) {
    super();
    const options = optionsObject("ProgbarLogger", given, "{ writer: process.stdout }");
    checkOptionKeys("ProgbarLogger", options, ["writer", "now"]);
    if (options.now !== undefined && typeof options.now !== "function") {
      throw new TypeError(`ProgbarLogger: now must be a clock function () => seconds, got ${valueText(options.now)}`);
    }
    this.writer = writerOption("ProgbarLogger", options.writer);
    this.clock = options.now;
  }

  override setParams(params: CallbackParams): void {
    super.setParams(params);
    // Keras' ProgbarLogger.set_params: `if verbose == "auto": verbose = 1`.
    this.verbose = params.verbose === "auto" ? 1 : params.verbose;
    this.epochs = params.epochs;
    this.target = params.steps;
  }

  private output(): ProgressWriter {
    return this.writer ?? getOutputWriter();
  }

  /** verbose 1 becomes one line per epoch when the output is not a terminal. */
  private effectiveVerbose(): 0 | 1 | 2 {
    return this.verbose === 1 && !this.output().isTTY ? 2 : this.verbose;
  }

  override onTrainBegin(logs: Logs): void {
    this.calledInFit = true;
  }

  override onTestBegin(logs: Logs): void {
    if (!this.calledInFit) {
      this.resetProgbar();
      this.maybeInitProgbar();
    }
  }

  override onPredictBegin(logs: Logs): void {
    this.resetProgbar();
    this.maybeInitProgbar();
  }

  override onEpochBegin(epoch: number, logs: Logs): void {
    this.resetProgbar();
    this.maybeInitProgbar();
    if (this.verbose && this.epochs > 1) printMsg(`Epoch ${epoch + 1}/${this.epochs}`, true, this.output());
  }

  override onTrainBatchEnd(batch: number, logs: Logs): void {
    this.updateProgbar(batch, logs);
  }

  override onTestBatchEnd(batch: number, logs: Logs): void {
    if (!this.calledInFit) this.updateProgbar(batch, logs);
  }

  override onPredictBatchEnd(batch: number, logs: PredictBatchLogs): void {
    // Prediction outputs are not shown.
    this.updateProgbar(batch, null);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.finalizeProgbar(logs);
  }

  override onTestEnd(logs: Logs): void {
    if (!this.calledInFit) this.finalizeProgbar(logs);
  }

  override onPredictEnd(logs: Logs): void {
    this.finalizeProgbar(logs);
  }

  private resetProgbar(): void {
    this.seen = 0;
    this.progbar = null;
  }

  private maybeInitProgbar(): Progbar {
    if (this.progbar === null) {
      const writer = this.output();
      this.progbar = new Progbar(this.target, {
        verbose: this.effectiveVerbose(),
        unitName: "step",
        statelessMetrics: [],
        writer,
        dynamicDisplay: Boolean(writer.isTTY),
        now: this.clock,
      });
    }
    return this.progbar;
  }

  private updateProgbar(batch: number, logs: Logs | null): void {
    const progbar = this.maybeInitProgbar();
    this.seen = batch + 1;
    if (progbar.verbose === 1) progbar.update(this.seen, logs, false);
  }

  private finalizeProgbar(logs: Logs | null): void {
    const progbar = this.maybeInitProgbar();
    if (this.target === null) {
      this.target = this.seen;
      progbar.target = this.target;
    }
    progbar.update(this.target, logs, true);
  }
}
