import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

// keras/src/ops/function.py (3.5): Function.__init__ keeps `_inputs_struct` / `_outputs_struct`
// as given; functional.py: `input` returns `_inputs_struct`, `output` returns `_outputs_struct`,
// while `inputs` / `outputs` are the flat lists.
test("Keras 3.5 Functional.input/output return the structure the model was built with: a list of one stays a list", () => {
  const x = layers.Input({ shape: [4] });
  const y = layers.Dense(2).apply(x) as tf.layers.SymbolicTensor;
  const listed = new models.Model({ inputs: [x], outputs: [y] });
  assert.deepEqual(listed.input, [x]);
  assert.deepEqual(listed.output, [y]);
  assert.deepEqual(listed.inputs, [x]);
  assert.deepEqual(listed.outputs, [y]);

  const bare = new models.Model({ inputs: x, outputs: y });
  assert.equal(bare.input, x);
  assert.equal(bare.output, y);
  assert.deepEqual(bare.inputs, [x]);

  const mixed = new models.Model({ inputs: x, outputs: [y] });
  assert.equal(mixed.input, x);
  assert.deepEqual(mixed.output, [y]);
  // Functional.input_shape / output_shape unwrap a list of one.
  assert.deepEqual(listed.inputShape, [null, 4]);
  assert.deepEqual(listed.outputShape, [null, 2]);
});

// functional.py: Functional.call returns `unpack_singleton(outputs)`, so called on data (and so
// in predict, whose predict_step calls the model) a model built with `outputs: [y]` gives one array.
test("Keras 3.5 Functional.call unpacks a list of one output: apply and predict give the tensor, not a list", () => {
  const x = layers.Input({ shape: [4] });
  const m = new models.Model({ inputs: [x], outputs: [layers.Dense(2).apply(x) as tf.layers.SymbolicTensor] });
  const data = tf.ones([3, 4]);
  const called = m.apply(data);
  assert.ok(!Array.isArray(called));
  assert.deepEqual((called as tf.Tensor).shape, [3, 2]);
  const predicted = m.predict(data, { verbose: 0 });
  assert.ok(!Array.isArray(predicted));
  assert.deepEqual((predicted as tf.Tensor).shape, [3, 2]);
  assert.ok(!Array.isArray(m.apply([data])));
});

// ops/function.py: Function.compute_output_spec (what a symbolic call runs) maps over
// `_outputs_struct`, so a symbolic call keeps the list of one; compute_output_shape does too.
test("Keras 3.5 Function.compute_output_spec keeps the outputs' structure: a symbolic call of a model built with outputs: [y] gives a list of one", () => {
  const x = layers.Input({ shape: [4] });
  const inner = new models.Model({ inputs: [x], outputs: [layers.Dense(2).apply(x) as tf.layers.SymbolicTensor], name: "inner" });
  const z = layers.Input({ shape: [4] });
  const out = inner.apply(z);
  assert.ok(Array.isArray(out) && out.length === 1);
  assert.deepEqual([...(out as tf.layers.SymbolicTensor[])[0].shape], [null, 2]);
  assert.deepEqual(inner.computeOutputShape([null, 4]), [[null, 2]]);

  const outer = new models.Model({ inputs: z, outputs: layers.Dense(1).apply((out as tf.layers.SymbolicTensor[])[0]) as tf.layers.SymbolicTensor });
  assert.deepEqual((outer.predict(tf.ones([2, 4]), { verbose: 0 }) as tf.Tensor).shape, [2, 1]);
  assert.match(outer.summary(() => {}), /inner \(Functional\)\s+│ \(None, 2\)/);

  const x2 = layers.Input({ shape: [4] });
  const single = new models.Model({ inputs: x2, outputs: layers.Dense(2).apply(x2) as tf.layers.SymbolicTensor });
  assert.ok(!Array.isArray(single.apply(layers.Input({ shape: [4] }))));
});

// models/cloning.py: _clone_functional_model makes `input_tensors` with
// tree.map_structure(..., model.input) and runs the graph into `_outputs_struct`, so the clone keeps
// the structure; functional_from_config (loading) unwraps a list of one.
test("Keras 3.5 clone_model keeps a list of one as the model's input/output structure; loading a saved config unwraps it", () => {
  const x = layers.Input({ shape: [4] });
  const m = new models.Model({ inputs: [x], outputs: [layers.Dense(2).apply(x) as tf.layers.SymbolicTensor], name: "listed" });
  const clone = models.cloneModel(m);
  assert.equal(clone.name, "listed");
  assert.ok(Array.isArray(clone.input) && clone.input.length === 1);
  assert.ok(Array.isArray(clone.output) && clone.output.length === 1);
  assert.notEqual((clone.input as tf.layers.SymbolicTensor[])[0], x);
  const fromConfig = models.modelFromJSON(m.toJSON()) as tf.models.Model;
  assert.ok(!Array.isArray(fromConfig.input));
  assert.ok(!Array.isArray(fromConfig.output));
});

// keras/src/models/functional.py (3.15.1) _standardize_inputs: a dict given to a Functional built
// from a list of inputs is read by input name, in the list's order.
test("a functional model called on its inputs keyed by name computes what the list in input order does, eagerly and symbolically", () => {
  const title = layers.Input({ shape: [3], name: "title" });
  const tags = layers.Input({ shape: [2], name: "tags" });
  const out = layers.Dense(1, { name: "score" })(layers.concatenate([title, tags]));
  const model = new models.Model({ inputs: [title, tags], outputs: out });
  const t = tf.constant([[1, 2, 3], [4, 5, 6]], "float32");
  const g = tf.constant([[1, 0], [0, 1]], "float32");
  // keys in another order than the inputs: the names decide
  const keyed = model({ tags: g, title: t });
  assert.deepEqual(keyed.arraySync(), model([t, g]).arraySync());
  // kernel [5, 1] applied by hand: [title, tags] @ kernel + 0
  const kernel = model.getLayer("score").getWeights()[0].dataSync();
  const expect = [[1, 2, 3, 1, 0], [4, 5, 6, 0, 1]].map((row) => row.reduce((acc, v, i) => acc + v * Number(kernel[i]), 0));
  (keyed.arraySync() as number[][]).forEach((row, i) => assert.ok(Math.abs(row[0] - expect[i]) < 1e-5, `row ${i}: ${row[0]} vs ${expect[i]}`));

  // symbolically: the outer model is wired to the right inputs whatever the key order
  const a = layers.Input({ shape: [2], name: "a" });
  const b = layers.Input({ shape: [3], name: "b" });
  const outer = new models.Model({ inputs: [a, b], outputs: model({ tags: a, title: b }) });
  assert.deepEqual(outer.predict([g, t]).arraySync(), keyed.arraySync());

  // one input keyed by its name
  const single = new models.Model({ inputs: title, outputs: layers.Dense(2)(title) });
  assert.deepEqual(single({ title: t }).arraySync(), single(t).arraySync());
});

test("a functional model's inputs keyed by name are refused with the names it has: a missing or unknown name", () => {
  const title = layers.Input({ shape: [3], name: "title" });
  const tags = layers.Input({ shape: [2], name: "tags" });
  const model = new models.Model({ inputs: [title, tags], outputs: layers.concatenate([title, tags]), name: "m" });
  const t = tf.ones([1, 3]);
  assert.throws(() => model({ title: t }), /^RangeError: Model m: the input object is keyed by "title" but the model's inputs are named "title", "tags" \(missing "tags"\); use those names, or pass a list in input order/);
  assert.throws(() => model({ title: t, tags: tf.ones([1, 2]), body: t }), /keyed by "title", "tags", "body" but the model's inputs are named "title", "tags"/);
  // A subclassed model takes an object with any keys and gets it in call(), as in Keras: see keyed_call.test.ts.
});
