/**
 * Masked models against Keras 3.5 (torch backend), test/fixtures/masking.json (made by
 * test/fixtures/make_masking.py): predictions, output masks, evaluate, gradients and fit histories.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;

interface Arr { shape: number[]; data: (number | boolean)[] }
interface Case {
  name: string; x: Arr; x_int: boolean; y: Arr; weights: Arr[]; pred: Arr; mask: Arr | null;
  evaluate: Record<string, number>; evaluate_temporal_sw?: Record<string, number>; train_loss: number;
  weights_after_step: Arr[]; fit_history: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/masking.json", import.meta.url), "utf8")) as {
  cases: Case[]; compute_mask: Record<string, Arr | (Arr | null)[]>; configs: Record<string, Record<string, unknown>>;
};
const t = (a: Arr, dtype: "float32" | "int32" = "float32"): tf.Tensor => tf.constant(a.data as number[], a.shape, dtype);
const boolOf = (m: tf.Tensor | null): boolean[] => {
  assert.ok(m !== null, "expected a mask");
  assert.equal(m.dtype, "bool");
  return (m.arraySync() as unknown as boolean[][]).flat(3) as boolean[];
};
const close = (got: number | undefined, want: number, what: string, rtol = 1e-4): void => {
  assert.ok(got !== undefined && Math.abs(got - want) <= rtol * Math.abs(want) + 1e-6, `${what}: got ${got}, Keras ${want}`);
};
const temporalSw = tf.constant([[1, 2, 3, 4, 5], [1, 1, 1, 1, 1], [0.5, 1, 1, 1, 2], [2, 1, 0, 1, 1]], [4, 5]);

/** The lamina model of each Keras case (same layers, same order of weights). */
function build(name: string): tf.models.Model {
  tf.clearSession();
  switch (name) {
    case "emb_lstm": {
      const inp = layers.Input({ shape: [5], dtype: "int32" });
      const e = layers.Embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(inp);
      const h = layers.LSTM({ units: 4, returnSequences: true }).apply(e);
      return new models.Model({ inputs: inp, outputs: layers.Dense(3, { activation: "softmax" }).apply(h) as tf.layers.SymbolicTensor });
    }
    case "emb_gru_back": {
      const inp = layers.Input({ shape: [5], dtype: "int32" });
      const e = layers.Embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(inp);
      const h = layers.GRU({ units: 4, goBackwards: true }).apply(e);
      return new models.Model({ inputs: inp, outputs: layers.Dense(1, { activation: "sigmoid" }).apply(h) as tf.layers.SymbolicTensor });
    }
    case "masking_gru": {
      const inp = layers.Input({ shape: [5, 2] });
      const h = layers.GRU({ units: 3, returnSequences: true }).apply(layers.Masking(0).apply(inp));
      return new models.Model({ inputs: inp, outputs: layers.TimeDistributed({ layer: layers.Dense(2) }).apply(h) as tf.layers.SymbolicTensor });
    }
    case "emb_bidi_gap": {
      const inp = layers.Input({ shape: [5], dtype: "int32" });
      const e = layers.Embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(inp);
      const h = layers.Bidirectional({ layer: layers.LSTM({ units: 3, returnSequences: true }) }).apply(e);
      const g = layers.GlobalAveragePooling1D().apply(h);
      return new models.Model({ inputs: inp, outputs: layers.Dense(1).apply(g) as tf.layers.SymbolicTensor });
    }
    case "masking_bidi_last": {
      const inp = layers.Input({ shape: [5, 2] });
      const h = layers.Bidirectional({ layer: layers.SimpleRNN({ units: 3 }), mergeMode: "sum" }).apply(layers.Masking(0).apply(inp));
      return new models.Model({ inputs: inp, outputs: layers.Dense(1).apply(h) as tf.layers.SymbolicTensor });
    }
    case "gmp": {
      const inp = layers.Input({ shape: [5, 2] });
      const d = layers.Dense(3).apply(layers.Masking(0).apply(inp));
      return new models.Model({ inputs: inp, outputs: layers.GlobalMaxPooling1D().apply(d) as tf.layers.SymbolicTensor });
    }
    default: throw new Error(name);
  }
}

const LOSSES: Record<string, [string, string]> = {
  emb_lstm: ["sparse_categorical_crossentropy", "accuracy"], emb_gru_back: ["binary_crossentropy", "accuracy"],
  masking_gru: ["mse", "mae"], emb_bidi_gap: ["mse", "mae"], masking_bidi_last: ["mse", "mae"], gmp: ["mse", "mae"],
};

function prepared(c: Case, lr: number, weighted: boolean): { model: tf.models.Model; x: tf.Tensor; y: tf.Tensor } {
  const model = build(c.name);
  model.setWeights(c.weights.map((w) => t(w)));
  const [loss, metric] = LOSSES[c.name];
  model.compile({ loss, optimizer: tf.optimizers.SGD({ learningRate: lr }), metrics: [metric], ...(weighted ? { weightedMetrics: [metric] } : {}) });
  return { model, x: t(c.x, c.x_int ? "int32" : "float32"), y: t(c.y, c.name === "emb_lstm" ? "int32" : "float32") };
}

test("masked models match Keras 3.5: predictions and the output mask", () => {
  assert.equal(fixture.cases.length, 6);
  for (const c of fixture.cases) {
    const { model, x } = prepared(c, 1, false);
    const out = model.apply(x) as tf.Tensor;
    assertAllClose(out, t(c.pred), { rtol: 1e-4, atol: 1e-6, what: `${c.name} predictions` });
    if (c.mask === null) assert.equal(out.kerasMask, null, `${c.name}: no output mask`);
    else assert.deepEqual(boolOf(out.kerasMask), c.mask.data, `${c.name}: output mask`);
  }
});

test("masked models match Keras 3.5: evaluate (the mask weighs the loss; metrics only with sample weights), with temporal sample weights", async () => {
  for (const c of fixture.cases) {
    const { model, x, y } = prepared(c, 1, true);
    const ev = (await model.evaluate(x, y, { verbose: 0, returnDict: true })) as Record<string, number>;
    for (const [k, v] of Object.entries(c.evaluate)) close(ev[k], v, `${c.name} evaluate ${k}`);
    if (c.evaluate_temporal_sw) {
      const ew = (await model.evaluate(x, y, { verbose: 0, returnDict: true, sampleWeight: temporalSw })) as Record<string, number>;
      for (const [k, v] of Object.entries(c.evaluate_temporal_sw)) close(ew[k], v, `${c.name} evaluate(sampleWeight) ${k}`);
    }
  }
});

test("masked models match Keras 3.5: gradients (one SGD step of learning rate 1) and a 2-epoch fit history", async () => {
  for (const c of fixture.cases) {
    const { model, x, y } = prepared(c, 1, false);
    const logs = (await model.trainOnBatch(x, y, { returnDict: true })) as Record<string, number>;
    close(logs.loss, c.train_loss, `${c.name} train loss`);
    model.getWeights().forEach((w, i) => assertAllClose(w, t(c.weights_after_step[i]), { rtol: 1e-3, atol: 1e-5, what: `${c.name} weight ${i} after a step` }));
    const again = prepared(c, 0.1, false);
    const hist = await again.model.fit(again.x, again.y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    for (const [k, v] of Object.entries(c.fit_history)) v.forEach((e, i) => close(hist.history[k][i], e, `${c.name} fit ${k} epoch ${i}`));
  }
});
