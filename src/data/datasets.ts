/**
 * `datasets.*`: Keras' `keras.datasets` loaders (mnist, fashion_mnist, cifar10, cifar100,
 * california_housing) and scikit-learn's `fetch_california_housing`, reading local copies first and
 * downloading (checksum verified, atomic) only when none is found.
 */
import { join } from "node:path";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { readIdx } from "./idx.js";
import { readNpz } from "./npy.js";
import { readTar } from "./tar.js";
import { NumpyRandomState } from "./mt19937.js";
import { takeRows, sliceRows } from "./rows.js";
import { locate, locateFirst, originBase, type DatasetOptions, type DatasetSpec } from "./locate.js";
import { downloadFile } from "./download.js";
import { valueText } from "../tensor/value_text.js";

export type { DatasetOptions } from "./locate.js";

/** `[[xTrain, yTrain], [xTest, yTest]]`, as Keras' `load_data()` returns. */
export type LoadDataResult = [[Tensor, Tensor], [Tensor, Tensor]];

const KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

function checkPair(where: string, x: Tensor, y: Tensor, path: string): void {
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(`${where}: ${path} holds ${x.shape[0]} images but ${y.shape[0]} labels; the files do not belong together: delete them and load again`);
  }
}

// ---------------------------------------------------------------- Fashion-MNIST ------------------
const FASHION_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
/** SHA-256 of the files at Keras' URLs (keras/src/datasets/fashion_mnist.py). */
const FASHION_SHA256: Record<string, string> = {
  "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
  "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
  "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
};

function idxSpec(where: string, subdir: string, systemDirs: string[], vendored: string | undefined, download: DatasetSpec["download"], howTo: string): DatasetSpec {
  return {
    where, subdir, systemDirs, vendored, download, howTo, inKerasCache: true,
    files: FASHION_FILES.map((f) => ({ names: [f, f.slice(0, -3)] })),
  };
}

function readIdxSet(where: string, paths: string[]): LoadDataResult {
  const [xTr, yTr, xTe, yTe] = paths.map((p) => readIdx(p));
  checkPair(where, xTr, yTr, paths[0]);
  checkPair(where, xTe, yTe, paths[2]);
  return [[xTr, yTr], [xTe, yTe]];
}

/** Fashion-MNIST: uint8 images [60000, 28, 28] / [10000, 28, 28], uint8 labels [60000] / [10000]. */
export const fashionMnist = {
  /** Class names of labels 0..9, as in Keras' documentation. */
  classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const,
  async loadData(opts: DatasetOptions = {}): Promise<LoadDataResult> {
    const where = "datasets.fashionMnist.loadData";
    const spec = idxSpec(where, "fashion-mnist", ["/usr/share/datasets/fashion-mnist"], "fashion-mnist",
      async (dir, origin) => {
        const base = originBase(origin, KERAS_ORIGIN);
        for (const f of FASHION_FILES) await downloadFile(base + f, join(dir, f), { sha256: FASHION_SHA256[f] });
      },
      `put the four files ${FASHION_FILES.join(", ")} (gzipped or not) in ${join("$LAMINA_DATASETS or ~/.lamina/datasets", "fashion-mnist")}; on Debian/Ubuntu: sudo apt install dataset-fashion-mnist; or download them from ${KERAS_ORIGIN}`);
    return readIdxSet(where, await locate(spec, opts));
  },
};

// ---------------------------------------------------------------- MNIST ---------------------------
const MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";

/** MNIST: uint8 images [60000, 28, 28] / [10000, 28, 28], uint8 labels [60000] / [10000]. */
export const mnist = {
  /**
   * Reads Keras' `mnist.npz` (lamina cache, then Keras' cache), else the four IDX files of LeCun's
   * site in a `mnist/` folder (lamina cache, Keras cache, /usr/share/datasets/mnist), else downloads
   * `mnist.npz` from Keras' URL.
   */
  async loadData(opts: DatasetOptions = {}): Promise<LoadDataResult> {
    const where = "datasets.mnist.loadData";
    const howTo = `put Keras' mnist.npz in $LAMINA_DATASETS or ~/.lamina/datasets (get it from ${KERAS_ORIGIN}mnist.npz, SHA-256 ${MNIST_SHA256}), or the four IDX files (train-images-idx3-ubyte.gz, ...) in its mnist/ folder`;
    const npz: DatasetSpec = {
      where, subdir: "", files: [{ names: ["mnist.npz"] }], systemDirs: [], inKerasCache: true, howTo,
      download: async (dir, origin) => { await downloadFile(`${originBase(origin, KERAS_ORIGIN)}mnist.npz`, join(dir, "mnist.npz"), { sha256: MNIST_SHA256 }); },
    };
    const idx = idxSpec(where, "mnist", ["/usr/share/datasets/mnist"], undefined, undefined, howTo);
    return locateFirst(where, howTo, [
      { localOnly: true, run: async () => readMnistNpz(where, (await locate(npz, { ...opts, download: false, searchDirs: [] }))[0]) },
      { localOnly: true, run: async () => readIdxSet(where, await locate(idx, { ...opts, download: false })) },
      { localOnly: false, run: async () => readMnistNpz(where, (await locate(npz, { ...opts, searchDirs: [] }))[0]) },
    ]);
  },
};

function readMnistNpz(where: string, path: string): LoadDataResult {
  const a = readNpz(path);
  for (const k of ["x_train", "y_train", "x_test", "y_test"]) {
    if (!a[k]) throw new Error(`${where}: ${path} has no array ${k} (it holds ${Object.keys(a).join(", ")}); it is not Keras' mnist.npz: delete it and load again`);
  }
  checkPair(where, a.x_train, a.y_train, `${path} (x_train, y_train)`);
  checkPair(where, a.x_test, a.y_test, `${path} (x_test, y_test)`);
  return [[a.x_train, a.y_train], [a.x_test, a.y_test]];
}

// ---------------------------------------------------------------- CIFAR ---------------------------
export { cifar10, cifar100 } from "./cifar_datasets.js";

// ---------------------------------------------------------------- California housing -------------
const CAL_KERAS_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f";
const CAL_SKLEARN_URL = "https://ndownloader.figshare.com/files/5976036";
const CAL_SKLEARN_SHA256 = "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681";

/**
 * Keras' `california_housing.load_data(version, test_split, seed)`: the 20,640 districts (or the
 * first 600 for version "small") shuffled with numpy's RandomState(seed) and split; targets in dollars.
 */
export const californiaHousing = {
  async loadData(opts: DatasetOptions & { version?: "large" | "small"; testSplit?: number; seed?: number } = {}): Promise<LoadDataResult> {
    const where = "datasets.californiaHousing.loadData";
    const testSplit = opts.testSplit ?? 0.2, seed = opts.seed ?? 113, version = opts.version ?? "large";
    if (!(testSplit >= 0 && testSplit < 1)) throw new RangeError(`${where}: testSplit must be in [0, 1), got ${valueText(testSplit)}`);
    if (version !== "large" && version !== "small") throw new RangeError(`${where}: version must be "large" or "small", got ${valueText(version)}`);
    const [path] = await locate({
      where, subdir: "", files: [{ names: ["california_housing.npz"] }], systemDirs: [], inKerasCache: true,
      download: async (dir, origin) => { await downloadFile(`${originBase(origin, KERAS_ORIGIN)}california_housing.npz`, join(dir, "california_housing.npz"), { sha256: CAL_KERAS_SHA256 }); },
      howTo: `put Keras' california_housing.npz (${KERAS_ORIGIN}california_housing.npz) in $LAMINA_DATASETS or ~/.lamina/datasets`,
    }, { ...opts, searchDirs: opts.searchDirs ?? [] });
    const a = readNpz(path);
    if (!a.x || !a.y) throw new Error(`${where}: ${path} has no arrays x and y (it holds ${Object.keys(a).join(", ")}); delete it and load again`);
    if (a.x.rank === 0 || a.y.rank === 0 || a.x.shape[0] !== a.y.shape[0]) {
      throw new Error(`${where}: ${path} holds x of shape [${a.x.shape.join(", ")}] and y of shape [${a.y.shape.join(", ")}]; they need one row per district each: it is not Keras' california_housing.npz: delete it and load again`);
    }
    // Keras keeps x[:600] for "small", fewer when the file has fewer rows.
    return shuffleSplit(a.x, a.y, version === "small" ? Math.min(600, a.x.shape[0]) : a.x.shape[0], testSplit, seed);
  },
};

/** Keras' split: first n rows, RandomState(seed).shuffle(arange(n)), then int(n * (1 - testSplit)) for training. */
export function shuffleSplit(x: Tensor, y: Tensor, n: number, testSplit: number, seed: number): LoadDataResult {
  const idx = new NumpyRandomState(seed).permutation(n);
  const xs = takeRows(x, idx), ys = takeRows(y, idx);
  const cut = Math.trunc(n * (1 - testSplit));
  return [[sliceRows(xs, 0, cut), sliceRows(ys, 0, cut)], [sliceRows(xs, cut, n), sliceRows(ys, cut, n)]];
}

export interface CaliforniaHousingBunch {
  /** float64 [20640, 8]: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude. */
  data: Tensor;
  /** float64 [20640]: median house value in units of 100,000 dollars. */
  target: Tensor;
  featureNames: string[];
  targetNames: string[];
}

/** A decimal number as cal_housing.data writes them ("-122.23", "452600.0", "1e-3"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses scikit-learn's cal_housing.tgz (CaliforniaHousing/cal_housing.data) as fetch_california_housing does. */
export function readCaliforniaHousingArchive(source: string | Uint8Array): CaliforniaHousingBunch {
  const where = "readCaliforniaHousingArchive";
  const entry = readTar(source).find((e) => e.name.replace(/^\.\//, "") === "CaliforniaHousing/cal_housing.data");
  if (!entry) throw new Error(`${where}: ${typeof source === "string" ? source : "the archive"} has no CaliforniaHousing/cal_housing.data; it is not scikit-learn's cal_housing.tgz`);
  const lines = new TextDecoder().decode(entry.data).split(/\r?\n/).filter((l) => l.trim().length > 0);
  const n = lines.length;
  if (n === 0) throw new Error(`${where}: cal_housing.data in ${typeof source === "string" ? source : "the archive"} is empty; the archive is damaged: delete it and fetch it again`);
  const data = new Float64Array(n * 8), target = new Float64Array(n);
  const order = [8, 7, 2, 3, 4, 5, 6, 1, 0]; // scikit-learn's columns_index
  for (let i = 0; i < n; i++) {
    const cells = lines[i].split(",");
    // Number("") and Number(" ") are 0: an empty cell would load as a zero, where numpy's loadtxt refuses it.
    const bad = cells.findIndex((c) => !DECIMAL.test(c.trim()));
    if (cells.length !== 9 || bad >= 0) {
      const why = cells.length !== 9 ? `it has ${cells.length} cells` : `cell ${bad + 1} is ${JSON.stringify(cells[bad])}`;
      throw new Error(`${where}: line ${i + 1} of cal_housing.data is not 9 numbers (${why}): ${JSON.stringify(lines[i])}; the archive is damaged or not scikit-learn's cal_housing.tgz: delete it and fetch it again`);
    }
    const raw = cells.map(Number);
    const c = order.map((k) => raw[k]);
    const row = c.slice(1);
    row[2] /= row[5]; // average rooms = total rooms / households
    row[3] /= row[5]; // average bedrooms = total bedrooms / households
    row[5] = row[4] / row[5]; // average occupancy = population / households
    data.set(row, i * 8);
    target[i] = c[0] / 100000.0;
  }
  return {
    data: makeTensor(data, [n, 8], "float64"), target: makeTensor(target, [n], "float64"),
    featureNames: ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"],
    targetNames: ["MedHouseVal"],
  };
}

/** scikit-learn's `fetch_california_housing()`: `{ data, target, featureNames, targetNames }`. */
export async function fetchCaliforniaHousing(opts: DatasetOptions = {}): Promise<CaliforniaHousingBunch> {
  const where = "datasets.fetchCaliforniaHousing";
  const [path] = await locate({
    where, subdir: "", files: [{ names: ["cal_housing.tgz"] }], systemDirs: [],
    download: async (dir, origin) => { await downloadFile(origin ? originBase(origin, "") + "cal_housing.tgz" : CAL_SKLEARN_URL, join(dir, "cal_housing.tgz"), { sha256: CAL_SKLEARN_SHA256 }); },
    howTo: `put scikit-learn's cal_housing.tgz (${CAL_SKLEARN_URL}, SHA-256 ${CAL_SKLEARN_SHA256}) in $LAMINA_DATASETS or ~/.lamina/datasets`,
  }, { ...opts, searchDirs: opts.searchDirs ?? [] });
  return readCaliforniaHousingArchive(path);
}
