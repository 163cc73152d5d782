import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertKerasConfigLoads, fitSaveLoad, vals, train, infer, nchw } from "../testing/image_layers.js";
import { ContrastLimitedAdaptiveHistogramEqualization } from "./image_clahe.js";

/*
 * Reference values: test/fixtures/keras315_augment.json, made by test/fixtures/make_keras315_augment.py
 * (numpy following Keras 3.15.1's clahe.py step by step: symmetric padding, one_hot histograms,
 * clipping and redistribution, the edge-padded grid of lookup tables and the flat take).
 */
const fx = JSON.parse(readFileSync("test/fixtures/keras315_augment.json", "utf8")) as Record<string, number[]>;
const { layers, models } = tf;
const CLAHE = "ContrastLimitedAdaptiveHistogramEqualization";

const CASES = [
  { name: "clahe_pad", shape: [2, 5, 7, 2], args: { clipLimit: 4, tileGridSize: [2, 3] as [number, number] } },
  { name: "clahe_unit", shape: [1, 8, 8, 3], args: { valueRange: [0, 1] as [number, number], clipLimit: 1.5, tileGridSize: [2, 2] as [number, number] } },
  { name: "clahe_noclip", shape: [1, 2, 6, 1], args: { clipLimit: 0, tileGridSize: [4, 2] as [number, number] } },
];

test("CLAHE: Keras' defaults and config keys; a Keras 3.15 config loads", () => {
  const l = new ContrastLimitedAdaptiveHistogramEqualization();
  assert.deepEqual([l.valueRange, l.clipLimit, l.tileGridSize, l.dataFormat], [[0, 255], 4, [8, 8], "channels_last"]);
  const own = { value_range: [0, 1], clip_limit: 2.5, tile_grid_size: [4, 2] };
  assert.ok(assertKerasConfigLoads(CLAHE, own) instanceof ContrastLimitedAdaptiveHistogramEqualization);
});

test("CLAHE matches numpy's Keras formulas: padding, clipping, no clipping, [0, 1] images; training and inference alike", () => {
  for (const { name, shape, args } of CASES) {
    const x = tf.constant(fx[`${name}_in`], shape);
    const l = layers.ContrastLimitedAdaptiveHistogramEqualization(args);
    assertAllClose(vals(train(l, x)), fx[`${name}_out`], { rtol: 1e-5, atol: 1e-4, what: name });
    assert.deepEqual(vals(infer(l, x)), vals(train(l, x)), `${name}: Keras applies CLAHE in inference too`);
  }
});

test("CLAHE: channels_first, a single image and { images, labels } give the channels_last batch's values", () => {
  const { name, shape, args } = CASES[0];
  const x = tf.constant(fx[`${name}_in`], shape);
  const want = vals(train(layers.ContrastLimitedAdaptiveHistogramEqualization(args), x));
  const cf = layers.ContrastLimitedAdaptiveHistogramEqualization({ ...args, dataFormat: "channels_first" });
  assert.deepEqual(vals(train(cf, nchw(x))), vals(nchw(tf.constant(want, shape))));
  const l = layers.ContrastLimitedAdaptiveHistogramEqualization(args);
  const first = tf.slice(x, [0, 0, 0, 0], [1, 5, 7, 2]);
  assert.deepEqual(vals(train(l, first.reshape([5, 7, 2]))), want.slice(0, 70));
  const labels = tf.constant([1, 0], [2], "float32");
  const out = l({ images: x, labels });
  assert.deepEqual(vals(out.images), want);
  assert.equal(out.labels, labels);
});

test("CLAHE in a Sequential model: fit, .keras save and load", async () => {
  const m = new models.Sequential([
    layers.Input({ shape: [6, 6, 3] }),
    layers.ContrastLimitedAdaptiveHistogramEqualization([0, 1], { clipLimit: 2, tileGridSize: [3, 2] }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.random.uniform([4, 6, 6, 3], 0, 1, { seed: 1 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1], [4], "int32"), 2);
  const back = await fitSaveLoad(m, x, y, 2);
  assert.equal(back.layers[0].className, CLAHE);
});

test("CLAHE refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.ContrastLimitedAdaptiveHistogramEqualization({ tileGridSize: [0, 8] as [number, number] }),
    /ContrastLimitedAdaptiveHistogramEqualization \S+: tileGridSize must be a pair \[rows, columns\] of positive integers .*got \[0,8\]/);
  assert.throws(() => layers.ContrastLimitedAdaptiveHistogramEqualization({ clipLimit: Number.NaN }), /clipLimit must be a number/);
  assert.throws(() => layers.ContrastLimitedAdaptiveHistogramEqualization([0] as unknown as [number, number]), /valueRange must be a pair/);
  assert.throws(() => layers.ContrastLimitedAdaptiveHistogramEqualization().apply(tf.zeros([4, 4])), /expects images of rank 3/);
});
