// Keras' custom-metric pattern: state in variables made by Metric.addVariable (add_weight), updated
// with assignAdd, reset with assign(0) (keras.io "Training & evaluation with the built-in methods",
// CategoricalTruePositives). Counts by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { metrics } = tf;

/** Counts the samples whose argmax matches their integer label. */
class TruePositives extends metrics.Metric {
  readonly className = "TruePositives";
  readonly truePositives: tf.Variable;
  constructor(name = "true_positives") {
    super(name);
    this.truePositives = this.addVariable({ shape: [], name: "ctp", initializer: "zeros" });
  }
  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    let values = tf.cast(tf.equal(tf.cast(yTrue, "int32"), tf.argMax(yPred, 1)), "float32");
    if (sampleWeight) values = tf.mul(values, sampleWeight);
    this.truePositives.assignAdd(tf.sum(values));
  }
  result(): number {
    return this.truePositives.item();
  }
  resetState(): void {
    this.truePositives.assign(0);
  }
}

test("addVariable makes a non-trainable scalar variable named <metric>/<name>, listed in variables", () => {
  const m = new TruePositives();
  assert.equal(m.truePositives.name, "true_positives/ctp");
  assert.equal(m.truePositives.trainable, false);
  assert.deepEqual(m.truePositives.shape, []);
  assert.equal(m.truePositives.dtype, "float32");
  assert.deepEqual(m.variables, [m.truePositives]);
  // add_weight, Keras' older name; shapes and initializers as given.
  const w = m.addWeight({ shape: [2], initializer: "ones", name: "w" });
  assert.deepEqual(Array.from(w.dataSync() as Float32Array), [1, 1]);
  assert.deepEqual(m.variables.map((v) => v.name), ["true_positives/ctp", "true_positives/w"]);
});

test("updateState accumulates across batches, result reads the variable and resetState assigns 0 (by hand: 2, then 2 + 1)", () => {
  const m = new TruePositives();
  const probs = tf.constant([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], "float32");
  m.updateState(tf.constant([0, 1, 1], "float32"), probs);
  assert.equal(m.result(), 2);
  m.updateState(tf.constant([0], "float32"), tf.constant([[0.7, 0.3]], "float32"));
  assert.equal(m.result(), 3);
  m.resetState();
  assert.equal(m.result(), 0);
});

test("fit resets the metric each epoch and logs its value: labels [0, 1, 1, 0] against a model predicting class 0 count 2", async () => {
  const input = tf.layers.Input({ shape: [1] });
  // Zero kernel, bias [1, 0] (set below): every sample predicts class 0; learning rate 0 keeps it so.
  const out = tf.layers.Dense(2, { activation: "softmax" })(input);
  const model = new tf.models.Model({ inputs: input, outputs: out });
  const dense = model.layers[1];
  dense.setWeights([tf.zeros([1, 2]), tf.constant([1, 0], "float32")]);
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0 }), loss: "sparse_categorical_crossentropy", metrics: [new TruePositives()] });
  const h = await model.fit(tf.ones([4, 1]), tf.constant([0, 1, 1, 0], "float32"), { epochs: 2, batchSize: 2, verbose: 0 });
  assert.deepEqual(h.history.true_positives, [2, 2]);
});

test("addVariable refuses a missing initializer, a bad shape and unknown options, naming the metric and the fix", () => {
  const m = new TruePositives("tp");
  assert.throws(() => m.addVariable({ shape: [] } as never), /^TypeError: metrics\.TruePositives tp\.addVariable: an initializer is needed \(Keras' add_variable takes one\), e\.g\. \{ initializer: "zeros" \}$/);
  assert.throws(() => m.addVariable({ shape: [-1], initializer: "zeros" }), /tp\.addVariable: shape must be a list of sizes \(integers >= 0\), got \[-1\]/);
  assert.throws(() => m.addVariable({ shape: [], initializer: "zeros", trainable: true } as never), /tp\.addVariable.*trainable/);
  assert.throws(() => m.addVariable({ shape: [], initializer: "no_such_init" }), /tp\.addVariable: initializer: .*no_such_init/);
});

test("Variable.assign takes a number or nested array in the variable's dtype, as Keras' assign(0.0); its shape must match", () => {
  const v = new tf.Variable(tf.constant([[1, 2]], "float32"));
  v.assign([[3, 4]]);
  assert.deepEqual(v.arraySync(), [[3, 4]]);
  assert.equal(v.dtype, "float32");
  const s = new tf.Variable(tf.constant(5, "int32"));
  s.assign(7);
  assert.equal(s.item(), 7);
  assert.equal(s.dtype, "int32");
  assert.throws(() => v.assign(0), /Variable\.assign .*value of shape \(\) dtype float32 does not match the variable's shape \(1, 2\)/);
});
