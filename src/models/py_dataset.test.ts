/**
 * utils.PyDataset read by fit, evaluate and predict as Keras' PyDatasetAdapter reads one; the
 * expected weights and losses are plain-JavaScript gradient descent on the same batches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, utils } = tf;

// 6 samples of 2 features, targets of a Dense(1): 3 batches of 2.
const X = [[0.5, -1], [1.5, 0.25], [-0.75, 2], [0.1, 0.3], [1, 1], [-0.2, 0.6]];
const Y = [1, -0.5, 2, 0.25, 0.75, -1];
const W0 = [0.3, -0.2], B0 = 0.1, LR = 0.1, BATCH = 2;

const rows = (k: number): number[] => [k * BATCH, k * BATCH + 1];

class Batches extends utils.PyDataset {
  order: number[] = [];
  begins = 0;
  ends = 0;
  constructor(private readonly n = 3, args?: tf.utils.PyDatasetArgs) { super(args); }
  get length(): number { return this.n; }
  getItem(k: number): tf.Tensor[] | Promise<tf.Tensor[]> {
    this.order.push(k);
    const idx = rows(k % 3);
    return [tf.constant(idx.map((i) => X[i])), tf.constant(idx.map((i) => [Y[i]]))];
  }
  override onEpochBegin(): void { this.begins++; }
  override onEpochEnd(): void { this.ends++; }
}

function model(): tf.models.Model {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.setWeights([tf.constant([[W0[0]], [W0[1]]]), tf.constant([B0])]);
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: LR }) });
  return m;
}

/** SGD on mean squared error over the batches in `order`, by hand: the weights after, and each batch's loss before its step. */
function handTrain(order: number[], w = [...W0], b = B0): { w: number[]; b: number; losses: number[] } {
  const losses: number[] = [];
  for (const k of order) {
    const idx = rows(k);
    const err = idx.map((i) => X[i][0] * w[0] + X[i][1] * w[1] + b - Y[i]);
    losses.push(err.reduce((s, e) => s + e * e, 0) / idx.length);
    const g = [0, 1].map((j) => (2 / idx.length) * idx.reduce((s, i, r) => s + err[r] * X[i][j], 0));
    const gb = (2 / idx.length) * err.reduce((s, e) => s + e, 0);
    w = [w[0] - LR * g[0], w[1] - LR * g[1]];
    b -= LR * gb;
  }
  return { w, b, losses };
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

function assertWeights(m: tf.models.Model, w: number[], b: number): void {
  const [kernel, bias] = m.getWeights().map((t) => Array.from(t.dataSync(), Number));
  [...kernel, ...bias].forEach((v, i) => assert.ok(Math.abs(v - [...w, b][i]) < 1e-5, `weight ${i}: ${v} vs ${[...w, b][i]}`));
}

test("fit on a PyDataset with shuffle false trains on batches 0, 1, 2 each epoch: the weights and per-epoch losses of hand-computed SGD, and the same as fit on the tensors", async () => {
  const m = model();
  const ds = new Batches();
  const h = await m.fit(ds, { epochs: 2, shuffle: false, verbose: 0 });
  assert.deepEqual(ds.order, [0, 1, 2, 0, 1, 2]);
  const e1 = handTrain([0, 1, 2]);
  const e2 = handTrain([0, 1, 2], e1.w, e1.b);
  assertWeights(m, e2.w, e2.b);
  // Equal batch sizes: the epoch's loss is the mean of its batches' losses.
  assert.ok(Math.abs(h.history.loss[0] - mean(e1.losses)) < 1e-6);
  assert.ok(Math.abs(h.history.loss[1] - mean(e2.losses)) < 1e-6);
  const onTensors = model();
  await onTensors.fit(tf.constant(X), tf.constant(Y.map((y) => [y])), { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 });
  const a = m.getWeights().map((t) => Array.from(t.dataSync(), Number)), b = onTensors.getWeights().map((t) => Array.from(t.dataSync(), Number));
  a.flat().forEach((v, i) => assert.ok(Math.abs(v - b.flat()[i]) < 1e-6));
});

test("fit shuffles a PyDataset's batch order each epoch by default (seeded): every epoch a permutation, epochs differ, the same seed repeats them, and training follows that order", async () => {
  const run = async (): Promise<{ order: number[]; m: tf.models.Model }> => {
    tf.random.setSeed(7);
    const m = model();
    const ds = new Batches(6 / BATCH);
    await m.fit(ds, { epochs: 4, verbose: 0 });
    return { order: ds.order, m };
  };
  const { order, m } = await run();
  const epochs = [0, 1, 2, 3].map((e) => order.slice(e * 3, e * 3 + 3));
  for (const e of epochs) assert.deepEqual([...e].sort(), [0, 1, 2]);
  assert.ok(new Set(epochs.map((e) => e.join())).size > 1, `every epoch in the same order ${epochs.join(" | ")}`);
  assert.deepEqual((await run()).order, order);
  const hand = handTrain(order);
  assertWeights(m, hand.w, hand.b);
});

test("onEpochBegin/onEpochEnd: once per fit epoch (also with stepsPerEpoch), once per evaluate, predict and validation run", async () => {
  const m = model();
  const train = new Batches(), val = new Batches();
  await m.fit(train, { epochs: 3, verbose: 0, validationData: val });
  assert.deepEqual([train.begins, train.ends], [3, 3]);
  assert.deepEqual([val.begins, val.ends], [3, 3]);
  assert.deepEqual(val.order, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const stepped = new Batches(6, {});
  await model().fit(stepped, { epochs: 3, stepsPerEpoch: 2, shuffle: false, verbose: 0 });
  // One pass read on across epochs (Keras' steps_per_epoch), the hooks still per epoch.
  assert.deepEqual(stepped.order, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([stepped.begins, stepped.ends], [3, 3]);
  const ev = new Batches();
  await m.evaluate(ev, { verbose: 0 });
  assert.deepEqual([ev.order, ev.begins, ev.ends], [[0, 1, 2], 1, 1]);
  const pr = new Batches();
  await m.predict(pr, { steps: 2 });
  assert.deepEqual([pr.order, pr.begins, pr.ends], [[0, 1], 1, 1]);
});

test("evaluate and predict on a PyDataset read its batches in index order: the hand-computed loss and outputs", async () => {
  const m = model();
  const loss = await m.evaluate(new Batches(), { verbose: 0 });
  const err = X.map((x, i) => x[0] * W0[0] + x[1] * W0[1] + B0 - Y[i]);
  assert.ok(Math.abs((loss as number) - mean(err.map((e) => e * e))) < 1e-6);
  const two = await m.evaluate(new Batches(), { verbose: 0, steps: 2 });
  assert.ok(Math.abs((two as number) - mean(err.slice(0, 4).map((e) => e * e))) < 1e-6);
  const out = await m.predict(new Batches());
  assert.deepEqual(out.shape, [6, 1]);
  Array.from(out.dataSync(), Number).forEach((v, i) => assert.ok(Math.abs(v - (X[i][0] * W0[0] + X[i][1] * W0[1] + B0)) < 1e-6));
});

test("validationData as a PyDataset: val_loss is the loss of the epoch's final weights on it, computed by hand; validationSteps reads its first batches", async () => {
  const m = model();
  const h = await m.fit(new Batches(), { epochs: 1, shuffle: false, verbose: 0, validationData: new Batches(), validationSteps: 2 });
  const { w, b } = handTrain([0, 1, 2]);
  const val = mean([0, 1, 2, 3].map((i) => (X[i][0] * w[0] + X[i][1] * w[1] + b - Y[i]) ** 2));
  assert.ok(Math.abs(h.history.val_loss[0] - val) < 1e-6, `${h.history.val_loss[0]} vs ${val}`);
});

test("fit's progress bar knows a PyDataset's steps from its length", async () => {
  const seen: (number | null | undefined)[] = [];
  class Probe extends tf.callbacks.Callback {
    override onTrainBegin(): void { seen.push(this.params.steps); }
  }
  await model().fit(new Batches(), { epochs: 1, verbose: 0, callbacks: [new Probe()] });
  await model().fit(new Batches(), { epochs: 1, verbose: 0, stepsPerEpoch: 2, callbacks: [new Probe()] });
  assert.deepEqual(seen, [3, 2]);
});

test("an async getItem with workers > 1: at most `workers` calls at once, at most maxQueueSize requested ahead, batches yielded in index order", async () => {
  let running = 0, maxRunning = 0;
  const started: number[] = [];
  class Slow extends Batches {
    consumed = 0;
    maxAhead = 0;
    override async getItem(k: number): Promise<tf.Tensor[]> {
      started.push(k);
      this.maxAhead = Math.max(this.maxAhead, started.length - this.consumed);
      running++;
      maxRunning = Math.max(maxRunning, running);
      // Later batches finish first, so an unordered reader would yield them out of order.
      await new Promise((r) => setTimeout(r, 20 - 3 * k));
      running--;
      return super.getItem(k);
    }
  }
  const ds = new Slow(3, { workers: 2, maxQueueSize: 2 });
  class Count extends tf.callbacks.Callback {
    override onTrainBatchEnd(): void { ds.consumed++; }
  }
  const m = model();
  await m.fit(ds, { epochs: 2, shuffle: false, verbose: 0, callbacks: [new Count()] });
  assert.equal(maxRunning, 2);
  assert.ok(ds.maxAhead <= 3, `read ${ds.maxAhead} ahead (queue 2 plus the batch training)`);
  const e1 = handTrain([0, 1, 2]);
  const e2 = handTrain([0, 1, 2], e1.w, e1.b);
  assertWeights(m, e2.w, e2.b);
});

test("Keras' nested form [[x1, x2], y] feeds a model of two inputs; utils.Sequence is the same class", async () => {
  assert.equal(utils.Sequence, utils.PyDataset);
  const a = layers.Input({ shape: [1] }), c = layers.Input({ shape: [1] });
  const out = layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" })(layers.Concatenate()([a, c]));
  const m = new models.Model({ inputs: [a, c], outputs: out });
  m.compile({ loss: "mse", optimizer: "sgd" });
  class Two extends utils.Sequence {
    readonly length = 1;
    async getItem(): Promise<tf.utils.PyDatasetBatch> {
      const f = (v: number[][]): tf.Tensor => tf.constant(v, undefined, "float32");
      return [[f([[1], [2]]), f([[3], [4]])], f([[4], [5]])];
    }
  }
  // x1 + x2 - y = [0, 1]: mse 0.5.
  assert.ok(Math.abs((await m.evaluate(new Two(), { verbose: 0 }) as number) - 0.5) < 1e-6);
});

test("a PyDataset refuses what Keras refuses (y, sampleWeight, validationSplit), and useMultiprocessing", async () => {
  const m = model();
  const ds = new Batches();
  await assert.rejects(m.fit(ds, tf.constant(Y) as never), /fit: y cannot be given with a dataset/);
  await assert.rejects(m.fit(ds, { sampleWeight: [1, 1, 1, 1, 1, 1] }), /fit: sampleWeight cannot be combined with a dataset/);
  await assert.rejects(m.fit(ds, { validationSplit: 0.2 }), /validationSplit cannot split a dataset/);
  await assert.rejects(m.evaluate(ds, { sampleWeight: [1] } as never), /evaluate: sampleWeight cannot be combined/);
  assert.throws(() => new Batches(3, { useMultiprocessing: true }), /useMultiprocessing is not supported by lamina/);
  assert.throws(() => new Batches(3, { workers: -1 }), /workers must be a whole number >= 0/);
  assert.throws(() => new Batches(3, { maxQueueSize: 0 }), /maxQueueSize must be a whole number >= 1/);
  assert.throws(() => new Batches(3, { batchSize: 2 } as never), /Batches: unknown option\(s\) batchSize/);
  // Set after construction, as Keras' setters allow: checked when read.
  const later = new Batches();
  later.useMultiprocessing = true;
  await assert.rejects(m.evaluate(later, { verbose: 0 }), /Batches: useMultiprocessing is not supported/);
  await assert.rejects(m.fit(new Batches(2.5), { verbose: 0 }), /Batches: length must be the number of batches/);
  assert.ok(ds.order.length === 0, "no batch read before the refusals");
});

test("a getItem returning the wrong structure is named by class and index", async () => {
  class Bad extends utils.PyDataset {
    readonly length = 3;
    getItem(k: number): tf.utils.PyDatasetBatch {
      if (k === 0) return [tf.ones([2, 2]), tf.ones([2, 1])];
      if (k === 1) return 5 as never;
      return [tf.ones([2, 2]), tf.ones([2, 1]), tf.ones([2]), tf.ones([2])];
    }
  }
  const m = model();
  await assert.rejects(m.fit(new Bad(), { shuffle: false, verbose: 0 }), /utils\.PyDataset: Bad\.getItem\(1\) returned number 5; it must return one batch as x, \[x, y\] or \[x, y, sampleWeight\]/);
  class Four extends Bad {
    override getItem(): tf.utils.PyDatasetBatch { return [tf.ones([2, 2]), tf.ones([2, 1]), tf.ones([2]), tf.ones([2])]; }
  }
  await assert.rejects(m.evaluate(new Four(), { verbose: 0 }), /evaluate: Four\.getItem\(0\) returned 4 tensors; it must return a batch \[x, y\] or \[x, y, sampleWeight\]/);
  await assert.rejects(m.predict(new Four()), /predict: Four\.getItem\(0\) returned 4 tensors/);
});

test("an endless PyDataset (length Infinity) needs stepsPerEpoch / steps, and is read in order", async () => {
  class Endless extends Batches {
    override get length(): number { return Infinity; }
    override getItem(k: number): tf.Tensor[] | Promise<tf.Tensor[]> { return super.getItem(k % 3); }
  }
  const m = model();
  await assert.rejects(m.fit(new Endless(), { verbose: 0 }), /fit: Endless\.length is Infinity .* pass stepsPerEpoch/);
  await assert.rejects(m.evaluate(new Endless(), { verbose: 0 }), /evaluate: Endless\.length is Infinity/);
  const ds = new Endless();
  await m.fit(ds, { epochs: 2, stepsPerEpoch: 3, verbose: 0 });
  assert.deepEqual(ds.order, [0, 1, 2, 0, 1, 2]);
  const e1 = handTrain([0, 1, 2]);
  const e2 = handTrain([0, 1, 2], e1.w, e1.b);
  assertWeights(m, e2.w, e2.b);
});
