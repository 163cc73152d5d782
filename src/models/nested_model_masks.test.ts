/**
 * A functional model nested as a layer passes on the mask its outputs carry, as Keras' nested
 * Functional does when it runs: an inner model starting with Embedding(maskZero) followed, in the
 * outer model, by an LSTM gives on [3, 5, 0, 0] what it gives on the unpadded [3, 5].
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

const PADDED = tf.constant([[3, 5, 0, 0], [2, 0, 0, 0]], "int32");
const ROW0 = tf.constant([[3, 5]], "int32"), ROW1 = tf.constant([[2]], "int32");

/** Input (token ids) -> Embedding(10, 3, maskZero), its table fixed so that every run sees the same vectors. */
function innerModel(): tf.models.Model {
  const ids = layers.Input({ shape: [null], dtype: "int32" });
  const embedding = layers.Embedding(10, 3, { maskZero: true });
  const inner = new models.Model({ inputs: ids, outputs: embedding.apply(ids) as tf.layers.SymbolicTensor, name: "inner" });
  const table = Array.from({ length: 10 }, (_, i) => [0.1 * i, -0.05 * i, 0.3 - 0.02 * i]);
  embedding.setWeights([tf.constant(table, "float32")]);
  return inner;
}

function rows(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

function assertClose(got: number[][], want: number[][], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-6, `${what}[${i}][${j}]: ${v} vs ${want[i][j]}`)));
}

/** The outer model (functional or Sequential) around the inner one, followed by LSTM(2). */
function outerModel(kind: "functional" | "sequential", returnSequences = false): tf.models.Model {
  tf.random.setSeed(7);
  const inner = innerModel();
  const lstm = layers.LSTM(2, { returnSequences });
  if (kind === "sequential") return new models.Sequential([layers.Input({ shape: [null], dtype: "int32" }), inner, lstm]);
  const ids = layers.Input({ shape: [null], dtype: "int32" });
  return new models.Model({ inputs: ids, outputs: lstm.apply(inner.apply(ids) as tf.layers.SymbolicTensor) as tf.layers.SymbolicTensor });
}

test("an LSTM after a nested model whose Embedding masks zeros gives each padded row what it gives the row unpadded", () => {
  for (const kind of ["functional", "sequential"] as const) {
    const model = outerModel(kind);
    const padded = rows(model.predict(PADDED) as tf.Tensor);
    assertClose([padded[0]], rows(model.predict(ROW0) as tf.Tensor), `${kind} row 0`);
    assertClose([padded[1]], rows(model.predict(ROW1) as tf.Tensor), `${kind} row 1`);
    // The mask matters: the same LSTM on the padded embeddings without their mask gives another state.
    const lstm = model.layers[model.layers.length - 1];
    const inner = model.layers.find((l) => l.name === "inner") as tf.models.Model;
    const embedded = inner.apply(PADDED) as tf.Tensor;
    assert.deepEqual(rows(embedded.kerasMask!.cast("float32")), [[1, 1, 0, 0], [1, 0, 0, 0]], `${kind}: the inner model's output carries the mask`);
    const unmasked = rows(lstm.apply(tf.mul(embedded, 1)) as tf.Tensor);
    assert.ok(Math.abs(unmasked[0][0] - padded[0][0]) > 1e-4, `${kind}: the padding changes an unmasked LSTM (${unmasked[0][0]} vs ${padded[0][0]})`);

    // returnSequences: masked steps repeat the last unmasked step's output (Keras' masked RNN).
    const seq = outerModel(kind, true).predict(PADDED) as tf.Tensor;
    const steps = seq.arraySync() as number[][][];
    assertClose([steps[0][2], steps[0][3]], [steps[0][1], steps[0][1]], `${kind} sequence row 0`);
    assertClose([steps[1][1], steps[1][2], steps[1][3]], [steps[1][0], steps[1][0], steps[1][0]], `${kind} sequence row 1`);
  }
});

test("fit on padded rows through a nested masking model trains as on the unpadded rows", async () => {
  const train = async (x: tf.Tensor): Promise<tf.Tensor[]> => {
    const model = outerModel("functional");
    model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.5 }) });
    await model.fit(x, tf.constant([[1, -1]], "float32"), { epochs: 3, batchSize: 1, verbose: 0, shuffle: false });
    return model.getWeights();
  };
  const padded = await train(tf.constant([[3, 5, 0, 0]], "int32"));
  const unpadded = await train(tf.constant([[3, 5]], "int32"));
  padded.forEach((w, i) => {
    const a = Array.from(w.dataSync(), Number), b = Array.from(unpadded[i].dataSync(), Number);
    a.forEach((v, j) => assert.ok(Math.abs(v - b[j]) < 1e-6, `weight ${i}[${j}]: ${v} vs ${b[j]}`));
  });
  // The LSTM trained (its kernel moved), so the equality above is not that of untouched weights.
  const fresh = outerModel("functional").getWeights();
  assert.ok(Array.from(padded[1].dataSync(), Number).some((v, j) => Math.abs(v - Number(fresh[1].dataSync()[j])) > 1e-4));
});
