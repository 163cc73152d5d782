/*
 * layers.RNN over a cell with nested inputs, outputs and shaped states: keras.io's NestedCell
 * ("Working with RNNs", "RNNs with list/dict inputs, or nested inputs"), with arange weights and
 * inputs whose expected values test/fixtures/make_rnn_nested.py computes in numpy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";

const { layers } = tf;
type Shape = readonly (number | null)[];

interface Run { seq1: number[][][]; seq23: number[][][][]; s1: number[][]; s23: number[][][] }
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rnn_nested.json", import.meta.url), "utf8")) as {
  forward: Run; backward: Run; masked: Run; mask: boolean[][]; from_ones: Run;
};

interface NestedCellArgs extends tf.layers.LayerArgs { unit1?: number; unit2?: number; unit3?: number }

/** The guide's NestedCell: inputs [batch, i1] and [batch, i2, i3], states [unit1] and [unit2, unit3]. */
class NestedCell extends layers.RNNCell {
  readonly unit1: number;
  readonly unit2: number;
  readonly unit3: number;
  kernel1: tf.Variable | null = null;
  kernel23: tf.Variable | null = null;
  constructor(args: NestedCellArgs) {
    super(args);
    this.unit1 = args.unit1!;
    this.unit2 = args.unit2!;
    this.unit3 = args.unit3!;
  }
  get stateSize(): tf.layers.CellSize[] {
    return [[this.unit1], [this.unit2, this.unit3]];
  }
  override get outputSize(): tf.layers.CellSize[] {
    return [[this.unit1], [this.unit2, this.unit3]];
  }
  override build(inputShapes: Shape[]): void {
    const [[, i1], [, i2, i3]] = inputShapes as number[][];
    this.kernel1 = this.addWeight("kernel_1", [i1, this.unit1], { initializer: "random_uniform" });
    this.kernel23 = this.addWeight("kernel_2_3", [i2, i3, this.unit2, this.unit3], { initializer: "random_uniform" });
  }
  step(inputs: tf.Tensor[], states: tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
    const [input1, input2] = inputs;
    const [s1, s2] = states;
    const output1 = tf.matmul(input1, this.kernel1!);
    const output23 = tf.einsum("bij,ijkl->bkl", input2, this.kernel23!);
    return [[output1, output23], [tf.add(s1, output1), tf.add(s2, output23)]];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unit_1: this.unit1, unit_2: this.unit2, unit_3: this.unit3 };
  }
}
tf.serialization.registerKerasSerializable(NestedCell, { package: "RnnNestedTest" });

const [B, T, I1, I2, I3, U1, U2, U3] = [2, 3, 2, 2, 2, 2, 2, 3];
const arange = (n: number, shape: number[], scale: number, dtype: "float32" | "float64" = "float32"): tf.Tensor =>
  tf.div(tf.reshape(tf.range(0, n, 1, dtype), shape), scale);
const x1 = arange(B * T * I1, [B, T, I1], 10);
const x2 = arange(B * T * I2 * I3, [B, T, I2, I3], 10);

/** An RNN over a NestedCell with the fixture's weights (kernel_1 = arange / 10, kernel_2_3 = arange / 100). */
function nestedRNN(opts: tf.layers.RNNLayerArgs = {}, dtype: "float32" | "float64" = "float32"): InstanceType<typeof layers.classes.RNN> {
  const rnn = layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3, dtype }), { ...opts, dtype });
  rnn.buildFor([[null, null, I1], [null, null, I2, I3]]);
  rnn.setWeights([arange(I1 * U1, [I1, U1], 10, dtype), arange(I2 * I3 * U2 * U3, [I2, I3, U2, U3], 100, dtype)]);
  return rnn;
}

const lastStep = <T>(seq: T[][]): T[] => seq.map((s) => s[s.length - 1]);

test("RNN(NestedCell) on two sequences of different ranks: the last outputs, every output and the final states equal numpy's", () => {
  tf.clearSession();
  const f = fixture.forward;
  const [o1, o23] = nestedRNN().apply([x1, x2]) as tf.Tensor[];
  assertAllClose(o1, lastStep(f.seq1), { rtol: 1e-6, what: "output_1 at the last step" });
  assertAllClose(o23, lastStep(f.seq23), { rtol: 1e-6, what: "output_2_3 at the last step" });
  const all = nestedRNN({ returnSequences: true, returnState: true }).apply([x1, x2]) as tf.Tensor[];
  assert.deepEqual(all.map((t) => t.shape), [[B, T, U1], [B, T, U2, U3], [B, U1], [B, U2, U3]]);
  [f.seq1, f.seq23, f.s1, f.s23].forEach((want, i) => assertAllClose(all[i], want, { rtol: 1e-6, what: `returned tensor ${i}` }));

  // The cell alone, called on [input_1, input_2, ...states] at the first step: [output_1, output_2_3, ...new states].
  const cell = nestedRNN().cell;
  const first = [tf.squeeze(tf.slice(x1, [0, 0, 0], [B, 1, I1]), [1]), tf.squeeze(tf.slice(x2, [0, 0, 0, 0], [B, 1, I2, I3]), [1])];
  const stepped = cell.apply([...first, tf.zeros([B, U1]), tf.zeros([B, U2, U3])]) as tf.Tensor[];
  assert.deepEqual(stepped.map((t) => t.shape), [[B, U1], [B, U2, U3], [B, U1], [B, U2, U3]]);
  assertAllClose(stepped[1], f.seq23.map((seq) => seq[0]), { rtol: 1e-6, what: "the cell's output_2_3 at step 0" });
  assertAllClose(stepped[2], f.seq1.map((seq) => seq[0]), { rtol: 1e-6, what: "the cell's state_1 after step 0" });
});

test("goBackwards, a mask and initial states over the nested structure", () => {
  tf.clearSession();
  const b = fixture.backward;
  const back = nestedRNN({ goBackwards: true, returnSequences: true, returnState: true }).apply([x1, x2]) as tf.Tensor[];
  [b.seq1, b.seq23, b.s1, b.s23].forEach((want, i) => assertAllClose(back[i], want, { rtol: 1e-6, what: `backwards, returned tensor ${i}` }));

  const m = fixture.masked;
  const mask = tf.constant(fixture.mask.flat(), [B, T], "bool");
  const masked = nestedRNN({ returnSequences: true, returnState: true }).apply([x1, x2], { mask }) as tf.Tensor[];
  [m.seq1, m.seq23, m.s1, m.s23].forEach((want, i) => assertAllClose(masked[i], want, { rtol: 1e-6, what: `masked, returned tensor ${i}` }));

  const o = fixture.from_ones;
  const ones = [tf.ones([B, U1]), tf.ones([B, U2, U3])];
  const explicit = nestedRNN({ returnState: true }).apply([x1, x2], { initialState: ones }) as tf.Tensor[];
  const inList = nestedRNN({ returnState: true }).apply([x1, x2, ...ones]) as tf.Tensor[];
  for (const got of [explicit, inList]) {
    assertAllClose(got[2], o.s1, { rtol: 1e-6, what: "state_1 from ones" });
    assertAllClose(got[3], o.s23, { rtol: 1e-6, what: "state_2_3 from ones" });
  }
});

test("a stateful nested RNN carries both states across calls until resetStates", () => {
  tf.clearSession();
  const firstHalf = [tf.slice(x1, [0, 0, 0], [B, 2, I1]), tf.slice(x2, [0, 0, 0, 0], [B, 2, I2, I3])];
  const secondHalf = [tf.slice(x1, [0, 2, 0], [B, 1, I1]), tf.slice(x2, [0, 2, 0, 0], [B, 1, I2, I3])];
  const stateful = layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3 }), { stateful: true, returnState: true });
  stateful.buildFor([[B, null, I1], [B, null, I2, I3]]);
  stateful.setWeights(nestedRNN().getWeights());
  assert.deepEqual(stateful.states!.map((s) => s.shape), [[B, U1], [B, U2, U3]]);
  stateful.apply(firstHalf);
  const [, , s1, s23] = stateful.apply(secondHalf) as tf.Tensor[];
  assertAllClose(s1, fixture.forward.s1, { rtol: 1e-6, what: "state_1 after two calls" });
  assertAllClose(s23, fixture.forward.s23, { rtol: 1e-6, what: "state_2_3 after two calls" });
  stateful.resetStates();
  assert.equal(tf.max(tf.abs(stateful.states![1])).item(), 0);
  assert.throws(() => stateful.apply([tf.ones([1, 2, I1]), tf.ones([1, 2, I2, I3])]), /stateful with a batch size of 2, but got a batch of 1/);
});

test("symbolic shapes in a functional model: returnSequences and returnState over nested outputs, and the guide's fit", async () => {
  tf.clearSession();
  const input1 = layers.Input({ shape: [null, I1] });
  const input2 = layers.Input({ shape: [null, I2, I3] });
  const shapes = (opts: tf.layers.RNNLayerArgs): Shape[] =>
    ([] as tf.layers.SymbolicTensor[]).concat(layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3 }), opts).apply([input1, input2]) as tf.layers.SymbolicTensor[]).map((t) => t.shape);
  assert.deepEqual(shapes({}), [[null, U1], [null, U2, U3]]);
  assert.deepEqual(shapes({ returnSequences: true }), [[null, null, U1], [null, null, U2, U3]]);
  assert.deepEqual(shapes({ returnState: true }), [[null, U1], [null, U2, U3], [null, U1], [null, U2, U3]]);

  const outputs = layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3 })).apply([input1, input2]) as tf.layers.SymbolicTensor[];
  const model = new tf.models.Model({ inputs: [input1, input2], outputs });
  model.compile({ optimizer: "adam", loss: "mse" });
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const history = await model.fit([x1, x2], [tf.ones([B, U1]), tf.ones([B, U2, U3])], { batchSize: 2, epochs: 2, verbose: 0 });
  assert.equal(history.history.loss.length, 2);
  model.getWeights().forEach((w, i) => assert.notDeepEqual(w.dataSync(), before[i], `weight ${i} trained`));
});

test("the model with the registered custom cell saves to .keras and loads back predicting the same", async () => {
  tf.clearSession();
  const input1 = layers.Input({ shape: [null, I1] });
  const input2 = layers.Input({ shape: [null, I2, I3] });
  const h1 = layers.Input({ shape: [U1] });
  const h23 = layers.Input({ shape: [U2, U3] });
  const rnn = layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3 }), { returnSequences: true, name: "nested" });
  const outputs = rnn.apply([input1, input2], { initialState: [h1, h23] }) as tf.layers.SymbolicTensor[];
  const model = new tf.models.Model({ inputs: [input1, input2, h1, h23], outputs });
  const config = tf.serialization.serializeLayer(model) as unknown as { config: { layers: { name: string; inbound_nodes: unknown[]; config: Record<string, unknown>; build_config?: unknown }[] } };
  const entry = config.config.layers.find((l) => l.name === "nested")!;
  assert.equal((entry.config.cell as { registered_name: string }).registered_name, "RnnNestedTest>NestedCell");
  assert.deepEqual(Object.keys(entry.build_config as object), ["shapes_dict"]);
  // As Keras writes a call with nested inputs and initial_state: args [[a, b]], kwargs.initial_state [s1, s2].
  const node = entry.inbound_nodes[0] as { args: unknown[][]; kwargs: { initial_state: unknown[] } };
  assert.equal(node.args[0].length, 2);
  assert.equal(node.kwargs.initial_state.length, 2);

  const ins = [x1, x2, tf.ones([B, U1]), tf.ones([B, U2, U3])];
  const before = model.predict(ins) as tf.Tensor[];
  const tmp = mkdtempSync(join(tmpdir(), "lamina-rnn-nested-"));
  try {
    await model.save(join(tmp, "m.keras"));
    tf.clearSession();
    const back = await tf.models.loadModel(join(tmp, "m.keras"));
    const after = back.predict(ins) as tf.Tensor[];
    assert.equal(after.length, 2);
    after.forEach((t, i) => assertAllClose(t, before[i], { rtol: 0, atol: 0 }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // Without initial states Keras writes args [[a, b]] and a one-argument build, input_shape [[...], [...]].
  tf.clearSession();
  const plain = new tf.models.Model({ inputs: [input1, input2], outputs: layers.RNN(new NestedCell({ unit1: U1, unit2: U2, unit3: U3 }), { name: "plain" }).apply([input1, input2]) as tf.layers.SymbolicTensor[] });
  const json = tf.serialization.modelToJSON(plain);
  const plainEntry = (JSON.parse(json) as typeof config).config.layers.find((l) => l.name === "plain")!;
  assert.deepEqual(plainEntry.build_config, { input_shape: [[null, null, I1], [null, null, I2, I3]] });
  const plainNode = plainEntry.inbound_nodes[0] as { args: unknown[][]; kwargs: Record<string, unknown> };
  assert.equal(plainNode.args[0].length, 2);
  assert.deepEqual(plainNode.kwargs, { training: false });
  const rebuilt = tf.models.modelFromJSON(json);
  rebuilt.setWeights(plain.getWeights());
  const [p1, p23] = plain.predict([x1, x2]) as tf.Tensor[];
  const [r1, r23] = rebuilt.predict([x1, x2]) as tf.Tensor[];
  assertAllClose(r1, p1, { rtol: 0, atol: 0 });
  assertAllClose(r23, p23, { rtol: 0, atol: 0 });
});

test("gradients through time (both inputs, both initial states, both kernels) equal float64 finite differences", () => {
  tf.clearSession();
  const rnn = nestedRNN({ returnSequences: true, returnState: true }, "float64");
  const a = tf.random.normal([B, T, I1], 0, 1, { dtype: "float64", seed: 1 });
  const b = tf.random.normal([B, T, I2, I3], 0, 1, { dtype: "float64", seed: 2 });
  const s1 = tf.random.normal([B, U1], 0, 1, { dtype: "float64", seed: 3 });
  const s23 = tf.random.normal([B, U2, U3], 0, 1, { dtype: "float64", seed: 4 });
  // A nonlinear loss of every returned tensor, so each one's gradient matters.
  const loss = (ys: tf.Tensor[]): tf.Tensor => ys.map((y, i) => tf.sum(tf.tanh(tf.mul(y, i + 1)))).reduce((p, q) => tf.add(p, q));
  checkGradients((ai, bi, si, ti) => loss(rnn.apply([ai, bi], { initialState: [si, ti] }) as tf.Tensor[]), [a, b, s1, s23]);
  checkVariableGradients(() => loss(rnn.apply([a, b]) as tf.Tensor[]), rnn.trainableWeights);
});

/** A cell declaring two outputs and two states that returns what `ret` gives, for the error checks. */
class Faulty extends layers.RNNCell {
  constructor(readonly ret: (x: tf.Tensor[], s: tf.Tensor[]) => [tf.Tensor | tf.Tensor[], tf.Tensor[]]) {
    super({});
  }
  get stateSize(): tf.layers.CellSize[] {
    return [2, [2, 3]];
  }
  override get outputSize(): tf.layers.CellSize[] {
    return [2, [2, 3]];
  }
  step(x: tf.Tensor[], s: tf.Tensor[]): [tf.Tensor | tf.Tensor[], tf.Tensor[]] {
    return this.ret(x, s);
  }
}

test("clear errors for structures that do not match: outputs, states, sequences, initial states, built-in cells", () => {
  tf.clearSession();
  const a = tf.ones([1, 3, 2]), b = tf.ones([1, 3, 2, 2]);
  const s = [tf.zeros([1, 2]), tf.zeros([1, 2, 3])];
  assert.throws(() => layers.RNN(new Faulty((_x, st) => [st[0], st])).apply([a, b]), /RNN rnn\S*: the cell's step returned 1 output\(s\) but it declares 2 \(outputSize \[batch, 2\], \[batch, 2, 3\]\)/);
  assert.throws(() => layers.RNN(new Faulty((_x, st) => [st, [st[0]]])).apply([a, b]), /the cell's step returned 1 state\(s\) but it declares 2 \(stateSize/);
  assert.throws(
    () => layers.RNN(new Faulty((_x, st) => [[st[0], tf.zeros([1, 3, 2])], st])).apply([a, b]),
    /the cell's step returned output 1 of shape \(1, 3, 2\), but its outputSize says \[1, 2, 3\]/,
  );
  const ok = (): Faulty => new Faulty((_x, st) => [st, st]);
  assert.throws(() => layers.RNN(ok()).apply([a, tf.ones([1, 4, 2, 2])]), /the input sequences must share the batch size and the number of timesteps, got \(1, 3, 2\), \(1, 4, 2, 2\)/);
  assert.throws(() => layers.RNN(ok()).apply([a, b], { initialState: [s[0]] }), /the cell has 2 state\(s\) \(\[batch, 2\], \[batch, 2, 3\]\) but 1 initial state tensor\(s\) were given; pass one per state/);
  assert.throws(() => layers.RNN(ok()).apply([a, b], { initialState: [s[0], tf.zeros([1, 3, 2])] }), /initial state 1 must have shape \[1, 2, 3\] \(batch, \.\.\.size\), got \(1, 3, 2\)/);
  // The last entries are read as initial states only with the states' shapes: here b is not one.
  assert.throws(() => layers.RNN(ok()).apply([a, tf.ones([1, 2])]), /input 1 has shape \(1, 2\), but the 2 inputs of the call are read as sequences \[batch, timesteps, \.\.\.features\]/);
  const built = layers.RNN(ok());
  built.apply([a, b]);
  assert.throws(() => built.apply(a), /was built for 2 input sequence\(s\) but is called on 1/);
  // Keras' cells take one sequence; their states are vectors.
  assert.throws(() => layers.LSTM(2).apply([a, a], { initialState: [tf.zeros([1, 2]), tf.zeros([1, 2])] }), /not both/);
  assert.throws(() => layers.Bidirectional(layers.RNN(ok())), /Bidirectional \S+: wraps recurrent layers whose cell has one output and states of shape \[batch, size\]/);
  assert.throws(() => layers.StackedRNNCells([layers.LSTMCell(2), ok()]), /cells\[1\] \(Faulty \S+\) has states or outputs that are not vectors/);
  class BadSize extends layers.RNNCell {
    get stateSize(): tf.layers.CellSize[] {
      return [[2, 0]];
    }
    step(x: tf.Tensor, st: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
      return [x, st];
    }
  }
  assert.throws(() => layers.RNN(new BadSize({})), /BadSize \S+: stateSize\[0\] must be a positive integer or a shape of them .* got \[2, ?0\]/);
  class Listy extends layers.RNNCell {
    get stateSize(): number[] {
      return [2];
    }
    step(_x: tf.Tensor, st: tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
      return [[st[0], st[0]], st];
    }
  }
  assert.throws(() => layers.RNN(new Listy({})).apply(a), /Listy \S+: step returned a list of 2 outputs but outputSize \(2\) declares one/);
});

test("in a functional model, the first sequence's mask (from Masking) skips steps of the whole structure and is passed on to every output", () => {
  tf.clearSession();
  /** Running sums of both inputs: state and output [batch, 2] and [batch, 1, 2]. */
  class Sums extends layers.RNNCell {
    get stateSize(): tf.layers.CellSize[] {
      return [2, [1, 2]];
    }
    override get outputSize(): tf.layers.CellSize[] {
      return [2, [1, 2]];
    }
    step(x: tf.Tensor[], s: tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
      const a = tf.add(s[0], x[0]);
      const b = tf.add(s[1], tf.reshape(x[1], [-1, 1, 2]));
      return [[a, b], [a, b]];
    }
  }
  const in1 = layers.Input({ shape: [3, 2] }), in2 = layers.Input({ shape: [3, 2] });
  const masked = layers.Masking({ maskValue: 0 }).apply(in1) as tf.layers.SymbolicTensor;
  const outs = layers.RNN(new Sums({}), { returnSequences: true }).apply([masked, in2]) as tf.layers.SymbolicTensor[];
  assert.deepEqual(outs.map((o) => [o.shape, o.kerasMask?.shape]), [[[null, 3, 2], [null, 3]], [[null, 3, 1, 2], [null, 3]]]);
  const model = new tf.models.Model({ inputs: [in1, in2], outputs: outs });
  const a = tf.constant([[[1, 1], [0, 0], [2, 2]]], [1, 3, 2], "float32");
  const b = tf.constant([[[1, 2], [3, 4], [5, 6]]], [1, 3, 2], "float32");
  const [o1, o2] = model.predict([a, b]) as tf.Tensor[];
  // Step 1 is masked (a's zeros): both outputs repeat step 0's and the sums skip b's [3, 4].
  assert.deepEqual(o1.arraySync(), [[[1, 1], [1, 1], [3, 3]]]);
  assert.deepEqual(o2.arraySync(), [[[[1, 2]], [[1, 2]], [[6, 8]]]]);
});
