import { Tensor, makeTensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, type LayerInput, type LayerShape, layerOptions } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { single } from "./core.js";
import { INDEX_LOOKUP_OPTIONS, LookupLayer, Vocabulary, type IndexLookupArgs } from "./index_lookup.js";
import { flatten, integersIn, isInteger, type NestedNumbers } from "./nested_values.js";

export interface IntegerLookupArgs extends IndexLookupArgs<number> {
  /** Keras' vocabulary_dtype: only "int64" (its only value too). */
  vocabularyDtype?: "int64";
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

export interface IntegerLookup {
  /** Integer tokens as nested arrays of numbers: an int32 or float32 tensor out. */
  (tokens: NestedNumbers, opts?: CallOptions): Tensor;
}

/**
 * Keras 3's `layers.IntegerLookup`: maps integer tokens to vocabulary indices ("int", int32 here
 * where Keras gives int64) or float32 encodings ("one_hot", "multi_hot", "count", "tf_idf"), from
 * a given vocabulary or one learned by `adapt`; `invert` maps indices back to the tokens. Takes
 * integer tensors (so it can sit in a functional model on an int32 Input) or nested number arrays.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IntegerLookup extends LookupLayer<number> {
  static readonly options = layerOptions<IntegerLookupArgs>({ ...INDEX_LOOKUP_OPTIONS, vocabularyDtype: true });
  readonly vocab: Vocabulary<number>;

  constructor(args: IntegerLookupArgs = {}) {
    super(args);
    const where = `IntegerLookup ${this.name}`;
    if (args.vocabularyDtype !== undefined && args.vocabularyDtype !== "int64") throw new RangeError(`${where}: vocabularyDtype must be "int64" (Keras' only one), got ${valueText(args.vocabularyDtype)}`);
    for (const [k, v] of [["maskToken", args.maskToken], ["oovToken", args.oovToken]] as const) {
      if (v !== undefined && v !== null && !Number.isInteger(v)) throw new TypeError(`${where}: ${k} must be an integer, got ${valueText(v)}`);
    }
    if (args.vocabulary != null && !args.vocabulary.every((v) => Number.isInteger(v))) throw new TypeError(`${where}: vocabulary must hold integers, got ${valueText(args.vocabulary)}`);
    this.vocab = new Vocabulary<number>(where, args, { oovToken: -1 }, (a, b) => a - b);
  }

  /** Learns the vocabulary from integers (a tensor or nested arrays; each row one document) or an async iterable of batches. */
  adapt(data: Tensor | NestedNumbers): void;
  adapt(data: AsyncIterable<Tensor | NestedNumbers>, opts?: { steps?: number }): Promise<void>;
  adapt(data: Tensor | NestedNumbers | AsyncIterable<Tensor | NestedNumbers>, opts: { steps?: number } = {}): void | Promise<void> {
    const rowsOf = (batch: unknown): number[][] => {
      const flat = integersIn(batch, `IntegerLookup ${this.name}.adapt`);
      const width = flat.shape.length <= 1 ? 1 : flat.shape.slice(1).reduce((a, b) => a * b, 1);
      return Array.from({ length: flat.values.length / width || 0 }, (_, r) => flat.values.slice(r * width, (r + 1) * width));
    };
    if (typeof data === "object" && data !== null && !(data instanceof Tensor) && Symbol.asyncIterator in data) {
      return (async () => {
        this.vocab.reset();
        let step = 0;
        for await (const batch of data as AsyncIterable<Tensor | NestedNumbers>) {
          if (opts.steps !== undefined && step++ >= opts.steps) break;
          this.vocab.update(rowsOf(batch));
        }
        this.vocab.finalize();
      })();
    }
    this.vocab.reset();
    this.vocab.update(rowsOf(data));
    this.vocab.finalize();
  }

  override apply(inputs: LayerInput | NestedNumbers, opts: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (inputs instanceof Tensor || inputs instanceof SymbolicTensor || (Array.isArray(inputs) && inputs.some((x) => x instanceof Tensor || x instanceof SymbolicTensor))) {
      return super.apply(inputs as LayerInput, opts);
    }
    const flat = flatten(inputs, isInteger, "integers", `IntegerLookup ${this.name}`);
    return this.lookupFlat(flat.values, flat.shape);
  }

  private lookupFlat(values: number[], shape: number[]): Tensor {
    if (this.vocab.invert) {
      const tokens = this.vocab.invertLookup(values);
      const bad = tokens.find((t) => t < INT32_MIN || t > INT32_MAX);
      if (bad !== undefined) throw new RangeError(`IntegerLookup ${this.name}: token ${bad} does not fit the int32 output; lamina's lookup outputs are int32`);
      return makeTensor(Int32Array.from(tokens), shape, "int32");
    }
    const n = this.vocab.numOovIndices;
    return this.vocab.encode(this.vocab.lookup(values, (t) => ((t % n) + n) % n), shape);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const flat = integersIn(single(inputs, this), `IntegerLookup ${this.name}`);
    return this.lookupFlat(flat.values, flat.shape);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (Array.isArray(inputShape[0])) throw new TypeError(`IntegerLookup ${this.name}: takes one input, got ${inputShape.length}`);
    return this.vocab.outputShape(inputShape as LayerShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.vocab.config(), vocabulary_dtype: "int64" };
  }
}
