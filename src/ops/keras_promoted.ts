/**
 * The keras.ops members that promote their operands' dtypes (keras_promote.ts): lamina's ops run
 * after the operands are cast to Keras' result type. On symbolic tensors each records its Keras
 * operation as the lamina op does; layers/op_specs.ts runs these same functions, so a recorded
 * (or Keras-written) Add of float32 and int32 computes in float32 as Keras' does.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { type Sym, SymbolicValue, anySymbolic, symbolicOp, withSymbolic } from "./symbolic.js";
import { type PromotionType, kerasResultType, promoted, promotionTypeOf } from "./keras_promote.js";
import * as m from "./math.js";
import * as sp from "./special.js";
import * as shp from "./shape.js";
import * as arr from "./arrange.js";
import * as lin from "./linalg.js";
import * as prod from "./products.js";
import { matmul as tfMatmul } from "./matmul.js";
import { einsum as tfEinsum } from "./einsum.js";

type Fn = (...args: never[]) => unknown;
type Call = (...args: unknown[]) => unknown;

interface Rule {
  /** Types that join the operands' (true division's weak float: integers divide to floatx). */
  extra?: readonly PromotionType[];
  /** The dtype a bool result computes in instead (Keras' mod of two bools is int32). */
  boolAs?: DType;
  /** What the op is on two bools, where lamina's kernel refuses them (Keras' add of bools is their or). */
  onBool?: (a: Tensor, b: Tensor) => Tensor;
}

/**
 * `fn` with the tensor arguments at `positions` promoted first; symbolic calls go to `fn` as they
 * are (it records the operation, whose run promotes in turn).
 */
function promoteArgs<F extends Fn>(op: string, fn: F, positions: readonly number[], rule: Rule = {}): F {
  const wrapped = (...args: unknown[]): unknown => {
    if (anySymbolic(args)) return (fn as unknown as Call)(...args);
    const cast = promoted(positions.map((i) => args[i] as Input), op, rule.extra, rule.boolAs);
    if (rule.onBool !== undefined && cast[0].dtype === "bool") return rule.onBool(cast[0], cast[1]);
    const out = [...args];
    positions.forEach((p, i) => { out[p] = cast[i]; });
    return (fn as unknown as Call)(...out);
  };
  return wrapped as unknown as F;
}

/** `fn` with the list of tensors in its first argument promoted first (concatenate, stack). */
function promoteList<F extends Fn>(op: string, fn: F): F {
  const wrapped = (...args: unknown[]): unknown => {
    const list = args[0];
    if (!Array.isArray(list) || anySymbolic(args) || list.length === 0) return (fn as unknown as Call)(...args);
    return (fn as unknown as Call)(promoted(list as Input[], op), ...args.slice(1));
  };
  return wrapped as unknown as F;
}

const FLOAT: Rule = { extra: ["float"] };
const BOTH = [0, 1];

// On bools Keras' add and maximum are or, multiply and minimum and (numpy's, torch's).
const OR: Rule = { onBool: (a, b) => m.logicalOr(a, b) };
const AND: Rule = { onBool: (a, b) => m.logicalAnd(a, b) };
export const add = promoteArgs("add", m.add, BOTH, OR);
export const subtract = promoteArgs("subtract", m.sub, BOTH);
export const multiply = promoteArgs("multiply", m.mul, BOTH, AND);
export const power = promoteArgs("power", m.pow, BOTH);
export const maximum = promoteArgs("maximum", m.maximum, BOTH, OR);
export const minimum = promoteArgs("minimum", m.minimum, BOTH, AND);
export const floorDivide = promoteArgs("floorDivide", m.floorDiv, BOTH);
/** keras.ops.mod: two bools give int32 (Keras' Mod, as numpy's remainder). */
export const mod = promoteArgs("mod", m.mod, BOTH, { boolAs: "int32" });
// Keras' true division: integers divide to floatx (int32 / int32 is float32).
export const divide = promoteArgs("divide", m.div, BOTH, FLOAT);
export const trueDivide = divide;
export const arctan2 = promoteArgs("arctan2", m.atan2, BOTH, FLOAT);
export const logaddexp = promoteArgs("logaddexp", sp.logaddexp, BOTH, FLOAT);
export const divideNoNan = promoteArgs("divideNoNan", sp.divNoNan, BOTH, FLOAT);

// Comparisons compare the promoted values (int32 2 equals float32 2.0) and give bool.
export const equal = promoteArgs("equal", m.equal, BOTH);
export const notEqual = promoteArgs("notEqual", m.notEqual, BOTH);
export const less = promoteArgs("less", m.less, BOTH);
export const lessEqual = promoteArgs("lessEqual", m.lessEqual, BOTH);
export const greater = promoteArgs("greater", m.greater, BOTH);
export const greaterEqual = promoteArgs("greaterEqual", m.greaterEqual, BOTH);
export const isclose = promoteArgs("isclose", sp.isclose, BOTH);

export const concatenate = promoteList("concatenate", shp.concat);
export const stack = promoteList("stack", shp.stack);
export const hstack = promoteList("hstack", arr.hstack);
export const vstack = promoteList("vstack", arr.vstack);

/**
 * keras.ops.matmul: numpy's matmul. A 1-D x1 is a row vector and a 1-D x2 a column vector, their
 * axis dropped from the result (vector·vector is a scalar); higher ranks batch over leading axes.
 * Computed in result_type(x1, x2, float) and returned in result_type(x1, x2), as Keras'
 * TensorFlow backend does: uint8 x uint8 computes in float32 and gives uint8. int8 x int8 gives
 * int32, summed exactly in int32, as every Keras backend does for quantized layers.
 */
function matmulEager(x1In: Input, x2In: Input): Tensor {
  const int8 = promotionTypeOf(x1In, "matmul") === "int8" && promotionTypeOf(x2In, "matmul") === "int8";
  const result = int8 ? "int32" : kerasResultType([x1In, x2In], "matmul");
  const [x1, x2] = int8 ? [x1In, x2In].map((x) => m.cast(toTensor(x, "matmul"), "int32")) : promoted([x1In, x2In], "matmul", ["float"]);
  if (x1.rank === 0 || x2.rank === 0) {
    throw new RangeError(`ops.matmul: operands must have rank >= 1, got x1 ${shapeText(x1.shape)} and x2 ${shapeText(x2.shape)}; multiply by a scalar with ops.multiply`);
  }
  let y: Tensor;
  if (x1.rank === 1 || x2.rank === 1) {
    const a = x1.rank - 1;
    const b = x2.rank === 1 ? 0 : x2.rank - 2;
    if (x1.shape[a] !== x2.shape[b]) {
      throw new RangeError(`ops.matmul: x1 ${shapeText(x1.shape)} last axis (${x1.shape[a]}) must equal x2 ${shapeText(x2.shape)} axis ${b} (${x2.shape[b]})`);
    }
    y = lin.tensordot(x1, x2, [[a], [b]]);
  } else {
    y = tfMatmul(x1, x2);
  }
  return y.dtype === result ? y : m.cast(y, result);
}
export const matmul = withSymbolic(matmulEager, (a, b) => symbolicOp("Matmul", [a, b]));
export const tensordot = promoteArgs("tensordot", lin.tensordot, BOTH);
export const outer = promoteArgs("outer", lin.outer, BOTH);
export const vdot = promoteArgs("vdot", prod.vdot, BOTH);
export const correlate = promoteArgs("correlate", prod.correlate, BOTH);

/** keras.ops.einsum(subscripts, ...operands): every operand promoted to their result type. */
export const einsum: typeof tfEinsum = ((subscripts: string, ...operands: unknown[]) => {
  if (anySymbolic(operands) || operands.length < 2) return (tfEinsum as unknown as Call)(subscripts, ...operands);
  return (tfEinsum as unknown as Call)(subscripts, ...promoted(operands as Input[], "einsum"));
}) as unknown as typeof tfEinsum;

/**
 * keras.ops.clip: x in [xMin, xMax], keeping x's dtype as Keras' Clip does (bools clip as int32).
 * An integer x with a bound that is not an integer is an error, as TensorFlow's clip_by_value
 * refuses it: cast x to a float first.
 */
export function clip(x: Sym, xMin: number, xMax: number): Sym;
export function clip(x: Input, xMin: number, xMax: number): Tensor;
export function clip(x: Input | Sym, xMin: number, xMax: number): Tensor | Sym {
  if (x instanceof SymbolicValue) return m.clipByValue(x, xMin, xMax);
  let t = toTensor(x, "clip");
  if (t.dtype === "bool") t = m.cast(t, "int32");
  if (!isFloatDType(t.dtype) && !(Number.isInteger(xMin) && Number.isInteger(xMax))) {
    throw new TypeError(
      `ops.clip: x is ${t.dtype} ${shapeText(t.shape)} but the bounds xMin=${valueText(xMin)}, xMax=${valueText(xMax)} are not integers; ` +
        `Keras' clip keeps x's dtype (TensorFlow's clip_by_value refuses them): cast x to a float first, ops.clip(ops.cast(x, "float32"), ${valueText(xMin)}, ${valueText(xMax)})`,
    );
  }
  return m.clipByValue(t, xMin, xMax);
}
