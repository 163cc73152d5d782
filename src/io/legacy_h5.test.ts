import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ModelFileError } from "./file_error.js";
import { Hdf5File } from "./h5.js";

const { layers, models } = tf;

const dir = mkdtempSync(join(tmpdir(), "lamina-legacy-h5-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function x(): tf.Tensor {
  tf.random.setSeed(11);
  return tf.random.normal([5, 4]);
}

test(".h5: a compiled, trained Sequential reloads with predictions, compile settings and optimizer state", async () => {
  const model = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(6, { activation: "relu" }), layers.BatchNormalization(), layers.Dense(2)]);
  model.compile({ optimizer: tf.optimizers.Adam({ learningRate: 0.01 }), loss: "mse" });
  const y = tf.random.normal([5, 2]);
  model.trainOnBatch(x(), y);
  model.trainOnBatch(x(), y);
  const path = join(dir, "seq.h5");
  await model.save(path);
  const loaded = await models.loadModel(path);
  assert.deepEqual(loaded.predict(x()).arraySync(), model.predict(x()).arraySync());
  assert.equal((loaded.optimizer as tf.optimizers.Optimizer).iterations, 2);
  loaded.trainOnBatch(x(), y);
  model.trainOnBatch(x(), y);
  assert.deepEqual(loaded.getWeights().map((w) => w.arraySync()), model.getWeights().map((w) => w.arraySync()));
  assert.equal(loaded.summary(() => {}), model.summary(() => {}));

  const h5 = await Hdf5File.openForReading(path);
  try {
    assert.deepEqual(h5.attr("model_weights", "layer_names"), model.layers.map((l) => l.name));
    const config = JSON.parse(h5.attr("", "model_config") as string);
    assert.equal(config.class_name, "Sequential");
    assert.equal(config.config.layers[0].config.batch_input_shape.length, 2, "Keras 2 InputLayer key");
  } finally {
    h5.close();
  }
});

test(".h5: a functional model with a nested Sequential round-trips", async () => {
  const input = layers.Input({ shape: [4] });
  const inner = new models.Sequential([layers.Dense(3, { inputShape: [4] }), layers.Activation("tanh")]);
  const merged = layers.Concatenate()([inner.apply(input) as tf.layers.SymbolicTensor, layers.Dense(2)(input) as tf.layers.SymbolicTensor]);
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1)(merged) });
  const path = join(dir, "functional.h5");
  await model.save(path);
  const loaded = await models.loadModel(path);
  assert.deepEqual(loaded.predict(x()).arraySync(), model.predict(x()).arraySync());
  assert.equal(loaded.summary(() => {}), model.summary(() => {}));
});

test("legacy weights-only .h5: by order, by name, and clear errors", async () => {
  const make = (names: string[]): tf.models.Sequential =>
    new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: names[0] }), layers.Dropout(0.1), layers.Dense(2, { name: names[1] })]);
  const a = make(["a1", "a2"]);
  const path = join(dir, "weights.h5");
  await a.saveWeights(path);

  const byOrder = make(["b1", "b2"]);
  await byOrder.loadWeights(path);
  assert.deepEqual(byOrder.predict(x()).arraySync(), a.predict(x()).arraySync());

  // By name: only "a2" matches; the other layer keeps its weights.
  const named = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "other" }), layers.Dense(2, { name: "a2" })]);
  const keep = named.getLayer("other").getWeights()[0].arraySync();
  await named.loadWeights(path, { byName: true });
  assert.deepEqual(named.getLayer("a2").getWeights()[1].arraySync(), a.getLayer("a2").getWeights()[1].arraySync());
  assert.deepEqual(named.getLayer("other").getWeights()[0].arraySync(), keep);

  // By name with no name in common: an error, not a model silently left as it was.
  const strangers = make(["s1", "s2"]);
  await assert.rejects(strangers.loadWeights(path, { byName: true }), /weights\.h5: loading by name matched no layer: the file's layers with weights are "a1", "a2", the model's are "s1", "s2"/);
  const weightsFile = join(dir, "by_name.weights.h5");
  await a.saveWeights(weightsFile);
  await assert.rejects(strangers.loadWeights(weightsFile, { byName: true }), /by_name\.weights\.h5: loading by name matched no layer: the model's layers with weights are "s1", "s2", and the file has no group of those names \(its groups: "a1", "a2", /);
  const sameNames = make(["a1", "a2"]);
  await sameNames.loadWeights(weightsFile, { byName: true });
  assert.deepEqual(sameNames.predict(x()).arraySync(), a.predict(x()).arraySync());

  const wrong = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "c1" }), layers.Dense(5, { name: "c2" })]);
  await assert.rejects(wrong.loadWeights(path), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    // The model's weight by its Keras 3 path (built in the Sequential's scope), the file's by its Keras 2 name.
    assert.ok(e.message.includes(`weights.h5: does not match the model: layer #1: layer "c2" weight ${wrong.name}/c2/kernel has shape (3, 5) in the model but the file's "a2/kernel:0" has shape (3, 2)`), e.message);
    return true;
  });
  const fewer = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(2)]);
  await assert.rejects(fewer.loadWeights(path), /has weights for 2 layer\(s\) \(a1, a2\) but the model has 1 layer\(s\) with weights/);
  await assert.rejects(models.loadModel(path), /holds only weights \(a save_weights file\), not a model/);
});

test(".h5 whole-model files load their weights by layer name, whatever order the writer listed the layers in", async () => {
  const build = (): tf.models.Model => {
    tf.clearSession();
    const input = layers.Input({ shape: [3], name: "x" });
    const a = layers.Dense(3, { name: "a" })(input);
    const b = layers.Dense(3, { name: "b" })(layers.Dense(3, { name: "pre" })(input));
    return new models.Model({ inputs: input, outputs: layers.Add({ name: "sum" })([a, b]) });
  };
  const model = build();
  assert.deepEqual(model.layers.map((l) => l.name), ["x", "pre", "a", "b", "sum"]); // Keras' order
  const saved = join(dir, "branches.h5");
  await model.save(saved);
  // The same file with the layers listed as lamina listed them before it followed Keras' order:
  // "a", "pre" and "b" all hold 3x3 kernels, so loading by position would swap them silently.
  const rewrite = async (file: string, order: string[]): Promise<void> => {
    const src = await Hdf5File.openForReading(saved);
    const out = await Hdf5File.create(file);
    try {
      out.writeTextAttr("", "model_config", src.attr("", "model_config") as string, "ascii");
      out.ensureGroup("model_weights");
      out.writeTextAttr("model_weights", "layer_names", order, "ascii");
      for (const name of order) {
        const layer = model.getLayer(name);
        const names = layer.weights.map((w) => `${w.name}:0`);
        out.ensureGroup(`model_weights/${name}`);
        if (names.length === 0) out.writeEmptyListAttr(`model_weights/${name}`, "weight_names");
        else out.writeTextAttr(`model_weights/${name}`, "weight_names", names, "ascii");
        layer.weights.forEach((w, i) => out.writeArray(`model_weights/${name}/${names[i]}`, { shape: [...w.shape], dtype: "float32", data: w.dataSync() as Float32Array }));
      }
    } finally {
      src.close();
      out.close();
    }
  };
  const reordered = join(dir, "branches-other-order.h5");
  await rewrite(reordered, ["x", "a", "pre", "b", "sum"]);
  const missing = join(dir, "branches-missing-layer.h5");
  await rewrite(missing, ["x", "a", "b", "sum"]);
  await assert.rejects(models.loadModel(missing), /branches-missing-layer\.h5: does not match the model: layer "pre" has weights in the model but none in the file/);
  const input = tf.constant([[0.5, -1, 2], [1, 0, -0.25]]);
  const want = Array.from(model.predict(input).dataSync() as Float32Array);
  for (const file of [saved, reordered]) {
    const loaded = await models.loadModel(file);
    assert.deepEqual(Array.from(loaded.predict(input).dataSync() as Float32Array), want, file);
  }
});

test(".h5 optimizer state goes back to the weights it belongs to when the file lists it in another order", async () => {
  tf.clearSession();
  const input = layers.Input({ shape: [3], name: "x" });
  const a = layers.Dense(3, { name: "a" })(input);
  const b = layers.Dense(3, { name: "b" })(layers.Dense(3, { name: "pre" })(input));
  const model = new models.Model({ inputs: input, outputs: layers.Add({ name: "sum" })([a, b]) });
  model.compile({ optimizer: tf.optimizers.Adam({ learningRate: 0.01 }), loss: "mse" });
  const xs = tf.constant([[0.5, -1, 2], [1, 0, -0.25]]);
  const ys = tf.constant([[1, 0, -1], [0.5, 0.5, 2]]);
  model.trainOnBatch(xs, ys);
  model.trainOnBatch(xs, ys);
  const saved = join(dir, "branches-adam.h5");
  await model.save(saved);

  // Before lamina followed Keras' layer order it listed "a" before "pre": the same optimizer
  // variables, saved under the same names, in another order. All three kernels are 3x3, so
  // restoring by position would hand "a"'s moments to "pre" without any shape error.
  const opt = model.optimizer as tf.optimizers.Optimizer;
  const current = opt.variables().map((v) => `${opt.name}/${v.name}:0`);
  const slot = (layer: string): string[] => current.filter((n) => n.startsWith(`${opt.name}/${layer}_`));
  const oldOrder = [...current.filter((n) => !/\/(a|pre|b)_/.test(n)), ...slot("a"), ...slot("pre"), ...slot("b")];
  assert.notDeepEqual(oldOrder, current);
  const reordered = join(dir, "branches-adam-old-order.h5");
  const src = await Hdf5File.openForReading(saved);
  const out = await Hdf5File.create(reordered);
  try {
    const copy = (path: string): void => {
      for (const name of src.attrNames(path)) {
        const value = path === "optimizer_weights" && name === "weight_names" ? oldOrder : src.attr(path, name);
        if (Array.isArray(value) && value.length === 0) out.writeEmptyListAttr(path, name);
        else out.writeTextAttr(path, name, value as string | string[], "ascii");
      }
      for (const child of src.children(path)) {
        const full = path === "" ? child : `${path}/${child}`;
        if (src.kind(full) === "dataset") out.writeArray(full, src.readArray(full));
        else {
          out.ensureGroup(full);
          copy(full);
        }
      }
    };
    copy("");
  } finally {
    src.close();
    out.close();
  }

  const loaded = await models.loadModel(reordered);
  const loadedOpt = loaded.optimizer as tf.optimizers.Optimizer;
  assert.deepEqual(loadedOpt.variables().map((v) => v.name), opt.variables().map((v) => v.name));
  loadedOpt.variables().forEach((v, i) => assert.deepEqual(v.arraySync(), opt.variables()[i].arraySync(), v.name));
  loaded.trainOnBatch(xs, ys);
  model.trainOnBatch(xs, ys);
  assert.deepEqual(loaded.getWeights().map((w) => w.arraySync()), model.getWeights().map((w) => w.arraySync()));
});
