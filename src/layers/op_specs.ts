/**
 * The Keras 3.5 operations a functional model can hold (keras.src.ops.numpy / nn / core classes),
 * by class name: the module Keras saves them under, the config keys it writes, and how lamina runs
 * one on tensors. Ops record these names (ops/symbolic.ts); loading a Keras-written config looks
 * them up here. Arithmetic runs with Keras' dtype promotion (ops/keras_promoted.ts): a Keras Add of
 * float32 and int32 gives float32, and a Keras Exp or Mean of int32 casts to float first (ops/keras_float.ts).
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, isDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import * as m from "../ops/math.js";
import * as act from "../ops/activation.js";
import * as shp from "../ops/shape.js";
import * as red from "../ops/reduce.js";
import * as kp from "../ops/keras_promoted.js";
import { hardSigmoid, hardSilu } from "../nn/activations.js";
import * as kn from "../ops/keras_numpy.js";
import * as kf from "../ops/keras_float.js";
import * as ko from "../ops/keras_ops.js";
import { KERAS_OP_SPECS } from "./op_specs_keras_ops.js";
import { booleanOption } from "./layer_args.js";
import { IMAGE315_SPECS } from "./op_specs_image315.js";
import { K315_ARR_OP_SPECS } from "./op_specs_k315_arr.js";
import { K315_POOL_OP_SPECS } from "./op_specs_k315_pool.js";
import { MORE_OP_SPECS } from "./op_specs_more.js";
import { OPS4_SPECS } from "./op_specs_ops4.js";
import { K315_NUM_OP_SPECS } from "./op_specs_k315_num.js";
import { K315_NN_OP_SPECS } from "./op_specs_k315_nn.js";

export type OpConfig = Readonly<Record<string, unknown>>;

export interface OpSpec {
  readonly module: string;
  /**
   * Keras' config keys, in its order. None: Keras writes `{ name }` (the class takes no
   * arguments, so Operation.get_config keeps the name).
   */
  readonly keys: readonly string[];
  /** Whether Keras' config holds `name` beside the keys (true: MultiHot) or never (false: Select's `{}`). */
  readonly nameKey?: boolean;
  /**
   * The values record() runs the op on to learn its output shapes: ones (the default), or "eye"
   * (identity matrices in the last two axes) for the linalg ops, which ones would make singular.
   */
  readonly probe?: "eye";
  /**
   * The two sizes record() gives unknown dimensions (2 and 3 by default): an op that needs sizes
   * divisible by a block (SpaceToDepth, Glu) takes multiples of it, so that both probes run.
   */
  readonly probeSizes?: (config: OpConfig) => readonly [number, number];
  /** Config keys left out when null (ISTFT's length, which Keras 3.5's istft never records). */
  readonly omitNull?: readonly string[];
  /** The last axis of the output depends on the values (Bincount): it is unknown on symbolic tensors. */
  readonly valueSized?: boolean;
  /** Runs the operation: `args` and `kwargs` are its call's, with tensors in place of the symbolic ones. */
  run(args: readonly unknown[], config: OpConfig, where: string, kwargs: OpConfig): Tensor | Tensor[];
}

const NUMPY = "keras.src.ops.numpy";
const NN = "keras.src.ops.nn";
const CORE = "keras.src.ops.core";

function tensorArg(args: readonly unknown[], i: number, where: string): Tensor | number {
  const v = args[i];
  if (v === undefined) throw new TypeError(`${where}: missing argument ${i}`);
  return v as Tensor | number;
}

const unary = (module: string, fn: (x: Tensor) => Tensor): OpSpec => ({ module, keys: [], run: (a, _c, w) => fn(tensorArg(a, 0, w) as Tensor) });
const binary = (fn: (a: Tensor | number, b: Tensor | number) => Tensor): OpSpec => ({
  module: NUMPY, keys: [], run: (a, _c, w) => fn(tensorArg(a, 0, w), tensorArg(a, 1, w)),
});

function intOf(c: OpConfig, key: string, where: string): number {
  const v = c[key];
  if (!Number.isInteger(v)) throw new TypeError(`${where}: config ${key} must be an integer, got ${valueText(v)}`);
  return v as number;
}
function numberOf(c: OpConfig, key: string, where: string): number {
  const v = c[key];
  if (typeof v !== "number") throw new TypeError(`${where}: config ${key} must be a number, got ${valueText(v)}`);
  return v;
}
function intListOf(c: OpConfig, key: string, where: string): number[] {
  const v = c[key];
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d))) throw new TypeError(`${where}: config ${key} must be a list of integers, got ${valueText(v)}`);
  return v as number[];
}
/** null, an integer or a list of integers (Keras' reduction and squeeze axes). */
function axesOf(c: OpConfig, key: string, where: string): number | number[] | null {
  const v = c[key];
  if (v === null || v === undefined) return null;
  if (Number.isInteger(v)) return v as number;
  return intListOf(c, key, where);
}
function boolOf(c: OpConfig, key: string, where: string): boolean {
  return booleanOption(where, `config ${key}`, c[key]);
}

type Reducer = (x: Tensor, axis: number | number[] | null, keepDims: boolean) => Tensor;
function reduction(fn: Reducer, keys: readonly string[]): OpSpec {
  return {
    module: NUMPY, keys,
    run: (a, c, w) => {
      if (c.initial !== undefined && c.initial !== null) throw new RangeError(`${w}: initial=${valueText(c.initial)} is not supported; only initial=null (the default)`);
      return fn(tensorArg(a, 0, w) as Tensor, axesOf(c, "axis", w), boolOf(c, "keepdims", w));
    },
  };
}

function listArg(args: readonly unknown[], where: string): Tensor[] {
  const v = args[0];
  if (!Array.isArray(v)) throw new TypeError(`${where}: expects a list of tensors as its argument, got ${valueText(v)}`);
  return v as Tensor[];
}

export const OP_SPECS: ReadonlyMap<string, OpSpec> = new Map<string, OpSpec>([
  ["Add", binary(kp.add)],
  ["Subtract", binary(kp.subtract)],
  ["Multiply", binary(kp.multiply)],
  ["Divide", binary(kp.divide)],
  ["TrueDivide", binary(kp.trueDivide)],
  ["Power", binary(kp.power)],
  ["Maximum", binary(kp.maximum)],
  ["Minimum", binary(kp.minimum)],
  ["Matmul", binary((a, b) => kp.matmul(a, b))],
  ["Negative", unary(NUMPY, m.neg)],
  ["Absolute", unary(NUMPY, kf.abs)],
  ["Sign", unary(NUMPY, m.sign)],
  ["Square", unary(NUMPY, kf.square)],
  ["Sqrt", unary(NUMPY, kf.sqrt)],
  ["Exp", unary(NUMPY, kf.exp)],
  ["Expm1", unary(NUMPY, kf.expm1)],
  ["Log", unary(NUMPY, kf.log)],
  ["Log1p", unary(NUMPY, kf.log1p)],
  ["Log2", unary(NUMPY, kf.log2)],
  ["Log10", unary(NUMPY, kf.log10)],
  ["Reciprocal", unary(NUMPY, m.reciprocal)],
  ["Sin", unary(NUMPY, kf.sin)],
  ["Cos", unary(NUMPY, kf.cos)],
  ["Tan", unary(NUMPY, kf.tan)],
  ["Floor", unary(NUMPY, kf.floor)],
  ["Ceil", unary(NUMPY, kf.ceil)],
  ["Tanh", unary(NUMPY, kf.tanh)],
  ["Relu", unary(NN, act.relu)],
  ["Relu6", unary(NN, act.relu6)],
  ["Sigmoid", unary(NN, act.sigmoid)],
  ["Selu", unary(NN, act.selu)],
  ["Softplus", unary(NN, act.softplus)],
  ["Softsign", unary(NN, act.softsign)],
  ["Silu", unary(NN, act.silu)],
  ["HardSigmoid", unary(NN, hardSigmoid)],
  ["HardSilu", unary(NN, hardSilu)],
  ["LeakyRelu", { module: NN, keys: ["negative_slope"], run: (a, c, w) => act.leakyRelu(tensorArg(a, 0, w), numberOf(c, "negative_slope", w)) }],
  ["Elu", { module: NN, keys: ["alpha"], run: (a, c, w) => act.elu(tensorArg(a, 0, w), numberOf(c, "alpha", w)) }],
  ["Gelu", { module: NN, keys: ["approximate"], run: (a, c, w) => act.gelu(tensorArg(a, 0, w), boolOf(c, "approximate", w)) }],
  ["Softmax", { module: NN, keys: ["axis"], run: (a, c, w) => ko.softmax(tensorArg(a, 0, w), axesOf(c, "axis", w)) }],
  ["LogSoftmax", { module: NN, keys: ["axis"], run: (a, c, w) => ko.logSoftmax(tensorArg(a, 0, w), axesOf(c, "axis", w)) }],
  ["Reshape", { module: NUMPY, keys: ["newshape"], run: (a, c, w) => shp.reshape(tensorArg(a, 0, w), intListOf(c, "newshape", w)) }],
  ["Transpose", {
    module: NUMPY, keys: ["axes"],
    run: (a, c, w) => shp.transpose(tensorArg(a, 0, w), c.axes === null || c.axes === undefined ? undefined : intListOf(c, "axes", w)),
  }],
  ["ExpandDims", { module: NUMPY, keys: ["axis"], run: (a, c, w) => ko.expandDims(tensorArg(a, 0, w), Number.isInteger(c.axis) ? intOf(c, "axis", w) : intListOf(c, "axis", w)) }],
  ["Squeeze", { module: NUMPY, keys: ["axis"], run: (a, c, w) => shp.squeeze(tensorArg(a, 0, w), axesOf(c, "axis", w) ?? undefined) }],
  ["Concatenate", { module: NUMPY, keys: ["axis"], run: (a, c, w) => kp.concatenate(listArg(a, w), intOf(c, "axis", w)) }],
  ["Stack", { module: NUMPY, keys: ["axis"], run: (a, c, w) => kp.stack(listArg(a, w), intOf(c, "axis", w)) }],
  ["Sum", reduction(red.sum, ["axis", "keepdims"])],
  ["Mean", reduction(kf.mean, ["axis", "keepdims"])],
  ["Clip", { module: NUMPY, keys: ["x_min", "x_max"], run: (a, c, w) => kp.clip(tensorArg(a, 0, w), numberOf(c, "x_min", w), numberOf(c, "x_max", w)) }],
  ["Cast", {
    module: CORE, keys: ["dtype"],
    run: (a, c, w) => {
      const d = c.dtype;
      if (!isDType(d)) throw new TypeError(`${w}: config dtype ${valueText(d)} is not a dtype lamina has`);
      return m.cast(tensorArg(a, 0, w), d as DType);
    },
  }],
  ["Ravel", unary(NUMPY, kn.ravel)],
  ["Flip", { module: NUMPY, keys: ["axis"], run: (a, c, w) => kn.flip(tensorArg(a, 0, w), axesOf(c, "axis", w)) }],
  ["Var", reduction((x, axis, k) => kn.kerasVar(x, axis, k), ["axis", "keepdims"])],
  ["Amax", reduction((x, axis, k) => kn.amax(x, axis, k), ["axis", "keepdims"])],
  ["Amin", reduction((x, axis, k) => kn.amin(x, axis, k), ["axis", "keepdims"])],
  ["Take", { module: NUMPY, keys: ["axis"], run: (a, c, w) => kn.take(tensorArg(a, 0, w), tensorArg(a, 1, w), c.axis === null || c.axis === undefined ? null : intOf(c, "axis", w)) }],
  ["Append", { module: NUMPY, keys: ["axis"], run: (a, c, w) => kn.append(tensorArg(a, 0, w), tensorArg(a, 1, w), c.axis === null || c.axis === undefined ? null : intOf(c, "axis", w)) }],
  ...KERAS_OP_SPECS,
  ...IMAGE315_SPECS,
  ...K315_NN_OP_SPECS,
  ...K315_ARR_OP_SPECS,
  ...K315_POOL_OP_SPECS,
  ...MORE_OP_SPECS,
  ...OPS4_SPECS,
  ...K315_NUM_OP_SPECS,
]);
