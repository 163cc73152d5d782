import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { callbacks, layers, models, optimizers } from "../index.js";

/*
 * Reference: Keras 3.5.0 (torch backend), a callback recording every predict and test hook:
 *   x = arange(15).reshape(5, 3) / 10, y = arange(5).reshape(5, 1)
 *   m = Model(Input((3,)) -> Dense(1, kernel_initializer="ones")), compile(loss="mse", metrics=["mae"])
 *   m.predict(x, batch_size=2, verbose=0, callbacks=[rec]); m.evaluate(x, y, batch_size=2, verbose=0, callbacks=[rec])
 */
const KERAS_PREDICT_EVENTS = [
  "begin {}",
  "batch_begin 0 {}", "batch_end 0 outputs [2,1]",
  "batch_begin 1 {}", "batch_end 1 outputs [2,1]",
  "batch_begin 2 {}", "batch_end 2 outputs [1,1]",
  'end {} params {"verbose":0,"epochs":1,"steps":3}',
];
// The outputs of that model: each row's sum.
const KERAS_PREDICTIONS = [0.30000001192092896, 1.2000000476837158, 2.0999999046325684, 3.0, 3.9000000953674316];
const KERAS_EVALUATE_EVENTS: [string, number | null, Record<string, number>][] = [
  ["test_begin", null, {}],
  ["test_batch_begin", 0, {}], ["test_batch_end", 0, { loss: 0.0650000125169754, mae: 0.2500000298023224 }],
  ["test_batch_begin", 1, {}], ["test_batch_end", 1, { loss: 0.03500000014901161, mae: 0.14999999105930328 }],
  ["test_batch_begin", 2, {}], ["test_batch_end", 2, { loss: 0.029999995604157448, mae: 0.13999997079372406 }],
  ["test_end", null, { loss: 0.029999995604157448, mae: 0.13999997079372406 }],
];

const X = tf.div(tf.range(0, 15).reshape([5, 3]), 10);
const Y = tf.range(0, 5).reshape([5, 1]);

function sumModel(): tf.models.Model {
  const input = layers.Input({ shape: [3] });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1, { kernelInitializer: "ones" }).apply(input) as tf.layers.SymbolicTensor });
  model.compile({ loss: "mse", metrics: ["mae"] });
  return model;
}

const vals = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);
const weightValues = (m: tf.models.Model): number[] => m.getWeights().flatMap(vals);
const shapeText = (t: tf.models.PredictOutputs): string => (t instanceof tf.Tensor ? JSON.stringify(t.shape) : Array.isArray(t) ? `[${t.map(shapeText).join(",")}]` : `{${Object.entries(t).map(([k, v]) => `${k}:${shapeText(v)}`).join(",")}}`);

/** A callback writing each predict hook as the Keras recorder printed it. */
function recorder(events: string[]): tf.callbacks.Callback {
  return callbacks.LambdaCallback({
    onPredictBegin: (logs) => void events.push(`begin ${JSON.stringify(logs)}`),
    onPredictBatchBegin: (b, logs) => void events.push(`batch_begin ${b} ${JSON.stringify(logs)}`),
    onPredictBatchEnd: (b, logs) => void events.push(`batch_end ${b} ${Object.keys(logs).join(",")} ${shapeText(logs.outputs)}`),
    onPredictEnd: function (this: tf.callbacks.Callback, logs) { events.push(`end ${JSON.stringify(logs)} params ${JSON.stringify(this.params)}`); },
  });
}

function close(got: ArrayLike<number>, want: readonly number[], what: string, tol = 1e-6): void {
  assert.equal(got.length, want.length, what);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= tol, `${what} [${i}]: got ${got[i]}, expected ${w}`));
}

test("predict(x, { callbacks }) calls the predict hooks in Keras 3.5's order with its arguments, synchronously, and returns the same outputs", () => {
  const model = sumModel();
  const events: string[] = [];
  const batchOutputs: number[] = [];
  const grab = callbacks.LambdaCallback({ onPredictBatchEnd: (_b, logs) => void batchOutputs.push(...vals(logs.outputs as tf.Tensor)) });
  const out = model.predict(X, { batchSize: 2, callbacks: [recorder(events), grab] });
  assert.ok(out instanceof tf.Tensor, "predict on tensors returns the outputs, not a Promise");
  assert.deepEqual(events, KERAS_PREDICT_EVENTS);
  close(vals(out), KERAS_PREDICTIONS, "predictions");
  close(batchOutputs, KERAS_PREDICTIONS, "each batch's logs.outputs");
  assert.deepEqual(vals(out), vals(model.predict(X, { batchSize: 2 })), "callbacks change no output");
});

test("predictAsync and predict(dataset) hear the same hooks; a dataset's steps are its batch count when known (tf.data's cardinality), null when not, as Keras'", async () => {
  const model = sumModel();
  const events: string[] = [];
  const out = await model.predictAsync(X, { batchSize: 2, callbacks: [recorder(events)] });
  assert.deepEqual(events, KERAS_PREDICT_EVENTS);
  close(vals(out), KERAS_PREDICTIONS, "predictAsync");
  const fromDs: string[] = [];
  const ds = tf.data.Dataset.fromTensorSlices(X).batch(2);
  const dsOut = await model.predict(ds, { callbacks: [recorder(fromDs)] });
  assert.deepEqual(fromDs, KERAS_PREDICT_EVENTS);
  close(vals(dsOut), KERAS_PREDICTIONS, "predict(dataset)");
  const unsized: string[] = [];
  await model.predictAsync(tf.data.Dataset.fromTensorSlices(X).filter(() => true).batch(2), { callbacks: [recorder(unsized)] });
  assert.deepEqual(unsized, [...KERAS_PREDICT_EVENTS.slice(0, -1), 'end {} params {"verbose":0,"epochs":1,"steps":null}']);
  const viaAsync: string[] = [];
  await model.predictAsync(ds, { steps: 2, callbacks: [recorder(viaAsync)] });
  assert.deepEqual(viaAsync, [...KERAS_PREDICT_EVENTS.slice(0, 5), 'end {} params {"verbose":0,"epochs":1,"steps":2}']);
});

test("a model with several outputs passes each batch's outputs as a list (Keras 3.5: [(4, 1), (4, 2)] then [(1, 1), (1, 2)])", () => {
  const input = layers.Input({ shape: [3] });
  const model = new models.Model({
    inputs: input,
    outputs: [layers.Dense(1).apply(input) as tf.layers.SymbolicTensor, layers.Dense(2).apply(input) as tf.layers.SymbolicTensor],
  });
  const seen: string[] = [];
  model.predict<tf.Tensor[]>(X, { batchSize: 4, callbacks: [callbacks.LambdaCallback({ onPredictBatchEnd: (b, logs) => void seen.push(`${b} ${shapeText(logs.outputs)}`) })] });
  assert.deepEqual(seen, ["0 [[4,1],[4,2]]", "1 [[1,1],[1,2]]"]);
});

test("a hook setting model.stopPredicting ends predict after that batch (Keras 3.5's stop_predicting: shape (4, 1) when set at batch 1)", async () => {
  const model = sumModel();
  const stop = callbacks.LambdaCallback({ onPredictBatchEnd: function (this: tf.callbacks.Callback, b) { if (b === 1) this.model.stopPredicting = true; } });
  const out = model.predict(X, { batchSize: 2, callbacks: [stop] });
  assert.deepEqual(out.shape, [4, 1]);
  close(vals(out), KERAS_PREDICTIONS.slice(0, 4), "the batches before the stop");
  // The next predict starts over, as Keras resets stop_predicting.
  assert.deepEqual(model.predict(X, { batchSize: 2 }).shape, [5, 1]);
  const fromDs = await model.predict(tf.data.Dataset.fromTensorSlices(X).batch(2), { callbacks: [stop] });
  assert.deepEqual(fromDs.shape, [4, 1]);
});

test("predict on tensors refuses async hooks, naming the callback and the fix; predictAsync awaits them", async () => {
  const model = sumModel();
  const events: string[] = [];
  class Upload extends tf.callbacks.Callback {
    override async onPredictBatchEnd(batch: number): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`uploaded ${batch}`);
    }
  }
  // Declared async: refused before any hook runs, so the recorder placed first hears nothing.
  assert.throws(() => model.predict(X, { batchSize: 2, callbacks: [recorder(events), new Upload()] }),
    /^TypeError: predict: callbacks\[1\] \(Upload\)\.onPredictBatchEnd is async \(it returns a Promise\), but predict on tensors returns its result synchronously.*await model\.predictAsync\(x, \{ callbacks \}\)/);
  assert.equal(events.length, 0);
  // A plain function returning a promise is refused when it returns one.
  const late = callbacks.LambdaCallback({ onPredictEnd: () => Promise.reject(new Error("upload failed")) });
  assert.throws(() => model.predict(X, { batchSize: 2, callbacks: [late] }), /callbacks\[0\] \(LambdaCallback\)\.onPredictEnd is async/);
  // predictAsync waits for each hook before the next batch.
  const out = await model.predictAsync(X, { batchSize: 2, callbacks: [new Upload(), recorder(events)] });
  assert.deepEqual(events.filter((e) => !e.startsWith("begin") && !e.startsWith("end")), [
    "batch_begin 0 {}", "uploaded 0", "batch_end 0 outputs [2,1]",
    "batch_begin 1 {}", "uploaded 1", "batch_end 1 outputs [2,1]",
    "batch_begin 2 {}", "uploaded 2", "batch_end 2 outputs [1,1]",
  ]);
  close(vals(out), KERAS_PREDICTIONS, "predictAsync");
});

/*
 * Keras 3.5: Dense(1, kernel ones) compiled with SGD(0.1, use_ema=True, ema_momentum=0.5) and
 * mse, fit(x, y, batch_size=5, epochs=2); then kernel := 2, bias := 0.5, so the weights differ
 * from their averages. predict with SwapEMAWeights() runs on the averages. Keras 3.5 then leaves
 * the averages in the model (its on_predict_end tests `not _ema_weights_in_model`); lamina puts the
 * trained weights back, as after evaluate.
 */
const EMA_KERNEL = [1.0015840530395508, 0.9988300204277039, 0.9960759878158569];
const EMA_BIAS = -0.02754000574350357;
const EMA_PREDICTIONS = [0.2715581953525543, 1.1705052852630615, 2.0694522857666016, 2.9683992862701416, 3.8673465251922607];
const PLAIN_PREDICTIONS = [1.1, 2.9, 4.7, 6.5, 8.3];

test("SwapEMAWeights: predict runs on the moving averages and the trained weights are back afterwards (Keras 3.5 forgets to swap back)", async () => {
  const input = layers.Input({ shape: [3] });
  const dense = layers.Dense(1, { kernelInitializer: "ones" });
  const model = new models.Model({ inputs: input, outputs: dense.apply(input) as tf.layers.SymbolicTensor });
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.5 }) });
  await model.fit(X, Y, { batchSize: 5, epochs: 2, verbose: 0 });
  model.setWeights([tf.fill([3, 1], 2), tf.constant([0.5])]);
  close(vals(model.predict(X)), PLAIN_PREDICTIONS, "predict without SwapEMAWeights", 1e-5);
  const inside: number[][] = [];
  const spy = callbacks.LambdaCallback({ onPredictBatchEnd: () => void inside.push(weightValues(model)) });
  const out = model.predict(X, { callbacks: [callbacks.SwapEMAWeights(), spy] });
  close(vals(out), EMA_PREDICTIONS, "predict with SwapEMAWeights", 1e-5);
  close(inside[0], [...EMA_KERNEL, EMA_BIAS], "the weights during predict", 1e-6);
  close(weightValues(model), [2, 2, 2, 0.5], "the weights after predict");
  // Same through predictAsync, and the averages themselves are untouched by the two swaps.
  close(vals(await model.predictAsync(X, { callbacks: [callbacks.SwapEMAWeights()] })), EMA_PREDICTIONS, "predictAsync with SwapEMAWeights", 1e-5);
  close(weightValues(model), [2, 2, 2, 0.5], "the weights after predictAsync");
});

test("evaluate's hooks match Keras 3.5's: test_begin {}, test_batch_begin(b, {}), test_batch_end(b, running logs), test_end(final logs), params", async () => {
  const model = sumModel();
  const events: [string, number | null, Record<string, number>][] = [];
  let params = "";
  const rec = callbacks.LambdaCallback({
    onTestBegin: function (this: tf.callbacks.Callback, logs) { events.push(["test_begin", null, { ...logs }]); params = JSON.stringify(this.params); },
    onTestBatchBegin: (b, logs) => void events.push(["test_batch_begin", b, { ...logs }]),
    onTestBatchEnd: (b, logs) => void events.push(["test_batch_end", b, { ...logs }]),
    onTestEnd: (logs) => void events.push(["test_end", null, { ...logs }]),
  });
  await model.evaluate(X, Y, { batchSize: 2, verbose: 0, callbacks: [rec] });
  assert.deepEqual(events.map(([h, b, l]) => `${h} ${b} ${Object.keys(l).join(",")}`), KERAS_EVALUATE_EVENTS.map(([h, b, l]) => `${h} ${b} ${Object.keys(l).join(",")}`));
  events.forEach(([, , logs], i) => close(Object.values(logs), Object.values(KERAS_EVALUATE_EVENTS[i][2]), `logs of ${KERAS_EVALUATE_EVENTS[i][0]} ${i}`));
  assert.equal(params, '{"verbose":0,"epochs":1,"steps":3}');
});

/** inputs { a: (3,), b: (2,) }, outputs { y: sum of a, z: [sum of b, sum of b] } (Dense layers of ones, no bias). */
function keyedModel(): tf.models.Model {
  const a = layers.Input({ shape: [3], name: "a" }), b = layers.Input({ shape: [2], name: "b" });
  const y = layers.Dense(1, { kernelInitializer: "ones", useBias: false }).apply(a) as tf.layers.SymbolicTensor;
  const z = layers.Dense(2, { kernelInitializer: "ones", useBias: false }).apply(b) as tf.layers.SymbolicTensor;
  return new models.Model({ inputs: { a, b }, outputs: { y, z } });
}

test("a model with outputs keyed by name passes each batch's outputs keyed so (Keras' logs {outputs: <dict>}), on tensors and on a dataset", async () => {
  const model = keyedModel();
  const B = tf.constant([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], "float32");
  // Row sums: y = 0.3, 1.2, 2.1, 3.0, 3.9 (X's rows); z = 3, 7, 11, 15, 19 twice.
  const wantZ = [[3, 3], [7, 7], [11, 11], [15, 15], [19, 19]];
  for (const run of ["predict", "predictAsync", "dataset"] as const) {
    const seen: string[] = [];
    const zs: number[][] = [];
    const cb = callbacks.LambdaCallback({
      onPredictBatchEnd: (b, logs) => {
        seen.push(`${b} ${shapeText(logs.outputs)}`);
        zs.push(...((logs.outputs as tf.models.Keyed<tf.Tensor>).z.arraySync() as number[][]));
      },
    });
    const args = { batchSize: 2, callbacks: [cb] };
    const out = run === "predict" ? model.predict<tf.models.Keyed<tf.Tensor>>({ b: B, a: X }, args)
      : run === "predictAsync" ? await model.predictAsync<tf.models.Keyed<tf.Tensor>>({ a: X, b: B }, args)
      : await model.predict<tf.models.Keyed<tf.Tensor>>(tf.data.Dataset.fromTensorSlices({ a: X, b: B }).batch(2), { callbacks: [cb] });
    assert.deepEqual(seen, ["0 {y:[2,1],z:[2,2]}", "1 {y:[2,1],z:[2,2]}", "2 {y:[1,1],z:[1,2]}"], run);
    assert.deepEqual(zs, wantZ, run);
    assert.deepEqual(Object.keys(out).sort(), ["y", "z"]);
    vals(out.y).forEach((v, i) => assert.ok(Math.abs(v - KERAS_PREDICTIONS[i]) < 1e-6, `${run}: y[${i}] ${v}`));
    assert.deepEqual(out.z.arraySync(), wantZ, run);
  }
});

test("a predictStep returning an object (nested) is joined over the batches per key, as Keras' tree.map_structure; its hooks hear each batch's object", async () => {
  /** { sum: row sums, parts: [first column, 10 * the row's index in its batch] } */
  class Parts extends models.Model {
    override predictStep({ x }: tf.models.StepData): tf.models.PredictOutputs {
      const xs = x as tf.Tensor;
      const n = xs.shape[0];
      return { sum: tf.sum(xs, 1), parts: [tf.slice(xs, [0, 0], [n, 1]), tf.mul(tf.range(0, n), 10)] };
    }
  }
  const input = layers.Input({ shape: [3] });
  const model = new Parts({ inputs: input, outputs: layers.Dense(1).apply(input) as tf.layers.SymbolicTensor });
  const seen: string[] = [];
  const cb = callbacks.LambdaCallback({ onPredictBatchEnd: (b, logs) => void seen.push(`${b} ${shapeText(logs.outputs)}`) });
  type Out = { sum: tf.Tensor; parts: [tf.Tensor, tf.Tensor] };
  for (const out of [model.predict(X, { batchSize: 2, callbacks: [cb] }) as Out, await model.predictAsync(X, { batchSize: 2 }) as Out]) {
    vals(out.sum).forEach((v, i) => assert.ok(Math.abs(v - KERAS_PREDICTIONS[i]) < 1e-6, `sum[${i}] ${v}`));
    vals(out.parts[0]).forEach((v, i) => assert.ok(Math.abs(v - [0, 0.3, 0.6, 0.9, 1.2][i]) < 1e-6, `first column [${i}] ${v}`));
    assert.deepEqual(Array.from(out.parts[1].dataSync(), Number), [0, 10, 0, 10, 0]);
  }
  assert.deepEqual(seen, ["0 {sum:[2],parts:[[2,1],[2]]}", "1 {sum:[2],parts:[[2,1],[2]]}", "2 {sum:[1],parts:[[1,1],[1]]}"]);
  // predictOnBatch: one batch, the object as the step returns it.
  const one = model.predictOnBatch(X) as Out;
  assert.deepEqual(one.sum.shape, [5]);

  // A step whose structure changes from batch to batch cannot be joined.
  class Shifty extends models.Model {
    calls = 0;
    override predictStep({ x }: tf.models.StepData): tf.models.PredictOutputs {
      return this.calls++ === 0 ? { a: x as tf.Tensor } : { b: x as tf.Tensor };
    }
  }
  const shifty = new Shifty({ inputs: input, outputs: layers.Dense(1).apply(input) as tf.layers.SymbolicTensor });
  assert.throws(() => shifty.predict(X, { batchSize: 3 }), /predict: batch 1's outputs \{ b: \(2, 3\) \} nest differently from batch 0's \{ a: \(3, 3\) \}; predictStep must return the same structure for every batch/);
});
