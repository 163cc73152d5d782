import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, type LayerInput, type LayerShape, layerOptions } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { fingerprint64, utf8 } from "./string_hash.js";
import { INDEX_LOOKUP_OPTIONS, LookupLayer, Vocabulary, type IndexLookupArgs } from "./index_lookup.js";
import { compareUtf8, flatten, integersIn, isString, nest, type NestedNumbers, type NestedStrings } from "./nested_values.js";

export interface StringLookupArgs extends IndexLookupArgs<string> {
  /** Keras' text encoding: JavaScript strings are Unicode, only "utf-8" is accepted. */
  encoding?: "utf-8";
}

/** Why a text layer cannot sit in a model: lamina's tensors (and so symbolic inputs) hold no strings. */
export function noStringTensors(layer: { className: string; name: string }): Error {
  return new TypeError(
    `${layer.className} ${layer.name}: takes JavaScript strings, which no lamina tensor (and so no layers.Input) holds, so it cannot sit inside a model on string inputs; ` +
      `apply it to the data instead (const ids = layer(texts), or ds.map(...) over a dataset of strings) and feed the model the int or float tensor it returns`,
  );
}

export interface StringLookup {
  /** Tokens to indices (or encodings): nested arrays of strings in, an int32 or float32 tensor out. */
  (tokens: NestedStrings, opts?: CallOptions): Tensor;
  /** invert: true: indices to tokens, nested arrays of strings of the input's shape. */
  (ids: Tensor | NestedNumbers, opts?: CallOptions): NestedStrings;
}

/**
 * Keras 3's `layers.StringLookup`: maps strings to vocabulary indices ("int", int32 here where
 * Keras gives int64) or to float32 encodings ("one_hot", "multi_hot", "count", "tf_idf"), from a
 * given vocabulary or one learned by `adapt`; `invert` maps indices back to strings. Inputs are
 * JavaScript strings (nested arrays), so the layer is used on data, not inside a model.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class StringLookup extends LookupLayer<string> {
  static readonly options = layerOptions<StringLookupArgs>({ ...INDEX_LOOKUP_OPTIONS, encoding: true });
  readonly vocab: Vocabulary<string>;
  readonly encoding: "utf-8";

  constructor(args: StringLookupArgs = {}) {
    super(args);
    const where = `StringLookup ${this.name}`;
    if (args.encoding !== undefined && args.encoding !== "utf-8") throw new RangeError(`${where}: encoding must be "utf-8" (JavaScript strings are Unicode), got ${valueText(args.encoding)}`);
    for (const [k, v] of [["maskToken", args.maskToken], ["oovToken", args.oovToken]] as const) {
      if (v !== undefined && v !== null && typeof v !== "string") throw new TypeError(`${where}: ${k} must be a string, got ${valueText(v)}`);
    }
    this.encoding = "utf-8";
    this.vocab = new Vocabulary<string>(where, args, { oovToken: "[UNK]" }, compareUtf8);
    this.built = true;
  }

  /** Learns the vocabulary from strings (each item one document) or an async iterable of batches of them. */
  adapt(data: NestedStrings): void;
  adapt(data: AsyncIterable<NestedStrings>, opts?: { steps?: number }): Promise<void>;
  adapt(data: NestedStrings | AsyncIterable<NestedStrings>, opts: { steps?: number } = {}): void | Promise<void> {
    const rowsOf = (batch: unknown): string[][] => {
      const flat = flatten(batch, isString, "strings", `StringLookup ${this.name}.adapt`);
      const width = flat.shape.length <= 1 ? 1 : flat.shape.slice(1).reduce((a, b) => a * b, 1);
      return Array.from({ length: flat.values.length / width || 0 }, (_, r) => flat.values.slice(r * width, (r + 1) * width));
    };
    if (typeof data === "object" && data !== null && Symbol.asyncIterator in data) {
      return (async () => {
        this.vocab.reset();
        let step = 0;
        for await (const batch of data as AsyncIterable<NestedStrings>) {
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

  protected override invoke(inputs: unknown, opts?: CallOptions): unknown {
    if (this.vocab.invert) {
      if (inputs instanceof SymbolicTensor) throw noStringTensors(this);
      const ids = integersIn(inputs, `StringLookup ${this.name} (invert)`);
      return nest(this.vocab.invertLookup(ids.values), ids.shape);
    }
    return this.apply(inputs as NestedStrings, opts);
  }

  override apply(inputs: LayerInput | NestedStrings, _opts: CallOptions = {}): Tensor {
    if (inputs instanceof SymbolicTensor || (Array.isArray(inputs) && inputs.some((x) => x instanceof SymbolicTensor))) throw noStringTensors(this);
    if (this.vocab.invert) throw new TypeError(`StringLookup ${this.name}: with invert: true it returns strings, which apply (typed to return tensors) cannot; call the layer itself: layer(ids)`);
    if (inputs instanceof Tensor) throw new TypeError(`StringLookup ${this.name}: takes strings (nested arrays of strings), got a ${inputs.dtype} tensor; for integer tokens use layers.IntegerLookup`);
    const flat = flatten(inputs, isString, "strings", `StringLookup ${this.name}`);
    // Several OOV slots: Keras spreads unknown strings by tf.strings.to_hash_bucket_fast (FarmHash Fingerprint64 mod slots).
    const slots = BigInt(Math.max(1, this.vocab.numOovIndices));
    return this.vocab.encode(this.vocab.lookup(flat.values, (t) => Number(fingerprint64(utf8(t)) % slots)), flat.shape);
  }

  call(_inputs: Tensor | Tensor[]): Tensor {
    throw noStringTensors(this);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    void inputShape;
    throw noStringTensors(this);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.vocab.config(), encoding: this.encoding };
  }
}
