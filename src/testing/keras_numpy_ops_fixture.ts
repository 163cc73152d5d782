import { readFileSync } from "node:fs";

/** test/fixtures/keras_numpy_ops.json (make_keras_numpy_ops.py), non-finite strings read back as numbers. */
export function kerasNumpyOps(): Record<string, unknown> {
  const text = readFileSync(new URL("../../test/fixtures/keras_numpy_ops.json", import.meta.url), "utf8");
  return JSON.parse(text, (_key, v: unknown) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v === "NaN" ? NaN : v)) as Record<string, unknown>;
}
