/**
 * Keras 3.15's keras.quantizers functions and quantizer classes for int8 and int4 weight
 * quantization: absMaxQuantize (symmetric, per axis), absMaxQuantizeGroupedWithZeroPoint
 * (asymmetric, per block of rows: int4 sub-channel), the int4 nibble packing, and the
 * Quantizer / AbsMaxQuantizer classes the quantization configs hold. Built from ops, so they run on
 * either backend; the results are plain tensors (Keras' quantizers have no gradient either).
 */
import type { Tensor } from "../tensor/tensor.js";
import { range } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { moveaxis } from "../ops/arrange.js";
import { type Input, noGrad, toTensor } from "../ops/engine.js";
import { abs, add, cast, clipByValue, div, floorDiv, mod, mul, round, sub } from "../ops/math.js";
import { max, min } from "../ops/reduce.js";
import { gather, pad, reshape, slice, stack } from "../ops/shape.js";
import type { Config } from "../nn/common.js";

/** Keras' backend.epsilon() default, which the quantizers take as their own default. */
const EPSILON = 1e-7;

/** The output dtypes a quantizer may give: lamina stores int8 (and uint8 for Keras' packing). */
export type QuantizedDType = "int8" | "uint8";

function checkRange(where: string, valueRange: readonly [number, number]): void {
  if (!Array.isArray(valueRange) || valueRange.length !== 2 || !valueRange.every(Number.isInteger) || valueRange[0] >= valueRange[1]) {
    throw new RangeError(`${where}: valueRange must be two integers [min, max] with min < max, got ${valueText(valueRange)}; e.g. [-127, 127] for int8 or [-8, 7] for int4`);
  }
}

/**
 * keras.quantizers.abs_max_quantize: scale = valueRange[1] / (max|x| along `axis` + epsilon),
 * q = clip(round(x * scale), valueRange) as `dtype` (round half to even, as numpy). Returns
 * [q, scale], the scale keeping the reduced axes (size 1) and x's dtype; x ≈ q / scale.
 */
export function absMaxQuantize(
  inputs: Input, axis: number | readonly number[], valueRange: readonly [number, number] = [-127, 127],
  dtype: QuantizedDType = "int8", epsilon = EPSILON,
): [Tensor, Tensor] {
  const where = "quantizers.absMaxQuantize";
  checkRange(where, valueRange);
  const x = toTensor(inputs, where);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new TypeError(`${where}: inputs must be float32 or float64, got ${x.dtype} ${shapeText(x.shape)}`);
  return noGrad(() => {
    const scale = div(valueRange[1], add(max(abs(x), axis as number[], true), epsilon));
    const q = cast(clipByValue(round(mul(x, scale)), valueRange[0], valueRange[1]), dtype);
    return [q, scale] as [Tensor, Tensor];
  });
}

/**
 * keras.quantizers.abs_max_quantize_grouped_with_zero_point (the numpy path Keras' layers use):
 * a 2-D [inputDim, outputDim] tensor in groups of `blockSize` rows (the last group zero-padded),
 * each column of a group mapped asymmetrically onto valueRange: scale = (max - min + epsilon) /
 * (qmax - qmin), zero = clip(round(-min / scale) + qmin), q = clip(round(x / scale) + zero).
 * Returns [q [inputDim, outputDim], scale [groups, outputDim], zero [groups, outputDim] int8];
 * x ≈ (q - zero) * scale.
 */
export function absMaxQuantizeGroupedWithZeroPoint(
  inputs: Input, blockSize: number, valueRange: readonly [number, number] = [-8, 7], dtype: QuantizedDType = "int8", epsilon = EPSILON,
): [Tensor, Tensor, Tensor] {
  const where = "quantizers.absMaxQuantizeGroupedWithZeroPoint";
  checkRange(where, valueRange);
  const x = toTensor(inputs, where);
  if (x.rank !== 2) throw new RangeError(`${where}: inputs must be 2-D [inputDim, outputDim], got ${shapeText(x.shape)}`);
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`${where}: blockSize must be a positive integer, got ${valueText(blockSize)}`);
  const [inDim, outDim] = x.shape;
  const groups = Math.ceil(inDim / blockSize);
  const [qmin, qmax] = valueRange;
  return noGrad(() => {
    const padRows = groups * blockSize - inDim;
    const padded = padRows > 0 ? pad(x, [[0, padRows], [0, 0]]) : x;
    const r = reshape(padded, [groups, blockSize, outDim]);
    const lo = min(r, 1, true), hi = max(r, 1, true);
    const scale = div(add(sub(hi, lo), epsilon), qmax - qmin);
    const zero = clipByValue(add(round(div(mul(lo, -1), scale)), qmin), qmin, qmax);
    const q = clipByValue(add(round(div(r, scale)), zero), qmin, qmax);
    const rows = slice(reshape(q, [groups * blockSize, outDim]), [0, 0], [inDim, outDim]);
    return [cast(rows, dtype), reshape(scale, [groups, outDim]), cast(reshape(zero, [groups, outDim]), "int8")] as [Tensor, Tensor, Tensor];
  });
}

/**
 * keras.quantizers.dequantize_with_sz_map: (q - zero[gIdx]) * scale[gIdx], the group of each
 * position along groupAxis of scale and zero given by gIdx.
 */
export function dequantizeWithSzMap(weights: Input, scale: Input, zero: Input, gIdx: Input, groupAxis = -1): Tensor {
  const where = "quantizers.dequantizeWithSzMap";
  const s = toTensor(scale, where);
  const groups = cast(toTensor(gIdx, where), "int32");
  const scales = gather(s, groups, groupAxis < 0 ? groupAxis + s.rank : groupAxis);
  const zeros = cast(gather(toTensor(zero, where), groups, groupAxis < 0 ? groupAxis + s.rank : groupAxis), s.dtype);
  return mul(sub(cast(toTensor(weights, where), s.dtype), zeros), scales);
}

/** `axis` of a tensor of `rank` as a non-negative index (a scalar has no axis to pack along). */
function packAxis(where: string, axis: number, rank: number): number {
  if (rank === 0) throw new RangeError(`${where}: axis ${axis} is out of range for a rank-0 tensor`);
  return normalizeAxis(axis, rank, where);
}

/**
 * keras.quantizers.pack_int4: int4 values (int8 in [-8, 7]) packed two per byte along `axis`,
 * the first of each pair in the low nibble and the second in the high one; an odd length gets a
 * zero appended. Returns [packed, packed shape, the original length along axis].
 */
export function packInt4(arr: Input, axis = 0, dtype: QuantizedDType = "int8"): [Tensor, number[], number] {
  const where = "quantizers.packInt4";
  if (dtype !== "int8" && dtype !== "uint8") throw new RangeError(`${where}: dtype must be "int8" or "uint8", got ${valueText(dtype)}`);
  const x = toTensor(arr, where);
  if (x.dtype !== dtype) throw new TypeError(`${where}: expected a ${dtype} tensor for packing, got ${x.dtype} ${shapeText(x.shape)}; cast it first`);
  const a = packAxis(where, axis, x.rank);
  return noGrad(() => {
    const front = moveaxis(cast(x, "int32"), a, 0);
    const n = front.shape[0];
    const rest = front.shape.slice(1);
    const even = n % 2 === 1 ? pad(front, [[0, 1], ...rest.map(() => [0, 0] as [number, number])]) : front;
    const pairs = reshape(even, [(n + 1) >> 1, 2, ...rest]);
    const low = mod(slice(pairs, [0, 0, ...rest.map(() => 0)], [-1, 1, ...rest]), 16);
    const high = mod(slice(pairs, [0, 1, ...rest.map(() => 0)], [-1, 1, ...rest]), 16);
    // low | high << 4 in 0..255, whose low byte as int8 is the packed value (numpy's wrap).
    const packed = reshape(add(low, mul(high, 16)), [(n + 1) >> 1, ...rest]);
    const out = cast(moveaxis(packed, 0, a), dtype);
    return [out, [...out.shape], n] as [Tensor, number[], number];
  });
}

/**
 * keras.quantizers.unpack_int4: the inverse of packInt4, giving int8 values in [-8, 7] with
 * `origLen` entries along `axis` (the padding dropped).
 */
export function unpackInt4(packed: Input, origLen: number, axis = 0, dtype: QuantizedDType = "int8"): Tensor {
  const where = "quantizers.unpackInt4";
  const p = toTensor(packed, where);
  if (p.dtype !== dtype) throw new TypeError(`${where}: expected a ${dtype} tensor, got ${p.dtype} ${shapeText(p.shape)}`);
  const a = packAxis(where, axis, p.rank);
  if (!Number.isInteger(origLen) || origLen < 0 || Math.ceil(origLen / 2) !== p.shape[a]) {
    throw new RangeError(`${where}: origLen ${valueText(origLen)} does not fit ${p.shape[a]} packed entries along axis ${axis} of ${shapeText(p.shape)} (it must be ${2 * p.shape[a] - 1} or ${2 * p.shape[a]})`);
  }
  return noGrad(() => {
    const front = moveaxis(mod(cast(p, "int32"), 256), a, 0);
    const rest = front.shape.slice(1);
    // Each nibble 0..15 back to a signed value -8..7.
    const signed = (v: Tensor): Tensor => sub(mod(add(v, 8), 16), 8);
    const low = signed(mod(front, 16)), high = signed(floorDiv(front, 16));
    const both = reshape(stack([low, high], 1), [2 * front.shape[0], ...rest]);
    const cut = slice(both, [0, ...rest.map(() => 0)], [origLen, ...rest]);
    return cast(moveaxis(cut, 0, a), "int8");
  });
}

/** The positions' groups along the input axis of a sub-channel int4 kernel (Keras' g_idx): floor(i / blockSize), float32. */
export function groupIndices(inputDim: number, blockSize: number): Tensor {
  return cast(floorDiv(range(0, inputDim, 1, "int32"), blockSize), "float32");
}

/** keras.Quantizer: the base class; calling it returns x unchanged, as Keras' does. */
export class Quantizer {
  readonly outputDtype: QuantizedDType;
  constructor(args: { outputDtype?: QuantizedDType } = {}) {
    this.outputDtype = args.outputDtype ?? "int8";
  }

  call(x: Tensor, _axis?: number | readonly number[]): Tensor | [Tensor, Tensor] {
    return x;
  }

  get className(): string {
    return "Quantizer";
  }

  getConfig(): Config {
    throw new Error(`${this.className} does not implement getConfig()`);
  }
}

export interface AbsMaxQuantizerArgs {
  /** Deprecated in Keras (give the axis to call); the default axis of call, -1 when left out. */
  axis?: number | readonly number[] | null;
  valueRange?: readonly [number, number];
  epsilon?: number;
  outputDtype?: QuantizedDType;
}

/** keras.quantizers.AbsMaxQuantizer: absMaxQuantize with stored arguments; call returns [quantized, scale]. */
export class AbsMaxQuantizer extends Quantizer {
  readonly axis: readonly number[] | null;
  readonly valueRange: readonly [number, number];
  readonly epsilon: number;

  constructor(args: AbsMaxQuantizerArgs = {}) {
    super({ outputDtype: args.outputDtype });
    const where = "quantizers.AbsMaxQuantizer";
    this.axis = args.axis === undefined || args.axis === null ? null : typeof args.axis === "number" ? [args.axis] : [...args.axis];
    this.valueRange = args.valueRange ? [args.valueRange[0], args.valueRange[1]] : [-127, 127];
    checkRange(where, this.valueRange);
    this.epsilon = args.epsilon ?? EPSILON;
    if (this.outputDtype === "int8" && (this.valueRange[0] < -128 || this.valueRange[1] > 127)) {
      throw new RangeError(`${where}: a quantizer with outputDtype "int8" requires valueRange within [-128, 127], got ${valueText(this.valueRange)}`);
    }
  }

  override get className(): string {
    return "AbsMaxQuantizer";
  }

  /** Quantizes x along `axis` (the constructor's, else -1): [quantized, scale]. */
  override call(x: Tensor, axis?: number | readonly number[]): [Tensor, Tensor] {
    const ax = axis ?? this.axis ?? -1;
    return absMaxQuantize(x, ax, this.valueRange, this.outputDtype, this.epsilon);
  }

  override getConfig(): Config {
    const cfg: Config = { value_range: [...this.valueRange], epsilon: this.epsilon, output_dtype: this.outputDtype };
    if (this.axis !== null) cfg.axis = [...this.axis];
    return cfg;
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): AbsMaxQuantizer {
    const c = config as { axis?: number[] | null; value_range?: [number, number]; epsilon?: number; output_dtype?: QuantizedDType };
    return new AbsMaxQuantizer({ axis: c.axis, valueRange: c.value_range, epsilon: c.epsilon, outputDtype: c.output_dtype });
  }
}
