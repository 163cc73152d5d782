// A layer called on symbolic inputs runs once on probe tensors to learn its output shape. Keras runs
// that symbolic call in a StatelessScope: variables it assigns and seeds it draws are not kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers } = tf;

/** Counts its calls in a variable and adds noise from the global generator and its own SeedGenerator. */
class CountingNoise extends layers.Layer {
  readonly calls = new tf.Variable(tf.zeros([]), { trainable: false });
  readonly seedGenerator = new tf.random.SeedGenerator(7);
  override call(x: tf.Tensor): tf.Tensor {
    this.calls.assignAdd(1);
    const global = tf.random.normal(x.shape);
    const seeded = tf.random.uniform(x.shape, 0, 1, { seed: this.seedGenerator });
    return tf.add(x, tf.add(global, seeded));
  }
}

test("calling a layer on layers.Input keeps its variables and random generators as they were (Keras' stateless symbolic call)", () => {
  tf.random.setSeed(3);
  const expectedGlobal = tf.random.normal([4]).arraySync();
  const expectedSeeded = new tf.random.SeedGenerator(7).next();

  tf.random.setSeed(3);
  const layer = new CountingNoise();
  const out = layer(layers.Input({ shape: [5] }));
  assert.deepEqual(out.shape, [null, 5]);
  assert.equal(layer.calls.item(), 0);
  // The probe's draws were taken back: the global stream and the layer's own continue from where they were.
  assert.deepEqual(tf.random.normal([4]).arraySync(), expectedGlobal);
  assert.equal(layer.seedGenerator.next(), expectedSeeded);
});

test("eager calls keep their state changes, and a model built from the layer counts only real calls", () => {
  const layer = new CountingNoise();
  const input = layers.Input({ shape: [2] });
  const model = new tf.models.Model({ inputs: input, outputs: layer(input) });
  assert.equal(layer.calls.item(), 0);
  model.predict(tf.zeros([3, 2]), { verbose: 0 });
  layer.apply(tf.zeros([1, 2]));
  assert.equal(layer.calls.item(), 2);
});
