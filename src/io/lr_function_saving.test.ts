/**
 * A model compiled with a learning-rate function, saved and loaded as Keras 3.5 does it:
 * base_optimizer.get_config writes the callable with `serialize_keras_object` (a plain function
 * as `{module, class_name: "function", config: "<name>", registered_name: get_registered_name(fn)}`),
 * and from_config reads it back with `deserialize_keras_object(config["learning_rate"],
 * custom_objects)`, which finds the function among the custom objects and the registry by name.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;

const dir = mkdtempSync(join(tmpdir(), "lamina-lr-function-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function halfRate(): number {
  return 0.05;
}
function plainRate(): number {
  return 0.02;
}
const KEY = "lr_function_test>halfRate";

async function trained(learningRate: tf.optimizers.LearningRate): Promise<tf.models.Sequential> {
  tf.random.setSeed(5);
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.compile({ loss: "mse", optimizer: tf.optimizers.Adam({ learningRate }) });
  await m.fit(tf.constant([[1, 2], [3, 4], [5, 6]]), tf.constant([[1], [2], [3]]), { epochs: 2, batchSize: 2, verbose: 0, shuffle: false });
  return m;
}

test("a registered learning-rate function is saved by name and loaded back: the same function, optimizer state and next step", async () => {
  tf.saving.registerKerasSerializable(halfRate, { package: "lr_function_test" });
  try {
    const m = await trained(halfRate);
    assert.deepEqual(m.optimizer!.getConfig().learning_rate, { module: "builtins", class_name: "function", config: "halfRate", registered_name: KEY });
    const path = join(dir, "registered.keras");
    await m.save(path);
    const back = await models.loadModel(path);
    const opt = back.optimizer!;
    assert.equal(opt.learningRateFunction, halfRate);
    assert.equal(opt.learningRate, 0.05);
    // Keras keeps no learning_rate variable for a callable learning rate: iteration and the slots only.
    assert.deepEqual(opt.variables().map((v) => v.name), ["iteration", "dense_kernel_momentum", "dense_kernel_velocity", "dense_bias_momentum", "dense_bias_velocity"]);
    assert.equal(opt.iterations, 4);
    // Training resumes exactly: one more epoch on both gives the same weights.
    const x = tf.constant([[1, 0], [0, 1]]), y = tf.constant([[0.5], [1.5]]);
    await m.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    await back.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    back.getWeights().forEach((w, i) => assert.deepEqual(w.arraySync(), m.getWeights()[i].arraySync()));
  } finally {
    delete tf.saving.getCustomObjects()[KEY];
  }
});

test("an unregistered named learning-rate function loads only through customObjects (or a scope), as Keras' custom_objects", async () => {
  const m = await trained(plainRate);
  const path = join(dir, "plain.keras");
  await m.save(path);
  await assert.rejects(models.loadModel(path),
    /cannot restore the optimizer: fromConfig: learning_rate: could not locate the learning-rate function "plainRate"; register it with saving\.registerKerasSerializable before loading, or pass it in customObjects/);
  assert.equal((await models.loadModel(path, { customObjects: { plainRate } })).optimizer!.learningRateFunction, plainRate);
  const scoped = await tf.saving.customObjectScope({ plainRate }, () => models.loadModel(path));
  assert.equal(scoped.optimizer!.learningRateFunction, plainRate);
  // optimizers.deserialize reads it too, inside a scope.
  const config = tf.optimizers.serialize(m.optimizer!);
  assert.equal(tf.saving.customObjectScope({ plainRate }, () => tf.optimizers.deserialize(config)).learningRateFunction, plainRate);
});

test("a file as Keras writes a function of its __main__ module loads with the function passed in customObjects", () => {
  const config = {
    module: "keras.optimizers", class_name: "SGD", registered_name: null,
    config: { name: "SGD", learning_rate: { module: "__main__", class_name: "function", config: "plainRate", registered_name: "plainRate" }, momentum: 0.0, nesterov: false },
  };
  const opt = tf.saving.deserializeKerasObject(config, { customObjects: { plainRate } }) as tf.optimizers.Optimizer;
  assert.equal(opt.learningRateFunction, plainRate);
  assert.equal(opt.learningRate, 0.02);
});

test("a model whose learning rate is an inline function cannot be saved, with a clear error", async () => {
  const m = await trained(() => 0.01);
  await assert.rejects(m.save(join(dir, "inline.keras")), /Adam\.getConfig: the learning rate is an anonymous function, which cannot be written into a config; define it as a named function/);
});
