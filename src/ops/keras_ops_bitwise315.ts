/**
 * keras.ops' bitwise members (new since Keras 3.5): bitwise_and/or/xor/not/invert and the left and
 * right shifts, on integer and bool tensors as numpy computes them (two's complement, shifts past
 * the width give 0, or -1 for negative values shifted right). lamina has no bitwise kernels, so
 * they are composed of integer arithmetic: a value's bits are floorDiv/mod by powers of two (its
 * sign bit is x < 0), and a shift is a multiplication or floor division by a power of two.
 * Floats are refused, as numpy refuses them. None is differentiable (integer results).
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import { sum } from "./reduce.js";
import { expandDims, gather } from "./shape.js";
import * as sym from "./symbolic.js";
import { asDType, kerasResultType } from "./keras_promote.js";

type IntDType = "int32" | "int64" | "uint8";
/** Width in bits and whether the top bit is a sign (two's complement). */
const WIDTH: Record<IntDType, { bits: number; signed: boolean }> = {
  int32: { bits: 32, signed: true },
  int64: { bits: 64, signed: true },
  uint8: { bits: 8, signed: false },
};

function refuseFloat(op: string, d: DType, shapes: string): void {
  if (isFloatDType(d)) {
    throw new TypeError(`ops.${op}: bitwise operations take integer or bool tensors, but the operands are ${d} ${shapes}; numpy refuses floats too, cast with ops.cast(x, "int32")`);
  }
}

/** 2^0 .. 2^(count-1) as a 1-D tensor of `dtype` (each fits: count stops below the sign bit). */
const powersOfTwo = (count: number, dtype: IntDType): Tensor => constant(Array.from({ length: count }, (_, k) => 2 ** k), [count], dtype);

/** The bits below the sign bit of x, as 0/1 in a new last axis; the sign bit is x < 0 for signed types. */
function lowBits(x: Tensor, w: { bits: number; signed: boolean }, dtype: IntDType): Tensor {
  const n = w.signed ? w.bits - 1 : w.bits;
  return m.mod(m.floorDiv(expandDims(x, -1), powersOfTwo(n, dtype)), 2);
}

/** The integer whose low bits (last axis) and sign bit (bool) these are. */
function fromBits(low: Tensor, sign: Tensor | null, w: { bits: number; signed: boolean }, dtype: IntDType): Tensor {
  const value = sum(m.mul(low, powersOfTwo(low.shape[low.rank - 1], dtype)), -1);
  // The sign bit weighs -2^(bits-1): subtracting the two halves keeps every step inside the type.
  if (sign === null) return value;
  const half = constant(-(2 ** (w.bits - 2)), [], dtype);
  const signed = m.where(sign, half, m.mul(half, 0));
  return m.add(m.add(value, signed), signed);
}

type BitRule = { onBool: (a: Tensor, b: Tensor) => Tensor; onBits: (a: Tensor, b: Tensor) => Tensor };

function bitwiseBinary(op: string, rule: BitRule): (x: Input, y: Input) => Tensor {
  return (xIn, yIn) => {
    const d = kerasResultType([xIn, yIn], op);
    const x = asDType(xIn, d, op, "x"), y = asDType(yIn, d, op, "y");
    refuseFloat(op, d, `(x ${shapeText(x.shape)}, y ${shapeText(y.shape)})`);
    if (d === "bool") return rule.onBool(x, y);
    const w = WIDTH[d as IntDType];
    const low = rule.onBits(lowBits(x, w, d as IntDType), lowBits(y, w, d as IntDType));
    const sign = w.signed ? rule.onBool(m.less(x, 0), m.less(y, 0)) : null;
    return fromBits(low, sign, w, d as IntDType);
  };
}

/** keras.ops.bitwise_and(x, y): the bits set in both (and, for bools), in result_type(x, y). */
export const bitwiseAnd = sym.withSymbolic(
  bitwiseBinary("bitwiseAnd", { onBool: m.logicalAnd, onBits: (a, b) => m.mul(a, b) }),
  (x, y) => sym.symbolicOp("BitwiseAnd", [x, y]));
/** keras.ops.bitwise_or(x, y): the bits set in either (or, for bools). */
export const bitwiseOr = sym.withSymbolic(
  bitwiseBinary("bitwiseOr", { onBool: m.logicalOr, onBits: (a, b) => m.maximum(a, b) }),
  (x, y) => sym.symbolicOp("BitwiseOr", [x, y]));
/** keras.ops.bitwise_xor(x, y): the bits set in exactly one (xor, for bools). */
export const bitwiseXor = sym.withSymbolic(
  bitwiseBinary("bitwiseXor", { onBool: m.logicalXor, onBits: (a, b) => m.mod(m.add(a, b), 2) }),
  (x, y) => sym.symbolicOp("BitwiseXor", [x, y]));

function invertEager(op: string): (xIn: Input) => Tensor {
  return (xIn) => {
    const x = toTensor(xIn, op);
    refuseFloat(op, x.dtype, shapeText(x.shape));
    if (x.dtype === "bool") return m.logicalNot(x);
    // ~x is -1 - x in two's complement (255 - x unsigned); neither side overflows.
    return m.sub(constant(x.dtype === "uint8" ? 255 : -1, [], x.dtype), x);
  };
}
/** keras.ops.bitwise_invert(x): every bit flipped (~x; not, for bools), in x's dtype. */
export const bitwiseInvert = sym.withSymbolic(invertEager("bitwiseInvert"), (x) => sym.symbolicOp("BitwiseInvert", [x]));
/** keras.ops.bitwise_not(x): bitwise_invert under numpy's other name (Keras records BitwiseNot). */
export const bitwiseNot = sym.withSymbolic(invertEager("bitwiseNot"), (x) => sym.symbolicOp("BitwiseNot", [x]));

/**
 * The operands of a shift: both in result_type(x, y), except a JavaScript integer y (Keras' Python
 * int), which leaves x's dtype as it is. Bools are refused: numpy shifts them as int8, which lamina lacks.
 */
function shiftOperands(op: string, xIn: Input, yIn: Input): [Tensor, Tensor, IntDType] {
  const x0 = toTensor(xIn, op, "x");
  const d = typeof yIn === "number" && Number.isInteger(yIn) ? x0.dtype : kerasResultType([xIn, yIn], op);
  refuseFloat(op, d, `(x ${shapeText(x0.shape)})`);
  if (d === "bool") throw new TypeError(`ops.${op}: bool tensors cannot be shifted (numpy shifts them as int8, which lamina lacks); cast x with ops.cast(x, "int32")`);
  const dt = d as IntDType;
  return [asDType(x0, dt, op, "x"), typeof yIn === "number" ? constant(yIn, [], "int32") : asDType(yIn, dt, op, "y"), dt];
}

/** Shift counts numpy maps to "past the width": at least `bits`, or negative (C's unsigned view of them). */
const pastWidth = (y: Tensor, bits: number): Tensor => m.logicalOr(m.greaterEqual(y, bits), m.less(y, 0));

/** 2^clip(y, 0, count - 1) of `dtype`, gathered from a table (a power of y would need float pow). */
function powerOfTwoAt(y: Tensor, count: number, dtype: IntDType): Tensor {
  const idx = m.cast(m.clipByValue(m.cast(y, "int32"), 0, count - 1), "int32");
  return gather(powersOfTwo(count, dtype), idx, 0);
}

function leftShiftEager(op: string): (x: Input, y: Input) => Tensor {
  return (xIn, yIn) => {
    const [x, y, d] = shiftOperands(op, xIn, yIn);
    const { bits } = WIDTH[d];
    // x * 2^y wraps as the shift does; 2^(bits-1) does not fit a signed type, so the last doubling is separate.
    const top = bits - 2;
    let out = m.mul(x, powerOfTwoAt(y, top + 1, d));
    out = m.where(m.greater(y, top), m.mul(out, 2), out);
    return m.where(pastWidth(y, bits), m.mul(x, 0), out);
  };
}

function rightShiftEager(op: string): (x: Input, y: Input) => Tensor {
  return (xIn, yIn) => {
    const [x, y, d] = shiftOperands(op, xIn, yIn);
    const { bits, signed } = WIDTH[d];
    // An arithmetic shift is floor division by 2^y; past the width only the sign is left.
    const top = signed ? bits - 2 : bits - 1;
    const out = m.floorDiv(x, powerOfTwoAt(y, top + 1, d));
    const rest = signed ? m.where(m.less(x, 0), m.sub(m.mul(x, 0), 1), m.mul(x, 0)) : m.mul(x, 0);
    return m.where(m.logicalOr(pastWidth(y, bits), m.greater(y, top)), rest, out);
  };
}

/** keras.ops.bitwise_left_shift(x, y): x's bits moved up by y (x * 2^y, wrapping), in x's type for a JavaScript integer y. */
export const bitwiseLeftShift = sym.withSymbolic(leftShiftEager("bitwiseLeftShift"), (x, y) => sym.symbolicOp("BitwiseLeftShift", [x, y]));
/** keras.ops.left_shift: bitwise_left_shift under numpy's other name (Keras records LeftShift). */
export const leftShift = sym.withSymbolic(leftShiftEager("leftShift"), (x, y) => sym.symbolicOp("LeftShift", [x, y]));
/** keras.ops.bitwise_right_shift(x, y): x's bits moved down by y, the sign filling in (floor(x / 2^y)). */
export const bitwiseRightShift = sym.withSymbolic(rightShiftEager("bitwiseRightShift"), (x, y) => sym.symbolicOp("BitwiseRightShift", [x, y]));
/** keras.ops.right_shift: bitwise_right_shift under numpy's other name (Keras records RightShift). */
export const rightShift = sym.withSymbolic(rightShiftEager("rightShift"), (x, y) => sym.symbolicOp("RightShift", [x, y]));
