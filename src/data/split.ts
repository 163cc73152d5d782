/**
 * `utils.trainTestSplit`: scikit-learn's `train_test_split`, with its defaults, size rules, output
 * order and, through numpy's MT19937, its exact indices for a given `randomState`.
 */
import { Tensor } from "../tensor/tensor.js";
import { generatorFor } from "../tensor/random.js";
import { NumpyRandomState } from "./mt19937.js";
import { takeRows } from "./rows.js";
import { valueText } from "../tensor/value_text.js";

export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) or a count of test samples; 0.25 when neither size is given. */
  testSize?: number;
  /** A fraction in (0, 1) or a count of training samples; the complement of testSize when absent. */
  trainSize?: number;
  /**
   * An integer seed in [0, 2^32): the split is the one scikit-learn makes with `random_state` set to
   * it. When absent the seed is drawn from lamina's generator, so `tf.random.setSeed` repeats it.
   */
  randomState?: number;
  /** Shuffle before splitting (default true); false takes the first samples for training. */
  shuffle?: boolean;
  /** Labels (one per sample, or rows of labels) whose class proportions both parts keep. */
  stratify?: Tensor | readonly (number | string)[];
}

const W = "trainTestSplit";

function isCount(v: number): boolean {
  return Number.isInteger(v) && !(v > 0 && v < 1);
}

/** scikit-learn's _validate_shuffle_split: [nTrain, nTest]. */
export function splitSizes(nSamples: number, testSize?: number, trainSize?: number, defaultTestSize = 0.25): [number, number] {
  if (testSize === undefined && trainSize === undefined) testSize = defaultTestSize;
  const check = (v: number | undefined, label: string): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v <= 0 || (isCount(v) ? v >= nSamples : v >= 1)) {
      throw new RangeError(`${W}: ${label}=${v} should be either a count between 1 and ${nSamples - 1} (the number of samples is ${nSamples}) or a fraction in (0, 1)`);
    }
  };
  check(testSize, "testSize");
  check(trainSize, "trainSize");
  if (testSize !== undefined && trainSize !== undefined && !isCount(testSize) && !isCount(trainSize) && testSize + trainSize > 1) {
    throw new RangeError(`${W}: testSize + trainSize = ${testSize + trainSize} should be at most 1; reduce one of them`);
  }
  let nTest = testSize === undefined ? NaN : isCount(testSize) ? testSize : Math.ceil(testSize * nSamples);
  let nTrain = trainSize === undefined ? NaN : isCount(trainSize) ? trainSize : Math.floor(trainSize * nSamples);
  if (trainSize === undefined) nTrain = nSamples - nTest;
  else if (testSize === undefined) nTest = nSamples - nTrain;
  if (nTrain + nTest > nSamples) {
    throw new RangeError(`${W}: trainSize + testSize = ${nTrain + nTest} samples, more than the ${nSamples} available; reduce testSize and/or trainSize`);
  }
  if (nTrain === 0) throw new RangeError(`${W}: with ${nSamples} samples, testSize=${testSize} and trainSize=${trainSize} the training set would be empty; adjust the sizes`);
  return [nTrain, nTest];
}

/** scikit-learn's _approximate_mode: how many of each class to draw. */
function approximateMode(counts: number[], nDraws: number, rng: NumpyRandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let need = nDraws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds: number[] = [];
      remainder.forEach((r, i) => { if (r === value) inds.push(i); });
      const addNow = Math.min(inds.length, need);
      for (const i of rng.choiceWithoutReplacement(inds, addNow)) floored[i] += 1;
      need -= addNow;
      if (need === 0) break;
    }
  }
  return floored;
}

function labelKeys(stratify: Tensor | readonly (number | string)[], n: number): { keys: (number | string)[]; numeric: boolean } {
  if (stratify instanceof Tensor) {
    if (stratify.rank === 0 || stratify.shape[0] !== n) {
      throw new RangeError(`${W}: stratify has shape [${stratify.shape.join(", ")}] but the arrays have ${n} samples; pass one label per sample`);
    }
    const data = stratify.dataSync() as ArrayLike<number | bigint>;
    if (stratify.rank === 1 || stratify.size === n) {
      return { keys: Array.from({ length: n }, (_, i) => Number(data[i])), numeric: true };
    }
    const inner = stratify.size / n;
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const row: string[] = [];
      for (let j = 0; j < inner; j++) row.push(String(data[i * inner + j]));
      keys.push(row.join(" "));
    }
    return { keys, numeric: false };
  }
  if (stratify.length !== n) throw new RangeError(`${W}: stratify has ${stratify.length} labels but the arrays have ${n} samples; pass one label per sample`);
  const numeric = stratify.every((v) => typeof v === "number");
  return { keys: [...stratify], numeric };
}

/** scikit-learn's StratifiedShuffleSplit, first split. */
function stratifiedIndices(stratify: Tensor | readonly (number | string)[], n: number, nTrain: number, nTest: number, rng: NumpyRandomState): [Int32Array, Int32Array] {
  const { keys, numeric } = labelKeys(stratify, n);
  const classes = [...new Set(keys)].sort((a, b) => (numeric ? (a as number) - (b as number) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const classIndices: number[][] = classes.map(() => []);
  keys.forEach((k, i) => classIndices[classOf.get(k) as number].push(i));
  const counts = classIndices.map((c) => c.length);
  const least = Math.min(...counts);
  if (least < 2) {
    throw new RangeError(`${W}: class ${String(classes[counts.indexOf(least)])} of stratify has only 1 member; every class needs at least 2 to appear in both parts`);
  }
  if (nTrain < classes.length) throw new RangeError(`${W}: the training set of ${nTrain} samples is smaller than the ${classes.length} classes of stratify; increase trainSize`);
  if (nTest < classes.length) throw new RangeError(`${W}: the test set of ${nTest} samples is smaller than the ${classes.length} classes of stratify; increase testSize`);
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(counts.map((c, i) => c - nI[i]), nTest, rng);
  const train: number[] = [], test: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    const perm = rng.permutation(counts[c]);
    const idx = Array.from(perm, (p) => classIndices[c][p]);
    train.push(...idx.slice(0, nI[c]));
    test.push(...idx.slice(nI[c], nI[c] + tI[c]));
  }
  return [rng.permuted(train), rng.permuted(test)];
}

/** The train and test row indices scikit-learn's train_test_split would use. */
export function trainTestIndices(nSamples: number, opts: TrainTestSplitOptions = {}): [Int32Array, Int32Array] {
  const [nTrain, nTest] = splitSizes(nSamples, opts.testSize, opts.trainSize);
  const shuffle = opts.shuffle ?? true;
  if (!shuffle) {
    if (opts.stratify !== undefined) throw new Error(`${W}: stratify needs shuffle: true (scikit-learn has no stratified split without shuffling)`);
    const train = new Int32Array(nTrain), test = new Int32Array(nTest);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
    return [train, test];
  }
  const seed = opts.randomState ?? generatorFor().nextUint32();
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${W}: randomState must be an integer between 0 and 2**32 - 1 (as numpy requires), got ${valueText(seed)}`);
  }
  const rng = new NumpyRandomState(seed);
  if (opts.stratify !== undefined) return stratifiedIndices(opts.stratify, nSamples, nTrain, nTest, rng);
  const perm = rng.permutation(nSamples);
  return [perm.slice(nTest, nTest + nTrain), perm.slice(0, nTest)];
}

/**
 * Splits tensors (same first dimension) into random train and test parts, as scikit-learn's
 * `train_test_split`: `const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { randomState: 42 })`.
 * With an integer `randomState` the rows are exactly those scikit-learn picks.
 */
export function trainTestSplit(...args: [...Tensor[], TrainTestSplitOptions] | Tensor[]): Tensor[] {
  const last = args[args.length - 1];
  const opts: TrainTestSplitOptions = last !== undefined && !(last instanceof Tensor) ? last : {};
  const arrays = (last !== undefined && !(last instanceof Tensor) ? args.slice(0, -1) : args) as Tensor[];
  if (arrays.length === 0) throw new Error(`${W}: at least one tensor is required, e.g. trainTestSplit(x, y, { testSize: 0.2 })`);
  arrays.forEach((a, i) => {
    if (!(a instanceof Tensor)) throw new TypeError(`${W}: argument ${i} is not a Tensor; wrap arrays with tf.constant(...)`);
    if (a.rank === 0) throw new RangeError(`${W}: argument ${i} is a scalar; every array needs a first (samples) axis`);
  });
  const n = arrays[0].shape[0];
  const bad = arrays.findIndex((a) => a.shape[0] !== n);
  if (bad >= 0) {
    throw new RangeError(`${W}: found input tensors with inconsistent numbers of samples: [${arrays.map((a) => a.shape[0]).join(", ")}]; every tensor needs the same first dimension`);
  }
  const [train, test] = trainTestIndices(n, opts);
  return arrays.flatMap((a) => [takeRows(a, train), takeRows(a, test)]);
}
