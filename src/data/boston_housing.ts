/**
 * `datasets.bostonHousing`: Keras' `boston_housing.load_data`, read from the same file at the same
 * URL (the checksum Keras checks), shuffled with numpy's RandomState(seed) and split as Keras does,
 * so the same seed and testSplit give the same rows in the same order.
 */
import { basename, dirname, isAbsolute, join } from "node:path";
import { readNpz } from "./npy.js";
import { locate, type DatasetOptions } from "./locate.js";
import { downloadFile } from "./download.js";
import { shuffleSplit, type LoadDataResult } from "./datasets.js";
import { valueText } from "../tensor/value_text.js";

const KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";
const BOSTON_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5";

export interface BostonHousingOptions extends DatasetOptions {
  /** The file's name in the cache folders (Keras' `path`, default "boston_housing.npz"), or an absolute path. */
  path?: string;
  /** Fraction of the rows kept for testing, in [0, 1) (default 0.2). */
  testSplit?: number;
  /** The seed of numpy's RandomState that shuffles the rows before the split (default 113). */
  seed?: number;
}

/**
 * The Boston housing prices (StatLib, 1970s): 506 districts, 13 float64 features, float64 median
 * values in k$. Keras warns that the "B" feature encodes a racial assumption and advises using the
 * data set only to illustrate ethical issues in machine learning; the same warning applies here.
 */
export const bostonHousing = {
  async loadData(opts: BostonHousingOptions = {}): Promise<LoadDataResult> {
    const where = "datasets.bostonHousing.loadData";
    if (typeof opts !== "object" || opts === null) throw new TypeError(`${where}: options must be an object, got ${valueText(opts)}`);
    const testSplit = opts.testSplit ?? 0.2, seed = opts.seed ?? 113, file = opts.path ?? "boston_housing.npz";
    if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit < 1)) {
      throw new RangeError(`${where}: testSplit must be a number in [0, 1) (the fraction of rows kept for testing), got ${valueText(testSplit)}`);
    }
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`${where}: seed must be an integer between 0 and 2**32 - 1 (numpy's RandomState rule), got ${valueText(seed)}`);
    }
    if (typeof file !== "string" || file === "" || file.endsWith("/")) {
      throw new TypeError(`${where}: path must be a file name such as "boston_housing.npz" (or an absolute path to the file), got ${valueText(file)}`);
    }
    // An absolute path names the file itself, as Keras' get_file treats one.
    const name = isAbsolute(file) ? basename(file) : file;
    const local = isAbsolute(file) ? { ...opts, cacheDir: dirname(file), searchDirs: [] } : { ...opts, searchDirs: opts.searchDirs ?? [] };
    const [path] = await locate({
      where, subdir: "", files: [{ names: [name] }], systemDirs: [], inKerasCache: true,
      download: async (dir, origin) => {
        const base = origin ? (origin.endsWith("/") ? origin : `${origin}/`) : KERAS_ORIGIN;
        await downloadFile(`${base}boston_housing.npz`, join(dir, name), { sha256: BOSTON_SHA256 });
      },
      howTo: `put Keras' boston_housing.npz (${KERAS_ORIGIN}boston_housing.npz, SHA-256 ${BOSTON_SHA256}) in $LAMINA_DATASETS or ~/.lamina/datasets`,
    }, local);
    const a = readNpz(path);
    if (!a.x || !a.y) throw new Error(`${where}: ${path} has no arrays x and y (it holds ${Object.keys(a).join(", ")}); it is not Keras' boston_housing.npz: delete it and load again`);
    if (a.x.rank !== 2 || a.y.rank !== 1 || a.x.shape[0] !== a.y.shape[0]) {
      throw new Error(`${where}: ${path} holds x of shape [${a.x.shape.join(", ")}] and y of shape [${a.y.shape.join(", ")}]; Keras' file has x [districts, 13] and y [districts]: delete it and load again`);
    }
    return shuffleSplit(a.x, a.y, a.x.shape[0], testSplit, seed);
  },
};
