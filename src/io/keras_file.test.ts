import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ModelFileError } from "./file_error.js";
import { ZipArchive } from "./zip.js";

const { layers, models } = tf;

const dir = mkdtempSync(join(tmpdir(), "lamina-keras-file-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function smallModel(): tf.models.Sequential {
  return new models.Sequential([
    layers.Input({ shape: [4] }),
    layers.Dense(5, { activation: "relu" }),
    layers.BatchNormalization(),
    layers.Dense(3, { activation: "softmax" }),
  ]);
}

function data(): [tf.Tensor, tf.Tensor] {
  tf.random.setSeed(7);
  return [tf.random.normal([6, 4]), tf.constant([0, 1, 2, 1, 0, 2], [6], "int32")];
}

test(".keras: a trained model reloads with the same predictions, config and compile settings", async () => {
  tf.random.setSeed(1);
  const model = smallModel();
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const [x, y] = data();
  model.trainOnBatch(x, y);
  const path = join(dir, "trained.keras");
  await model.save(path);
  const entries = [...ZipArchive.read(new Uint8Array(await import("node:fs").then((fs) => fs.readFileSync(path))), path).entries.keys()];
  assert.deepEqual(entries, ["metadata.json", "config.json", "model.weights.h5"]);
  const loaded = await models.loadModel(path);
  assert.deepEqual(loaded.predict(x).arraySync(), model.predict(x).arraySync());
  assert.equal(loaded.toJSON(), model.toJSON());
  assert.ok(loaded.compiled);
  assert.equal(loaded.summary(() => {}), model.summary(() => {}));
});

test(".keras: 2 steps, save, load, 1 step equals 3 steps straight (optimizer state restored)", async () => {
  const [x, y] = data();
  tf.random.setSeed(3);
  const straight = smallModel();
  const initial = straight.getWeights();
  straight.compile({ optimizer: tf.optimizers.Adam({ learningRate: 0.01 }), loss: "sparse_categorical_crossentropy" });
  for (let i = 0; i < 3; i++) straight.trainOnBatch(x, y);

  const resumed = smallModel();
  resumed.setWeights(initial);
  resumed.compile({ optimizer: tf.optimizers.Adam({ learningRate: 0.01 }), loss: "sparse_categorical_crossentropy" });
  resumed.trainOnBatch(x, y);
  resumed.trainOnBatch(x, y);
  const path = join(dir, "resume.keras");
  await resumed.save(path);
  const loaded = await models.loadModel(path);
  assert.equal((loaded.optimizer as tf.optimizers.Optimizer).iterations, 2);
  loaded.trainOnBatch(x, y);
  const a = straight.getWeights().map((w) => w.arraySync());
  const b = loaded.getWeights().map((w) => w.arraySync());
  assert.deepEqual(b, a);
});

test(".keras: includeOptimizer false saves an uncompiled model; compile false loads uncompiled", async () => {
  const model = smallModel();
  model.compile({ optimizer: "sgd", loss: "mse" });
  const path = join(dir, "noopt.keras");
  await model.save(path, { includeOptimizer: false });
  assert.equal((await models.loadModel(path)).compiled, null);
  const withOpt = join(dir, "opt.keras");
  await model.save(withOpt);
  assert.equal((await models.loadModel(withOpt, { compile: false })).compiled, null);
});

test("save refuses to replace a file with overwrite false, and leaves no temporary file", async () => {
  const model = smallModel();
  const path = join(dir, "keep.keras");
  await model.save(path);
  await assert.rejects(model.save(path, { overwrite: false }), /already exists; pass \{ overwrite: true \}/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

test(".weights.h5: weights round trip, and a mismatch names the layer, the weight and both shapes", async () => {
  const a = smallModel();
  const b = smallModel();
  const path = join(dir, "w.weights.h5");
  await a.saveWeights(path);
  await b.loadWeights(path);
  const [x] = data();
  assert.deepEqual(b.predict(x).arraySync(), a.predict(x).arraySync());

  const wider = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(6, { activation: "relu", name: "d0" }), layers.BatchNormalization(), layers.Dense(3)]);
  const before = wider.getWeights().map((w) => w.arraySync());
  await assert.rejects(wider.loadWeights(path), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.match(e.message, /w\.weights\.h5: does not match the model/);
    // The weight's Keras path: the Sequential built d0 in its name scope.
    assert.ok(e.message.includes(`layer "d0" (Dense): weight 0 (${wider.name}/d0/kernel) has shape (4, 6) in the model but (4, 5) in the file ("layers/dense/vars/0")`), e.message);
    return true;
  });
  assert.deepEqual(wider.getWeights().map((w) => w.arraySync()), before, "a failed load changes nothing");
});

test("loadModel names the file and the problem for a missing file, a foreign file and a wrong extension", async () => {
  await assert.rejects(models.loadModel(join(dir, "none.keras")), /none\.keras: no such file/);
  const png = join(dir, "image.keras");
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(0)]));
  await assert.rejects(models.loadModel(png), /image\.keras: is not a \.keras file \(a zip archive\): it is a PNG image/);
  await assert.rejects(models.loadModel(join(dir, "model.pt")), /model\.pt: loadModel: unknown file type; the name must end in \.keras/);
});

test("loading never runs code from a file: a Lambda is refused unless safeMode is false (.keras and .h5)", async () => {
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Lambda({ function: (t: tf.Tensor) => tf.mul(t, 2) }), layers.Dense(2)]);
  const [x] = [tf.constant([[1, 2, 3]])];
  for (const ext of [".keras", ".h5"]) {
    const path = join(dir, `lambda${ext}`);
    await model.save(path);
    await assert.rejects(models.loadModel(path), (e: unknown) => {
      assert.ok(e instanceof ModelFileError);
      assert.match(e.message, /the Lambda layer's function is stored as code .* refused in safe mode/);
      return true;
    });
    const trusted = await models.loadModel(path, { safeMode: false });
    assert.deepEqual(trusted.predict(x).arraySync(), model.predict(x).arraySync());
  }
});

test(".keras save and load name the model file and TMPDIR when the temporary folder for the HDF5 weights cannot be used; the old file stays", async () => {
  const model = smallModel();
  const path = join(dir, "tmpdir.keras");
  await model.save(path);
  const before = readFileSync(path);
  const notAFolder = join(dir, "not-a-folder");
  writeFileSync(notAFolder, "x");
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = notAFolder;
  try {
    const expected = (e: unknown): boolean => {
      assert.ok(e instanceof ModelFileError);
      assert.ok(e.message.startsWith(path), e.message);
      assert.match(e.message, /needs a temporary folder for the HDF5 weights, and none can be made in .*not-a-folder \(ENOTDIR.*\); set TMPDIR to a writable folder with free space$/);
      return true;
    };
    await assert.rejects(model.save(path), expected);
    await assert.rejects(models.loadModel(path), expected);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  assert.deepEqual(readFileSync(path), before, "the previous file is unchanged");
});

test(".keras save: a failure while writing the weights is a ModelFileError naming the file, and the previous file stays", async () => {
  const model = smallModel();
  const path = join(dir, "midway.keras");
  await model.save(path);
  const before = readFileSync(path);
  Object.defineProperty(model.layers[1], "weights", { get: () => { throw new Error("weights unavailable"); } });
  await assert.rejects(model.save(path), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.equal(e.message, `${path}: could not be written: its model.weights.h5 failed (weights unavailable); any previous file is unchanged`);
    return true;
  });
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

test(".weights.h5: a layer's variables keep Keras' slots when one of them is frozen alone (Keras saves them in tracking order)", async () => {
  tf.random.setSeed(3);
  const model = smallModel();
  const dense = model.layers[0] as tf.layers.Layer & { kernel: tf.Variable };
  dense.kernel.trainable = false;
  const path = join(dir, "kernel-frozen.weights.h5");
  await model.saveWeights(path);
  const { Hdf5File } = await import("./h5.js");
  const h5 = await Hdf5File.openForReading(path);
  try {
    // Keras names the path by class, never by the layer's own name: the first Dense is layers/dense.
    assert.deepEqual(h5.readArray("layers/dense/vars/0").shape, [4, 5]);
    assert.deepEqual(h5.readArray("layers/dense/vars/1").shape, [5]);
  } finally {
    h5.close();
  }
  const copy = smallModel();
  await copy.loadWeights(path);
  assert.deepEqual(copy.getWeights()[0].arraySync(), model.getWeights()[0].arraySync());
});
