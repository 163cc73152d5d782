import { Tensor, makeTensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, type LayerArgs, type LayerInput, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { LookupLayer, Vocabulary } from "./index_lookup.js";
import { compareUtf8, flatten, isString, type NestedStrings } from "./nested_values.js";
import { noStringTensors } from "./string_lookup.js";

export type Standardize = "lower_and_strip_punctuation" | "lower" | "strip_punctuation" | ((text: string) => string);
export type Split = "whitespace" | "character" | ((text: string) => string[]);

export interface TextVectorizationArgs extends LayerArgs {
  /** The largest vocabulary, the padding "" and OOV "[UNK]" tokens included (null: no cap). */
  maxTokens?: number | null;
  /** Text clean-up before splitting (default "lower_and_strip_punctuation"; null for none; or a function). */
  standardize?: Standardize | null;
  /** How texts become tokens (default "whitespace"; "character"; null for inputs already split; or a function). */
  split?: Split | null;
  /** n-grams added after splitting: n gives 1..n, a list the given widths. */
  ngrams?: number | readonly number[] | null;
  /** "int" (default), "multi_hot", "count" or "tf_idf" ("binary" and "tf-idf" are Keras' old names). */
  outputMode?: "int" | "one_hot" | "multi_hot" | "count" | "tf_idf" | "binary" | "tf-idf";
  /** "int" only: pad or cut every sequence to this length (default: the longest in the batch). */
  outputSequenceLength?: number | null;
  padToMaxTokens?: boolean;
  vocabulary?: readonly string[] | null;
  idfWeights?: readonly number[] | null;
  /** Keras' sparse and ragged outputs (TensorFlow backend only): only false. */
  sparse?: boolean;
  ragged?: boolean;
  encoding?: "utf-8";
  /** Written by Keras in configs: the vocabulary size when saved. */
  vocabularySize?: number | null;
}

/** TensorFlow's tf.strings.lower without an encoding lowers ASCII letters only, as Keras calls it. */
const lowerAscii = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
/** Keras' punctuation class: r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']' (',-.' is a range: , - .). */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
/** tf.strings.split's default separator: runs of ASCII whitespace, ends ignored. */
const WHITESPACE = /[ \t\n\v\f\r]+/;

export interface TextVectorization {
  /** Texts (a string, an array of strings, or [n, 1] arrays) to an int32 [n, length] or float32 [n, depth] tensor. */
  (texts: NestedStrings, opts?: CallOptions): Tensor;
}

/**
 * Keras 3's `layers.TextVectorization`: standardize, split, n-grams, then a StringLookup with
 * mask "" and OOV "[UNK]": "int" gives int32 index sequences (Keras: int64) padded with 0, the other
 * modes float32 [batch, depth] encodings. Inputs are JavaScript strings, so the layer is applied to
 * data (or in a dataset's map), not inside a model.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TextVectorization extends LookupLayer<string> {
  static readonly options = layerOptions<TextVectorizationArgs>({
    maxTokens: true, standardize: true, split: true, ngrams: true, outputMode: true, outputSequenceLength: true, padToMaxTokens: true,
    vocabulary: true, idfWeights: true, sparse: true, ragged: true, encoding: true, vocabularySize: true,
  });
  readonly vocab: Vocabulary<string>;
  readonly standardize: Standardize | null;
  readonly split: Split | null;
  /** ngrams as given (Keras' _ngrams_arg, what get_config writes). */
  readonly ngramsArg: number | readonly number[] | null;
  private readonly ngramWidths: readonly number[] | null;
  readonly outputSequenceLength: number | null;

  constructor(args: TextVectorizationArgs = {}) {
    super(args);
    const where = `TextVectorization ${this.name}`;
    const std = args.standardize === undefined ? "lower_and_strip_punctuation" : args.standardize;
    if (std !== null && typeof std !== "function" && !["lower_and_strip_punctuation", "lower", "strip_punctuation"].includes(std)) {
      throw new RangeError(`${where}: standardize must be "lower_and_strip_punctuation", "lower", "strip_punctuation", null or a function, got ${valueText(std)}`);
    }
    const split = args.split === undefined ? "whitespace" : args.split;
    if (split !== null && typeof split !== "function" && !["whitespace", "character"].includes(split)) {
      throw new RangeError(`${where}: split must be "whitespace", "character", null or a function, got ${valueText(split)}`);
    }
    const ngrams = args.ngrams ?? null;
    if (ngrams !== null && !(Number.isInteger(ngrams) && (ngrams as number) > 0) && !(Array.isArray(ngrams) && ngrams.every((n) => Number.isInteger(n) && n > 0))) {
      throw new RangeError(`${where}: ngrams must be null, a positive integer, or a list of positive integers, got ${valueText(ngrams)}`);
    }
    const mode = args.outputMode ?? "int";
    const L = args.outputSequenceLength ?? null;
    if (L !== null && mode !== "int") throw new RangeError(`${where}: outputSequenceLength must not be set when outputMode is not "int" (got outputMode ${valueText(mode)})`);
    if (L !== null && !(Number.isInteger(L) && L >= 0)) throw new RangeError(`${where}: outputSequenceLength must be null or a non-negative integer, got ${valueText(L)}`);
    if (mode === "one_hot") throw new RangeError(`${where}: outputMode "one_hot" encodes each token, not each text; use "multi_hot" or "count" for one vector per text, or StringLookup(outputMode: "one_hot") on split tokens`);
    if (booleanOption(where, "ragged", args.ragged, false)) throw new RangeError(`${where}: ragged: true needs TensorFlow's ragged tensors (Keras allows it on the TensorFlow backend only); lamina pads "int" outputs to a rectangle`);
    if (args.encoding !== undefined && args.encoding !== "utf-8") throw new RangeError(`${where}: encoding must be "utf-8", got ${valueText(args.encoding)}`);
    this.standardize = std;
    this.split = split;
    this.ngramsArg = ngrams === null ? null : Array.isArray(ngrams) ? [...ngrams] : ngrams;
    this.ngramWidths = ngrams === null ? null : typeof ngrams === "number" ? Array.from({ length: ngrams }, (_, i) => i + 1) : [...(ngrams as number[])];
    this.outputSequenceLength = L;
    this.vocab = new Vocabulary<string>(where, {
      maxTokens: args.maxTokens, vocabulary: args.vocabulary, idfWeights: args.idfWeights, padToMaxTokens: args.padToMaxTokens,
      maskToken: "", outputMode: mode, sparse: args.sparse, vocabularySize: args.vocabularySize,
    }, { oovToken: "[UNK]" }, compareUtf8);
    this.built = true;
  }

  /** Keras' _preprocess: each input text to its tokens (after standardize, split, ngrams). */
  private tokenize(inputs: unknown, where: string): { rows: string[][]; scalar: boolean } {
    const flat = flatten(inputs, isString, "strings", where);
    let texts: string[][];
    if (this.split !== null) {
      if (flat.shape.length > 1 && !(flat.shape.length === 2 && flat.shape[1] === 1)) {
        throw new RangeError(`${where}: to split texts the input must be a string, a list of strings or a [n, 1] list, got shape [${flat.shape.join(", ")}]`);
      }
      texts = flat.values.map((t) => [t]);
    } else if (flat.shape.length === 2) {
      const w = flat.shape[1];
      texts = Array.from({ length: flat.shape[0] }, (_, r) => flat.values.slice(r * w, (r + 1) * w));
    } else {
      texts = flat.values.map((t) => [t]);
    }
    const std = (s: string): string => {
      const f = this.standardize;
      if (f === null) return s;
      if (typeof f === "function") return f(s);
      let out = f === "strip_punctuation" ? s : lowerAscii(s);
      if (f !== "lower") out = out.replace(PUNCTUATION, "");
      return out;
    };
    const rows = texts.map((cells) => {
      const clean = cells.map(std);
      let tokens: string[];
      const f = this.split;
      if (f === null) tokens = clean;
      else if (f === "whitespace") tokens = clean[0].split(WHITESPACE).filter((t) => t.length > 0);
      else if (f === "character") tokens = Array.from(clean[0]);
      else {
        tokens = f(clean[0]);
        if (!Array.isArray(tokens) || !tokens.every(isString)) throw new TypeError(`${where}: the split function must return an array of strings, got ${valueText(tokens)}`);
      }
      return this.ngramWidths ? this.withNgrams(tokens) : tokens;
    });
    return { rows, scalar: flat.shape.length === 0 };
  }

  /** tf.strings.ngrams(tokens, widths, separator " "): all n-grams of each width, widths in order. */
  private withNgrams(tokens: string[]): string[] {
    const out: string[] = [];
    for (const n of this.ngramWidths as number[]) for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
    return out;
  }

  /** Learns the vocabulary from texts (each one document) or an async iterable of batches of texts. */
  adapt(data: NestedStrings): void;
  adapt(data: AsyncIterable<NestedStrings>, opts?: { steps?: number }): Promise<void>;
  adapt(data: NestedStrings | AsyncIterable<NestedStrings>, opts: { steps?: number } = {}): void | Promise<void> {
    const where = `TextVectorization ${this.name}.adapt`;
    if (typeof data === "object" && data !== null && Symbol.asyncIterator in data) {
      return (async () => {
        this.vocab.reset();
        let step = 0;
        for await (const batch of data as AsyncIterable<NestedStrings>) {
          if (opts.steps !== undefined && step++ >= opts.steps) break;
          this.vocab.update(this.tokenize(batch, where).rows);
        }
        this.vocab.finalize();
      })();
    }
    this.vocab.reset();
    this.vocab.update(this.tokenize(data, where).rows);
    this.vocab.finalize();
  }

  override apply(inputs: LayerInput | NestedStrings, _opts: CallOptions = {}): Tensor {
    if (inputs instanceof SymbolicTensor || (Array.isArray(inputs) && inputs.some((x) => x instanceof SymbolicTensor))) throw noStringTensors(this);
    if (inputs instanceof Tensor) throw new TypeError(`TextVectorization ${this.name}: takes texts (strings or arrays of strings), got a ${inputs.dtype} tensor`);
    const { rows, scalar } = this.tokenize(inputs, `TextVectorization ${this.name}`);
    const ids = rows.map((r) => this.vocab.lookup(r, () => 0));
    if (this.vocab.outputMode === "int") {
      const L = this.outputSequenceLength ?? ids.reduce((m, r) => Math.max(m, r.length), 0);
      const out = new Int32Array(rows.length * L);
      ids.forEach((r, i) => out.set(r.subarray(0, L), i * L));
      return makeTensor(out, scalar ? [L] : [rows.length, L], "int32");
    }
    // Rows of different lengths: pad with -1, which the encodings drop.
    const width = ids.reduce((m, r) => Math.max(m, r.length), 0);
    const rect = new Int32Array(rows.length * width).fill(-1);
    ids.forEach((r, i) => rect.set(r, i * width));
    return this.vocab.encode(rect, scalar ? [width] : [rows.length, width]);
  }

  call(_inputs: Tensor | Tensor[]): Tensor {
    throw noStringTensors(this);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    void inputShape;
    throw noStringTensors(this);
  }

  override getConfig(): Record<string, unknown> {
    const where = `TextVectorization ${this.name}.getConfig`;
    for (const [k, v] of [["standardize", this.standardize], ["split", this.split]] as const) {
      if (typeof v === "function") throw new TypeError(`${where}: ${k} is a function, which a config cannot hold; lamina saves only Keras' named ${k} settings`);
    }
    const c = this.vocab.config();
    return {
      ...super.getConfig(), max_tokens: c.max_tokens, standardize: this.standardize, split: this.split, ngrams: this.ngramsArg,
      output_mode: c.output_mode, output_sequence_length: this.outputSequenceLength, pad_to_max_tokens: c.pad_to_max_tokens, sparse: false,
      ragged: false, vocabulary: c.vocabulary, idf_weights: c.idf_weights, encoding: "utf-8", vocabulary_size: this.vocab.size(),
    };
  }
}
