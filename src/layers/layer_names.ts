/** Layers' default names, unique per session as Keras makes them (dense, dense_1, ...), and clearSession. */
import { resetAutoNames } from "../nn/common.js";

// Keras uniquifies default names per base name for the whole session: dense, dense_1, dense_2...
const nameCounts = new Map<string, number>();

/** Keras' to_snake_case of a class name: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d. */
export function toSnakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

export function uniqueLayerName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * keras.backend.get_uid: 1, 2, 3... per prefix. Keras counts in the same table as layer names,
 * so getUid("dense") after one Dense was named returns 2; clearSession restarts it.
 */
export function getUid(prefix = ""): number {
  const n = (nameCounts.get(prefix) ?? 0) + 1;
  nameCounts.set(prefix, n);
  return n;
}

/** keras.backend.clear_session(): restarts automatic names (dense, conv2d, ..., auc) from scratch. */
export function clearSession(): void {
  nameCounts.clear();
  resetAutoNames();
}
