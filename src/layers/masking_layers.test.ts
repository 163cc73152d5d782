/**
 * Mask propagation in eager calls, Sequential models and custom layers, computeMask, the merges,
 * saving and loading: reference values from Keras 3.5 (test/fixtures/masking.json, and the
 * expectations of Keras' own layers/merging/merging_test.py written here as literals) or by hand.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { warningsDuring } from "../testing/warnings.js";

const { layers, models } = tf;

interface Arr { shape: number[]; data: (number | boolean)[] }
interface Case { name: string; x: Arr; x_int: boolean; weights: Arr[]; pred: Arr; mask: Arr | null }
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/masking.json", import.meta.url), "utf8")) as {
  cases: Case[]; compute_mask: Record<string, Arr | (Arr | null)[]>; configs: Record<string, Record<string, unknown>>;
};
const byKeras = (name: string): string => new URL(`../../test/fixtures/keras_files/by_keras/${name}`, import.meta.url).pathname;
const flat = (m: tf.Tensor | null): (number | boolean)[] => {
  assert.ok(m !== null, "expected a mask");
  const values = Array.from(m.dataSync() as ArrayLike<number>);
  return m.dtype === "bool" ? values.map((v) => v !== 0) : values;
};
const f32 = (a: Arr): tf.Tensor => tf.constant(a.data as number[], a.shape, "float32");

test("computeMask matches Keras 3.5: Embedding(maskZero), Masking (its call zeroes masked steps), LSTM, Add", () => {
  const cm = fixture.compute_mask;
  const tokens = tf.constant([[3, 1, 2, 0, 0], [4, 2, 0, 0, 0], [1, 1, 5, 3, 2], [0, 0, 2, 4, 1]], [4, 5], "int32");
  assert.deepEqual(flat(layers.Embedding({ inputDim: 6, outputDim: 2, maskZero: true }).computeMask(tokens, null) as tf.Tensor), (cm.embedding as Arr).data);
  assert.equal(layers.Embedding({ inputDim: 6, outputDim: 2 }).computeMask(tokens, null), null);
  const xm = tf.constant([[[1.5, 1.5], [0, 1.5]], [[2, 3], [1.5, 1.5]]], [2, 2, 2]);
  const masking = layers.Masking({ maskValue: 1.5 });
  assert.deepEqual(flat(masking.computeMask(xm, null) as tf.Tensor), (cm.masking as Arr).data);
  const y = masking.apply(xm) as tf.Tensor;
  assertAllClose(y, f32(cm.masking_call as Arr));
  assert.deepEqual(flat(y.kerasMask), (cm.masking as Arr).data, "the eager call attaches the mask to its output");
  const m1 = tf.constant([[true, false, true]] as unknown as number[][], [1, 3], "bool");
  const m2 = tf.constant([[true, true, false]] as unknown as number[][], [1, 3], "bool");
  const x3 = tf.zeros([1, 3, 2]);
  assert.deepEqual(flat(layers.LSTM({ units: 2, returnSequences: true }).computeMask(x3, m1) as tf.Tensor), (cm.lstm_seq as Arr).data);
  assert.deepEqual(layers.LSTM({ units: 2, returnState: true }).computeMask(x3, m1), [null, null, null]);
  assert.deepEqual(flat(layers.Add().computeMask([x3, x3], [m1, m2]) as tf.Tensor), (cm.add as Arr).data);
  assert.equal(layers.Add().computeMask([x3, x3], [m1, null]), null);
});

test("supportsMasking: Keras' defaults (elementwise layers pass the mask on; Flatten, Conv1D drop it with a warning)", async () => {
  for (const l of [layers.Dense(2), layers.Dropout(0.5), layers.Activation("relu"), layers.LayerNormalization(), layers.Masking()]) assert.equal(l.supportsMasking, true, l.className);
  for (const l of [layers.Flatten(), layers.Conv1D(2, 2), layers.Reshape([4]), layers.GlobalMaxPooling1D()]) assert.equal(l.supportsMasking, false, l.className);
  assert.equal(layers.Embedding({ inputDim: 3, outputDim: 2 }).supportsMasking, false);
  const x = layers.Masking().apply(tf.constant([[[1, 2], [0, 0]]], [1, 2, 2], "float32")) as tf.Tensor;
  const d = layers.Dense(3).apply(x) as tf.Tensor;
  assert.deepEqual(flat(d.kerasMask), [true, false], "Dense passes the mask on");
  const flatten = layers.Flatten();
  let out: tf.Tensor | null = null;
  const warnings = await warningsDuring(async () => { out = flatten.apply(d) as tf.Tensor; });
  assert.equal(out!.kerasMask, null, "Flatten drops the mask");
  assert.ok(warnings.some((w) => w.includes(flatten.name) && w.includes("does not support masking")), warnings.join("\n"));
});

test("merges with masks as in Keras' merging_test: Add keeps values, Maximum/Minimum/Multiply skip masked values, Concatenate joins masks", () => {
  const masking = layers.Masking();
  const x1 = masking.apply(tf.constant([[[0, 0], [1, 2], [0, 0], [3, 4]]], [1, 4, 2], "float32")) as tf.Tensor;
  const raw2 = tf.constant([[[0, 0], [0, 0], [1, 2], [3, 4]]], [1, 4, 2], "float32");
  const x2 = masking.apply(raw2) as tf.Tensor;
  const add = layers.Add().apply([x1, x2]) as tf.Tensor;
  assert.deepEqual(flat(add), [0, 0, 1, 2, 1, 2, 6, 8]);
  assert.deepEqual(flat(add.kerasMask), [false, true, true, true]);
  assert.equal((layers.Add().apply([x1, raw2]) as tf.Tensor).kerasMask, null, "one input without a mask: no mask");
  const mul1 = layers.Multiply().apply([x1, raw2]) as tf.Tensor;
  assert.deepEqual(flat(mul1), [0, 0, 0, 0, 1, 2, 9, 16]);
  const mul2 = layers.Multiply().apply([x1, x2]) as tf.Tensor;
  assert.deepEqual(flat(mul2), [0, 0, 1, 2, 1, 2, 9, 16]);
  assert.deepEqual(flat(mul2.kerasMask), [false, true, true, true]);
  const n1 = masking.apply(tf.constant([[[0, 0], [-1, -2], [0, 0], [-3, -4]]], [1, 4, 2], "float32")) as tf.Tensor;
  const nraw = tf.constant([[[0, 0], [0, 0], [-1, -2], [-3, -4]]], [1, 4, 2], "float32");
  assert.deepEqual(flat(layers.Maximum().apply([n1, nraw]) as tf.Tensor), [0, 0, 0, 0, -1, -2, -3, -4]);
  const mx = layers.Maximum().apply([n1, masking.apply(nraw) as tf.Tensor]) as tf.Tensor;
  assert.deepEqual(flat(mx), [0, 0, -1, -2, -1, -2, -3, -4]);
  assert.deepEqual(flat(mx.kerasMask), [false, true, true, true]);
  assert.deepEqual(flat(layers.Minimum().apply([x1, x2]) as tf.Tensor), [0, 0, 1, 2, 1, 2, 3, 4]);
  const c1 = layers.Concatenate({ axis: 1 }).apply([x1, raw2]) as tf.Tensor;
  assert.deepEqual(flat(c1.kerasMask), [false, true, false, true, true, true, true, true]);
  const c2 = layers.Concatenate({ axis: 2 }).apply([x1, raw2]) as tf.Tensor;
  assert.deepEqual(flat(c2.kerasMask), [true, true, true, true]);
});

test("recurrent masks by hand: a masked step keeps the state and repeats the output; zeroOutputForMask; goBackwards", () => {
  // SimpleRNN with 1 unit, linear: h_t = x_t * 1 + h_{t-1} * 0.5 (no bias).
  const make = (opts: Record<string, unknown>): tf.layers.Layer => {
    const l = layers.SimpleRNN({ units: 1, activation: "linear", useBias: false, returnSequences: true, ...opts });
    l.apply(tf.zeros([1, 4, 1]));
    l.setWeights([tf.constant([[1]], [1, 1], "float32"), tf.constant([[0.5]], [1, 1], "float32")]);
    return l;
  };
  const x = tf.constant([[[1], [2], [3], [4]]], [1, 4, 1], "float32");
  const mask = tf.constant([[1, 0, 1, 0]], [1, 4], "bool");
  // steps 0 and 2 run: h0 = 1; h1 = h0 (masked); h2 = 3 + 0.5 = 3.5; h3 = 3.5 (masked).
  assert.deepEqual(flat(make({}).apply(x, { mask }) as tf.Tensor), [1, 1, 3.5, 3.5]);
  assert.deepEqual(flat(make({ zeroOutputForMask: true }).apply(x, { mask }) as tf.Tensor), [1, 0, 3.5, 0]);
  // Backwards: steps in order 4, 3, 2, 1 with mask 0, 1, 0, 1: out 0 (nothing yet), 3, 3, 1 + 1.5 = 2.5.
  assert.deepEqual(flat(make({ goBackwards: true }).apply(x, { mask }) as tf.Tensor), [0, 3, 3, 2.5]);
  const last = layers.SimpleRNN({ units: 1, activation: "linear", useBias: false });
  last.apply(tf.zeros([1, 4, 1]));
  last.setWeights([tf.constant([[1]], [1, 1], "float32"), tf.constant([[0.5]], [1, 1], "float32")]);
  assert.deepEqual(flat(last.apply(x, { mask }) as tf.Tensor), [3.5]);
  assert.throws(() => make({}).apply(x, { mask: tf.constant([[1, 0, 1]], [1, 3], "bool") }), /SimpleRNN .*mask must have shape \[1, 4\]/);
});

test("Sequential: Embedding(maskZero) + LSTM + Dense carries the mask; predictions equal the functional Keras case", () => {
  const c = fixture.cases.find((k) => k.name === "emb_lstm")!;
  tf.clearSession();
  const model = new models.Sequential([
    layers.Input({ shape: [5], dtype: "int32" }),
    layers.Embedding({ inputDim: 6, outputDim: 3, maskZero: true }),
    layers.LSTM({ units: 4, returnSequences: true }),
    layers.Dense(3, { activation: "softmax" }),
  ]);
  model.setWeights(c.weights.map(f32));
  const out = model.apply(tf.constant(c.x.data as number[], c.x.shape, "int32")) as tf.Tensor;
  assertAllClose(out, f32(c.pred), { rtol: 1e-4, atol: 1e-6 });
  assert.deepEqual(flat(out.kerasMask), c.mask!.data);
});

test("a custom layer reads the mask in call(x, { mask }) and, with supportsMasking, passes it on; a given mask overrides the input's", () => {
  class MaskedSum extends tf.layers.Layer {
    call(inputs: tf.Tensor | tf.Tensor[], opts: tf.layers.CallOptions): tf.Tensor {
      const x = inputs as tf.Tensor;
      const m = opts.mask as tf.Tensor | null | undefined;
      return m ? tf.sum(tf.mul(x, tf.expandDims(tf.cast(m, "float32"), -1)), 1) : tf.sum(x, 1);
    }
    override computeMask(): null {
      return null;
    }
  }
  class PassOn extends tf.layers.Layer {
    constructor() {
      super();
      this.supportsMasking = true;
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.mul(inputs as tf.Tensor, 2);
    }
  }
  const x = layers.Masking().apply(tf.constant([[[1, 2], [0, 0], [3, 4]]], [1, 3, 2], "float32")) as tf.Tensor;
  const doubled = new PassOn().apply(x) as tf.Tensor;
  assert.deepEqual(flat(doubled.kerasMask), [true, false, true]);
  assert.deepEqual(flat(new MaskedSum().apply(doubled) as tf.Tensor), [8, 12]);
  const own = tf.constant([[true, false, false]] as unknown as number[][], [1, 3], "bool");
  assert.deepEqual(flat(new MaskedSum().apply(doubled, { mask: own }) as tf.Tensor), [2, 4]);
  assert.equal(new MaskedSum().supportsMasking, true, "overriding computeMask makes a layer support masking, as in Keras");
  // A functional model given a mask for its input.
  const inp = layers.Input({ shape: [3, 2] });
  const fm = new models.Model({ inputs: inp, outputs: new MaskedSum().apply(inp) as tf.layers.SymbolicTensor });
  assert.deepEqual(flat(fm.apply(doubled, { mask: own }) as tf.Tensor), [2, 4]);
  assert.throws(() => layers.Dense(2).apply(inp, { mask: own }), /Dense .*mask given to a call on symbolic inputs/);
});

test("GlobalAveragePooling1D averages the unmasked steps only (output without a mask); GlobalMaxPooling1D ignores the mask as Keras 3.5", () => {
  const x = layers.Masking().apply(tf.constant([[[1, 2], [0, 0], [3, 6]]], [1, 3, 2], "float32")) as tf.Tensor;
  const avg = layers.GlobalAveragePooling1D().apply(x) as tf.Tensor;
  assert.deepEqual(flat(avg), [2, 4]);
  assert.equal(avg.kerasMask, null);
  const neg = layers.Masking().apply(tf.constant([[[-1, -2], [0, 0]]], [1, 2, 2], "float32")) as tf.Tensor;
  assert.deepEqual(flat(layers.GlobalMaxPooling1D().apply(neg) as tf.Tensor), [0, 0]);
});

test("Keras-written .keras files with mask_zero and Masking load (the mask ops in their graphs left out) and predict as Keras", async () => {
  for (const [file, name] of [["masking_emb_lstm.keras", "emb_lstm"], ["masking_masking_gru.keras", "masking_gru"]]) {
    const c = fixture.cases.find((k) => k.name === name)!;
    const model = await models.loadModel(byKeras(file));
    assert.deepEqual(model.layers.map((l) => l.className), name === "emb_lstm" ? ["InputLayer", "Embedding", "LSTM", "Dense"] : ["InputLayer", "Masking", "GRU", "TimeDistributed"]);
    const x = tf.constant(c.x.data as number[], c.x.shape, c.x_int ? "int32" : "float32");
    const out = model.predict(x, { verbose: 0 }) as tf.Tensor;
    assertAllClose(out, f32(c.pred), { rtol: 1e-4, atol: 1e-6, what: file });
    assert.deepEqual(flat((model.apply(x) as tf.Tensor).kerasMask), c.mask!.data);
  }
});

test("Embedding mask_zero and Masking save with Keras' class names and keys, and round-trip", async () => {
  const cfgE = layers.Embedding({ inputDim: 6, outputDim: 2, maskZero: true, name: "e" }).getConfig();
  const cfgM = layers.Masking({ maskValue: -1, name: "m" }).getConfig();
  const keys = (o: Record<string, unknown>): string[] => Object.keys(o).sort();
  assert.deepEqual(keys(cfgE), keys(fixture.configs.embedding));
  assert.equal(cfgE.mask_zero, true);
  assert.deepEqual(keys(cfgM), keys(fixture.configs.masking));
  assert.equal(cfgM.mask_value, -1);
  const back = tf.layers.Layer.fromConfig({ module: "keras.layers", class_name: "Masking", config: fixture.configs.masking, registered_name: null });
  assert.equal((back as unknown as { maskValue: number }).maskValue, -1);
  const tmp = mkdtempSync(join(tmpdir(), "lamina-masking-"));
  try {
    tf.clearSession();
    const inp = layers.Input({ shape: [4], dtype: "int32" });
    const e = layers.Embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(inp);
    // Masking replaces the Embedding's mask by its own (steps whose features all equal 0.5: none here).
    const model = new models.Model({ inputs: inp, outputs: layers.GRU({ units: 2, returnSequences: true }).apply(layers.Dropout(0.1).apply(e)) as tf.layers.SymbolicTensor });
    const masked = new models.Model({ inputs: inp, outputs: layers.Masking({ maskValue: 0.5 }).apply(e) as tf.layers.SymbolicTensor });
    assert.deepEqual(flat((masked.apply(tf.constant([[1, 0, 0, 0]], [1, 4], "int32")) as tf.Tensor).kerasMask), [true, true, true, true]);
    const x = tf.constant([[1, 2, 0, 0], [4, 3, 2, 1]], [2, 4], "int32");
    const before = model.predict(x, { verbose: 0 }) as tf.Tensor;
    const maskBefore = flat((model.apply(x) as tf.Tensor).kerasMask);
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(tmp, name));
      const loaded = await models.loadModel(join(tmp, name));
      const emb = loaded.layers.find((l) => l.className === "Embedding") as unknown as { maskZero: boolean };
      assert.equal(emb.maskZero, true, name);
      assertAllClose(loaded.predict(x, { verbose: 0 }) as tf.Tensor, before, { what: name });
      assert.deepEqual(maskBefore, [true, true, false, false, true, true, true, true]);
      assert.deepEqual(flat((loaded.apply(x) as tf.Tensor).kerasMask), maskBefore);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
