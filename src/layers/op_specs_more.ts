/**
 * OP_SPECS entries for Keras 3.5's Slice, GetItem, image Resize and the linalg operations: the
 * class names, modules and config keys Keras writes, and how lamina runs each on tensors.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { imageDataFormat } from "../tensor/config.js";
import * as shp from "../ops/shape.js";
import { getItem, keyFromKeras } from "../ops/get_item.js";
import { type ResizeMethod, type ResizeOptions, resize } from "../ops/image.js";
import * as dec from "../ops/linalg_decompose.js";
import * as sol from "../ops/linalg_solve.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const NUMPY = "keras.src.ops.numpy";
const CORE = "keras.src.ops.core";
const IMAGE = "keras.src.ops.image";
const LINALG = "keras.src.ops.linalg";

type AnyOp = (...args: never[]) => unknown;

/** `fn(...args, ...config[keys])`; `nameKey` false: Keras writes `{}` (no name) for the class. */
function call(module: string, fn: AnyOp, keys: readonly string[] = [], nameKey?: boolean): OpSpec {
  return { module, keys, nameKey, probe: module === LINALG || fn === sol.slogdet ? "eye" : undefined, run: (a, c) => (fn as unknown as (...x: unknown[]) => Tensor | Tensor[])(...a, ...keys.map((k) => c[k])) };
}

function intList(v: unknown, what: string, where: string): number[] {
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d))) throw new TypeError(`${where}: ${what} must be a list of integers, got ${valueText(v)}`);
  return v as number[];
}

/** Keras' Resize (keras.ops.image.resize) with lamina's resize; antialias, which lamina lacks, is refused. */
function runResize(a: readonly unknown[], c: OpConfig, where: string): Tensor {
  if (c.antialias === true) throw new RangeError(`${where}: antialias=true is not supported; lamina's Resize runs with antialias=false`);
  const size = intList(c.size, "config size", where);
  if (size.length !== 2) throw new RangeError(`${where}: config size must be [height, width], got ${valueText(c.size)}`);
  const format = c.data_format ?? imageDataFormat();
  if (format !== "channels_last" && format !== "channels_first") throw new RangeError(`${where}: config data_format must be "channels_last", "channels_first" or null, got ${valueText(format)}`);
  const x = a[0] as Tensor;
  const opts: ResizeOptions = {
    method: (c.interpolation ?? "bilinear") as ResizeMethod, cropToAspectRatio: c.crop_to_aspect_ratio === true, padToAspectRatio: c.pad_to_aspect_ratio === true,
    fillMode: (c.fill_mode ?? "constant") as "constant", fillValue: (c.fill_value ?? 0) as number,
  };
  if (format === "channels_last") return resize(x, [size[0], size[1]], opts);
  // Channels first: move the channels last around lamina's channels-last resize.
  const toLast = x.rank === 4 ? [0, 2, 3, 1] : [1, 2, 0];
  const toFirst = x.rank === 4 ? [0, 3, 1, 2] : [2, 0, 1];
  return shp.transpose(resize(shp.transpose(x, toLast), [size[0], size[1]], opts), toFirst);
}

export const MORE_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  ["Slice", { module: CORE, keys: [], run: (a, _c, w) => shp.slice(a[0] as Tensor, intList(a[1], "start_indices", w), intList(a[2], "shape", w)) }],
  ["GetItem", { module: NUMPY, keys: [], run: (a, _c, w) => getItem(a[0] as Tensor, keyFromKeras(a[1], w)) }],
  ["Resize", {
    module: IMAGE, keys: ["interpolation", "antialias", "data_format", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode", "fill_value", "size"],
    run: (a, c, w) => runResize(a, c, w),
  }],
  ["Cholesky", call(LINALG, dec.cholesky, [], false)],
  ["LuFactor", call(LINALG, dec.luFactor, [], false)],
  ["Qr", call(LINALG, dec.qr, ["mode"])],
  ["Eigh", call(LINALG, dec.eigh, [], false)],
  ["Eig", call(LINALG, dec.eig, [], false)],
  ["SVD", call(LINALG, dec.svd, ["full_matrices", "compute_uv"])],
  ["Solve", call(LINALG, sol.solve, [], false)],
  ["Inv", call(LINALG, sol.inv, [], false)],
  ["Det", call(LINALG, sol.det, [], false)],
  ["Slogdet", call(NUMPY, sol.slogdet, [], false)],
  ["SolveTriangular", call(LINALG, sol.solveTriangular, ["lower"])],
  ["Lstsq", call(LINALG, sol.lstsq, ["rcond"])],
];
