import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fashionMnist, mnist, cifar10, cifar100, californiaHousing, fetchCaliforniaHousing, readCaliforniaHousingArchive } from "./datasets.js";
import { vendoredDir } from "./locate.js";
import { encodeIdx } from "./idx.js";
import { encodeNpz } from "./npy.js";
import { encodeCifarBinary } from "./cifar.js";
import { encodeTar } from "./tar.js";
import { NumpyRandomState } from "./mt19937.js";
import { makeTensor } from "../tensor/tensor.js";
import { startFileServer, type FileServer } from "../../test/support/file_server.js";

let root = "";
before(() => { root = mkdtempSync(join(tmpdir(), "lamina-datasets-")); });
after(() => rmSync(root, { recursive: true, force: true }));

function fresh(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

function u8(values: number[], shape: number[]) {
  return makeTensor(Uint8Array.from(values), shape, "uint8");
}

test("fashionMnist.loadData reads the cache first (gzipped or plain IDX files)", async () => {
  const cache = fresh("cache1");
  const dir = join(cache, "fashion-mnist");
  mkdirSync(dir);
  const xTr = u8(Array.from({ length: 3 * 4 }, (_, i) => i), [3, 2, 2]);
  writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(encodeIdx(xTr)));
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), encodeIdx(u8([9, 0, 4], [3])));
  writeFileSync(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(encodeIdx(u8([1, 2, 3, 4], [1, 2, 2]))));
  writeFileSync(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(encodeIdx(u8([7], [1]))));
  const [[x, y], [xt, yt]] = await fashionMnist.loadData({ cacheDir: cache, searchDirs: [], download: false });
  assert.deepEqual(x.arraySync(), xTr.arraySync());
  assert.deepEqual(y.arraySync(), [9, 0, 4]);
  assert.deepEqual(xt.arraySync(), [[[1, 2], [3, 4]]]);
  assert.deepEqual(yt.arraySync(), [7]);
  // mismatched counts are reported with the file
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), encodeIdx(u8([9, 0], [2])));
  await assert.rejects(fashionMnist.loadData({ cacheDir: cache, searchDirs: [], download: false }), /holds 3 images but 2 labels/);
});

test("fashionMnist.loadData fails with one error listing every place tried and how to get the data", async () => {
  const cache = fresh("cache2");
  await assert.rejects(fashionMnist.loadData({ cacheDir: cache, searchDirs: [join(root, "nowhere")], download: false }), (e: Error) => {
    assert.match(e.message, /^datasets.fashionMnist.loadData: the data set files were not found. Tried, in order:/);
    assert.match(e.message, new RegExp(`${join(cache, "fashion-mnist")}: no such folder`));
    assert.match(e.message, /\.keras\/datasets\/fashion-mnist/);
    assert.match(e.message, /nowhere: no such folder/);
    assert.match(e.message, /download: disabled \(download: false\)/);
    assert.match(e.message, /sudo apt install dataset-fashion-mnist/);
    return true;
  });
});

test("the vendored Fashion-MNIST loads: 60,000 + 10,000 images, 6,000 / 1,000 per class", async () => {
  const dir = vendoredDir("fashion-mnist");
  assert.ok(dir, "data/fashion-mnist is vendored in the repository");
  const [[x, y], [xt, yt]] = await fashionMnist.loadData({ cacheDir: fresh("empty"), searchDirs: [dir], download: false });
  assert.deepEqual([x.shape, x.dtype, y.shape, y.dtype], [[60000, 28, 28], "uint8", [60000], "uint8"]);
  assert.deepEqual([xt.shape, xt.dtype, yt.shape, yt.dtype], [[10000, 28, 28], "uint8", [10000], "uint8"]);
  const count = (t: typeof y): number[] => { const c = new Array<number>(10).fill(0); for (const v of t.dataSync() as Uint8Array) c[v]++; return c; };
  assert.deepEqual(count(y), new Array(10).fill(6000));
  assert.deepEqual(count(yt), new Array(10).fill(1000));
  // first training label of Fashion-MNIST is 9 (ankle boot), first test label 9 too
  assert.equal(y.dataSync()[0], 9);
  assert.equal(yt.dataSync()[0], 9);
});

// A local server standing in for Keras' and Toronto's hosts.
let server: FileServer;
let origin = "";
let served: Record<string, Uint8Array> = {};
before(async () => {
  server = await startFileServer();
  ({ origin, files: served } = server);
});
after(() => server.close());

test("a download whose checksum differs from Keras' is rejected and leaves the cache empty", async () => {
  for (const f of ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
    served[f] = gzipSync(encodeIdx(u8([1], [1])));
  }
  const cache = fresh("cache3");
  await assert.rejects(fashionMnist.loadData({ cacheDir: cache, searchDirs: [], origin }), (e: Error) => {
    assert.match(e.message, /download: downloadFile: http:\/\/127.0.0.1:\d+\/train-images-idx3-ubyte.gz -> .*checksum mismatch/);
    assert.match(e.message, /expected 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84/);
    return true;
  });
  assert.deepEqual(readdirSync(join(cache, "fashion-mnist")), []);
});

test("mnist.loadData reads Keras' mnist.npz from the cache", async () => {
  const cache = fresh("cache4");
  writeFileSync(join(cache, "mnist.npz"), encodeNpz({
    x_train: u8([0, 255, 3, 4], [1, 2, 2]), y_train: u8([5], [1]),
    x_test: u8([9, 9, 9, 9, 1, 1, 1, 1], [2, 2, 2]), y_test: u8([3, 8], [2]),
  }, { compress: true }));
  const [[x, y], [xt, yt]] = await mnist.loadData({ cacheDir: cache, download: false });
  assert.deepEqual(x.arraySync(), [[[0, 255], [3, 4]]]);
  assert.deepEqual(y.arraySync(), [5]);
  assert.deepEqual(xt.shape, [2, 2, 2]);
  assert.deepEqual(yt.arraySync(), [3, 8]);
  await assert.rejects(mnist.loadData({ cacheDir: fresh("cache5"), download: false, searchDirs: [] }), /datasets.mnist.loadData: the data set files were not found[\s\S]*mnist.npz[\s\S]*To fix: put Keras' mnist.npz/);
});

test("mnist.loadData's error says download is disabled only when the caller disabled it, and names the failed download otherwise", async () => {
  const downloadLines = (e: Error): string[] => e.message.split("\n").filter((l) => l.startsWith("  - download"));
  // The local server has no mnist.npz: the download is tried and fails with 404.
  await assert.rejects(mnist.loadData({ cacheDir: fresh("cache5b"), searchDirs: [], origin }), (e: Error) => {
    const lines = downloadLines(e);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^  - download: downloadFile: http:\/\/127\.0\.0\.1:\d+\/mnist\.npz -> /);
    return true;
  });
  await assert.rejects(mnist.loadData({ cacheDir: fresh("cache5c"), searchDirs: [], download: false }), (e: Error) => {
    assert.deepEqual(downloadLines(e), ["  - download: disabled (download: false)"]);
    return true;
  });
});

function cifarBatch(n: number, first: number, coarse = false): Uint8Array {
  const images = makeTensor(Uint8Array.from({ length: n * 3072 }, (_, i) => (first + i) % 256), [n, 32, 32, 3], "uint8");
  const labels = u8(Array.from({ length: n }, (_, i) => (first + i) % 10), [n]);
  return encodeCifarBinary(images, labels, coarse ? u8(Array.from({ length: n }, (_, i) => i % 20), [n]) : undefined);
}

test("cifar10.loadData concatenates the five binary training batches in order, labels [n, 1]", async () => {
  const cache = fresh("cache6");
  const dir = join(cache, "cifar-10-batches-bin");
  mkdirSync(dir);
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarBatch(2, b * 10));
  writeFileSync(join(dir, "test_batch.bin.gz"), gzipSync(cifarBatch(3, 100)));
  const [[x, y], [xt, yt]] = await cifar10.loadData({ cacheDir: cache, searchDirs: [], download: false });
  assert.deepEqual(x.shape, [10, 32, 32, 3]);
  assert.deepEqual(y.arraySync(), [[0], [1], [0], [1], [0], [1], [0], [1], [0], [1]]);
  assert.equal(x.dataSync()[2 * 3072], 20, "third image starts batch 2");
  assert.deepEqual(xt.shape, [3, 32, 32, 3]);
  assert.deepEqual(yt.arraySync(), [[0], [1], [2]]);
});

test("cifar100.loadData reads fine (default) or coarse labels of the binary version", async () => {
  const cache = fresh("cache8");
  const dir = join(cache, "cifar-100-binary");
  mkdirSync(dir);
  writeFileSync(join(dir, "train.bin"), cifarBatch(4, 3, true));
  writeFileSync(join(dir, "test.bin"), cifarBatch(2, 50, true));
  const [[x, y]] = await cifar100.loadData({ cacheDir: cache, searchDirs: [], download: false });
  assert.deepEqual(x.shape, [4, 32, 32, 3]);
  assert.deepEqual(y.arraySync(), [[3], [4], [5], [6]]);
  const [[, yc]] = await cifar100.loadData({ cacheDir: cache, searchDirs: [], download: false, labelMode: "coarse" });
  assert.deepEqual(yc.arraySync(), [[0], [1], [2], [3]]);
});

test("californiaHousing.loadData shuffles with numpy's RandomState(113) and splits 80/20 as Keras", async () => {
  const cache = fresh("cache9");
  const n = 10;
  const x = makeTensor(Float32Array.from({ length: n * 8 }, (_, i) => i), [n, 8], "float32");
  const y = makeTensor(Float32Array.from({ length: n }, (_, i) => 1000 * i), [n], "float32");
  writeFileSync(join(cache, "california_housing.npz"), encodeNpz({ x, y }));
  const [[xTr, yTr], [xTe, yTe]] = await californiaHousing.loadData({ cacheDir: cache, download: false });
  const perm = Array.from(new NumpyRandomState(113).permutation(n));
  assert.deepEqual(yTr.arraySync(), perm.slice(0, 8).map((i) => 1000 * i));
  assert.deepEqual(yTe.arraySync(), perm.slice(8).map((i) => 1000 * i));
  assert.deepEqual((xTr.arraySync() as number[][])[0], Array.from({ length: 8 }, (_, j) => perm[0] * 8 + j));
  assert.deepEqual(xTe.shape, [2, 8]);
});

test("fetchCaliforniaHousing parses scikit-learn's cal_housing.tgz and derives per-household features", async () => {
  // columns: longitude, latitude, housingMedianAge, totalRooms, totalBedrooms, population, households, medianIncome, medianHouseValue
  const csv = "-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0\n-122.22,37.86,21.0,7099.0,1106.0,2401.0,1138.0,8.3014,358500.0\n";
  const tgz = gzipSync(encodeTar({ "CaliforniaHousing/cal_housing.data": new TextEncoder().encode(csv), "CaliforniaHousing/cal_housing.domain": new Uint8Array(3) }));
  const cache = fresh("cache10");
  writeFileSync(join(cache, "cal_housing.tgz"), tgz);
  const h = await fetchCaliforniaHousing({ cacheDir: cache, download: false });
  assert.deepEqual(h.data.shape, [2, 8]);
  assert.deepEqual((h.data.arraySync() as number[][])[0], [8.3252, 41, 880 / 126, 129 / 126, 322, 322 / 126, 37.88, -122.23]);
  assert.deepEqual(h.target.arraySync(), [4.526, 3.585]);
  assert.deepEqual(h.featureNames, ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]);
  assert.throws(() => readCaliforniaHousingArchive(gzipSync(encodeTar({ "x.txt": new Uint8Array(1) }))), /has no CaliforniaHousing\/cal_housing.data/);
  // the official archive's checksum guards downloads too
  served["cal_housing.tgz"] = tgz;
  await assert.rejects(fetchCaliforniaHousing({ cacheDir: fresh("cache11"), origin }), /expected aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681/);
  assert.deepEqual(readdirSync(join(root, "cache11")), []);
});

test("mnist.npz and california_housing.npz whose arrays do not pair up are refused naming the file; 'small' keeps x[:600] as Keras", async () => {
  const mnistCache = fresh("cache12");
  writeFileSync(join(mnistCache, "mnist.npz"), encodeNpz({
    x_train: u8([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]), y_train: u8([5, 6, 7], [3]),
    x_test: u8([9, 9, 9, 9], [1, 2, 2]), y_test: u8([3], [1]),
  }));
  await assert.rejects(mnist.loadData({ cacheDir: mnistCache, download: false, searchDirs: [] }), /^Error: datasets\.mnist\.loadData: .*mnist\.npz \(x_train, y_train\) holds 2 images but 3 labels; the files do not belong together: delete them and load again$/);
  const calCache = fresh("cache13");
  const x = makeTensor(Float32Array.from({ length: 80 }, (_, i) => i), [10, 8], "float32");
  writeFileSync(join(calCache, "california_housing.npz"), encodeNpz({ x, y: makeTensor(new Float32Array(9), [9], "float32") }));
  await assert.rejects(californiaHousing.loadData({ cacheDir: calCache, download: false }), /^Error: datasets\.californiaHousing\.loadData: .*california_housing\.npz holds x of shape \[10, 8\] and y of shape \[9\]; they need one row per district each/);
  const y = makeTensor(Float32Array.from({ length: 10 }, (_, i) => i), [10], "float32");
  writeFileSync(join(calCache, "california_housing.npz"), encodeNpz({ x, y }));
  const [[, small]] = await californiaHousing.loadData({ cacheDir: calCache, download: false, version: "small" });
  const [[, large]] = await californiaHousing.loadData({ cacheDir: calCache, download: false });
  assert.deepEqual(small.arraySync(), large.arraySync(), "10 rows: x[:600] is all of them");
});

test("readCaliforniaHousingArchive refuses empty or non-numeric cells (Number('') is 0) and an empty table, naming line and cell", () => {
  const archive = (csv: string): Uint8Array => encodeTar({ "CaliforniaHousing/cal_housing.data": new TextEncoder().encode(csv) });
  const good = "-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0\n";
  assert.deepEqual(readCaliforniaHousingArchive(archive(good)).data.shape, [1, 8]);
  assert.throws(() => readCaliforniaHousingArchive(archive(good + "-122.22,37.86,21.0,7099.0,,2401.0,1138.0,8.3014,358500.0\n")), /^Error: readCaliforniaHousingArchive: line 2 of cal_housing\.data is not 9 numbers \(cell 5 is ""\): .*; the archive is damaged or not scikit-learn's cal_housing\.tgz: delete it and fetch it again$/);
  assert.throws(() => readCaliforniaHousingArchive(archive("-122.23,37.88,41.0,880.0,129.0, ,126.0,8.3252,452600.0\n")), /line 1 of cal_housing\.data is not 9 numbers \(cell 6 is " "\)/);
  assert.throws(() => readCaliforniaHousingArchive(archive("-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252\n")), /line 1 of cal_housing\.data is not 9 numbers \(it has 8 cells\)/);
  assert.throws(() => readCaliforniaHousingArchive(archive("\n")), /^Error: readCaliforniaHousingArchive: cal_housing\.data in the archive is empty; the archive is damaged/);
});
