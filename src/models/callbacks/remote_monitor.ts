import { Callback, type Logs } from "./callback.js";
import { defaultWarn, type WarnFn } from "./output.js";
import { pyFloatRepr } from "./format.js";
import { valueText } from "../../tensor/value_text.js";
import { booleanOption } from "../../tensor/option_checks.js";
import { warnOption } from "./callback_options.js";

export interface RemoteMonitorOptions {
  /** The server's root URL (default "http://localhost:9000"). */
  root?: string;
  /** Appended to root (default "/publish/epoch/end/"). */
  path?: string;
  /** The form field holding the JSON of the logs when sendAsJson is false (default "data"). */
  field?: string;
  /** Extra HTTP headers of each request. */
  headers?: Readonly<Record<string, string>> | null;
  /** Post the logs as an application/json body instead of a form field (default false). */
  sendAsJson?: boolean;
  /** Receives the warning of a failed request (default: process.emitWarning, as Keras' warnings.warn). */
  warn?: WarnFn;
}

/** Python's json.dumps of a float: repr, with NaN/Infinity spelled as JavaScript spells them. */
function pyJsonNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return pyFloatRepr(x);
}

/** Python's json.dumps of a string (ensure_ascii: non-ASCII as \uXXXX). */
function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Python's urllib.parse.quote_plus (what requests uses for form bodies): UTF-8 bytes, unreserved kept, space as "+". */
function quotePlus(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Keras' `RemoteMonitor`: at the end of each epoch, POSTs `{"epoch": n, ...logs}` to `root + path`,
 * as the form field `field` holding the JSON (Keras' default) or, with `sendAsJson`, as a JSON body;
 * the bytes sent are those Keras' `requests.post` sends. Training waits for each response, as in
 * Keras; a request that cannot be made (server unreachable, or with sendAsJson a NaN/Infinity log,
 * which JSON cannot carry) warns "Could not reach RemoteMonitor root server at <root>" and training
 * goes on. The HTTP status of the answer is not checked, as Keras does not.
 */
export class RemoteMonitor extends Callback {
  readonly root: string;
  readonly path: string;
  readonly field: string;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly sendAsJson: boolean;
  private readonly warnFn: WarnFn;

  constructor(options: RemoteMonitorOptions = {}) {
    super();
    const w = "RemoteMonitor";
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new TypeError(`${w}: options must be an object such as { root: "http://localhost:9000" }, got ${valueText(options)}`);
    }
    const known = ["root", "path", "field", "headers", "sendAsJson", "warn"];
    const unknown = Object.keys(options).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new TypeError(`${w}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the options are ${known.join(", ")}`);
    this.root = options.root ?? "http://localhost:9000";
    this.path = options.path ?? "/publish/epoch/end/";
    this.field = options.field ?? "data";
    for (const [k, v] of [["root", this.root], ["path", this.path], ["field", this.field]] as const) {
      if (typeof v !== "string") throw new TypeError(`${w}: ${k} must be a string, got ${valueText(v)}`);
    }
    let url: URL;
    try {
      url = new URL(this.root + this.path);
    } catch {
      throw new TypeError(`${w}: root + path ${JSON.stringify(this.root + this.path)} is not a URL; root needs a scheme and host, e.g. "http://localhost:9000"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`${w}: root ${JSON.stringify(this.root)} must be an http:// or https:// URL`);
    const headers = options.headers ?? null;
    if (headers !== null && (typeof headers !== "object" || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== "string"))) {
      throw new TypeError(`${w}: headers must be an object of header names to string values, e.g. { Authorization: "Bearer ..." }, got ${valueText(headers)}`);
    }
    this.headers = headers;
    this.sendAsJson = booleanOption(w, "sendAsJson", options.sendAsJson, false);
    this.warnFn = warnOption(w, options.warn) ?? defaultWarn;
  }

  /** The body Keras' requests.post sends for these logs, and its content type (null when JSON cannot encode them). */
  private body(epoch: number, logs: Logs): { body: string; type: string } | null {
    const entries = [`"epoch": ${epoch}`];
    for (const [k, v] of Object.entries(logs)) {
      if (this.sendAsJson && !Number.isFinite(v)) return null; // requests' json= refuses NaN and Infinity
      entries.push(`${pyJsonString(k)}: ${pyJsonNumber(v)}`);
    }
    const json = `{${entries.join(", ")}}`;
    return this.sendAsJson
      ? { body: json, type: "application/json" }
      : { body: `${quotePlus(this.field)}=${quotePlus(json)}`, type: "application/x-www-form-urlencoded" };
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const made = this.body(epoch, logs ?? {});
    if (made !== null) {
      try {
        // Given headers replace the defaults, content type included, as requests merges them.
        const own = this.headers ?? {};
        const typeGiven = Object.keys(own).some((k) => k.toLowerCase() === "content-type");
        const res = await fetch(this.root + this.path, { method: "POST", body: made.body, headers: typeGiven ? own : { "Content-Type": made.type, ...own } });
        await res.body?.cancel(); // the answer is not used; release the connection
        return;
      } catch {
        // fall through to Keras' warning
      }
    }
    this.warnFn(`Could not reach RemoteMonitor root server at ${this.root}`);
  }
}
