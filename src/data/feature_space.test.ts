import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
const { layers, utils, models } = tf;
import { FeatureSpace } from "./feature_space.js";

const close = (a: number[], b: number[], tol = 1e-5) => {
  assert.equal(a.length, b.length, `length ${a.length} vs ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `at ${i}: ${v} vs ${b[i]}`));
};
const oneHot = (i: number, n: number) => Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));
const rows = (t: unknown) => (t as tf.Tensor).arraySync() as number[][];

const raw = {
  price: [1.5, 3.0, 4.5, 10.0, 2.0, 7.5],
  size: [1, 2, 3, 4, 5, 6],
  color: ["red", "blue", "red", "green", "red", "blue"],
  zip: [10, 20, 10, 30, 10, 20],
  tag: [2, 4, 6, 8, 10, 12],
};
// Keras 3.5 Normalization adapted on price (KERAS_BACKEND=torch), equal to numpy's (x - mean) / std.
const PRICE_NORM = [-1.0602681636810303, -0.5709136128425598, -0.08155909180641174, 1.7127408981323242, -0.8971499800682068, 0.8971499800682068];

function space(outputMode: "concat" | "dict" = "concat", crosses: string[][] = []) {
  return new FeatureSpace({
    features: {
      price: "float_normalized",
      size: FeatureSpace.floatDiscretized(3, { binBoundaries: [2.5, 4.5] }),
      color: "string_categorical",
      zip: "integer_categorical",
      tag: FeatureSpace.floatRescaled({ scale: 0.5, offset: -1 }),
    },
    crosses,
    crossingDim: 8,
    outputMode,
  });
}

test("FeatureSpace concat: Keras' order (features sorted by name), one-hot lookups, normalized, rescaled and binned floats", async () => {
  const fs = space();
  await fs.adapt(raw);
  const y = fs.call(raw) as tf.Tensor;
  // color: vocabulary by frequency [UNK, red, blue, green]; zip: [-1 (OOV), 10, 20, 30]; size bins by [2.5, 4.5].
  const colorId: Record<string, number> = { red: 1, blue: 2, green: 3 };
  const zipId: Record<number, number> = { 10: 1, 20: 2, 30: 3 };
  const sizeBin = [0, 0, 1, 1, 2, 2];
  const expected = raw.price.map((_, r) => [
    ...oneHot(colorId[raw.color[r]], 4), PRICE_NORM[r], ...oneHot(sizeBin[r], 3), raw.tag[r] * 0.5 - 1, ...oneHot(zipId[raw.zip[r]], 4),
  ]);
  assert.deepEqual(y.shape, [6, 13]);
  assert.equal(y.dtype, "float32");
  close(rows(y).flat(), expected.flat());
  // One sample of scalars: Keras batches it as [1, 1] and squeezes the batch axis back off.
  const one = fs.call({ price: 5, size: 5, color: "purple", zip: 30, tag: 0 }) as tf.Tensor;
  assert.deepEqual(one.shape, [13]);
  close(one.arraySync() as number[], [...oneHot(0, 4), 0.08155909180641174, ...oneHot(2, 3), -1, ...oneHot(3, 4)]);
});

test("FeatureSpace crosses hash the preprocessed ids with HashedCrossing, after the features in name order", async () => {
  const fs = space("concat", [["zip", "color"]]);
  await fs.adapt(raw);
  const y = rows(fs.call(raw));
  assert.equal(y[0].length, 13 + 8);
  // Keras crosses the lookups' ids (not the raw values): the cross of [color id] and [zip id] per row.
  const colorIds = tf.constant([[1], [2], [1], [3], [1], [2]], "int64");
  const zipIds = tf.constant([[1], [2], [1], [3], [1], [2]], "int64");
  const bins = layers.HashedCrossing({ numBins: 8, dtype: "int32" }).apply([zipIds, colorIds]).arraySync() as number[][];
  y.forEach((row, r) => assert.deepEqual(row.slice(13), oneHot(bins[r][0], 8)));
  assert.deepEqual(Object.keys(fs.crossers), ["zip_X_color"]);
});

test("FeatureSpace dict mode and int outputs; string hashing gives Keras' bins", async () => {
  const fs = new FeatureSpace({
    features: {
      s: FeatureSpace.stringHashed(10, { outputMode: "int" }),
      h: FeatureSpace.stringHashed(3),
      c: FeatureSpace.stringCategorical({ outputMode: "int" }),
    },
    outputMode: "dict",
  });
  await fs.adapt([{ s: ["a"], h: ["A"], c: ["x"] }, { s: ["b"], h: ["B"], c: ["y"] }, { s: ["c"], h: ["C"], c: ["x"] }, { s: ["d"], h: ["D"], c: ["z"] }]);
  const out = fs.call({ s: ["a", "b", "c", "d"], h: ["A", "B", "C", "D"], c: ["x", "y", "z", "w"] }) as Record<string, tf.Tensor>;
  assert.deepEqual(Object.keys(out), ["c", "h", "s"]);
  // Keras' documented Hashing(num_bins=10) of a, b, c, d: 9, 2, 2, 5; of A..D with 3 bins: 1, 0, 1, 1.
  assert.deepEqual(out.s.arraySync(), [[9], [2], [2], [5]]);
  assert.deepEqual(out.h.arraySync(), [oneHot(1, 3), oneHot(0, 3), oneHot(1, 3), oneHot(1, 3)]);
  // x twice first, then y and z tied (Keras: ties by token from high to low), w out of vocabulary.
  assert.deepEqual(out.c.arraySync(), [[1], [3], [2], [0]]);
  assert.throws(() => new FeatureSpace({ features: { c: FeatureSpace.stringCategorical({ outputMode: "int" }) } }).call({ c: ["x"] }), /adapt/);
});

test("FeatureSpace adapt reads batches from an async iterable and batches single samples", async () => {
  const fs = new FeatureSpace({ features: { p: "float_normalized", z: "integer_categorical" } });
  async function* samples() {
    for (let i = 0; i < raw.price.length; i++) yield { p: raw.price[i], z: raw.zip[i] };
  }
  await fs.adapt(samples());
  close(rows(fs.call({ p: raw.price, z: raw.zip })).map((r) => r[0]), PRICE_NORM);
});

test("FeatureSpace errors name the feature and the fix", async () => {
  const fs = space();
  await fs.adapt(raw);
  assert.throws(() => fs.call({ ...raw, label: [0, 1, 0, 1, 0, 1] } as never), /"label".*not features.*split labels off/);
  const { zip: _zip, ...noZip } = raw;
  assert.throws(() => fs.call(noZip), /no column for features "zip"/);
  assert.throws(() => fs.call({ ...raw, color: tf.constant([1, 2, 3, 4, 5, 6]) }), /feature "color" is a string feature/);
  assert.throws(() => fs.call({ ...raw, zip: [1.5, 2, 3, 4, 5, 6] }), /feature "zip" is an integer feature and got the non-integer 1.5/);
  assert.throws(() => new FeatureSpace({ features: { a: "float" }, crosses: [["a", "b"]] }), /"b", not in features/);
  assert.throws(() => new FeatureSpace({ features: { a: "floaty" as never } }), /feature "a" has the invalid type/);
  assert.throws(() => new FeatureSpace({ features: {} }), /non-empty/);
  const ints = new FeatureSpace({ features: { z: FeatureSpace.integerCategorical({ outputMode: "int" }) } });
  await ints.adapt({ z: [1, 2] });
  assert.throws(() => ints.call({ z: [1, 2] }), /feature "z" has not been encoded.*outputMode "dict"/);
  assert.throws(() => fs.getInputs(), /"color" take strings.*apply it to the data/);
});

test("FeatureSpace on numeric features builds a model's inputs and encoded features", async () => {
  const fs = new FeatureSpace({ features: { p: "float_normalized", z: "integer_categorical", t: FeatureSpace.floatRescaled({ scale: 2 }) } });
  await fs.adapt({ p: raw.price, z: raw.zip, t: raw.tag });
  const inputs = fs.getInputs();
  const encoded = fs.getEncodedFeatures() as ReturnType<typeof layers.Input>;
  assert.deepEqual(encoded.shape, [null, 1 + 1 + 4]);
  const model = new models.Model({ inputs: [inputs.p, inputs.t, inputs.z], outputs: encoded });
  const y = model.predict([tf.constant(raw.price, [6, 1]), tf.constant(raw.tag, [6, 1]), tf.constant(raw.zip, [6, 1], "int32")]) as tf.Tensor;
  close((y.arraySync() as number[][]).flat(), rows(fs.call({ p: raw.price, z: raw.zip, t: raw.tag })).flat());
  close((y.arraySync() as number[][]).map((r) => r[0]), PRICE_NORM);
});

test("FeatureSpace config: Keras 3.5's keys; a Keras-written config loads", async () => {
  // Written by Keras 3.5: serialize_keras_object(FeatureSpace(features={"b": float_rescaled(2, 1), "a": "float",
  // "c": float_discretized(3, bin_boundaries=[0, 1]), "d": "float_normalized"})).
  const keras = {"module": "keras.utils", "class_name": "FeatureSpace", "config": {"features": {"b": {"module": "keras.src.layers.preprocessing.feature_space", "class_name": "Feature", "config": {"dtype": "float32", "preprocessor": {"module": "keras.layers", "class_name": "Rescaling", "config": {"name": "b_preprocessor", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "scale": 2.0, "offset": 1.0}, "registered_name": null}, "output_mode": "float"}, "registered_name": "Feature"}, "a": {"module": "keras.src.layers.preprocessing.feature_space", "class_name": "Feature", "config": {"dtype": "float32", "preprocessor": {"module": "keras.src.layers.preprocessing.feature_space", "class_name": "TFDIdentity", "config": {"name": "a_preprocessor", "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "trainable": true}, "registered_name": "TFDIdentity"}, "output_mode": "float"}, "registered_name": "Feature"}, "c": {"module": "keras.src.layers.preprocessing.feature_space", "class_name": "Feature", "config": {"dtype": "float32", "preprocessor": {"module": "keras.layers", "class_name": "Discretization", "config": {"bin_boundaries": [0.0, 1.0], "num_bins": 3, "epsilon": 0.01, "output_mode": "int", "sparse": false, "name": "c_preprocessor", "dtype": "int64"}, "registered_name": null}, "output_mode": "one_hot"}, "registered_name": "Feature"}, "d": {"module": "keras.src.layers.preprocessing.feature_space", "class_name": "Feature", "config": {"dtype": "float32", "preprocessor": {"module": "keras.layers", "class_name": "Normalization", "config": {"name": "d_preprocessor", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "axis": [-1], "invert": false, "mean": null, "variance": null}, "registered_name": null}, "output_mode": "float"}, "registered_name": "Feature"}}, "output_mode": "concat", "crosses": [], "crossing_dim": 32, "hashing_dim": 32, "num_discretization_bins": 32}, "registered_name": null};
  const fs = FeatureSpace.fromConfig(keras);
  assert.deepEqual(Object.keys(fs.features), ["b", "a", "c", "d"]);
  assert.deepEqual(fs.getConfig(), keras.config);
  await fs.adapt({ a: [1, 2], b: [1, 2], c: [-1, 2], d: [0, 2] });
  // a, b (x*2+1), c one-hot of bins by [0, 1], d normalized by mean 1, variance 1.
  close(rows(fs.call({ a: [1, 2], b: [1, 2], c: [-1, 2], d: [0, 2] })).flat(), [1, 3, 1, 0, 0, -1, 2, 5, 0, 0, 1, 1]);
  // A cross and lookups round-trip through getConfig too.
  const crossed = space("dict", [["zip", "color"]]);
  const again = FeatureSpace.fromConfig(JSON.parse(JSON.stringify(crossed.getConfig())));
  assert.deepEqual(again.getConfig(), crossed.getConfig());
  assert.deepEqual(again.getConfig().crosses, [{ module: "keras.src.layers.preprocessing.feature_space", class_name: "Cross", config: { feature_names: ["zip", "color"], crossing_dim: 8, output_mode: "one_hot" }, registered_name: "Cross" }]);
});

test("utils.FeatureSpace is exported", () => {
  assert.equal(utils.FeatureSpace, FeatureSpace);
});

test("FeatureSpace float_discretized learns Keras' bin boundaries in adapt", async () => {
  const fs = new FeatureSpace({ features: { x: "float_discretized" }, numDiscretizationBins: 4, outputMode: "dict" });
  // Keras' Discretization docstring: these values with 4 bins give boundaries [0, 0.5, 1.3] and ids [0, 2, 3, 2, 1, 3, 3, 1].
  const x = [-1.5, 1.0, 3.4, 0.5, 0.0, 3.0, 1.3, 0.0];
  await fs.adapt([{ x: x.slice(0, 4) }, { x: x.slice(4) }]);
  const out = fs.call({ x }) as Record<string, tf.Tensor>;
  assert.deepEqual(out.x.arraySync(), [0, 2, 3, 2, 1, 3, 3, 1].map((i) => oneHot(i, 4)));
});
