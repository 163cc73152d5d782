/** Tests of GlobalAveragePooling2D/GlobalMaxPooling2D, SpatialDropout2D, Rescaling and Lambda. */
import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant, ones, range } from "../tensor/creation.js";
import { normal, setSeed } from "../tensor/random.js";
import { add, mul } from "../ops/math.js";
import * as layers from "./index.js";

const iota = (shape: number[]): Tensor => range(0, shape.reduce((p, d) => p * d, 1), 1, "float32").reshape(shape);

test("GlobalAveragePooling2D and GlobalMaxPooling2D reduce rows and columns per channel", () => {
  // x[0, h, w, c] = 2 * (2h + w) + c on a 2x2 image with 2 channels.
  const x = iota([1, 2, 2, 2]);
  const avg = layers.GlobalAveragePooling2D()(x);
  assert.deepEqual(avg.shape, [1, 2]);
  assert.deepEqual([...avg.dataSync()], [3, 4]);
  const mx = layers.GlobalMaxPooling2D()(x);
  assert.deepEqual([...mx.dataSync()], [6, 7]);
  const keep = layers.GlobalAvgPool2D({ keepdims: true })(x);
  assert.deepEqual(keep.shape, [1, 1, 1, 2]);
  assert.deepEqual(layers.GlobalMaxPool2D({ keepdims: true })(x).shape, [1, 1, 1, 2]);
  layers.clearSession();
  const made = [layers.GlobalAveragePooling2D(), layers.GlobalMaxPooling2D(), layers.GlobalAveragePooling2D({ keepdims: true })];
  assert.deepEqual(made.map((l) => l.name), ["global_average_pooling2d", "global_max_pooling2d", "global_average_pooling2d_1"]);
  for (const shape of [[3, 4, 5], [1, 1, 2], [7, 2, 3]]) {
    for (const l of made) {
      const y = l(normal([2, ...shape]));
      assert.deepEqual(l.computeOutputShape([2, ...shape]), [...y.shape]);
      assert.deepEqual(l(layers.Input({ shape })).shape, [null, ...y.shape.slice(1)]);
    }
  }
  assert.deepEqual(made[2].getConfig(), {
    name: "global_average_pooling2d_1", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, data_format: "channels_last", keepdims: true,
  });
  assert.throws(() => layers.GlobalMaxPooling2D()(ones([2, 3, 4])),
    /GlobalMaxPooling2D global_max_pooling2d(_\d+)?: expects inputs of rank 4 \(batch, height, width, channels\), got shape \(2, 3, 4\)/);
});

test("SpatialDropout2D drops whole channels in training and nothing in inference", () => {
  setSeed(7);
  const x = ones([3, 4, 5, 8]);
  const layer = layers.SpatialDropout2D(0.5);
  assert.equal(layer(x), x, "inference returns the input");
  const y = layer(x, { training: true });
  assert.deepEqual(y.shape, [3, 4, 5, 8]);
  const d = y.dataSync();
  let dropped = 0;
  for (let n = 0; n < 3; n++) {
    for (let c = 0; c < 8; c++) {
      const first = Number(d[((n * 4) * 5) * 8 + c]);
      assert.ok(first === 0 || first === 2, `kept values are scaled by 1 / (1 - rate), got ${first}`);
      if (first === 0) dropped++;
      for (let h = 0; h < 4; h++) {
        for (let w = 0; w < 5; w++) assert.equal(Number(d[((n * 4 + h) * 5 + w) * 8 + c]), first, `sample ${n} channel ${c} is all kept or all dropped`);
      }
    }
  }
  assert.ok(dropped > 0 && dropped < 24, `some but not all of the 24 feature maps are dropped (${dropped})`);
  // A seeded layer repeats its sequence of masks, and each call draws a new mask.
  const s1 = layers.SpatialDropout2D(0.5, { seed: 3 });
  const s2 = layers.SpatialDropout2D({ rate: 0.5, seed: 3 });
  const a1 = [...s1(x, { training: true }).dataSync()], a2 = [...s1(x, { training: true }).dataSync()];
  assert.deepEqual([...s2(x, { training: true }).dataSync()], a1);
  assert.deepEqual([...s2(x, { training: true }).dataSync()], a2);
  assert.notDeepEqual(a1, a2);
  assert.deepEqual(layers.SpatialDropout2D(0.2, { name: "sd" }).getConfig(), { rate: 0.2, seed: null, name: "sd", dtype: "float32", data_format: "channels_last" });
  assert.deepEqual(layer(layers.Input({ shape: [4, 5, 8] })).shape, [null, 4, 5, 8]);
  assert.throws(() => layers.SpatialDropout2D(-0.1), /SpatialDropout2D spatial_dropout2d(_\d+)?: rate must be a number in \[0, 1\]/);
  assert.throws(() => layers.SpatialDropout2D(0.1)(ones([2, 3]), { training: true }), /expects inputs of rank 4 .* got shape \(2, 3\); use layers.Dropout for other ranks/);
});

test("Rescaling: x * scale + offset in the layer's dtype, integer images cast first", () => {
  const px = constant([0, 51, 255], [1, 3], "uint8");
  const y = layers.Rescaling(1 / 255)(px);
  assert.equal(y.dtype, "float32");
  // float32 arithmetic, as TF: 51 * fround(1 / 255) rounded to float32.
  const k = Math.fround(1 / 255);
  assert.deepEqual([...y.dataSync()], [0, Math.fround(51 * k), Math.fround(255 * k)]);
  const z = layers.Rescaling(1 / 127.5, { offset: -1 })(constant([0, 127.5, 255], [1, 3], "float32"));
  assert.deepEqual([...z.dataSync()], [-1, 0, 1]);
  const perChannel = layers.Rescaling({ scale: [1, 10], offset: [0, 1] })(ones([2, 1, 2]));
  assert.deepEqual([...perChannel.dataSync()], [1, 11, 1, 11]);
  assert.deepEqual(layers.Rescaling(2)(layers.Input({ shape: [4, 4, 3] })).shape, [null, 4, 4, 3]);
  assert.deepEqual(layers.Rescaling(0.5, { offset: 1, name: "rs" }).getConfig(), { name: "rs", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, scale: 0.5, offset: 1 });
  assert.throws(() => layers.Rescaling(Number.NaN), /Rescaling rescaling(_\d+)?: scale must be a finite number or a list of them \(one per channel\), got NaN/);
});

test("Lambda wraps a function; its shape comes from running it or from outputShape; its config holds code", () => {
  layers.clearSession();
  const double = layers.Lambda((x) => mul(x, 2));
  assert.equal(double.name, "lambda");
  assert.deepEqual([...double(constant([1, 2], [1, 2], "float32")).dataSync()], [2, 4]);
  const sym = double(layers.Input({ shape: [3, 4] }));
  assert.deepEqual(sym.shape, [null, 3, 4]);
  const flat = layers.Lambda((x) => x.reshape([x.shape[0], -1]));
  assert.deepEqual(flat(layers.Input({ shape: [3, 4] })).shape, [null, 12]);
  assert.deepEqual(flat.computeOutputShape([5, 2, 2]), [5, 4]);
  const sum = layers.Lambda((xs: Tensor[]) => add(xs[0], xs[1]), { outputShape: [3] });
  assert.deepEqual(sum([layers.Input({ shape: [3] }), layers.Input({ shape: [3] })]).shape, [null, 3]);
  assert.deepEqual([...sum([ones([1, 3]), ones([1, 3])]).dataSync()], [2, 2, 2]);
  const scaled = layers.Lambda((x, args) => mul(x, args.factor as number), { arguments: { factor: 3 } });
  assert.deepEqual([...scaled(ones([1, 2])).dataSync()], [3, 3]);
  let sawTraining: boolean | undefined;
  layers.Lambda((x, args) => { sawTraining = args.training; return x; })(ones([1]), { training: true });
  assert.equal(sawTraining, true);

  const cfg = scaled.getConfig();
  const fn = cfg.function as { class_name: string; config: { code: string; language: string } };
  assert.equal(fn.class_name, "__lambda__");
  assert.match(fn.config.code, /args\.factor/);
  assert.equal(fn.config.language, "javascript");
  assert.deepEqual(cfg.arguments, { factor: 3 });
  assert.equal("output_shape" in cfg, false);
  assert.deepEqual(sum.getConfig().output_shape, [3]);
  assert.equal(layers.configHoldsCode(cfg), true);
  assert.equal(layers.configHoldsCode(layers.Dense(2).getConfig()), false);
  assert.equal(scaled.holdsCode, true);
  assert.equal(scaled.countParams(), 0);
  assert.throws(() => layers.Lambda({}), /Lambda lambda(_\d+)?: function must be a function of the inputs/);
});

test("Dense takes Keras' inputDim as inputShape [inputDim]; both at once, or a bad inputDim, are refused", async () => {
  const { Sequential } = await import("../models/sequential.js");
  const m = new Sequential([layers.Dense(4, { inputDim: 3, activation: "relu" }), layers.Dense(1)]);
  // Keras 3.5's summary of the same model: 16 + 5 parameters, output (None, 1).
  assert.equal(m.countParams(), 21);
  assert.deepEqual(m.outputs[0].shape, [null, 1]);
  assert.deepEqual(m.layers[0].getConfig().batch_input_shape, [null, 3]);
  assert.throws(() => layers.Dense(4, { inputDim: 3, inputShape: [3] }), /^TypeError: Dense: give inputDim or inputShape, not both \(inputDim: n is inputShape: \[n\]\)$/);
  assert.throws(() => layers.Dense(4, { inputDim: 0 }), /^TypeError: Dense: inputDim must be a positive integer \(the number of input features\), got 0$/);
});
