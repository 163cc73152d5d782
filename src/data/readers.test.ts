import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readIdx, encodeIdx } from "./idx.js";
import { readNpy, readNpz, encodeNpy, encodeNpz, saveNpz } from "./npy.js";
import { readCifarBinary, encodeCifarBinary } from "./cifar.js";
import { readTar, encodeTar } from "./tar.js";
import { makeTensor } from "../tensor/tensor.js";

const FIXTURES = new URL("../../test/fixtures/data/", import.meta.url).pathname;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "lamina-readers-"));
}

test("readIdx reads a hand-written uint8 IDX file, plain and gzipped", () => {
  // magic 00 00 08 03, dims 2 x 2 x 3, then 12 pixels
  const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => 250 - i)]);
  const dir = tmp();
  try {
    writeFileSync(join(dir, "x-idx3-ubyte"), bytes);
    writeFileSync(join(dir, "x-idx3-ubyte.gz"), gzipSync(bytes));
    for (const f of ["x-idx3-ubyte", "x-idx3-ubyte.gz"]) {
      const t = readIdx(join(dir, f));
      assert.equal(t.dtype, "uint8");
      assert.deepEqual(t.shape, [2, 2, 3]);
      assert.deepEqual(t.arraySync(), [[[250, 249, 248], [247, 246, 245]], [[244, 243, 242], [241, 240, 239]]]);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("readIdx reads big-endian ints and floats and round-trips encodeIdx", () => {
  const labels = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
  assert.deepEqual(readIdx(labels).arraySync(), [-2, 256]);
  const f = makeTensor(new Float32Array([1.5, -2.25, 3e-3, 7]), [2, 2], "float32");
  const back = readIdx(encodeIdx(f));
  assert.equal(back.dtype, "float32");
  assert.deepEqual(back.arraySync(), f.arraySync());
  const d = makeTensor(new Float64Array([Math.PI, -1e300]), [2], "float64");
  assert.deepEqual(readIdx(gzipSync(encodeIdx(d))).arraySync(), [Math.PI, -1e300]);
});

test("readIdx rejects truncated and foreign files with the path in the message", () => {
  const good = encodeIdx(makeTensor(new Uint8Array(10), [10], "uint8"));
  assert.throws(() => readIdx(good.subarray(0, good.length - 1)), /readIdx: the given bytes holds 17 bytes but its header \[10\].*truncated/);
  assert.throws(() => readIdx(new Uint8Array([1, 2, 3, 4, 5])), /readIdx: .*is not an IDX file/);
  assert.throws(() => readIdx("/nonexistent/train-images-idx3-ubyte.gz"), /readIdx: no file at \/nonexistent\/train-images-idx3-ubyte.gz/);
  assert.throws(() => readIdx(gzipSync(good).subarray(0, 20)), /looks gzipped but cannot be decompressed/);
});

test("readNpz reads numpy's savez_compressed output of every dtype (fixture made by numpy 1.24)", () => {
  const a = readNpz(join(FIXTURES, "arrays.npz"));
  assert.deepEqual(Object.keys(a).sort(), ["b1", "f4", "f8", "i2", "i4", "i8", "scalar", "u1"]);
  assert.equal(a.f4.dtype, "float32");
  assert.deepEqual(a.f4.arraySync(), [[0, 0.25, 0.5, 0.75], [1, 1.25, 1.5, 1.75], [2, 2.25, 2.5, 2.75]]);
  assert.equal(a.f8.dtype, "float64");
  assert.deepEqual(a.f8.arraySync(), [[0.1, -2.5], [1e300, -0]]);
  assert.ok(Object.is((a.f8.arraySync() as number[][])[1][1], -0));
  assert.equal(a.i4.dtype, "int32");
  assert.deepEqual(a.i4.arraySync(), [[1, -2, 3], [4, 5, -6]]);
  assert.equal(a.i8.dtype, "int64");
  assert.deepEqual(Array.from(a.i8.dataSync() as BigInt64Array), [-1n, 2n ** 40n, -(2n ** 50n)]);
  assert.equal(a.u1.dtype, "uint8");
  assert.deepEqual(a.u1.arraySync(), [[250, 251, 252], [253, 254, 255]]);
  assert.equal(a.b1.dtype, "bool");
  assert.deepEqual(a.b1.arraySync(), [true, false, true]);
  assert.deepEqual(a.i2.arraySync(), [-300, 300]);
  assert.deepEqual(a.scalar.shape, []);
  assert.equal(a.scalar.item(), 3.5);
});

test("readNpy handles big-endian and Fortran-ordered arrays (fixtures made by numpy)", () => {
  assert.deepEqual(readNpy(join(FIXTURES, "big_endian.npy")).arraySync(), [[1, 2, 3], [4, 5, 258]]);
  const f = readNpy(join(FIXTURES, "fortran.npy"));
  assert.deepEqual(f.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(f.dataSync() as Float32Array), Array.from({ length: 24 }, (_, i) => i));
});

test("readNpy keeps numpy's int8 ('|i1') as int8 (bytes made by numpy's np.save)", () => {
  const bytes = new Uint8Array(Buffer.from("k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqA/wB/", "base64"));
  const t = readNpy(bytes);
  assert.equal(t.dtype, "int8");
  assert.deepEqual(t.arraySync(), [[-128, -1], [0, 127]]);
  assert.deepEqual(readNpy(encodeNpy(t)).arraySync(), [[-128, -1], [0, 127]]);
});

test("encodeNpy/encodeNpz round-trip through readNpy/readNpz, header aligned to 64 bytes", () => {
  const t = makeTensor(new Int32Array([1, 2, 3, 4, 5, 6]), [3, 2], "int32");
  const bytes = encodeNpy(t);
  const headerLen = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLen) % 64, 0);
  assert.deepEqual(readNpy(bytes).arraySync(), [[1, 2], [3, 4], [5, 6]]);
  const dir = tmp();
  try {
    const p = join(dir, "a.npz");
    saveNpz(p, { x: t, y: makeTensor(new Uint8Array([7]), [1], "uint8") }, { compress: true });
    const back = readNpz(p);
    assert.deepEqual(back.x.arraySync(), [[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(back.y.arraySync(), [7]);
  } finally {
    rmSync(dir, { recursive: true });
  }
  const npz = encodeNpz({ x: t });
  assert.throws(() => readNpz(npz.subarray(0, npz.length - 30)), /readNpz: the .npz bytes is not a readable zip archive/);
  assert.throws(() => readNpy(bytes.subarray(0, bytes.length - 4)), /readNpy: .* is truncated/);
});

test("readCifarBinary reorders planar RGB records to [n, 32, 32, 3] and reads both label layouts", () => {
  const n = 3, rec = 1 + 3072;
  const raw = new Uint8Array(n * rec);
  for (let i = 0; i < n; i++) {
    raw[i * rec] = 7 - i;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) raw[i * rec + 1 + c * 1024 + p] = (i * 50 + c * 10 + p) % 256;
  }
  const { images, labels } = readCifarBinary(gzipSync(raw));
  assert.deepEqual(images.shape, [3, 32, 32, 3]);
  assert.deepEqual(labels.shape, [3, 1]);
  assert.deepEqual(labels.arraySync(), [[7], [6], [5]]);
  const px = images.dataSync();
  // image 1, row 2, column 5, channel 2 (blue): pixel p = 2 * 32 + 5 = 69
  assert.equal(px[((1 * 32 + 2) * 32 + 5) * 3 + 2], (50 + 20 + 69) % 256);
  assert.deepEqual(Array.from(encodeCifarBinary(images, labels)), Array.from(raw));
  // CIFAR-100: coarse byte then fine byte
  const raw100 = encodeCifarBinary(images, makeTensor(new Uint8Array([90, 91, 92]), [3], "uint8"), makeTensor(new Uint8Array([1, 2, 3]), [3], "uint8"));
  assert.deepEqual(readCifarBinary(raw100, { labelBytes: 2 }).labels.arraySync(), [[90], [91], [92]]);
  assert.deepEqual(readCifarBinary(raw100, { labelBytes: 2, labelMode: "coarse" }).labels.arraySync(), [[1], [2], [3]]);
  assert.throws(() => readCifarBinary(raw100), /not a whole number of 3073-byte records.*labelBytes: 2/);
});

test("readTar lists a gzipped ustar archive made by encodeTar, and rejects a truncated one", () => {
  const files = { "dir/a.txt": new TextEncoder().encode("hello"), "dir/b.bin": new Uint8Array(1000).fill(3) };
  const entries = readTar(gzipSync(encodeTar(files)));
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.data.length]), [["dir/a.txt", "file", 5], ["dir/b.bin", "file", 1000]]);
  assert.equal(new TextDecoder().decode(entries[0].data), "hello");
  const tar = encodeTar(files);
  assert.throws(() => readTar(tar.subarray(0, 1100)), /readTar: the given bytes is truncated/);
  assert.throws(() => readTar(tar.subarray(0, 1600)), /readTar: the given bytes is truncated: entry dir\/b.bin needs 1000 bytes/);
});

test("readNpz checks each entry's CRC-32: a flipped byte inside a stored array is an error, not a wrong value", () => {
  const values = Float32Array.from([0, 1, 2, 3]);
  const npz = encodeNpz({ x: makeTensor(values, [4], "float32") });
  const payload = new Uint8Array(values.buffer);
  const at = npz.findIndex((_, i) => payload.every((b, j) => npz[i + j] === b));
  assert.ok(at > 0, "the stored array's bytes are in the archive");
  const damaged = npz.slice();
  damaged[at + 5] ^= 0xff; // inside x[1]
  assert.throws(() => readNpz(damaged), /^Error: readNpz: the \.npz bytes: entry "x\.npy" is corrupted \(its CRC-32 is [0-9a-f]{8}, the archive records [0-9a-f]{8}\); the file is damaged: delete it and fetch it again$/);
  assert.deepEqual(readNpz(npz).x.arraySync(), [0, 1, 2, 3]);
});
