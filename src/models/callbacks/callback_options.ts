/**
 * The option checks the callbacks share beyond src/tensor/option_checks.ts: verbosity and the
 * output hooks every printing callback takes.
 */
import { valueText } from "../../tensor/value_text.js";
import type { ProgressWriter, WarnFn } from "./output.js";

/**
 * Keras' verbose: 0 is silent, 1 (or more) prints. A boolean is taken as Python takes True and
 * False (as 1 and 0); a string such as "1", a fraction or a negative number is refused.
 */
export function verboseOption(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where}: verbose must be 0 (silent) or 1 (print messages), got ${valueText(value)}`);
  }
  return value;
}

/** A writer given to one callback: something with write(s). */
export function writerOption(where: string, value: unknown): ProgressWriter | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || typeof (value as { write?: unknown }).write !== "function") {
    throw new TypeError(`${where}: writer must be an object with a write(text) method, such as process.stdout, got ${valueText(value)}`);
  }
  return value as ProgressWriter;
}

/** A warning hook: a function of the message. */
export function warnOption(where: string, value: unknown): WarnFn | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new TypeError(`${where}: warn must be a function (message) => void, got ${valueText(value)}`);
  return value as WarnFn;
}
