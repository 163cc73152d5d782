import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;

const dir = mkdtempSync(join(tmpdir(), "lamina-embedding-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// The weights of test/fixtures/make_embedding.py: embeddings arange(10).reshape(5, 2) * 0.1 - 0.45.
const EMBEDDINGS = [[-0.45, -0.35], [-0.25, -0.15], [-0.05, 0.05], [0.15, 0.25], [0.35, 0.45]];
const KERNEL = [[0.1], [-0.2], [0.3], [0.4], [-0.5], [0.6]];
const BIAS = [0.05];
const X = [[0, 1, 4], [2, 2, 3]];
const Y = [[1], [-1]];
// What Keras 3.5.0 (torch backend) computed with those weights (make_embedding.py prints them).
const KERAS_PREDICTIONS = [[0.035000044852495193], [0.11499999463558197]];
const KERAS_LOSS = 1.0872249603271484;
// After one train_on_batch(X, Y) with SGD(0.1) and mse: row 2, used twice by the second sample, moves by the sum of both uses.
const KERAS_EMBEDDINGS_AFTER_STEP = [
  [-0.4403499960899353, -0.3693000078201294], [-0.2210499793291092, -0.11139997839927673], [-0.09459998458623886, 0.027700010687112808],
  [0.20575003325939178, 0.18310000002384186], [0.3017500340938568, 0.507900059223175],
];
// Keras 3.5's get_config of Embedding(5, 2) in a saved model.
const KERAS_CONFIG = {
  name: "embedding", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
  input_dim: 5, output_dim: 2,
  embeddings_initializer: { module: "keras.initializers", class_name: "RandomUniform", config: { minval: -0.05, maxval: 0.05, seed: null }, registered_name: null },
  embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false,
};

function tinyModel(): tf.models.Sequential {
  const model = new models.Sequential([
    layers.Input({ shape: [3], dtype: "int32" }), layers.Embedding(5, 2), layers.Flatten(), layers.Dense(1),
  ], { name: "embedding_model" });
  model.setWeights([tf.constant(EMBEDDINGS), tf.constant(KERNEL), tf.constant(BIAS)]);
  return model;
}

test("Embedding forward by hand: rows of the embeddings for int32, int64 and float indices of any shape", () => {
  const emb = layers.Embedding(4, 3);
  const table = [[0, 1, 2], [10, 11, 12], [20, 21, 22], [30, 31, 32]];
  emb.build([null]);
  emb.setWeights([tf.constant(table)]);
  const ids = [[[3, 0], [1, 1]], [[2, 3], [0, 2]]];
  const want = ids.map((a) => a.map((b) => b.map((i) => table[i])));
  assert.deepEqual(emb(tf.constant(ids, [2, 2, 2], "int32")).arraySync(), want);
  assert.deepEqual(emb(tf.constant(ids, [2, 2, 2], "int32")).shape, [2, 2, 2, 3]);
  assert.deepEqual(emb(tf.constant([2n, 0n], [2], "int64")).arraySync(), [table[2], table[0]]);
  // Keras casts other dtypes to int32 (dropping the fraction), with no autocast to float first.
  assert.deepEqual(emb(tf.constant([[1, 2.9]], [1, 2], "float32")).arraySync(), [[table[1], table[2]]]);
  assert.deepEqual(emb(tf.constant([3], [1], "float64")).arraySync(), [table[3]]);
  assert.deepEqual(emb(tf.constant(2, [], "int32")).arraySync(), table[2]);
  assert.equal(emb(tf.constant([1], [1], "int32")).dtype, "float32");
  const wide = layers.Embedding(2, 2, { dtype: "float64" });
  assert.equal(wide(tf.constant([1], [1], "int32")).dtype, "float64");
});

test("Embedding weights: one 'embeddings' [inputDim, outputDim], default uniform in [-0.05, 0.05], as Keras' get_weights", () => {
  tf.clearSession();
  tf.random.setSeed(3);
  const emb = layers.Embedding(50, 8);
  emb(tf.constant([[1, 2]], [1, 2], "int32"));
  assert.equal(emb.name, "embedding");
  assert.deepEqual(emb.weights.map((w) => [w.name, [...w.shape]]), [["embedding/embeddings", [50, 8]]]);
  assert.equal(emb.countParams(), 400);
  const values = emb.getWeights()[0].dataSync();
  assert.ok(values.every((v) => Number(v) >= -0.05 && Number(v) <= 0.05), "uniform(-0.05, 0.05)");
  assert.ok(Math.max(...Array.from(values, Number)) > 0.04 && Math.min(...Array.from(values, Number)) < -0.04, "spread over the range");
  const ones = layers.Embedding(3, 2, { embeddingsInitializer: "ones" });
  assert.deepEqual(ones(tf.constant([0], [1], "int32")).arraySync(), [[1, 1]]);
});

test("Embedding gradient matches finite differences, adding over repeated indices", () => {
  const emb = layers.Embedding(4, 3, { dtype: "float64", embeddingsInitializer: "random_normal" });
  const idx = tf.constant([[1, 3, 1], [1, 0, 3]], [2, 3], "int32"); // row 1 three times, row 3 twice, row 2 never
  emb(idx);
  const w = tf.random.uniform([2, 3, 3], 0.5, 1.5, { dtype: "float64", seed: 9 });
  const v = emb.embeddings!;
  const loss = (): tf.Tensor => tf.sum(tf.mul(emb(idx), w));
  const analytic = tf.variableGrads(loss, [v]).grads[v.name].arraySync() as number[][];
  const base = v.arraySync() as number[][];
  const eps = 1e-6;
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 3; c++) {
      const at = (d: number): number => {
        const moved = base.map((row) => [...row]);
        moved[r][c] += d;
        v.assign(tf.constant(moved, [4, 3], "float64"));
        return loss().item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(analytic[r][c] - numeric) < 1e-7, `embeddings[${r}][${c}]: analytic ${analytic[r][c]}, finite differences ${numeric}`);
    }
  }
  v.assign(tf.constant(base, [4, 3], "float64"));
  // By hand: row 1 gathers w[0][0] + w[0][2] + w[1][0], row 2 nothing.
  const wv = w.arraySync() as number[][][];
  assertAllClose(tf.constant(analytic[1], [3], "float64"), wv[0][0].map((x, i) => x + wv[0][2][i] + wv[1][0][i]), { rtol: 1e-12, atol: 0, what: "row 1" });
  assert.deepEqual(analytic[2], [0, 0, 0]);
});

test("Embedding + Dense as Keras 3.5 computes it: predictions, mse loss and one SGD step's embeddings", () => {
  tf.clearSession();
  const model = tinyModel();
  const x = tf.constant(X, [2, 3], "int32");
  assertAllClose(model.predict<tf.Tensor>(x), KERAS_PREDICTIONS.flat(), { rtol: 0, atol: 1e-6, what: "predictions vs Keras" });
  // By hand, sample 0: flattened rows 0, 1, 4 [-0.45, -0.35, -0.25, -0.15, 0.35, 0.45] . kernel + 0.05 = 0.035.
  assertAllClose(model.predict<tf.Tensor>(x).slice([0, 0], [1, 1]), [0.035], { rtol: 0, atol: 1e-6, what: "sample 0 by hand" });
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  const loss = model.trainOnBatch(x, tf.constant(Y));
  assert.ok(Math.abs((Array.isArray(loss) ? loss[0] : loss) - KERAS_LOSS) < 1e-6, `loss ${String(loss)} vs Keras ${KERAS_LOSS}`);
  assertAllClose(model.getWeights()[0], KERAS_EMBEDDINGS_AFTER_STEP.flat(), { rtol: 0, atol: 1e-6, what: "embeddings after one SGD step vs Keras" });
});

test("Embedding in Sequential with Input(dtype int32) and in a functional model: shapes, summary, fit", async () => {
  tf.clearSession();
  const model = tinyModel();
  assert.equal(model.inputs[0].dtype, "int32");
  const text = model.summary(() => {});
  assert.match(text, /│ embedding \(Embedding\)\s+│ \(None, 3, 2\)\s+│\s+10 │/);
  assert.match(text, /Total params: 17 /);
  const input = layers.Input({ shape: [4, 2], dtype: "int32" });
  const out = layers.Embedding(7, 5)(input) as Sym;
  assert.deepEqual(out.shape, [null, 4, 2, 5]);
  assert.equal(out.dtype, "float32");
  const fmodel = new models.Model({ inputs: input, outputs: layers.Dense(1)(layers.Flatten()(out) as Sym) as Sym });
  fmodel.compile({ optimizer: "adam", loss: "mse" });
  const h = await fmodel.fit(tf.constant([[[0, 6], [1, 2], [3, 4], [5, 5]]], [1, 4, 2], "int32"), tf.constant([[1]]), { epochs: 2, verbose: 0 });
  assert.equal(h.history.loss.length, 2);
});

test("Embedding config: Keras 3.5's get_config, getConfig -> fromConfig, regularizer and constraint kept", () => {
  tf.clearSession();
  const emb = layers.Embedding(5, 2);
  emb.build([null, 3]);
  assert.deepEqual(tf.serialization.serializeLayer(emb).config, KERAS_CONFIG);
  const custom = layers.Embedding(6, 3, { name: "words", embeddingsInitializer: "glorot_uniform", embeddingsRegularizer: tf.regularizers.L2({ l2: 0.01 }), embeddingsConstraint: "non_neg" });
  const cfg = JSON.parse(JSON.stringify(custom.getConfig())) as Record<string, unknown>;
  const back = layers.classes.Embedding.fromConfig(cfg);
  assert.ok(back instanceof layers.classes.Embedding);
  assert.deepEqual(back.getConfig(), custom.getConfig());
  assert.deepEqual(cfg.embeddings_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null });
  assert.equal((cfg.embeddings_constraint as { class_name: string }).class_name, "NonNeg");
  // The regularizer adds its penalty to the loss, the constraint is applied after each step.
  back(tf.constant([0], [1], "int32"));
  assert.equal(back.weightRegularizers.size, 1);
  assert.equal(back.weightConstraints.size, 1);
  // A tf.keras 2 config carries input_length; it is read and dropped.
  const keras2 = { name: "old", input_dim: 3, output_dim: 2, input_length: 10, mask_zero: false, embeddings_initializer: { class_name: "RandomUniform", config: { minval: -0.05, maxval: 0.05, seed: null } } };
  assert.equal((layers.classes.Embedding.fromConfig(keras2) as InstanceType<typeof layers.classes.Embedding>).inputDim, 3);
  assert.equal((layers.classes.Embedding.fromConfig({ ...keras2, mask_zero: true }) as InstanceType<typeof layers.classes.Embedding>).maskZero, true);
});

test("Embedding saved and loaded (.keras and .h5), and Keras 3.5's own files load with Keras' predictions", async () => {
  tf.clearSession();
  const x = tf.constant(X, [2, 3], "int32");
  const model = tinyModel();
  for (const ext of [".keras", ".h5"]) {
    const path = join(dir, `embedding${ext}`);
    await model.save(path);
    const back = await models.loadModel(path);
    assert.equal(back.inputs[0].dtype, "int32", `${ext}: input dtype`);
    assert.deepEqual(back.getWeights().map((w) => w.arraySync()), model.getWeights().map((w) => w.arraySync()), `${ext}: weights`);
    assert.deepEqual(back.predict<tf.Tensor>(x).arraySync(), model.predict<tf.Tensor>(x).arraySync(), `${ext}: predictions`);
    assert.equal(back.summary(() => {}), model.summary(() => {}), `${ext}: summary`);
  }
  for (const file of ["embedding.keras", "embedding.h5"]) {
    const byKeras = await models.loadModel(`test/fixtures/keras_files/by_keras/${file}`);
    assert.deepEqual(byKeras.layers.map((l) => l.className), ["Embedding", "Flatten", "Dense"]);
    assertAllClose(byKeras.getWeights()[0], EMBEDDINGS.flat(), { rtol: 0, atol: 1e-7, what: `${file}: embeddings` });
    assertAllClose(byKeras.predict<tf.Tensor>(x), KERAS_PREDICTIONS.flat(), { rtol: 0, atol: 1e-6, what: `${file}: predictions` });
  }
});

test("Embedding refusals: options, out-of-range indices naming the layer, the value and the range", () => {
  tf.clearSession();
  assert.throws(() => layers.Embedding(10, 4, { mask_zero: true } as tf.layers.EmbeddingArgs), /unknown option mask_zero; lamina spells Keras' mask_zero as maskZero/);
  assert.throws(() => layers.Embedding(10, 4, { maskZero: 1 as never }), /Embedding embedding.*: maskZero must be true or false, got 1/);
  assert.doesNotThrow(() => layers.Embedding(10, 4, { maskZero: false }));
  assert.throws(() => layers.Embedding(0, 4), /Embedding: inputDim must be a positive integer, got 0/);
  assert.throws(() => layers.Embedding(10, 2.5), /Embedding: outputDim must be a positive integer, got 2.5/);
  assert.throws(() => layers.Embedding({ outputDim: 3 }), /inputDim must be a positive integer, got undefined/);
  assert.throws(() => layers.Embedding(10, 4, { embeddingsInitializer: "unifrom" }), /Embedding embedding_\d+: embeddingsInitializer: /);
  assert.throws(() => layers.Embedding(10, 4, { dtype: "int32" }), /dtype int32 is not a float dtype/);
  const emb = layers.Embedding(5, 2, { name: "vocab" });
  assert.throws(() => emb(tf.constant([[0, 5]], [1, 2], "int32")), /Embedding vocab: index 5 in the input \(1, 2\) is out of range; indices must be in \[0, 5\) \(inputDim 5\)/);
  assert.throws(() => emb(tf.constant([-6, 2], [2], "int32")), /Embedding vocab: index -6 .* must be in \[0, 5\) \(inputDim 5\), or in -5..-1 to count from the end/);
  assert.throws(() => emb(tf.constant([7.5], [1], "float32")), /Embedding vocab: index 7 .* must be in \[0, 5\)/);
  assert.throws(() => emb(tf.constant([9n], [1], "int64")), /Embedding vocab: index 9 .* must be in \[0, 5\)/);
  const model = tinyModel();
  assert.throws(() => model.predict(tf.constant([[0, 1, 6]], [1, 3], "int32")), /Embedding embedding(_\d+)?: index 6 .* must be in \[0, 5\)/);
});

test("Embedding as Keras 3.5 on TensorFlow: negative indices count from the end (ops.take), inputLength dropped with a warning, weights set at construction", async () => {
  tf.clearSession();
  const table = tf.constant([[0, 1], [2, 3], [4, 5]], [3, 2], "float32");
  const emb = layers.Embedding(3, 2, { weights: [table] });
  assert.equal(emb.built, true);
  // Keras' TF take: where(indices < 0, indices + 3, indices), so -1 is row 2 and -3 row 0.
  assertAllClose(emb(tf.constant([[-1, 0, -3]], [1, 3], "int32")), [[[4, 5], [0, 1], [0, 1]]]);
  assertAllClose(emb(tf.constant([-2n], [1], "int64")), [[2, 3]]);
  assertAllClose(emb(tf.constant([-1.7], [1], "float32")), [[4, 5]]);
  assertAllClose(layers.Embedding(3, 2, { weights: table }).getWeights()[0], [[0, 1], [2, 3], [4, 5]]);
  assert.throws(() => layers.Embedding(3, 2, { weights: tf.zeros([2, 2]) }), /setWeights: weight 0 \(.*embeddings\) has shape \(3, 2\) but the value has shape \(2, 2\)/);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(w.message); };
  process.on("warning", onWarning);
  try {
    const old = layers.Embedding(10, 4, { inputLength: 5, name: "old" });
    assert.equal("input_length" in old.getConfig(), false);
  } finally {
    await new Promise((r) => setImmediate(r));
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings, ["Embedding old: argument inputLength is deprecated (Keras 3 ignores input_length). Just remove it."]);
});
