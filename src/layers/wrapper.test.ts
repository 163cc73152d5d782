/*
 * layers.Wrapper, Keras 3.5's abstract wrapper: TimeDistributed is one, and a user's subclass
 * builds its wrapped layer, names its weights under the wrapper and saves and loads it nested in
 * its config (Keras' Wrapper.from_config rebuilds the layer).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;

/** Twice the wrapped layer's output (a wrapper written as a Keras user writes one). */
class Twice extends layers.Wrapper {
  call(inputs: tf.Tensor | tf.Tensor[], opts: tf.layers.CallOptions): tf.Tensor {
    return tf.mul(this.layer.apply(inputs as tf.Tensor, opts) as tf.Tensor, 2);
  }
}
tf.serialization.registerKerasSerializable(Twice, { package: "WrapperTest" });

test("TimeDistributed and SpectralNormalization are layers.Wrapper; Bidirectional is not (as in Keras 3.5)", () => {
  tf.clearSession();
  assert.ok(layers.TimeDistributed(layers.Dense(2)) instanceof layers.Wrapper);
  assert.ok(layers.SpectralNormalization(layers.Dense(2)) instanceof layers.Wrapper);
  assert.ok(!(layers.Bidirectional(layers.LSTM(2)) instanceof layers.Wrapper));
  assert.throws(() => layers.TimeDistributed(3 as unknown as tf.layers.Layer), /TimeDistributed time_distributed\S*: layer must be a layer instance, got 3; e\.g\. layers\.TimeDistributed\(layers\.Dense\(8\)\)/);
  assert.throws(() => new Twice({ name: "t" }), /Twice t: layer must be a layer instance, got undefined; e\.g\. new Twice\(\{ layer: layers\.Dense\(8\) \}\)/);
});

test("a user's Wrapper: builds the wrapped layer on its input, weights named under it, config nests the layer, .keras round trip", async () => {
  tf.clearSession();
  const w = new Twice({ layer: layers.Dense(3, { kernelInitializer: "ones" }), name: "twice" });
  const x = tf.constant([[1, 2], [3, 4]], [2, 2], "float32");
  // Dense with a ones kernel and zero bias: each output is the row sum; doubled by the wrapper.
  assertAllClose(w.apply(x) as tf.Tensor, [[6, 6, 6], [14, 14, 14]]);
  assert.deepEqual(w.weights.map((v) => v.name), ["twice/dense/kernel", "twice/dense/bias"]);
  const cfg = w.getConfig();
  assert.deepEqual(Object.keys(cfg), ["name", "trainable", "dtype", "layer"]);
  assert.equal((cfg.layer as { class_name: string }).class_name, "Dense");

  const input = layers.Input({ shape: [2] });
  const model = new tf.models.Model({ inputs: input, outputs: new Twice({ layer: layers.Dense(3) })(input) });
  const before = model.predict(x) as tf.Tensor;
  const tmp = mkdtempSync(join(tmpdir(), "lamina-wrapper-"));
  try {
    await model.save(join(tmp, "m.keras"));
    tf.clearSession();
    const back = await tf.models.loadModel(join(tmp, "m.keras"));
    const wrapper = back.layers[1] as Twice;
    assert.ok(wrapper instanceof Twice);
    assert.equal(wrapper.layer.className, "Dense");
    assertAllClose(back.predict(x) as tf.Tensor, before, { rtol: 0, atol: 0 });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
