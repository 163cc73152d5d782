import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../backend/js/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant, range } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import * as layers from "./index.js";
import type { LayerShape } from "./layer.js";

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; layer: string; args: { size: [number, number]; interpolation: string }; x: Arr; y: Arr }

const iota = (shape: number[]): Tensor => range(0, shape.reduce((a, b) => a * b, 1), 1, "float32").reshape(shape);

/** The layer's computeOutputShape, its symbolic output and its eager output agree. */
function checkShapes(layer: layers.Layer, sample: number[], batch = 2): Tensor {
  const y = layer(normal([batch, ...sample], 0, 1, { seed: 5 }));
  assert.deepEqual(layer.computeOutputShape([batch, ...sample] as LayerShape), [...y.shape], `${layer.name}: computeOutputShape`);
  const sym = layer(layers.Input({ shape: sample }));
  assert.deepEqual(sym.shape, [null, ...y.shape.slice(1)], `${layer.name}: symbolic shape`);
  return y;
}

test("Reshape keeps the batch and infers one -1", () => {
  const x = iota([2, 6]);
  const y = layers.Reshape([3, 2])(x);
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual([...y.dataSync()], [...x.dataSync()]);
  assert.deepEqual(layers.Reshape([-1, 3])(x).shape, [2, 2, 3]);
  checkShapes(layers.Reshape([4, -1]), [2, 6]);
  checkShapes(layers.Reshape([-1]), [3, 4, 2]);
  checkShapes(layers.Reshape({ targetShape: [2, 2, 2] }), [8]);
  // With an unknown non-batch dimension the -1 stays unknown, as in Keras.
  assert.deepEqual(layers.Reshape([-1, 2]).computeOutputShape([null, null, 4]), [null, null, 2]);
  assert.throws(() => layers.Reshape([5])(x), /Reshape reshape(_\d+)?: cannot reshape inputs of shape \(2, 6\) \(6 values per sample\) into targetShape \(5,\) \(5 values\)/);
  assert.throws(() => layers.Reshape([-1, 4])(layers.Input({ shape: [6] })), /cannot reshape inputs of shape \(None, 6\)/);
  assert.throws(() => layers.Reshape([-1, -1]), /at most one unknown dimension \(-1\) in targetShape/);
  assert.throws(() => layers.Reshape([0, 2]), /must hold positive integers and at most one -1/);
  assert.deepEqual(layers.Reshape([28, 28, 1], { name: "rs" }).getConfig(), { name: "rs", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, target_shape: [28, 28, 1] });
});

test("Permute uses 1-based dims and leaves the batch first", () => {
  const x = iota([1, 2, 3]);
  const y = layers.Permute([2, 1])(x);
  assert.deepEqual(y.shape, [1, 3, 2]);
  assert.deepEqual([...y.dataSync()], [0, 3, 1, 4, 2, 5]);
  const z = checkShapes(layers.Permute([3, 1, 2]), [4, 5, 6]);
  assert.deepEqual(z.shape, [2, 6, 4, 5]);
  assert.throws(() => layers.Permute([0, 1]), /Permute permute(_\d+)?: invalid permutation dims \[0,1\]; it must list each of 1..2 once/);
  assert.throws(() => layers.Permute([2, 1])(iota([1, 2, 3, 4])), /dims \[2,1\] permute 2 axes, so inputs must have rank 3 \(batch included\), got shape \(1, 2, 3, 4\)/);
  assert.deepEqual(layers.Permute([2, 1]).getConfig().dims, [2, 1]);
});

test("ZeroPadding2D: int, pair and ((top, bottom), (left, right)) forms", () => {
  const x = constant([1, 2, 3, 4], [1, 2, 2, 1], "float32");
  const y = layers.ZeroPadding2D()(x);
  assert.deepEqual(y.shape, [1, 4, 4, 1]);
  assert.deepEqual([...y.dataSync()], [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  const z = layers.ZeroPadding2D([[1, 0], [0, 2]])(x);
  assert.deepEqual(z.shape, [1, 3, 4, 1]);
  assert.deepEqual([...z.dataSync()], [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  const p = layers.ZeroPadding2D([1, 0])(x);
  assert.deepEqual(p.shape, [1, 4, 2, 1]);
  assert.deepEqual([...p.dataSync()], [0, 0, 1, 2, 3, 4, 0, 0]);
  checkShapes(layers.ZeroPadding2D(2), [3, 4, 2]);
  checkShapes(layers.ZeroPadding2D([[0, 1], [2, 3]]), [5, 1, 3]);
  checkShapes(layers.ZeroPadding2D({ padding: [1, [0, 2]] }), [2, 2, 1]);
  assert.deepEqual(layers.ZeroPadding2D().getConfig().padding, [[1, 1], [1, 1]]);
  assert.deepEqual(layers.ZeroPadding2D([2, 3]).getConfig().padding, [[2, 2], [3, 3]]);
  assert.equal(layers.ZeroPadding2D().getConfig().data_format, "channels_last");
  assert.throws(() => layers.ZeroPadding2D(-1), /ZeroPadding2D zero_padding2d(_\d+)?: padding must be a non-negative integer, a pair \[height, width\] or \[\[top, bottom\], \[left, right\]\], got -1/);
  assert.throws(() => layers.ZeroPadding2D(1)(iota([2, 3])), /expects inputs of rank 4 \(batch, height, width, channels\), got shape \(2, 3\)/);
  // The gradient of padding is the slice of the upstream gradient.
  const zp = layers.ZeroPadding2D([[1, 2], [0, 1]], { dtype: "float64" });
  checkGradients((t) => zp(t), [normal([1, 2, 3, 2], 0, 1, { dtype: "float64", seed: 2 })]);
});

test("Cropping2D: the same forms; crops must leave something", () => {
  const x = iota([1, 4, 4, 1]);
  const y = layers.Cropping2D(1)(x);
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assert.deepEqual([...y.dataSync()], [5, 6, 9, 10]);
  const z = layers.Cropping2D([[0, 1], [2, 0]])(x);
  assert.deepEqual(z.shape, [1, 3, 2, 1]);
  assert.deepEqual([...z.dataSync()], [2, 3, 6, 7, 10, 11]);
  assert.deepEqual(layers.Cropping2D()(x).shape, [1, 4, 4, 1]);
  checkShapes(layers.Cropping2D([1, 2]), [5, 6, 3]);
  checkShapes(layers.Cropping2D({ cropping: [[2, 0], [0, 3]] }), [4, 4, 1]);
  assert.deepEqual(layers.Cropping2D([1, 2]).getConfig().cropping, [[1, 1], [2, 2]]);
  assert.throws(() => layers.Cropping2D(2)(x), /Cropping2D cropping2d(_\d+)?: cropping \[\[2,2\],\[2,2\]\] removes 4 rows and 4 columns but the input \(1, 4, 4, 1\) has 4 rows and 4 columns/);
  assert.throws(() => layers.Cropping2D([[3, 0], [0, 0]])(layers.Input({ shape: [3, 8, 1] })), /removes 3 rows and 0 columns but the input \(None, 3, 8, 1\)/);
});

test("UpSampling2D: bicubic, lanczos3 and lanczos5 are TF's resize to the multiplied size (numpy reference of TF's kernels); differentiable", () => {
  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/image_resize.json", import.meta.url), "utf8")) as {
    images: Record<string, Arr>; cases: { image: string; method: string; size: number[]; expected: number[] }[];
  };
  const a = fixture.images.a;
  const x = constant(a.data, [1, ...a.shape], "float32");
  for (const [interpolation, size, out] of [["bicubic", 2, [10, 12]], ["lanczos3", [2, 3], [10, 18]], ["lanczos5", 2, [10, 12]], ["BiCubic", 2, [10, 12]]] as const) {
    const layer = layers.UpSampling2D(size, { interpolation });
    const want = fixture.cases.find((c) => c.image === "a" && c.method === interpolation.toLowerCase() && c.size.join() === out.join());
    assert.ok(want);
    assertAllClose(layer(x), want.expected, { rtol: 0, atol: 2e-5, what: `UpSampling2D ${interpolation} ${size}` });
    assert.equal(layer.getConfig().interpolation, interpolation.toLowerCase());
  }
  checkShapes(layers.UpSampling2D([3, 1], { interpolation: "lanczos3" }), [2, 5, 1]);
  const up = layers.UpSampling2D([2, 3], { interpolation: "bicubic", dtype: "float64" });
  checkGradients((t) => up(t), [normal([1, 3, 2, 2], 0, 1, { dtype: "float64", seed: 9 })]);
});

test("UpSampling2D: nearest repeats rows and columns; bilinear matches PyTorch (TF's half-pixel resize)", () => {
  const x = constant([1, 2, 3, 4], [1, 2, 2, 1], "float32");
  const y = layers.UpSampling2D()(x);
  assert.deepEqual(y.shape, [1, 4, 4, 1]);
  assert.deepEqual([...y.dataSync()], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  const z = layers.UpSampling2D([1, 3])(x);
  assert.deepEqual(z.shape, [1, 2, 6, 1]);
  assert.deepEqual([...z.dataSync()], [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  // Bilinear by hand on one row [0, 4] upsampled by 2: sources -0.25, 0.25, 0.75, 1.25 -> 0, 1, 3, 4.
  const b = layers.UpSampling2D([1, 2], { interpolation: "bilinear" })(constant([0, 4], [1, 1, 2, 1], "float32"));
  assert.deepEqual([...b.dataSync()], [0, 1, 3, 4]);
  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/layers_more.json", import.meta.url), "utf8")) as { cases: Case[] };
  const cases = fixture.cases.filter((c) => c.layer === "UpSampling2D");
  assert.equal(cases.length, 3);
  for (const c of cases) {
    assertAllClose(layers.UpSampling2D(c.args)(constant(c.x.data, c.x.shape, "float32")), c.y, { rtol: 1e-5, atol: 1e-5, what: `UpSampling2D ${c.name}` });
  }
  checkShapes(layers.UpSampling2D(2), [3, 4, 2]);
  checkShapes(layers.UpSampling2D([3, 1], { interpolation: "bilinear" }), [2, 5, 1]);
  const up = layers.UpSampling2D([2, 3], { interpolation: "bilinear", dtype: "float64" });
  checkGradients((t) => up(t), [normal([1, 2, 2, 2], 0, 1, { dtype: "float64", seed: 8 })]);
  assert.deepEqual(layers.UpSampling2D({ size: 3, name: "u" }).getConfig(), {
    name: "u", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, size: [3, 3], data_format: "channels_last", interpolation: "nearest",
  });
  assert.throws(() => layers.UpSampling2D(2, { interpolation: "area" }), /UpSampling2D up_sampling2d(_\d+)?: interpolation "area" is not supported; use "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5" \(Keras' resizing layers do not take "area"/);
  assert.throws(() => layers.UpSampling2D(2, { interpolation: "cubical" }), /interpolation "cubical" is not supported; use "bilinear", "nearest", "bicubic"/);
  assert.throws(() => layers.UpSampling2D(0), /size must be a positive integer or a pair of them, got 0/);
});
