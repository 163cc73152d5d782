/**
 * tf.config / tf.backend against Keras 3.5: every expected number and shape below was printed by
 * Keras 3.5 (torch backend) after the same keras.config setter. Each test restores the global
 * state it changes in a finally block.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "./index.js";
import { setLogSink } from "./models/callbacks/output.js";
import { resetUnsafeDeserialization, inSafeMode } from "./io/custom_objects.js";

const { config, layers, losses } = tf;
const close = (a0: number | bigint, b: number, tol = 1e-6): void => { const a = Number(a0); assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`); };

test("defaults are Keras': epsilon 1e-7, float32, channels_last, interactive logging on", () => {
  assert.equal(config.epsilon(), 1e-7);
  assert.equal(config.floatx(), "float32");
  assert.equal(config.imageDataFormat(), "channels_last");
  assert.equal(config.isInteractiveLoggingEnabled(), true);
  assert.equal(config.dtypePolicy().name, "float32");
  assert.equal(config.backend(), tf.getBackend());
});

test("setEpsilon changes the clipping and divisions of later losses and ops, as keras.config.set_epsilon", () => {
  try {
    config.setEpsilon(1e-2);
    assert.equal(tf.backend.epsilon(), 1e-2);
    const yt = tf.constant([[0, 1, 0], [1, 0, 0]], "float32"), yp = tf.constant([[0, 1, 0], [0.5, 0.5, 0]], "float32");
    close(losses.CategoricalCrossentropy().apply(yt, yp).dataSync()[0], 0.35159874);
    close(losses.BinaryCrossentropy().apply(tf.constant([[1, 0]], "float32"), tf.constant([[1, 0]], "float32")).dataSync()[0], 0.010050327);
    close(losses.MeanAbsolutePercentageError().apply(tf.constant([[0, 2]], "float32"), tf.constant([[1, 1]], "float32")).dataSync()[0], 5025.0);
    const n = tf.ops.normalize(tf.constant([[0.001, 0]], "float32")).dataSync();
    close(n[0], 0.10000001);
    assert.equal(n[1], 0);
  } finally {
    config.setEpsilon(1e-7);
  }
  // Back at 1e-7 the same loss is Keras' default value again: -log(1 - 1e-7) + log(2) / 2.
  const yt = tf.constant([[0, 1, 0], [1, 0, 0]], "float32"), yp = tf.constant([[0, 1, 0], [0.5, 0.5, 0]], "float32");
  close(losses.CategoricalCrossentropy().apply(yt, yp).dataSync()[0], Math.LN2 / 2, 1e-5);
  assert.throws(() => config.setEpsilon(-1), /epsilon must be a finite number >= 0/);
});

test("setImageDataFormat('channels_first') is every layer's and op's default dataFormat, as Keras", () => {
  try {
    config.setImageDataFormat("Channels_First");
    assert.equal(config.imageDataFormat(), "channels_first");
    const input = layers.Input({ shape: [3, 8, 8] });
    const conv = layers.Conv2D(4, 3);
    const y = conv.apply(input) as tf.layers.SymbolicTensor;
    assert.deepEqual(y.shape, [null, 4, 6, 6]);
    assert.equal(conv.getConfig().data_format, "channels_first");
    const pool = layers.MaxPooling2D();
    assert.deepEqual((pool.apply(y) as tf.layers.SymbolicTensor).shape, [null, 4, 3, 3]);
    assert.equal(pool.getConfig().data_format, "channels_first");
    assert.deepEqual((layers.GlobalAveragePooling2D().apply(y) as tf.layers.SymbolicTensor).shape, [null, 4]);
    const x = tf.reshape(tf.range(0, 2 * 3 * 4 * 4, 1, "float32"), [2, 3, 4, 4]);
    assert.deepEqual(tf.ops.averagePool(x, 2, 2).shape, [2, 3, 2, 2]);
    assert.deepEqual(Array.from((layers.Flatten().apply(x) as tf.Tensor).dataSync().slice(0, 6), Number), [0, 16, 32, 1, 17, 33]);
    // An explicit dataFormat still wins.
    assert.equal(layers.Conv2D(4, 3, { dataFormat: "channels_last" }).getConfig().data_format, "channels_last");
  } finally {
    config.setImageDataFormat("channels_last");
  }
  assert.equal(layers.Conv2D(4, 3).getConfig().data_format, "channels_last");
  assert.throws(() => config.setImageDataFormat("nchw"), /must be "channels_last".*got "nchw"/);
});

test("setFloatx('float64') is the default dtype of layers, weights and float literals; float16 is refused", () => {
  try {
    config.setFloatx("float64");
    const dense = layers.Dense(2);
    dense.build([null, 3]);
    assert.equal(dense.dtype, "float64");
    assert.ok(dense.getWeights().every((w) => w.dtype === "float64"));
    assert.equal(tf.constant([0.5]).dtype, "float64");
    assert.equal(tf.zeros([2]).dtype, "float64");
    assert.equal(tf.initializers.GlorotUniform().call([2, 2]).dtype, "float64");
    assert.equal(tf.backend.standardizeDtype(null), "float64");
    assert.equal(config.dtypePolicy().name, "float64");
    // A float32 policy outranks floatx for layers, as in Keras.
    try {
      config.setDtypePolicy("float32");
      assert.equal(layers.Dense(2).dtype, "float32");
    } finally {
      config.setDtypePolicy(null);
    }
  } finally {
    config.setFloatx("float32");
  }
  assert.equal(tf.constant([0.5]).dtype, "float32");
  assert.throws(() => config.setFloatx("float16"), /lamina has no float16 tensors/);
  assert.throws(() => config.setDtypePolicy("mixed_float16"), /supports only the "float32" policy/);
});

test("disableInteractiveLogging sends progress bars, callback messages and summaries to the log sink", async () => {
  const logged: string[] = [];
  const printed: string[] = [];
  const log = console.log;
  try {
    config.disableInteractiveLogging();
    setLogSink((m) => void logged.push(m));
    console.log = (s: string) => void printed.push(s);
    const model = new tf.models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
    model.compile({ loss: "mse", optimizer: "sgd" });
    await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 2, verbose: 1 });
    model.summary();
  } finally {
    console.log = log;
    setLogSink(null);
    config.enableInteractiveLogging();
  }
  assert.deepEqual(printed, []);
  assert.ok(logged.includes("Epoch 1/2") && logged.includes("Epoch 2/2"), logged.join("|"));
  // A log record cannot be rewritten: each epoch's bar is one line, without backspaces.
  assert.ok(logged.some((m) => /^1\/1 .* - loss: /.test(m) && !m.includes("\b")), logged.join("|"));
  assert.ok(logged.some((m) => m.includes("Total params:") && m.includes("Layer (type)")), "the summary table is one log message");
});

test("enableUnsafeDeserialization overrides safeMode for every later load, as Keras' global", () => {
  assert.equal(inSafeMode(undefined), true);
  try {
    config.enableUnsafeDeserialization();
    assert.equal(inSafeMode(true), false);
  } finally {
    resetUnsafeDeserialization();
  }
  assert.equal(inSafeMode(true), true);
});

test("backend dtype helpers give Keras 3.5's answers on lamina's dtypes", () => {
  const B = tf.backend;
  const D = ["bool", "uint8", "int32", "int64", "float32", "float64"];
  // keras.backend.result_type over every pair (Keras 3.5): the later of the two in this order.
  for (const [i, a] of D.entries()) for (const [j, b] of D.entries()) assert.equal(B.resultType(a, b), D[Math.max(i, j)], `${a}, ${b}`);
  assert.equal(B.resultType("int64", "float32"), "float32");
  assert.equal(B.resultType("int32", "uint8", "float32"), "float32");
  assert.equal(B.resultType(), "float32");
  assert.equal(B.standardizeDtype("int"), "int32");
  assert.throws(() => B.standardizeDtype("float"), /invalid dtype "float"/);
  assert.throws(() => B.standardizeDtype("float16"), /lamina has no float16 tensors/);
  assert.deepEqual([B.isFloatDtype("bfloat16"), B.isIntDtype("uint8"), B.isIntDtype("bool")], [true, true, false]);
  assert.equal(B.isKerasTensor(layers.Input({ shape: [2] })), true);
  assert.equal(B.isKerasTensor(tf.zeros([2])), false);
  B.clearSession();
  layers.Dense(1);
  assert.equal(B.getUid("dense"), 2);
  assert.equal(layers.Dense(1).name, "dense_2");
  assert.equal(tf.utils.standardizeDtype("int"), "int32");
});
