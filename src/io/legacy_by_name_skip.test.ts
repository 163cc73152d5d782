/**
 * Keras 3.5's load_weights(legacy .h5, by_name=True, skip_mismatch=True)
 * (legacy_h5_format.load_weights_from_hdf5_group_by_name): a weight whose shape differs is skipped
 * with a warning and the layer's other weights still load; a layer whose weight count differs is
 * skipped whole.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { consoleWarningsDuring as captureWarnings } from "../testing/warnings.js";

const { layers, models } = tf;
const dir = mkdtempSync(join(tmpdir(), "lamina-by-name-skip-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("legacy .h5 by name with skipMismatch: a kernel of another shape is skipped, the layer's bias still loads", async () => {
  const saved = new models.Sequential([
    layers.Input({ shape: [4] }),
    layers.Dense(3, { name: "d1", biasInitializer: "ones" }),
    layers.Dense(2, { name: "d2", biasInitializer: "ones" }),
  ]);
  const path = join(dir, "saved.h5");
  await saved.saveWeights(path);

  const model = new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(3, { name: "d1" }), layers.Dense(2, { name: "d2" })]);
  const kernelBefore = model.getLayer("d1").getWeights()[0].arraySync();
  const warnings = await captureWarnings(() => model.loadWeights(path, { byName: true, skipMismatch: true }));

  assert.deepEqual(model.getLayer("d1").getWeights()[0].arraySync(), kernelBefore);
  assert.deepEqual(model.getLayer("d1").getWeights()[1].arraySync(), [1, 1, 1]);
  assert.deepEqual(model.getLayer("d2").getWeights().map((w) => w.arraySync()), saved.getLayer("d2").getWeights().map((w) => w.arraySync()));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /skipping weight layer #0 \("d1"\): layer "d1" weight .*d1\/kernel has shape \(5, 3\) in the model but the file's "d1\/kernel:0" has shape \(4, 3\)/);
});

test("legacy .h5 by name with skipMismatch: a layer whose weight count differs is skipped whole", async () => {
  const saved = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "d1", biasInitializer: "ones" })]);
  const path = join(dir, "count.h5");
  await saved.saveWeights(path);
  const model = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "d1", useBias: false })]);
  const kernelBefore = model.getLayer("d1").getWeights()[0].arraySync();
  const warnings = await captureWarnings(() => model.loadWeights(path, { byName: true, skipMismatch: true }));
  assert.deepEqual(model.getLayer("d1").getWeights()[0].arraySync(), kernelBefore);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /layer "d1" has 1 weight\(s\) .* but the file's "d1" has 2/);
});

test("legacy .h5 by name without skipMismatch: a shape mismatch fails and nothing is assigned", async () => {
  const saved = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "d1", biasInitializer: "ones" })]);
  const path = join(dir, "strict.h5");
  await saved.saveWeights(path);
  const model = new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(3, { name: "d1" })]);
  await assert.rejects(model.loadWeights(path, { byName: true }), /layer "d1" weight .*d1\/kernel has shape \(5, 3\) in the model but the file's "d1\/kernel:0" has shape \(4, 3\)/);
  assert.deepEqual(model.getLayer("d1").getWeights()[1].arraySync(), [0, 0, 0]);
});
