// saving.KerasFileEditor on a Keras-written .keras file (its tree and summary written out by hand
// from the file's HDF5 layout) and on the edit -> .weights.h5 -> loadWeights round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models, saving } = tf;
const KERAS_CNN = "test/fixtures/keras_files/by_keras/cnn_bn.keras";

async function quietly<T>(f: () => Promise<T> | T): Promise<T> {
  tf.config.disableInteractiveLogging();
  try {
    return await f();
  } finally {
    tf.config.enableInteractiveLogging();
  }
}

async function inTempDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lamina-file-editor-"));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a Keras 3.5 .keras file opens as its weight tree (empty objects left out) with its config and metadata", async () => {
  const editor = await quietly(() => saving.KerasFileEditor.open(KERAS_CNN));
  assert.equal(editor.metadata?.keras_version, "3.5.0");
  assert.equal((editor.config as { class_name: string }).class_name, "Sequential");
  const tree = editor.weightsDict;
  assert.deepEqual(Object.keys(tree), ["layers", "optimizer"]);
  const layerTree = tree.layers as tf.saving.WeightsTree;
  assert.deepEqual(Object.keys(layerTree), ["batch_normalization", "batch_normalization_1", "conv2d", "conv2d_1", "dense", "dense_1"]);
  assert.deepEqual(((layerTree.conv2d_1 as tf.saving.WeightsTree)["0"] as tf.Tensor).shape, [3, 3, 6, 8]);
  assert.equal(Object.keys(tree.optimizer as tf.saving.WeightsTree).length, 26);
  const lines = editor.summaryText().split("\n");
  assert.deepEqual(lines.slice(0, 9), [
    "Weights structure",
    "  > layers",
    "  │   ├─ batch_normalization",
    "  │   │   ├─ 0: shape=(6,), dtype=float32",
    "  │   │   ├─ 1: shape=(6,), dtype=float32",
    "  │   │   ├─ 2: shape=(6,), dtype=float32",
    "  │   │   └─ 3: shape=(6,), dtype=float32",
    "  │   ├─ batch_normalization_1",
    "  │   │   ├─ 0: shape=(8,), dtype=float32",
  ]);
  assert.ok(lines.includes("  └─ optimizer"));
  assert.ok(lines.includes("      ├─ 0: shape=(), dtype=int32"));
  // The model the file describes matches it: every layer weight and optimizer variable.
  const model = await models.loadModel(KERAS_CNN);
  assert.deepEqual(await quietly(() => editor.compare(model)), { status: "success", errorCount: 0, matchCount: 42 });
});

test("compare names what differs; edits adapt the file to a changed model, which loads the saved .weights.h5", async () => {
  await inTempDir(async (dir) => {
    const old = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "hidden" }), layers.Dense(2, { name: "out" })]);
    await old.save(join(dir, "old.keras"));
    const editor = await quietly(() => saving.KerasFileEditor.open(join(dir, "old.keras")));
    assert.match(editor.summaryText(), /> layers\n {2}│? *├─ dense \('hidden'\)|> layers\n {6}├─ dense \('hidden'\)/);
    // The new model has a third Dense and a wider output.
    const neu = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3), layers.Dense(5), layers.Dense(1)]);
    const result = await quietly(() => editor.compare(neu));
    assert.deepEqual(result, { status: "error", errorCount: 3, matchCount: 2 });
    // Give layers/dense_1 the new shapes, add layers/dense_2, then save and load into the new model.
    const k1 = tf.reshape(tf.range(0, 15, 1, "float32"), [3, 5]), b1 = tf.zeros([5]);
    editor.deleteWeight("layers/dense_1", "0");
    editor.addWeights("dense_1", { "0": k1, "1": b1 });
    editor.addObject("layers/dense_2", { "0": [[1], [2], [3], [4], [5]], "1": [0.5] });
    assert.deepEqual(await quietly(() => editor.compare(neu)), { status: "success", errorCount: 0, matchCount: 6 });
    await editor.save(join(dir, "new.weights.h5"));
    await neu.loadWeights(join(dir, "new.weights.h5"));
    assertAllClose(neu.layers[0].getWeights()[0], old.layers[0].getWeights()[0], { atol: 0 });
    assertAllClose(neu.layers[1].getWeights()[0], k1, { atol: 0 });
    assertAllClose(neu.layers[2].getWeights()[0], [[1], [2], [3], [4], [5]], { atol: 0 });
    // A file reopened from the saved weights has the same tree.
    const again = await quietly(() => saving.KerasFileEditor.open(join(dir, "new.weights.h5")));
    assert.equal(again.config, null);
    assert.equal(again.summaryText(), editor.summaryText());
  });
});

test("rename and delete take a unique name or a path, and refuse ambiguous names, unknown paths and bad file names", async () => {
  await inTempDir(async (dir) => {
    const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(2), layers.Dense(1)]);
    await m.saveWeights(join(dir, "m.weights.h5"));
    const editor = await quietly(() => saving.KerasFileEditor.open(join(dir, "m.weights.h5")));
    editor.renameObject("dense_1", "head");
    assert.deepEqual(Object.keys(editor.weightsDict.layers as tf.saving.WeightsTree), ["dense", "head"]);
    assert.throws(() => editor.renameObject("0", "x"), /KerasFileEditor\.renameObject: name '0' occurs more than once in the file \(layers\/dense\/0, layers\/head\/0\); pass the full path/);
    assert.throws(() => editor.renameObject("head", "a/b"), /newName must be a leaf name, not a path/);
    assert.throws(() => editor.deleteObject("layers/missing"), /KerasFileEditor\.deleteObject: path 'layers\/missing' not found in the file/);
    assert.throws(() => editor.deleteObject("missing"), /name 'missing' does not appear in the file/);
    assert.throws(() => editor.deleteWeight("head", "7"), /weight "7" not found in object head; weights found: \["0","1"\]/);
    assert.throws(() => editor.addObject("nope/dense", { "0": [1] }), /path 'nope' not found in the file; add the parent object first/);
    assert.throws(() => editor.addWeights("head", [1, 2] as unknown as tf.saving.WeightValues), /weights must be an object mapping weight names/);
    editor.deleteObject("layers/dense");
    assert.deepEqual(Object.keys(editor.weightsDict.layers as tf.saving.WeightsTree), ["head"]);
    await assert.rejects(editor.save(join(dir, "x.keras")), /KerasFileEditor\.save: expected a file name ending in \.weights\.h5/);
    await assert.rejects(saving.KerasFileEditor.open(join(dir, "m.h5")), /expected a file name ending in \.keras or \.weights\.h5/);
  });
});
