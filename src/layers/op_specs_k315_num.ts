/**
 * OP_SPECS entries for Keras 3.15's element-wise, bitwise and NaN-reduction operations (keras.src.ops.numpy):
 * the class names and config keys Keras writes (its auto-generated configs: the __init__ arguments,
 * none for the element-wise classes), run with the `ops` members that record them.
 */
import * as ko from "../ops/keras_ops.js";
import { call } from "./op_specs_keras_ops.js";
import type { OpSpec } from "./op_specs.js";

const NUMPY = "keras.src.ops.numpy";
/** Keras 3.15's operation classes take `name`, so their auto-generated configs keep it beside the arguments. */
const named = (spec: OpSpec): OpSpec => ({ ...spec, nameKey: true });
const REDUCE = ["axis", "keepdims"];
const QUANTILE = ["axis", "method", "keepdims"];

export const K315_NUM_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  // element-wise, no config beyond the name
  ["Cbrt", call(NUMPY, ko.cbrt)],
  ["Deg2rad", call(NUMPY, ko.deg2rad)],
  ["Rad2deg", call(NUMPY, ko.rad2deg)],
  ["Exp2", call(NUMPY, ko.exp2)],
  ["Fabs", call(NUMPY, ko.fabs)],
  ["Fmod", call(NUMPY, ko.fmod)],
  ["Fmax", call(NUMPY, ko.fmax)],
  ["Fmin", call(NUMPY, ko.fmin)],
  ["Hypot", call(NUMPY, ko.hypot)],
  ["Ldexp", call(NUMPY, ko.ldexp)],
  ["Logaddexp2", call(NUMPY, ko.logaddexp2)],
  ["Signbit", call(NUMPY, ko.signbit)],
  ["Sinc", call(NUMPY, ko.sinc)],
  ["Trunc", call(NUMPY, ko.trunc)],
  ["Heaviside", call(NUMPY, ko.heaviside)],
  ["Isneginf", call(NUMPY, ko.isneginf)],
  ["Isposinf", call(NUMPY, ko.isposinf)],
  ["Isreal", call(NUMPY, ko.isreal)],
  ["I0", call(NUMPY, ko.i0)],
  ["Nextafter", call(NUMPY, ko.nextafter)],
  ["Gcd", call(NUMPY, ko.gcd)],
  ["Lcm", call(NUMPY, ko.lcm)],
  // bitwise
  ["BitwiseAnd", call(NUMPY, ko.bitwiseAnd)],
  ["BitwiseOr", call(NUMPY, ko.bitwiseOr)],
  ["BitwiseXor", call(NUMPY, ko.bitwiseXor)],
  ["BitwiseNot", call(NUMPY, ko.bitwiseNot)],
  ["BitwiseInvert", call(NUMPY, ko.bitwiseInvert)],
  ["BitwiseLeftShift", call(NUMPY, ko.bitwiseLeftShift)],
  ["BitwiseRightShift", call(NUMPY, ko.bitwiseRightShift)],
  ["LeftShift", call(NUMPY, ko.leftShift)],
  ["RightShift", call(NUMPY, ko.rightShift)],
  // NaN reductions and neighbours
  ["Nanmax", named(call(NUMPY, ko.nanmax, REDUCE))],
  ["Nanmin", named(call(NUMPY, ko.nanmin, REDUCE))],
  ["Nanmean", named(call(NUMPY, ko.nanmean, REDUCE))],
  ["Nansum", named(call(NUMPY, ko.nansum, REDUCE))],
  ["Nanprod", named(call(NUMPY, ko.nanprod, REDUCE))],
  ["Nanstd", named(call(NUMPY, ko.nanstd, REDUCE))],
  ["Nanvar", named(call(NUMPY, ko.nanvar, REDUCE))],
  ["Nanmedian", named(call(NUMPY, ko.nanmedian, REDUCE))],
  ["Nanargmax", named(call(NUMPY, ko.nanargmax, REDUCE))],
  ["Nanargmin", named(call(NUMPY, ko.nanargmin, REDUCE))],
  ["Nancumsum", named(call(NUMPY, ko.nancumsum, ["axis", "dtype"]))],
  ["Nancumprod", named(call(NUMPY, ko.nancumprod, ["axis", "dtype"]))],
  ["Nanquantile", named(call(NUMPY, ko.nanquantile, QUANTILE))],
  ["Nanpercentile", named(call(NUMPY, ko.nanpercentile, QUANTILE))],
  ["Percentile", named(call(NUMPY, ko.percentile, QUANTILE))],
  ["Ptp", named(call(NUMPY, ko.ptp, REDUCE))],
  ["AllClose", named(call(NUMPY, ko.allclose, ["rtol", "atol", "equal_nan"]))],
];
