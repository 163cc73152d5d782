import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { cast, floor, minimum, mul, notEqual } from "../ops/math.js";
import { any, max, min, sum } from "../ops/reduce.js";
import { expandDims, oneHot, reshape } from "../ops/shape.js";
import { Layer, type CallOptions, type LayerArgs, type LayerInput, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText, SymbolicTensor } from "./symbolic.js";
import { single } from "./core.js";

export type CategoryEncodingMode = "one_hot" | "multi_hot" | "count";

export interface CategoryEncodingArgs extends LayerArgs {
  /** How many categories: inputs are integers in [0, numTokens). */
  numTokens?: number;
  /** "multi_hot" (default; Keras' old "binary" is read as it), "one_hot" or "count". */
  outputMode?: CategoryEncodingMode | "binary";
  /** Keras' sparse outputs: lamina has no sparse tensors, so only false is accepted. */
  sparse?: boolean;
}

export interface CategoryEncodingCallOptions extends CallOptions {
  /**
   * Keras' `count_weights` ("count" mode only): one weight per input id, the same shape as the
   * inputs; each id adds its weight instead of 1.
   */
  countWeights?: Tensor | NestedArray | null;
}

export interface CategoryEncoding {
  (inputs: Tensor, opts?: CategoryEncodingCallOptions): Tensor;
  (inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
}

/**
 * Keras 3.5's CategoryEncoding: integer category ids to dense vectors of numTokens floats.
 * "one_hot" encodes each id (a trailing axis of size 1 is replaced, otherwise one is added);
 * "multi_hot" marks which ids occur in each sample, "count" counts them ([n] is one sample,
 * [batch, n] one per row). Ids outside [0, numTokens) are refused.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CategoryEncoding extends Layer {
  static readonly options = layerOptions<CategoryEncodingArgs>({ numTokens: true, outputMode: true, sparse: true });
  readonly numTokens: number;
  readonly outputMode: CategoryEncodingMode;

  constructor(args: CategoryEncodingArgs = {}) {
    super(args);
    const n = args.numTokens;
    if (n === undefined || n === null) {
      throw new TypeError(`CategoryEncoding ${this.name}: numTokens must be set; if the number of tokens is not known beforehand, use layers.IntegerLookup`);
    }
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new RangeError(`CategoryEncoding ${this.name}: numTokens must be an integer >= 1, got ${valueText(n)}`);
    }
    const mode = args.outputMode === "binary" ? "multi_hot" : args.outputMode ?? "multi_hot";
    if (mode !== "one_hot" && mode !== "multi_hot" && mode !== "count") {
      throw new RangeError(`CategoryEncoding ${this.name}: outputMode must be "one_hot", "multi_hot" or "count", got ${valueText(args.outputMode)}`);
    }
    if (booleanOption(`CategoryEncoding ${this.name}`, "sparse", args.sparse, false)) {
      throw new TypeError(`CategoryEncoding ${this.name}: sparse outputs are not supported (lamina has no sparse tensors); leave sparse false`);
    }
    this.numTokens = n;
    this.outputMode = mode;
  }

  private check(shape: LayerShape): void {
    if (this.outputMode !== "one_hot" && shape.length > 2) {
      throw new RangeError(
        `CategoryEncoding ${this.name}: "${this.outputMode}" takes inputs of rank <= 2 ([ids] or [batch, ids]), got ${layerShapeText(shape)}`,
      );
    }
  }

  override apply(inputs: LayerInput, opts: CategoryEncodingCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const weights = opts.countWeights ?? null;
    if (weights !== null) {
      if (this.outputMode !== "count") {
        throw new RangeError(`CategoryEncoding ${this.name}: countWeights is only used when outputMode is "count", got outputMode "${this.outputMode}"`);
      }
      // A symbolic call records no keyword tensors in the graph, so weights there would be lost.
      const symbolic = inputs instanceof SymbolicTensor || (Array.isArray(inputs) && inputs.some((t) => t instanceof SymbolicTensor));
      if (symbolic) {
        throw new TypeError(`CategoryEncoding ${this.name}: countWeights can be given only when calling the layer on tensors, not on symbolic inputs of a model being built`);
      }
    }
    return super.apply(inputs, opts);
  }

  call(inputs: Tensor | Tensor[], opts: CategoryEncodingCallOptions = {}): Tensor {
    let x = single(inputs, this);
    this.check(x.shape);
    const given = opts.countWeights ?? null;
    let weights: Tensor | null = null;
    if (given !== null) {
      const w = given instanceof Tensor ? given : constant(given, this.dtype);
      // Keras converts count_weights to the compute dtype.
      weights = w.dtype === this.dtype ? w : cast(w, this.dtype);
      if (weights.shape.length !== x.shape.length || weights.shape.some((d, i) => d !== x.shape[i])) {
        throw new RangeError(
          `CategoryEncoding ${this.name}: countWeights must have the inputs' shape ${layerShapeText(x.shape)} (one weight per id), got ${layerShapeText(weights.shape)}`,
        );
      }
    }
    if (isFloatDType(x.dtype)) {
      if (x.size > 0 && any(notEqual(x, floor(x))).item()) {
        throw new TypeError(`CategoryEncoding ${this.name}: inputs must be integer category ids, got non-integer ${x.dtype} values`);
      }
      x = cast(x, "int32");
    } else if (x.dtype !== "int32" && x.dtype !== "int64" && x.dtype !== "uint8") {
      throw new TypeError(`CategoryEncoding ${this.name}: inputs must be integer category ids, got ${x.dtype}`);
    }
    if (x.size > 0) {
      const lo = Number(min(x).item()), hi = Number(max(x).item());
      if (lo < 0 || hi >= this.numTokens) {
        throw new RangeError(
          `CategoryEncoding ${this.name}: inputs must be in [0, numTokens) = [0, ${this.numTokens}), got values from ${lo} to ${hi}; raise numTokens or map the ids first (layers.IntegerLookup)`,
        );
      }
    }
    if (x.rank === 0) {
      x = expandDims(x, 0);
      if (weights) weights = expandDims(weights, 0);
    }
    if (this.outputMode === "one_hot") {
      if (x.rank > 1 && x.shape[x.rank - 1] === 1) x = reshape(x, x.shape.slice(0, -1));
      return oneHot(x, this.numTokens, 1, 0, this.dtype);
    }
    const encoded = oneHot(x, this.numTokens, 1, 0, this.dtype);
    const counts = sum(weights ? mul(encoded, expandDims(weights, -1)) : encoded, x.rank - 1);
    return this.outputMode === "count" ? counts : minimum(counts, 1);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.check(inputShape);
    if (inputShape.length === 0) return [this.numTokens];
    if (this.outputMode === "one_hot" && (inputShape[inputShape.length - 1] !== 1 || inputShape.length === 1)) {
      return [...inputShape, this.numTokens];
    }
    return [...inputShape.slice(0, -1), this.numTokens];
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3.5's get_config leaves sparse out.
    return { ...super.getConfig(), num_tokens: this.numTokens, output_mode: this.outputMode };
  }
}
