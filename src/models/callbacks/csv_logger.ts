import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Callback, type Logs } from "./callback.js";
import { pathAndOptions } from "./path_options.js";
import { pyFloatRepr } from "./format.js";
import { valueText } from "../../tensor/value_text.js";
import { booleanOption } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

export interface CSVLoggerOptions {
  /** Field separator (default ","). */
  separator?: string;
  /** Append to an existing file instead of overwriting it (default false). */
  append?: boolean;
}

// Python's csv module (excel dialect) ends rows with \r\n, as Keras' files do.
const EOL = "\r\n";

/**
 * Streams the epoch logs to a CSV file: `epoch`, then the log keys in sorted order (with `val_`
 * columns added, as "NA", when the first epoch has no validation keys), numbers as Python prints
 * them. Each epoch's row is appended with one write; an appended file keeps its rows intact.
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly sep: string;
  readonly append: boolean;
  keys: string[] | null = null;
  private appendHeader = true;
  private headerWritten = false;

  /** CSVLogger("log.csv", { append: true }) or CSVLogger({ filename: "log.csv", append: true }) (Keras' keyword style). */
  constructor(first: string | URL | (CSVLoggerOptions & { filename: string | URL }), second?: CSVLoggerOptions) {
    super();
    const { path: filename, options } = pathAndOptions<CSVLoggerOptions>("CSVLogger", first, second, "filename");
    if (!(filename instanceof URL) && (typeof filename !== "string" || filename.length === 0)) {
      throw new TypeError(`CSVLogger: filename must be a non-empty file path, got ${valueText(filename)}; e.g. callbacks.CSVLogger("training.csv")`);
    }
    checkOptionKeys("CSVLogger", options, ["separator", "append"]);
    this.filename = filename instanceof URL ? decodeURIComponent(filename.pathname) : filename;
    const sep: unknown = options.separator ?? ",";
    if (typeof sep !== "string") throw new TypeError(`CSVLogger: separator must be a single character such as "," or "\\t", got ${valueText(sep)}`);
    this.sep = sep;
    this.append = booleanOption("CSVLogger", "append", options.append, false);
    if (this.sep.length !== 1) {
      throw new RangeError(`CSVLogger: separator must be a single character, got ${valueText(this.sep)}`);
    }
  }

  override onTrainBegin(logs: Logs): void {
    // As ModelCheckpoint and model.save do: a log under runs/today/ should not need a mkdir first.
    mkdirSync(dirname(this.filename), { recursive: true });
    if (this.append) {
      let existing = "";
      if (existsSync(this.filename)) existing = readFileSync(this.filename, "utf8");
      this.appendHeader = existing.length === 0;
      // A file whose last line lacks its line break would glue our first row onto it.
      if (existing.length > 0 && !existing.endsWith("\n")) appendFileSync(this.filename, EOL);
      else if (!existsSync(this.filename)) writeFileSync(this.filename, "");
    } else {
      this.appendHeader = true;
      writeFileSync(this.filename, "");
    }
    this.keys = null;
    this.headerWritten = false;
  }

  private field(text: string): string {
    if (text.includes(this.sep) || text.includes('"') || text.includes("\r") || text.includes("\n")) {
      return `"${text.replace(/"/g, '""')}"`;
    }
    return text;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const l = logs ?? {};
    if (this.keys === null) {
      const keys = Object.keys(l).sort();
      if (keys.length > 0 && !keys.some((k) => k.startsWith("val_"))) keys.push(...keys.map((k) => `val_${k}`));
      this.keys = keys;
    }
    let text = "";
    if (!this.headerWritten) {
      if (this.appendHeader) text += ["epoch", ...this.keys].map((k) => this.field(k)).join(this.sep) + EOL;
      this.headerWritten = true;
    }
    const row = [String(epoch), ...this.keys.map((k) => (k in l ? pyFloatRepr(l[k]) : "NA"))];
    text += row.map((v) => this.field(v)).join(this.sep) + EOL;
    appendFileSync(this.filename, text);
  }
}
