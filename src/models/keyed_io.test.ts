/**
 * Functional models built with inputs and outputs keyed by name (Keras 3.15.1's
 * `Model(inputs={"a": a, "b": b}, outputs={"y": y, "z": z})`): calling and predicting return the
 * object, training reads labels, losses and metrics by output key, and the structure survives
 * getConfig / fromConfig, a .keras file and use as a layer of another model. Expectations are
 * computed by hand from the set weights below.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;
type Keyed<T> = tf.models.Keyed<T>;

const dir = mkdtempSync(join(tmpdir(), "lamina-keyed-io-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * inputs { b: (None, 1), a: (None, 2) } (not in sorted order), outputs { z, y }:
 *   y = dy([a, b]) = a0 + 2 a1 + 3 b + 0.5     z = dz(a) = -a0 + a1
 */
function keyedModel(name = "keyed"): tf.models.Model {
  const a = layers.Input({ shape: [2], name: "a" });
  const b = layers.Input({ shape: [1], name: "b" });
  const y = layers.Dense(1, { name: "dy" }).apply(layers.concatenate([a, b])) as Sym;
  const z = layers.Dense(1, { name: "dz" }).apply(a) as Sym;
  const model = new models.Model({ inputs: { b, a }, outputs: { z, y }, name });
  model.getLayer("dy").setWeights([tf.constant([[1], [2], [3]]), tf.constant([0.5])]);
  model.getLayer("dz").setWeights([tf.constant([[-1], [1]]), tf.constant([0])]);
  return model;
}

// a = [[1, 2], [0, 1]], b = [[3], [-1]]:
//   y = [1 + 4 + 9 + 0.5, 0 + 2 - 3 + 0.5] = [14.5, -0.5];  z = [-1 + 2, 0 + 1] = [1, 1]
const x = (): Keyed<tf.Tensor> => ({ a: tf.constant([[1, 2], [0, 1]]), b: tf.constant([[3], [-1]]) });
const Y = [[14.5], [-0.5]];
const Z = [[1], [1]];

function close(got: unknown, want: number[][], what: string): void {
  const g = got as number[][];
  assert.equal(g.length, want.length, what);
  g.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-5, `${what}[${i}][${j}]: ${v} vs ${want[i][j]}`)));
}

function closeTo(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) < 1e-5, `${what}: ${got} vs ${want}`);
}

test("keyed inputs and outputs: flat in sorted key order, calling and predict return the object keyed as the outputs", async () => {
  const m = keyedModel();
  assert.deepEqual(m.inputKeys, ["a", "b"]);
  assert.deepEqual(m.outputKeys, ["y", "z"]);
  // Keras' output_names: the output layers' names, in the flat (sorted key) order.
  assert.deepEqual(m.outputNames, ["dy", "dz"]);
  assert.deepEqual(m.inputs.map((t) => t.name), ["a", "b"]);
  assert.deepEqual(Object.keys(m.inputStruct), ["a", "b"]);
  assert.deepEqual(Object.keys(m.outputStruct), ["y", "z"]);

  const out = m.callKeyed(x());
  assert.deepEqual(Object.keys(out), ["y", "z"]);
  close(out.y.arraySync(), Y, "call y");
  close(out.z.arraySync(), Z, "call z");
  const called = m(x()) as tf.models.ModelOutputs as Keyed<tf.Tensor>;
  close(called.y.arraySync(), Y, "model(x) y");

  const predicted = m.predict<Keyed<tf.Tensor>>(x(), { batchSize: 1 });
  assert.deepEqual(Object.keys(predicted), ["y", "z"]);
  close(predicted.y.arraySync(), Y, "predict y");
  close(predicted.z.arraySync(), Z, "predict z");
  close(m.predictOnBatch<Keyed<tf.Tensor>>(x()).z.arraySync(), Z, "predictOnBatch z");
  close((await m.predictAsync<Keyed<tf.Tensor>>(x())).y.arraySync(), Y, "predictAsync y");
  // apply, as every layer's, gives the flat list (sorted key order).
  close((m.apply(x()) as tf.Tensor[])[1].arraySync(), Z, "apply [1]");
});

test("keyed inputs: a list is refused when the object was not written in sorted key order (Keras' _standardize_inputs); wrong keys are named", () => {
  const m = keyedModel("unsorted");
  const { a, b } = x();
  assert.throws(() => m([a, b]), /Model unsorted: its inputs are an object keyed "b", "a", not in sorted order, so a list of inputs is ambiguous/);
  assert.throws(() => m.predict([a, b]), /not in sorted order/);
  assert.throws(() => m({ a }), /keyed by "a" but the model's inputs are keyed "a", "b" \(missing "b"\); use those keys/);

  // written in sorted order, a list is read in that order
  const p = layers.Input({ shape: [1], name: "p" });
  const q = layers.Input({ shape: [1], name: "q" });
  const sorted = new models.Model({ inputs: { p, q }, outputs: layers.subtract([p, q]) });
  close(sorted.predict<tf.Tensor>([tf.constant([[5]]), tf.constant([[2]])]).arraySync(), [[3]], "p - q");
  close(sorted.predict<tf.Tensor>({ q: tf.constant([[5]]), p: tf.constant([[2]]) }).arraySync(), [[-3]], "keyed p - q");
});

test("keyed model structure: nested containers and Inputs keyed by another name", () => {
  const a = layers.Input({ shape: [2], name: "a" });
  const y = layers.Dense(1).apply(a) as Sym;
  assert.throws(() => new models.Model({ inputs: a, outputs: { y: [y] } as unknown as Keyed<Sym>, name: "deep" }),
    /^TypeError: Model deep: outputs\["y"\] is nested \(a list\); lamina takes outputs as one tensor, a list of tensors or an object of tensors keyed by name, one level deep/);
  const warnings: string[] = [];
  const listen = (w: Error): void => void warnings.push(w.message);
  process.on("warning", listen);
  const m = new models.Model({ inputs: { other: a }, outputs: y, name: "renamed" });
  return new Promise<void>((resolve) => setImmediate(() => {
    process.off("warning", listen);
    assert.ok(warnings.some((w) => w.includes(`keys the Input named "a" as "other"`)), warnings.join("\n"));
    assert.deepEqual(m.predict<tf.Tensor>({ other: tf.zeros([1, 2]) }).shape, [1, 1]);
    resolve();
  }));
});

test("compile keyed by output key: losses, lossWeights and metrics per key, logs <key>_loss and <key>_<metric>", async () => {
  const m = keyedModel();
  m.compile({ optimizer: "sgd", loss: { y: "mse", z: "mae" }, lossWeights: { z: 2 }, metrics: { z: ["mae"] } });
  // y labels [[14], [0]]: errors 0.5, -0.5 -> mse 0.25; z labels [[0], [3]]: errors 1, -2 -> mae 1.5.
  const labels = { z: tf.constant([[0], [3]]), y: tf.constant([[14], [0]]) };
  const r = await m.evaluate(x(), labels, { returnDict: true, verbose: 0 });
  assert.deepEqual(Object.keys(r).sort(), ["loss", "y_loss", "z_loss", "z_mae"]);
  closeTo(r.loss, 0.25 + 2 * 1.5, "loss (z weighted 2)");
  closeTo(r.y_loss, 0.25, "y_loss");
  closeTo(r.z_mae, 1.5, "z_mae");
  // a custom step's computeLoss / computeMetrics take the predictions as calling the model gives them
  closeTo(m.computeLoss({ y: [labels.y, labels.z], yPred: m.callKeyed(x()) }).item() as number, 0.25 + 2 * 1.5, "computeLoss on keyed predictions");
  assert.throws(() => m.computeLoss({ y: [labels.y, labels.z], yPred: { y: labels.y } }), /yPred is keyed by "y" but the model's outputs are keyed "y", "z" \(missing "z"\)/);
  // a list of labels is read in the flat (sorted key) order: [y, z]
  const listed = await m.evaluate(x(), [labels.y, labels.z], { returnDict: true, verbose: 0 });
  closeTo(listed.loss, r.loss, "list labels");

  assert.throws(() => m.trainOnBatch(x(), { y: labels.y }), /y has no labels for output "z", which has a loss; give an object with keys y, z/);
  assert.throws(() => m.trainOnBatch(x(), { ...labels, dz: labels.z }), /y has labels for "dz", which is not an output of the model; its outputs are named "y", "z"/);
  // keyed by the layers' names instead of the keys: Keras finds no such path in y_pred
  assert.throws(() => m.compile({ optimizer: "sgd", loss: { dy: "mse", dz: "mse" } }), /loss names unknown output\(s\) dy, dz; the outputs are y, z/);
  assert.throws(() => m.compile({ optimizer: "sgd", loss: "mse", metrics: { w: ["mae"] } }), /metrics names unknown output\(s\) w; the outputs are y, z/);
});

test("fit and trainOnBatch train each output on its key's labels: one SGD step, by hand", async () => {
  const m = keyedModel();
  // Only y has a loss: z's weights stay. mse over 2 samples: dL/dy_i = (y_i - t_i) = [0.5, -0.5];
  // d/dkernel = 0.5 * [1, 2, 3] - 0.5 * [0, 1, -1] = [0.5, 0.5, 2]; d/dbias = 0.
  m.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: { y: "mse" } });
  const labels = { y: tf.constant([[14], [0]]), z: tf.constant([[0], [0]]) };
  const loss = m.trainOnBatch(x(), labels);
  closeTo(loss as number, 0.25, "loss before the step");
  close(m.getLayer("dy").getWeights()[0].arraySync() as number[][], [[0.95], [1.95], [2.8]], "dy kernel");
  close([m.getLayer("dy").getWeights()[1].arraySync() as number[]], [[0.5]], "dy bias");
  close(m.getLayer("dz").getWeights()[0].arraySync() as number[][], [[-1], [1]], "dz kernel untouched");

  // z has no loss (and nothing compiles metrics): its labels may be left out, as in Keras 3.15.
  const partial = keyedModel();
  partial.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: { y: "mse" } });
  closeTo(partial.trainOnBatch(x(), { y: labels.y }) as number, 0.25, "loss with y's labels alone");
  close(partial.getLayer("dy").getWeights()[0].arraySync() as number[][], [[0.95], [1.95], [2.8]], "dy kernel, y's labels alone");
  partial.compile({ optimizer: "sgd", loss: { y: "mse" }, metrics: { y: ["mae"] } });
  assert.throws(() => partial.trainOnBatch(x(), { y: labels.y }), /y has no labels for output "z", which the compiled metrics read/);

  const fresh = keyedModel();
  fresh.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: { y: "mse", z: "mse" } });
  const history = await fresh.fit(x(), labels, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, validationData: [x(), labels] });
  // z = [1, 1] against [0, 0]: mse 1; y as above 0.25
  assert.deepEqual(Object.keys(history.history).sort(), ["loss", "val_loss", "val_y_loss", "val_z_loss", "y_loss", "z_loss"]);
  closeTo(history.history.z_loss[0], 1, "z_loss");
  closeTo(history.history.loss[0], 1.25, "loss");
  close(fresh.getLayer("dy").getWeights()[0].arraySync() as number[][], [[0.95], [1.95], [2.8]], "dy kernel after fit");
});

test("one output keyed by name: a loss object keyed by it, predictions keyed by it", async () => {
  const a = layers.Input({ shape: [2], name: "a" });
  const d = layers.Dense(1, { name: "only" });
  const m = new models.Model({ inputs: a, outputs: { score: d.apply(a) as Sym } });
  d.setWeights([tf.constant([[1], [1]]), tf.constant([0])]);
  const p = m.predict<Keyed<tf.Tensor>>(tf.constant([[1, 2]]));
  assert.deepEqual(Object.keys(p), ["score"]);
  close(p.score.arraySync(), [[3]], "score");
  m.compile({ optimizer: "sgd", loss: { score: "mae" }, metrics: { score: ["mse"] } });
  const r = await m.evaluate(tf.constant([[1, 2]]), { score: tf.constant([[1]]) }, { returnDict: true, verbose: 0 });
  closeTo(r.loss, 2, "mae");
  closeTo(r.mse, 4, "mse");
});

test("getConfig writes input_layers / output_layers as objects in the order given, as Keras; fromConfig and clone keep the structure", () => {
  const m = keyedModel("cfg");
  const config = m.getConfig();
  assert.deepEqual(config.input_layers, { b: ["b", 0, 0], a: ["a", 0, 0] });
  assert.deepEqual(config.output_layers, { z: ["dz", 0, 0], y: ["dy", 0, 0] });
  assert.deepEqual(Object.keys(config.input_layers as object), ["b", "a"]);

  const rebuilt = models.Model.fromConfig(config);
  assert.deepEqual(rebuilt.inputKeys, ["a", "b"]);
  assert.deepEqual(rebuilt.getConfig().input_layers, config.input_layers);
  rebuilt.setWeights(m.getWeights());
  close(rebuilt.predict<Keyed<tf.Tensor>>(x()).y.arraySync(), Y, "rebuilt y");

  const clone = models.cloneModel(m);
  assert.deepEqual(clone.outputKeys, ["y", "z"]);
  assert.deepEqual(clone.getConfig().output_layers, config.output_layers);
});

test(".keras save and load keep the keyed structure and the compile settings keyed by output", async () => {
  const m = keyedModel("saved");
  m.compile({ optimizer: "sgd", loss: { y: "mse", z: "mae" }, metrics: { z: ["mae"] } });
  const labels = { z: tf.constant([[0], [3]]), y: tf.constant([[14], [0]]) };
  const before = await m.evaluate(x(), labels, { returnDict: true, verbose: 0 });
  const path = join(dir, "keyed.keras");
  await m.save(path);
  const loaded = await models.loadModel(path);
  assert.deepEqual(loaded.inputKeys, ["a", "b"]);
  assert.deepEqual(loaded.outputKeys, ["y", "z"]);
  close(loaded.predict<Keyed<tf.Tensor>>(x()).y.arraySync(), Y, "loaded y");
  const after = await loaded.evaluate(x(), labels, { returnDict: true, verbose: 0 });
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  closeTo(after.loss, before.loss, "loss");
  closeTo(after.z_mae, 1.5, "z_mae");
  assert.equal(loaded.summary(() => {}), m.summary(() => {}));
});

test("a keyed model as a layer of another model: called on an object, its outputs wired by key; saved and loaded", async () => {
  const inner = keyedModel("inner");
  const a = layers.Input({ shape: [2], name: "a" });
  const b = layers.Input({ shape: [1], name: "b" });
  const { y, z } = inner.callKeyed({ a, b });
  const outer = new models.Model({ inputs: [a, b], outputs: { total: layers.add([y, z]) }, name: "outer" });
  // y + z = [14.5 + 1, -0.5 + 1]
  const want = [[15.5], [0.5]];
  close(outer.predict<Keyed<tf.Tensor>>([x().a, x().b]).total.arraySync(), want, "outer total");
  assert.match(outer.summary(() => {}), /inner \(Functional\)/);

  // Keras writes the call of the inner model with its inputs as an object
  const layerEntries = outer.getConfig().layers as { name: string; inbound_nodes: { args: unknown[] }[] }[];
  const innerArgs = layerEntries.find((l) => l.name === "inner")!.inbound_nodes[0].args[0] as Record<string, { config: { keras_history: unknown[] } }>;
  assert.deepEqual(Object.keys(innerArgs), ["a", "b"]);
  assert.deepEqual(innerArgs.b.config.keras_history, ["b", 0, 0]);

  // .keras, and the legacy .h5 (tf.keras wrote a dict structure as a dict too)
  for (const ext of [".keras", ".h5"]) {
    const path = join(dir, `outer${ext}`);
    await outer.save(path);
    const loaded = await models.loadModel(path);
    close(loaded.predict<Keyed<tf.Tensor>>([x().a, x().b]).total.arraySync(), want, `loaded outer total (${ext})`);
    const loadedInner = loaded.getLayer("inner") as tf.models.Model;
    assert.deepEqual(loadedInner.outputKeys, ["y", "z"], ext);
    assert.deepEqual(loadedInner.getConfig().input_layers, { b: ["b", 0, 0], a: ["a", 0, 0] }, ext);
  }
});

// test/fixtures/make_keras_keyed_io_config.py: the config Keras 3.15.1 writes for a model keyed by
// name (input_layers / output_layers objects, keys not in sorted order) called, keyed, inside another.
test("a config in Keras' form with keyed inputs, outputs and a keyed call of a nested model loads and runs", () => {
  const json = readFileSync(new URL("../../test/fixtures/keras_keyed_io_config.json", import.meta.url), "utf8");
  const outer = models.modelFromJSON(json);
  const inner = outer.getLayer("inner") as tf.models.Model;
  assert.deepEqual(inner.inputKeys, ["x1", "x2"]);
  assert.deepEqual(inner.outputKeys, ["s", "t"]);
  assert.deepEqual(outer.outputKeys, ["sum"]);
  // t = d(x1) = 2 p0 + 3 p1 + 1; s = t + x2: p = [1, 1], q = [10] -> t = 6, s = 16
  inner.getLayer("d").setWeights([tf.constant([[2], [3]]), tf.constant([1])]);
  const out = outer.predict<Keyed<tf.Tensor>>([tf.constant([[1, 1]]), tf.constant([[10]])]);
  close(out.sum.arraySync(), [[16]], "sum");
  const both = inner.callKeyed({ x1: tf.constant([[1, 1]]), x2: tf.constant([[10]]) });
  close(both.t.arraySync(), [[6]], "t");
  // written back as Keras wrote it
  const again = JSON.parse(outer.toJSON()) as { config: Record<string, unknown> };
  const given = JSON.parse(json) as { config: Record<string, unknown> };
  assert.deepEqual(again.config.output_layers, given.config.output_layers);
  const innerAgain = (again.config.layers as { name: string; config: Record<string, unknown>; inbound_nodes: unknown }[]).find((l) => l.name === "inner")!;
  const innerGiven = (given.config.layers as { name: string; config: Record<string, unknown>; inbound_nodes: unknown }[]).find((l) => l.name === "inner")!;
  assert.deepEqual(innerAgain.config.input_layers, innerGiven.config.input_layers);
  assert.deepEqual(Object.keys(innerAgain.config.input_layers as object), ["x2", "x1"]);
  assert.deepEqual(innerAgain.config.output_layers, innerGiven.config.output_layers);
  assert.deepEqual(innerAgain.inbound_nodes, innerGiven.inbound_nodes);
});

test("fit and evaluate on a data.Dataset of [{ a, b }, { y, z }] read inputs by Input name and labels by output key", async () => {
  const a = layers.Input({ shape: [3], name: "a" });
  const b = layers.Input({ shape: [2], name: "b" });
  const h = layers.Concatenate()([a, b]);
  const dense = (units: number, name: string): tf.layers.Layer => layers.Dense(units, { name, kernelInitializer: "ones", biasInitializer: "zeros" });
  const m = new models.Model({ inputs: { a, b }, outputs: { y: dense(1, "yd")(h), z: dense(2, "zd")(h) } });
  m.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0 }), loss: { y: "mse", z: "mse" }, metrics: { z: ["mae"] } });
  // All-ones inputs: every output is 1 * 5 = 5; labels of zeros give MSE 25 and MAE 5 per output.
  const x = { a: tf.ones([6, 3]), b: tf.ones([6, 2]) };
  const y = { y: tf.zeros([6, 1]), z: tf.zeros([6, 2]) };
  const ds = tf.data.Dataset.fromTensorSlices([x, y]).batch(4);
  const history = await m.fit(ds, { epochs: 2, verbose: 0 });
  assert.deepEqual(history.history, { loss: [50, 50], y_loss: [25, 25], z_loss: [25, 25], z_mae: [5, 5] });
  assert.deepEqual(await m.evaluate(ds, { verbose: 0, returnDict: true }), { loss: 50, y_loss: 25, z_loss: 25, z_mae: 5 });
});
