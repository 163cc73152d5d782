import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imdb, reuters } from "./text_datasets.js";
import { readNpzSequences } from "./npz_sequences.js";
import { readPickle, PickledArray, integersOf } from "./pickle.js";
import { readNpz } from "./npy.js";

// Small .npz files written by numpy 1.24 (np.save of object arrays of int lists, the layout of
// Keras' imdb.npz / reuters.npz): imdb's x_train pickled with protocol 2, x_test with protocol 4;
// reuters' items are numpy int32 arrays (protocol 3). Raw imdb x_train:
// [[6,1,4,4,8],[4,6],[5,8,7],[9],[11,2,7,8,8],[2],[10,9,10,5,4,1]], y_train [0,1,1,0,1,0,1].
const IMDB_NPZ = "UEsDBBQAAAAAANAleV1nHf1vkQEAAJEBAAALAAAAeF90cmFpbi5ucHmTTlVNUFkBAHYAeydkZXNjcic6ICd8TycsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg3LCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCoACY251bXB5LmNvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQBjbnVtcHkKbmRhcnJheQpxAUsAhXECY19jb2RlY3MKZW5jb2RlCnEDWAEAAABicQRYBgAAAGxhdGluMXEFhnEGUnEHh3EIUnEJKEsBSweFcQpjbnVtcHkKZHR5cGUKcQtYAgAAAE84cQyJiIdxDVJxDihLA1gBAAAAfHEPTk5OSv////9K/////0s/dHEQYoldcREoXXESKEsGSwFLBEsESwhlXXETKEsESwZlXXEUKEsFSwhLB2VdcRVLCWFdcRYoSwtLAksHSwhLCGVdcRdLAmFdcRgoSwpLCUsKSwVLBEsBZWV0cRliLlBLAwQUAAAAAADQJXldGTMP7bgAAAC4AAAACwAAAHlfdHJhaW4ubnB5k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDcsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAEAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAFBLAwQUAAAAAADQJXld1ffHbT4BAAA+AQAACgAAAHhfdGVzdC5ucHmTTlVNUFkBAHYAeydkZXNjcic6ICd8TycsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg1LCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCoAElbMAAAAAAAAAjBVudW1weS5jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsFhZRoA4wFZHR5cGWUk5SMAk84lImIh5RSlChLA4wBfJROTk5K/////0r/////Sz90lGKJXZQoXZQoSwZLAUsDSwRlXZRLAmFdlChLBEsESwhLAWVdlChLCksKZV2USwthZXSUYi5QSwMEFAAAAAAA0CV5XWYE/iyoAAAAqAAAAAoAAAB5X3Rlc3QubnB5k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUEsBAhQDFAAAAAAA0CV5XWcd/W+RAQAAkQEAAAsAAAAAAAAAAAAAAIABAAAAAHhfdHJhaW4ubnB5UEsBAhQDFAAAAAAA0CV5XRkzD+24AAAAuAAAAAsAAAAAAAAAAAAAAIABugEAAHlfdHJhaW4ubnB5UEsBAhQDFAAAAAAA0CV5XdX3x20+AQAAPgEAAAoAAAAAAAAAAAAAAIABmwIAAHhfdGVzdC5ucHlQSwECFAMUAAAAAADQJXldZgT+LKgAAACoAAAACgAAAAAAAAAAAAAAgAEBBAAAeV90ZXN0Lm5weVBLBQYAAAAABAAEAOIAAADRBAAAAAA=";
const REUTERS_NPZ = "UEsDBBQAAAAAANAleV29fnHWNQMAADUDAAAFAAAAeC5ucHmTTlVNUFkBAHYAeydkZXNjcic6ICd8TycsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxMCwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCoADY251bXB5LmNvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQBjbnVtcHkKbmRhcnJheQpxAUsAhXECQwFicQOHcQRScQUoSwFLCoVxBmNudW1weQpkdHlwZQpxB1gCAAAATzhxCImIh3EJUnEKKEsDWAEAAAB8cQtOTk5K/////0r/////Sz90cQxiiV1xDShoAGgBSwCFcQ5oA4dxD1JxEChLAUsGhXERaAdYAgAAAGk0cRKJiIdxE1JxFChLA1gBAAAAPHEVTk5OSv////9K/////0sAdHEWYolDGAYAAAAHAAAACQAAAAUAAAACAAAABQAAAHEXdHEYYmgAaAFLAIVxGWgDh3EaUnEbKEsBSwKFcRxoFIlDCAsAAAALAAAAcR10cR5iaABoAUsAhXEfaAOHcSBScSEoSwFLAYVxImgUiUMEAgAAAHEjdHEkYmgAaAFLAIVxJWgDh3EmUnEnKEsBSwKFcShoFIlDCAgAAAAKAAAAcSl0cSpiaABoAUsAhXEraAOHcSxScS0oSwFLAoVxLmgUiUMIBAAAAAcAAABxL3RxMGJoAGgBSwCFcTFoA4dxMlJxMyhLAUsEhXE0aBSJQxADAAAAAQAAAAQAAAAGAAAAcTV0cTZiaABoAUsAhXE3aAOHcThScTkoSwFLBYVxOmgUiUMUCgAAAAsAAAAFAAAABQAAAAcAAABxO3RxPGJoAGgBSwCFcT1oA4dxPlJxPyhLAUsFhXFAaBSJQxQFAAAABAAAAAUAAAAFAAAACQAAAHFBdHFCYmgAaAFLAIVxQ2gDh3FEUnFFKEsBSwWFcUZoFIlDFAQAAAALAAAACAAAAAYAAAAGAAAAcUd0cUhiaABoAUsAhXFJaAOHcUpScUsoSwFLAYVxTGgUiUMEAgAAAHFNdHFOYmV0cU9iLlBLAwQUAAAAAADQJXldqJx6gdAAAADQAAAABQAAAHkubnB5k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEwLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoFAAAAAAAAACkAAAAAAAAAIwAAAAAAAAAAAAAAAAAAAB8AAAAAAAAABQAAAAAAAAAeAAAAAAAAAAAAAAAAAAAAJAAAAAAAAAAiAAAAAAAAAFBLAQIUAxQAAAAAANAleV29fnHWNQMAADUDAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLAQIUAxQAAAAAANAleV2onHqB0AAAANAAAAAFAAAAAAAAAAAAAACAAVgDAAB5Lm5weVBLBQYAAAAAAgACAGYAAABLBAAAAAA=";
// pickle.dumps(object array [np.array([1,-2,3], int64), [2**40, 0]], protocol=5)
const P5 = "gAWVEQEAAAAAAACMFW51bXB5LmNvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwKFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlCiMEm51bXB5LmNvcmUubnVtZXJpY5SMC19mcm9tYnVmZmVylJOUKJYYAAAAAAAAAAEAAAAAAAAA/v////////8DAAAAAAAAAJRoDIwCaTiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYksDhZSMAUOUdJRSlF2UKIoGAAAAAAABSwBlZXSUYi4=";
// A Python 2 style pickle (GLOBAL, SHORT_BINSTRING, LONG1, BINGET), which numpy loads as [[5, 10000, 100000], [7], [5, 10000, 100000]].
const P2 = "gAJjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAWNudW1weQpuZGFycmF5CnECSwCFVQFih1IoSwFLA4VjbnVtcHkKZHR5cGUKVQJPOEsASwGHUihLA1UBfE5OTkr/////Sv////9LP3RiiV1xAyhdcQQoSwVNECeKA6CGAWVdcQVLB2FoBGV0Yi4=";
// pickle.dumps([os.system("echo hi")-reducer], protocol=2): must be refused, never run.
const EVIL = "gAJdcQBjcG9zaXgKc3lzdGVtCnEBWAcAAABlY2hvIGhpcQKFcQNScQRhLg==";

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "lamina-text-datasets-"));
  writeFileSync(join(root, "imdb.npz"), b64(IMDB_NPZ));
  writeFileSync(join(root, "reuters.npz"), b64(REUTERS_NPZ));
  writeFileSync(join(root, "imdb_word_index.json"), JSON.stringify({ the: 1, and: 2, a: 3 }));
});
after(() => rmSync(root, { recursive: true, force: true }));
const local = { cacheDir: "", download: false, searchDirs: [] as string[] };
const opts = () => ({ ...local, cacheDir: root });

type Plain = [number[][], number[], number[][], number[]];
const plain = ([[x, y], [xt, yt]]: Awaited<ReturnType<typeof imdb.loadData>>): Plain => [x, y.arraySync() as number[], xt, yt.arraySync() as number[]];

test("the pickle reader reads numpy's object arrays of int lists (protocols 2-5) and refuses other globals", () => {
  const a = readPickle(b64(P5), "p5") as PickledArray;
  assert.deepEqual(a.items?.map((it, i) => integersOf(it, `item ${i}`)), [[1, -2, 3], [2 ** 40, 0]]);
  const b = readPickle(b64(P2), "p2") as PickledArray;
  assert.deepEqual(b.items, [[5, 10000, 100000], [7], [5, 10000, 100000]]);
  assert.throws(() => readPickle(b64(EVIL), "evil.npy"), /evil.npy: the pickle names posix.system; only numpy arrays of integer lists are read/);
  const sq = readNpzSequences(b64(IMDB_NPZ));
  assert.deepEqual(sq.x_train, [[6, 1, 4, 4, 8], [4, 6], [5, 8, 7], [9], [11, 2, 7, 8, 8], [2], [10, 9, 10, 5, 4, 1]]);
  assert.throws(() => readNpz(b64(IMDB_NPZ)), /is an object array \(numpy dtype '\|O'.*use data.readNpzSequences/);
});

// Expected values: Keras 3.5's keras.datasets.imdb.load_data / reuters.load_data run on these same files.
test("imdb.loadData shuffles with numpy's RandomState(113) and offsets indices as Keras does", async () => {
  assert.deepEqual(plain(await imdb.loadData(opts())), [
    [[1, 7, 9], [1, 12], [1, 9, 4, 7, 7, 11], [1, 13, 12, 13, 8, 7, 4], [1, 8, 11, 10], [1, 2, 5, 10, 11, 11], [1, 5]], [1, 0, 0, 1, 1, 1, 0],
    [[1, 7, 7, 11, 4], [1, 13, 13], [1, 2], [1, 5], [1, 9, 4, 6, 7]], [0, 0, 0, 0, 0],
  ]);
  const [[x], [, yt]] = await imdb.loadData(opts());
  assert.equal(yt.dtype, "int64");
  assert.equal(x.length, 7);
});

test("imdb.loadData numWords/skipTop, maxlen/seed/oovChar null, startChar null/indexFrom 0 match Keras", async () => {
  assert.deepEqual(plain(await imdb.loadData({ ...opts(), numWords: 8, skipTop: 2 })), [
    [[2, 7, 2], [2, 2], [2, 2, 4, 7, 7, 2], [2, 2, 2, 2, 2, 7, 4], [2, 2, 2, 2], [2, 2, 5, 2, 2, 2], [2, 5]], [1, 0, 0, 1, 1, 1, 0],
    [[2, 7, 7, 2, 4], [2, 2, 2], [2, 2], [2, 5], [2, 2, 4, 6, 7]], [0, 0, 0, 0, 0],
  ]);
  assert.deepEqual(plain(await imdb.loadData({ ...opts(), maxlen: 5, seed: 1, oovChar: null, numWords: 10 })), [
    [[1, 8], [1, 7, 9], [1], [1, 5]], [1, 1, 0, 0], [[1], [1, 5], [1]], [0, 0, 0],
  ]);
  // Keras' default numWords is the largest index, exclusive: that index becomes oovChar.
  assert.deepEqual(plain(await imdb.loadData({ ...opts(), startChar: null, indexFrom: 0 })), [
    [[4, 6], [9], [6, 1, 4, 4, 8], [10, 9, 10, 5, 4, 1], [5, 8, 7], [2, 2, 7, 8, 8], [2]], [1, 0, 0, 1, 1, 1, 0],
    [[4, 4, 8, 1], [10, 10], [2], [2], [6, 1, 3, 4]], [0, 0, 0, 0, 0],
  ]);
  await assert.rejects(imdb.loadData({ ...opts(), maxlen: 1 }), /no sequence was kept; increase maxlen/);
  await assert.rejects(imdb.loadData({ ...opts(), numWords: -1 }), /numWords must be an integer >= 0 or null, got -1/);
});

test("reuters.loadData shuffles then splits by testSplit as Keras does", async () => {
  assert.deepEqual(plain(await reuters.loadData(opts())), [
    [[1, 5], [1, 11, 13], [1, 13, 2, 8, 8, 10], [1, 2, 2], [1, 9, 10, 12, 8, 5, 8], [1, 8, 7, 8, 8, 12], [1, 7, 10], [1, 7, 2, 11, 9, 9]],
    [34, 0, 30, 41, 5, 0, 31, 36], [[1, 5], [1, 6, 4, 7, 9]], [35, 5],
  ]);
  assert.deepEqual(plain(await reuters.loadData({ ...opts(), testSplit: 0.3, numWords: 9, maxlen: 6 })), [
    [[1, 5], [1, 2, 2], [1, 2, 2], [1, 7, 2]], [34, 0, 41, 31], [[1, 5], [1, 6, 4, 7, 2]], [35, 5],
  ]);
  assert.equal(reuters.getLabelNames()[3], "earn");
  assert.equal(reuters.getLabelNames().length, 46);
});

test("getWordIndex reads the cached JSON; a missing file names Keras' URL and checksum", async () => {
  assert.deepEqual(await imdb.getWordIndex(opts()), { the: 1, and: 2, a: 3 });
  const empty = join(root, "empty");
  mkdirSync(empty);
  await assert.rejects(reuters.getWordIndex({ ...local, cacheDir: empty }), /datasets.reuters.getWordIndex: the data set files were not found[\s\S]*download: disabled[\s\S]*https:\/\/storage.googleapis.com\/tensorflow\/tf-keras-datasets\/reuters_word_index.json, MD5 4d44cc38712099c9e383dc6e5f11a921/);
  await assert.rejects(imdb.loadData({ ...local, cacheDir: empty }), /imdb.npz, SHA-256 69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f/);
});
