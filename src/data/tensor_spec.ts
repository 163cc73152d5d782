/**
 * tf.data's element_spec: the structure of TensorSpecs (a shape with null for a dimension that
 * varies between elements, and a dtype) that every element of a dataset has, nested as the
 * elements are (arrays for tuples, plain objects for dicts; a DatasetSpec for window()'s datasets).
 * Printed as tf.data prints it: `(TensorSpec(shape=(None, 2), dtype=tf.float32, name=None), ...)`.
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { shapeText } from "../tensor/shape.js";

/** A dimension list with null for a size not known until the data is read, as TensorShape's None. */
export type SpecShape = readonly (number | null)[];


/** tf.TensorSpec: the shape and dtype a tensor of an element has (name is kept for printing, as TF). */
export class TensorSpec {
  readonly shape: SpecShape;
  constructor(shape: SpecShape, readonly dtype: DType, readonly name: string | null = null) {
    if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && d >= 0))) {
      throw new TypeError(`TensorSpec: shape must be an array of sizes (non-negative integers, or null for unknown), got ${JSON.stringify(shape)}`);
    }
    this.shape = Object.freeze([...shape]);
  }

  /** The spec of one tensor: its shape, all dimensions known. */
  static fromTensor(t: Tensor, name: string | null = null): TensorSpec {
    return new TensorSpec(t.shape, t.dtype, name);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Whether `t` fits: same dtype and rank, and every known dimension equal. */
  isCompatibleWith(t: Tensor | TensorSpec): boolean {
    return t.dtype === this.dtype && t.shape.length === this.shape.length && this.shape.every((d, i) => d === null || t.shape[i] === null || t.shape[i] === d);
  }

  toString(): string {
    return `TensorSpec(shape=${shapeText(this.shape)}, dtype=tf.${this.dtype}, name=${this.name === null ? "None" : `'${this.name}'`})`;
  }
}

/** tf.data.DatasetSpec: an element that is itself a dataset (a window of window()), with its elements' spec. */
export class DatasetSpec {
  constructor(readonly elementSpec: ElementSpec) {}

  toString(): string {
    return `DatasetSpec(${specText(this.elementSpec)}, TensorShape([]))`;
  }
}

/** An element's spec: a TensorSpec per tensor, nested as the element (or a DatasetSpec for a dataset). */
export type ElementSpec = TensorSpec | DatasetSpec | ElementSpec[] | { [key: string]: ElementSpec };

/** An element spec as tf.data prints element_spec: tuples in parentheses, dicts with quoted keys. */
export function specText(spec: ElementSpec): string {
  if (spec instanceof TensorSpec || spec instanceof DatasetSpec) return spec.toString();
  if (Array.isArray(spec)) return spec.length === 1 ? `(${specText(spec[0])},)` : `(${spec.map(specText).join(", ")})`;
  return `{${Object.entries(spec).map(([k, v]) => `'${k}': ${specText(v)}`).join(", ")}}`;
}

/** The spec of a structure of tensors: each tensor's own shape and dtype. */
export function tensorsSpec(e: unknown): ElementSpec {
  if (e instanceof Tensor) return TensorSpec.fromTensor(e);
  if (Array.isArray(e)) return e.map(tensorsSpec);
  if (isPlainObject(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, tensorsSpec(v)]));
  throw new TypeError(`element spec: expected a tensor, or arrays and objects of tensors, got ${typeof e}`);
}

/** The spec with `fn` applied to each TensorSpec (a DatasetSpec is kept as it is). */
export function mapSpecs(spec: ElementSpec, fn: (s: TensorSpec) => TensorSpec): ElementSpec {
  if (spec instanceof TensorSpec) return fn(spec);
  if (spec instanceof DatasetSpec) return spec;
  if (Array.isArray(spec)) return spec.map((s) => mapSpecs(s, fn));
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, mapSpecs(v, fn)]));
}

/** The TensorSpecs of a spec, depth first, objects by sorted key (the order of element.ts's leavesOf). */
export function specLeaves(spec: ElementSpec): TensorSpec[] {
  if (spec instanceof TensorSpec) return [spec];
  if (spec instanceof DatasetSpec) return [];
  if (Array.isArray(spec)) return spec.flatMap(specLeaves);
  return Object.keys(spec).sort().flatMap((k) => specLeaves(spec[k]));
}

/** The structure with each tensor's dtype, shapes left out: equal texts, the same structure and dtypes. */
function dtypeStructure(spec: ElementSpec): string {
  if (spec instanceof TensorSpec) return spec.dtype;
  if (spec instanceof DatasetSpec) return `dataset of ${dtypeStructure(spec.elementSpec)}`;
  if (Array.isArray(spec)) return `[${spec.map(dtypeStructure).join(", ")}]`;
  return `{ ${Object.keys(spec).sort().map((k) => `${k}: ${dtypeStructure(spec[k])}`).join(", ")} }`;
}

/**
 * The spec that covers both (tf.data's most specific compatible type, as concatenate and
 * sample_from_datasets compute it): dimensions that differ, or ranks that differ, become unknown.
 * Null when the structures or dtypes differ. Tensors whose ranks differ are refused: tf.data
 * gives them an unknown rank, which lamina's TensorSpec cannot write.
 */
export function mergeSpecs(a: ElementSpec, b: ElementSpec): ElementSpec | null {
  if (dtypeStructure(a) !== dtypeStructure(b)) return null;
  const merge = (x: ElementSpec, y: ElementSpec): ElementSpec => {
    if (x instanceof TensorSpec && y instanceof TensorSpec) {
      if (x.rank !== y.rank) throw new RangeError(`the datasets' tensors have ranks ${x.rank} and ${y.rank} (shapes ${shapeText(x.shape)} and ${shapeText(y.shape)}); lamina's TensorSpec has no unknown rank, so their element spec cannot be written`);
      return new TensorSpec(x.shape.map((d, i) => (d === y.shape[i] ? d : null)), x.dtype);
    }
    if (x instanceof DatasetSpec && y instanceof DatasetSpec) {
      return new DatasetSpec(merge(x.elementSpec, y.elementSpec));
    }
    if (Array.isArray(x) && Array.isArray(y)) return x.map((s, i) => merge(s, y[i]));
    const yo = y as { [key: string]: ElementSpec };
    return Object.fromEntries(Object.entries(x as { [key: string]: ElementSpec }).map(([k, v]) => [k, merge(v, yo[k])]));
  };
  return merge(a, b);
}

/** The structure and dtypes of a spec in words, for messages: "[float32, int32]", "{ a: float32 }". */
export function specSignature(spec: ElementSpec): string {
  return dtypeStructure(spec);
}

/** Whether `v` is a spec of tensors: TensorSpecs in arrays and plain objects, none empty. */
export function isTensorsSpec(v: unknown): v is ElementSpec {
  if (v instanceof TensorSpec) return true;
  if (Array.isArray(v)) return v.length > 0 && v.every(isTensorsSpec);
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.values(v).every(isTensorsSpec);
}

/** Why `e` does not fit `spec` (the place at fault, what it is and what the spec says), or null when it fits. */
export function specMismatch(e: unknown, spec: ElementSpec, at = ""): string | null {
  const place = at === "" ? "" : ` at ${at}`;
  if (spec instanceof TensorSpec) {
    if (!(e instanceof Tensor)) return `expected a tensor${place} (${spec}), got ${Array.isArray(e) ? `an array of ${e.length}` : typeof e}`;
    return spec.isCompatibleWith(e) ? null : `the tensor${place} has shape ${shapeText(e.shape)} and dtype ${e.dtype}, which does not fit ${spec}`;
  }
  if (spec instanceof DatasetSpec) return `a DatasetSpec${place} cannot describe a generator's element`;
  if (Array.isArray(spec)) {
    if (!Array.isArray(e) || e.length !== spec.length) return `expected an array of ${spec.length}${place}, got ${e instanceof Tensor ? "a tensor" : Array.isArray(e) ? `an array of ${e.length}` : typeof e}`;
    for (let i = 0; i < spec.length; i++) {
      const m = specMismatch(e[i], spec[i], `${at}[${i}]`);
      if (m !== null) return m;
    }
    return null;
  }
  const keys = Object.keys(spec).sort();
  if (!isPlainObject(e) || Object.keys(e).sort().join("\0") !== keys.join("\0")) return `expected an object with keys ${keys.join(", ")}${place}, got ${isPlainObject(e) ? `keys ${Object.keys(e).sort().join(", ")}` : e instanceof Tensor ? "a tensor" : typeof e}`;
  for (const k of keys) {
    const m = specMismatch(e[k], spec[k], at === "" ? k : `${at}.${k}`);
    if (m !== null) return m;
  }
  return null;
}
