/**
 * paddedBatch's shapes and padding: the options' types, reading paddedShapes nested like the
 * element (or its spec), copying a tensor into a larger padded one, and the padded batch's element
 * spec (also bucketBySequenceLength's, whose padToBucketBoundary fills the unknown sizes).
 */
import type { TypedArray } from "../tensor/dtype.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { valueText } from "../tensor/value_text.js";
import { flatten, packSequenceAs } from "../tree.js";
import type { Element } from "./element.js";
import { DatasetSpec, TensorSpec, type ElementSpec, specLeaves, specText } from "./tensor_spec.js";

/** The shape a paddedBatch component is padded to: `null` or -1 entries take the batch's longest. */
export type PaddedShape = readonly (number | null)[];

/** paddedBatch's shapes: one shape (a number n: the shape [n]), or shapes nested like the element ([x, y]: two; { a, b }: an object). */
export type PaddedShapes = number | PaddedShape | null | readonly PaddedShapes[] | { readonly [key: string]: PaddedShapes };

/** paddedBatch's padding values: one number, or numbers nested like the element. */
export type PaddingValues = number | readonly PaddingValues[] | { readonly [key: string]: PaddingValues };

export interface PaddedBatchOptions {
  /** One shape for a single-tensor element, one per component nested like the element (for [x, y] two, for { a, b } an object); default: each dimension padded to the batch's longest. */
  paddedShapes?: PaddedShapes;
  /** The value padding takes: one for every component, or one per component nested like the element; default 0. */
  paddingValues?: PaddingValues;
  dropRemainder?: boolean;
}

/** Copies `src` (of shape srcShape) into `out` at `offset` laid out in dstShape (each dim >= srcShape's). */
export function padInto(out: TypedArray, offset: number, src: TypedArray, srcShape: readonly number[], dstShape: readonly number[]): void {
  const rank = srcShape.length;
  if (rank === 0) {
    (out as Float64Array)[offset] = (src as Float64Array)[0];
    return;
  }
  const dstStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) dstStrides[d] = dstStrides[d + 1] * dstShape[d + 1];
  const row = srcShape[rank - 1];
  const rows = row === 0 ? 0 : src.length / row;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let at = offset;
    for (let d = 0; d < rank - 1; d++) at += index[d] * dstStrides[d];
    (out as Float64Array).set((src as Float64Array).subarray(r * row, (r + 1) * row), at);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < srcShape[d]) break;
      index[d] = 0;
    }
  }
}

/** A paddedShapes entry as a shape: sizes, null or -1 for the batch's longest; a number n is the shape [n], as tf.data reads padded_shapes=5. */
export function asPaddedShape(s: unknown): PaddedShape | null {
  if (typeof s === "number") s = [s];
  return Array.isArray(s) && s.every((d) => d === null || (Number.isInteger(d) && d >= -1)) ? (s as PaddedShape) : null;
}

/**
 * paddedBatch's per-tensor options (shapes, padding values) given nested like the element `like`,
 * in leavesOf's order; null where they do not nest alike. A null for a whole part stands for each
 * of its tensors (the batch's longest shape).
 */
export function specsLike(like: Element | ElementSpec, spec: unknown): unknown[] | null {
  if (!Array.isArray(like) && !isPlainObject(like)) return [spec];
  if (spec === null) return flatten(like).map(() => null);
  const parts: [Element | ElementSpec, unknown][] | null = Array.isArray(like)
    ? (Array.isArray(spec) && spec.length === like.length ? like.map((c, i) => [c, spec[i]]) : null)
    : isPlainObject(spec) && Object.keys(spec).sort().join("\0") === Object.keys(like).sort().join("\0") ? Object.keys(like).sort().map((key) => [(like as Record<string, Element | ElementSpec>)[key], spec[key]]) : null;
  if (parts === null) return null;
  const out: unknown[] = [];
  for (const [c, sp] of parts) {
    const inner = specsLike(c, sp);
    if (inner === null) return null;
    out.push(...inner);
  }
  return out;
}

/**
 * paddedBatch's element spec: the batch dimension `lead`, then for each tensor the paddedShapes
 * entry (null or -1: the batch's longest, so unknown) where given, else the input's own dimensions
 * (a dimension every element shares stays known), as tf.data's padded_batch.
 */
export function paddedSpec(spec: ElementSpec, paddedShapes: PaddedShapes | undefined, lead: number | null): ElementSpec {
  const leaves = specLeaves(spec);
  const given = paddedShapes === undefined ? null : spec instanceof TensorSpec ? [paddedShapes] : specsLike(spec, paddedShapes);
  if (paddedShapes !== undefined && given === null) throw new TypeError(`Dataset.paddedBatch: paddedShapes ${valueText(paddedShapes)} does not match the elements' spec ${specText(spec)}; give a shape for each tensor, nested alike`);
  const out = leaves.map((t, i) => {
    const shape = given === null || given[i] === null ? null : asPaddedShape(given[i]);
    if (shape !== null && shape.length !== t.rank) throw new RangeError(`Dataset.paddedBatch: paddedShapes entry [${shape.map((d) => d ?? -1).join(", ")}] has rank ${shape.length} but the elements' tensor ${t} has rank ${t.rank}`);
    return new TensorSpec([lead, ...(shape === null ? t.shape : shape.map((d) => (d === -1 ? null : d)))], t.dtype);
  });
  return spec instanceof TensorSpec ? out[0] : packSequenceAs(spec, out) as ElementSpec;
}

/** paddedShapes with each unknown size (null, -1) replaced by `n` (padToBucketBoundary); a null for a whole part stays. */
export function fillUnknown(shapes: PaddedShapes, n: number): PaddedShapes {
  const shape = asPaddedShape(shapes);
  if (shape !== null) return shape.map((d) => (d === null || d === -1 ? n : d));
  if (Array.isArray(shapes)) return shapes.map((s: PaddedShapes) => fillUnknown(s, n));
  if (isPlainObject(shapes)) return Object.fromEntries(Object.entries(shapes).map(([k, v]) => [k, fillUnknown(v as PaddedShapes, n)]));
  return shapes;
}

/** A spec as paddedBatch's shapes: each TensorSpec's shape (null where unknown), nested alike. */
export function mapSpecShapes(spec: ElementSpec): unknown {
  if (spec instanceof TensorSpec) return spec.shape;
  if (Array.isArray(spec)) return spec.map(mapSpecShapes);
  if (spec instanceof DatasetSpec) throw new TypeError("Dataset.bucketBySequenceLength: the elements are datasets (windows); flatMap them first");
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, mapSpecShapes(v)]));
}
