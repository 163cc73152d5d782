import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

/** A custom layer, written as users write them, whose constructor sets the spec it is given. */
class Checked extends layers.Layer {
  constructor(spec: tf.layers.InputSpecValue, args: tf.layers.LayerArgs = {}) {
    super(args);
    this.inputSpec = spec;
  }
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(x) ? x[0] : x;
  }
  // Said outright: the default probe on zeros would report unknown sizes as 1.
  override computeOutputShape(s: tf.layers.LayerShape | tf.layers.LayerShape[]): tf.layers.LayerShape {
    return (Array.isArray(s[0]) ? s[0] : s) as tf.layers.LayerShape;
  }
}

/** Keras' message start, then lamina's tail naming the full shape and the spec. */
const refusal = (start: string, shape: string, spec: string): RegExp => {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${esc(start)}.*Full shape received: ${esc(shape)}\\. The layer's input spec is ${esc(spec)}; give it inputs that match`);
};

test("InputSpec's getConfig equals Keras 3.5's get_config, and fromConfig of Keras' dict gives it back", () => {
  // Literals: json.dumps(InputSpec(...).get_config()) and repr(...) in Keras 3.5.
  const cases: [tf.layers.InputSpec, Record<string, unknown>, string][] = [
    [layers.InputSpec(), { dtype: null, shape: null, ndim: null, max_ndim: null, min_ndim: null, axes: {} }, "InputSpec()"],
    [layers.InputSpec({ dtype: "float32", shape: [null, 28, 28, 1], allowLastAxisSqueeze: true, name: "img", optional: true }),
      { dtype: "float32", shape: [null, 28, 28, 1], ndim: 4, max_ndim: null, min_ndim: null, axes: {} }, "InputSpec(dtype=float32, shape=(None, 28, 28, 1), ndim=4)"],
    [layers.InputSpec({ minNdim: 2, axes: { [-1]: 3 } }),
      { dtype: null, shape: null, ndim: null, max_ndim: null, min_ndim: 2, axes: { "-1": 3 } }, "InputSpec(min_ndim=2, axes={-1: 3})"],
    [new layers.InputSpec({ maxNdim: 4, axes: { 1: 5, 2: null } }),
      { dtype: null, shape: null, ndim: null, max_ndim: 4, min_ndim: null, axes: { 1: 5, 2: null } }, "InputSpec(max_ndim=4, axes={1: 5, 2: None})"],
    [layers.InputSpec({ ndim: 3, dtype: "int32" }),
      { dtype: "int32", shape: null, ndim: 3, max_ndim: null, min_ndim: null, axes: {} }, "InputSpec(dtype=int32, ndim=3)"],
  ];
  for (const [spec, keras, repr] of cases) {
    assert.deepEqual(JSON.parse(JSON.stringify(spec.getConfig())), keras);
    assert.equal(String(spec), repr);
    const back = layers.InputSpec.fromConfig(keras);
    assert.ok(back instanceof layers.InputSpec);
    assert.deepEqual(JSON.parse(JSON.stringify(back.getConfig())), keras);
  }
  // Keras' from_config takes the constructor's other arguments too.
  const sq = layers.InputSpec.fromConfig({ shape: [null, 3], allow_last_axis_squeeze: true, name: "x", optional: true });
  assert.deepEqual([sq.allowLastAxisSqueeze, sq.name, sq.optional, sq.ndim], [true, "x", true, 2]);
  assert.throws(() => layers.InputSpec.fromConfig({ min_dim: 2 }), /^TypeError: InputSpec\.fromConfig: unknown key min_dim/);
});

test("InputSpec refuses what Keras refuses when it is made, and lamina's misspellings", () => {
  // Keras 3.5: ValueError "Axis 3 is greater than the maximum allowed value: 1"; TypeError for axes={'a': 4}.
  assert.throws(() => layers.InputSpec({ ndim: 2, axes: { 3: 4 } }), /^RangeError: InputSpec: axis 3 is greater than the maximum allowed value: 1/);
  assert.throws(() => layers.InputSpec({ axes: { a: 4 } as unknown as Record<number, number> }), /^TypeError: InputSpec: axes must have integer keys.*"a"/);
  assert.throws(() => layers.InputSpec({ min_ndim: 2 } as never), /^TypeError: InputSpec: unknown option min_ndim; lamina spells Keras' min_ndim as minNdim/);
  assert.throws(() => layers.InputSpec({ ndim: -1 }), /ndim must be a non-negative integer/);
  assert.throws(() => layers.InputSpec({ dtype: "float16" as "float32" }), /^TypeError: InputSpec: dtype: unknown dtype "float16"/);
  assert.throws(() => { new Checked(null).inputSpec = { ndim: 2 } as never; }, /^TypeError: Checked checked\w*: inputSpec must be a layers\.InputSpec/);
});

test("a custom layer's spec of each kind accepts and refuses inputs with Keras' messages, on tensors and symbolic inputs", () => {
  const ok = (spec: tf.layers.InputSpec, shape: number[], dtype: tf.DType = "float32"): void => {
    assert.deepEqual((new Checked(spec)(tf.zeros(shape, dtype)) as tf.Tensor).shape, shape);
  };
  const refuses = (spec: tf.layers.InputSpec, shape: (number | null)[], message: RegExp, dtype: tf.DType = "float32"): void => {
    if (!shape.includes(null)) assert.throws(() => new Checked(spec, { name: "lay" })(tf.zeros(shape as number[], dtype)), message);
    // The same refusal, with the shape Keras prints for a symbolic input.
    const sym = [null, ...shape.slice(1)];
    const symMessage = new RegExp(message.source.replace(/\\\(\d+(?=, |,\\\))/g, "\\(None"));
    assert.throws(() => new Checked(spec, { name: "lay" })(layers.Input({ batchShape: sym, dtype } as never)), symMessage);
  };
  // The messages below start with Keras 3.5's text for the same spec and input (assert_input_compatibility).
  const ndim = layers.InputSpec({ ndim: 2 });
  ok(ndim, [2, 3]);
  refuses(ndim, [2, 3, 4], refusal('RangeError: Input 0 of layer "lay" is incompatible with the layer: expected ndim=2, found ndim=3.', "(2, 3, 4)", "InputSpec(ndim=2)"));

  const minNdim = layers.InputSpec({ minNdim: 3 });
  ok(minNdim, [2, 3, 4]); ok(minNdim, [1, 2, 3, 4]);
  refuses(minNdim, [2, 3], refusal('RangeError: Input 0 of layer "lay" is incompatible with the layer: expected min_ndim=3, found ndim=2.', "(2, 3)", "InputSpec(min_ndim=3)"));

  const maxNdim = layers.InputSpec({ maxNdim: 2 });
  ok(maxNdim, [4]); ok(maxNdim, [2, 3]);
  refuses(maxNdim, [2, 3, 4], refusal('RangeError: Input 0 of layer "lay" is incompatible with the layer: expected max_ndim=2, found ndim=3.', "(2, 3, 4)", "InputSpec(max_ndim=2)"));

  const axes = layers.InputSpec({ minNdim: 2, axes: { [-1]: 4, 1: null } });
  ok(axes, [2, 4]); ok(axes, [2, 7, 4]);
  refuses(axes, [2, 3], refusal('RangeError: Input 0 of layer "lay" is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape (2, 3).', "(2, 3)", "InputSpec(min_ndim=2, axes={1: None, -1: 4})"));
  // Keras indexes the shape with the axis and fails with IndexError; lamina says which axis is missing.
  assert.throws(() => new Checked(layers.InputSpec({ axes: { 3: 4 } }), { name: "lay" })(tf.zeros([2, 3])), /expected axis 3 of input shape to have value 4, but received input with shape \(2, 3\), which has no axis 3/);

  const shape = layers.InputSpec({ shape: [null, 28, 28, 1] });
  ok(shape, [5, 28, 28, 1]);
  refuses(shape, [5, 28, 27, 1], refusal('RangeError: Input 0 of layer "lay" is incompatible with the layer: expected shape=(None, 28, 28, 1), found shape=(5, 28, 27, 1).', "(5, 28, 27, 1)", "InputSpec(shape=(None, 28, 28, 1), ndim=4)"));
  // null in the input's shape is a wildcard too: an Input of unknown height passes the symbolic check.
  assert.deepEqual((new Checked(shape)(layers.Input({ batchShape: [null, null, 28, 1] })) as tf.layers.SymbolicTensor).shape, [null, null, 28, 1]);

  const dtype = layers.InputSpec({ dtype: "float32" });
  ok(dtype, [2, 3]);
  // Keras autocasts float inputs to the layer's dtype before the check: float64 data passes a float32 spec.
  ok(dtype, [2, 3], "float64");
  refuses(dtype, [2, 3], refusal('TypeError: Input 0 of layer "lay" is incompatible with the layer: expected dtype=float32, found dtype=int32.', "(2, 3)", "InputSpec(dtype=float32)"), "int32");
  ok(layers.InputSpec({ dtype: "int32" }), [2, 3], "int32");
});

test("allowLastAxisSqueeze accepts one trailing axis of size 1 more or fewer than the spec, and nothing else", () => {
  const spec = layers.InputSpec({ shape: [null, 28, 28, 1], allowLastAxisSqueeze: true });
  for (const ok of [[2, 28, 28], [2, 28, 28, 1], [2, 28, 28, 1, 1]]) {
    assert.deepEqual((new Checked(spec)(tf.zeros(ok)) as tf.Tensor).shape, ok);
  }
  // Keras 3.5 accepts these two as well, because it compares only up to the shorter rank, against
  // its own documentation ("as long as the last axis of the input is 1"); lamina refuses them.
  const msg = /expected shape=\(None, 28, 28, 1\), found shape=\(2, 28, 28, 2\)/;
  assert.throws(() => new Checked(spec, { name: "sq" })(tf.zeros([2, 28, 28, 2])), msg);
  assert.throws(() => new Checked(spec, { name: "sq" })(tf.zeros([2, 28])), /expected ndim=4, found ndim=2\. Full shape received: \(2, 28\)/);

  const rank = layers.InputSpec({ ndim: 3, allowLastAxisSqueeze: true });
  for (const ok of [[2, 3], [2, 3, 4], [2, 3, 4, 1]]) new Checked(rank)(tf.zeros(ok));
  assert.throws(() => new Checked(rank, { name: "sq" })(tf.zeros([2, 3, 4, 5])), /expected ndim=3, found ndim=4/);
});

test("a spec per input: the input count, the failing input's index, null entries left unchecked", () => {
  const two = [layers.InputSpec({ ndim: 2 }), layers.InputSpec({ ndim: 3 })];
  const pair = new Checked(two, { name: "pair" });
  assert.deepEqual((pair([tf.zeros([2, 3]), tf.zeros([2, 3, 4])]) as tf.Tensor).shape, [2, 3]);
  // Keras 3.5: 'Input 1 of layer "lay" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (2, 3)'.
  assert.throws(() => pair([tf.zeros([2, 3]), tf.zeros([2, 3])]),
    refusal('RangeError: Input 1 of layer "pair" is incompatible with the layer: expected ndim=3, found ndim=2.', "(2, 3)", "InputSpec(ndim=3)"));
  assert.throws(() => pair(tf.zeros([2, 3])), /^RangeError: Layer "pair" expects 2 input\(s\), but it received 1 input tensors\. Inputs received: shapes \[\(2, 3\)\]/);
  assert.throws(() => pair([layers.Input({ shape: [3] }), layers.Input({ shape: [3, 4, 5] })]), /Input 1 of layer "pair" .*expected ndim=3, found ndim=4\. Full shape received: \(None, 3, 4, 5\)/);
  const loose = new Checked([layers.InputSpec({ ndim: 2 }), null]);
  loose([tf.zeros([2, 3]), tf.zeros([2, 3, 4, 5])]);
});

test("a spec set in build is checked on the call that builds and on every later one (as Keras' Dense does)", () => {
  class Sized extends layers.Layer {
    override build(shape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      const s = shape as tf.layers.LayerShape;
      this.inputSpec = layers.InputSpec({ ndim: 2, axes: { [-1]: s[s.length - 1] } });
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return x as tf.Tensor;
    }
  }
  const b = new Sized({ name: "b" });
  b(tf.zeros([2, 3]));
  b(tf.zeros([5, 3]));
  // Keras 3.5 gives the same two refusals (the second from the check after build).
  assert.throws(() => b(tf.zeros([2, 4])), /^RangeError: Input 0 of layer "b" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape \(2, 4\)/);
  assert.throws(() => new Sized({ name: "b2" })(tf.zeros([2, 3, 4])), /^RangeError: Input 0 of layer "b2" is incompatible with the layer: expected ndim=2, found ndim=3\. Full shape received: \(2, 3, 4\)/);
  assert.throws(() => new Sized({ name: "b3" })(layers.Input({ shape: [3, 4] })), /Input 0 of layer "b3" .*expected ndim=2, found ndim=3\. Full shape received: \(None, 3, 4\)/);
});

test("a functional model of a custom layer with a spec: refused when built, and its runs checked where the graph left sizes open", () => {
  const spec = layers.InputSpec({ shape: [null, 4] });
  assert.throws(() => new Checked(spec, { name: "c" })(layers.Input({ shape: [5] })), /Input 0 of layer "c" .*expected shape=\(None, 4\), found shape=\(None, 5\)/);

  const input = layers.Input({ batchShape: [null, null] });
  const c = new Checked(spec, { name: "c2" });
  const out = layers.Activation("relu")(c(input) as tf.layers.SymbolicTensor);
  const model = new models.Model({ inputs: input, outputs: out });
  assert.deepEqual([...(model.predict(tf.constant([[1, -2, 3, -4]], "float32")) as tf.Tensor).dataSync()], [1, 0, 3, 0]);
  assert.throws(() => model.predict(tf.zeros([2, 5])), /Input 0 of layer "c2" is incompatible with the layer: expected shape=\(None, 4\), found shape=\(2, 5\)/);

  const seq = new models.Sequential([layers.Input({ batchShape: [null, null] }), new Checked(spec, { name: "c3" })]);
  assert.throws(() => seq.predict(tf.zeros([2, 6])), /Input 0 of layer "c3" .*found shape=\(2, 6\)/);
});
