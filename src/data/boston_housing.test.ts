import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTensor } from "../tensor/tensor.js";
import { encodeNpz } from "./npy.js";
import { bostonHousing } from "./boston_housing.js";

// A 12-row stand-in for Keras' file: row i has x[i, j] = 100 i + j and y[i] = i + 0.5.
const N = 12;
let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "lamina-boston-"));
  const x = new Float64Array(N * 13).map((_, k) => 100 * Math.floor(k / 13) + (k % 13));
  const y = Float64Array.from({ length: N }, (_, i) => i + 0.5);
  const bytes = encodeNpz({ x: makeTensor(x, [N, 13], "float64"), y: makeTensor(y, [N], "float64") });
  writeFileSync(join(root, "boston_housing.npz"), bytes);
  writeFileSync(join(root, "other.npz"), bytes);
  writeFileSync(join(root, "bad.npz"), encodeNpz({ x: makeTensor(x, [N, 13], "float64") }));
});
after(() => rmSync(root, { recursive: true, force: true }));
const opts = () => ({ cacheDir: root, download: false, searchDirs: [] as string[] });

const rowsOf = (order: number[]): number[] => order.map((i) => 100 * i);

// numpy: rng = np.random.RandomState(113); idx = np.arange(12); rng.shuffle(idx)
// -> [4, 3, 9, 8, 1, 0, 11, 7, 6, 10, 2, 5]; int(12 * (1 - 0.2)) = 9 training rows.
test("bostonHousing.loadData shuffles with numpy's RandomState(113) and splits as Keras does", async () => {
  const [[x, y], [xt, yt]] = await bostonHousing.loadData(opts());
  assert.deepEqual(x.shape, [9, 13]);
  assert.deepEqual(xt.shape, [3, 13]);
  assert.equal(x.dtype, "float64");
  assert.equal(y.dtype, "float64");
  const order = [4, 3, 9, 8, 1, 0, 11, 7, 6, 10, 2, 5];
  assert.deepEqual((x.arraySync() as number[][]).map((r) => r[0]), rowsOf(order.slice(0, 9)));
  assert.deepEqual((x.arraySync() as number[][])[0], Array.from({ length: 13 }, (_, j) => 400 + j));
  assert.deepEqual(y.arraySync(), order.slice(0, 9).map((i) => i + 0.5));
  assert.deepEqual((xt.arraySync() as number[][]).map((r) => r[0]), rowsOf(order.slice(9)));
  assert.deepEqual(yt.arraySync(), order.slice(9).map((i) => i + 0.5));
});

// numpy: RandomState(7) shuffle of arange(12) -> [7, 10, 2, 5, 0, 1, 11, 8, 3, 6, 9, 4]; int(12 * 0.75) = 9.
test("bostonHousing.loadData seed, testSplit and path (a name in the cache or an absolute path)", async () => {
  const order = [7, 10, 2, 5, 0, 1, 11, 8, 3, 6, 9, 4];
  for (const path of ["other.npz", join(root, "other.npz")]) {
    const [[, y], [, yt]] = await bostonHousing.loadData({ ...opts(), path, seed: 7, testSplit: 0.25 });
    assert.deepEqual(y.arraySync(), order.slice(0, 9).map((i) => i + 0.5));
    assert.deepEqual(yt.arraySync(), order.slice(9).map((i) => i + 0.5));
  }
  const [[x0], [xt0]] = await bostonHousing.loadData({ ...opts(), testSplit: 0 });
  assert.equal(x0.shape[0], 12);
  assert.equal(xt0.shape[0], 0);
});

test("bostonHousing.loadData refuses bad options and files that are not Keras'", async () => {
  await assert.rejects(bostonHousing.loadData({ ...opts(), testSplit: 1 }), /datasets.bostonHousing.loadData: testSplit must be a number in \[0, 1\).*got 1/);
  await assert.rejects(bostonHousing.loadData({ ...opts(), seed: -1 }), /bostonHousing.loadData: seed must be an integer between 0 and 2\*\*32 - 1.*got -1/);
  await assert.rejects(bostonHousing.loadData({ ...opts(), path: "bad.npz" }), /bad.npz has no arrays x and y \(it holds x\); it is not Keras' boston_housing.npz/);
  await assert.rejects(bostonHousing.loadData({ ...opts(), path: "missing.npz" }), /bostonHousing.loadData: the data set files were not found[\s\S]*download: disabled[\s\S]*f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5/);
});
