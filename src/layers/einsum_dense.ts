import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add } from "../ops/math.js";
import { einsum } from "../ops/einsum.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/shape.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { type InitializerArg, type KernelBiasArgs, KERNEL_BIAS_OPTIONS, addResolvedWeight, checkWeightOptions, kernelBiasConfig, resolveInitializer } from "./weights.js";
import { VarianceScaling } from "../nn/initializers.js";
import { type LoraArgs, LORA_OPTIONS } from "./lora.js";
import { type QuantizableArgs, KernelLoraLayer } from "./quantizable.js";
import type { QuantizeOptions } from "./quantize_layer.js";
import type { QuantizedKernel, QuantizedValues } from "./quantized_kernel.js";
import { blockSizeFor } from "./quantized_kernel.js";
import { type EinsumQuantInfo, addEinsumQuantizedKernel, dequantizeEinsumKernel, einsumQuantInfo, quantizeEinsumKernel, quantizedEinsum } from "./einsum_quantization.js";

export interface EinsumDenseArgs extends LayerArgs, KernelBiasArgs, LoraArgs, QuantizableArgs {
  /**
   * The product of the input and the kernel, as "ab,bc->ac" (Dense), "abc,cde->abde" (a
   * projection to heads), "...b,bc->...c" or "ab...,bc->ac..." (axes under "..." pass through).
   * The first operand is the input, the second the kernel.
   */
  equation?: string;
  /** The output's shape without the batch axis (null: the input's size on that axis). */
  outputShape?: number | readonly (number | null)[];
  /** The output letters the bias spans, e.g. "de"; none by default (no bias). */
  biasAxes?: string | null;
  activation?: ActivationIdentifier;
}

/** The three terms of an EinsumDense equation and where "..." stands. */
interface Split {
  input: string;
  kernel: string;
  output: string;
  elision: "none" | "left" | "right";
}

function splitEquation(equation: string, where: string): Split {
  const forms: [RegExp, Split["elision"]][] = [
    [/^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/, "none"],
    [/^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$/, "left"],
    [/^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$/, "right"],
  ];
  for (const [re, elision] of forms) {
    const m = re.exec(equation);
    if (m) return { input: m[1], kernel: m[2], output: m[3], elision };
  }
  throw new SyntaxError(`${where}: invalid equation ${valueText(equation)}; use the form "ab,bc->ac", "...b,bc->...c" or "ab...,bc->ac..." (input, kernel, output)`);
}

/** Keras' _analyze_einsum_string: the kernel's and bias's shapes and the output's, for an input shape. */
function analyze(s: Split, biasAxes: string | null, inputShape: LayerShape, partial: readonly (number | null)[], where: string) {
  const rank = inputShape.length;
  const elided = rank - s.input.length;
  if (elided < 0 || (s.elision === "none" && elided !== 0)) {
    throw new RangeError(`${where}: the equation's input "${s.elision === "left" ? "..." : ""}${s.input}${s.elision === "right" ? "..." : ""}" does not fit inputs of shape ${layerShapeText(inputShape)} (rank ${rank})`);
  }
  const left = s.elision === "left";
  const wantPartial = left ? s.output.length : s.output.length - 1;
  if (partial.length !== wantPartial) {
    throw new RangeError(`${where}: outputShape ${JSON.stringify(partial)} has ${partial.length} entries but the output "${s.output}" needs ${wantPartial} (every output axis but the first${left ? ", after \"...\"" : ""})`);
  }
  // Keras' full output shape: the batch (and any elided leading axes), the given sizes, any elided trailing axes.
  const full: (number | null)[] = left
    ? [...inputShape.slice(0, elided), ...partial]
    : [inputShape[0], ...partial, ...inputShape.slice(rank - elided)];
  const inputAxis = (ch: string): number => s.input.indexOf(ch) + (left ? elided : 0);
  const outputAxis = (ch: string): number => s.output.indexOf(ch) + (left ? elided : 0);
  for (const ch of s.input) {
    if (!s.output.includes(ch)) continue;
    const inDim = inputShape[inputAxis(ch)], outDim = full[outputAxis(ch)];
    if (outDim === null) full[outputAxis(ch)] = inDim;
    else if (inDim !== null && outDim !== inDim) {
      throw new RangeError(`${where}: the input and the output share axis "${ch}" but the input has size ${inDim} there (shape ${layerShapeText(inputShape)}) and outputShape says ${outDim}`);
    }
  }
  for (const ch of s.output) {
    if (!s.input.includes(ch) && !s.kernel.includes(ch)) throw new RangeError(`${where}: output axis "${ch}" appears in neither the input "${s.input}" nor the kernel "${s.kernel}"`);
  }
  // Keras 3.15's fan axes of the kernel: an axis the output keeps is an output unit, else an input unit.
  const kernelInputAxes: number[] = [], kernelOutputAxes: number[] = [];
  [...s.kernel].forEach((ch, i) => (s.output.includes(ch) ? kernelOutputAxes : kernelInputAxes).push(i));
  const kernelShape = [...s.kernel].map((ch) => {
    const d = s.input.includes(ch) ? inputShape[inputAxis(ch)] : s.output.includes(ch) ? full[outputAxis(ch)] : undefined;
    if (d === undefined) throw new RangeError(`${where}: kernel axis "${ch}" appears in neither the input "${s.input}" nor the output "${s.output}"; the kernel's shape must follow from them`);
    if (d === null) throw new RangeError(`${where}: the size of kernel axis "${ch}" is unknown (input ${layerShapeText(inputShape)}, outputShape ${JSON.stringify(partial)}); give it`);
    return d;
  });
  let biasShape: number[] | null = null;
  if (biasAxes !== null) {
    for (const ch of biasAxes) {
      if (!s.output.includes(ch)) throw new RangeError(`${where}: bias axis "${ch}" is not in the output "${s.output}"`);
    }
    const first = Math.min(...[...biasAxes].map((ch) => s.output.indexOf(ch)));
    biasShape = [...s.output.slice(first)].map((ch) => {
      if (!biasAxes.includes(ch)) return 1;
      const d = full[outputAxis(ch)];
      if (d === null) throw new RangeError(`${where}: the size of bias axis "${ch}" is unknown; give it in outputShape`);
      return d;
    });
    if (s.elision === "right") biasShape.push(...new Array<number>(elided).fill(1));
  }
  return { kernelShape, biasShape, full, kernelInputAxes, kernelOutputAxes };
}

/**
 * Keras 3.15's EinsumDense._update_kernel_initializer: a VarianceScaling kernel initializer (Glorot,
 * He, LeCun included) given without fan axes takes its fans from the equation's axes (the summed
 * ones in, the kept ones out) rather than from the kernel's shape as if it were a conv kernel, so
 * that a projection [dim, heads, keyDim] has fan_in dim, as a Dense would. A copy gets the axes,
 * drawing with the same seed; the layer's own initializer, and so its config, stay as given.
 */
function kernelInitializerFor(given: InitializerArg | undefined, inputAxes: readonly number[], outputAxes: readonly number[]): InitializerArg {
  const init = resolveInitializer(given ?? "glorot_uniform");
  return init instanceof VarianceScaling && (init.inputAxes === null || init.outputAxes === null) ? init.withFanAxes(inputAxes, outputAxes) : init;
}

/**
 * Keras' EinsumDense: y = activation(einsum(equation, x, kernel) + bias), a dense layer over any
 * axes, e.g. EinsumDense({ equation: "abc,cde->abde", outputShape: [null, 4, 8], biasAxes: "de" })
 * projects [batch, steps, features] to [batch, steps, 4 heads, 8]. Weights kernel (its shape from
 * the equation) and bias (from biasAxes), in Keras' layouts. With LoRA enabled (loraRank, or
 * enableLora(rank)) the einsum uses kernel + loraKernelA·loraKernelB, the kernel frozen; the
 * factorization is on the kernel's last axis, as Keras': A has the kernel's other axes and the rank.
 * quantize("int8" | "int4") quantizes the kernel as Keras 3.15 does (see einsum_quantization.ts).
 */
export class EinsumDense extends KernelLoraLayer {
  static readonly options = layerOptions<EinsumDenseArgs>({ equation: true, outputShape: true, biasAxes: true, activation: true, quantizationConfig: true, ...KERNEL_BIAS_OPTIONS, ...LORA_OPTIONS });
  readonly equation: string;
  readonly partialOutputShape: readonly (number | null)[];
  readonly biasAxes: string | null;
  readonly activation: ReturnType<typeof getActivation>;
  bias: Variable | null = null;
  private readonly split: Split;
  private readonly args: EinsumDenseArgs;
  private fullOutputShape: LayerShape | null = null;
  /** The float kernel's shape (the logical one once quantized). */
  private kernelShape: number[] | null = null;

  constructor(args: EinsumDenseArgs) {
    super(args);
    const where = `EinsumDense ${this.name}`;
    if (typeof args.equation !== "string") throw new TypeError(`${where}: equation must be a string such as "ab,bc->ac", got ${valueText(args.equation)}`);
    this.equation = args.equation;
    this.split = splitEquation(args.equation, where);
    const os = args.outputShape;
    const dimOk = (d: unknown): boolean => d === null || (typeof d === "number" && Number.isInteger(d) && d > 0);
    if (typeof os === "number" ? !dimOk(os) : !(Array.isArray(os) && os.every(dimOk))) {
      throw new TypeError(`${where}: outputShape must be a positive integer or a list of positive integers and nulls (the output without its batch axis), got ${valueText(os)}`);
    }
    this.partialOutputShape = typeof os === "number" ? [os] : [...(os as (number | null)[])];
    if (args.biasAxes !== undefined && args.biasAxes !== null && (typeof args.biasAxes !== "string" || !/^[a-zA-Z]*$/.test(args.biasAxes))) {
      throw new TypeError(`${where}: biasAxes must be a string of output letters such as "de", got ${valueText(args.biasAxes)}`);
    }
    this.biasAxes = args.biasAxes ?? null;
    this.activation = getActivation(args.activation, where);
    checkWeightOptions(where, args);
    this.args = args;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const where = `EinsumDense ${this.name}`;
    if (Array.isArray(inputShape[0])) throw new TypeError(`${where}: takes one input tensor, got a list of ${inputShape.length}`);
    const { kernelShape, biasShape, full, kernelInputAxes, kernelOutputAxes } = analyze(this.split, this.biasAxes, inputShape as LayerShape, this.partialOutputShape, where);
    this.fullOutputShape = full;
    this.kernelShape = kernelShape;
    const p = this.quantizedPolicy;
    if (p !== null) {
      // Built from a quantized layer's config: the quantized variables, to be loaded.
      this.quantized = addEinsumQuantizedKernel(this.addWeight.bind(this), this.quantInfo((inputShape as LayerShape).length), kernelShape, p.mode, blockSizeFor(p.mode, this.quantizationConfigValue, p), this.quantizationConfigValue);
      this.kernel = this.quantized.kernel;
    } else {
      this.kernel = addResolvedWeight(this, "kernel", kernelShape, "glorot_uniform", {
        initializer: kernelInitializerFor(this.args.kernelInitializer, kernelInputAxes, kernelOutputAxes),
        regularizer: this.args.kernelRegularizer, constraint: this.args.kernelConstraint,
      });
    }
    if (biasShape !== null) {
      this.bias = addResolvedWeight(this, "bias", biasShape, "zeros", {
        initializer: this.args.biasInitializer, regularizer: this.args.biasRegularizer, constraint: this.args.biasConstraint,
      });
    }
    this.built = true;
    if (this.loraRank !== null) this.enableLora(this.loraRank);
  }

  /** The equation's reduced axes for inputs of rank `rank`. */
  private quantInfo(rank = (this.builtInputShape as LayerShape).length): EinsumQuantInfo {
    const s = this.split;
    return einsumQuantInfo(s.input, s.kernel, s.output, s.elision, rank);
  }

  /** Keras' kernel_scale: int8 one scale per kernel entry over the reduced axes, shaped to broadcast against the output; int4 Dense's for the flattened kernel. Null unless quantized. */
  get kernelScale(): Variable | null {
    return this.quantized?.scale ?? null;
  }

  /**
   * Keras' EinsumDense.quantize(mode, config): replaces the float kernel by its int8 form (the
   * kernel's shape, scaled over the axes the equation sums over, the inputs quantized the same
   * way at call time) or int4 form (the kernel flattened to [reduced, rest], packed, per column or
   * per block of blockSize rows with a zero point), freezes it, and sets the policy to
   * "<mode>_from_<dtype>". float8, GPTQ and AWQ are refused (see quantizers.QUANTIZATION_MODES).
   */
  quantize(mode?: string | null, options: QuantizeOptions = {}): void {
    const where = `EinsumDense ${this.name}.quantize`;
    // quantizeWith checks the mode and that the layer is built (and not yet quantized) before `make` runs.
    this.kernel = this.quantizeWith(this.kernel!, mode, options, (policy, config) => {
      const info = this.quantInfo();
      const values = quantizeEinsumKernel(this.kernel!, info, policy.mode, policy.blockSize, config, where);
      return [addEinsumQuantizedKernel(this.addWeight.bind(this), info, this.kernelShape!, policy.mode, policy.blockSize, config), values];
    }).kernel;
  }

  protected override weightsAfterMatrix(): Variable[] {
    return this.bias ? [this.bias] : [];
  }

  protected override quantizedLogicalShape(): number[] {
    return [...this.kernelShape!];
  }

  protected override dequantizedMatrix(q: QuantizedKernel): Tensor {
    return dequantizeEinsumKernel(q, this.quantInfo(), this.kernelShape!, this.floatDtype);
  }

  protected override requantizedValues(merged: Tensor, q: QuantizedKernel): QuantizedValues {
    return quantizeEinsumKernel(merged, this.quantInfo(), q.mode, q.blockSize, this.quantizationConfigValue, `EinsumDense ${this.name}`);
  }

  protected override weightAxes(): readonly number[] {
    const s = this.split;
    const rank = (this.builtInputShape as LayerShape | null)?.length ?? s.input.length;
    const offset = s.elision === "left" ? rank - s.input.length : 0;
    return [...s.input].flatMap((ch, i) => (s.kernel.includes(ch) ? [i + offset] : []));
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    if (Array.isArray(inputs)) throw new TypeError(`EinsumDense ${this.name}: takes one input tensor, got a list of ${inputs.length}`);
    const x = inputs;
    const built = this.builtInputShape as LayerShape;
    if (x.rank !== built.length) {
      throw new RangeError(`EinsumDense ${this.name}: was built for inputs of rank ${built.length} ${layerShapeText(built)}, got shape ${shapeText(x.shape)}`);
    }
    let y: Tensor;
    const q = this.quantized;
    if (q !== null) {
      // Keras' _int8_call / _int4_call; LoRA's product in float on top.
      y = quantizedEinsum(x, this.equation, q, this.quantInfo(), this.kernelShape!);
      if (this.lora !== null) {
        const { a, b } = this.lora;
        y = add(y, einsum(this.equation, x, reshape(matmul(reshape(a, [-1, a.shape[a.rank - 1]]), b), this.kernelShape!)));
      }
    } else {
      y = einsum(this.equation, x, this.mergedKernel!);
    }
    if (this.bias) y = add(y, this.bias);
    return this.activation.fn(y);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const { full } = analyze(this.split, this.biasAxes, inputShape as LayerShape, this.partialOutputShape, `EinsumDense ${this.name}`);
    return full;
  }

  /** The output shape the layer was built for (Keras' full_output_shape). */
  get builtOutputShape(): LayerShape | null {
    return this.fullOutputShape;
  }

  override getConfig(): Record<string, unknown> {
    const { dtype, ...quantization } = this.quantizationEntries();
    const base: Record<string, unknown> = { ...super.getConfig(), ...(dtype !== undefined ? { dtype } : {}) };
    const kb = kernelBiasConfig(this.args);
    // Keras 3.5's key order, with activity_regularizer among the weights' entries (null when unset).
    return {
      ...base, output_shape: [...this.partialOutputShape], equation: this.equation, activation: this.activation.name,
      bias_axes: this.biasAxes, kernel_initializer: kb.kernel_initializer, bias_initializer: kb.bias_initializer,
      kernel_regularizer: kb.kernel_regularizer, bias_regularizer: kb.bias_regularizer, activity_regularizer: base.activity_regularizer ?? null,
      kernel_constraint: kb.kernel_constraint, bias_constraint: kb.bias_constraint,
      ...quantization,
      ...this.loraConfig(),
    };
  }
}
