/**
 * The shapes a recurrent cell declares (Keras' state_size and output_size, whose entries may be
 * shapes rather than sizes, as the guide's NestedCell's [unit_2, unit_3] state) read into plain
 * per-sample shapes, checked once so the RNN layer's loop, its symbolic shapes and its errors all
 * use the same reading.
 */
import { valueText } from "../tensor/value_text.js";
import type { LayerShape } from "./symbolic.js";
import { layerShapeText } from "./symbolic.js";

/** One state's or output's size per sample: a number (a vector of that size) or a shape such as [20, 30]. */
export type CellSize = number | readonly number[];

/** What a cell's declarations say, per sample (no batch axis). */
export interface CellStructure {
  /** One shape per state tensor. */
  readonly states: readonly number[][];
  /** One shape per output tensor. */
  readonly outputs: readonly number[][];
  /** Whether the cell returns a list of outputs (outputSize lists more than one entry). */
  readonly nestedOutput: boolean;
  /** Whether every state and the one output are vectors ([batch, size]): the RNN's fast path. */
  readonly flat: boolean;
}

function sizeShape(size: unknown, what: string, where: string): number[] {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n > 0;
  if (ok(size)) return [size];
  if (Array.isArray(size) && size.length > 0 && size.every(ok)) return [...(size as number[])];
  throw new RangeError(
    `${where}: ${what} must be a positive integer or a shape of them (e.g. 8, or [20, 30] for a [batch, 20, 30] tensor), got ${valueText(size)}`,
  );
}

/**
 * Reads `stateSize` (one entry per state: a size or a shape) and `outputSize` (a size, or a list
 * with one entry per output, each a size or a shape; a list of one entry is one output, as Keras
 * flattens it). A list of numbers as outputSize is one output per number, as in Keras: a single
 * output of shape [20, 30] is written [[20, 30]].
 */
export function readCellStructure(stateSize: unknown, outputSize: unknown, where: string): CellStructure {
  if (!Array.isArray(stateSize) || stateSize.length === 0) {
    throw new TypeError(`${where}: stateSize must be a non-empty list with one entry per state (a size, or a shape such as [20, 30]), got ${valueText(stateSize)}`);
  }
  const states = stateSize.map((s, i) => sizeShape(s, `stateSize[${i}]`, where));
  const entries: unknown[] = Array.isArray(outputSize) ? outputSize : [outputSize];
  if (entries.length === 0) throw new TypeError(`${where}: outputSize must be a size or a non-empty list of sizes or shapes, got []`);
  const outputs = entries.map((s, i) => sizeShape(s, Array.isArray(outputSize) ? `outputSize[${i}]` : "outputSize", where));
  const nestedOutput = outputs.length > 1;
  const flat = !nestedOutput && outputs[0].length === 1 && states.every((s) => s.length === 1);
  return { states, outputs, nestedOutput, flat };
}

/** Whether `shape` can be a state of per-sample shape `size` for a batch of `batch` (null: unknown, matches any). */
export function fitsState(shape: LayerShape, size: readonly number[], batch: number | null): boolean {
  if (shape.length !== size.length + 1) return false;
  if (batch !== null && shape[0] !== null && shape[0] !== batch) return false;
  return size.every((n, i) => shape[i + 1] === null || shape[i + 1] === n);
}

/** "[batch, 10], [batch, 20, 30]": states or outputs for messages. */
export function shapesText(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `[batch, ${s.join(", ")}]`).join(", ");
}

/** A list of shapes for messages: "(None, 5, 3), (None, 4)". */
export function layerShapesText(shapes: readonly LayerShape[]): string {
  return shapes.map(layerShapeText).join(", ");
}
