/**
 * Keras 3.5's saving_lib.save_model on a model not built yet: it warns ("You are saving a model
 * that has not yet been built...") and still writes the file, which loads back as an unbuilt
 * model; a built model saves without the warning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { consoleWarningsDuring as captureWarnings } from "../testing/warnings.js";

const { layers, models } = tf;
const dir = mkdtempSync(join(tmpdir(), "lamina-unbuilt-save-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("saving an unbuilt model to .keras warns as Keras 3.5 and writes a file that loads unbuilt", async () => {
  const path = join(dir, "unbuilt.keras");
  const model = new models.Sequential([layers.Dense(3, { name: "d" })]);
  const warnings = await captureWarnings(() => model.save(path));
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].includes("You are saving a model that has not yet been built. It might not contain any weights yet. Consider building the model first by calling it on some data."), warnings[0]);
  assert.ok(warnings[0].includes(path), warnings[0]);
  const back = await models.loadModel(path);
  assert.equal(back.built, false);
  back.build([null, 2]);
  assert.deepEqual(back.predict(tf.zeros([1, 2])).shape, [1, 3]);
});

test("saving a built model, or a subclassed one after its first call, gives no warning", async () => {
  const built = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3)]);
  assert.deepEqual(await captureWarnings(() => built.save(join(dir, "built.keras"))), []);
  const lazy = new models.Sequential([layers.Dense(3)]);
  lazy.predict(tf.zeros([1, 2]));
  assert.deepEqual(await captureWarnings(() => lazy.save(join(dir, "called.keras"))), []);
});
