import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { serializeKerasObject, deserializeKerasObject } from "./keras_object.js";
import { registerKerasSerializable, getCustomObjects } from "./custom_objects.js";

// Written by Keras 3.5: json.dumps(keras.saving.serialize_keras_object(obj)) for each object.
const DTYPE = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
const KERAS = {
  relu: { module: "builtins", class_name: "function", config: "relu", registered_name: "function" },
  swish: { module: "builtins", class_name: "function", config: "silu", registered_name: "function" },
  dense: {
    module: "keras.layers", class_name: "Dense", registered_name: null,
    config: {
      name: "d", trainable: true, dtype: DTYPE, units: 3, activation: "linear", use_bias: true,
      kernel_initializer: { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null },
      bias_initializer: { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null },
      kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  },
  loss: { module: "keras.losses", class_name: "MeanSquaredError", config: { name: "mean_squared_error", reduction: "sum_over_batch_size" }, registered_name: null },
  lossFn: { module: "builtins", class_name: "function", config: "mean_squared_error", registered_name: "function" },
  metric: { module: "keras.metrics", class_name: "Accuracy", config: { name: "accuracy", dtype: "float32" }, registered_name: null },
  metricFn: { module: "builtins", class_name: "function", config: "binary_accuracy", registered_name: "function" },
  sched: { module: "keras.optimizers.schedules", class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9, staircase: false, name: "ExponentialDecay" }, registered_name: null },
  init: { module: "keras.initializers", class_name: "HeNormal", config: { seed: 1 }, registered_name: null },
  reg: { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null },
  l1l2: { module: "keras.regularizers", class_name: "L1L2", config: { l1: 0.01, l2: 0.02 }, registered_name: null },
  con: { module: "keras.constraints", class_name: "MaxNorm", config: { max_value: 2, axis: 0 }, registered_name: null },
  // Keras' SGD config (its module is the backend's class on torch: "keras.src.backend.torch.optimizers.torch_sgd").
  sgdConfig: {
    name: "SGD", learning_rate: 0.009999999776482582, weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null,
    use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null,
    momentum: 0.0, nesterov: false,
  },
};

test("serializeKerasObject writes each kind of object as Keras 3.5's serialize_keras_object", () => {
  assert.deepEqual(serializeKerasObject(tf.activations.relu), KERAS.relu);
  assert.deepEqual(serializeKerasObject(tf.activations.swish), KERAS.swish);
  assert.deepEqual(serializeKerasObject(tf.layers.Dense(3, { name: "d" })), KERAS.dense);
  assert.deepEqual(serializeKerasObject(tf.losses.MeanSquaredError()), KERAS.loss);
  assert.deepEqual(serializeKerasObject(tf.losses.meanSquaredError), KERAS.lossFn);
  assert.deepEqual(serializeKerasObject(tf.metrics.Accuracy()), KERAS.metric);
  assert.deepEqual(serializeKerasObject(tf.metrics.binaryAccuracy), KERAS.metricFn);
  assert.deepEqual(serializeKerasObject(tf.optimizers.schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 })), KERAS.sched);
  assert.deepEqual(serializeKerasObject(tf.initializers.HeNormal({ seed: 1 })), KERAS.init);
  assert.deepEqual(serializeKerasObject(tf.regularizers.L2(0.01)), KERAS.reg);
  assert.deepEqual(serializeKerasObject(tf.regularizers.l1_l2({ l1: 0.01, l2: 0.02 })), KERAS.l1l2);
  assert.deepEqual(serializeKerasObject(tf.constraints.MaxNorm({ maxValue: 2 })), KERAS.con);
  // Keras with the TensorFlow backend: module "keras.optimizers" (the torch backend names its own subclass).
  assert.deepEqual(serializeKerasObject(tf.optimizers.SGD()), { module: "keras.optimizers", class_name: "SGD", config: KERAS.sgdConfig, registered_name: null });
  // Python primitives, lists and dicts pass through; a tensor is Keras' "__tensor__".
  assert.deepEqual(serializeKerasObject([1, "a", null, { x: 1.5, y: [true] }]), [1, "a", null, { x: 1.5, y: [true] }]);
  assert.equal(serializeKerasObject(null), null);
  assert.deepEqual(serializeKerasObject(tf.constant([1, 2], "int32")), { class_name: "__tensor__", config: { value: [1, 2], dtype: "int32" } });
});

test("serializeKerasObject writes a model in Keras' Sequential layout", () => {
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(2, { name: "dense" })]);
  const out = serializeKerasObject(model) as Record<string, unknown>;
  assert.equal(out.module, "keras");
  assert.equal(out.class_name, "Sequential");
  const layers = (out.config as { layers: { class_name: string; config: { batch_shape?: unknown } }[] }).layers;
  assert.deepEqual(layers.map((l) => l.class_name), ["InputLayer", "Dense"]);
  assert.deepEqual(layers[0].config.batch_shape, [null, 3]);
  const back = deserializeKerasObject(out);
  assert.ok(back instanceof tf.models.Sequential);
  assert.deepEqual((back as tf.models.Sequential).layers.map((l) => l.name), ["dense"]);
});

test("deserializeKerasObject reads Keras-written configs into lamina objects, and round-trips", () => {
  assert.equal(deserializeKerasObject(KERAS.relu), tf.activations.relu);
  assert.equal(deserializeKerasObject(KERAS.swish), tf.activations.silu);
  assert.equal(deserializeKerasObject(KERAS.lossFn), tf.losses.meanSquaredError);
  assert.equal(deserializeKerasObject(KERAS.metricFn), tf.metrics.binaryAccuracy);
  const dense = deserializeKerasObject(KERAS.dense) as Layer;
  assert.equal(dense.className, "Dense");
  assert.equal(dense.name, "d");
  const loss = deserializeKerasObject(KERAS.loss);
  assert.ok(loss instanceof tf.losses.Loss && loss.className === "MeanSquaredError");
  assert.ok(deserializeKerasObject(KERAS.metric) instanceof tf.metrics.Metric);
  // The optimizer as Keras on torch writes it (backend module, registered_name "SGD").
  const sgd = deserializeKerasObject({ module: "keras.src.backend.torch.optimizers.torch_sgd", class_name: "SGD", config: { ...KERAS.sgdConfig, learning_rate: 0.5 }, registered_name: "SGD" });
  assert.ok(sgd instanceof tf.optimizers.Optimizer);
  assert.equal((sgd as tf.optimizers.Optimizer).getConfig().learning_rate, 0.5);
  for (const key of ["sched", "init", "reg", "l1l2", "con", "dense", "loss", "metric"] as const) {
    assert.deepEqual(serializeKerasObject(deserializeKerasObject(KERAS[key])), KERAS[key], key);
  }
  const t = deserializeKerasObject({ class_name: "__numpy__", config: { value: [[1, 2]], dtype: "float32" } }) as Tensor;
  assert.deepEqual([t.shape, t.dtype, t.arraySync()], [[1, 2], "float32", [[1, 2]]]);
  assert.deepEqual(deserializeKerasObject({ a: [1, KERAS.relu], b: "x" }), { a: [1, tf.activations.relu], b: "x" });
});

class Scale extends Layer {
  readonly factor: number;
  constructor(args: LayerArgs & { factor?: number } = {}) { super(args); this.factor = args.factor ?? 2; }
  call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, this.factor); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor }; }
}
class Halver {
  constructor(readonly config: { rate?: number } = {}) {}
  getConfig(): Record<string, unknown> { return { rate: this.config.rate ?? 0.5 }; }
}

test("custom classes and functions: registered ones round-trip, others need customObjects", () => {
  registerKerasSerializable(Scale, { package: "kobj" });
  registerKerasSerializable(Halver, { package: "kobj" });
  try {
    const s = serializeKerasObject(new Scale({ name: "s", factor: 3 })) as Record<string, unknown>;
    // Keras: { module: <the class's module>, class_name, config, registered_name: "<package>><name>" }.
    assert.deepEqual([s.class_name, s.registered_name], ["Scale", "kobj>Scale"]);
    const back = deserializeKerasObject(s);
    assert.ok(back instanceof Scale && back.factor === 3 && back.name === "s");
    const h = serializeKerasObject(new Halver({ rate: 0.25 }));
    assert.deepEqual(h, { module: "kobj", class_name: "Halver", config: { rate: 0.25 }, registered_name: "kobj>Halver" });
    const hb = deserializeKerasObject(h);
    assert.ok(hb instanceof Halver && hb.config.rate === 0.25);
  } finally {
    delete getCustomObjects()["kobj>Scale"];
    delete getCustomObjects()["kobj>Halver"];
  }
  function myAct(x: Tensor): Tensor { return x; }
  const f = serializeKerasObject(myAct);
  assert.deepEqual(f, { module: "builtins", class_name: "function", config: "myAct", registered_name: "function" });
  assert.throws(() => deserializeKerasObject(f), /could not locate function "myAct"; pass it in customObjects/);
  assert.equal(deserializeKerasObject(f, { customObjects: { myAct } }), myAct);
});

test("serializeKerasObject and deserializeKerasObject refuse what Keras cannot save or find, saying why", () => {
  assert.throws(() => serializeKerasObject(new (class Foo {})()), /cannot serialize an object of class Foo.*getConfig\(\)/);
  assert.throws(() => serializeKerasObject((x: number) => x), /anonymous function cannot be serialized/);
  assert.throws(() => deserializeKerasObject({ class_name: "L2", config: { l2: 0.1 } }), /could not locate class "L2".*module/);
  assert.throws(() => deserializeKerasObject({ module: "keras.losses", class_name: "NoSuchLoss", config: {} }), /unknown loss "NoSuchLoss"/);
  assert.throws(() => deserializeKerasObject({ class_name: "__lambda__", config: { value: ["x", null, null] } }), /Python lambda/);
});
