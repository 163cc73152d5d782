/**
 * Keras 3.15's RMSNormalization layer against NumPy's x * rsqrt(mean(x^2) + eps) * scale
 * (test/fixtures/k315_nn.json, by make_k315_nn.py): weights, config, gradients, summary and .keras
 * round trips.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { deserializeLayer } from "../io/serialization.js";
import type { Variable } from "../tensor/variable.js";
import { RMSNormalization } from "./rms_normalization.js";
import type { SymbolicTensor } from "./symbolic.js";

const { layers, models } = tf;
type Nested = readonly (number | Nested)[];
const fx = (JSON.parse(readFileSync(new URL("../../test/fixtures/k315_nn.json", import.meta.url), "utf8")) as { rms_layer: Record<string, Nested> }).rms_layer;
const f64 = (v: Nested): tf.Tensor => tf.constant(v as number[], undefined, "float64");

test("RMSNormalization: Keras' defaults, its scale weight and config, and numpy's values", () => {
  layers.clearSession();
  const rn = layers.RMSNormalization({ dtype: "float64" });
  assert.deepEqual(rn.getConfig().axis, -1);
  assert.equal(rn.getConfig().epsilon, 1e-6);
  const x = f64(fx.x);
  rn.build([null, 3, 4]);
  assert.deepEqual(rn.weights.map((w) => [w.name, [...w.shape]]), [["rms_normalization/scale", [4]]]);
  assertAllClose(rn.apply(x) as tf.Tensor, tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), { rtol: 1e-12 });
  rn.setWeights([f64(fx.scale4)]);
  assertAllClose(rn.apply(x) as tf.Tensor, fx.last, { rtol: 1e-12, atol: 1e-14 });
  // Built, axis is a list, as Keras stores it.
  assert.deepEqual(rn.getConfig().axis, [-1]);
  assert.equal(rn.countParams(), 4);

  const two = layers.RMSNormalization([2, 1], { epsilon: 1e-3, dtype: "float64" });
  two.build([null, 3, 4]);
  assert.deepEqual(two.getConfig().axis, [1, 2]);
  assert.deepEqual([...two.weights[0].shape], [3, 4]);
  two.setWeights([f64(fx.scale34)]);
  assertAllClose(two.apply(x) as tf.Tensor, fx.last_two, { rtol: 1e-12, atol: 1e-14 });

  const middle = layers.RMSNormalization(1, { dtype: "float64" });
  middle.build([null, 3, 4]);
  middle.setWeights([f64(fx.scale3)]);
  assertAllClose(middle.apply(x) as tf.Tensor, fx.middle, { rtol: 1e-12, atol: 1e-14 });

  assert.throws(() => layers.RMSNormalization(3).apply(tf.ones([2, 3])), /RMSNormalization rms_normalization_\d+: axis 3 is out of range for inputs of shape \(2, 3\)/);
  assert.throws(() => layers.RMSNormalization({ epsilon: -1 }), /epsilon must be a non-negative number, got -1/);
  assert.throws(() => rn.apply(tf.ones([2, 3, 5], "float64")), /incompatible with the layer/);
});

test("RMSNormalization gradients with respect to its input and its scale (float64 finite differences)", () => {
  const rn = layers.RMSNormalization({ axis: [1, 2], dtype: "float64" });
  const x = randomF64([2, 3, 2], 9);
  rn.build([null, 3, 2]);
  rn.setWeights([randomF64([3, 2], 10)]);
  checkGradients((t) => rn.apply(t) as tf.Tensor, [x]);
  const w = tf.constant([1.5, -0.5, 2, 0.3, 1, -1.2, 0.7, 0.1, -0.4, 2.2, 0.9, 1.1], [2, 3, 2], "float64");
  checkVariableGradients(() => tf.sum(tf.mul(rn.apply(x) as tf.Tensor, w)), rn.trainableWeights as Variable[]);
});

test("RMSNormalization loads from Keras' config, shows in summary, and round-trips through a .keras file", async () => {
  layers.clearSession();
  // As keras.layers.RMSNormalization(axis=-1, epsilon=1e-5, name="rms") serializes once built.
  const keras = {
    module: "keras.layers", class_name: "RMSNormalization", registered_name: null,
    config: { name: "rms", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, axis: [-1], epsilon: 1e-5 },
    build_config: { input_shape: [null, 3, 4] },
  };
  const loaded = deserializeLayer(keras) as RMSNormalization;
  assert.equal(loaded.epsilon, 1e-5);
  assert.deepEqual(loaded.getConfig().axis, [-1]);

  const input = layers.Input({ shape: [3, 4] });
  const model = new models.Model({ inputs: input, outputs: layers.RMSNormalization({ name: "rms" }).apply(layers.Dense(4).apply(input)) as SymbolicTensor });
  const summary = model.summary({ printFn: () => {} });
  assert.match(summary, /rms \(RMSNormalization\)\s+│ \(None, 3, 4\)\s+│\s+4 │/);
  model.layers[2].setWeights([tf.constant([0.5, 1, 2, -1], [4], "float32")]);
  const x = tf.cast(randomF64([2, 3, 4], 3), "float32");
  const want = model.predict(x) as tf.Tensor;
  const dir = mkdtempSync(join(tmpdir(), "lamina-rms-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await models.loadModel(join(dir, "m.keras"));
    assertAllClose(back.predict(x) as tf.Tensor, want, { rtol: 1e-6 });
    assert.deepEqual(back.layers[2].getConfig(), model.layers[2].getConfig());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
