import { test } from "node:test";
import assert from "node:assert/strict";
import { constant } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { timeseriesDatasetFromArray, timeseriesStartPositions } from "./timeseries_dataset.js";
import { specText } from "./tensor_spec.js";

const range = (n: number, step = 1, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i * step);
const values = (t: Tensor): number[] => Array.from(t.dataSync() as Float32Array, Number);

test("timeseriesDatasetFromArray: Keras' docstring example 1 (indices 0..98, length 10, rate 2, stride 3)", async () => {
  const data = constant(range(99), [99]);
  const ds = timeseriesDatasetFromArray(data, null, { sequenceLength: 10, samplingRate: 2, sequenceStride: 3, batchSize: null });
  const windows = (await ds.toArray()) as Tensor[];
  // Keras' docstring: 27 windows, first [0 2 .. 18], second [3 5 .. 21], third [6 .. 24], last [78 .. 96].
  assert.equal(windows.length, 27);
  assert.deepEqual(windows[0].shape, [10]);
  assert.deepEqual(values(windows[0]), range(10, 2, 0));
  assert.deepEqual(values(windows[1]), range(10, 2, 3));
  assert.deepEqual(values(windows[2]), range(10, 2, 6));
  assert.deepEqual(values(windows[26]), range(10, 2, 78));
});

test("timeseriesDatasetFromArray: Keras' docstring example 2, targets[i] goes with the window starting at data[i]", async () => {
  const series = range(30, 1.5);
  const ds = timeseriesDatasetFromArray(constant(series.slice(0, -10), [20]), constant(series.slice(10), [20]), { sequenceLength: 10 });
  const batches = (await ds.toArray()) as Tensor[][];
  assert.equal(batches.length, 1); // 20 - 9 = 11 windows, one batch of 128
  const [x, y] = batches[0];
  assert.deepEqual(x.shape, [11, 10]);
  assert.deepEqual(y.shape, [11]);
  assert.deepEqual(values(x).slice(0, 10), series.slice(0, 10));
  assert.deepEqual(values(x).slice(100, 110), series.slice(10, 20));
  assert.deepEqual(values(y), series.slice(10, 21));
});

test("timeseriesDatasetFromArray: startIndex/endIndex, 2-d steps, batches (numpy reference)", async () => {
  const data = constant(range(40), [20, 2], "int32");
  const targets = constant(range(20, 10), [20], "int32");
  const ds = timeseriesDatasetFromArray(data, targets, { sequenceLength: 4, samplingRate: 2, sequenceStride: 2, startIndex: 3, endIndex: 15, batchSize: 2 });
  const batches = (await ds.toArray()) as Tensor[][];
  // numpy: data[3:15][arange(q, q + 8, 2)] for q in arange(0, 6, 2); targets[3:15][q]
  assert.deepEqual(batches.map(([x]) => x.shape), [[2, 4, 2], [1, 4, 2]]);
  assert.equal(batches[0][0].dtype, "int32");
  assert.deepEqual([...values(batches[0][0]), ...values(batches[1][0])], [
    6, 7, 10, 11, 14, 15, 18, 19,
    10, 11, 14, 15, 18, 19, 22, 23,
    14, 15, 18, 19, 22, 23, 26, 27,
  ]);
  assert.deepEqual([...values(batches[0][1]), ...values(batches[1][1])], [30, 50, 70]);
  // The element spec, as Keras': windows (None, 4, 2) and targets (None,), int32 as the inputs.
  assert.equal(specText(ds.elementSpec), "(TensorSpec(shape=(None, 4, 2), dtype=tf.int32, name=None), TensorSpec(shape=(None,), dtype=tf.int32, name=None))");
  assert.equal(specText(timeseriesDatasetFromArray(data, null, { sequenceLength: 4, batchSize: null }).elementSpec), "TensorSpec(shape=(4, 2), dtype=tf.int32, name=None)");
});

test("timeseriesDatasetFromArray: shuffle permutes the window starts as numpy's RandomState(seed).shuffle", async () => {
  const { positions } = timeseriesStartPositions(99, null, { sequenceLength: 10, samplingRate: 2, sequenceStride: 3, shuffle: true, seed: 1337 });
  // np.random.RandomState(1337).shuffle(np.arange(0, 81, 3, dtype="int32"))
  assert.deepEqual(Array.from(positions), [0, 15, 36, 30, 78, 12, 48, 9, 57, 63, 45, 6, 42, 51, 39, 33, 3, 18, 27, 75, 60, 66, 54, 72, 21, 24, 69]);
  const data = constant(range(20), [20]);
  const ds = timeseriesDatasetFromArray(data, constant(range(20, 100), [20]), { sequenceLength: 9, shuffle: true, seed: 7, batchSize: 5 });
  const batches = (await ds.toArray()) as Tensor[][];
  assert.deepEqual(batches.map(([x]) => x.shape[0]), [5, 5, 2]);
  const starts = batches.flatMap(([x]) => values(x).filter((_, i) => i % 9 === 0));
  const targets = batches.flatMap(([, y]) => values(y));
  // every window start once, each window consecutive, its target the one of its start
  assert.deepEqual([...starts].sort((a, b) => a - b), range(12));
  assert.deepEqual(targets, starts.map((s) => s * 100));
  for (const [x] of batches) {
    const v = values(x);
    for (let w = 0; w < x.shape[0]; w++) assert.deepEqual(v.slice(w * 9, w * 9 + 9), range(9, 1, v[w * 9]));
  }
  // the same seed gives the same first pass
  const again = (await timeseriesDatasetFromArray(data, constant(range(20, 100), [20]), { sequenceLength: 9, shuffle: true, seed: 7, batchSize: 5 }).toArray()) as Tensor[][];
  assert.deepEqual(again.flatMap(([, y]) => values(y)), targets);
});

test("timeseriesDatasetFromArray: Keras' argument errors, and clear errors where Keras fails later", () => {
  const data = constant(range(10), [10]);
  const call = (opts: object, targets: Tensor | null = null) => () => timeseriesDatasetFromArray(data, targets, { sequenceLength: 3, ...opts });
  assert.throws(call({ startIndex: -1 }), /startIndex must be 0 or greater. Received: startIndex=-1/);
  assert.throws(call({ startIndex: 10 }), /startIndex must be lower than the length of the data. Received: startIndex=10, for data of length 10/);
  assert.throws(call({ startIndex: 5, endIndex: 5 }), /endIndex must be higher than startIndex/);
  assert.throws(call({ endIndex: 10 }), /endIndex must be lower than the length of the data/);
  assert.throws(call({ endIndex: 0 }), /endIndex must be higher than 0/);
  assert.throws(call({ samplingRate: 0 }), /samplingRate must be higher than 0/);
  assert.throws(call({ samplingRate: 10 }), /samplingRate must be lower than the length of the data/);
  assert.throws(call({ sequenceStride: 0 }), /sequenceStride must be higher than 0/);
  assert.throws(call({ sequenceStride: 10 }), /sequenceStride must be lower than the length of the data/);
  assert.throws(call({ sequenceLength: 11 }), /spans 11 steps, more than the 10 steps/);
  assert.throws(call({ batchSize: 0 }), /batchSize must be a positive integer or null/);
  assert.throws(call({ shuffle: true, seed: -1 }), /seed must be an integer between 0 and 2\*\*32 - 1/);
  assert.throws(call({ startIndex: 4 }, constant([1, 2, 3], [3])), /targets has 3 steps but the window starting at data\[6\] needs targets\[6\]/);
  assert.throws(call({ sequenceLenght: 3 }), /unknown option\(s\) sequenceLenght/);
});
