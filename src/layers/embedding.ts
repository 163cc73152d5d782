import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, less, notEqual, where } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { max, min } from "../ops/reduce.js";
import { gather, reshape } from "../ops/shape.js";
import { noGrad } from "../ops/engine.js";
import { type LayerArgs, type LayerShape, type Mask, booleanOption, layerOptions } from "./layer.js";
import { type LoraArgs, type LoraTarget, LORA_OPTIONS } from "./lora.js";
import { type QuantizableArgs, QuantizableLayer } from "./quantizable.js";
import { lookupRows } from "./quantized_kernel.js";
import type { QuantizeOptions } from "./quantize_layer.js";
import { single } from "./core.js";
import {
  type ConstraintArg, type InitializerArg, type RegularizerArg, addResolvedWeight, checkWeightOptions, resolveConstraint,
  resolveInitializer, resolveRegularizer, serializeObject,
} from "./weights.js";

export interface EmbeddingArgs extends LayerArgs, LoraArgs, QuantizableArgs {
  /** Size of the vocabulary: the largest index + 1. */
  inputDim?: number;
  /** Length of each embedding vector. */
  outputDim?: number;
  /** Default "uniform": RandomUniform(-0.05, 0.05), as Keras. */
  embeddingsInitializer?: InitializerArg;
  embeddingsRegularizer?: RegularizerArg;
  embeddingsConstraint?: ConstraintArg;
  /**
   * Keras' mask_zero: index 0 is padding, and the output carries a mask (false where the index is
   * 0) that the recurrent layers, GlobalAveragePooling1D and the loss honour. Index 0 still has a
   * row, so inputDim counts it (vocabulary size + 1).
   */
  maskZero?: boolean;
  /**
   * Keras 1/2's input_length: Keras 3.5 drops it with a warning ("Argument `input_length` is
   * deprecated. Just remove it."), and so does lamina; give the sequence length to Input instead.
   */
  inputLength?: number | null;
  /**
   * Keras 3.5's `weights`: the initial embeddings [inputDim, outputDim] (or a list holding them),
   * set when the layer is made, e.g. pretrained word vectors with `trainable: false`.
   */
  weights?: Tensor | readonly [Tensor];
}

function checkDim(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`Embedding: ${what} must be a positive integer, got ${valueText(v)}; e.g. layers.Embedding(10000, 64) for a vocabulary of 10000 and vectors of 64`);
  }
  return v;
}

/**
 * Keras' Embedding: turns integer indices in [0, inputDim) of any shape [...] into rows of the
 * `embeddings` matrix [inputDim, outputDim], giving [..., outputDim]. Float inputs holding indices
 * are cast to int32 as Keras does (the fraction is dropped); the layer does not autocast them to
 * its float dtype first. Indices -inputDim..-1 pick rows from the end, as Keras' take on its
 * TensorFlow backend; others are refused, as TensorFlow's gather on CPU refuses them. The gradient scatters back onto the rows used, adding over repeated indices.
 * With LoRA enabled (loraRank, or enableLora(rank)) the rows are those of embeddings +
 * loraEmbeddingsA·loraEmbeddingsB, the embeddings frozen.
 */
export class Embedding extends QuantizableLayer {
  static readonly options = layerOptions<EmbeddingArgs>({
    inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, embeddingsConstraint: true, maskZero: true,
    inputLength: true, weights: true, quantizationConfig: true, ...LORA_OPTIONS,
  });
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  /**
   * The embeddings weight as stored (Keras' `_embeddings`): with LoRA enabled it is frozen and the
   * layer looks rows up in `mergedEmbeddings`, which is what Keras' `layer.embeddings` returns then.
   */
  embeddings: Variable | null = null;
  private readonly args: EmbeddingArgs;

  constructor(args: EmbeddingArgs) {
    super(args);
    this.inputDim = checkDim("inputDim", args.inputDim);
    this.outputDim = checkDim("outputDim", args.outputDim);
    this.maskZero = booleanOption(`${this.className} ${this.name}`, "maskZero", args.maskZero, false);
    // Keras: supports_masking = mask_zero.
    this.supportsMasking = this.maskZero;
    if (!isFloatDType(this.dtype)) {
      throw new TypeError(`Embedding ${this.name}: dtype ${this.dtype} is not a float dtype; the embeddings are float32 (the default) or float64 (the indices may be int32)`);
    }
    checkWeightOptions(`Embedding ${this.name}`, args);
    this.args = args;
    if (args.inputLength !== undefined && args.inputLength !== null) {
      process.emitWarning(`Embedding ${this.name}: argument inputLength is deprecated (Keras 3 ignores input_length). Just remove it.`, "UserWarning");
    }
    if (args.weights !== undefined) {
      this.build([null]);
      this.setWeights(Array.isArray(args.weights) ? [...args.weights] : [args.weights as Tensor]);
    }
  }

  override build(_inputShape: LayerShape | LayerShape[]): void {
    // Built from a quantized layer's config: the quantized table, to be loaded.
    this.embeddings = this.buildQuantized("embeddings", this.inputDim, this.outputDim, true)?.kernel ?? addResolvedWeight(this, "embeddings", [this.inputDim, this.outputDim], "uniform", {
      initializer: this.args.embeddingsInitializer, regularizer: this.args.embeddingsRegularizer, constraint: this.args.embeddingsConstraint,
    });
    this.built = true;
    if (this.loraRank !== null) this.enableLora(this.loraRank);
  }

  /** Keras' lora_embeddings_a [inputDim, rank], null without LoRA. */
  get loraEmbeddingsA(): Variable | null {
    return this.lora?.a ?? null;
  }

  /** Keras' lora_embeddings_b [rank, outputDim], null without LoRA. */
  get loraEmbeddingsB(): Variable | null {
    return this.lora?.b ?? null;
  }

  /** What Keras' `layer.embeddings` returns: embeddings + A·B with LoRA, else the embeddings themselves (null before build). */
  get mergedEmbeddings(): Tensor | null {
    return this.mergedWeight();
  }

  /**
   * Keras' Embedding.quantize(mode, config): the table quantized row by row (int8, or int4 per row
   * or per block of blockSize columns with a zero point, packed two per byte), frozen; lookups
   * then dequantize only the rows they read.
   */
  quantize(mode?: string | null, options: QuantizeOptions = {}): void {
    this.embeddings = this.quantizeMatrix(this.embeddings!, "embeddings", true, mode, options).kernel;
  }

  /** Keras' embeddings_scale once quantized ([inputDim], or [inputDim, groups] for int4 sub-channel), else null. */
  get embeddingsScale(): Variable | null {
    return this.quantized?.scale ?? null;
  }

  protected baseLoraTarget(): LoraTarget {
    return { weight: "embeddings", base: this.embeddings, regularizer: this.args.embeddingsRegularizer, constraint: this.args.embeddingsConstraint };
  }

  /** Keras' `self.autocast = False`: float indices are cast to int32 by call, not to float32 first. */
  override autocast(inputs: Tensor[]): Tensor[] {
    return inputs;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const indices = x.dtype === "int32" || x.dtype === "int64" ? x : cast(x, "int32");
    // Keras' ops.take (TensorFlow and JAX backends): a negative index counts from the end of the vocabulary.
    const wrapped = where(less(indices, 0), add(indices, this.inputDim), indices);
    try {
      const rows = this.quantized !== null ? lookupRows(this.quantized, wrapped, this.floatDtype) : gather(this.embeddings!, wrapped, 0);
      if (this.lora === null) return rows;
      // take(E + A·B) = take(E) + take(A)·B: only the rows used are multiplied out.
      const a = gather(this.lora.a, wrapped, 0);
      return add(rows, reshape(matmul(reshape(a, [-1, this.lora.rank]), this.lora.b), [...a.shape.slice(0, -1), this.outputDim]));
    } catch (e) {
      throw this.rangeError(indices) ?? e;
    }
  }

  /** Keras' compute_mask: inputs != 0 with maskZero, else no mask. */
  override computeMask(inputs: Tensor | Tensor[], _previousMask: Mask = null): Mask {
    if (!this.maskZero) return null;
    return noGrad(() => notEqual(single(inputs, this), 0));
  }

  /** The error naming an index outside [0, inputDim), or null if every index is in range. */
  private rangeError(indices: Tensor): RangeError | null {
    if (indices.size === 0) return null;
    const [lo, hi] = noGrad(() => {
      const wide = cast(indices, "float64");
      return [min(wide).item(), max(wide).item()];
    });
    const bad = lo < -this.inputDim ? lo : hi >= this.inputDim ? hi : null;
    if (bad === null) return null;
    return new RangeError(
      `Embedding ${this.name}: index ${bad} in the input ${shapeText(indices.shape)} is out of range; indices must be in [0, ${this.inputDim}) ` +
        `(inputDim ${this.inputDim}), or in -${this.inputDim}..-1 to count from the end as Keras' take does; map them into the vocabulary or make inputDim larger`,
    );
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (Array.isArray(inputShape[0])) throw new TypeError(`Embedding ${this.name}: expects one input, got ${inputShape.length}`);
    return [...(inputShape as LayerShape), this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeObject(resolveInitializer(this.args.embeddingsInitializer ?? "uniform")),
      embeddings_regularizer: serializeObject(resolveRegularizer(this.args.embeddingsRegularizer)),
      activity_regularizer: serializeObject(this.activityRegularizer),
      embeddings_constraint: serializeObject(resolveConstraint(this.args.embeddingsConstraint)),
      mask_zero: this.maskZero,
      ...this.quantizationEntries(),
      ...this.loraConfig(),
    };
  }
}
