/**
 * Keras' InputSpec: what a layer accepts as input (rank, dtype, sizes of given axes, whole shape),
 * and the check every layer call runs against it before `call` (Keras' assert_input_compatibility).
 */
import { type DType, assertDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { checkKeys } from "../nn/common.js";
import { type LayerShape, layerShapeText } from "./symbolic.js";

export interface InputSpecArgs {
  /** The dtype the input must have (after the layer's autocast of float inputs). */
  dtype?: DType | null;
  /** The whole shape, batch axis included; null entries match any size. Sets ndim. */
  shape?: LayerShape | null;
  ndim?: number | null;
  maxNdim?: number | null;
  minNdim?: number | null;
  /** Sizes some axes must have, by axis (negative counts from the end); a null size matches any. */
  axes?: Readonly<Record<number, number | null>> | null;
  /**
   * Also accept an input with one more trailing axis of size 1 than the spec, or one fewer where
   * the spec's last axis is 1 (an image of shape (None, 28, 28) for a spec (None, 28, 28, 1)).
   */
  allowLastAxisSqueeze?: boolean;
  /** The key of this input when inputs are given by name (kept for Keras' API; lamina layers take lists). */
  name?: string | null;
  /** Whether the input may be null. */
  optional?: boolean;
}

/** Keras' InputSpec.get_config(): the keys Keras writes, in its order and spelling. */
export interface InputSpecConfig {
  dtype: DType | null;
  shape: (number | null)[] | null;
  ndim: number | null;
  max_ndim: number | null;
  min_ndim: number | null;
  axes: Record<string, number | null>;
}

const OPTIONS = Object.keys({
  dtype: true, shape: true, ndim: true, maxNdim: true, minNdim: true, axes: true, allowLastAxisSqueeze: true, name: true, optional: true,
} satisfies Record<keyof InputSpecArgs, true>);

/** Keras' from_config passes each key to the constructor: the get_config keys plus those it leaves out. */
const CONFIG_KEYS: Readonly<Record<string, keyof InputSpecArgs>> = {
  dtype: "dtype", shape: "shape", ndim: "ndim", max_ndim: "maxNdim", min_ndim: "minNdim", axes: "axes",
  allow_last_axis_squeeze: "allowLastAxisSqueeze", name: "name", optional: "optional",
};

function rankArg(v: unknown, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isInteger(v) || (v as number) < 0) throw new TypeError(`InputSpec: ${what} must be a non-negative integer or null, got ${valueText(v)}`);
  return v as number;
}

function sizeArg(v: unknown, what: string): number | null {
  if (v === null) return null;
  if (!Number.isInteger(v) || (v as number) < 0) throw new TypeError(`InputSpec: ${what} must be a non-negative integer or null (any size), got ${valueText(v)}`);
  return v as number;
}

export class InputSpec {
  readonly dtype: DType | null;
  readonly shape: LayerShape | null;
  readonly ndim: number | null;
  readonly maxNdim: number | null;
  readonly minNdim: number | null;
  readonly axes: Readonly<Record<number, number | null>>;
  readonly allowLastAxisSqueeze: boolean;
  readonly name: string | null;
  readonly optional: boolean;

  constructor(args: InputSpecArgs = {}) {
    if (typeof args !== "object" || args === null) throw new TypeError(`InputSpec: options must be an object, got ${valueText(args)}`);
    checkKeys("InputSpec", args, OPTIONS);
    this.dtype = args.dtype === undefined || args.dtype === null ? null : assertDType(args.dtype, "InputSpec: dtype");
    if (args.shape !== undefined && args.shape !== null) {
      if (!Array.isArray(args.shape)) throw new TypeError(`InputSpec: shape must be a list of sizes (null for any), batch axis included, got ${valueText(args.shape)}`);
      this.shape = args.shape.map((d, i) => sizeArg(d, `shape[${i}]`));
      // Keras: a shape sets ndim, whatever ndim says.
      this.ndim = this.shape.length;
    } else {
      this.shape = null;
      this.ndim = rankArg(args.ndim, "ndim");
    }
    this.maxNdim = rankArg(args.maxNdim, "maxNdim");
    this.minNdim = rankArg(args.minNdim, "minNdim");
    this.name = args.name ?? null;
    this.optional = args.optional ?? false;
    this.allowLastAxisSqueeze = args.allowLastAxisSqueeze ?? false;
    const axes: Record<number, number | null> = {};
    const given: unknown = args.axes ?? {};
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      throw new TypeError(`InputSpec: axes must be a record from integer axes to sizes, e.g. { [-1]: 3 }, got ${valueText(given)}`);
    }
    for (const [k, v] of Object.entries(given)) {
      const axis = Number(k);
      if (!Number.isInteger(axis) || k.trim() === "") throw new TypeError(`InputSpec: axes must have integer keys, e.g. { [-1]: 3 }; got key ${JSON.stringify(k)}`);
      axes[axis] = sizeArg(v, `axes[${axis}]`);
    }
    this.axes = axes;
    const keys = Object.keys(axes).map(Number);
    const rank = this.ndim ?? this.maxNdim;
    if (keys.length > 0 && rank !== null) {
      const maxAxis = Math.max(...keys), minAxis = Math.min(...keys);
      if (maxAxis > rank - 1) throw new RangeError(`InputSpec: axis ${maxAxis} is greater than the maximum allowed value: ${rank - 1} (inputs have at most ${rank} axes)`);
      if (minAxis < -rank) throw new RangeError(`InputSpec: axis ${minAxis} is less than the minimum allowed value: ${-rank} (inputs have at most ${rank} axes)`);
    }
  }

  /** Keras' get_config: dtype, shape, ndim, max_ndim, min_ndim, axes (not name, optional or allow_last_axis_squeeze). */
  getConfig(): InputSpecConfig {
    return {
      dtype: this.dtype, shape: this.shape ? [...this.shape] : null, ndim: this.ndim,
      max_ndim: this.maxNdim, min_ndim: this.minNdim, axes: { ...this.axes },
    };
  }

  /** Keras' from_config: a get_config dict (snake_case keys), e.g. one Keras wrote. */
  static fromConfig(config: Readonly<Record<string, unknown>>): InputSpec {
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      const key = CONFIG_KEYS[k];
      if (key === undefined) throw new TypeError(`InputSpec.fromConfig: unknown key ${k}; Keras' InputSpec config has ${Object.keys(CONFIG_KEYS).join(", ")}`);
      args[key] = v;
    }
    return new InputSpec(args as InputSpecArgs);
  }

  /** Keras' repr: InputSpec(dtype=float32, shape=(None, 28, 28, 1), ndim=4). */
  toString(): string {
    const axes = Object.entries(this.axes).map(([k, v]) => `${k}: ${v === null ? "None" : v}`);
    const parts = [
      this.dtype ? `dtype=${this.dtype}` : "",
      this.shape ? `shape=${layerShapeText(this.shape)}` : "",
      this.ndim ? `ndim=${this.ndim}` : "",
      this.maxNdim ? `max_ndim=${this.maxNdim}` : "",
      this.minNdim ? `min_ndim=${this.minNdim}` : "",
      axes.length > 0 ? `axes={${axes.join(", ")}}` : "",
    ];
    return `InputSpec(${parts.filter((p) => p).join(", ")})`;
  }
}

/** What a layer's inputSpec holds: one spec, one (or null, for no check) per input, or null. */
export type InputSpecValue = InputSpec | readonly (InputSpec | null)[] | null;

/** What the check reads of an input: a Tensor or a SymbolicTensor (the dtype after autocast). */
export interface InputSpecSubject {
  readonly shape: readonly (number | null)[];
  readonly dtype: DType;
}

/** Refuses, naming the layer, a value that is not an InputSpec, a list of them, or null. */
export function checkInputSpecValue(value: unknown, where: string): InputSpecValue {
  if (value === null || value === undefined) return null;
  if (value instanceof InputSpec) return value;
  if (Array.isArray(value) && value.every((s) => s === null || s instanceof InputSpec)) return value as (InputSpec | null)[];
  throw new TypeError(`${where}: inputSpec must be a layers.InputSpec, a list of them (one per input, null for none) or null, got ${valueText(value)}`);
}

/** Whether `shape` matches `spec` entry by entry, null matching anything, at equal rank. */
function sameShape(spec: LayerShape, shape: readonly (number | null)[]): boolean {
  return spec.length === shape.length && spec.every((d, i) => d === null || shape[i] === null || d === shape[i]);
}

/** Without a trailing axis of size 1, or null when the last axis is not 1. */
function squeezed(shape: readonly (number | null)[]): (number | null)[] | null {
  return shape.length > 0 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : null;
}

/**
 * Keras' assert_input_compatibility: throws unless each input satisfies its spec. The messages
 * begin as Keras' do, then give the full shape and the spec.
 * Where Keras' own check is looser than its documentation (with allowLastAxisSqueeze it compares
 * shapes only up to the shorter rank, and skips ndim), this follows the documentation: the ranks
 * may differ only by a trailing axis of size 1.
 */
export function assertInputCompatibility(
  inputSpec: InputSpecValue, inputs: InputSpecSubject | null | readonly (InputSpecSubject | null)[], layerName: string,
): void {
  if (inputSpec === null) return;
  const specs = Array.isArray(inputSpec) ? inputSpec as readonly (InputSpec | null)[] : [inputSpec as InputSpec];
  if (specs.length === 0) return;
  const list = Array.isArray(inputs) ? inputs as readonly (InputSpecSubject | null)[] : [inputs as InputSpecSubject | null];
  if (list.length !== specs.length) {
    const got = list.map((x) => (x ? layerShapeText(x.shape) : "null")).join(", ");
    throw new RangeError(
      `Layer "${layerName}" expects ${specs.length} input(s), but it received ${list.length} input tensors. Inputs received: shapes [${got}]; ` +
        `its inputSpec is [${specs.map(String).join(", ")}]: call it on ${specs.length === 1 ? "one tensor" : `a list of ${specs.length} tensors`}`,
    );
  }
  list.forEach((x, i) => {
    const spec = specs[i];
    if (spec === null) return;
    if (x === null || x === undefined) {
      if (spec.optional) return;
      throw new TypeError(`Input ${i} of layer "${layerName}" is null but its spec ${spec} is not optional; pass a tensor, or make the spec optional: true`);
    }
    assertOne(spec, x, i, layerName);
  });
}

function assertOne(spec: InputSpec, x: InputSpecSubject, index: number, layerName: string): void {
  const shape = x.shape, ndim = shape.length, shown = layerShapeText(shape);
  const fail = (what: string, Ctor: typeof RangeError = RangeError): never => {
    throw new Ctor(
      `Input ${index} of layer "${layerName}" is incompatible with the layer: ${what}. Full shape received: ${shown}. ` +
        `The layer's input spec is ${spec}; give it inputs that match (reshape or cast them), or change the layer's inputSpec`,
    );
  };
  if (spec.ndim !== null) {
    const squeezeOk = spec.allowLastAxisSqueeze && (ndim === spec.ndim - 1 || (ndim === spec.ndim + 1 && shape[ndim - 1] === 1));
    if (ndim !== spec.ndim && !squeezeOk) fail(`expected ndim=${spec.ndim}, found ndim=${ndim}`);
  }
  if (spec.maxNdim !== null && ndim > spec.maxNdim) fail(`expected max_ndim=${spec.maxNdim}, found ndim=${ndim}`);
  if (spec.minNdim !== null && ndim < spec.minNdim) fail(`expected min_ndim=${spec.minNdim}, found ndim=${ndim}`);
  if (spec.dtype !== null && x.dtype !== spec.dtype) fail(`expected dtype=${spec.dtype}, found dtype=${x.dtype}`, TypeError);
  for (const [k, value] of Object.entries(spec.axes)) {
    if (value === null) continue;
    const axis = Number(k), at = axis < 0 ? ndim + axis : axis;
    if (at < 0 || at >= ndim) fail(`expected axis ${axis} of input shape to have value ${value}, but received input with shape ${shown}, which has no axis ${axis}`);
    const d = shape[at];
    if (d !== null && d !== value) fail(`expected axis ${axis} of input shape to have value ${value}, but received input with shape ${shown}`);
  }
  if (spec.shape !== null) {
    let ok = sameShape(spec.shape, shape);
    if (!ok && spec.allowLastAxisSqueeze) {
      const a = squeezed(shape), b = squeezed(spec.shape);
      ok = (a !== null && sameShape(spec.shape, a)) || (b !== null && sameShape(b, shape));
    }
    if (!ok) fail(`expected shape=${layerShapeText(spec.shape)}, found shape=${shown}`);
  }
}
