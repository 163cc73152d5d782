import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readCifarPickle } from "./cifar_pickle.js";
import { readPickle, PickledDict, PickledArray } from "./pickle.js";
import { readTar } from "./tar.js";
import { encodeCifarBinary } from "./cifar.js";
import { makeTensor } from "../tensor/tensor.js";

// fixtures/cifar/*.tar.gz are written by fixtures/cifar/make_fixtures.py: the pickles by Python 2.7's
// cPickle (protocol 2, byte-string keys, as CIFAR's own files), checked there with numpy and Keras'
// load_batch. Pixel (image i, channel c, row h, column w) of batch b is
// (40 b + 70 i + 90 c + 8 h + 3 w) mod 256; b = k for data_batch_k, 6 for test_batch, 7 and 8 for
// CIFAR-100's train and test.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "cifar");

function members(archive: string): Map<string, Uint8Array> {
  return new Map(readTar(join(FIXTURES, archive)).filter((e) => e.type === "file").map((e) => [e.name, e.data]));
}

const c10 = members("cifar-10-python.tar.gz");
const c100 = members("cifar-100-python.tar.gz");
const repickled = members("repickled.tar.gz");
const file = (m: Map<string, Uint8Array>, name: string): Uint8Array => {
  const b = m.get(name);
  assert.ok(b, `the fixture holds ${name}`);
  return b;
};

const pixel = (b: number, i: number, c: number, h: number, w: number): number => (40 * b + 70 * i + 90 * c + 8 * h + 3 * w) % 256;
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

test("a data_batch of CIFAR-10's Python version (Python 2 cPickle) reads as Keras' load_batch, transposed to channels last", () => {
  const { images, labels } = readCifarPickle(file(c10, "cifar-10-batches-py/data_batch_1"));
  assert.deepEqual([images.shape, images.dtype, labels.shape, labels.dtype], [[2, 32, 32, 3], "uint8", [2, 1], "uint8"]);
  assert.deepEqual(labels.arraySync(), [[3], [4]]);
  const x = images.arraySync() as number[][][][];
  // numpy (make_fixtures.py): x_train[0,0,0,:] = 40, 130, 220; x_train[1,0,0,0] = 110
  assert.deepEqual(x[0][0][0], [40, 130, 220]);
  assert.equal(x[1][0][0][0], 110);
  // 70 + 90 * 2 + 8 * 31 + 3 * 7 + 40 = 559 = 47 (mod 256): row 31, column 7, blue, of image 1
  assert.equal(x[1][31][7][2], 47);
  for (let i = 0; i < 2; i++) for (let h = 0; h < 32; h++) for (let w = 0; w < 32; w++) for (let c = 0; c < 3; c++) {
    if (x[i][h][w][c] !== pixel(1, i, c, h, w)) assert.fail(`image ${i} [${h}, ${w}, ${c}] is ${x[i][h][w][c]}, expected ${pixel(1, i, c, h, w)}`);
  }
});

test("test_batch as CIFAR wrote it and pickled again by Python 3 (protocol 2 with bytes keys, 4 and 5 with str keys, a Fortran-ordered array) read the same", () => {
  const expected = readCifarPickle(file(c10, "cifar-10-batches-py/test_batch"));
  const x = expected.images.arraySync() as number[][][][];
  // numpy: x_test[0,0,0,0] = 240, x_test[2,31,0,2] = 40, x_test[1,10,20,1] = 28; y_test = 8, 9, 0
  assert.deepEqual([x[0][0][0][0], x[2][31][0][2], x[1][10][20][1]], [240, 40, 28]);
  assert.deepEqual(expected.labels.arraySync(), [[8], [9], [0]]);
  for (const p of ["protocol2", "protocol4", "protocol5", "fortran"]) {
    const got = readCifarPickle(file(repickled, `repickled/test_batch.${p}`));
    assert.deepEqual(got.images.dataSync(), expected.images.dataSync(), `protocol ${p}`);
    assert.deepEqual(got.labels.arraySync(), [[8], [9], [0]], `protocol ${p}`);
  }
});

test("CIFAR-100's train file gives its fine or coarse labels by labelKey", () => {
  const bytes = file(c100, "cifar-100-python/train");
  const fine = readCifarPickle(bytes, { labelKey: "fine_labels" });
  assert.deepEqual(fine.labels.arraySync(), [[91], [32], [73]]);
  assert.deepEqual(readCifarPickle(bytes, { labelKey: "coarse_labels" }).labels.arraySync(), [[18], [6], [14]]);
  // numpy: x_train[2,1,2,0] = 178 (280 + 140 + 8 + 6 = 434 = 178 mod 256)
  assert.equal((fine.images.arraySync() as number[][][][])[2][1][2][0], 178);
  assert.throws(() => readCifarPickle(bytes), /readCifarPickle: the given bytes: the dict has no "labels" \(its keys: .*fine_labels.*\); it is a CIFAR-100 file: pass labelKey "fine_labels" or "coarse_labels"/);
});

test("the pickle reader gives Python 2 strings as bytes and dicts whose keys are looked up by text", () => {
  const d = readPickle(file(c10, "cifar-10-batches-py/data_batch_2"), "t");
  assert.ok(d instanceof PickledDict);
  assert.deepEqual(d.keyNames().sort(), ["batch_label", "data", "filenames", "labels"]);
  assert.deepEqual(d.get("batch_label"), new TextEncoder().encode("training batch 2 of 5"));
  assert.deepEqual(d.get("labels"), [6, 7]);
  const data = d.get("data");
  assert.ok(data instanceof PickledArray);
  assert.deepEqual([data.shape, data.dtype?.code, data.dtype?.order, data.fortran], [[2, 3072], "u1", "|", false]);
  // bytes 0x80..0x9f survive (the pixels are a Python 2 string): image 0's red plane starts 80, 83, 86 at row 0
  assert.deepEqual([...(data.raw as Uint8Array).subarray(0, 3)], [80, 83, 86]);
  assert.equal((data.raw as Uint8Array)[1024 + 5], pixel(2, 0, 1, 0, 5));
});

// Written by make_py2_pickles.py (Python 2.7 cPickle, protocol 2).
const BAD = {
  aList: "gAJdcQEoSwFLAksDZS4=",
  countMismatch: "gAJ9cQEoVQZsYWJlbHNxAl1xA0sBYVUEZGF0YXEEY251bXB5LmNvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQVjbnVtcHkKbmRhcnJheQpxBksAhXEHVQFih1JxCChLAUsATQAMhnEJY251bXB5CmR0eXBlCnEKVQJ1MXELSwBLAYdxDFJxDShLA1UBfE5OTkr/////Sv////9LAHRxDmKJVQB0YnUu",
  evil: "gAJ9cQEoVQZsYWJlbHNxAl1xA0sBYVUEZGF0YXEEY3Bvc2l4CnN5c3RlbQpxBVUHZWNobyBoaXEGhXEHUnEIdS4=",
  noData: "gAJ9cQEoVQZsYWJlbHNxAl1xAyhLAUsCZVULYmF0Y2hfbGFiZWxxBFUBeHUu",
  wrongShape: "gAJ9cQEoVQZsYWJlbHNxAl1xAyhLAUsCZVUEZGF0YXEEY251bXB5LmNvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQVjbnVtcHkKbmRhcnJheQpxBksAhXEHVQFih1JxCChLAUsCS2SGcQljbnVtcHkKZHR5cGUKcQpVAnUxcQtLAEsBh3EMUnENKEsDVQF8Tk5OSv////9K/////0sAdHEOYolVyAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHcQ90YnUu",
};
const FIX_ADVICE = /it is not a batch of CIFAR's Python version \(cifar-10-batches-py\/data_batch_1 \.\.\., cifar-100-python\/train, test\): delete it and load the data set again$/;

test("a pickle that is not a CIFAR batch is refused naming the file, what it holds and what to do", () => {
  const cases: [string, RegExp][] = [
    [BAD.noData, /^readCifarPickle: the given bytes: the dict has no "data" \(its keys: labels, batch_label\); /],
    [BAD.wrongShape, /^readCifarPickle: the given bytes: its "data" is a numpy array of dtype u1 and shape \[2, 100\], where a CIFAR batch holds a uint8 numpy array \[n, 3072\] \(n images of 3 x 32 x 32\); /],
    [BAD.countMismatch, /^readCifarPickle: the given bytes: it holds 0 images but 1 labels under "labels"; /],
    [BAD.aList, /^readCifarPickle: the given bytes: the pickle holds a list of 3 items, where a CIFAR batch is a dict with "data" and "labels"; /],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => readCifarPickle(b64(bytes)), (e: Error) => {
      assert.match(e.message, message);
      assert.match(e.message, FIX_ADVICE);
      return true;
    });
  }
  // a pickle that would call os.system is refused before anything is built
  assert.throws(() => readCifarPickle(b64(BAD.evil)), /^Error: readCifarPickle: the given bytes: the pickle names posix\.system; only numpy arrays of integer lists are read, and dicts of numpy arrays and lists \(CIFAR's batches\): nothing else is built from a pickle; it is not a batch/);
  const whole = file(c10, "cifar-10-batches-py/data_batch_1");
  assert.throws(() => readCifarPickle(whole.subarray(0, 4000)), /^Error: readCifarPickle: the given bytes: the pickle is truncated; it is not a batch of CIFAR's Python version/);
  assert.throws(() => readCifarPickle(whole, { labelKey: "fine_labels" }), /the dict has no "fine_labels" \(its keys: .*labels.*\); it is a CIFAR-10 file: pass labelKey "labels"/);
});

test("a batch of the binary version given to readCifarPickle is refused with a pointer to readCifarBinary", () => {
  const images = makeTensor(new Uint8Array(2 * 3072).fill(9), [2, 32, 32, 3], "uint8");
  const bin = encodeCifarBinary(images, makeTensor(Uint8Array.of(6, 1), [2], "uint8"));
  assert.throws(() => readCifarPickle(bin), /^Error: readCifarPickle: the given bytes: the pickle uses opcode 0x6 at byte 0.*; its size is a whole number of the binary version's records \(1 or 2 label bytes \+ 3072 pixels\): read it with readCifarBinary; it is not a batch/);
});
