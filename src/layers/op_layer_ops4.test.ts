/**
 * The image, signal, CTC-decode, numpy and scatter operations on symbolic tensors, against Keras 3.5
 * (test/fixtures/symbolic_ops4.json and keras_files/symbolic_ops/ops_model4.keras, by
 * make_symbolic_ops4.py): the Keras-written model loads and predicts as Keras, writes Keras' config
 * back, and the same model built with lamina's ops writes Keras' entries. map_coordinates and
 * affine_transform, which Keras-torch cannot run on this machine's torch, are checked against
 * Keras' traced config and scipy's values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, assertOutputsClose } from "../testing/close.js";

const { layers, models } = tf;

interface Entry { name: string; inbound_nodes: unknown }
interface Config { layers: Entry[]; output_layers: unknown }
interface Fixture {
  img: number[]; sig: number[]; lab: number[]; lg: number[]; lg_len: number[]; coords: number[]; tr: number[];
  predictions: unknown[]; dtypes: string[]; config: Config; mc_config: Config; mc_predictions: unknown[];
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/symbolic_ops4.json", import.meta.url), "utf8")) as Fixture;
const f32 = (v: number[]): tf.Tensor => tf.constant(v, undefined, "float32");
const inputs = (): tf.Tensor[] => [f32(fx.img), f32(fx.sig), tf.constant(fx.lab, undefined, "int32"), f32(fx.lg), tf.constant(fx.lg_len, undefined, "int32")];

function checkPredictions(model: tf.models.Model, what: string): void {
  assertOutputsClose(model.predict(inputs()) as tf.Tensor[], fx.predictions, fx.dtypes, { rtol: 1e-4, atol: 1e-4, what });
}

/** make_symbolic_ops4.py's model, written with lamina's ops in Keras' order, so the names agree. */
function opsModel4(): tf.models.Model {
  tf.layers.clearSession();
  const img = layers.Input({ shape: [6, 6, 3], name: "img" });
  const sig = layers.Input({ shape: [16], name: "sig" });
  const lab = layers.Input({ shape: [], dtype: "int32", name: "lab" });
  const lg = layers.Input({ shape: [5, 4], name: "lg" });
  const lgLen = layers.Input({ shape: [], dtype: "int32", name: "lg_len" });
  const gray = ops.getItem(tf.image.rgbToGrayscale(img), ["...", 0]);
  const [re, im] = ops.rfft(sig);
  const [sre, sim] = ops.stft(sig, 8, 4, 8);
  const outputs = [
    tf.image.rgbToGrayscale(img), tf.image.rgbToHsv(img), tf.image.hsvToRgb(img),
    tf.image.extractPatches(img, 2), tf.image.extractPatches(img, [3, 2], { dilationRate: 1, padding: "same" }),
    tf.image.padImages(img, { topPadding: 1, leftPadding: 2, targetHeight: 9, targetWidth: 10 }),
    tf.image.cropImages(img, { topCropping: 1, leftCropping: 2, bottomCropping: 1, rightCropping: 0 }),
    ...ops.fft([sig, tf.mul(sig, 0.5)]), ...ops.fft2([gray, tf.mul(gray, 2)]), re, im, ops.irfft([re, im]), ops.irfft([re, im], 10),
    sre, sim, ops.istft([sre, sim], 8, 4, 8), ops.extractSequences(sig, 4, 3),
    ops.quantile(sig, 0.3, 1), ops.quantile(sig, tf.constant([0.25, 0.75], undefined, "float32"), -1, "nearest", true),
    ops.nanToNum(tf.log(tf.sub(sig, 0.5)), { nan: 1.5, neginf: -7 }), ops.digitize(sig, tf.constant([0.2, 0.5, 0.9], undefined, "float32")),
    ops.copy(sig), ops.array(sig), ops.inTopK(lab, sig, 3),
    ops.sliceUpdate(sig, [0, 4], tf.mul(ops.getItem(sig, [{}, { stop: 3 }]), 10)),
    ops.scatterUpdate(ops.copy(sig), tf.constant([[0, 1], [1, 5]], undefined, "int32"), tf.constant([7, 8], undefined, "float32")),
    ...ops.ctcDecode(lg, lgLen), ops.reshape(ops.psnr(img, tf.image.hsvToRgb(img), 1), [1]),
    ops.reshape(ops.vdot(ops.getItem(sig, 0), ops.getItem(sig, 1)), [1]),
    ops.scatter(tf.constant([[0, 1], [2, 3], [0, 1]], undefined, "int32"), ops.getItem(sig, [0, { stop: 3 }]), [4, 4]),
    ...ops.meshgrid(ops.getItem(sig, [0, { stop: 4 }]), ops.getItem(sig, [1, { stop: 3 }])),
    ...ops.meshgrid(ops.getItem(sig, [0, { stop: 4 }]), ops.getItem(sig, [1, { stop: 3 }]), { indexing: "ij" }),
    ops.bincount(ops.cast(tf.mul(sig, 4), "int32"), null, 6),
  ];
  return new models.Model({ inputs: [img, sig, lab, lg, lgLen], outputs, name: "ops_model4" });
}

/** Keras' entry with its numpy constants as lamina's tensors are written: "__tensor__" (as Keras writes a torch tensor). */
const asTensorConstants = (entry: Entry): Entry => JSON.parse(JSON.stringify(entry).replaceAll('"__numpy__"', '"__tensor__"')) as Entry;

function sameEntries(config: Config, want: Config): void {
  const mine = new Map(config.layers.map((l) => [l.name, l]));
  for (const entry of want.layers) assert.deepEqual(mine.get(entry.name), asTensorConstants(entry), entry.name);
  assert.equal(config.layers.length, want.layers.length);
  assert.deepEqual(config.output_layers, want.output_layers);
}

test("a Keras-written model of image, signal, ctc_decode, numpy and scatter ops loads, predicts as Keras and writes Keras' config back", async () => {
  const model = await models.loadModel("test/fixtures/keras_files/symbolic_ops/ops_model4.keras");
  checkPredictions(model, "loaded");
  assert.deepEqual(JSON.parse(model.toJSON()).config.layers, fx.config.layers);
});

test("the same model built with lamina's ops writes Keras 3.5's entries and predicts Keras' outputs", () => {
  const model = opsModel4();
  sameEntries(JSON.parse(model.toJSON()).config as Config, fx.config);
  checkPredictions(model, "built");
  // Bincount's length depends on the values: unknown, as Keras' (None, None).
  assert.deepEqual(model.outputs[model.outputs.length - 1].shape, [null, null]);
});

test("map_coordinates and affine_transform record Keras' entries, load from Keras' config and give scipy's values", () => {
  // Keras traced this model after ops_model4, in the same session: its names continue that model's.
  opsModel4();
  const img = layers.Input({ shape: [6, 6, 3], name: "img" });
  const coords = layers.Input({ shape: [2, 6, 6], name: "coords" });
  const tr = layers.Input({ shape: [8], name: "tr" });
  const built = new models.Model({
    inputs: [img, coords, tr], name: "mc_model",
    outputs: [tf.image.mapCoordinates(ops.getItem(img, [0, "...", 0]), ops.getItem(coords, 0), 1, { fillMode: "nearest" }), tf.image.affineTransform(img, tr, { fillMode: "nearest" })],
  });
  sameEntries(JSON.parse(built.toJSON()).config as Config, fx.mc_config);
  const loaded = models.Model.fromConfig(fx.mc_config as unknown as Record<string, unknown>) as tf.models.Model;
  for (const [what, model] of [["built", built], ["loaded", loaded]] as const) {
    const out = model.predict([f32(fx.img), f32(fx.coords), f32(fx.tr)]) as tf.Tensor[];
    out.forEach((t, i) => assertAllClose(t, fx.mc_predictions[i] as number[], { rtol: 1e-4, atol: 1e-4, what: `${what} output ${i}` }));
  }
});

test("ops Keras records with options lamina writes as Keras would: istft's length, extract_patches' strides", () => {
  tf.layers.clearSession();
  const sig = layers.Input({ shape: [16], name: "sig" });
  const [re, im] = ops.stft(sig, 8, 4, 8);
  const y = ops.istft([re, im], 8, 4, 8, 12);
  assert.deepEqual(y.shape, [null, 12]);
  const img = layers.Input({ shape: [6, 6, 3], name: "img" });
  const p = tf.image.extractPatches(img, [3, 2], { strides: [2, 1] });
  assert.deepEqual(p.shape, [null, 2, 5, 18]);
  const model = new models.Model({ inputs: [sig, img], outputs: [y, p] });
  const config = JSON.parse(model.toJSON()).config as { layers: { class_name: string; config: Record<string, unknown> }[] };
  // Keras 3.5's ISTFT takes length (its istft leaves it out when it records); written only when given.
  assert.deepEqual(config.layers.find((l) => l.class_name === "ISTFT")!.config, { sequence_length: 8, sequence_stride: 4, fft_length: 8, length: 12, window: "hann", center: true });
  assert.deepEqual(config.layers.find((l) => l.class_name === "ExtractPatches")!.config, { size: [3, 2], strides: [2, 1], dilation_rate: 1, padding: "valid", data_format: null });
  const again = models.Model.fromConfig(JSON.parse(model.toJSON()).config as Record<string, unknown>) as tf.models.Model;
  const x = tf.reshape(tf.range(0, 32, 1, "float32"), [2, 16]);
  assertAllClose((again.predict([x, tf.ones([2, 6, 6, 3])]) as tf.Tensor[])[0], ops.getItem(x, [{}, { stop: 12 }]), { rtol: 1e-4, atol: 1e-3, what: "istft(stft(x)) with length 12" });
});

test("ops Keras cannot write in a config are refused on symbolic tensors, naming the fix", () => {
  const sig = layers.Input({ shape: [16], name: "sig" });
  assert.throws(() => ops.stft(sig, 8, 4, 8, tf.ones([8])), /stft: called on a symbolic tensor.*window's name/);
  assert.throws(() => ops.bincount(ops.cast(sig, "int32"), tf.ones([16])), /ops\.bincount: called on a symbolic tensor.*weights/);
});
