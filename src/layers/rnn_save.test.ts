/*
 * Recurrent layers in Keras' formats: configs against Keras 3.5's own (test/fixtures/rnn_layers.json,
 * by test/fixtures/make_rnn_layers.py) and test/fixtures/keras_files/by_keras/rnn_layers.keras, a
 * functional model saved by Keras 3.5 with LSTM(initial_state, return_state), Bidirectional(GRU),
 * TimeDistributed(Dense), SimpleRNN(go_backwards) and Dense, compiled with SGD(0.1) and mse.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rnn_layers.json", import.meta.url), "utf8")) as {
  configs: Record<string, Record<string, unknown>>;
  model: {
    weights: { path: string; shape: number[] }[]; x: Arr[]; y: Arr; predictions: Arr; loss_step: number; predictions_after_step: Arr; summary: string;
  };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const file = "test/fixtures/keras_files/by_keras/rnn_layers.keras";

function withColumns<T>(f: () => T): T {
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = "200";
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
}

test("configs equal Keras 3.5's serialized layers, and Keras' configs load and serialize back unchanged", () => {
  tf.clearSession();
  const made: Record<string, tf.layers.Layer> = {
    lstm: layers.LSTM(4, { returnSequences: true, dropout: 0.25, recurrentDropout: 0.5, seed: 3, kernelRegularizer: "l2", unitForgetBias: false }),
    gru: layers.GRU(3, { resetAfter: false, goBackwards: true, recurrentActivation: "hard_sigmoid" }),
    simple_rnn: layers.SimpleRNN(2, { activation: "relu", seed: 5, recurrentConstraint: "non_neg" }),
    bidirectional: layers.Bidirectional(layers.LSTM(3, { returnSequences: true }), { mergeMode: "ave" }),
    rnn: layers.RNN(layers.GRUCell(2), { returnState: true }),
    time_distributed: layers.TimeDistributed(layers.Dense(3)),
  };
  for (const [name, layer] of Object.entries(made)) {
    const keras = fixture.configs[name];
    assert.deepEqual(tf.serialization.serializeLayer(layer), keras, `${name}: lamina's config vs Keras'`);
    const back = tf.serialization.deserializeLayer(keras);
    assert.equal(back.className, layer.className);
    assert.deepEqual(tf.serialization.serializeLayer(back), keras, `${name}: Keras' config read and written back`);
  }
  const bi = tf.serialization.deserializeLayer(fixture.configs.bidirectional) as InstanceType<typeof layers.classes.Bidirectional>;
  assert.deepEqual([bi.forwardLayer.name, bi.backwardLayer.name, bi.backwardLayer.goBackwards, bi.mergeMode], ["forward_lstm_1", "backward_lstm_1", true, "ave"]);
});

test("configs round-trip through Layer.fromConfig with every option (built layers keep their weights' shapes)", () => {
  const cases: [tf.layers.Layer, number[]][] = [
    [layers.LSTM(3, { returnState: true, activation: "relu", useBias: false, recurrentInitializer: "glorot_normal", unroll: true }), [2, 4, 5]],
    [layers.GRU(2, { returnSequences: true, biasRegularizer: "l1", kernelConstraint: "max_norm", dropout: 0.1 }), [2, 3, 4]],
    [layers.SimpleRNN(4, { goBackwards: true, implementation: undefined } as never), [1, 2, 3]],
    [layers.Bidirectional(layers.GRU(2, { returnSequences: true, returnState: true }), { mergeMode: null }), [2, 3, 4]],
    [layers.TimeDistributed(layers.Conv2D(2, 3)), [2, 3, 6, 6, 1]],
    [layers.RNN(layers.LSTMCell(2, { unitForgetBias: false }), { goBackwards: true }), [2, 3, 1]],
  ];
  for (const [layer, shape] of cases) {
    layer.apply(tf.ones(shape));
    const config = tf.serialization.serializeLayer(layer);
    const back = tf.layers.Layer.fromConfig(config as unknown as Record<string, unknown>);
    assert.deepEqual(tf.serialization.serializeLayer(back), config, layer.name);
    assert.deepEqual(back.weights.map((w) => w.shape), layer.weights.map((w) => w.shape), `${layer.name}: weights built from build_config`);
  }
});

test("rnn_layers.keras, saved by Keras 3.5: weights at Keras' paths, predictions, one SGD step through time, summary()", async () => {
  tf.clearSession();
  const want = fixture.model;
  const model = await tf.models.loadModel(file);
  // The fixture has the saved model's paths (bidirectional/forward_gru/..., time_distributed/dense/...);
  // Keras' loaded model has none under the wrappers: their inner layers are built from their build_config.
  const loadedByKeras = (p: string): string => p.replace(/^(bidirectional|time_distributed)\//, "");
  assert.deepEqual(model.weights.map((w) => [w.name, [...w.shape]]), want.weights.map((w) => [loadedByKeras(w.path), w.shape]));
  const xs = want.x.map(t32);
  assertAllClose(model.predict(xs) as tf.Tensor, want.predictions, { rtol: 1e-5, atol: 1e-5, what: "predictions vs Keras" });
  assert.equal(withColumns(() => model.summary(() => {})) + "\n", want.summary);
  const loss = model.trainOnBatch(xs, t32(want.y));
  const l = Array.isArray(loss) ? loss[0] : loss;
  assert.ok(Math.abs(l - want.loss_step) < 1e-5 * want.loss_step, `step loss ${l} vs Keras ${want.loss_step}`);
  assertAllClose(model.predict(xs) as tf.Tensor, want.predictions_after_step, { rtol: 1e-4, atol: 1e-5, what: "predictions after the SGD step vs Keras" });
});

test("the Keras-saved recurrent model saved by lamina (.keras, .h5) loads back with the same predictions and Keras' initial_state calls", async () => {
  tf.clearSession();
  const model = await tf.models.loadModel(file, { compile: false });
  const xs = fixture.model.x.map(t32);
  const want = (model.predict(xs) as tf.Tensor).dataSync();
  const config = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[] }[] } };
  const lstm = config.config.layers.find((l) => l.class_name === "LSTM")!;
  assert.equal(lstm.inbound_nodes[0].args.length, 1);
  assert.equal((lstm.inbound_nodes[0].kwargs.initial_state as unknown[]).length, 2);
  const tmp = mkdtempSync(join(tmpdir(), "lamina-rnn-"));
  try {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(tmp, name));
      tf.clearSession();
      const back = await tf.models.loadModel(join(tmp, name));
      assert.deepEqual((back.predict(xs) as tf.Tensor).dataSync(), want, name);
      assert.deepEqual(back.weights.map((w) => w.name), model.weights.map((w) => w.name), `${name}: weight names`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
