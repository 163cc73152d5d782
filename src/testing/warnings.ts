/** Captures the process warnings emitted while `f` runs. */
export async function warningsDuring(f: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error): void => { seen.push(w.message); };
  process.on("warning", onWarning);
  try {
    await f();
    await new Promise((r) => setImmediate(r)); // warnings are delivered on the next tick
  } finally {
    process.off("warning", onWarning);
  }
  return seen;
}

/** Captures what `console.warn` prints while `f` runs (lamina's Keras-style warnings go there). */
export async function consoleWarningsDuring(f: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
  try {
    await f();
  } finally {
    console.warn = original;
  }
  return seen;
}
