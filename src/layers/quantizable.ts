/**
 * The layers Keras 3.15 quantizes to int8/int4 (Dense, EinsumDense, Embedding) share what quantization changes
 * around their matrix: the quantized policy and config (and their config entries), the quantized
 * matrix's variables in Keras' saving order, and LoRA on top of it (factors of the logical shape,
 * the dequantized matrix as the merged one, and saving that re-quantizes the merged matrix as
 * Keras' _get_kernel_with_merged_lora does). Each layer keeps its own quantize() and call.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/shape.js";
import type { LayerArgs, VariableStore } from "./layer.js";
import { type LoraArgs, type LoraTarget, LoraLayer } from "./lora.js";
import type { ConstraintArg, KernelBiasArgs, RegularizerArg } from "./weights.js";
import { type QuantizedPolicy, quantizedPolicyOf } from "./dtype_policy_config.js";
import { type QuantizedKernel, type QuantizedValues, addQuantizedKernel, assignQuantized, blockSizeFor, dequantizeKernel, quantizeKernel } from "./quantized_kernel.js";
import type { QuantizationConfig } from "../quantizers/quantization_config.js";
import type { Quantizer } from "../quantizers/quantizers.js";
import { type QuantizeOptions, quantizationConfigEntries, resolveQuantization } from "./quantize_layer.js";

export interface QuantizableArgs {
  /** Keras' quantization_config: the config a quantized layer was quantized with (a saved config gives it back). */
  quantizationConfig?: QuantizationConfig | null;
}

/** A LoRA-capable layer whose matrix can be quantized. */
export abstract class QuantizableLayer extends LoraLayer {
  /** A quantized dtype policy ("int8_from_float32") builds the layer quantized. */
  static readonly quantizable: boolean = true;
  /** The quantized policy the layer is built with or was quantized to; null for a float layer. */
  protected quantizedPolicy: QuantizedPolicy | null;
  protected quantizationConfigValue: QuantizationConfig | null;
  protected quantized: QuantizedKernel | null = null;

  constructor(args: LayerArgs & LoraArgs & QuantizableArgs) {
    super(args);
    this.quantizedPolicy = quantizedPolicyOf(args.dtype, `${this.className} ${this.name}`) ?? null;
    this.quantizationConfigValue = args.quantizationConfig ?? null;
  }

  /** The layer's LoRA target before quantization changes its shape. */
  protected abstract baseLoraTarget(): LoraTarget;

  /** Keras' quantization_mode: "int8" or "int4" once quantized, else null. */
  get quantizationMode(): "int8" | "int4" | null {
    return this.quantizedPolicy?.mode ?? null;
  }

  /** Keras' quantization_config: the config the layer was quantized with (null for a float layer). */
  get quantizationConfig(): QuantizationConfig | null {
    return this.quantizationConfigValue;
  }

  /**
   * Keras' inputs_quantizer: the quantizer applied to the inputs at call time (int8's AbsMaxQuantizer
   * by default, a config's activation quantizer); null for a float layer or weight-only quantization.
   */
  get inputsQuantizer(): Quantizer | null {
    return this.quantized?.inputsQuantizer ?? null;
  }

  /** The computation dtype of the dequantized matrix. */
  protected get floatDtype(): "float32" | "float64" {
    return this.dtype === "float64" ? "float64" : "float32";
  }

  /** Builds the quantized matrix's variables for a layer made from a quantized config (to be loaded), or null for a float layer. */
  protected buildQuantized(name: "kernel" | "embeddings", inDim: number, outDim: number, perRow: boolean): QuantizedKernel | null {
    const p = this.quantizedPolicy;
    if (p === null) return null;
    this.quantized = addQuantizedKernel(this.addWeight.bind(this), name, inDim, outDim, p.mode, blockSizeFor(p.mode, this.quantizationConfigValue, p), this.quantizationConfigValue, perRow);
    return this.quantized;
  }

  /** Keras' quantize(): `base` [inDim, outDim] replaced by its quantized form, frozen; returns the new matrix's variables. */
  protected quantizeMatrix(base: Variable, name: "kernel" | "embeddings", perRow: boolean, mode: string | null | undefined, options: QuantizeOptions): QuantizedKernel {
    return this.quantizeWith(base, mode, options, (policy, config) => {
      const [inDim, outDim] = base.shape;
      const values = quantizeKernel(base, policy.mode, policy.blockSize, config, perRow);
      return [addQuantizedKernel(this.addWeight.bind(this), name, inDim, outDim, policy.mode, policy.blockSize, config, perRow), values];
    });
  }

  /** quantize()'s checks and bookkeeping around `make`, which quantizes `base` and adds the new variables. */
  protected quantizeWith(
    base: Variable, mode: string | null | undefined, options: QuantizeOptions,
    make: (policy: QuantizedPolicy, config: QuantizationConfig) => [QuantizedKernel, QuantizedValues],
  ): QuantizedKernel {
    const { config, policy } = resolveQuantization(this, `${this.className} ${this.name}.quantize`, mode, options, this.quantizedPolicy);
    const [q, values] = make(policy, config);
    assignQuantized(q, values);
    this.quantized = q;
    this.quantizedPolicy = policy;
    this.quantizationConfigValue = config;
    this.replaceWeights([base], this.quantizedSpec());
    return q;
  }

  /** The weights other than the matrix that Keras saves between it and its scale (Dense's bias). */
  protected weightsAfterMatrix(): Variable[] {
    return [];
  }

  /** Keras' variable_serialization_spec for the quantized layer: matrix, (bias), scale, zero, g_idx. */
  private quantizedSpec(): Variable[] {
    const q = this.quantized!;
    return [q.kernel, ...this.weightsAfterMatrix(), q.scale, ...(q.zero ? [q.zero] : []), ...(q.gIdx ? [q.gIdx] : [])];
  }

  /** A quantized layer's config entries (Keras' quantized policy as `dtype`, quantization_config), to spread over its config. */
  protected quantizationEntries(): Record<string, unknown> {
    return quantizationConfigEntries(this.quantizedPolicy, this.quantizationConfigValue);
  }

  /** What a file holds: Keras' variable_serialization_spec order once quantized. */
  override kerasOwnVariables(): Variable[] {
    const own = super.kerasOwnVariables();
    if (this.quantized === null) return own;
    const spec = this.quantizedSpec();
    return [...spec, ...own.filter((v) => !spec.includes(v))];
  }

  protected loraTarget(): LoraTarget {
    const t = this.baseLoraTarget();
    return this.quantized === null ? t : { ...t, shape: this.quantizedLogicalShape(this.quantized) };
  }

  /** The float shape the quantized matrix stands for ([inDim, outDim]; EinsumDense's kernel keeps its own). */
  protected quantizedLogicalShape(q: QuantizedKernel): number[] {
    return [q.inDim, q.outDim];
  }

  /** The float matrix the quantized one stands for, in its logical shape. */
  protected dequantizedMatrix(q: QuantizedKernel): Tensor {
    return dequantizeKernel(q, this.floatDtype);
  }

  /** A float matrix (logical shape) quantized into values for the matrix's variables, as quantize() would. */
  protected requantizedValues(merged: Tensor, q: QuantizedKernel): QuantizedValues {
    return quantizeKernel(merged, q.mode, q.blockSize, this.quantizationConfigValue, q.perRow);
  }

  /** Quantized: the dequantized matrix (plus A·B with LoRA), the float matrix the layer stands for. */
  protected override mergedWeight(): Tensor | null {
    const q = this.quantized;
    if (q === null) return super.mergedWeight();
    const deq = this.dequantizedMatrix(q);
    if (this.lora === null) return deq;
    const { a, b } = this.lora;
    return add(deq, a.rank === 2 ? matmul(a, b) : reshape(matmul(reshape(a, [-1, a.shape[a.rank - 1]]), b), deq.shape));
  }

  /** Quantized with LoRA: the merged matrix re-quantized into the matrix's slots, as Keras' _get_kernel_with_merged_lora. */
  override saveOwnVariables(store: VariableStore): void {
    const q = this.quantized;
    if (q === null || this.lora === null) {
      super.saveOwnVariables(store);
      return;
    }
    const values = this.requantizedValues(this.mergedWeight()!, q);
    const slot = new Map<Variable, Tensor>([[q.kernel, values.kernel], [q.scale, values.scale]]);
    if (q.zero !== null && values.zero !== null) slot.set(q.zero, values.zero);
    this.kerasOwnVariables().forEach((v, i) => {
      store[String(i)] = slot.get(v) ?? v;
    });
  }
}

/** Dense and EinsumDense: LoRA on their `kernel`, with the kernel's regularizer and constraint. */
export abstract class KernelLoraLayer extends QuantizableLayer {
  /**
   * The kernel weight as stored (Keras' `_kernel`): with LoRA enabled it is frozen and the layer
   * computes with `mergedKernel`, which is what Keras' `layer.kernel` returns then.
   */
  kernel: Variable | null = null;
  private readonly kernelRegularizer: RegularizerArg;
  private readonly kernelConstraint: ConstraintArg;

  constructor(args: LayerArgs & LoraArgs & KernelBiasArgs) {
    super(args);
    this.kernelRegularizer = args.kernelRegularizer;
    this.kernelConstraint = args.kernelConstraint;
  }

  /** Keras' lora_kernel_a [...kernel's axes but the last, rank], null without LoRA. */
  get loraKernelA(): Variable | null {
    return this.lora?.a ?? null;
  }

  /** Keras' lora_kernel_b [rank, kernel's last axis], null without LoRA. */
  get loraKernelB(): Variable | null {
    return this.lora?.b ?? null;
  }

  /** What Keras' `layer.kernel` returns: kernel + A·B with LoRA, else the kernel itself (null before build). */
  get mergedKernel(): Tensor | null {
    return this.mergedWeight();
  }

  protected baseLoraTarget(): LoraTarget {
    return { weight: "kernel", base: this.kernel, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint };
  }
}
