/**
 * What the keras.io port tests share: run a port with QUICK=1 in a child process, its files into
 * a temporary folder (LAMINA_OUT), and read numbers back from what it printed.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runQuickExample } from "../../../test/support/run-quick-example.js";

export interface QuickRun {
  /** stdout of the run. */
  text: string;
  /** Whether the port wrote `file` into its output folder. */
  wrote(file: string): boolean;
}

/**
 * Runs examples/keras-io/<name>.ts with QUICK=1 and hands its output to `check`; the output folder
 * is removed afterwards. `ms` is the time limit on the native backend (exampleTimeout scales it).
 */
export function withQuickRun(name: string, check: (run: QuickRun) => void, ms = 60_000): void {
  const out = mkdtempSync(join(tmpdir(), `lamina-kio-${name}-`));
  try {
    const text = runQuickExample(`examples/keras-io/${name}.ts`, ms, { LAMINA_OUT: out });
    check({ text, wrote: (file) => existsSync(join(out, file)) });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The space-separated numbers that `re`'s first group captures in `text`. */
export function numbersIn(text: string, re: RegExp): number[] {
  const m = re.exec(text);
  assert.ok(m, `${re} not found in:\n${text}`);
  return m[1].trim().split(" ").map(Number);
}

/** The numbers printed on the line `<label>: 1.0 2.0 ...`. */
export function numbersAfter(text: string, label: string): number[] {
  return numbersIn(text, new RegExp(`^${label}: ([\\d. ]+)$`, "m"));
}
