/*
 * Bidirectional and TimeDistributed where Keras 3.5's source decides what lamina must do
 * (keras/src/layers/rnn/bidirectional.py, time_distributed.py at v3.5.0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers } = tf;

test("Bidirectional's backward copy has goBackwards: true, so a layer that already goes backwards is refused (Keras: config['go_backwards'] = True, then _verify_layer_config)", () => {
  tf.clearSession();
  const b = layers.Bidirectional(layers.GRU(2));
  assert.equal(b.forwardLayer.goBackwards, false);
  assert.equal(b.backwardLayer.goBackwards, true);
  assert.equal(b.backwardLayer.name, "backward_gru");
  assert.throws(
    () => layers.Bidirectional(layers.LSTM(2, { goBackwards: true })),
    /Bidirectional bidirectional\S*: the forward and backward layers must differ in goBackwards, got true for both; the backward copy always goes backwards/,
  );
  // An explicit backward layer going forwards is Keras' way to swap the directions.
  const swapped = layers.Bidirectional(layers.LSTM(2, { goBackwards: true }), { backwardLayer: layers.LSTM(2) });
  assert.deepEqual([swapped.forwardLayer.goBackwards, swapped.backwardLayer.goBackwards], [true, false]);
});

test("TimeDistributed calls the wrapped layer's call as Keras does (step_function: self.layer.call), so that layer's own activityRegularizer adds no loss; TimeDistributed's own adds one on the whole output", () => {
  tf.clearSession();
  const x = tf.ones([2, 3, 4]);
  const dense = layers.Dense(2, { activityRegularizer: "l2", kernelInitializer: "ones" });
  const td = layers.TimeDistributed(dense);
  const y = td.apply(x) as tf.Tensor;
  assert.deepEqual(y.arraySync(), [...Array(2)].map(() => [...Array(3)].map(() => [4, 4])));
  assert.equal(td.losses.length, 0);
  // Called on its own the Dense still adds its penalty: 0.01 * sum(y ** 2) = 0.01 * 2 * 16.
  dense.apply(tf.ones([1, 4]));
  assert.equal(dense.losses.length, 1);
  assert.ok(Math.abs(Number(dense.losses[0].dataSync()[0]) - 0.32) < 1e-6);
  const outer = layers.TimeDistributed(layers.Dense(2, { kernelInitializer: "ones" }), { activityRegularizer: "l2" });
  outer.apply(x);
  assert.equal(outer.losses.length, 1);
  // 0.01 * (2 * 3 * 2 values of 4 ** 2)
  assert.ok(Math.abs(Number(outer.losses[0].dataSync()[0]) - 1.92) < 1e-5);
});

test("Bidirectional names itself and the shape when the inputs have no time axis (Keras gives it the wrapped layer's input_spec)", () => {
  tf.clearSession();
  assert.throws(
    () => layers.Bidirectional(layers.LSTM(2)).apply(tf.ones([2, 3])),
    /Bidirectional bidirectional\S*: expects inputs of shape \[batch, timesteps, features\] for LSTM, got \(2, 3\)/,
  );
  assert.throws(
    () => layers.Bidirectional(layers.GRU(2)).apply(layers.Input({ shape: [3] })),
    /Bidirectional bidirectional\S*: expects inputs of shape \[batch, timesteps, features\] for GRU, got \(None, 3\)/,
  );
});
