/**
 * Keras 3.15's int8 and int4 EinsumDense: which axes of the input and the kernel an equation
 * reduces (Keras' _analyze_quantization_info), the quantized kernel's variables, and the quantized
 * einsum with Keras' custom gradient (the inputs' gradient through the dequantized kernel).
 *
 * int8 keeps the kernel's own shape; kernel_scale holds one scale per kernel entry left after
 * the reduced axes, laid out to broadcast against the output (rank of the output, 1 where the
 * kernel has no axis) — the shape Keras' transpose/expand/squeeze of the scale arrives at.
 * int4 flattens the kernel to [reduced sizes, the rest] by a plain reshape (as Keras does, even
 * when the reduced axes are not the kernel's leading ones) and quantizes that matrix as Dense does.
 */
import type { Tensor } from "../tensor/tensor.js";
import { customGrad } from "../ops/custom_grad.js";
import { cast, div, mul } from "../ops/math.js";
import { einsum } from "../ops/einsum.js";
import { reshape, transpose } from "../ops/shape.js";
import { absMaxQuantize, AbsMaxQuantizer, type Quantizer } from "../quantizers/quantizers.js";
import type { QuantizationConfig } from "../quantizers/quantization_config.js";
import type { Layer } from "./layer.js";
import { type QuantizedKernel, type QuantizedValues, addQuantizedKernel, dequantizeKernel, quantizeKernel } from "./quantized_kernel.js";

/** An equation's terms with "..." replaced by letters of their own (fixed by the input's rank). */
export interface EinsumQuantInfo {
  readonly input: string;
  readonly kernel: string;
  readonly output: string;
  /** Input axes the product sums over: the inputs are quantized per the other axes. */
  readonly inputReduced: readonly number[];
  /** Kernel axes the product sums over: one scale per entry of the other axes. */
  readonly kernelReduced: readonly number[];
  /** Keras' _custom_gradient_equation: dy and the kernel to the inputs' gradient. */
  readonly gradientEquation: string;
}

/** Keras' get_specs and reduced axes, for an input of rank `inputRank`. */
export function einsumQuantInfo(input: string, kernel: string, output: string, elision: "none" | "left" | "right", inputRank: number): EinsumQuantInfo {
  const used = new Set([...input, ...kernel, ...output]);
  const spare = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"].filter((c) => !used.has(c));
  const elided = spare.slice(0, elision === "none" ? 0 : inputRank - input.length).join("");
  const inp = elision === "left" ? elided + input : input + elided;
  const out = elision === "left" ? elided + output : output + elided;
  const reduced = (spec: string): number[] => [...spec].flatMap((c, i) => (out.includes(c) ? [] : [i]));
  return { input: inp, kernel, output: out, inputReduced: reduced(inp), kernelReduced: reduced(kernel), gradientEquation: `${out},${kernel}->${inp}` };
}

/** A scale shaped like `spec` with 1 on the reduced axes, rearranged to broadcast against the output (Keras' _adjust_scale_for_quant). */
function alignToOutput(scale: Tensor, spec: string, output: string): Tensor {
  const kept = [...spec].filter((c) => output.includes(c));
  const dims = kept.map((c) => scale.shape[spec.indexOf(c)]);
  const order = [...output].filter((c) => kept.includes(c));
  const moved = transpose(reshape(scale, dims), order.map((c) => kept.indexOf(c)));
  return reshape(moved, [...output].map((c) => (kept.includes(c) ? dims[kept.indexOf(c)] : 1)));
}

/** The inverse of alignToOutput for the kernel: its scale shaped like the kernel, 1 on the reduced axes (Keras' _adjust_scale_for_dequant). */
function alignToKernel(scale: Tensor, info: EinsumQuantInfo, kernelShape: readonly number[]): Tensor {
  const k = info.kernel, out = info.output;
  const kept = [...k].filter((c) => out.includes(c));
  const order = [...out].filter((c) => kept.includes(c));
  const inOutputOrder = reshape(scale, order.map((c) => kernelShape[k.indexOf(c)]));
  const moved = transpose(inOutputOrder, kept.map((c) => order.indexOf(c)));
  return reshape(moved, [...k].map((c, i) => (out.includes(c) ? kernelShape[i] : 1)));
}

/** int4's 2-D view of the kernel: [product of the reduced axes' sizes, product of the others]. */
export function flatKernelShape(info: EinsumQuantInfo, kernelShape: readonly number[]): [number, number] {
  let rows = 1, cols = 1;
  kernelShape.forEach((d, i) => {
    if (info.kernelReduced.includes(i)) rows *= d;
    else cols *= d;
  });
  return [rows, cols];
}

/**
 * Adds the quantized kernel's variables, as Keras' _int8_build / _int4_build: int8 `kernel` in
 * the kernel's shape and `kernel_scale` aligned with the output; int4 Dense's variables for the
 * flattened kernel (packed `kernel`, `kernel_scale`, and sub-channel `kernel_zero`, `g_idx`).
 */
export function addEinsumQuantizedKernel(
  addWeight: Layer["addWeight"], info: EinsumQuantInfo, kernelShape: readonly number[], mode: "int8" | "int4",
  blockSize: number | null, config: QuantizationConfig | null,
): QuantizedKernel {
  const [rows, cols] = flatKernelShape(info, kernelShape);
  if (mode === "int4") return addQuantizedKernel(addWeight, "kernel", rows, cols, "int4", blockSize, config);
  const kernel = addWeight("kernel", [...kernelShape], { dtype: "int8", initializer: "zeros", trainable: false });
  const scaleShape = [...info.output].map((c) => (info.kernel.includes(c) ? kernelShape[info.kernel.indexOf(c)] : 1));
  const scale = addWeight("kernel_scale", scaleShape, { initializer: "ones", trainable: false });
  const inputsQuantizer = config !== null ? config.activationQuantizer : new AbsMaxQuantizer();
  return { mode, perRow: false, kernel, scale, zero: null, gIdx: null, blockSize: null, inDim: rows, outDim: cols, inputsQuantizer };
}

/**
 * The quantized values of a float kernel, as Keras' EinsumDense.quantize: int8 symmetric over the
 * reduced axes (the config's weight quantizer's range, else [-127, 127]); int4 the flattened
 * kernel quantized as Dense's (per column, or per block of rows with a zero point).
 */
export function quantizeEinsumKernel(
  kernel: Tensor, info: EinsumQuantInfo, mode: "int8" | "int4", blockSize: number | null, config: QuantizationConfig | null, where: string,
): QuantizedValues {
  if (mode === "int4") return quantizeKernel(reshape(kernel, flatKernelShape(info, kernel.shape)), "int4", blockSize, null);
  const wq = config?.weightQuantizer ?? null;
  if (wq !== null && !(wq instanceof AbsMaxQuantizer)) throw new TypeError(`${where}: the int8 weight quantizer must be an AbsMaxQuantizer, got ${wq.className}`);
  if (wq?.axis && [...wq.axis].sort().join() !== [...info.kernelReduced].join()) {
    throw new RangeError(`${where}: the weight quantizer's axis [${wq.axis.join(", ")}] must be the kernel axes the equation reduces, [${info.kernelReduced.join(", ")}] for kernel "${info.kernel}"; leave its axis unset`);
  }
  const [q, scale] = absMaxQuantize(kernel, [...info.kernelReduced], wq?.valueRange ?? [-127, 127], "int8", wq?.epsilon);
  return { kernel: q, scale: alignToOutput(scale, info.kernel, info.output), zero: null };
}

/** The float kernel (its own shape) the quantized one stands for. */
export function dequantizeEinsumKernel(q: QuantizedKernel, info: EinsumQuantInfo, kernelShape: readonly number[], dtype: "float32" | "float64"): Tensor {
  if (q.mode === "int4") return reshape(dequantizeKernel(q, dtype), [...kernelShape]);
  return div(cast(q.kernel, dtype), cast(alignToKernel(q.scale, info, kernelShape), dtype));
}

/** The inputs quantized per their kept axes: [quantized, scale aligned with the output]. */
function quantizeInputs(x: Tensor, quantizer: Quantizer, info: EinsumQuantInfo): [Tensor, Tensor] {
  const out = quantizer.call(x, [...info.inputReduced]);
  if (!Array.isArray(out)) throw new TypeError(`EinsumDense: the inputs quantizer ${quantizer.className} must return [quantized, scale]`);
  return [out[0], alignToOutput(out[1], info.input, info.output)];
}

/**
 * einsum(equation, x, kernel) for the quantized kernel, as Keras' _int8_call / _int4_call: int8
 * with an inputs quantizer is an exact integer einsum divided by inputs_scale * kernel_scale,
 * without one the inputs meet the integer kernel in float; int4 uses the dequantized kernel (and
 * divides by inputs_scale when a config quantizes the inputs). The gradient reaches x only.
 */
export function quantizedEinsum(x: Tensor, equation: string, q: QuantizedKernel, info: EinsumQuantInfo, kernelShape: readonly number[]): Tensor {
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const floatKernel = (): Tensor => dequantizeEinsumKernel(q, info, kernelShape, dtype);
  const value = (inputs: Tensor): Tensor => {
    const quantizer = q.inputsQuantizer;
    if (q.mode === "int4") {
      if (quantizer === null) return einsum(equation, inputs, floatKernel());
      const [xq, xs] = quantizeInputs(inputs, quantizer, info);
      return div(einsum(equation, cast(xq, dtype), floatKernel()), cast(xs, dtype));
    }
    const scale = cast(q.scale, dtype);
    if (quantizer === null) return div(einsum(equation, inputs, cast(q.kernel, dtype)), scale);
    const [xq, xs] = quantizeInputs(inputs, quantizer, info);
    const raw = xq.dtype === "int8" ? einsum(equation, xq, q.kernel) : einsum(equation, cast(xq, dtype), cast(q.kernel, dtype));
    return div(cast(raw, dtype), mul(cast(xs, dtype), scale));
  };
  return customGrad((inputs: Tensor) => ({ value: value(inputs), gradFunc: (dy: Tensor) => [einsum(info.gradientEquation, dy, floatKernel())] }))(x);
}
