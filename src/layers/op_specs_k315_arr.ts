/**
 * OP_SPECS entries for Keras 3.15's array, linalg, math and nn operations that lamina records
 * (ops/keras_ops_*315.ts, keras_ops_rearrange.ts): the class names, modules and config keys Keras
 * 3.15.1 writes (its operations' __init__ arguments), each run by the `ops` member that records it.
 */
import type { Tensor } from "../tensor/tensor.js";
import * as ko from "../ops/keras_ops.js";
import type { OpSpec } from "./op_specs.js";
import { call } from "./op_specs_keras_ops.js";

const NUMPY = "keras.src.ops.numpy";
const MATH = "keras.src.ops.math";
const LINALG = "keras.src.ops.linalg";
const NN = "keras.src.ops.nn";
const EINOPS = "keras.src.ops.einops";

const SEGMENT = ["num_segments", "sorted"];
const BLOCKS = ["kernel_size", "dilation", "padding", "stride"];

export const K315_ARR_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  // numpy
  ["ArraySplit", call(NUMPY, ko.arraySplit, ["indices_or_sections", "axis"])],
  ["Hsplit", call(NUMPY, ko.hsplit, ["indices_or_sections"])],
  ["Vsplit", call(NUMPY, ko.vsplit, ["indices_or_sections"])],
  ["Dsplit", call(NUMPY, ko.dsplit, ["indices_or_sections"])],
  ["Dstack", call(NUMPY, ko.dstack)],
  ["Fliplr", call(NUMPY, ko.fliplr)],
  ["Flipud", call(NUMPY, ko.flipud)],
  ["Rot90", call(NUMPY, ko.rot90, ["k", "axes"])],
  ["Kron", call(NUMPY, ko.kron)],
  ["Inner", call(NUMPY, ko.inner)],
  ["Vander", call(NUMPY, ko.vander, ["N", "increasing"])],
  ["Diagflat", call(NUMPY, ko.diagflat, ["k"])],
  ["EmptyLike", call(NUMPY, ko.emptyLike, ["dtype"])],
  ["UnravelIndex", call(NUMPY, ko.unravelIndex, ["shape"])],
  ["IsIn", call(NUMPY, ko.isin, ["assume_unique", "invert"])],
  ["Trapezoid", call(NUMPY, ko.trapezoid, ["x", "dx", "axis"])],
  ["Corrcoef", call(NUMPY, ko.corrcoef)],
  ["View", call(NUMPY, ko.view, ["dtype"])],
  ["Unique", call(NUMPY, ko.unique, ["sorted", "return_index", "return_inverse", "return_counts", "axis", "size", "fill_value"])],
  ["Histogram", call(NUMPY, ko.histogram, ["bins", "range"])],
  ["Angle", call(NUMPY, ko.angle)],
  // math
  ["SegmentMin", call(MATH, ko.segmentMin, SEGMENT)],
  ["SegmentProd", call(MATH, ko.segmentProd, SEGMENT)],
  ["CDist", call(MATH, ko.cdist)],
  ["IFFT2", call(MATH, ko.ifft2)],
  ["Logdet", { ...call(MATH, ko.logdet), probe: "eye" }],
  // linalg: probed on identity matrices, which ones would make singular
  ["CholeskyInverse", { ...call(LINALG, ko.choleskyInverse, ["upper"]), probe: "eye" }],
  ["MatrixRank", { ...call(LINALG, ko.matrixRank, ["tol"]), probe: "eye" }],
  ["Pinv", { ...call(LINALG, ko.pinv, ["rcond"]), probe: "eye" }],
  // nn
  ["Unfold", call(NN, ko.unfold, BLOCKS)],
  ["Fold", call(NN, ko.fold, ["output_size", ...BLOCKS])],
  // einops: Keras passes the pattern as a call argument and the axis lengths as keyword arguments.
  ["Rearrange", { module: EINOPS, keys: [], run: (a, _c, _w, kw) => ko.rearrange(a[0] as Tensor, a[1] as string, kw as Readonly<Record<string, number>>) }],
];
