/*
 * stateful: true against Keras 3.5 (test/fixtures/rnn_stateful.json, by
 * test/fixtures/make_rnn_stateful.py): states carried over two calls, resetStates, predict in
 * batches, training steps that start from the previous batch's states, and the errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface StatefulCase {
  name: string; kind: string; args: Record<string, unknown>; weights: Arr[]; x1: Arr; x2: Arr;
  y1: Arr; y2: Arr; states: Arr[]; y_after_reset: Arr; y_batched: Arr;
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rnn_stateful.json", import.meta.url), "utf8")) as {
  stateful: StatefulCase[];
  stateful_training: { weights: Arr[]; x1: Arr; x2: Arr; y1: Arr; y2: Arr; losses: number[]; predictions_after: Arr };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const close = { rtol: 1e-5, atol: 1e-6 };

type Recurrent = InstanceType<typeof layers.classes.RNN> | InstanceType<typeof layers.classes.Bidirectional>;

function makeLayer(c: StatefulCase): Recurrent {
  const { units, stateful, return_sequences: returnSequences, go_backwards: goBackwards } = c.args as Record<string, never>;
  const opts = { stateful, returnSequences, goBackwards };
  switch (c.kind) {
    case "LSTM": return layers.LSTM(units, opts);
    case "GRU": return layers.GRU(units, opts);
    case "SimpleRNN": return layers.SimpleRNN(units, opts);
    case "Bidirectional": return layers.Bidirectional(layers.SimpleRNN(units, opts));
    default: throw new Error(c.kind);
  }
}

test("stateful layers match Keras 3.5: the second call continues the first, resetStates starts again from zeros, predict carries states between its batches", () => {
  assert.equal(fixture.stateful.length, 4);
  for (const c of fixture.stateful) {
    tf.clearSession();
    const layer = makeLayer(c);
    const model = new tf.models.Sequential([layers.Input({ batchShape: [2, 4, 3] }), layer]);
    assert.deepEqual(layer.states!.map((s) => [...s.shape]), layer instanceof layers.classes.RNN ? layer.cell.stateSize.map((n) => [2, n]) : layer.states!.map((s) => [...s.shape]));
    assert.ok(layer.states!.every((s) => s.dataSync().every((v) => v === 0)), `${c.name}: zero states after build`);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(model.predict(t32(c.x1)) as tf.Tensor, c.y1, { ...close, what: `${c.name}: first batch` });
    assertAllClose(model.predict(t32(c.x2)) as tf.Tensor, c.y2, { ...close, what: `${c.name}: second batch, from the first's final states` });
    const states = layer.states!;
    assert.equal(states.length, c.states.length);
    states.forEach((s, i) => assertAllClose(s, c.states[i], { ...close, what: `${c.name}: state ${i}` }));
    layer.resetStates();
    assertAllClose(model.predict(t32(c.x2)) as tf.Tensor, c.y_after_reset, { ...close, what: `${c.name}: after resetStates` });
    layer.resetState();
    const both = tf.concat([t32(c.x1), t32(c.x2)], 0);
    assertAllClose(model.predict(both, { batchSize: 2 }) as tf.Tensor, c.y_batched, { ...close, what: `${c.name}: predict in two batches` });
  }
});

test("the same layer without stateful starts every call from zeros (so the stateful results above come from the carried states)", () => {
  const c = fixture.stateful[0];
  tf.clearSession();
  const layer = layers.LSTM(3);
  layer.apply(t32(c.x1));
  layer.setWeights(c.weights.map(t32));
  assert.equal(layer.states, null);
  assertAllClose(layer.apply(t32(c.x2)) as tf.Tensor, c.y_after_reset, { ...close, what: "stateless second call" });
  layer.resetStates(); // a no-op, as Keras' reset_state on a layer without states
});

test("training a stateful LSTM: each step starts from the previous batch's final states, with no gradient into that batch (Keras 3.5's losses and predictions)", () => {
  const f = fixture.stateful_training;
  tf.clearSession();
  const layer = layers.LSTM(3, { stateful: true });
  const model = new tf.models.Sequential([layers.Input({ batchShape: [2, 4, 3] }), layer]);
  layer.setWeights(f.weights.map(t32));
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  const losses = [model.trainOnBatch(t32(f.x1), t32(f.y1)), model.trainOnBatch(t32(f.x2), t32(f.y2))].map((l) => (Array.isArray(l) ? l[0] : l));
  losses.forEach((l, i) => assert.ok(Math.abs(l - f.losses[i]) < 1e-5 * f.losses[i], `step ${i} loss ${l} vs Keras ${f.losses[i]}`));
  assertAllClose(model.predict(t32(f.x1)) as tf.Tensor, f.predictions_after, { rtol: 1e-4, atol: 1e-6, what: "predictions from the states the second step left" });
});

test("stateful states are not weights (Keras 3.5 neither lists nor saves them) and the flag round-trips through the config", async () => {
  tf.clearSession();
  const layer = layers.GRU(2, { stateful: true, name: "g" });
  const model = new tf.models.Sequential([layers.Input({ batchShape: [3, 5, 4] }), layer]);
  assert.deepEqual(model.weights.map((w) => w.name), ["sequential/g/gru_cell/kernel", "sequential/g/gru_cell/recurrent_kernel", "sequential/g/gru_cell/bias"]);
  const config = tf.serialization.serializeLayer(layer) as { config: Record<string, unknown> };
  assert.equal(config.config.stateful, true);
  const back = tf.layers.Layer.fromConfig(config as unknown as Record<string, unknown>) as InstanceType<typeof layers.classes.GRU>;
  assert.equal(back.stateful, true);
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const tmp = mkdtempSync(join(tmpdir(), "lamina-stateful-"));
  try {
    const x = tf.random.normal([3, 5, 4]);
    model.predict(x);
    await model.save(join(tmp, "m.keras"));
    const loaded = await tf.models.loadModel(join(tmp, "m.keras"));
    const g = loaded.getLayer("g") as InstanceType<typeof layers.classes.GRU>;
    assert.equal(g.stateful, true);
    assert.ok(g.states!.every((s) => s.dataSync().every((v) => v === 0)), "a loaded stateful layer starts from zeros");
    layer.resetStates();
    assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("stateful errors: no fixed batch size, a batch of another size, resetState on a Bidirectional that is not stateful", () => {
  tf.clearSession();
  assert.throws(
    () => new tf.models.Sequential([layers.Input({ shape: [4, 3] }), layers.LSTM(2, { stateful: true, name: "s" })]),
    /LSTM s: stateful: true needs a fixed batch size .* input shape is \(None, 4, 3\); give the model layers\.Input\(\{ batchShape: \[batchSize, 4, 3\] \}\)/,
  );
  const layer = layers.SimpleRNN(2, { stateful: true, name: "r" });
  const model = new tf.models.Sequential([layers.Input({ batchShape: [2, 4, 3] }), layer]);
  assert.throws(() => layer.apply(tf.ones([3, 4, 3])), /SimpleRNN r: the layer is stateful with a batch size of 2, but got a batch of 3 .* pass batchSize: 2/);
  assert.throws(() => model.predict(tf.ones([5, 4, 3]), { batchSize: 2 }), /batch size of 2, but got a batch of 1|expected input of shape \(2, 4, 3\) but got \(1, 4, 3\)/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(2), { name: "bi" }).resetStates(), /Bidirectional bi: resetState needs a stateful layer/);
  assert.throws(
    () => layers.Bidirectional(layers.LSTM(2), { backwardLayer: layers.LSTM(2, { goBackwards: true, stateful: true }) }),
    /must agree on stateful, got false and true/,
  );
});
