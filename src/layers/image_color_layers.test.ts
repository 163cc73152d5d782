/**
 * What the colour and intensity layers (image_color.ts, image_intensity.ts, image_histogram.ts,
 * image_sharpness.ts, image_color_jitter.ts) share: Keras 3.15.1's defaults and config keys,
 * Keras configs and .keras files, layouts, single images, modes, seeds and refusals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
const ownConfig = (layer: tf.layers.Layer): Record<string, unknown> => {
  const { name: _n, trainable: _t, dtype: _d, ...rest } = layer.getConfig();
  return rest;
};

type Format = "channels_last" | "channels_first";
/** Every colour layer, seeded and with random ranges, in a given layout. */
const seeded: Record<string, (dataFormat: Format) => tf.layers.Layer> = {
  RandomGrayscale: (dataFormat) => layers.RandomGrayscale(0.5, { seed: 1, dataFormat }),
  AutoContrast: (dataFormat) => layers.AutoContrast({ dataFormat }),
  Solarization: (dataFormat) => layers.Solarization([0, 0.2], [0.2, 0.8], { seed: 2, dataFormat }),
  RandomInvert: (dataFormat) => layers.RandomInvert(1, { seed: 3, dataFormat }),
  RandomPosterization: (dataFormat) => layers.RandomPosterization([2, 7], { seed: 4, dataFormat }),
  RandomColorDegeneration: (dataFormat) => layers.RandomColorDegeneration(0.8, { seed: 5, dataFormat }),
  RandomSaturation: (dataFormat) => layers.RandomSaturation([0.2, 0.7], { seed: 6, dataFormat }),
  RandomHue: (dataFormat) => layers.RandomHue(0.4, { seed: 7, dataFormat }),
  RandomSharpness: (dataFormat) => layers.RandomSharpness([0.1, 0.9], { seed: 8, dataFormat }),
  Equalization: (dataFormat) => layers.Equalization({ bins: 64, dataFormat }),
  RandomColorJitter: (dataFormat) => layers.RandomColorJitter({ brightnessFactor: 0.2, contrastFactor: 0.3, saturationFactor: [0.4, 0.6], hueFactor: 0.1, seed: 9, dataFormat }),
};
const images = (): tf.Tensor => tf.floor(tf.random.uniform([3, 5, 6, 3], 0, 256, { seed: 21 }));

test("the colour layers' defaults and config keys are Keras 3.15.1's", () => {
  const base = { seed: null, data_format: "channels_last" };
  const want: [tf.layers.Layer, Record<string, unknown>][] = [
    [layers.RandomGrayscale(), { ...base, factor: 0.5 }],
    [layers.AutoContrast(), { data_format: "channels_last", value_range: [0, 255] }],
    [layers.Solarization(), { ...base, value_range: [0, 255], addition_factor: [0, 0], threshold_factor: [0, 0] }],
    [layers.RandomInvert(), { ...base, factor: [0, 1], value_range: [0, 255] }],
    [layers.RandomPosterization(4), { ...base, factor: [1, 4], value_range: [0, 255] }],
    [layers.RandomColorDegeneration(0.5), { ...base, factor: [-0.5, 0.5], value_range: [0, 255] }],
    [layers.RandomSaturation(0.5), { ...base, factor: [-0.5, 0.5], value_range: [0, 255] }],
    [layers.RandomHue(0.5), { ...base, factor: [0, 0.5], value_range: [0, 255] }],
    [layers.RandomSharpness(0.5), { ...base, factor: [0, 0.5], value_range: [0, 255] }],
    [layers.Equalization(), { data_format: "channels_last", bins: 256, value_range: [0, 255] }],
    [layers.RandomColorJitter(), { ...base, value_range: [0, 255], brightness_factor: null, contrast_factor: null, saturation_factor: null, hue_factor: null }],
  ];
  for (const [layer, config] of want) assert.deepEqual(ownConfig(layer), config, layer.className);
  const names = [
    "random_grayscale", "auto_contrast", "solarization", "random_invert", "random_posterization", "random_color_degeneration",
    "random_saturation", "random_hue", "random_sharpness", "equalization", "random_color_jitter",
  ];
  want.forEach(([l], i) => assert.match(l.name, new RegExp(`^${names[i]}(_\\d+)?$`)));
  const jitter = layers.RandomColorJitter([0, 1], { brightnessFactor: 0.2, contrastFactor: [0.1, 0.3], seed: 4, dataFormat: "channels_first" });
  assert.deepEqual(ownConfig(jitter), {
    seed: 4, data_format: "channels_first", value_range: [0, 1], brightness_factor: 0.2, contrast_factor: [0.1, 0.3], saturation_factor: null, hue_factor: null,
  });
});

test("a Sequential config as Keras 3.15.1 writes it (get_config of each colour layer) loads, with its options", () => {
  const dtype = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
  const layer = (className: string, config: Record<string, unknown>): Record<string, unknown> => ({
    module: "keras.layers", class_name: className, config: { name: className.toLowerCase(), trainable: true, dtype, data_format: "channels_last", ...config },
    registered_name: null, build_config: { input_shape: [null, 8, 8, 3] },
  });
  const config = {
    module: "keras", class_name: "Sequential",
    config: {
      name: "augment", trainable: true, dtype,
      layers: [
        { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, 8, 8, 3], dtype: "float32", sparse: false, name: "input_layer" }, registered_name: null },
        layer("RandomGrayscale", { factor: 0.2 }),
        layer("AutoContrast", { value_range: [0, 1] }),
        layer("Solarization", { value_range: [0, 1], addition_factor: [0, 0.1], threshold_factor: [0.4, 0.6], seed: 3 }),
        layer("RandomInvert", { factor: [0, 0.5], value_range: [0, 1], seed: null }),
        layer("RandomPosterization", { factor: [1, 6], value_range: [0, 1], seed: null }),
        layer("RandomColorDegeneration", { factor: [-0.3, 0.3], value_range: [0, 1], seed: null }),
        layer("RandomSaturation", { factor: [0.4, 0.6], value_range: [0, 1], seed: null }),
        layer("RandomHue", { factor: [0, 0.1], value_range: [0, 1], seed: null }),
        layer("RandomSharpness", { factor: [0.2, 0.8], value_range: [0, 1], seed: null }),
        layer("Equalization", { bins: 128, value_range: [0, 1] }),
        layer("RandomColorJitter", { value_range: [0, 1], brightness_factor: 0.1, contrast_factor: [0.1, 0.2], saturation_factor: null, hue_factor: 0.05, seed: 7 }),
      ],
    },
  };
  const model = models.modelFromJSON(JSON.stringify(config));
  assert.deepEqual(model.layers.map((l) => l.className), config.config.layers.slice(1).map((l) => l.class_name));
  const get = <T>(i: number, key: string): T => model.layers[i].getConfig()[key] as T;
  assert.equal(get(0, "factor"), 0.2);
  assert.deepEqual(get(2, "threshold_factor"), [0.4, 0.6]);
  assert.equal(get(2, "seed"), 3);
  assert.deepEqual(get(4, "factor"), [1, 6]);
  assert.equal(get(9, "bins"), 128);
  assert.deepEqual([get(10, "brightness_factor"), get(10, "contrast_factor"), get(10, "hue_factor"), get(10, "seed")], [0.1, [0.1, 0.2], 0.05, 7]);
  const x = tf.random.uniform([2, 8, 8, 3], 0, 1, { seed: 1 });
  assert.deepEqual((model.apply(x, { training: true }) as tf.Tensor).shape, [2, 8, 8, 3]);
  // Keras writes bounding_box_format only when one is set; lamina's layers take images only.
  const boxes = structuredClone(config);
  (boxes.config.layers[1].config as Record<string, unknown>).bounding_box_format = "xyxy";
  assert.throws(() => models.modelFromJSON(JSON.stringify(boxes)), /config key "bounding_box_format" = "xyxy" is not supported by lamina's RandomGrayscale \(it accepts null\)/);
});

test("a Sequential of every colour layer survives model.save('x.keras') / models.loadModel: same configs, same seeded training outputs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-color-"));
  try {
    const make = (): tf.models.Sequential => new models.Sequential([layers.Input({ shape: [5, 6, 3] }), ...Object.values(seeded).map((f) => f("channels_last"))]);
    const model = make();
    await model.save(join(dir, "color.keras"));
    const loaded = await models.loadModel(join(dir, "color.keras"));
    assert.deepEqual(loaded.layers.map((l) => ownConfig(l)), model.layers.map((l) => ownConfig(l)));
    const x = images();
    assertAllClose(loaded.apply(x, { training: true }) as tf.Tensor, model.apply(x, { training: true }) as tf.Tensor, { atol: 1e-4 });
    assertAllClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { atol: 1e-4 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("channels_first gives the channels_last result transposed; a single image gives what a batch of one gives", () => {
  const x = images();
  for (const [name, make] of Object.entries(seeded)) {
    const last = train(make("channels_last"), x);
    const first = train(make("channels_first"), tf.transpose(x, [0, 3, 1, 2]));
    assertAllClose(tf.transpose(first, [0, 2, 3, 1]), last, { atol: 1e-4, what: `${name} channels_first` });
    const one = tf.slice(x, [0, 0, 0, 0], [1, 5, 6, 3]);
    const single = train(make("channels_last"), one.reshape([5, 6, 3]));
    assert.deepEqual(single.shape, [5, 6, 3], name);
    assertAllClose(single, vals(train(make("channels_last"), one)), { atol: 1e-4, what: `${name} single image` });
  }
});

test("inference returns the input for all but AutoContrast; a direct call augments, predict does not; seeds repeat", () => {
  const x = images();
  for (const [name, make] of Object.entries(seeded)) {
    const layer = make("channels_last");
    if (name === "AutoContrast") assert.notDeepEqual(vals(infer(layer, x)), vals(x));
    else assert.deepEqual(vals(infer(layer, x)), vals(x), `${name} inference`);
    assert.deepEqual(vals(train(make("channels_last"), x)), vals(train(make("channels_last"), x)), `${name}: the same seed repeats`);
    assert.notDeepEqual(vals(train(make("channels_last"), x)), vals(x), `${name} augments in training`);
    assert.deepEqual(vals(make("channels_last")(x)), vals(train(make("channels_last"), x)), `${name}: a direct call is a training call`);
    const model = new models.Sequential([layers.Input({ shape: [5, 6, 3] }), make("channels_last")]);
    if (name !== "AutoContrast") assert.deepEqual(vals(model.predict(x)), vals(x), `${name} predict`);
  }
});

test("the random colour layers draw per image: the images of a batch of equal images come out different", () => {
  const same = tf.tile(tf.slice(images(), [0, 0, 0, 0], [1, 5, 6, 3]), [8, 1, 1, 1]);
  for (const [name, make] of Object.entries(seeded)) {
    if (name === "AutoContrast" || name === "Equalization") continue;
    const y = vals(train(make("channels_last"), same));
    const per = Array.from({ length: 8 }, (_, i) => y.slice(i * 90, (i + 1) * 90).join(","));
    assert.ok(new Set(per).size > 1, `${name}: 8 equal images all got the same result`);
  }
});

test("called on { images, labels }, each colour layer transforms the images as on the tensor alone and returns the labels as they are", () => {
  const labels = tf.constant([[1, 0], [0, 1], [1, 0]], undefined, "float32");
  type DictCall = (data: tf.layers.ImageLabelDict) => tf.layers.ImageLabelDict;
  for (const [name, make] of Object.entries(seeded)) {
    const alone = make("channels_last")(images());
    const out = (make("channels_last") as unknown as DictCall)({ images: images(), labels, note: "kept" });
    assert.deepEqual(vals(out.images), vals(alone), `${name}: the same images as a call on the tensor, from the same seed`);
    assert.equal(out.labels, labels, `${name}: the labels pass through`);
    assert.equal(out.note, "kept", `${name}: other keys pass through`);
    const layer = make("channels_last");
    assert.throws(() => (layer as unknown as DictCall)({ images: images(), segmentation_masks: tf.zeros([3, 5, 6, 1]) }), new RegExp(`${name} ${layer.name}: segmentation masks .* are not supported`));
    assert.throws(() => layer.apply({ images: images() } as unknown as tf.Tensor), new RegExp(`${name} ${layer.name}: apply takes tensors; call the layer itself on a \\{ images, labels \\} object`));
  }
});

test("symbolic use keeps the shape; wrong ranks, channel counts and unknown options are refused naming the layer", () => {
  for (const [name, make] of Object.entries(seeded)) {
    const input = layers.Input({ shape: [7, 7, 3] });
    const out = make("channels_last").apply(input) as tf.layers.SymbolicTensor;
    assert.deepEqual(out.shape, [null, 7, 7, 3], name);
    const layer = make("channels_last");
    assert.throws(() => train(layer, tf.zeros([4, 4])), new RegExp(`${name} ${layer.name}: expects images of rank 3 \\(height, width, channels\\) or 4`));
  }
  assert.throws(() => layers.RandomHue(0.2).apply(layers.Input({ shape: [7, 7, 4] })), /RandomHue random_hue(_\d+)?: expects images with 3 channels \(RGB\), got 4/);
  assert.throws(() => layers.RandomHue(0.2, { dataFormat: "channels_first" }).apply(layers.Input({ shape: [7, 7, 3] })), /expects images with 3 channels \(RGB\), got 7; check dataFormat/);
  assert.throws(() => layers.RandomHue(0.2, { valueRnge: [0, 1] } as unknown as tf.layers.ColorFactorLayerArgs), /valueRnge/);
  assert.throws(() => layers.AutoContrast({ seed: 1 } as unknown as tf.layers.AutoContrastArgs), /seed/);
});
