/**
 * keras.ops.saturate_cast (Keras 3.15): a cast that first clips x to the target dtype's range, so
 * float 300 becomes uint8 255 rather than wrapping. As Keras does, the bounds are taken in x's dtype
 * and nudged toward zero when rounding there would leave the target's range (float32's nearest to
 * int32's maximum is 2^31, one past it, so the bound becomes 2147483520), and float inputs are
 * always clipped, so infinities become the largest finite values.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, assertDType, isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as sym from "./symbolic.js";

const F32_MAX = 3.4028234663852886e38;
/** Each dtype's range, exactly (every bound is an integer, so BigInt holds it). */
const RANGE: Record<DType, readonly [bigint, bigint]> = {
  bool: [0n, 1n], uint8: [0n, 255n], int8: [-128n, 127n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  float32: [-BigInt(F32_MAX), BigInt(F32_MAX)], float64: [-BigInt(Number.MAX_VALUE), BigInt(Number.MAX_VALUE)],
};

/** The float of `dtype` one step nearer zero than v (numpy's nextafter(v, 0)). */
function towardZero(v: number, dtype: "float32" | "float64"): number {
  if (dtype === "float32") {
    const f = new Float32Array([v]);
    new Int32Array(f.buffer)[0] -= 1;
    return f[0];
  }
  const d = new Float64Array([v]);
  new BigInt64Array(d.buffer)[0] -= 1n;
  return d[0];
}

/** `bound` as x's dtype holds it, moved toward zero if that left [lo, hi]. */
function representable(bound: bigint, inDtype: DType, lo: bigint, hi: bigint): number {
  if (!isFloatDType(inDtype)) return Number(bound);
  let v = inDtype === "float32" ? Math.fround(Number(bound)) : Number(bound);
  if (BigInt(v) < lo || BigInt(v) > hi) v = towardZero(v, inDtype);
  return v;
}

function saturateCastEager(xIn: Input, dtype: DType): Tensor {
  const to = assertDType(dtype, "ops.saturateCast");
  const x = toTensor(xIn, "ops.saturateCast");
  const [inMin, inMax] = RANGE[x.dtype];
  const [outMin, outMax] = RANGE[to];
  const lo = inMin > outMin ? inMin : outMin;
  const hi = inMax < outMax ? inMax : outMax;
  const always = isFloatDType(x.dtype);
  let y = x;
  if (always || lo > inMin) y = m.maximum(y, constant(representable(lo, x.dtype, outMin, outMax), [], x.dtype));
  if (always || hi < inMax) y = m.minimum(y, constant(representable(hi, x.dtype, outMin, outMax), [], x.dtype));
  return m.cast(y, to);
}
/** keras.ops.saturate_cast(x, dtype): x clipped to dtype's range, then cast. */
export const saturateCast = sym.withSymbolic(saturateCastEager, (x, dtype) => sym.symbolicOp("SaturateCast", [x], { dtype: assertDType(dtype, "ops.saturateCast") }));
