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
