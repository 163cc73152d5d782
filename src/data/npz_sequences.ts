/**
 * `.npz` archives whose arrays may be numpy object arrays of integer lists (pickled), as Keras'
 * imdb.npz and reuters.npz hold their word-index sequences; numeric arrays read as tensors.
 */
import type { Tensor } from "../tensor/tensor.js";
import { npyHeader, npzEntries, readNpy } from "./npy.js";
import { PickledArray, integersOf, readPickle } from "./pickle.js";

/** One array of the archive: a tensor, or (object arrays) the list of integer sequences. */
export type NpzArray = Tensor | number[][];

/** Reads one `.npy` object array of integer sequences (1-D, items lists or integer arrays). */
export function readNpySequences(bytes: Uint8Array, name: string): number[][] {
  const header = npyHeader(bytes, name);
  if (header.descr !== "|O") throw new Error(`readNpySequences: ${name} has dtype ${header.descr}, not an object array ('|O')`);
  const where = `readNpySequences: ${name}`;
  const arr = readPickle(bytes.subarray(header.offset), where);
  if (!(arr instanceof PickledArray) || arr.items === null) throw new Error(`${where}: the pickle does not hold a numpy object array`);
  if (arr.shape.length !== 1) throw new Error(`${where}: the object array has shape [${arr.shape.join(", ")}]; a 1-D array of sequences is expected`);
  return arr.items.map((item, i) => integersOf(item, `${where}: item ${i}`));
}

/** Reads a `.npz` archive: numeric arrays as tensors, object arrays as number[][]. */
export function readNpzSequences(source: string | Uint8Array): Record<string, NpzArray> {
  const name = typeof source === "string" ? source : "the .npz bytes";
  const out: Record<string, NpzArray> = {};
  for (const [key, data] of Object.entries(npzEntries(source, "readNpzSequences"))) {
    const entry = `${name}:${key}.npy`;
    out[key] = npyHeader(data, entry).descr === "|O" ? readNpySequences(data, entry) : readNpy(data, entry);
  }
  return out;
}
