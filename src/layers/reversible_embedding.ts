/**
 * Keras 3.15's ReversibleEmbedding: an Embedding that can also be called "in reverse"
 * (`layer.apply(hidden, { reverse: true })`), projecting [..., outputDim] back to vocabulary logits
 * [..., inputDim] with the transposed embeddings (tieWeights, the default) or a separate
 * `reverse_embeddings` weight [outputDim, inputDim]; optionally soft-capped as
 * tanh(logits / cap) * cap. With tied weights it quantizes as Keras 3.15 does (Embedding's int8/int4
 * table; the reverse projection against the quantized table, int8 inputs quantized per row); an
 * untied layer's quantization is refused (its separate reverse_embeddings layout is not built).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { type DType, isDType, isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { cast, div, mul } from "../ops/math.js";
import { tanh } from "../ops/activation.js";
import { matmul } from "../ops/matmul.js";
import { reshape, transpose } from "../ops/shape.js";
import { type CallOptions, type LayerInput, type LayerShape, type Mask, booleanOption, layerOptions } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { nodeCallOptions } from "./node_options.js";
import { Embedding, type EmbeddingArgs } from "./embedding.js";
import { LORA_OPTIONS } from "./lora.js";
import { single } from "./core.js";
import { addResolvedWeight } from "./weights.js";
import { AbsMaxQuantizer } from "../quantizers/quantizers.js";
import { quantizedTransposedMatmul } from "./quantized_kernel.js";
import type { QuantizeOptions } from "./quantize_layer.js";

export interface ReversibleEmbeddingArgs extends EmbeddingArgs {
  /** Whether the reverse projection uses the transposed embeddings (default true) or its own weight `reverse_embeddings`. */
  tieWeights?: boolean;
  /** The dtype the reverse projection computes in (inputs and kernel cast to it); default null: the layer's dtype. */
  reverseDtype?: DType | null;
  /** When set, reverse logits become tanh(logits / cap) * cap; default null (no cap). */
  logitSoftCap?: number | null;
}

export interface ReversibleEmbeddingCallOptions extends CallOptions {
  /** Project [..., outputDim] back to logits [..., inputDim] instead of looking indices up. Default false. */
  reverse?: boolean;
}

export class ReversibleEmbedding extends Embedding {
  static override readonly options = layerOptions<ReversibleEmbeddingArgs>({
    inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, embeddingsConstraint: true, maskZero: true,
    inputLength: true, weights: true, quantizationConfig: true, ...LORA_OPTIONS, tieWeights: true, reverseDtype: true, logitSoftCap: true,
  });
  readonly tieWeights: boolean;
  readonly reverseDtype: DType | null;
  readonly logitSoftCap: number | null;
  /** Keras' reverse_embeddings [outputDim, inputDim] when tieWeights is false (null before build or when tied). */
  reverseEmbeddings: Variable | null = null;
  private readonly initializerArg: EmbeddingArgs["embeddingsInitializer"];
  /** Whether the apply in progress is a reverse one (read by computeOutputShape on symbolic calls). */
  private reversing = false;
  /** Whether the latest call was a reverse one (read by computeMask, which runs right after it, from apply or a model's run). */
  private lastCallReverse = false;

  constructor(args: ReversibleEmbeddingArgs) {
    // Embedding's `weights` option builds the layer in its constructor, before tieWeights is known here.
    const { weights, ...rest } = args;
    super(rest);
    const where = `ReversibleEmbedding ${this.name}`;
    this.tieWeights = booleanOption(where, "tieWeights", args.tieWeights, true);
    if (!this.tieWeights && this.quantizedPolicy !== null) throw new Error(this.untiedQuantizationError());
    const rd: unknown = args.reverseDtype ?? null;
    if (rd !== null && !(typeof rd === "string" && isDType(rd) && isFloatDType(rd))) {
      throw new TypeError(`${where}: reverseDtype must be a float dtype ("float32" or "float64") or null (the layer's dtype), got ${valueText(rd)}`);
    }
    this.reverseDtype = rd as DType | null;
    const cap: unknown = args.logitSoftCap ?? null;
    if (cap !== null && !(typeof cap === "number" && Number.isFinite(cap) && cap !== 0)) {
      throw new RangeError(`${where}: logitSoftCap must be a non-zero number (logits become tanh(logits / cap) * cap) or null, got ${valueText(cap)}`);
    }
    this.logitSoftCap = cap as number | null;
    this.initializerArg = args.embeddingsInitializer;
    if (weights !== undefined) {
      this.build([null]);
      this.setWeights(Array.isArray(weights) ? [...weights] : [weights as Tensor]);
    }
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    super.build(inputShape);
    // Keras builds reverse_embeddings after the embeddings (and their LoRA factors), with the embeddings' initializer.
    if (!this.tieWeights) this.reverseEmbeddings = addResolvedWeight(this, "reverse_embeddings", [this.outputDim, this.inputDim], "uniform", { initializer: this.initializerArg });
  }

  /** Keras' variable_serialization_spec: embeddings (merged with LoRA), then reverse_embeddings when untied; a quantized layer's spec once quantized. */
  override kerasOwnVariables(): Variable[] {
    if (this.quantized !== null) return super.kerasOwnVariables();
    return [this.embeddings!, ...(this.reverseEmbeddings ? [this.reverseEmbeddings] : [])];
  }

  override apply(inputs: LayerInput, opts: ReversibleEmbeddingCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const reverse = booleanOption(`ReversibleEmbedding ${this.name}`, "reverse", opts.reverse, false);
    const outer = this.reversing;
    this.reversing = reverse;
    try {
      const out = super.apply(inputs, opts);
      // A symbolic call keeps `reverse` with its node, for every run of the model (Keras' node kwargs).
      if (reverse && out instanceof SymbolicTensor) nodeCallOptions.set(out.node, { reverse: true } as ReversibleEmbeddingCallOptions);
      return out;
    } finally {
      this.reversing = outer;
    }
  }

  override call(inputs: Tensor | Tensor[], opts: ReversibleEmbeddingCallOptions = {}): Tensor {
    this.lastCallReverse = opts.reverse ?? this.reversing;
    if (!this.lastCallReverse) return super.call(inputs);
    const x = single(inputs, this);
    if (!isFloatDType(x.dtype)) {
      throw new TypeError(`ReversibleEmbedding ${this.name}: a reverse call takes float hidden states [..., ${this.outputDim}], got ${x.dtype}; call it without reverse to look indices up`);
    }
    this.checkReverseShape(x.shape);
    if (this.quantized !== null) {
      const h = this.reverseDtype !== null && x.dtype !== this.reverseDtype ? cast(x, this.reverseDtype) : x;
      // Keras' reverse quantizer: the config's activation quantizer (int8's default AbsMaxQuantizer, none for int4), AbsMaxQuantizer without a config.
      const quantizer = this.quantizationConfigValue === null ? new AbsMaxQuantizer() : this.quantizationConfigValue.activationQuantizer;
      const logits = reshape(quantizedTransposedMatmul(reshape(h, [-1, this.outputDim]), this.quantized, quantizer), [...x.shape.slice(0, -1), this.inputDim]);
      return this.logitSoftCap === null ? logits : mul(tanh(div(logits, this.logitSoftCap)), this.logitSoftCap);
    }
    let kernel: Tensor = this.tieWeights ? transpose(this.mergedEmbeddings!) : this.reverseEmbeddings!;
    // Keras casts both to reverse_dtype; without one lamina computes in the layer's dtype (Keras' matmul would promote mixed float dtypes).
    const dtype = this.reverseDtype ?? kernel.dtype;
    const h = x.dtype === dtype ? x : cast(x, dtype);
    if (kernel.dtype !== dtype) kernel = cast(kernel, dtype);
    const logits = reshape(matmul(reshape(h, [-1, this.outputDim]), kernel), [...x.shape.slice(0, -1), this.inputDim]);
    return this.logitSoftCap === null ? logits : mul(tanh(div(logits, this.logitSoftCap)), this.logitSoftCap);
  }

  private checkReverseShape(shape: LayerShape): void {
    const last = shape[shape.length - 1];
    if (shape.length === 0 || (last !== null && last !== this.outputDim)) {
      throw new RangeError(
        `ReversibleEmbedding ${this.name}: a reverse call takes hidden states whose last axis is outputDim ${this.outputDim}, got shape [${shape.map((d) => d ?? "None").join(", ")}]`,
      );
    }
  }

  /** Keras masks only the forward call's output (mask_zero); reverse logits carry no mask. */
  override computeMask(inputs: Tensor | Tensor[], previousMask: Mask = null): Mask {
    return this.lastCallReverse ? null : super.computeMask(inputs, previousMask);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (!this.reversing) return super.computeOutputShape(inputShape);
    const shape = inputShape as LayerShape;
    this.checkReverseShape(shape);
    return [...shape.slice(0, -1), this.inputDim];
  }

  /** Keras' quantize(mode, config) with tied weights (Embedding's); an untied layer is refused. */
  override quantize(mode?: string | null, options: QuantizeOptions = {}): void {
    if (!this.tieWeights) throw new Error(this.untiedQuantizationError(mode));
    super.quantize(mode, options);
  }

  private untiedQuantizationError(mode?: string | null): string {
    return `ReversibleEmbedding ${this.name}${mode === undefined ? "" : `.quantize(${valueText(mode)})`}: quantizing a ReversibleEmbedding with tieWeights false is not supported ` +
      `because lamina does not build the quantized layout of its separate reverse_embeddings; quantize a tied layer, or keep this one in float32`;
  }

  override getConfig(): Record<string, unknown> {
    const { lora_rank: loraRank, ...config } = super.getConfig();
    return {
      ...config,
      quantization_config: config.quantization_config ?? null,
      // Keras 3.15 writes lora_alpha beside lora_rank; lamina's LoRA scale is 1 (alpha = rank).
      ...(loraRank === undefined ? {} : { lora_rank: loraRank, lora_alpha: loraRank }),
      tie_weights: this.tieWeights,
      reverse_dtype: this.reverseDtype,
      logit_soft_cap: this.logitSoftCap,
    };
  }
}
