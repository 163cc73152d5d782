/*
 * StackedRNNCells against Keras 3.5 (test/fixtures/rnn_stateful.json and
 * test/fixtures/keras_files/by_keras/rnn_stacked.keras, by test/fixtures/make_rnn_stateful.py).
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
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rnn_stateful.json", import.meta.url), "utf8")) as {
  stacked: { x: Arr; weights: Arr[]; weight_names: string[]; outputs: Arr[] };
  stacked_config: Record<string, unknown>;
  stacked_model: { weights: { path: string; shape: number[] }[]; x: Arr; predictions: Arr };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const close = { rtol: 1e-5, atol: 1e-6 };

test("RNN(StackedRNNCells([LSTMCell, SimpleRNNCell, GRUCell])) matches Keras 3.5 with fixed weights: Keras' weight paths and order, sequences and every cell's final states", () => {
  tf.clearSession();
  const f = fixture.stacked;
  const rnn = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.SimpleRNNCell(2), layers.GRUCell(2)]), { returnSequences: true, returnState: true });
  const x = t32(f.x);
  rnn.apply(x);
  assert.deepEqual(rnn.weights.map((w) => w.name), f.weight_names);
  rnn.setWeights(f.weights.map(t32));
  const ys = rnn.apply(x) as tf.Tensor[];
  // Keras nests the states per cell ([h, c], h, h); lamina returns them flat in the same order.
  assert.equal(ys.length, f.outputs.length);
  ys.forEach((y, i) => assertAllClose(y, f.outputs[i], { ...close, what: `output ${i}` }));
  // The states given back as initial states continue the sequence as one longer one would.
  const [, ...states] = ys;
  const again = rnn.apply(x, { initialState: states }) as tf.Tensor[];
  assert.deepEqual(again[0].shape, [2, 4, 2]);
});

test("a cell called directly on [x, ...states] and a list of cells in RNN are StackedRNNCells", () => {
  tf.clearSession();
  const stacked = layers.StackedRNNCells([layers.SimpleRNNCell(2), layers.SimpleRNNCell(1)]);
  assert.deepEqual([...stacked.stateSize], [2, 1]);
  assert.equal(stacked.outputSize, 1);
  const [out, h1, h2] = stacked.apply([tf.ones([1, 3]), tf.zeros([1, 2]), tf.zeros([1, 1])]) as tf.Tensor[];
  const [k1, r1, b1, k2, r2, b2] = stacked.getWeights().map((w) => w.dataSync() as Float32Array);
  assert.equal(r1.length + r2.length, 5);
  // By hand: h1 = tanh(ones @ k1 + b1) (the previous states are zero), h2 = tanh(h1 @ k2 + b2).
  const h1Want = [0, 1].map((j) => Math.tanh(k1[j] + k1[2 + j] + k1[4 + j] + b1[j]));
  const h2Want = Math.tanh(h1Want[0] * k2[0] + h1Want[1] * k2[1] + b2[0]);
  assertAllClose(h1, [h1Want], { ...close, what: "first cell's state" });
  assertAllClose(h2, [[h2Want]], { ...close, what: "second cell's state" });
  assertAllClose(out, [[h2Want]], { ...close, what: "output: the last cell's" });
  const rnn = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)]);
  assert.equal(rnn.cell.className, "StackedRNNCells");
  assert.deepEqual((rnn.apply(tf.ones([2, 5, 4])) as tf.Tensor).shape, [2, 3]);
});

test("Keras 3.5's serialized RNN([LSTMCell, GRUCell]) loads and serializes back unchanged; configs round-trip with weights built", () => {
  tf.clearSession();
  const keras = fixture.stacked_config;
  const back = tf.serialization.deserializeLayer(keras) as InstanceType<typeof layers.classes.RNN>;
  assert.equal(back.cell.className, "StackedRNNCells");
  assert.deepEqual(tf.serialization.serializeLayer(back), keras);
  const made = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], { returnSequences: true, name: "stacked_rnn" });
  const cellNames = (c: unknown): string[] => (c as { config: { cells: { config: { name: string } }[] } }).config.cells.map((x) => x.config.name);
  const mine = tf.serialization.serializeLayer(made) as { config: Record<string, unknown> };
  const theirs = keras as { config: Record<string, unknown> };
  // The cells' auto names depend on how many cells the session made before; the rest is Keras'.
  assert.deepEqual({ ...mine.config, cell: null }, { ...theirs.config, cell: null });
  assert.deepEqual(cellNames(mine.config.cell).map((n) => n.replace(/_\d+$/, "")), ["lstm_cell", "gru_cell"]);
  made.apply(tf.ones([2, 3, 4]));
  const config = tf.serialization.serializeLayer(made);
  const again = tf.layers.Layer.fromConfig(config as unknown as Record<string, unknown>);
  assert.deepEqual(tf.serialization.serializeLayer(again), config);
  assert.deepEqual(again.weights.map((w) => w.shape), made.weights.map((w) => w.shape));
});

test("rnn_stacked.keras, saved by Keras 3.5, loads with its weights at Keras' paths and predicts as Keras; lamina's .keras and .h5 load back the same", async () => {
  tf.clearSession();
  const want = fixture.stacked_model;
  const model = await tf.models.loadModel("test/fixtures/keras_files/by_keras/rnn_stacked.keras");
  // The fixture has the saved model's paths (rnn_1/stacked_rnn_cells_2/lstm_cell_2/kernel); Keras'
  // loaded model builds each cell from its build_config before the RNN takes it: lstm_cell_2/kernel.
  const loadedByKeras = (p: string): string => p.replace(/^rnn_\d+\/stacked_rnn_cells_\d+\//, "");
  assert.deepEqual(model.weights.map((w) => [w.name, [...w.shape]]), want.weights.map((w) => [loadedByKeras(w.path), w.shape]));
  const x = t32(want.x);
  const y = model.predict(x) as tf.Tensor;
  assertAllClose(y, want.predictions, { ...close, what: "predictions vs Keras" });
  const tmp = mkdtempSync(join(tmpdir(), "lamina-stacked-"));
  try {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(tmp, name));
      tf.clearSession();
      const back = await tf.models.loadModel(join(tmp, name));
      assert.deepEqual((back.predict(x) as tf.Tensor).dataSync(), y.dataSync(), name);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("StackedRNNCells trains through time and draws each cell's dropout masks once per sequence", () => {
  tf.clearSession();
  tf.random.setSeed(3);
  const cells = [layers.LSTMCell(3, { dropout: 0.5, recurrentDropout: 0.5, seed: 1 }), layers.SimpleRNNCell(2, { dropout: 0.5, seed: 2 })];
  const model = new tf.models.Sequential([layers.Input({ shape: [5, 2] }), layers.RNN(cells)]);
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  const x = tf.random.normal([4, 5, 2]);
  const y = tf.random.normal([4, 2]);
  const before = model.getWeights().map((w) => w.dataSync().slice());
  model.trainOnBatch(x, y);
  const after = model.getWeights().map((w) => w.dataSync());
  after.forEach((w, i) => assert.ok(w.some((v, j) => v !== before[i][j]), `weight ${i} changed`));
  // In training mode, one step function per sequence: from the same states and the same input it
  // gives the same output at any timestep only if every cell's masks stay fixed over the sequence.
  const stacked = (model.layers[0] as InstanceType<typeof layers.classes.RNN>).cell;
  const zeros = stacked.stateSize.map((n) => tf.zeros([4, n as number]));
  const seq = stacked.sequence(tf.tile(tf.ones([1, 1, 2]), [4, 5, 1]), zeros, true);
  const [first, second] = tf.unstack(seq.inputs, 1);
  const [a] = seq.step(first, zeros);
  const [b] = seq.step(second, zeros);
  assert.deepEqual(a.dataSync(), b.dataSync());
});

test("StackedRNNCells errors name the fault", () => {
  assert.throws(() => layers.StackedRNNCells([]), /StackedRNNCells .*: cells must be a non-empty list of recurrent cells/);
  assert.throws(() => layers.StackedRNNCells([layers.LSTMCell(2), layers.Dense(2) as never]), /cells\[1\] must be a recurrent cell .* got/);
  const s = layers.StackedRNNCells([layers.LSTMCell(2), layers.GRUCell(1)]);
  assert.throws(() => s.apply([tf.ones([1, 3]), tf.zeros([1, 2])]), /a cell is called on \[inputs, \.\.\.states\] with 3 state tensor\(s\)/);
  assert.throws(() => layers.RNN([layers.LSTMCell(2)]).apply(tf.ones([1, 2, 3]), { initialState: [tf.zeros([1, 2])] }), /the cell has 2 state\(s\)/);
});

test("the bottom cell of a stack is built for the whole step shape, as Keras' StackedRNNCells.build: a custom cell over [batch, 2, 2] steps under a SimpleRNNCell", () => {
  tf.clearSession();
  class PixelTotal extends layers.RNNCell {
    seen: (number | null)[] = [];
    get stateSize(): readonly number[] {
      return [1];
    }
    override build(shape: (number | null)[]): void {
      this.seen = [...shape];
      this.built = true;
    }
    step(x: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
      const total = tf.add(states[0], tf.reshape(tf.sum(x, [1, 2]), [-1, 1]));
      return [total, [total]];
    }
  }
  const bottom = new PixelTotal();
  const top = layers.SimpleRNNCell(1, { activation: "linear", kernelInitializer: "ones", recurrentInitializer: "zeros" });
  const rnn = layers.RNN([bottom, top], { returnSequences: true });
  const y = rnn.apply(tf.ones([1, 3, 2, 2])) as tf.Tensor;
  assert.deepEqual(bottom.seen, [1, 2, 2]);
  assert.deepEqual(top.kernel!.shape, [1, 1]);
  // The top cell passes the running totals 4, 8, 12 through (kernel 1, no recurrence, zero bias).
  assert.deepEqual(y.arraySync(), [[[4], [8], [12]]]);
});
