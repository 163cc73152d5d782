/**
 * What Keras 3.15's int8 and int4 quantized Dense shares with the other quantizable layers: the
 * quantized kernel's variables (Keras' `_kernel` as int8 or packed int4, `kernel_scale`, and
 * for int4 sub-channel `kernel_zero` and `g_idx`), quantizing a float kernel into them as
 * Dense.quantize does, dequantizing it back, and the quantized product with Keras' custom
 * gradient: the inputs' gradient through the dequantized kernel, none for the frozen kernel.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { customGrad } from "../ops/custom_grad.js";
import { cast, div, mul } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { expandDims, gather, squeeze, transpose } from "../ops/shape.js";
import { range } from "../tensor/creation.js";
import { absMaxQuantize, absMaxQuantizeGroupedWithZeroPoint, AbsMaxQuantizer, dequantizeWithSzMap, groupIndices, packInt4, type Quantizer, unpackInt4 } from "../quantizers/quantizers.js";
import { Int4QuantizationConfig, type QuantizationConfig } from "../quantizers/quantization_config.js";
import type { Layer } from "./layer.js";
import type { QuantizedPolicy } from "./dtype_policy_config.js";

/**
 * A quantized [inDim, outDim] matrix: its variables and how to read them. Dense's kernel has a
 * scale per output column (groups of input rows); Embedding's table one per row (`perRow`, groups
 * of columns), since a lookup reads whole rows.
 */
export interface QuantizedKernel {
  readonly mode: "int8" | "int4";
  readonly perRow: boolean;
  /** int8 [in, out], or int4 packed two per byte along the output axis: int8 [in, ceil(out / 2)]. */
  readonly kernel: Variable;
  /** [out], or [groups, out] for int4 sub-channel ([in], or [in, groups] perRow). */
  readonly scale: Variable;
  /** int4 sub-channel only: the zero points (int8, the scale's shape) and each input row's (perRow: column's) group (float32). */
  readonly zero: Variable | null;
  readonly gIdx: Variable | null;
  /** int4 sub-channel rows per group; null for one scale per output channel. */
  readonly blockSize: number | null;
  readonly inDim: number;
  readonly outDim: number;
  /** Quantizes the inputs per row before an integer product (int8's default); null: float inputs. */
  readonly inputsQuantizer: Quantizer | null;
}

/** The layer's way of adding weights (Layer.addWeight). */
type AddWeight = Layer["addWeight"];

/** The block size a layer quantizes with: the config's (int4), else the policy's (a layer built from a saved config). */
export function blockSizeFor(mode: "int8" | "int4", config: QuantizationConfig | null, policy: QuantizedPolicy | null): number | null {
  if (mode !== "int4") return null;
  if (config instanceof Int4QuantizationConfig) return config.groupSize;
  return policy?.blockSize ?? null;
}

/**
 * Adds the quantized matrix's variables, zero-filled, in Keras' order (<name>, <name>_scale,
 * <name>_zero, g_idx), as Dense's and Embedding's _int8_build / _int4_build do.
 */
export function addQuantizedKernel(
  addWeight: AddWeight, name: "kernel" | "embeddings", inDim: number, outDim: number, mode: "int8" | "int4", blockSize: number | null,
  config: QuantizationConfig | null, perRow = false,
): QuantizedKernel {
  // Keras: Dense's int8 quantizes the inputs by default (a config may set null); int4 is weight-only unless the config says otherwise.
  const inputsQuantizer = perRow ? null : config !== null ? config.activationQuantizer : mode === "int8" ? new AbsMaxQuantizer() : null;
  const kernelShape = mode === "int8" ? [inDim, outDim] : [inDim, (outDim + 1) >> 1];
  const kernel = addWeight(name, kernelShape, { dtype: "int8", initializer: "zeros", trainable: false });
  const grouped = perRow ? outDim : inDim;
  const groups = blockSize === null ? null : Math.ceil(grouped / blockSize);
  const scaleShape = perRow ? (groups === null ? [inDim] : [inDim, groups]) : groups === null ? [outDim] : [groups, outDim];
  const scale = addWeight(`${name}_scale`, scaleShape, { initializer: "ones", trainable: false });
  let zero: Variable | null = null, gIdx: Variable | null = null;
  if (groups !== null && blockSize !== null) {
    zero = addWeight(`${name}_zero`, scaleShape, { dtype: "int8", initializer: "zeros", trainable: false });
    gIdx = addWeight("g_idx", [grouped], { dtype: "float32", initializer: "zeros", trainable: false });
    gIdx.assign(groupIndices(grouped, blockSize));
  }
  return { mode, perRow, kernel, scale, zero, gIdx, blockSize, inDim, outDim, inputsQuantizer };
}

/** The quantized values of a float [in, out] kernel: what Dense.quantize assigns. */
export interface QuantizedValues {
  kernel: Tensor;
  scale: Tensor;
  zero: Tensor | null;
}

/**
 * Quantizes a float [in, out] kernel as Keras' Dense.quantize does: int8 (and int4 per-channel)
 * symmetric per output column (the weight quantizer's, AbsMaxQuantizer on axis 0 by default),
 * int4 sub-channel asymmetric per block of rows; int4 values packed along the output axis.
 */
export function quantizeKernel(kernel: Tensor, mode: "int8" | "int4", blockSize: number | null, config: QuantizationConfig | null, perRow = false): QuantizedValues {
  if (perRow) return quantizeRows(kernel, mode, blockSize, config);
  if (mode === "int4" && blockSize !== null) {
    const [q, scale, zero] = absMaxQuantizeGroupedWithZeroPoint(kernel, blockSize);
    return { kernel: packInt4(q, -1)[0], scale, zero };
  }
  const range: [number, number] = mode === "int8" ? [-127, 127] : [-8, 7];
  const wq = config?.weightQuantizer ?? null;
  const [q, scale] = wq instanceof AbsMaxQuantizer ? wq.call(kernel, wq.axis ?? 0) : absMaxQuantize(kernel, 0, range);
  const s = squeeze(scale, 0);
  return { kernel: mode === "int4" ? packInt4(q, -1)[0] : q, scale: s, zero: null };
}

/**
 * Embedding.quantize's values: each row of the table its own scale (AbsMaxQuantizer on the last
 * axis), or for int4 sub-channel the grouping over columns (Keras quantizes the transpose).
 */
function quantizeRows(table: Tensor, mode: "int8" | "int4", blockSize: number | null, config: QuantizationConfig | null): QuantizedValues {
  if (mode === "int4" && blockSize !== null) {
    const [q, scale, zero] = absMaxQuantizeGroupedWithZeroPoint(transpose(table), blockSize);
    return { kernel: packInt4(transpose(q), -1)[0], scale: transpose(scale), zero: transpose(zero) };
  }
  const wq = config?.weightQuantizer ?? null;
  const [q, scale] = wq instanceof AbsMaxQuantizer ? wq.call(table, wq.axis ?? -1) : absMaxQuantize(table, -1, mode === "int8" ? [-127, 127] : [-8, 7]);
  return { kernel: mode === "int4" ? packInt4(q, -1)[0] : q, scale: squeeze(scale, -1), zero: null };
}

/**
 * The float rows at `indices` (int32) of a perRow table, [...indices, outDim]: only those rows are
 * unpacked and dequantized (Keras unpacks the whole table first; the values are the same).
 */
export function lookupRows(q: QuantizedKernel, indices: Tensor, dtype: "float32" | "float64"): Tensor {
  const stored = gather(q.kernel, indices, 0);
  const ints = cast(q.mode === "int4" ? unpackInt4(stored, q.outDim, -1) : stored, dtype);
  const scale = gather(q.scale, indices, 0);
  if (q.zero !== null && q.gIdx !== null) return cast(dequantizeWithSzMap(ints, scale, gather(q.zero, indices, 0), q.gIdx, -1), dtype);
  return div(ints, expandDims(cast(scale, dtype), -1));
}

/** Assigns quantized values to the kernel's variables. */
export function assignQuantized(q: QuantizedKernel, v: QuantizedValues): void {
  q.kernel.assign(v.kernel);
  q.scale.assign(v.scale);
  if (q.zero !== null && v.zero !== null) q.zero.assign(v.zero);
}

/** The integer kernel [in, out] (int4 unpacked), int8 values. */
function integerKernel(q: QuantizedKernel): Tensor {
  return q.mode === "int4" ? unpackInt4(q.kernel, q.outDim, -1) : q.kernel;
}

/** The float kernel the quantized one stands for: q / scale, or (q - zero) * scale per group. */
export function dequantizeKernel(q: QuantizedKernel, dtype: "float32" | "float64"): Tensor {
  if (q.perRow) return lookupRows(q, range(0, q.inDim, 1, "int32"), dtype);
  const ints = integerKernel(q);
  if (q.zero !== null && q.gIdx !== null) return cast(dequantizeWithSzMap(ints, q.scale, q.zero, q.gIdx, 0), dtype);
  return div(cast(ints, dtype), cast(q.scale, dtype));
}

/**
 * inputs times the integer matrix `ints` (transposed when `transposeB`) whose columns have the
 * scales `scale`: with an inputs quantizer, an exact int8 product divided by scale * inputs_scale;
 * without, inputs meet the integers in float and the product is divided by scale.
 */
function scaledIntegerProduct(inputs: Tensor, ints: Tensor, transposeB: boolean, scaleVar: Tensor, quantizer: Quantizer | null, dtype: "float32" | "float64"): Tensor {
  const scale = cast(scaleVar, dtype);
  if (quantizer === null) return div(matmul(inputs, cast(ints, dtype), false, transposeB), scale);
  const out = quantizer.call(inputs, -1);
  if (!Array.isArray(out)) throw new TypeError(`quantized matmul: the inputs quantizer ${quantizer.className} must return [quantized, scale]`);
  const [xq, xs] = out;
  const raw = xq.dtype === ints.dtype ? matmul(xq, ints, false, transposeB) : matmul(cast(xq, dtype), cast(ints, dtype), false, transposeB);
  return div(cast(raw, dtype), mul(scale, cast(xs, dtype)));
}

/** `value(x)` with Keras' custom gradient: dy times the transpose of `floatMatrix()` (the dequantized matrix x multiplies). */
function withDequantizedGradient(x: Tensor, value: (inputs: Tensor) => Tensor, floatMatrix: () => Tensor): Tensor {
  return customGrad((inputs: Tensor) => ({ value: value(inputs), gradFunc: (dy: Tensor) => [matmul(dy, floatMatrix(), false, true)] }))(x);
}

/**
 * x [rows, in] times the quantized kernel, [rows, out], as Keras' _int8_call / _int4_call: with an
 * inputs quantizer, x is quantized per row and the int8 product (exact, in int32) is divided by
 * kernel_scale * inputs_scale; without one, x meets the integer kernel in float and the product is
 * divided by kernel_scale; int4 sub-channel multiplies by the dequantized kernel. The gradient
 * reaches x only, through the dequantized kernel.
 */
export function quantizedMatmul(x: Tensor, q: QuantizedKernel): Tensor {
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  return withDequantizedGradient(
    x,
    (inputs) => (q.zero !== null ? matmul(inputs, dequantizeKernel(q, dtype)) : scaledIntegerProduct(inputs, integerKernel(q), false, q.scale, q.inputsQuantizer, dtype)),
    () => dequantizeKernel(q, dtype),
  );
}

/**
 * h [rows, out] times the transpose of a perRow table [in, out] (ReversibleEmbedding's tied reverse
 * projection, Keras' _int8_call / _int4_call with reverse): each table row's scale divides its
 * logit; int4 sub-channel multiplies by the dequantized table. The gradient reaches h through the
 * dequantized table.
 */
export function quantizedTransposedMatmul(h: Tensor, q: QuantizedKernel, quantizer: Quantizer | null): Tensor {
  const dtype = h.dtype === "float64" ? "float64" : "float32";
  const table = (): Tensor => dequantizeKernel(q, dtype);
  return withDequantizedGradient(
    h,
    (inputs) => (q.zero !== null ? matmul(inputs, table(), false, true) : scaledIntegerProduct(inputs, integerKernel(q), true, q.scale, quantizer, dtype)),
    () => transpose(table()),
  );
}
