/**
 * `datasets.cifar10` and `datasets.cifar100`: Keras' loaders, on the files Keras downloads (CIFAR's
 * Python version, checked against Keras' SHA-256) or, when that is what a machine has, on CIFAR's
 * binary version.
 */
import { dirname, join } from "node:path";
import { rmSync } from "node:fs";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { readCifarBinary, type CifarBatch } from "./cifar.js";
import { readCifarPickle } from "./cifar_pickle.js";
import { readTar } from "./tar.js";
import { locate, locateFirst, originBase, type DatasetOptions, type DatasetSpec } from "./locate.js";
import { downloadFile } from "./download.js";
import { writeBytesAtomicallySync } from "../io/atomic_write.js";
import { valueText } from "../tensor/value_text.js";
import type { LoadDataResult } from "./datasets.js";

const TORONTO = "https://www.cs.toronto.edu/~kriz/";

/** One of the archives Keras downloads (keras/src/datasets/cifar10.py, cifar100.py, 3.5). */
export interface CifarArchive {
  /** Its name at Toronto's site. */
  file: string;
  /** Keras' file_hash: 64 hex digits, so get_file checks SHA-256. */
  sha256: string;
  /** The folder it holds, which is also the folder of Keras' cache. */
  folder: string;
  /** The files of that folder the loader reads. */
  files: string[];
}

export const CIFAR10_PYTHON: CifarArchive = {
  file: "cifar-10-python.tar.gz",
  sha256: "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
  folder: "cifar-10-batches-py",
  files: ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"],
};

export const CIFAR100_PYTHON: CifarArchive = {
  file: "cifar-100-python.tar.gz",
  sha256: "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
  folder: "cifar-100-python",
  files: ["train", "test"],
};

/**
 * Downloads `url` beside `dir` (checked against the archive's SHA-256 while it arrives) and extracts
 * the files of its folder into `dir`, each written whole or not at all; the archive is removed
 * afterwards (Keras keeps it; the extracted files are what is read, and they are as large).
 */
export async function fetchCifarArchive(dir: string, url: string, archive: CifarArchive): Promise<void> {
  // Keras' name for the archive in its cache (get_file with untar=True).
  const tgz = join(dirname(dir), `${archive.folder}.tar.gz`);
  await downloadFile(url, tgz, { sha256: archive.sha256 });
  try {
    const members = new Map<string, Uint8Array>();
    for (const e of readTar(tgz)) {
      const m = /^(?:\.\/)?([^/]+)\/([^/]+)$/.exec(e.name);
      if (e.type === "file" && m && m[1] === archive.folder && m[2] !== "..") members.set(m[2], e.data);
    }
    const missing = archive.files.filter((f) => !members.has(f));
    if (missing.length > 0) throw new Error(`${url} has no ${missing.map((f) => `${archive.folder}/${f}`).join(", ")}: it is not ${archive.file} of CIFAR's Python version`);
    for (const [name, data] of members) writeBytesAtomicallySync(join(dir, name), data);
  } finally {
    rmSync(tgz, { force: true });
  }
}

function pythonSpec(where: string, howTo: string, archive: CifarArchive): DatasetSpec {
  return {
    where, subdir: archive.folder, systemDirs: [join("/usr/share/datasets", archive.folder)], howTo, inKerasCache: true,
    files: archive.files.map((f) => ({ names: [f] })),
    download: (dir, origin) => fetchCifarArchive(dir, originBase(origin, TORONTO) + archive.file, archive),
  };
}

/** The Python version anywhere on disk, else the binary version, else the Python version downloaded. */
function loadEither(where: string, howTo: string, py: DatasetSpec, bin: DatasetSpec, readPy: (paths: string[]) => LoadDataResult,
  readBin: (paths: string[]) => LoadDataResult, opts: DatasetOptions): Promise<LoadDataResult> {
  return locateFirst(where, howTo, [
    { localOnly: true, run: async () => readPy(await locate(py, { ...opts, download: false })) },
    { localOnly: true, run: async () => readBin(await locate(bin, { ...opts, download: false })) },
    { localOnly: false, run: async () => readPy(await locate(py, { ...opts, searchDirs: [] })) },
  ]);
}

function concatBatches(parts: CifarBatch[]): [Tensor, Tensor] {
  const n = parts.reduce((a, p) => a + p.images.shape[0], 0);
  const img = new Uint8Array(n * 3072), lab = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    img.set(p.images.dataSync() as Uint8Array, o * 3072);
    lab.set(p.labels.dataSync() as Uint8Array, o);
    o += p.images.shape[0];
  }
  return [makeTensor(img, [n, 32, 32, 3], "uint8"), makeTensor(lab, [n, 1], "uint8")];
}

function trainAndTest(batches: CifarBatch[]): LoadDataResult {
  const [xTr, yTr] = concatBatches(batches.slice(0, -1));
  const [xTe, yTe] = concatBatches(batches.slice(-1));
  return [[xTr, yTr], [xTe, yTe]];
}

const CIFAR10_BINARY = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];

/**
 * Keras' `cifar10.load_data()`: uint8 images [50000, 32, 32, 3] / [10000, 32, 32, 3], uint8 labels
 * [50000, 1] / [10000, 1]. Reads CIFAR's Python version, the one Keras downloads
 * (`cifar-10-batches-py/`: data_batch_1 ... data_batch_5, test_batch), from the lamina cache, Keras'
 * cache (`~/.keras/datasets/cifar-10-batches-py`), /usr/share/datasets/cifar-10-batches-py or
 * `searchDirs`; else the binary version (`cifar-10-batches-bin/`: data_batch_1.bin ...
 * test_batch.bin, gzipped or not) from the same places; else downloads Keras' file
 * (cifar-10-python.tar.gz, SHA-256 checked) into the lamina cache and extracts it.
 */
export const cifar10 = {
  classNames: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"] as const,
  async loadData(opts: DatasetOptions = {}): Promise<LoadDataResult> {
    const where = "datasets.cifar10.loadData";
    const a = CIFAR10_PYTHON;
    const howTo = `download Keras' file ${TORONTO}${a.file} (SHA-256 ${a.sha256}) and extract it into $LAMINA_DATASETS or ~/.lamina/datasets, giving ${a.folder}/data_batch_1 ... data_batch_5 and test_batch (Keras' own copy in ~/.keras/datasets/${a.folder} is read too); CIFAR's binary version (${TORONTO}cifar-10-binary.tar.gz, extracted there as cifar-10-batches-bin/) is read as well`;
    const bin: DatasetSpec = {
      where, subdir: "cifar-10-batches-bin", systemDirs: ["/usr/share/datasets/cifar-10-batches-bin", "/usr/share/datasets/cifar10"],
      files: CIFAR10_BINARY.map((f) => ({ names: [f, `${f}.gz`] })), inKerasCache: true, howTo,
    };
    return loadEither(where, howTo, pythonSpec(where, howTo, a), bin,
      (paths) => trainAndTest(paths.map((p) => readCifarPickle(p))),
      (paths) => trainAndTest(paths.map((p) => readCifarBinary(p))), opts);
  },
};

/**
 * Keras' `cifar100.load_data(label_mode)`: uint8 images [50000, 32, 32, 3] / [10000, 32, 32, 3] and
 * the fine (0..99, default) or coarse (0..19) labels [n, 1], uint8 (Keras returns int64 here, the
 * same values). Reads CIFAR-100's Python version, the one Keras downloads (`cifar-100-python/`: train,
 * test), from the same places as cifar10; else the binary version (`cifar-100-binary/`: train.bin,
 * test.bin); else downloads Keras' file (cifar-100-python.tar.gz, SHA-256 checked) and extracts it.
 */
export const cifar100 = {
  async loadData(opts: DatasetOptions & { labelMode?: "fine" | "coarse" } = {}): Promise<LoadDataResult> {
    const where = "datasets.cifar100.loadData";
    const labelMode = opts.labelMode ?? "fine";
    if (labelMode !== "fine" && labelMode !== "coarse") throw new Error(`${where}: labelMode must be "fine" or "coarse", got ${valueText(labelMode)}`);
    const a = CIFAR100_PYTHON;
    const howTo = `download Keras' file ${TORONTO}${a.file} (SHA-256 ${a.sha256}) and extract it into $LAMINA_DATASETS or ~/.lamina/datasets, giving ${a.folder}/train and test (Keras' own copy in ~/.keras/datasets/${a.folder} is read too); CIFAR-100's binary version (${TORONTO}cifar-100-binary.tar.gz, extracted there as cifar-100-binary/) is read as well`;
    const bin: DatasetSpec = {
      where, subdir: "cifar-100-binary", systemDirs: ["/usr/share/datasets/cifar-100-binary"],
      files: ["train.bin", "test.bin"].map((f) => ({ names: [f, `${f}.gz`] })), inKerasCache: true, howTo,
    };
    return loadEither(where, howTo, pythonSpec(where, howTo, a), bin,
      (paths) => trainAndTest(paths.map((p) => readCifarPickle(p, { labelKey: `${labelMode}_labels` }))),
      (paths) => trainAndTest(paths.map((p) => readCifarBinary(p, { labelBytes: 2, labelMode }))), opts);
  },
};
