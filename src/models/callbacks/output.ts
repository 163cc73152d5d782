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

export function getOutputWriter(): ProgressWriter {
  return currentWriter ?? stdoutWriter;
}

/** Keras' io_utils.print_msg: the message, then a newline unless lineBreak is false. */
export function printMsg(message: string, lineBreak = true, writer: ProgressWriter = getOutputWriter()): void {
  writer.write(lineBreak ? message + "\n" : message);
}

/** Wall-clock seconds with sub-millisecond resolution. */
export const systemClock: Clock = () => (performance.timeOrigin + performance.now()) / 1000;

export const defaultWarn: WarnFn = (message: string) => {
  process.emitWarning(message, "UserWarning");
};
