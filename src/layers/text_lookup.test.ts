import { test } from "node:test";
import assert from "node:assert/strict";
import * as layers from "./index.js";
import { Model } from "../models/model.js";
import { constant } from "../tensor/creation.js";
import { serializeLayer, deserializeLayer } from "../io/serialization.js";
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "./symbolic.js";
import { loadModel } from "../io/model_files.js";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { ZipArchive, writeZip } from "../io/zip.js";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Keras 3.5's lookup layers need TensorFlow, which this machine lacks, so expected vocabularies
// come from Keras' own finalize_state rule run in numpy: np.lexsort((tokens_as_utf8_bytes,
// counts))[::-1] (most frequent first, ties by token bytes from high to low); idf weights from
// its formula log(1 + num_documents / (1 + document_count)) in float32.
const CORPUS = ["The cat sat.", "The dog, the CAT!", "a dog's life", "Zebra zebra zebra", "ÉCOLE école"];
const ADAPTED = ["", "[UNK]", "zebra", "the", "cat", "école", "École", "sat", "life", "dogs", "dog", "a"];

const arr = (t: unknown): unknown => (t as Tensor).arraySync();

test("StringLookup.adapt orders by count, ties by UTF-8 bytes from high to low (code points, not UTF-16 units)", () => {
  const l = layers.StringLookup();
  // numpy: U+1F600 (bytes f0 9f ...) sorts above U+FF41 (bytes ef bd 81), where UTF-16 order is the reverse.
  l.adapt(["b", "a", "b", "ｃ", "😀", "c", "a", "b"]);
  assert.deepEqual(l.getVocabulary(), ["[UNK]", "b", "a", "😀", "ｃ", "c"]);
  assert.deepEqual(l.getVocabulary(false), ["b", "a", "😀", "ｃ", "c"]);
  assert.equal(l.vocabularySize(), 6);
  const ids = l([["a", "zzz"], ["b", "c"]]);
  assert.equal(ids.dtype, "int32");
  assert.deepEqual(ids.arraySync(), [[2, 0], [1, 5]]);
  const cut = layers.StringLookup({ maxTokens: 3 });
  cut.adapt([["b", "a"], ["b", "c"]]);
  assert.deepEqual(cut.getVocabulary(), ["[UNK]", "b", "c"]);
});

test("StringLookup mask token, invert, and the encodings' shapes (Keras' encode_categorical_inputs)", () => {
  const l = layers.StringLookup({ vocabulary: ["a", "b", "c"], maskToken: "" });
  assert.deepEqual(l.getVocabulary(), ["", "[UNK]", "a", "b", "c"]);
  assert.deepEqual(arr(l(["c", "", "x"])), [4, 0, 1]);
  const inv = layers.StringLookup({ vocabulary: ["a", "b", "c"], maskToken: "", invert: true });
  assert.deepEqual(inv([[4, 0], [1, 9]]), [["c", ""], ["[UNK]", "[UNK]"]]);
  assert.deepEqual(inv(constant([2, 3], "int32")), ["a", "b"]);
  assert.throws(() => inv.apply(constant([2], "int32")), /returns strings.*call the layer itself: layer\(ids\)/);
  // one_hot: a trailing axis of 1 is replaced, otherwise one is added; the mask token encodes to zeros outside "int".
  const oh = layers.StringLookup({ vocabulary: ["a", "b"], outputMode: "one_hot" });
  assert.deepEqual(arr(oh([["a"], ["q"]])), [[0, 1, 0], [1, 0, 0]]);
  assert.deepEqual(arr(oh(["b", "a"])), [[0, 0, 1], [0, 1, 0]]);
  const mh = layers.StringLookup({ vocabulary: ["a", "b", "c"], outputMode: "multi_hot", maskToken: "" });
  assert.deepEqual(mh.getVocabulary(), ["[UNK]", "a", "b", "c"]);
  assert.deepEqual(arr(mh([["a", "a", ""], ["c", "x", "b"]])), [[0, 1, 0, 0], [1, 0, 1, 1]]);
  assert.deepEqual(arr(mh(["a", "c"])), [0, 1, 0, 1]);
  const ct = layers.StringLookup({ vocabulary: ["a", "b"], outputMode: "count", padToMaxTokens: true, maxTokens: 5 });
  assert.deepEqual(arr(ct([["a", "a", "b"], ["z", "z", "z"]])), [[0, 2, 1, 0, 0], [3, 0, 0, 0, 0]]);
});

test("StringLookup tf_idf: adapted idf weights (special slots get their mean) and given ones", () => {
  const l = layers.StringLookup({ outputMode: "tf_idf" });
  l.adapt([["a", "b"], ["a", "a"], ["c", "a"]]);
  // counts a:4 b:1 c:1 -> [UNK], a, c, b ; idf a = log(1 + 3/4), c = b = log(1 + 3/2)
  assert.deepEqual(l.getVocabulary(), ["[UNK]", "a", "c", "b"]);
  const [ia, ib] = [Math.fround(Math.log(1 + 3 / 4)), Math.fround(Math.log(1 + 3 / 2))];
  const mean = Math.fround((ia + ib + ib) / 3);
  const out = arr(l([["a", "a", "b"], ["q", "c", "c"]])) as number[][];
  const want = [[0, Math.fround(2 * ia), 0, ib], [mean, 0, Math.fround(2 * ib), 0]];
  out.forEach((row, r) => row.forEach((v, j) => assert.ok(Math.abs(v - want[r][j]) < 1e-6, `${r},${j}: ${v} vs ${want[r][j]}`)));
  const given = layers.StringLookup({ outputMode: "tf_idf", vocabulary: ["x", "y"], idfWeights: [0.5, 1.5] });
  assert.deepEqual(arr(given(["y", "y", "w"])), [1, 0, 3]);
  assert.throws(() => layers.StringLookup({ outputMode: "tf_idf", vocabulary: ["x"] }), /idfWeights must be given too/);
});

test("StringLookup refuses what Keras refuses, and what lamina cannot do, with the fix", () => {
  assert.throws(() => layers.StringLookup({ vocabulary: ["a", "a"] }), /repeated terms \["a"\]/);
  assert.throws(() => layers.StringLookup({ vocabulary: ["a", ""], maskToken: "" }), /found the mask token "" at vocabulary index 1/);
  assert.throws(() => layers.StringLookup({ vocabulary: ["a", "b"], maxTokens: 2 }), /has 3 entries \(special tokens included\) but maxTokens is 2/);
  // Several OOV slots: tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) is [0, 2, 2] (TensorFlow's docstring), after the mask slot when there is one.
  assert.deepEqual(layers.StringLookup({ vocabulary: ["a"], numOovIndices: 3 })(["Hello", "TensorFlow", "2.x", "a"]).arraySync(), [0, 2, 2, 3]);
  assert.deepEqual(layers.StringLookup({ vocabulary: ["a"], numOovIndices: 3, maskToken: "" })(["Hello", "TensorFlow", "2.x", "a", ""]).arraySync(), [1, 3, 3, 4, 0]);
  assert.throws(() => layers.StringLookup({ invert: true, outputMode: "count" }), /outputMode must be "int" when invert is true/);
  assert.throws(() => layers.StringLookup({ sparse: true }), /sparse: true is not supported/);
  const fixed = layers.StringLookup({ vocabulary: ["a"] });
  assert.throws(() => fixed.adapt(["a"]), /cannot adapt after setting a fixed vocabulary/);
  assert.throws(() => layers.StringLookup({ vocabulary: ["a"], numOovIndices: 0 })(["a", "b"]), /found out-of-vocabulary values \["b"\]; set numOovIndices to 1/);
  assert.throws(() => layers.StringLookup({ vocabulary: ["a"] })([["a"], ["b", "c"]]), /ragged/);
  assert.throws(() => layers.StringLookup({ outputMode: "multi_hot" })(["a"]), /the vocabulary must be set before calling the layer/);
  // set_vocabulary with the special tokens at the front keeps them out of the terms
  const l = layers.StringLookup({ maskToken: "[M]" });
  l.setVocabulary(["[M]", "[UNK]", "p", "q"]);
  assert.deepEqual(l.getVocabulary(), ["[M]", "[UNK]", "p", "q"]);
  const input = layers.Input({ shape: [3], dtype: "int32" });
  assert.throws(() => layers.StringLookup({ vocabulary: ["a"] })(input as unknown as string[]), /cannot sit inside a model on string inputs; apply it to the data instead/);
});

test("IntegerLookup: adapt order, OOV by floormod over numOovIndices, invert, and a place in a functional model", () => {
  const l = layers.IntegerLookup();
  l.adapt(constant([5, 3, 5, 7, 3, 9, 9, 1], "int32"));
  assert.deepEqual(l.getVocabulary(), [-1, 9, 5, 3, 7, 1]);
  assert.deepEqual(arr(l([[9, 4], [1, 5]])), [[1, 0], [5, 2]]);
  const two = layers.IntegerLookup({ vocabulary: [12, 36], numOovIndices: 2, maskToken: 0 });
  assert.deepEqual(two.getVocabulary(), [0, -1, -1, 12, 36]);
  // Keras: floormod(x, 2) + 1 for unknown x; 0 is the mask.
  assert.deepEqual(arr(two(constant([12, 7, -3, 36, 0, 8], "int32"))), [3, 2, 2, 4, 0, 1]);
  const inv = layers.IntegerLookup({ vocabulary: [12, 36], invert: true });
  assert.deepEqual(arr(inv([0, 1, 2, 3])), [-1, 12, 36, -1]);
  const input = layers.Input({ shape: [2], dtype: "int32" });
  const lookup = layers.IntegerLookup({ vocabulary: [10, 20, 30], outputMode: "multi_hot" });
  const model = new Model({ inputs: input, outputs: lookup(input) });
  assert.deepEqual(model.outputs[0].shape, [null, 4]);
  assert.deepEqual(arr(model.predict(constant([[10, 30], [99, 99]], "int32"))), [[0, 1, 0, 1], [1, 0, 0, 0]]);
  // In "int" mode the symbolic output holds the ids' dtype, as the eager call returns (Keras: an int dtype too).
  const ids = layers.IntegerLookup({ vocabulary: [10, 20, 30] })(input) as unknown as SymbolicTensor;
  assert.equal(ids.dtype, "int32");
  assert.equal((lookup(input) as unknown as SymbolicTensor).dtype, "float32");
});

test("TextVectorization.adapt: Keras' standardize (ASCII lower, punctuation stripped), whitespace split, vocabulary order", () => {
  const tv = layers.TextVectorization();
  tv.adapt(CORPUS);
  assert.deepEqual(tv.getVocabulary(), ADAPTED);
  assert.deepEqual(arr(tv(["the CAT", "an unknown zebra!", ""])), [[3, 4, 0], [1, 1, 2], [0, 0, 0]]);
  const short = layers.TextVectorization({ vocabulary: ADAPTED.slice(2), outputSequenceLength: 2 });
  assert.deepEqual(short.getVocabulary(), ADAPTED);
  assert.deepEqual(arr(short([["the cat sat"], ["zebra"]])), [[3, 4], [2, 0]]);
  assert.deepEqual(arr(short("dogs")), [9, 0]);
  const capped = layers.TextVectorization({ maxTokens: 5 });
  capped.adapt(CORPUS);
  assert.deepEqual(capped.getVocabulary(), ADAPTED.slice(0, 5));
});

test("TextVectorization multi_hot / count / tf_idf, ngrams, character split, standardize and split null", () => {
  const mh = layers.TextVectorization({ outputMode: "multi_hot", vocabulary: ["the", "cat"] });
  assert.deepEqual(mh.getVocabulary(), ["[UNK]", "the", "cat"]);
  assert.deepEqual(arr(mh(["the the cat", "a dog"])), [[0, 1, 1], [1, 0, 0]]);
  const ct = layers.TextVectorization({ outputMode: "count", vocabulary: ["the", "cat"] });
  assert.deepEqual(arr(ct(["the the cat dog", ""])), [[1, 2, 1], [0, 0, 0]]);
  // tf.strings.ngrams(tokens, (1, 2), " "): the unigrams, then the bigrams.
  const ng = layers.TextVectorization({ ngrams: 2 });
  ng.adapt(["a b a b"]);
  assert.deepEqual(ng.getVocabulary(), ["", "[UNK]", "b", "a b", "a", "b a"]);
  const ch = layers.TextVectorization({ split: "character", standardize: "lower" });
  ch.adapt(["Aab!"]);
  assert.deepEqual(ch.getVocabulary(), ["", "[UNK]", "a", "b", "!"]);
  const raw = layers.TextVectorization({ standardize: null, split: null, vocabulary: ["New York", "Paris"] });
  assert.deepEqual(arr(raw([["Paris", "New York"], ["paris", "Paris"]])), [[3, 2], [1, 3]]);
  const fn = layers.TextVectorization({ standardize: (s) => s.toUpperCase(), split: (s) => s.split("-"), vocabulary: ["A", "B"] });
  assert.deepEqual(arr(fn(["a-b-c"])), [[2, 3, 1]]);
  assert.throws(() => serializeLayer(fn), /standardize is a function, which a config cannot hold/);
  const tf = layers.TextVectorization({ outputMode: "tf_idf" });
  tf.adapt(["x y", "x"]);
  // counts x:2 y:1; idf x = log(1 + 2/3), y = log(1 + 2/2)
  const out = arr(tf(["x x y"])) as number[][];
  const [ix, iy] = [Math.fround(Math.log(1 + 2 / 3)), Math.fround(Math.log(2))];
  [[0, 2 * ix, iy]].forEach((row) => row.forEach((v, j) => assert.ok(Math.abs(out[0][j] - v) < 1e-6)));
  assert.throws(() => layers.TextVectorization({ outputMode: "multi_hot", outputSequenceLength: 3 }), /outputSequenceLength must not be set when outputMode is not "int"/);
  assert.throws(() => layers.TextVectorization({ split: "comma" as "whitespace" }), /split must be "whitespace", "character", null or a function, got "comma"/);
  assert.throws(() => layers.TextVectorization()([["a", "b"]]), /the input must be a string, a list of strings or a \[n, 1\] list, got shape \[1, 2\]/);
});

// Configs as Keras 3.5's get_config writes them (keras/src/layers/preprocessing/*_lookup.py,
// text_vectorization.py), written out by hand since Keras' lookup layers need TensorFlow.
test("the lookup layers' configs use Keras' keys and load from a Keras-written config", () => {
  const tv = layers.TextVectorization({ name: "tv", maxTokens: 100, outputSequenceLength: 4, vocabulary: ["b", "a"], ngrams: [1, 2] });
  const s = serializeLayer(tv);
  assert.equal(s.class_name, "TextVectorization");
  const c = s.config as Record<string, unknown>;
  assert.deepEqual(
    [c.max_tokens, c.standardize, c.split, c.ngrams, c.output_mode, c.output_sequence_length, c.pad_to_max_tokens, c.sparse, c.ragged, c.vocabulary, c.idf_weights, c.encoding, c.vocabulary_size],
    [100, "lower_and_strip_punctuation", "whitespace", [1, 2], "int", 4, false, false, false, ["b", "a"], null, "utf-8", 4],
  );
  const back = deserializeLayer(s) as InstanceType<typeof layers.classes.TextVectorization>;
  assert.deepEqual(back.getVocabulary(), ["", "[UNK]", "b", "a"]);
  // ngrams [1, 2]: "a", "b", then the bigram "a b" (out of vocabulary).
  assert.deepEqual(arr(back(["a b"])), [[3, 2, 1, 0]]);
  const keras = {
    module: "keras.layers", class_name: "StringLookup", registered_name: null,
    config: {
      name: "string_lookup", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
      invert: false, max_tokens: null, num_oov_indices: 1, oov_token: "[UNK]", mask_token: null, output_mode: "count", sparse: false,
      pad_to_max_tokens: false, idf_weights: null, vocabulary: ["x", "y"], vocabulary_size: 3, encoding: "utf-8",
    },
  };
  const sl = deserializeLayer(keras) as InstanceType<typeof layers.classes.StringLookup>;
  assert.deepEqual(arr(sl(["y", "y", "q"])), [1, 0, 2]);
  const rt = serializeLayer(sl).config as Record<string, unknown>;
  for (const k of Object.keys(keras.config)) assert.deepEqual(rt[k], (keras.config as Record<string, unknown>)[k], k);
  const raw = deserializeLayer({ class_name: "TextVectorization", config: { standardize: null, split: null, vocabulary: ["A"] } }) as InstanceType<typeof layers.classes.TextVectorization>;
  assert.deepEqual([raw.standardize, raw.split], [null, null]);
  const il = deserializeLayer({ class_name: "IntegerLookup", config: { vocabulary: [7, 8], vocabulary_dtype: "int64", mask_token: 0, oov_token: -1, num_oov_indices: 1 } });
  assert.deepEqual(arr((il as InstanceType<typeof layers.classes.IntegerLookup>)([8, 0, 3])), [3, 0, 1]);
  assert.throws(() => deserializeLayer({ class_name: "TextVectorization", config: { ragged: true } }), /ragged: true needs TensorFlow's ragged tensors/);
});

test("adapted vocabularies (and idf weights) round-trip through the config and a .keras file", async () => {
  const tv = layers.TextVectorization({ outputMode: "tf_idf" });
  tv.adapt(["x y", "x", "z z y"]);
  const back = deserializeLayer(serializeLayer(tv)) as InstanceType<typeof layers.classes.TextVectorization>;
  assert.deepEqual(back.getVocabulary(), tv.getVocabulary());
  assert.deepEqual(arr(back(["x z q", "y"])), arr(tv(["x z q", "y"])));
  const input = layers.Input({ shape: [3], dtype: "int32" });
  const lookup = layers.IntegerLookup({ outputMode: "count" });
  lookup.adapt([[4, 4, 9], [9, 9, 2]]);
  const model = new Model({ inputs: input, outputs: lookup(input) });
  const dir = mkdtempSync(join(tmpdir(), "lamina-lookup-"));
  try {
    const file = join(dir, "m.keras");
    await model.save(file);
    const loaded = await loadModel(file);
    const x = constant([[9, 4, 7], [2, 2, 2]], "int32");
    assert.deepEqual(arr(loaded.predict(x)), arr(model.predict(x)));
    assert.deepEqual(arr(model.predict(x)), [[1, 1, 1, 0], [0, 0, 0, 3]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a .keras file holding Keras' assets/ (an adapted vocabulary) is refused with the fix, not loaded without it", async () => {
  const input = layers.Input({ shape: [2], dtype: "int32" });
  const model = new Model({ inputs: input, outputs: layers.IntegerLookup({ vocabulary: [1, 2] })(input) });
  const dir = mkdtempSync(join(tmpdir(), "lamina-assets-"));
  try {
    const file = join(dir, "m.keras");
    await model.save(file);
    const zip = ZipArchive.read(new Uint8Array(readFileSync(file)), file);
    const entries: [string, Uint8Array][] = [...zip.entries.keys()].map((k) => [k, zip.extract(k)]);
    entries.push(["assets/layers/integer_lookup/vocabulary.txt", new TextEncoder().encode("-1\n1\n2")]);
    writeFileSync(file, writeZip(entries));
    await assert.rejects(loadModel(file), /holds layer assets \(assets\/layers\/integer_lookup\/vocabulary.txt\).*vocabulary=layer.get_vocabulary\(\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
