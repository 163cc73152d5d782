/**
 * Resize, Slice, GetItem, tensor constants (`__numpy__` / `__tensor__`) and the linalg operations
 * on symbolic tensors, against Keras 3.5 (test/fixtures/symbolic_ops3.json and
 * keras_files/symbolic_ops/ops_model3.keras, by make_symbolic_ops3.py): the Keras-written model
 * loads and predicts as Keras, writes Keras' config back, and the same model built with lamina's
 * ops writes Keras' entries.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertOutputsClose } from "../testing/close.js";

const { layers, models } = tf;

interface Entry { name: string; inbound_nodes: unknown }
interface Fixture { x: number[][][]; img: number[][][][]; predictions: unknown[]; dtypes: string[]; config: { layers: Entry[]; output_layers: unknown } }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/symbolic_ops3.json", import.meta.url), "utf8")) as Fixture;
const inputs = (): tf.Tensor[] => [tf.constant(fx.x as unknown as number[], undefined, "float32"), tf.constant(fx.img as unknown as number[], undefined, "float32")];

function checkPredictions(model: tf.models.Model, what: string): void {
  assertOutputsClose(model.predict(inputs()) as tf.Tensor[], fx.predictions, fx.dtypes, { rtol: 1e-4, atol: 1e-4, what });
}

/** make_symbolic_ops3.py's model, written with lamina's ops (in Keras' order, so the names agree). */
function opsModel3(): tf.models.Model {
  tf.layers.clearSession();
  const x = layers.Input({ shape: [4, 4], name: "x" });
  const img = layers.Input({ shape: [8, 8, 3], name: "img" });
  const spd = tf.add(ops.matmul(x, ops.transpose(x, [0, 2, 1])), tf.eye(4));
  const [q, r] = ops.linalg.qr(x);
  const [, s] = ops.linalg.svd(spd);
  const [sign, logdet] = ops.slogdet(spd);
  const [evals] = ops.linalg.eigh(spd);
  const [lu, piv] = ops.linalg.luFactor(spd);
  const outputs = [
    tf.image.resize(img, [4, 6]), tf.image.resize(img, [16, 16], { method: "nearest" }),
    tf.slice(x, [0, 1, 0], [2, 2, 3]), ops.getItem(x, [{}, { start: 1, stop: 3 }]), ops.getItem(x, [{}, 0, { step: 2 }]),
    ops.getItem(x, ["...", null, -1]), ops.getItem(x, [{ start: 1 }, { start: -3 }]),
    tf.add(x, tf.constant([1, 2, 3, 4], undefined, "float32")),
    ops.linalg.inv(spd), ops.linalg.det(spd), q, r, ops.linalg.solve(spd, x), ops.linalg.cholesky(spd),
    s, sign, logdet, evals, ops.linalg.solveTriangular(ops.linalg.cholesky(spd), x, true), lu, piv,
  ];
  return new models.Model({ inputs: [x, img], outputs, name: "ops_model3" });
}

test("a Keras-written model of resize/slice/getitem/numpy constants/linalg loads, predicts as Keras and writes Keras' config back", async () => {
  const model = await models.loadModel("test/fixtures/keras_files/symbolic_ops/ops_model3.keras");
  checkPredictions(model, "loaded");
  assert.deepEqual(JSON.parse(model.toJSON()).config.layers, fx.config.layers);
});

test("the same model built with lamina's ops writes Keras 3.5's entries and predicts Keras' outputs", () => {
  const model = opsModel3();
  const config = JSON.parse(model.toJSON()).config;
  const mine = new Map((config.layers as Entry[]).map((l) => [l.name, l]));
  for (const entry of fx.config.layers) {
    // numpy's arrays are "__numpy__" in Keras' config; a lamina tensor is a backend tensor, "__tensor__" (as Keras writes a torch tensor).
    const want = entry.name === "add_1" ? JSON.parse(JSON.stringify(entry).replace('"__numpy__"', '"__tensor__"')) : entry;
    assert.deepEqual(mine.get(entry.name), want, entry.name);
  }
  assert.equal(config.layers.length, fx.config.layers.length);
  assert.deepEqual(config.output_layers, fx.config.output_layers);
  checkPredictions(model, "built");
});

test("getItem takes Python's slices, integers, null (new axis) and ... eagerly", () => {
  const x = tf.reshape(tf.range(0, 24), [2, 3, 4]);
  assert.deepEqual(ops.getItem(x, [{}, { start: 1, stop: 3 }, { step: 2 }]).arraySync(), [[[4, 6], [8, 10]], [[16, 18], [20, 22]]]);
  assert.deepEqual(ops.getItem(x, ["...", null, -1]).arraySync(), [[[3], [7], [11]], [[15], [19], [23]]]);
  assert.deepEqual(ops.getItem(x, [1, { start: -1, stop: null, step: -1 }]).arraySync(), [[20, 21, 22, 23], [16, 17, 18, 19], [12, 13, 14, 15]]);
  assert.throws(() => ops.getItem(x, [1.5] as unknown as number[]), /ops\.getItem: key entry 1\.5 is not an integer, a slice/);
});

test("tf.slice on a symbolic tensor needs fixed sizes where an axis' length is unknown", () => {
  const x = layers.Input({ shape: [4, 4], name: "x" });
  assert.throws(() => tf.slice(x, [0, 1], [-1, 2]), /slice: size\[0\] = -1 .*unknown.*ops\.getItem/);
  const y = tf.slice(x, [1, 1, 0], [1, -1, 2]);
  assert.deepEqual(y.shape, [1, 3, 2]);
});

test("a constant of a dtype lamina lacks in a Keras config is refused, naming it", async () => {
  const config = JSON.parse(JSON.stringify(fx.config)) as { layers: { name: string; inbound_nodes: { args: { class_name?: string; config?: { dtype: string } }[] }[] }[] };
  const add = config.layers.find((l) => l.name === "add_1");
  (add!.inbound_nodes[0].args[1].config as { dtype: string }).dtype = "float16";
  assert.throws(() => models.Model.fromConfig(config as unknown as Record<string, unknown>), /__numpy__ constant has dtype "float16", which lamina lacks/);
});
