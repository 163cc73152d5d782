import { test } from "node:test";
import assert from "node:assert/strict";
import { Hdf5File } from "./h5.js";
import { ModelFileError } from "./file_error.js";

/** Made by h5py with test/fixtures/keras_files/make_odd_datasets.py. */
const ODD = new URL("../../test/fixtures/keras_files/odd_datasets.h5", import.meta.url).pathname;

test("readArray names float16, big-endian and plugin-compressed datasets and how to rewrite them; gzip reads", async () => {
  const h5 = await Hdf5File.openForReading(ODD);
  try {
    const refused = (path: string, pattern: RegExp): void => {
      assert.throws(() => h5.readArray(path), (e: unknown) => {
        assert.ok(e instanceof ModelFileError);
        assert.ok(e.message.startsWith(`${ODD}: dataset "${path}" `), e.message);
        assert.match(e.message, pattern);
        return true;
      });
    };
    refused("f16", /holds 16-bit floats \(float16\), which lamina does not read; save the weights as float32/);
    refused("be", /is big-endian, which lamina does not read; rewrite it little-endian/);
    refused("lzf", /is compressed with the HDF5 filter "lzf" \(id 32000\), which lamina's HDF5 library does not include; save it uncompressed \(as Keras does\) or with gzip/);
    assert.deepEqual(Array.from(h5.readArray("gzip").data as Float32Array), [1.5, -2]);
  } finally {
    h5.close();
  }
});

test("int8 datasets (quantized kernels) are written as HDF5 signed bytes and read back as int8", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "lamina-h5-int8-"));
  try {
    const path = join(dir, "q.h5");
    const w = await Hdf5File.create(path);
    w.writeArray("k", { data: Int8Array.from([-128, -1, 0, 127]), shape: [2, 2], dtype: "int8" });
    w.close();
    const r = await Hdf5File.openForReading(path);
    try {
      const a = r.readArray("k");
      assert.equal(a.dtype, "int8");
      assert.ok(a.data instanceof Int8Array);
      assert.deepEqual(Array.from(a.data as Int8Array), [-128, -1, 0, 127]);
      assert.deepEqual(a.shape, [2, 2]);
    } finally {
      r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
