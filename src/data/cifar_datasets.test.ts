import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cifar10, cifar100 } from "./datasets.js";
import { CIFAR10_PYTHON, CIFAR100_PYTHON, fetchCifarArchive } from "./cifar_datasets.js";
import { readTar, encodeTar } from "./tar.js";
import { encodeCifarBinary } from "./cifar.js";
import { makeTensor } from "../tensor/tensor.js";
import { startFileServer, type FileServer } from "../../test/support/file_server.js";

// fixtures/cifar/: small archives in the layout of Keras' downloads, the pickles written by Python 2.7's
// cPickle (see make_fixtures.py, which checks them with numpy and Keras' load_batch). Pixel (image i,
// channel c, row h, column w) of batch b is (40 b + 70 i + 90 c + 8 h + 3 w) mod 256, b = k for
// data_batch_k, 6 for test_batch, 7 and 8 for CIFAR-100's train and test.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "cifar");
const C10_TGZ = readFileSync(join(FIXTURES, "cifar-10-python.tar.gz"));
const C100_TGZ = readFileSync(join(FIXTURES, "cifar-100-python.tar.gz"));

let root = "";
let savedKerasHome: string | undefined;
let server: FileServer;
let origin = "";
let served: Record<string, Uint8Array> = {};
let requested: string[] = [];

// One suite, so that its hooks (KERAS_HOME pointed at an empty folder) apply to these tests only
// when run-tests.mjs runs several files in one process.
describe("CIFAR-10 and CIFAR-100 loading", () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "lamina-cifar-"));
    // Keras' cache is a folder of this test, empty unless a test fills it.
    savedKerasHome = process.env.KERAS_HOME;
    process.env.KERAS_HOME = join(root, "keras-home");
    server = await startFileServer();
    ({ origin, files: served, requested } = server);
  });

  after(async () => {
    await server.close();
    if (savedKerasHome === undefined) delete process.env.KERAS_HOME;
    else process.env.KERAS_HOME = savedKerasHome;
    rmSync(root, { recursive: true, force: true });
  });

  function fresh(name: string): string {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Extracts a fixture archive into `dir`, as `tar xzf` would. */
  function extract(tgz: Uint8Array, dir: string): void {
    for (const e of readTar(tgz)) {
      if (e.type !== "file") continue;
      mkdirSync(join(dir, dirname(e.name)), { recursive: true });
      writeFileSync(join(dir, e.name), e.data);
    }
  }

  const pixel = (b: number, i: number, c: number, h: number, w: number): number => (40 * b + 70 * i + 90 * c + 8 * h + 3 * w) % 256;
  const offline = { searchDirs: [] as string[], download: false };

  /** What Keras' cifar10.load_data returns on the fixture (make_fixtures.py prints it with numpy). */
  function assertCifar10Fixture([[x, y], [xt, yt]]: Awaited<ReturnType<typeof cifar10.loadData>>): void {
    assert.deepEqual([x.shape, x.dtype, y.shape, y.dtype], [[10, 32, 32, 3], "uint8", [10, 1], "uint8"]);
    assert.deepEqual(y.arraySync(), [[3], [4], [6], [7], [9], [0], [2], [3], [5], [6]]);
    assert.deepEqual([xt.shape, yt.arraySync()], [[3, 32, 32, 3], [[8], [9], [0]]]);
    const xs = x.arraySync() as number[][][][];
    // numpy: x_train[0,0,0,:] = 40, 130, 220; x_train[2,5,7,1] = 231; x_train[9,31,31,2] = 23
    assert.deepEqual(xs[0][0][0], [40, 130, 220]);
    assert.equal(xs[2][5][7][1], 231);
    assert.equal(xs[9][31][31][2], 23);
    // image 2k+i of the training set is image i of data_batch_(k+1)
    assert.equal(xs[7][12][3][0], pixel(4, 1, 0, 12, 3));
    assert.equal((xt.arraySync() as number[][][][])[2][31][0][2], 40);
  }

  test("Keras' download path: Toronto's cifar-10-python.tar.gz and cifar-100-python.tar.gz, SHA-256 as keras 3.5's file_hash", () => {
    assert.deepEqual(CIFAR10_PYTHON, {
      file: "cifar-10-python.tar.gz", sha256: "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
      folder: "cifar-10-batches-py", files: ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"],
    });
    assert.deepEqual(CIFAR100_PYTHON, {
      file: "cifar-100-python.tar.gz", sha256: "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
      folder: "cifar-100-python", files: ["train", "test"],
    });
  });

  test("cifar10.loadData reads the Python version from the lamina cache as Keras' load_data returns it", async () => {
    const cache = fresh("c10-cache");
    extract(C10_TGZ, cache);
    assertCifar10Fixture(await cifar10.loadData({ cacheDir: cache, ...offline }));
  });

  test("cifar10.loadData finds Keras' own cache (~/.keras/datasets/cifar-10-batches-py, KERAS_HOME)", async () => {
    const keras = join(process.env.KERAS_HOME as string, "datasets");
    mkdirSync(keras, { recursive: true });
    extract(C10_TGZ, keras);
    try {
      assertCifar10Fixture(await cifar10.loadData({ cacheDir: fresh("c10-empty"), ...offline }));
    } finally {
      rmSync(keras, { recursive: true, force: true });
    }
  });

  test("with both versions present the Python version is read; the binary one alone still is", async () => {
    const cache = fresh("c10-both");
    extract(C10_TGZ, cache);
    const bin = join(cache, "cifar-10-batches-bin");
    mkdirSync(bin);
    const one = (label: number): Uint8Array => encodeCifarBinary(makeTensor(new Uint8Array(3072).fill(label), [1, 32, 32, 3], "uint8"), makeTensor(Uint8Array.of(label), [1], "uint8"));
    for (let b = 1; b <= 5; b++) writeFileSync(join(bin, `data_batch_${b}.bin`), one(b));
    writeFileSync(join(bin, "test_batch.bin"), one(7));
    assertCifar10Fixture(await cifar10.loadData({ cacheDir: cache, ...offline }));
    rmSync(join(cache, "cifar-10-batches-py"), { recursive: true });
    const [[x, y], [xt, yt]] = await cifar10.loadData({ cacheDir: cache, ...offline });
    assert.deepEqual([x.shape, y.arraySync(), xt.shape, yt.arraySync()], [[5, 32, 32, 3], [[1], [2], [3], [4], [5]], [1, 32, 32, 3], [[7]]]);
  });

  test("cifar100.loadData reads the Python version's train and test with fine (default) or coarse labels", async () => {
    const cache = fresh("c100-cache");
    extract(C100_TGZ, cache);
    const [[x, y], [xt, yt]] = await cifar100.loadData({ cacheDir: cache, ...offline });
    // numpy (Keras' load_data): fine y_train 91, 32, 73, y_test 4, 45; x_train[2,1,2,0] = 178, x_test[1,31,31,2] = 143
    assert.deepEqual([x.shape, y.arraySync(), xt.shape, yt.arraySync()], [[3, 32, 32, 3], [[91], [32], [73]], [2, 32, 32, 3], [[4], [45]]]);
    assert.equal((x.arraySync() as number[][][][])[2][1][2][0], 178);
    assert.equal((xt.arraySync() as number[][][][])[1][31][31][2], 143);
    const [[, yc], [, ytc]] = await cifar100.loadData({ cacheDir: cache, ...offline, labelMode: "coarse" });
    assert.deepEqual([yc.arraySync(), ytc.arraySync()], [[[18], [6], [14]], [[0], [9]]]);
  });

  test("the download fetches Keras' archive name from the origin and refuses one whose SHA-256 is not Keras', leaving nothing behind", async () => {
    served["cifar-10-python.tar.gz"] = C10_TGZ;
    served["cifar-100-python.tar.gz"] = C100_TGZ;
    const cache = fresh("c10-download");
    requested.length = 0;
    await assert.rejects(cifar10.loadData({ cacheDir: cache, searchDirs: [], origin }), (e: Error) => {
      assert.match(e.message, /^datasets\.cifar10\.loadData: the data set files were not found\. Tried, in order:/);
      assert.match(e.message, /download: downloadFile: http:\/\/127\.0\.0\.1:\d+\/cifar-10-python\.tar\.gz -> .*cifar-10-batches-py\.tar\.gz: checksum mismatch: SHA-256 of the 1989 bytes is [0-9a-f]{64}, expected 6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce; the file was not kept/);
      assert.match(e.message, /To fix: download Keras' file https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-python\.tar\.gz \(SHA-256 6d958be0.*\) and extract it into \$LAMINA_DATASETS or ~\/\.lamina\/datasets, giving cifar-10-batches-py\/data_batch_1/);
      return true;
    });
    assert.deepEqual(requested, ["/cifar-10-python.tar.gz"]);
    // no archive, no half-written part, no extracted batch
    assert.deepEqual(readdirSync(cache).flatMap((f) => (f === "cifar-10-batches-py" ? readdirSync(join(cache, f)) : [f])), []);
    await assert.rejects(cifar100.loadData({ cacheDir: fresh("c100-download"), searchDirs: [], origin }), /cifar-100-python\.tar\.gz -> .*checksum mismatch: .*expected 85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7/);
    assert.deepEqual(readdirSync(join(root, "c100-download")).flatMap((f) => readdirSync(join(root, "c100-download", f))), []);
  });

  test("fetchCifarArchive downloads, checks and extracts the archive's folder; cifar10 then reads it from the cache", async () => {
    const cache = fresh("c10-fetched");
    const sha256 = createHash("sha256").update(C10_TGZ).digest("hex");
    await fetchCifarArchive(join(cache, "cifar-10-batches-py"), `${origin}cifar-10-python.tar.gz`, { ...CIFAR10_PYTHON, sha256 });
    assert.deepEqual(readdirSync(cache), ["cifar-10-batches-py"], "the archive is removed once extracted");
    assert.deepEqual(readdirSync(join(cache, "cifar-10-batches-py")).sort(), ["batches.meta", "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "readme.html", "test_batch"]);
    assertCifar10Fixture(await cifar10.loadData({ cacheDir: cache, ...offline }));
    // an archive (right checksum) without the expected members writes nothing
    const wrong = gzipSync(encodeTar({ "cifar-10-batches-py/data_batch_1": new Uint8Array(3) }));
    served["wrong.tar.gz"] = wrong;
    const dir = join(fresh("c10-wrong"), "cifar-10-batches-py");
    await assert.rejects(fetchCifarArchive(dir, `${origin}wrong.tar.gz`, { ...CIFAR10_PYTHON, sha256: createHash("sha256").update(wrong).digest("hex") }),
      /wrong\.tar\.gz has no cifar-10-batches-py\/data_batch_2, .*cifar-10-batches-py\/test_batch: it is not cifar-10-python\.tar\.gz of CIFAR's Python version/);
    assert.deepEqual(readdirSync(join(root, "c10-wrong")), []);
    assert.equal(existsSync(dir), false);
  });

  test("when nothing is found the error lists the Python and binary places, Keras' cache included, and how to get the data", async () => {
    const cache = fresh("c10-none");
    await assert.rejects(cifar10.loadData({ cacheDir: cache, searchDirs: [join(root, "nowhere")], download: false }), (e: Error) => {
      const lines = e.message.split("\n");
      assert.deepEqual(lines.filter((l) => l.startsWith("  - ")).map((l) => l.replace(root, "ROOT")), [
        "  - ROOT/c10-none/cifar-10-batches-py: no such folder",
        "  - ROOT/keras-home/datasets/cifar-10-batches-py: no such folder",
        "  - ROOT/nowhere: no such folder",
        "  - ROOT/c10-none/cifar-10-batches-bin: no such folder",
        "  - ROOT/keras-home/datasets/cifar-10-batches-bin: no such folder",
        "  - download: disabled (download: false)",
      ]);
      assert.match(e.message, /CIFAR's binary version \(https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz, extracted there as cifar-10-batches-bin\/\) is read as well$/);
      return true;
    });
    // a damaged batch is reported as such, not as "not found"
    extract(C10_TGZ, cache);
    writeFileSync(join(cache, "cifar-10-batches-py", "data_batch_3"), new Uint8Array([0x80, 2, 0x7d]));
    await assert.rejects(cifar10.loadData({ cacheDir: cache, ...offline }), /^Error: readCifarPickle: .*data_batch_3: the pickle is truncated; it is not a batch of CIFAR's Python version/);
  });
});
