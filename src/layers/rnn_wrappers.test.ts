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
