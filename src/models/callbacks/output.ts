/**
 * Where callbacks print: a writer with `write(s)` and an `isTTY` flag, process.stdout by default.
 * Tests and applications may swap it (setOutputWriter) or hand one to a single callback.
 */

export interface ProgressWriter {
  write(s: string): void;
  /** A terminal that honours `\r` and ANSI colours; decides between the live bar and one line per epoch. */
  readonly isTTY?: boolean;
}

/** Seconds, as Python's time.time(); injectable so progress output can be tested. */
export type Clock = () => number;

/** Receives the warnings Keras emits through Python's `warnings.warn`. */
export type WarnFn = (message: string) => void;

const stdoutWriter: ProgressWriter = {
  write(s: string): void {
    process.stdout.write(s);
  },
  get isTTY(): boolean {
    return Boolean(process.stdout.isTTY);
  },
};

let currentWriter: ProgressWriter | null = null;

/** Sends all callback output (progress bars, messages) to `writer`; null restores process.stdout. */
export function setOutputWriter(writer: ProgressWriter | null): void {
  currentWriter = writer;
}

/** The writer of interactive output, or, while interactive logging is off, one that feeds the log sink (not a terminal). */
export function getOutputWriter(): ProgressWriter {
  if (!interactiveLogging) return logWriter;
  return currentWriter ?? stdoutWriter;
}

/**
 * Receives one message while interactive logging is off, where Keras calls absl's logging.info.
 * The message is passed as Keras passes it (a progress line keeps its own trailing newline).
 */
export type LogSink = (message: string) => void;

// absl has no Node counterpart: a log record goes to stderr, one message per line, so stdout stays the program's own.
const stderrSink: LogSink = (message: string) => {
  process.stderr.write(message.endsWith("\n") ? message : message + "\n");
};

let currentSink: LogSink | null = null;

/** Where messages go while interactive logging is off; null restores the default (process.stderr). */
export function setLogSink(sink: LogSink | null): void {
  currentSink = sink;
}

const logWriter: ProgressWriter = {
  write(s: string): void {
    (currentSink ?? stderrSink)(s);
  },
  isTTY: false,
};

let interactiveLogging = true;

/** keras.config.enable_interactive_logging: progress bars, callback messages and summaries are printed (the default). */
export function enableInteractiveLogging(): void {
  interactiveLogging = true;
}

/**
 * keras.config.disable_interactive_logging: what Keras would print goes to the log sink instead
 * (setLogSink; process.stderr by default), one message per record, and progress bars write one
 * line per epoch rather than redrawing, as on any output that is not a terminal.
 */
export function disableInteractiveLogging(): void {
  interactiveLogging = false;
}

/** keras.config.is_interactive_logging_enabled. */
export function isInteractiveLoggingEnabled(): boolean {
  return interactiveLogging;
}

/**
 * Keras' io_utils.print_msg: the message, then a newline unless lineBreak is false; while
 * interactive logging is off, the message alone goes to the log sink, as Keras' logging.info.
 */
export function printMsg(message: string, lineBreak = true, writer: ProgressWriter = getOutputWriter()): void {
  if (!interactiveLogging) {
    (currentSink ?? stderrSink)(message);
    return;
  }
  writer.write(lineBreak ? message + "\n" : message);
}

/** Wall-clock seconds with sub-millisecond resolution. */
export const systemClock: Clock = () => (performance.timeOrigin + performance.now()) / 1000;

export const defaultWarn: WarnFn = (message: string) => {
  process.emitWarning(message, "UserWarning");
};
