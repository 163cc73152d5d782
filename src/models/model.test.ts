import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

test("notebook 002: the perceptron has 11 parameters, Sequential and functional", () => {
  tf.clearSession();
  const seq = new models.Sequential([
    layers.Input({ shape: [10], name: "Input" }),
    layers.Dense(1),
    layers.Activation("sigmoid"),
  ], { name: "SeqAPI" });
  const text = seq.summary(() => {});
  assert.match(text, /Model: "SeqAPI"/);
  assert.match(text, /dense \(Dense\)\s+│ \(None, 1\)\s+│\s+11 │/);
  assert.match(text, /activation \(Activation\)\s+│ \(None, 1\)\s+│\s+0 │/);
  assert.match(text, / Total params: 11 \(44\.00 B\)/);
  assert.match(text, / Trainable params: 11 \(44\.00 B\)/);
  assert.match(text, / Non-trainable params: 0 \(0\.00 B\)/);

  const inputs = layers.Input({ shape: [10] });
  const hid = layers.Dense(1)(inputs);
  const out = layers.Activation("sigmoid")(hid);
  const func = new models.Model({ inputs, outputs: out, name: "FuncAPI" });
  assert.equal(func.countParams(), 11);
  assert.deepEqual(func.layers.map((l) => l.className), ["InputLayer", "Dense", "Activation"]);
  assert.match(func.summary(() => {}), /input_layer \(InputLayer\)\s+│ \(None, 10\)\s+│\s+0 │/);
});

test("notebook 002's MLP has 300,938 parameters; get_layer/get_weights give Keras' shapes", () => {
  const model = new models.Sequential([
    layers.Input({ shape: [784] }),
    layers.Dense(256, { activation: "relu", name: "dense1" }),
    layers.Dense(256, { activation: "relu" }),
    layers.Dense(128, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  ]);
  assert.equal(model.countParams(), 300938);
  assert.match(model.summary(() => {}), / Total params: 300,938 \(1\.15 MB\)/);
  const [k, b] = model.getLayer("dense1").getWeights();
  assert.deepEqual(k.shape, [784, 256]);
  assert.deepEqual(b.shape, [256]);
  assert.deepEqual(model.predict(tf.zeros([3, 784])).shape, [3, 10]);
});

test("notebook 003/004 convnets: output shapes and counts (516, 2,209,098, 121,930)", () => {
  const small = new models.Sequential([
    layers.Conv2D(8, [3, 3], { padding: "same", name: "conv1", inputShape: [4, 4, 3] }),
    layers.Conv2D(4, [3, 3], { padding: "same", name: "conv2" }),
  ]);
  assert.equal(small.countParams(), 516);
  const conv = (f: number): tf.layers.Layer => layers.Conv2D(f, [3, 3], { padding: "same", activation: "relu" });
  const cifar = new models.Sequential([
    layers.Input({ shape: [32, 32, 3] }), conv(32), conv(64), layers.MaxPooling2D([2, 2]), conv(128), conv(128),
    layers.MaxPooling2D([2, 2]), conv(256), conv(256), layers.MaxPooling2D([2, 2]), layers.Flatten(),
    layers.Dense(256), layers.Activation("relu"), layers.Dense(128), layers.Activation("relu"),
    layers.Dense(10, { activation: "softmax" }),
  ]);
  assert.equal(cifar.countParams(), 2209098);
  const mnist = new models.Sequential();
  mnist.add(layers.Conv2D(32, [3, 3], { activation: "relu", inputShape: [28, 28, 1] }));
  mnist.add(layers.MaxPooling2D([2, 2]));
  mnist.add(layers.Conv2D(64, [3, 3], { activation: "relu" }));
  mnist.add(layers.MaxPooling2D([2, 2]));
  assert.equal(mnist.countParams(), 18816);
  const text = mnist.summary(() => {});
  assert.match(text, /\(None, 26, 26, 32\)/);
  assert.match(text, /\(None, 13, 13, 32\)/);
  assert.match(text, /\(None, 11, 11, 64\)/);
  assert.match(text, /\(None, 5, 5, 64\)/);
  mnist.add(layers.Flatten());
  mnist.add(layers.Dense(64, { activation: "relu" }));
  mnist.add(layers.Dense(10, { activation: "softmax" }));
  assert.equal(mnist.countParams(), 121930);
});

test("BatchNormalization's moving statistics are non-trainable parameters", () => {
  const m = new models.Sequential([layers.Input({ shape: [8, 8, 3] }), layers.Conv2D(4, 3), layers.BatchNormalization()]);
  assert.equal(m.countParams(), 3 * 3 * 3 * 4 + 4 + 4 * 4);
  assert.equal(m.trainableWeights.length, 4);
  assert.equal(m.nonTrainableWeights.length, 2);
  assert.match(m.summary(() => {}), / Non-trainable params: 8 \(32\.00 B\)/);
});

test("a Sequential built from another model's layers shares them and their weights", () => {
  const a = new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(4), layers.Dense(3), layers.Dense(2)]);
  const b = new models.Sequential(a.layers.slice(0, -1));
  b.add(layers.Dense(1));
  assert.equal(b.layers[0], a.layers[0]);
  assert.equal(b.layers[0].weights[0], a.layers[0].weights[0]);
  assert.deepEqual(b.predict(tf.ones([2, 5])).shape, [2, 1]);
  a.layers[0].trainable = false;
  assert.equal(b.trainableWeights.length, 2 + 2);
});

test("layers are callable on eager tensors (notebook 003's pooling on an image)", () => {
  const img = tf.reshape(tf.range(16, undefined, 1, "float32"), [1, 4, 4, 1]);
  const pooled = layers.MaxPool2D(2)(img);
  assert.deepEqual(pooled.arraySync(), [[[[5], [7]], [[13], [15]]]]);
  const avg = layers.AveragePooling2D({ poolSize: 2 })(img);
  assert.deepEqual(avg.arraySync(), [[[[2.5], [4.5]], [[10.5], [12.5]]]]);
});

test("a residual block (notebook 001) in the functional API", () => {
  const inputs = layers.Input({ shape: [6, 6, 4] });
  let x = layers.Conv2D(4, 3, { padding: "same" })(inputs);
  x = layers.BatchNormalization()(x);
  x = layers.Add()([inputs, x]);
  const m = new models.Model({ inputs, outputs: x });
  assert.deepEqual(m.predict(tf.ones([2, 6, 6, 4])).shape, [2, 6, 6, 4]);
  assert.match(m.summary(() => {}), /Connected to/);
});

test("clear errors: shapes, a 3x3 valid conv over 2x2, unknown names", () => {
  assert.throws(() => new models.Sequential([layers.Input({ shape: [2, 2, 8] }), layers.Conv2D(4, [3, 3])]), /Conv2D conv2d\w*: the output size would be 0 \(0x0\): input \(None, 2, 2, 8\) is too small for kernel 3x3/);
  assert.throws(() => layers.Dense(0), /Dense: units must be a positive integer/);
  assert.throws(() => layers.Dense(3, { activation: "relux" }), /unknown activation "relux"/);
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  assert.throws(() => m.predict(tf.ones([4, 5])), /Sequential \w+: expects shape \(None, 3\) but got \(4, 5\); every axis but the first/);
  assert.throws(() => m.getLayer("nope"), /no layer named "nope"/);
});

test("getLayer takes Keras' keyword form get_layer(name=...) / get_layer(index=...) too", () => {
  const inputs = layers.Input({ shape: [3], name: "in" });
  const m = new models.Model({ inputs, outputs: layers.Dense(2, { name: "head" })(layers.Dense(4, { name: "body" })(inputs)) });
  assert.equal(m.getLayer({ name: "body" }), m.getLayer("body"));
  assert.equal(m.getLayer({ index: 2 }).name, "head");
  assert.equal(m.getLayer({ index: -1 }).name, "head");
  assert.throws(() => m.getLayer({ name: "body", index: 1 }), /^TypeError: getLayer: provide only a layer name or a layer index, got index 1 and name "body"/);
  assert.throws(() => m.getLayer({}), /^TypeError: getLayer: provide either a layer name or a layer index/);
  assert.throws(() => m.getLayer({ name: "nope" }), /no layer named "nope" in model \w+; its layers are in, body, head/);
  assert.throws(() => m.getLayer({ index: 3 }), /index 3 is out of range; model \w+ has 3 layers/);
  assert.throws(() => m.getLayer({ index: 1.5 }), /getLayer: index must be an integer, got 1\.5/);
  assert.throws(() => m.getLayer({ nme: "body" } as never), /getLayer: unknown option nme/);
  assert.throws(() => m.getLayer(null as never), /getLayer: expected a layer name, an index or \{ name \} \/ \{ index \}, got null/);
});

test("after training, summary adds the optimizer's variables as Keras 3 does", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  m.compile({ loss: "mse", optimizer: "adam" });
  await m.fit(tf.ones([4, 3]), tf.ones([4, 2]), { verbose: 0 });
  const text = m.summary(() => {});
  // Adam: iteration + learning_rate + 2 slots of each weight (8 values): 1 + 1 + 16.
  assert.match(text, / Optimizer params: 18 /);
  assert.match(text, / Total params: 26 /);
});

test("integer inputs (uint8 images) are promoted to float32 like Keras' layers do", () => {
  const m = new models.Sequential([layers.Input({ shape: [2, 2] }), layers.Flatten(), layers.Dense(1, { kernelInitializer: "ones" })]);
  const out = m.predict(tf.constant([[[1, 2], [3, 4]]], "uint8"));
  assert.equal(out.dtype, "float32");
  assert.deepEqual(out.arraySync(), [[10]]);
});

test("float64 data runs through a float32 model (Keras' autocast); functional models are named functional", async () => {
  const inputs = layers.Input({ shape: [2] });
  const m = new models.Model({ inputs, outputs: layers.Dense(1, { kernelInitializer: "ones" })(inputs) });
  assert.match(m.name, /^functional(_\d+)?$/);
  const out = m.predict(tf.constant([[1, 2]], "float64"));
  assert.equal(out.dtype, "float32");
  assert.deepEqual(out.arraySync(), [[3]]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  const h = await m.fit(tf.constant([[1, 2], [3, 4]], "float64"), tf.constant([[1], [2]], "float64"), { verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
});

test("layer names must be unique in a model, as Keras requires (saved files key weights by name)", () => {
  const d = (name: string): tf.layers.Layer => layers.Dense(2, { name });
  assert.throws(() => new models.Sequential([layers.Input({ shape: [3] }), d("d"), d("d")]), /^Error: Sequential .*\.add: the name "d" is already the name of a layer in this model; layer names must be unique/);
  const input = layers.Input({ shape: [3] });
  const a = d("twin")(input), b = d("twin")(input);
  assert.throws(() => new models.Model({ inputs: input, outputs: layers.Add()([a, b]) }), /the name "twin" is used 2 times in the model; layer names must be unique/);
  // One layer called twice (shared weights) is one layer, not a duplicate.
  const shared = d("shared");
  const m = new models.Model({ inputs: input, outputs: layers.Add()([shared(input), shared(input)]) });
  assert.equal(m.layers.filter((l) => l.name === "shared").length, 1);
  // The Keras case this guards: a model reloaded in a new process keeps its saved names, while a
  // new layer's name comes from a counter that starts again; two "dense" layers are refused.
  tf.clearSession();
  const loaded = new models.Sequential([layers.Input({ shape: [3] }), d("dense"), d("dense_1")]);
  assert.throws(() => new models.Sequential([...loaded.layers.slice(0, -1), layers.Dense(1)]), /the name "dense" is already the name of a layer/);
});

test("a functional model lists its layers in Keras' order: deepest first, then as met from the outputs", () => {
  // Expected orders printed by Keras 3.5 for the same graphs (keras.Model(...).layers).
  const names = (m: tf.models.Model): string[] => m.layers.map((l) => l.name);
  const a = layers.Input({ shape: [3], name: "a" }), b = layers.Input({ shape: [3], name: "b" });
  const h = layers.Dense(3, { name: "d2" })(layers.Dense(3, { name: "d1" })(b));
  const twoInputs = new models.Model({ inputs: [a, b], outputs: layers.Concatenate({ name: "cat" })([a, h]) });
  assert.deepEqual(names(twoInputs), ["b", "d1", "a", "d2", "cat"]);
  assert.deepEqual(twoInputs.weights.map((w) => w.name), ["d1/kernel", "d1/bias", "d2/kernel", "d2/bias"]);
  const x = layers.Input({ shape: [3], name: "x" });
  const shared = layers.Dense(3, { name: "shared" });
  const sharedAtTwoDepths = new models.Model({ inputs: x, outputs: layers.Add({ name: "sum" })([shared(x), shared(layers.Dense(3, { name: "pre" })(x))]) });
  assert.deepEqual(names(sharedAtTwoDepths), ["x", "pre", "shared", "sum"]);
  const unused = layers.Input({ shape: [2], name: "unused" });
  assert.deepEqual(names(new models.Model({ inputs: [x, unused], outputs: layers.Dense(1, { name: "o" })(x) })), ["x", "unused", "o"]);
});

test("layer.output, layer.input and model.input/output give the symbolic tensors of a functional graph, as in Keras", () => {
  tf.random.setSeed(5);
  const input = layers.Input({ shape: [6, 6, 1], name: "image" });
  const conv = layers.Conv2D(4, 3, { name: "conv", activation: "relu" });
  const features = layers.Flatten({ name: "flat" })(layers.MaxPooling2D(2, { name: "pool" })(conv(input)));
  const output = layers.Dense(3, { activation: "softmax", name: "out" })(features);
  const model = new models.Model({ inputs: input, outputs: output });
  assert.equal(model.input, input);
  assert.equal(model.output, output);
  assert.equal(model.getLayer("flat").output, features);
  assert.equal(conv.input, input);
  // A feature extractor from a layer's output shares the layers and weights (Keras' idiom).
  const extractor = new models.Model({ inputs: model.input, outputs: model.getLayer("pool").output });
  const x = tf.random.normal([2, 6, 6, 1]);
  const direct = layers.MaxPooling2D(2).apply(conv.apply(x)) as tf.Tensor;
  assert.deepEqual(Array.from(extractor.predict(x).dataSync() as Float32Array), Array.from(direct.dataSync() as Float32Array));
  // Several inputs and outputs come back as lists; a merge layer's input is the list it was called on.
  const a = layers.Input({ shape: [2], name: "a" }), b = layers.Input({ shape: [2], name: "b" });
  const add = layers.Add({ name: "plus" });
  const sum = add([a, b]);
  const two = new models.Model({ inputs: [a, b], outputs: [sum, layers.Dense(1)(sum)] });
  assert.deepEqual(two.input, [a, b]);
  assert.equal((two.output as unknown[]).length, 2);
  assert.deepEqual(add.input, [a, b]);
  // Keras: "has never been called and thus has no defined output".
  assert.throws(() => layers.Dense(2, { name: "lonely" }).output, /^Error: Dense lonely: the layer has never been called on a symbolic tensor, so it has no output; call it on layers\.Input/);
});

test("a Sequential with a known input shape calls its layers symbolically, as Keras' does: inputs, outputs, layer.output", () => {
  tf.random.setSeed(6);
  const seq = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { name: "d1" }), layers.Dense(2, { name: "d2" })]);
  // Keras 3.5, same model: inputs/outputs are lists of symbolic tensors; input/output belong to
  // the Sequential's own calls, and it was never called.
  assert.deepEqual(seq.inputs.map((t) => [...t.shape]), [[null, 4]]);
  assert.deepEqual(seq.outputs.map((t) => [...t.shape]), [[null, 2]]);
  assert.equal(seq.getLayer("d1").input, seq.inputs[0]);
  assert.equal(seq.getLayer("d2").output, seq.outputs[0]);
  assert.throws(() => seq.output, /Sequential sequential.*: the layer has never been called on a symbolic tensor, so it has no output/);
  const extractor = new models.Model({ inputs: seq.inputs, outputs: seq.getLayer("d1").output });
  const x = tf.random.normal([3, 4]);
  assert.deepEqual(Array.from(extractor.predict(x).dataSync() as Float32Array), Array.from((seq.getLayer("d1").apply(x) as tf.Tensor).dataSync() as Float32Array));
  // Built by the constructor once (one call per layer); each add() rebuilds, as Keras' does (Keras: [3, 2, 1]).
  assert.deepEqual(seq.layers.map((l) => l.inboundNodes.length), [1, 1]);
  const grown = new models.Sequential();
  grown.add(layers.Input({ shape: [4] }));
  for (const name of ["f1", "f2", "f3"]) grown.add(layers.Dense(3, { name }));
  assert.deepEqual(grown.layers.map((l) => l.inboundNodes.length), [3, 2, 1]);
  // Before its input shape is known, there is nothing symbolic yet (Keras: "no defined inputs yet").
  const lazy = new models.Sequential([layers.Dense(3, { name: "e1" })]);
  assert.throws(() => lazy.inputs, /Sequential .* has no defined inputs yet: start it with layers\.Input/);
  assert.throws(() => lazy.getLayer("e1").output, /Dense e1: the layer has never been called on a symbolic tensor/);
  lazy.predict(tf.ones([2, 5]));
  assert.deepEqual([...(lazy.getLayer("e1").output as tf.layers.SymbolicTensor).shape], [null, 3]);
});

test("fit, evaluate and predict take x as an object keyed by input name, as Keras does", async () => {
  const a = layers.Input({ shape: [3], name: "a" }), b = layers.Input({ shape: [2], name: "b" });
  const m = new models.Model({ inputs: [a, b], outputs: layers.Dense(1, { name: "out" })(layers.Concatenate()([a, b])) });
  m.compile({ loss: "mse", optimizer: "sgd" });
  const xa = tf.constant([[1, 2, 3], [4, 5, 6]]), xb = tf.constant([[7, 8], [9, 10]]);
  // The object's key order does not matter: inputs are matched by name.
  const byName = m.predict({ b: xb, a: xa });
  assert.deepEqual(byName.arraySync(), m.predict([xa, xb]).arraySync());
  const y = tf.constant([[1], [2]]);
  assert.equal(await m.evaluate({ a: xa, b: xb }, y, { verbose: 0 }), await m.evaluate([xa, xb], y, { verbose: 0 }));
  const h = await m.fit({ a: xa, b: xb }, { out: y }, { epochs: 1, verbose: 0, validationData: [{ a: xa, b: xb }, y] });
  assert.deepEqual(Object.keys(h.history).sort(), ["loss", "val_loss"]);
  await assert.rejects(m.evaluate({ a: xa, b: xb }, { output: y }, { verbose: 0 }), /^RangeError: evaluate: y has labels for "output", which is not an output of the model; its outputs are named "out"/);
  assert.throws(() => m.predict({ a: xa, c: xb }), /^RangeError: predict: x is keyed by "a", "c" but the model's inputs are named "a", "b" \(missing "b"\); use those names, or pass a list in input order/);
});

/** Rejects (or throws) an error of class `type` whose message matches every pattern. */
async function refuses(run: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(async () => run(), (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("fit, evaluate and predict refuse options they do not take, and a validationSplit that is not a number in (0, 1)", async () => {
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.ones([10, 2]), y = tf.ones([10, 1]);
  const before = model.getWeights().map((w) => [...w.dataSync()]);
  await refuses(() => model.fit(x, y, { epoch: 3, verbose: 0 } as never), TypeError, /^fit: unknown option epoch; valid options are epochs, batchSize/);
  await refuses(() => model.fit(x, y, { batch_size: 4, verbose: 0 } as never), TypeError, /^fit: unknown option batch_size; lamina spells Keras' batch_size as batchSize/);
  await refuses(() => model.evaluate(x, y, { batch_size: 4, verbose: 0 } as never), TypeError, /^evaluate: unknown option batch_size; lamina spells/);
  await refuses(() => model.predict(x, { shuffle: false } as never), TypeError, /^predict: unknown option shuffle; valid options are batchSize, steps, verbose/);
  await refuses(() => model.fit(x, y, { validationSplit: NaN, verbose: 0 }), RangeError, /^fit: validationSplit must be a number in \(0, 1\), got NaN/);
  await refuses(() => model.fit(x, y, { validationSplit: "0.2" as never, verbose: 0 }), RangeError, /validationSplit must be a number in \(0, 1\), got "0\.2"/);
  await refuses(() => model.fit(x, y, { epochs: 2, initialEpoch: -1, verbose: 0 }), RangeError, /^fit: initialEpoch must be a non-negative integer \(the epoch to resume at\), got -1/);
  await refuses(() => model.fit(x, y, { epochs: 2, initialEpoch: 0.5, verbose: 0 }), RangeError, /initialEpoch must be a non-negative integer/);
  // Nothing was trained by the refused calls; validationSplit 0 still means none.
  assert.deepEqual(model.getWeights().map((w) => [...w.dataSync()]), before);
  const h = await model.fit(x, y, { validationSplit: 0, verbose: 0 });
  assert.deepEqual(Object.keys(h.history), ["loss"]);
});

test("each Sequential build takes a number from the functional models' automatic names, as in Keras 3.5", () => {
  // Keras 3.5's Sequential.build makes a Functional of its layers, named from the same counter as
  // keras.Model(inputs, outputs); the names below are what Keras 3.5 gives for the same sequence.
  tf.clearSession();
  const functionalName = (): string => {
    const i = layers.Input({ shape: [3] });
    return new models.Model({ inputs: i, outputs: layers.Dense(1)(i) }).name;
  };
  const s1 = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  assert.equal(functionalName(), "functional_1");
  const s2 = new models.Sequential([layers.Dense(2)]);
  s2.add(layers.Dense(3)); // no input shape yet: not built
  assert.equal(functionalName(), "functional_2");
  s2.apply(tf.zeros([1, 4])); // built on its first call
  assert.equal(functionalName(), "functional_4");
  s1.add(layers.Dense(4)); // rebuilt
  assert.equal(functionalName(), "functional_6");
  s1.pop(); // rebuilt
  assert.equal(functionalName(), "functional_8");
  new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)], { name: "named" });
  assert.equal(functionalName(), "functional_10");
});
