/**
 * OP_SPECS entries for the keras.ops operations beyond the arithmetic, activation and shape core
 * (op_specs.ts): each runs the `ops` member that records it, with Keras' call arguments followed by
 * its config values (and keyword arguments) in the member's parameter order.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import * as ko from "../ops/keras_ops.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const NUMPY = "keras.src.ops.numpy";
const NN = "keras.src.ops.nn";
const MATH = "keras.src.ops.math";
const LINALG = "keras.src.ops.linalg";
const CORE = "keras.src.ops.core";

type AnyOp = (...args: never[]) => unknown;

/**
 * An operation run as `fn(...args, ...config[keys], ...kwargs[kwKeys])`; `keys` are also the config
 * keys Keras writes (none: it writes `{ name }`).
 */
export function call(module: string, fn: AnyOp, keys: readonly string[] = [], kwKeys: readonly string[] = []): OpSpec {
  return {
    module, keys,
    run: (a, c, _w, kw) => (fn as unknown as (...x: unknown[]) => Tensor | Tensor[])(...a, ...keys.map((k) => c[k]), ...kwKeys.map((k) => kw[k])),
  };
}

/** Keras' reductions with a dtype key lamina does not take: only dtype null (the input's) runs. */
function withoutDtype(spec: OpSpec): OpSpec {
  return {
    ...spec,
    keys: [...spec.keys, "dtype"],
    run: (a, c, w, kw) => {
      if (c.dtype !== null && c.dtype !== undefined) throw new RangeError(`${w}: dtype=${valueText(c.dtype)} is not supported; only dtype=null (the input's)`);
      return spec.run(a, c, w, kw);
    },
  };
}

const REDUCE = ["axis", "keepdims"];
const CONV = ["strides", "padding", "data_format", "dilation_rate"];
const POOL = ["pool_size", "strides", "padding", "data_format"];

export const KERAS_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  // numpy
  ["Argmax", call(NUMPY, ko.argmax, REDUCE)],
  ["Argmin", call(NUMPY, ko.argmin, REDUCE)],
  ["Max", call(NUMPY, ko.max, [...REDUCE, "initial"])],
  ["Min", call(NUMPY, ko.min, [...REDUCE, "initial"])],
  ["Cumsum", call(NUMPY, ko.cumsum, ["axis", "dtype"])],
  ["Cumprod", call(NUMPY, ko.cumprod, ["axis", "dtype"])],
  ["Where", call(NUMPY, ko.where)],
  ["Einsum", { module: NUMPY, keys: ["subscripts"], run: (a, c) => ko.einsum(c.subscripts as string, ...(a as Tensor[])) }],
  ["Sort", call(NUMPY, ko.sort, ["axis"])],
  ["Argsort", call(NUMPY, ko.argsort, ["axis"])],
  ["Median", call(NUMPY, ko.median, REDUCE)],
  ["Tensordot", call(NUMPY, ko.tensordot, ["axes"])],
  ["Outer", call(NUMPY, ko.outer)],
  ["Dot", call(NUMPY, ko.dot)],
  ["Tril", call(NUMPY, ko.tril, ["k"])],
  ["Triu", call(NUMPY, ko.triu, ["k"])],
  ["Swapaxes", call(NUMPY, ko.swapaxes, ["axis1", "axis2"])],
  ["Moveaxis", call(NUMPY, ko.moveaxis, ["source", "destination"])],
  ["TakeAlongAxis", call(NUMPY, ko.takeAlongAxis, ["axis"])],
  ["Roll", call(NUMPY, ko.roll, ["shift", "axis"])],
  ["Repeat", call(NUMPY, ko.repeat, ["repeats", "axis"])],
  ["Tile", call(NUMPY, ko.tile, ["repeats"])],
  ["Pad", call(NUMPY, ko.pad, ["pad_width", "mode"], ["constant_values"])],
  ["Split", call(NUMPY, ko.split, ["indices_or_sections", "axis"])],
  ["Hstack", call(NUMPY, ko.hstack)],
  ["Vstack", call(NUMPY, ko.vstack)],
  ["Diagonal", call(NUMPY, ko.diagonal, ["offset", "axis1", "axis2"])],
  ["Trace", call(NUMPY, ko.trace, ["offset", "axis1", "axis2"])],
  ["Prod", withoutDtype(call(NUMPY, ko.prod, REDUCE))],
  ["Std", call(NUMPY, ko.std, REDUCE)],
  ["Any", call(NUMPY, ko.any, REDUCE)],
  ["All", call(NUMPY, ko.all, REDUCE)],
  ["SearchSorted", call(NUMPY, ko.searchsorted, [], ["side"])],
  ["Argpartition", call(NUMPY, ko.argpartition, ["kth", "axis"])],
  ["Diff", call(NUMPY, ko.diff, ["n", "axis"])],
  ["Logaddexp", call(NUMPY, ko.logaddexp)],
  ["DivideNoNan", call(NUMPY, ko.divideNoNan)],
  ["Isclose", call(NUMPY, ko.isclose)],
  ["BroadcastTo", call(NUMPY, ko.broadcastTo, ["shape"])],
  ["FloorDivide", call(NUMPY, ko.floorDivide)],
  ["Mod", call(NUMPY, ko.mod)],
  ["Arctan2", call(NUMPY, ko.arctan2)],
  ["Equal", call(NUMPY, ko.equal)],
  ["NotEqual", call(NUMPY, ko.notEqual)],
  ["Less", call(NUMPY, ko.less)],
  ["LessEqual", call(NUMPY, ko.lessEqual)],
  ["Greater", call(NUMPY, ko.greater)],
  ["GreaterEqual", call(NUMPY, ko.greaterEqual)],
  ["LogicalAnd", call(NUMPY, ko.logicalAnd)],
  ["LogicalOr", call(NUMPY, ko.logicalOr)],
  ["LogicalXor", call(NUMPY, ko.logicalXor)],
  ["LogicalNot", call(NUMPY, ko.logicalNot)],
  ["Isnan", call(NUMPY, ko.isnan)],
  ["Isfinite", call(NUMPY, ko.isfinite)],
  ["Isinf", call(NUMPY, ko.isinf)],
  ["Sinh", call(NUMPY, ko.sinh)],
  ["Cosh", call(NUMPY, ko.cosh)],
  ["Arcsin", call(NUMPY, ko.arcsin)],
  ["Arccos", call(NUMPY, ko.arccos)],
  ["Arctan", call(NUMPY, ko.arctan)],
  ["Arcsinh", call(NUMPY, ko.arcsinh)],
  ["Arccosh", call(NUMPY, ko.arccosh)],
  ["Arctanh", call(NUMPY, ko.arctanh)],
  ["Round", call(NUMPY, ko.round, ["decimals"])],
  ["Cross", call(NUMPY, ko.cross, ["axisa", "axisb", "axisc", "axis"])],
  ["ZerosLike", call(NUMPY, ko.zerosLike, [], ["dtype"])],
  ["OnesLike", call(NUMPY, ko.onesLike, [], ["dtype"])],
  ["FullLike", call(NUMPY, ko.fullLike, [], ["dtype"])],
  ["Real", call(NUMPY, ko.real)],
  ["Imag", call(NUMPY, ko.imag)],
  ["Conjugate", call(NUMPY, ko.conj)],
  ["Average", call(NUMPY, ko.average, ["axis"], ["weights"])],
  ["Select", { module: NUMPY, keys: [], nameKey: false, run: (a) => ko.select(a[0] as Tensor[], a[1] as Tensor[], (a[2] ?? 0) as Tensor) }],
  // nn
  ["OneHot", call(NN, ko.oneHot, ["num_classes", "axis", "dtype", "sparse"])],
  ["MultiHot", { ...call(NN, ko.multiHot, ["num_classes", "axis", "dtype", "sparse"]), nameKey: true }],
  ["Normalize", call(NN, ko.normalize, ["axis", "order"])],
  ["LogSigmoid", call(NN, ko.logSigmoid)],
  ["Moments", call(NN, ko.moments, ["axes", "keepdims", "synchronized"])],
  ["BatchNorm", {
    module: NN, keys: ["axis", "epsilon"],
    run: (a, c) => ko.batchNormalization(a[0] as Tensor, a[1] as Tensor, a[2] as Tensor, c.axis as number, (a[3] ?? null) as Tensor | null, (a[4] ?? null) as Tensor | null, c.epsilon as number),
  }],
  ["BinaryCrossentropy", call(NN, ko.binaryCrossentropy, ["from_logits"])],
  ["CategoricalCrossentropy", call(NN, ko.categoricalCrossentropy, ["from_logits", "axis"])],
  ["SparseCategoricalCrossentropy", call(NN, ko.sparseCategoricalCrossentropy, ["from_logits", "axis"])],
  ["Conv", call(NN, ko.conv, CONV)],
  ["ConvTranspose", call(NN, ko.convTranspose, ["strides", "padding", "output_padding", "data_format", "dilation_rate"])],
  ["DepthwiseConv", call(NN, ko.depthwiseConv, CONV)],
  ["SeparableConv", call(NN, ko.separableConv, CONV)],
  ["AveragePool", call(NN, ko.averagePool, POOL)],
  ["MaxPool", call(NN, ko.maxPool, POOL)],
  // math
  ["Logsumexp", call(MATH, ko.logsumexp, REDUCE)],
  ["Erfinv", call(MATH, ko.erfinv)],
  ["Erfc", call(MATH, ko.erfc)],
  ["Erf", call(MATH, ko.erf)],
  ["Rsqrt", call(MATH, ko.rsqrt)],
  ["TopK", call(MATH, ko.topK, ["k", "sorted"])],
  ["SegmentMax", call(MATH, ko.segmentMax, ["num_segments", "sorted"])],
  ["SegmentSum", call(MATH, ko.segmentSum, ["num_segments", "sorted"])],
  // linalg and core
  ["Norm", call(LINALG, ko.norm, ["ord", "axis", "keepdims"])],
  ["Unstack", call(CORE, ko.unstack, ["num", "axis"])],
];

export type { OpConfig };
