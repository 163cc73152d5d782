import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface Spec { kind: string; args: Record<string, unknown> }
interface Case {
  name: string; kind: string; args: Record<string, unknown>; x: Arr; initial_state: Arr[]; weights: Arr[]; weight_names: string[]; outputs: Arr[];
}
interface CellCase { kind: string; args: Record<string, unknown>; x: Arr; states: Arr[]; weights: Arr[]; outputs: Arr[] }
/** Reference values from Keras 3.5 (torch backend), by test/fixtures/make_rnn_layers.py. */
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rnn_layers.json", import.meta.url), "utf8")) as {
  cases: Case[]; cell_steps: CellCase[]; summaries: { video: string };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A lamina layer from the fixture's Keras keyword arguments (nested layers and cells included). */
function make(kind: string, args: Record<string, unknown>): tf.layers.Layer {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const nested = k === "layer" || k === "cell";
    opts[camel(k)] = nested ? make((v as Spec).kind, (v as Spec).args) : v;
  }
  const factory = (layers as unknown as Record<string, (o: Record<string, unknown>) => tf.layers.Layer>)[kind];
  return factory(opts);
}

const outputsOf = (y: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(y) ? y : [y]);

test("recurrent layers match Keras 3.5 with fixed weights: SimpleRNN, LSTM, GRU, RNN(cell), Bidirectional (every merge mode), TimeDistributed", () => {
  assert.equal(fixture.cases.length, 28);
  for (const c of fixture.cases) {
    tf.clearSession();
    const layer = make(c.kind, c.args);
    const x = t32(c.x);
    const states = c.initial_state.map(t32);
    const run = (): tf.Tensor[] => outputsOf(layer.apply(x, states.length > 0 ? { initialState: states } as tf.layers.CallOptions : {}) as tf.Tensor | tf.Tensor[]);
    run();
    assert.deepEqual(layer.weights.map((w) => w.name), c.weight_names, `${c.name}: weight names are Keras' paths`);
    layer.setWeights(c.weights.map(t32));
    const ys = run();
    assert.equal(ys.length, c.outputs.length, `${c.name}: number of outputs`);
    ys.forEach((y, i) => assertAllClose(y, c.outputs[i], { rtol: 1e-5, atol: 1e-5, what: `${c.name} output ${i} vs Keras` }));
  }
});

test("cells called on [x, ...states] give Keras' [output, ...new states]", () => {
  for (const c of fixture.cell_steps) {
    tf.clearSession();
    const cell = make(c.kind, c.args);
    const inputs = [t32(c.x), ...c.states.map(t32)];
    cell.apply(inputs);
    cell.setWeights(c.weights.map(t32));
    const ys = cell.apply(inputs) as tf.Tensor[];
    ys.forEach((y, i) => assertAllClose(y, c.outputs[i], { rtol: 1e-5, atol: 1e-5, what: `${c.kind} ${JSON.stringify(c.args)} output ${i}` }));
  }
});

test("initial states given in the input list equal initialState; the list form and the option cannot be mixed", () => {
  const lstm = layers.LSTM(3, { returnState: true });
  const x = tf.random.normal([2, 4, 2], 0, 1, { seed: 1 });
  const h = tf.random.normal([2, 3], 0, 1, { seed: 2 }), c = tf.random.normal([2, 3], 0, 1, { seed: 3 });
  const a = lstm.apply([x, h, c]) as tf.Tensor[];
  const b = lstm.apply(x, { initialState: [h, c] } as tf.layers.CallOptions) as tf.Tensor[];
  a.forEach((t, i) => assert.deepEqual(t.dataSync(), b[i].dataSync()));
  assert.throws(() => lstm.apply([x, h, c], { initialState: [h, c] } as tf.layers.CallOptions), /either after the inputs in one list .* or as initialState, not both/);
  assert.throws(() => lstm.apply([x, h]), /has 2 state\(s\) .* but 1 initial state tensor\(s\) were given; pass \[h, c\]/);
  assert.throws(() => lstm.apply([x, h, tf.zeros([2, 4])]), /initial state 1 must have shape \[2, 3\]/);
});

test("summary() of a Sequential with TimeDistributed(Conv2D), GRU and Bidirectional(LSTM) is Keras 3.5's text, parameter counts included", () => {
  tf.clearSession();
  const model = new tf.models.Sequential([
    layers.Input({ shape: [5, 8, 8, 1] }),
    layers.TimeDistributed(layers.Conv2D(4, 3, { activation: "relu" })),
    layers.TimeDistributed(layers.Flatten()),
    layers.GRU(6, { returnSequences: true }),
    layers.Bidirectional(layers.LSTM(5)),
    layers.Dense(2),
  ], { name: "video" });
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = "200";
  try {
    assert.equal(model.summary(() => {}) + "\n", fixture.summaries.video);
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
  assert.equal(model.countParams(), 3278);
});

test("dropout and recurrentDropout act in training only, with one mask per sequence (Keras' DropoutRNNCell)", () => {
  // Identity kernels, linear activation, no bias: with dropout the output at step t is x_t * mask.
  const rnn = layers.SimpleRNN(3, { activation: "linear", useBias: false, dropout: 0.5, returnSequences: true, seed: 4 });
  const x = tf.add(tf.random.uniform([4, 5, 3], 0, 1, { seed: 5 }), 1);
  rnn.apply(x);
  rnn.setWeights([tf.eye(3), tf.zeros([3, 3])]);
  assert.deepEqual((rnn.apply(x) as tf.Tensor).dataSync(), x.dataSync());
  const ratio = (tf.div(rnn.apply(x, { training: true }) as tf.Tensor, x).arraySync() as number[][][]);
  let dropped = 0;
  for (const sample of ratio) {
    for (let t = 1; t < sample.length; t++) assert.deepEqual(sample[t].map((v) => Math.round(v * 1e5)), sample[0].map((v) => Math.round(v * 1e5)));
    for (const v of sample[0]) {
      assert.ok(Math.abs(v) < 1e-6 || Math.abs(v - 2) < 1e-5, `mask value ${v} is 0 or 1 / (1 - 0.5)`);
      if (Math.abs(v) < 1e-6) dropped++;
    }
  }
  assert.ok(dropped > 0 && dropped < 12, `some but not all of the 12 mask entries drop (${dropped})`);
  // Recurrent dropout: only the first step has input, so h_t = h_(t-1) * mask, the same mask each step.
  const rec = layers.SimpleRNN(2, { activation: "linear", useBias: false, recurrentDropout: 0.5, returnSequences: true, seed: 9 });
  const first = tf.concat([tf.ones([6, 1, 2]), tf.zeros([6, 3, 2])], 1);
  rec.apply(first);
  rec.setWeights([tf.eye(2), tf.eye(2)]);
  const hs = (rec.apply(first, { training: true }) as tf.Tensor).arraySync() as number[][][];
  for (const sample of hs) {
    for (let k = 0; k < 2; k++) {
      const m = sample[1][k];
      assert.ok(Math.abs(sample[2][k] - m * m) < 1e-5 && Math.abs(sample[3][k] - m * m * m) < 1e-4, `h_t = mask^t (mask ${m})`);
    }
  }
  assert.deepEqual((rec.apply(first) as tf.Tensor).arraySync(), [...Array(6)].map(() => [[1, 1], [1, 1], [1, 1], [1, 1]]));
});

test("errors: masks, wrong ranks, no timesteps, bad options", () => {
  assert.throws(() => layers.GRU(4).apply(tf.ones([2, 3, 1]), { mask: tf.ones([2, 4], "bool") }), /GRU gru.*: the mask must have shape \[2, 3\] \(batch, timesteps\)/);
  assert.throws(() => layers.RNN(layers.Dense(2) as never), /cell must be a recurrent cell/);
  assert.throws(() => layers.LSTM(4)(tf.ones([2, 3])), /expects inputs of shape \[batch, timesteps, features\], got \(2, 3\)/);
  assert.throws(() => layers.SimpleRNN(2)(tf.ones([2, 0, 3])), /the sequences have no timesteps/);
  assert.throws(() => layers.LSTM(0), /units must be a positive integer/);
  assert.throws(() => layers.GRU(2, { dropout: 1 }), /dropout must be a number in \[0, 1\)/);
  assert.throws(() => layers.LSTM(2, { returnSequence: true } as never), /unknown option returnSequence/);
  assert.throws(() => layers.Bidirectional(layers.Dense(3) as never), /layer must be a recurrent layer/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(3), { mergeMode: "max" as never }), /mergeMode "max" is not one of/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(3), { backwardLayer: layers.LSTM(3) }), /must differ in goBackwards/);
  assert.throws(() => layers.TimeDistributed(layers.Dense(2))(tf.ones([2, 3])), /at least 3 dimensions/);
  assert.throws(() => layers.LSTM(2)(tf.ones([2, 3, 1], "int32")), /expects float inputs, got int32/);
});

test("RNN runs a custom cell: a running sum as state, twice the sum as output", () => {
  class Accumulate extends layers.RNNCell {
    get stateSize(): readonly number[] {
      return [2];
    }
    step(x: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
      const sum = tf.add(states[0], x);
      return [tf.mul(sum, 2), [sum]];
    }
  }
  const rnn = layers.RNN(new Accumulate(), { returnSequences: true, returnState: true });
  const x = tf.constant([[[1, 2], [3, 4], [5, 6]]], [1, 3, 2], "float32");
  const [seq, state] = rnn.apply(x) as tf.Tensor[];
  assert.deepEqual(seq.arraySync(), [[[2, 4], [8, 12], [18, 24]]]);
  assert.deepEqual(state.arraySync(), [[9, 12]]);
  const back = layers.RNN(new Accumulate(), { goBackwards: true }).apply([x, tf.constant([[10, 10]], [1, 2], "float32")]) as tf.Tensor;
  assert.deepEqual(back.arraySync(), [[38, 44]]);
  const sym = layers.RNN(new Accumulate(), { returnState: true })(layers.Input({ shape: [null, 2] as unknown as number[] })) as unknown as tf.layers.SymbolicTensor[];
  assert.deepEqual(sym.map((t) => t.shape), [[null, 2], [null, 2]]);
});

test("unroll: true needs a known number of timesteps, as Keras 3.5's RNN.call refuses ('Cannot unroll a RNN if the time dimension is undefined')", () => {
  tf.clearSession();
  assert.throws(
    () => layers.LSTM(2, { unroll: true }).apply(layers.Input({ shape: [null, 3] })),
    /LSTM lstm\S*: unroll: true needs a known number of timesteps, but the input shape is \(None, None, 3\)/,
  );
  const fixed = layers.GRU(2, { unroll: true, returnSequences: true }).apply(layers.Input({ shape: [5, 3] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(fixed.shape, [null, 5, 2]);
  const rolled = layers.GRU(2, { unroll: false }).apply(layers.Input({ shape: [null, 3] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(rolled.shape, [null, 2]);
});

test("RNN(cell) takes inputs of any rank from 3 as Keras' RNN (no input spec; the cell is built for (batch,) + shape[2:]); SimpleRNN, LSTM and GRU keep Keras' ndim=3", () => {
  tf.clearSession();
  /** Each step is a [batch, 2, 2] image; the state adds up its pixels; the output is that running total. */
  class PixelTotal extends layers.RNNCell {
    built4: number[] = [];
    get stateSize(): readonly number[] {
      return [1];
    }
    override build(shape: (number | null)[]): void {
      this.built4 = shape.map((n) => n ?? -1);
      this.built = true;
    }
    step(x: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
      const total = tf.add(states[0], tf.sum(x, [1, 2], true).reshape([-1, 1]));
      return [total, [total]];
    }
  }
  const cell = new PixelTotal();
  const rnn = layers.RNN(cell, { returnSequences: true, returnState: true });
  // Sample 0: steps of ones, twos, threes; sample 1: tens.
  const x = tf.concat([
    tf.stack([tf.fill([2, 2], 1, "float32"), tf.fill([2, 2], 2, "float32"), tf.fill([2, 2], 3, "float32")]).expandDims(0),
    tf.fill([1, 3, 2, 2], 10, "float32"),
  ], 0);
  const [seq, state] = rnn.apply(x) as tf.Tensor[];
  assert.deepEqual(cell.built4, [2, 2, 2]);
  assert.deepEqual(seq.arraySync(), [[[4], [12], [24]], [[40], [80], [120]]]);
  assert.deepEqual(state.arraySync(), [[24], [120]]);
  // Masked steps keep the state and repeat the output (zeros before the first step), with the mask's rank fitted to the [batch, 1] outputs.
  const mask = tf.constant([[true, false, true], [false, true, true]], [2, 3], "bool");
  const [mseq, mstate] = layers.RNN(new PixelTotal(), { returnSequences: true, returnState: true }).apply(x, { mask }) as tf.Tensor[];
  assert.deepEqual(mseq.arraySync(), [[[4], [4], [16]], [[0], [40], [80]]]);
  assert.deepEqual(mstate.arraySync(), [[16], [80]]);
  const sym = layers.RNN(new PixelTotal()).apply(layers.Input({ shape: [null, 2, 2] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(sym.shape, [null, 1]);
  assert.throws(() => layers.RNN(new PixelTotal()).apply(tf.ones([2, 3])), /RNN rnn\S*: expects inputs of shape \[batch, timesteps, \.\.\.features\], got \(2, 3\)/);
  assert.throws(() => layers.GRU(2).apply(tf.ones([2, 3, 2, 2])), /GRU gru\S*: expects inputs of shape \[batch, timesteps, features\], got \(2, 3, 2, 2\)/);
});

test("initial states of another dtype are cast to the inputs' (Keras' RNN.call: convert_to_tensor(state, dtype=cell.compute_dtype)), not refused", () => {
  tf.clearSession();
  const lstm = layers.LSTM(2, { kernelInitializer: "ones", recurrentInitializer: "ones" });
  const x = tf.fill([1, 2, 1], 0.5, "float32");
  const h = tf.constant([[1, 0]], [1, 2], "int32"), c = tf.constant([[0, 2]], [1, 2], "int32");
  const fromInt = lstm.apply(x, { initialState: [h, c] }) as tf.Tensor;
  const fromFloat = lstm.apply(x, { initialState: [tf.cast(h, "float32"), tf.cast(c, "float32")] }) as tf.Tensor;
  assert.equal(fromInt.dtype, "float32");
  assert.deepEqual(fromInt.arraySync(), fromFloat.arraySync());
});

test("a first recurrent layer declares sequences of any length with inputShape [null, features], as Keras' input_shape=(None, 28)", () => {
  const model = new tf.models.Sequential([layers.LSTM(2, { inputShape: [null, 3] }), layers.Dense(1)]);
  assert.deepEqual(model.inputs[0].shape, [null, null, 3]);
  // LSTM(2) on 3 features: 4 * 2 * (3 + 2 + 1) = 48 weights, Dense 3.
  assert.equal(model.countParams(), 51);
  assert.deepEqual(model.predict(tf.ones([2, 4, 3])).shape, [2, 1]);
  assert.deepEqual(model.predict(tf.ones([2, 7, 3])).shape, [2, 1]);
});

test("a bad cell option given to SimpleRNN, LSTM or GRU names that layer, not its inner cell", () => {
  assert.throws(() => layers.LSTM({ units: 0 }), /^RangeError: LSTM: units must be a positive integer/);
  assert.throws(() => layers.GRU({ units: 2, dropout: 2, name: "g" }), /^RangeError: GRU g: dropout must be a number in \[0, 1\)/);
  assert.throws(() => layers.SimpleRNN({ units: 2, useBias: "x" as never, name: "s" }), /^TypeError: SimpleRNN s: useBias must be true or false, got "x"$/);
  assert.throws(() => layers.LSTM({ units: 2, unitForgetBias: 1 as never, name: "enc" }), /^TypeError: LSTM enc: unitForgetBias must be true or false, got 1$/);
  // A cell made on its own still names itself.
  assert.throws(() => layers.LSTMCell({ units: 0, name: "c" }), /^RangeError: LSTMCell c: units must be a positive integer/);
});
