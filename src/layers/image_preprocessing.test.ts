import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkGradients } from "../testing/gradcheck.js";

const { layers, models } = tf;
const vals = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);
/** [n, h, w, c] float32 holding 0, 1, 2, ... */
const ramp = (shape: number[]): tf.Tensor => tf.reshape(tf.range(shape.reduce((a, b) => a * b, 1), undefined, 1, "float32"), shape);
/** Element (b, y, x, c) of a flat NHWC array. */
const at = (v: number[], shape: number[], b: number, y: number, x: number, c: number): number => v[((b * shape[1] + y) * shape[2] + x) * shape[3] + c];

test("Resizing: shapes, values equal to tf.image.resize, nearest, cropToAspectRatio crops the center first", () => {
  const x = tf.random.uniform([2, 4, 6, 3], 0, 255, { seed: 1 });
  const r = layers.Resizing(3, 5);
  assert.equal(r.name.startsWith("resizing"), true);
  const y = r(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 3, 5, 3]);
  assert.deepEqual(vals(y), vals(tf.image.resize(x, [3, 5])));
  assert.deepEqual(vals(layers.Resizing(8, 2, { interpolation: "nearest" })(x) as tf.Tensor), vals(tf.image.resize(x, [8, 2], { method: "nearest" })));
  // 4x6 -> 2x2 with the aspect ratio kept: the centered 4x4 window (columns 1..4), then the resize.
  const cropped = layers.Resizing(2, 2, { cropToAspectRatio: true })(x) as tf.Tensor;
  assert.deepEqual(vals(cropped), vals(tf.image.resize(tf.slice(x, [0, 0, 1, 0], [2, 4, 4, 3]), [2, 2])));
  // A single image keeps rank 3; integer pixels come out as float32.
  const single = layers.Resizing(2, 3)(tf.constant([1, 2, 3, 4], [2, 2, 1], "int32")) as tf.Tensor;
  assert.deepEqual([single.shape, single.dtype], [[2, 3, 1], "float32"]);
  assert.deepEqual(r.computeOutputShape([null, 10, 12, 3]), [null, 3, 5, 3]);
  assert.deepEqual(r.computeOutputShape([10, 12, 3]), [3, 5, 3]);
  assert.throws(() => layers.Resizing(0, 5), /Resizing resizing_\d+: height must be a positive integer/);
  assert.throws(() => layers.Resizing(2, 2, { interpolation: "area" as "bilinear" }),
    /Resizing resizing_\d+: interpolation "area" is not supported; use "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5" \(Keras' resizing layers do not take "area"; tf.image.resize\(images, size, \{ method: "area" \}\) does\)/);
  assert.throws(() => layers.Resizing(2, 2, { interpolation: "cubic" as "bilinear" }), /interpolation "cubic" is not supported; use "bilinear", "nearest", "bicubic"/);
  assert.throws(() => r(tf.ones([4, 4])), /expects images of rank 3 .* or 4/);
});

interface ResizeFixture {
  images: Record<string, { shape: number[]; data: number[] }>;
  cases: { image: string; method: string; size: number[]; expected: number[] }[];
}
/** TF's bicubic / Lanczos kernels emulated in numpy: test/fixtures/make_image_resize.py. */
const resizeFixture = JSON.parse(readFileSync(new URL("../../test/fixtures/image_resize.json", import.meta.url), "utf8")) as ResizeFixture;
const resizeCase = (image: string, method: string, size: number[]): number[] => {
  const c = resizeFixture.cases.find((k) => k.image === image && k.method === method && k.size.join() === size.join());
  assert.ok(c, `no fixture case ${image} ${method} ${size}`);
  return c.expected;
};

test("Resizing bicubic, lanczos3 and lanczos5 equal TF's resize (numpy reference), also after cropToAspectRatio; differentiable; saved and loaded", async () => {
  const img = resizeFixture.images.a;
  const x = tf.constant(img.data, [1, ...img.shape], "float32");
  for (const [method, size] of [["bicubic", [9, 13]], ["bicubic", [3, 4]], ["lanczos3", [9, 13]], ["lanczos5", [2, 3]]] as const) {
    const y = layers.Resizing(size[0], size[1], { interpolation: method })(x) as tf.Tensor;
    assertAllClose(y, resizeCase("a", method, [...size]), { rtol: 0, atol: 2e-5, what: `Resizing ${method} ${size}` });
  }
  // 5x6 to 3x3 with the aspect ratio kept: the centered 5x5 window (columns 0..4), then bicubic.
  const cropped = layers.Resizing(3, 3, { interpolation: "bicubic", cropToAspectRatio: true })(x) as tf.Tensor;
  assertAllClose(cropped, resizeCase("a5", "bicubic", [3, 3]), { rtol: 0, atol: 2e-5, what: "Resizing bicubic cropToAspectRatio" });
  const r64 = layers.Resizing(4, 7, { interpolation: "bicubic", dtype: "float64" });
  checkGradients((t) => r64(t) as tf.Tensor, [tf.random.normal([1, 3, 5, 2], 0, 1, { dtype: "float64", seed: 6 })]);

  const model = new models.Sequential([layers.Input({ shape: [5, 6, 2] }), layers.Resizing(4, 4, { interpolation: "bicubic", cropToAspectRatio: true }), layers.Resizing(9, 7, { interpolation: "lanczos5" })]);
  const dir = mkdtempSync(join(tmpdir(), "lamina-resizing-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await models.loadModel(join(dir, "m.keras"));
    assert.deepEqual(back.layers.map((l) => l.getConfig().interpolation), ["bicubic", "lanczos5"]);
    assert.equal(back.layers[0].getConfig().crop_to_aspect_ratio, true);
    assert.deepEqual(vals(back.predict(x) as tf.Tensor), vals(model.predict(x) as tf.Tensor));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CenterCrop: the central window (hand-computed), smaller images are crop-to-aspect resized", () => {
  const shape = [1, 4, 5, 1];
  const x = ramp(shape);
  const y = layers.CenterCrop(2, 2)(x) as tf.Tensor;
  // Start at int((4 - 2) / 2) = 1 and int((5 - 2) / 2) = 1: rows 1-2, columns 1-2.
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assert.deepEqual(vals(y), [6, 7, 11, 12]);
  assert.deepEqual(vals(layers.CenterCrop(4, 5)(x) as tf.Tensor), vals(x));
  const up = layers.CenterCrop(6, 6)(x) as tf.Tensor;
  // 4x5 to 6x6: the centered 4x4 window (columns 0..3, start int(1 / 2) = 0), resized.
  assert.deepEqual(vals(up), vals(tf.image.resize(tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 1]), [6, 6])));
  const img = layers.CenterCrop(3, 1)(tf.reshape(x, [4, 5, 1])) as tf.Tensor;
  assert.deepEqual(img.shape, [3, 1, 1]);
  assert.deepEqual(vals(img), [2, 7, 12]);
  assert.deepEqual(layers.CenterCrop(3, 1).computeOutputShape([null, 4, 5, 2]), [null, 3, 1, 2]);
});

/** The four flips of image b of x (NHWC), as flat arrays. */
function flipsOf(x: tf.Tensor, b: number): number[][] {
  const img = tf.slice(x, [b, 0, 0, 0], [1, ...x.shape.slice(1)]);
  return [img, tf.image.flipLeftRight(img), tf.image.flipUpDown(img), tf.image.flipUpDown(tf.image.flipLeftRight(img))].map(vals);
}

test("RandomFlip: identity in inference; in training each image is exactly one of its flips, chosen per image", () => {
  const x = tf.random.uniform([32, 3, 4, 2], 0, 1, { seed: 2 });
  const flip = layers.RandomFlip(undefined, { seed: 7 });
  assert.equal(flip.mode, "horizontal_and_vertical");
  // Called directly with no mode, it augments, as Keras 3.5's call(inputs, training=True) does.
  assert.notDeepEqual(vals(flip(x) as tf.Tensor), vals(x));
  assert.deepEqual(vals(flip.apply(x, { training: false }) as tf.Tensor), vals(x));
  const y = flip.apply(x, { training: true }) as tf.Tensor;
  const seen = new Set<number>();
  for (let b = 0; b < 32; b++) {
    const got = vals(tf.slice(y, [b, 0, 0, 0], [1, 3, 4, 2]));
    const k = flipsOf(x, b).findIndex((f) => f.every((v, i) => v === got[i]));
    assert.ok(k >= 0, `image ${b} is not a flip of its input`);
    seen.add(k);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3], "32 images should show all four flips");
  // "horizontal" never flips top-bottom.
  const h = layers.RandomFlip("horizontal", { seed: 3 }).apply(x, { training: true }) as tf.Tensor;
  for (let b = 0; b < 32; b++) {
    const got = vals(tf.slice(h, [b, 0, 0, 0], [1, 3, 4, 2]));
    const k = flipsOf(x, b).findIndex((f) => f.every((v, i) => v === got[i]));
    assert.ok(k === 0 || k === 1, `image ${b}: horizontal mode gave flip ${k}`);
  }
  // A single image works; the same seed repeats, tf.random.setSeed makes unseeded layers repeat.
  const one = layers.RandomFlip("vertical", { seed: 1 }).apply(tf.slice(x, [0, 0, 0, 0], [1, 3, 4, 2]).reshape([3, 4, 2]), { training: true }) as tf.Tensor;
  assert.deepEqual(one.shape, [3, 4, 2]);
  assert.deepEqual(vals(layers.RandomFlip("vertical", { seed: 5 }).apply(x, { training: true }) as tf.Tensor),
    vals(layers.RandomFlip("vertical", { seed: 5 }).apply(x, { training: true }) as tf.Tensor));
  tf.random.setSeed(11);
  const a = vals(layers.RandomFlip().apply(x, { training: true }) as tf.Tensor);
  tf.random.setSeed(11);
  assert.deepEqual(vals(layers.RandomFlip().apply(x, { training: true }) as tf.Tensor), a);
  assert.notDeepEqual(a, vals(x));
  assert.throws(() => layers.RandomFlip("diagonal" as "vertical"), /RandomFlip random_flip_\d+: mode "diagonal" is not supported; use "horizontal", "vertical" or "horizontal_and_vertical"/);
});

test("Resizing, CenterCrop and RandomFlip configs use Keras' keys and round-trip through toJSON / modelFromJSON", () => {
  const m = new models.Sequential([
    layers.Input({ shape: [6, 8, 3] }),
    layers.Resizing(4, 4, { cropToAspectRatio: true, interpolation: "nearest" }),
    layers.CenterCrop(3, 2),
    layers.RandomFlip("vertical", { seed: 4 }),
  ]);
  const json = JSON.parse(m.toJSON()) as { config: { layers: { class_name: string; module: string; config: Record<string, unknown> }[] } };
  const [, rs, cc, rf] = json.config.layers;
  assert.deepEqual([rs.class_name, rs.module, rs.config.height, rs.config.width, rs.config.interpolation, rs.config.crop_to_aspect_ratio, rs.config.pad_to_aspect_ratio, rs.config.data_format],
    ["Resizing", "keras.layers", 4, 4, "nearest", true, false, "channels_last"]);
  assert.deepEqual([cc.class_name, cc.config.height, cc.config.width], ["CenterCrop", 3, 2]);
  assert.deepEqual([rf.class_name, rf.config.mode, rf.config.seed], ["RandomFlip", "vertical", 4]);
  const back = models.modelFromJSON(m.toJSON());
  assert.equal(back.toJSON(), m.toJSON());
  const x = tf.random.uniform([2, 6, 8, 3], 0, 1, { seed: 9 });
  assertAllClose(back.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor, { atol: 0 });
});

interface KerasPreprocessing {
  keras_version: string;
  input_shape: number[];
  input: number[];
  outputs: Record<string, unknown[]>;
  model_config: Record<string, unknown>;
}
/** Written by Keras 3.5 itself: test/fixtures/make_keras_preprocessing.py. */
const kerasFixture = JSON.parse(readFileSync(new URL("../../test/fixtures/keras_preprocessing.json", import.meta.url), "utf8")) as KerasPreprocessing;

test("Resizing, CenterCrop and RandomCrop (inference) equal Keras 3.5's outputs (test/fixtures/keras_preprocessing.json)", () => {
  const x = tf.constant(kerasFixture.input, kerasFixture.input_shape, "float32");
  const made: Record<string, tf.layers.Layer> = {
    resizing_5x4: layers.Resizing(5, 4),
    resizing_12x10: layers.Resizing(12, 10),
    resizing_4x4_crop: layers.Resizing(4, 4, { cropToAspectRatio: true }),
    center_crop_5x4: layers.CenterCrop(5, 4),
    center_crop_10x4: layers.CenterCrop(10, 4),
    random_crop_5x4_inference: layers.RandomCrop(5, 4),
  };
  assert.deepEqual(Object.keys(made).sort(), Object.keys(kerasFixture.outputs).sort());
  for (const [name, layer] of Object.entries(made)) {
    const got = layer.apply(x, { training: false }) as tf.Tensor;
    assertAllClose(got, (kerasFixture.outputs[name] as number[]).flat(9) as number[], { rtol: 0, atol: 2e-5, what: name });
  }
});

test("a config.json Keras 3.5 wrote, holding every image preprocessing and augmentation layer, loads and predicts", () => {
  tf.clearSession();
  const model = models.modelFromJSON(JSON.stringify(kerasFixture.model_config));
  assert.deepEqual(model.layers.map((l) => l.constructor.name), [
    "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom",
    "RandomContrast", "RandomBrightness", "Conv2D", "Flatten", "Dense",
  ]);
  const config = (i: number): Record<string, unknown> => model.layers[i].getConfig();
  assert.equal(config(2).seed, 3);
  assert.equal(config(3).mode, "vertical");
  assert.deepEqual(config(4).height_factor, [-0.1, 0.2]);
  assert.equal(config(4).fill_mode, "wrap");
  assert.deepEqual(config(8).value_range, [0, 1]);
  assert.deepEqual(model.predict(tf.random.uniform([2, 32, 32, 3], 0, 255)).shape, [2, 2]);
});

test("the random augmentation layers augment when called with no mode, directly or inside a model called directly; predict and training: false do not (Keras 3.5)", () => {
  // Keras 3.5 (torch backend), x = arange(8).reshape(1, 2, 4, 1), RandomFlip("horizontal", seed=3):
  // layer(x) and Model(inp, RandomFlip(...)(inp))(x) flip on some calls ([3, 2, 1, 0, 7, 6, 5, 4]);
  // model.predict(x) gives x; Dropout(0.5)(ones((1, 4))) gives ones.
  const x = tf.random.uniform([64, 2, 4, 1], 0, 1, { seed: 4 });
  const flipped = (y: tf.Tensor): boolean => !vals(y).every((v, i) => v === vals(x)[i]);
  const flip = layers.RandomFlip("horizontal", { seed: 3 });
  assert.ok(flipped(flip(x) as tf.Tensor), "a direct call augments");
  assert.ok(!flipped(flip.apply(x, { training: false }) as tf.Tensor));
  const model = new models.Sequential([layers.Input({ shape: [2, 4, 1] }), layers.RandomFlip("horizontal", { seed: 3 })]);
  assert.ok(flipped(model.apply(x) as tf.Tensor), "a model called directly lets its augmentation layers augment");
  assert.ok(!flipped(model.predict(x)), "predict runs in inference mode");
  assert.ok(!flipped(model.apply(x, { training: false }) as tf.Tensor));
  assert.deepEqual(vals(layers.Dropout(0.5)(tf.ones([1, 4])) as tf.Tensor), [1, 1, 1, 1], "Dropout's default stays inference");
});

test("Keras 3.5's random image layers also take Keras 3.15's { images, labels }: images as a call on the tensor from the same seed, labels passed through", () => {
  const x = tf.random.uniform([2, 6, 6, 3], 0, 255, { seed: 4 });
  const labels = tf.constant([[0, 1], [1, 0]], undefined, "float32");
  type DictCall = (data: tf.layers.ImageLabelDict) => tf.layers.ImageLabelDict;
  const makers: Record<string, () => tf.layers.Layer> = {
    RandomFlip: () => layers.RandomFlip("horizontal_and_vertical", { seed: 1 }),
    RandomRotation: () => layers.RandomRotation(0.2, { seed: 2 }),
    RandomZoom: () => layers.RandomZoom(0.3, null, { seed: 3 }),
    RandomTranslation: () => layers.RandomTranslation(0.2, 0.2, { seed: 4 }),
    RandomCrop: () => layers.RandomCrop(4, 4, { seed: 5 }),
    RandomContrast: () => layers.RandomContrast(0.5, { seed: 6 }),
    RandomBrightness: () => layers.RandomBrightness(0.3, { seed: 7 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    const alone = make()(x) as tf.Tensor;
    const out = (make() as unknown as DictCall)({ images: x, labels });
    assert.notDeepEqual(vals(alone), vals(x), `${name} augments`);
    assert.deepEqual(vals(out.images), vals(alone), name);
    assert.equal(out.labels, labels, `${name}: labels pass through`);
    const layer = make();
    assert.throws(() => (layer as unknown as DictCall)({ images: x, bounding_boxes: {} }), new RegExp(`${layer.className} ${layer.name}: bounding boxes .* are not supported`));
  }
});
