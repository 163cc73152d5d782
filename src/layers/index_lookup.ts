/**
 * The vocabulary logic StringLookup, IntegerLookup and TextVectorization share (Keras 3's
 * IndexLookup): special tokens, adapt's frequency order, set/getVocabulary, the lookup and the
 * output encodings, with Keras' checks and messages.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption } from "./layer.js";
import { compareUtf8 } from "./nested_values.js";

export type LookupOutputMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";
const MODES: readonly string[] = ["int", "one_hot", "multi_hot", "count", "tf_idf"];

/** The options IndexLookup's subclasses share, camelCased from Keras. */
export interface IndexLookupArgs<T> extends LayerArgs {
  /** The largest vocabulary, special tokens included (null: no cap). */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens map to (default 1). */
  numOovIndices?: number;
  /** The token that means "masked" (index 0 in "int" mode, dropped in the others); null for none. */
  maskToken?: T | null;
  /** The token returned for out-of-vocabulary indices when inverting. */
  oovToken?: T;
  /** A fixed vocabulary (instead of adapt), with or without its special tokens at the front. */
  vocabulary?: readonly T[] | null;
  /** "tf_idf" only: the inverse document frequency of each vocabulary term. */
  idfWeights?: readonly number[] | null;
  /** Map indices back to tokens ("int" mode only). */
  invert?: boolean;
  /** "int" (default), "one_hot", "multi_hot", "count" or "tf_idf" ("binary" and "tf-idf" are Keras' old names). */
  outputMode?: LookupOutputMode | "binary" | "tf-idf";
  /** Size the encodings' last axis by maxTokens even when the vocabulary is smaller. */
  padToMaxTokens?: boolean;
  /** Keras' sparse outputs: lamina has no sparse tensors, only false is accepted. */
  sparse?: boolean;
  /** Written by Keras in configs: the vocabulary size when saved (checked against the vocabulary). */
  vocabularySize?: number | null;
}

export const INDEX_LOOKUP_OPTIONS = {
  maxTokens: true, numOovIndices: true, maskToken: true, oovToken: true, vocabulary: true, idfWeights: true, invert: true,
  outputMode: true, padToMaxTokens: true, sparse: true, vocabularySize: true,
} as const;

/** A vocabulary and its settings: the engine of the lookup layers. */
export class Vocabulary<T extends string | number> {
  readonly maxTokens: number | null;
  readonly numOovIndices: number;
  readonly maskToken: T | null;
  readonly oovToken: T;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly padToMaxTokens: boolean;
  /** The vocabulary given to the constructor (Keras' input_vocabulary: what get_config writes). */
  readonly inputVocabulary: T[] | null;
  readonly inputIdfWeights: number[] | null;
  private tokens: T[] = [];
  private index = new Map<T, number>();
  /** One weight per output slot ("tf_idf"). */
  idf: Float32Array | null = null;
  frozenSize: number | null = null;
  private counts = new Map<T, number>();
  private docCounts = new Map<T, number>();
  private numDocuments = 0;

  constructor(readonly where: string, args: IndexLookupArgs<T>, defaults: { oovToken: T }, readonly compare: (a: T, b: T) => number) {
    const mode = args.outputMode === "binary" ? "multi_hot" : args.outputMode === "tf-idf" ? "tf_idf" : args.outputMode ?? "int";
    if (!MODES.includes(mode)) throw new RangeError(`${where}: outputMode must be one of ${MODES.map((m) => `"${m}"`).join(", ")}, got ${valueText(args.outputMode)}`);
    this.outputMode = mode;
    this.maxTokens = args.maxTokens ?? null;
    this.numOovIndices = args.numOovIndices ?? 1;
    this.maskToken = args.maskToken ?? null;
    this.oovToken = args.oovToken === undefined ? defaults.oovToken : args.oovToken;
    this.invert = booleanOption(where, "invert", args.invert, false);
    this.padToMaxTokens = booleanOption(where, "padToMaxTokens", args.padToMaxTokens, false);
    if (this.maxTokens !== null && !(Number.isInteger(this.maxTokens) && this.maxTokens > 1)) {
      throw new RangeError(`${where}: if set, maxTokens must be an integer greater than 1, got ${valueText(this.maxTokens)}`);
    }
    if (this.padToMaxTokens && this.maxTokens === null) throw new RangeError(`${where}: padToMaxTokens needs maxTokens to be set`);
    if (!(Number.isInteger(this.numOovIndices) && this.numOovIndices >= 0)) throw new RangeError(`${where}: numOovIndices must be an integer >= 0, got ${valueText(this.numOovIndices)}`);
    if (this.invert && mode !== "int") throw new RangeError(`${where}: outputMode must be "int" when invert is true, got "${mode}"`);
    if (booleanOption(where, "sparse", args.sparse, false)) throw new RangeError(`${where}: sparse: true is not supported (lamina has no sparse tensors); leave it false for dense outputs`);
    if (args.idfWeights != null && mode !== "tf_idf") throw new RangeError(`${where}: idfWeights is only for outputMode "tf_idf", got outputMode "${mode}"`);
    this.inputVocabulary = args.vocabulary == null ? null : [...args.vocabulary];
    this.inputIdfWeights = args.idfWeights == null ? null : [...args.idfWeights];
    if (mode === "tf_idf" && this.inputVocabulary !== null && this.inputIdfWeights === null) {
      throw new RangeError(`${where}: with a vocabulary in outputMode "tf_idf", idfWeights must be given too (one per vocabulary term)`);
    }
    if (this.inputVocabulary !== null) this.setVocabulary(this.inputVocabulary, this.inputIdfWeights);
    if (args.vocabularySize != null && this.inputVocabulary !== null && args.vocabularySize !== this.size()) {
      throw new RangeError(`${where}: the config's vocabulary_size is ${args.vocabularySize} but its vocabulary gives ${this.size()}; the config is inconsistent`);
    }
    if (args.vocabularySize != null && this.inputVocabulary === null) this.frozenSize = args.vocabularySize;
  }

  /** Index of the first OOV slot: 1 when a mask token takes index 0 ("int" mode), else 0. */
  oovStart(): number {
    return this.maskToken !== null && this.outputMode === "int" ? 1 : 0;
  }

  tokenStart(): number {
    return this.oovStart() + this.numOovIndices;
  }

  size(): number {
    return this.tokenStart() + this.tokens.length;
  }

  /** Keras' get_vocabulary: special tokens first (OOV slots hold oovToken) unless left out. */
  getVocabulary(includeSpecialTokens = true): T[] {
    const vocab: T[] = [...new Array<T>(this.tokenStart()).fill(this.oovToken), ...this.tokens];
    if (this.maskToken !== null && this.outputMode === "int") vocab[0] = this.maskToken;
    return includeSpecialTokens ? vocab : vocab.slice(this.tokenStart());
  }

  setVocabulary(vocabulary: readonly T[], idfWeights: readonly number[] | null = null): void {
    const where = `${this.where}.setVocabulary`;
    if (this.outputMode === "tf_idf" && idfWeights === null) throw new RangeError(`${where}: idfWeights must be given in outputMode "tf_idf"`);
    if (this.outputMode !== "tf_idf" && idfWeights !== null) throw new RangeError(`${where}: idfWeights is only for outputMode "tf_idf", got outputMode "${this.outputMode}"`);
    if (!Array.isArray(vocabulary)) throw new TypeError(`${where}: vocabulary must be an array of tokens, got ${valueText(vocabulary)}; lamina does not read vocabulary files`);
    if (vocabulary.length === 0) throw new RangeError(`${where}: cannot set an empty vocabulary`);
    const special: (T | null)[] = [...new Array<T | null>(this.oovStart()).fill(this.maskToken), ...new Array<T>(this.numOovIndices).fill(this.oovToken)];
    const foundSpecial = special.every((s, i) => vocabulary[i] === s) && vocabulary.length >= special.length;
    const tokens = foundSpecial ? vocabulary.slice(special.length) : [...vocabulary];
    const seen = new Set<T>(), repeated = new Set<T>();
    for (const t of tokens) (seen.has(t) ? repeated : seen).add(t);
    if (repeated.size > 0) throw new RangeError(`${where}: the vocabulary has repeated terms ${valueText([...repeated])}; make its terms unique`);
    if (this.maskToken !== null && seen.has(this.maskToken)) {
      throw new RangeError(`${where}: found the mask token ${valueText(this.maskToken)} at vocabulary index ${vocabulary.lastIndexOf(this.maskToken)}; leave out the mask and OOV tokens, or put them only at the start in this order: ${valueText(special)}`);
    }
    if (this.invert && seen.has(this.oovToken)) {
      throw new RangeError(`${where}: found the OOV token ${valueText(this.oovToken)} at vocabulary index ${vocabulary.lastIndexOf(this.oovToken)}; leave out the mask and OOV tokens, or put them only at the start in this order: ${valueText(special)}`);
    }
    const newSize = this.tokenStart() + tokens.length;
    if (this.maxTokens !== null && newSize > this.maxTokens) {
      throw new RangeError(`${where}: the vocabulary has ${newSize} entries (special tokens included) but maxTokens is ${this.maxTokens}`);
    }
    let idf: Float32Array | null = null;
    if (idfWeights !== null) {
      if (idfWeights.length !== vocabulary.length) throw new RangeError(`${where}: idfWeights has ${idfWeights.length} values but the vocabulary ${vocabulary.length}; give one per term`);
      // Keras pads the front (special slots) with the mean weight when the vocabulary left them out, the back with 0 up to maxTokens.
      const front = foundSpecial ? [] : new Array<number>(this.tokenStart()).fill(idfWeights.reduce((a, b) => a + b, 0) / idfWeights.length);
      const all = [...front, ...idfWeights];
      const back = this.padToMaxTokens && this.maxTokens !== null ? this.maxTokens - all.length : 0;
      idf = Float32Array.from([...all, ...new Array<number>(Math.max(0, back)).fill(0)]);
    }
    this.install(tokens);
    if (idf) this.idf = idf;
  }

  private install(tokens: T[]): void {
    const size = this.tokenStart() + tokens.length;
    if (this.outputMode !== "int" && !this.padToMaxTokens && this.frozenSize !== null && this.frozenSize !== size) {
      throw new RangeError(`${this.where}: in outputMode "${this.outputMode}" without padToMaxTokens the vocabulary size cannot change once set (Keras' rule): it was ${this.frozenSize}, the new one is ${size}`);
    }
    this.tokens = tokens;
    this.index = new Map(tokens.map((t, i) => [t, this.tokenStart() + i]));
    this.frozenSize = size;
  }

  /** Keras' update_state: counts tokens; each row of `rows` is one document (for tf_idf). */
  update(rows: readonly (readonly T[])[]): void {
    if (this.inputVocabulary !== null) {
      throw new Error(`${this.where}.adapt: cannot adapt after setting a fixed vocabulary with the vocabulary option; make a layer without it`);
    }
    for (const row of rows) {
      for (const t of row) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
      if (this.outputMode === "tf_idf") for (const t of new Set(row)) this.docCounts.set(t, (this.docCounts.get(t) ?? 0) + 1);
    }
    this.numDocuments += rows.length;
  }

  /** Keras' finalize_state: most frequent first, ties by token from high to low, cut to maxTokens. */
  finalize(): void {
    if (this.counts.size === 0) {
      this.install(this.tokens);
      return;
    }
    if (this.maskToken !== null) this.counts.delete(this.maskToken);
    this.counts.delete(this.oovToken);
    let order = [...this.counts.entries()].sort((a, b) => b[1] - a[1] || this.compare(b[0], a[0])).map(([t]) => t);
    if (this.maxTokens !== null) order = order.slice(0, Math.max(0, this.maxTokens - this.tokenStart()));
    if (this.outputMode === "tf_idf") {
      const w = order.map((t) => Math.fround(Math.log(1 + this.numDocuments / (1 + (this.docCounts.get(t) ?? 0)))));
      const mean = Math.fround(w.reduce((a, b) => a + b, 0) / Math.max(1, w.length));
      const all = [...new Array<number>(this.tokenStart()).fill(mean), ...w];
      if (this.padToMaxTokens && this.maxTokens !== null) all.push(...new Array<number>(Math.max(0, this.maxTokens - all.length)).fill(0));
      this.idf = Float32Array.from(all);
    }
    this.install(order);
    this.reset();
  }

  reset(): void {
    this.counts.clear();
    this.docCounts.clear();
    this.numDocuments = 0;
  }

  /** The index of each token; -1 marks a mask token outside "int" mode (dropped by the encodings). */
  lookup(values: readonly T[], hashOov: (t: T) => number): Int32Array {
    const out = new Int32Array(values.length);
    const oov: T[] = [];
    values.forEach((t, i) => {
      if (this.maskToken !== null && t === this.maskToken) { out[i] = this.outputMode === "int" ? 0 : -1; return; }
      const hit = this.index.get(t);
      if (hit !== undefined) { out[i] = hit; return; }
      if (this.numOovIndices === 0) { oov.push(t); return; }
      out[i] = this.oovStart() + (this.numOovIndices === 1 ? 0 : hashOov(t));
    });
    if (oov.length > 0) {
      throw new RangeError(`${this.where}: with numOovIndices 0 every input must be in the vocabulary; found out-of-vocabulary values ${valueText(oov.slice(0, 10))}; set numOovIndices to 1`);
    }
    return out;
  }

  /** Tokens of indices (invert): index 0 with a mask token is the mask, unknown indices the OOV token. */
  invertLookup(ids: readonly number[]): T[] {
    return ids.map((id) => {
      if (this.maskToken !== null && id === 0) return this.maskToken;
      const k = id - this.tokenStart();
      return k >= 0 && k < this.tokens.length ? this.tokens[k] : this.oovToken;
    });
  }

  /** The encodings' last axis: maxTokens when padding to it, else the vocabulary size. */
  depth(): number {
    if (this.padToMaxTokens) return this.maxTokens as number;
    if (this.frozenSize === null) {
      throw new Error(`${this.where}: in outputMode "${this.outputMode}" the vocabulary must be set before calling the layer; pass vocabulary, call adapt(data) or setVocabulary(...)`);
    }
    return this.frozenSize;
  }

  /** Keras' encode_categorical_inputs (+ idf weights): ids of `shape` to a float32 tensor. */
  encode(ids: Int32Array, shape: readonly number[]): Tensor {
    if (this.outputMode === "int") return makeTensor(ids, [...shape], "int32");
    const depth = this.depth();
    const dims = shape.length === 0 ? [1] : [...shape];
    const put = (out: Float32Array, row: number, id: number, add: boolean): void => {
      if (id < 0 || id >= depth) return;
      if (add) out[row * depth + id] += 1;
      else out[row * depth + id] = 1;
    };
    if (this.outputMode === "one_hot") {
      const outShape = dims.length > 1 && dims[dims.length - 1] === 1 ? dims.slice(0, -1) : dims;
      const out = new Float32Array(ids.length * depth);
      ids.forEach((id, i) => put(out, i, id, false));
      return makeTensor(out, [...outShape, depth], "float32");
    }
    if (dims.length > 2) {
      throw new RangeError(`${this.where}: outputMode "${this.outputMode}" takes inputs of rank 1 (one sample) or 2 (a batch of samples), got shape [${shape.join(", ")}]`);
    }
    const rows = dims.length === 1 ? 1 : dims[0], width = dims[dims.length - 1];
    const out = new Float32Array(rows * depth);
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) put(out, r, ids[r * width + j], this.outputMode !== "multi_hot");
    if (this.outputMode === "tf_idf") {
      const idf = this.idf as Float32Array;
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i] * (idf[i % depth] ?? 0));
    }
    return makeTensor(out, dims.length === 1 ? [depth] : [rows, depth], "float32");
  }

  /** The output shape of an input shape (symbolic calls). */
  outputShape(input: LayerShape): LayerShape {
    if (this.outputMode === "int") return input;
    const depth = this.padToMaxTokens ? this.maxTokens : this.frozenSize;
    if (this.outputMode === "one_hot") return input.length > 1 && input[input.length - 1] === 1 ? [...input.slice(0, -1), depth] : [...input, depth];
    return input.length <= 1 ? [depth] : [input[0], depth];
  }

  /**
   * Keras' IndexLookup.get_config entries. An adapted vocabulary, which Keras saves in the .keras
   * file's assets/, is written as the config's vocabulary (with the idf weights), which Keras
   * loads as well: lamina's files carry no assets.
   */
  config(): Record<string, unknown> {
    const adapted = this.inputVocabulary === null && this.tokens.length > 0;
    const vocabulary = adapted ? this.getVocabulary() : this.inputVocabulary;
    const idf = adapted && this.idf ? Array.from(this.idf.subarray(0, this.size())) : this.inputIdfWeights;
    return {
      invert: this.invert, max_tokens: this.maxTokens, num_oov_indices: this.numOovIndices, oov_token: this.oovToken, mask_token: this.maskToken,
      output_mode: this.outputMode, sparse: false, pad_to_max_tokens: this.padToMaxTokens,
      idf_weights: idf, vocabulary, vocabulary_size: this.frozenSize,
    };
  }
}

/** Layers built on a Vocabulary (for the .keras assets hooks and shared API). */
export abstract class LookupLayer<T extends string | number> extends Layer {
  abstract readonly vocab: Vocabulary<T>;

  /** Keras' get_vocabulary. */
  getVocabulary(includeSpecialTokens = true): T[] {
    return this.vocab.getVocabulary(includeSpecialTokens);
  }

  /** "int" mode returns int32 ids (integer tokens when inverted), not the layer's float dtype. */
  protected override symbolicOutputDType(): DType {
    return this.vocab.outputMode === "int" ? "int32" : super.symbolicOutputDType();
  }

  /** Keras' vocabulary_size: special tokens included. */
  vocabularySize(): number {
    return this.vocab.size();
  }

  /** Keras' set_vocabulary (idfWeights in "tf_idf" mode). */
  setVocabulary(vocabulary: readonly T[], idfWeights: readonly number[] | null = null): void {
    this.vocab.setVocabulary(vocabulary, idfWeights);
  }
}

export { compareUtf8 };
