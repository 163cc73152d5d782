// End-to-end checks on the full data sets and the notebooks' data cells (npm run test:e2e).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fashionMnist } from "../../src/data/datasets.js";
import { vendoredDir } from "../../src/data/locate.js";
import { trainTestSplit } from "../../src/data/split.js";
import { StandardScaler } from "../../src/data/scalers.js";
import { makeTensor } from "../../src/tensor/tensor.js";

// SHA-256 of the decompressed IDX files (data/fashion-mnist/README.md).
const DECOMPRESSED_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
};

test("the vendored Fashion-MNIST files hold the published data", () => {
  const dir = vendoredDir("fashion-mnist");
  assert.ok(dir);
  for (const [f, sha] of Object.entries(DECOMPRESSED_SHA256)) {
    assert.equal(createHash("sha256").update(gunzipSync(readFileSync(join(dir, f)))).digest("hex"), sha, f);
  }
});

test("fashionMnist.loadData() with default search finds the data on a fresh machine (no cache, no network)", async () => {
  const cache = mkdtempSync(join(tmpdir(), "lamina-e2e-"));
  try {
    const [[x, y], [xt, yt]] = await fashionMnist.loadData({ cacheDir: cache, download: false });
    assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[60000, 28, 28], [60000], [10000, 28, 28], [10000]]);
    const counts = new Array<number>(10).fill(0);
    for (const v of yt.dataSync() as Uint8Array) counts[v]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
    // notebook 001's split and scaling on the whole training set
    const [xTr, xVa] = trainTestSplit(x, y, { trainSize: 0.8, randomState: 42 });
    assert.deepEqual([xTr.shape[0], xVa.shape[0]], [48000, 12000]);
    const flat = makeTensor(Float32Array.from(xTr.dataSync() as Uint8Array), [48000, 784], "float32");
    const scaled = new StandardScaler().fitTransform(flat);
    const check = new StandardScaler().fit(scaled);
    for (const m of check.mean.dataSync() as Float64Array) assert.ok(Math.abs(m) < 1e-5);
    for (const s of check.scale.dataSync() as Float64Array) assert.ok(Math.abs(s - 1) < 1e-4);
  } finally {
    rmSync(cache, { recursive: true });
  }
});

// The notebooks' data cells (48000/12000 split, standardized pixels) are checked by
// examples/000-cnn-batchnorm.test.ts and examples/001-resnet.test.ts, which run them on this data.
