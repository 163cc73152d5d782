import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NumpyRandomState } from "./mt19937.js";
import { trainTestSplit, trainTestIndices, splitSizes } from "./split.js";
import { constant } from "../tensor/creation.js";
import { setSeed } from "../tensor/random.js";

interface Fixture {
  permutations: { seed: number; n: number; head: number[]; tail: number[]; checksum: number }[];
  split_X: number[][];
  split_y: number[];
  splits: { name: string; kw: Record<string, number | string | boolean>; X_train: number[][]; X_test: number[][]; y_train: number[]; y_test: number[] }[];
  big_splits: { n: number; kw: Record<string, number | string>; n_train: number; n_test: number; train_head: number[]; test_head: number[]; train_checksum: number; test_checksum: number; labels_head?: number[]; labels_checksum?: number }[];
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/data/sklearn.json", import.meta.url), "utf8")) as Fixture;

/** The same checksum as make_data_fixtures.py: sum((i + 1) * a[i]) mod 2^31 - 1. */
function checksum(a: ArrayLike<number>): number {
  let s = 0n;
  for (let i = 0; i < a.length; i++) s += BigInt(a[i]) * BigInt(i + 1);
  return Number(s % 2147483647n);
}

test("MT19937 matches the reference generator's first outputs for seed 5489", () => {
  const r = new NumpyRandomState(5489);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [3499211612, 581869302, 3890346734]);
});

test("NumpyRandomState(seed).permutation(n) equals numpy's RandomState permutation", () => {
  for (const p of fx.permutations) {
    const perm = new NumpyRandomState(p.seed).permutation(p.n);
    assert.deepEqual(Array.from(perm.subarray(0, 40)), p.head, `seed ${p.seed} n ${p.n}`);
    assert.deepEqual(Array.from(perm.subarray(perm.length - 10)), p.tail.slice(-Math.min(10, p.n)));
    assert.equal(checksum(perm), p.checksum);
  }
});

test("trainTestSplit reproduces scikit-learn's train_test_split on the fixture cases", () => {
  const X = constant(fx.split_X, "int32");
  const y = constant(fx.split_y, "int32");
  for (const c of fx.splits) {
    const kw = c.kw;
    const opts = {
      testSize: kw.test_size as number | undefined,
      trainSize: kw.train_size as number | undefined,
      randomState: kw.random_state as number | undefined,
      shuffle: kw.shuffle as boolean | undefined,
      stratify: kw.stratify === "y" ? y : undefined,
    };
    const [xTr, xTe, yTr, yTe] = trainTestSplit(X, y, opts);
    assert.deepEqual(xTr.arraySync(), c.X_train, c.name);
    assert.deepEqual(xTe.arraySync(), c.X_test, c.name);
    assert.deepEqual(yTr.arraySync(), c.y_train, c.name);
    assert.deepEqual(yTe.arraySync(), c.y_test, c.name);
    assert.equal(xTr.dtype, "int32");
  }
});

test("trainTestSplit on 60,000 and 20,640 samples gives scikit-learn's indices (notebooks' splits)", () => {
  for (const b of fx.big_splits) {
    let stratify: number[] | undefined;
    if (b.kw.stratify === "labels_rs5") {
      // np.random.RandomState(5).randint(0, 10, size=60000): masked rejection on 32-bit draws, mask 15
      const r = new NumpyRandomState(5);
      stratify = Array.from({ length: b.n }, () => r.interval(9));
      assert.deepEqual(stratify.slice(0, 20), b.labels_head);
      assert.equal(checksum(stratify), b.labels_checksum);
    }
    const [train, test] = trainTestIndices(b.n, { trainSize: b.kw.train_size as number | undefined, randomState: b.kw.random_state as number, stratify });
    assert.equal(train.length, b.n_train);
    assert.equal(test.length, b.n_test);
    assert.deepEqual(Array.from(train.subarray(0, 20)), b.train_head);
    assert.deepEqual(Array.from(test.subarray(0, 20)), b.test_head);
    assert.equal(checksum(train), b.train_checksum);
    assert.equal(checksum(test), b.test_checksum);
  }
});

test("split sizes follow scikit-learn: test rounds up, train rounds down, counts allowed", () => {
  assert.deepEqual(splitSizes(60000, undefined, 0.8), [48000, 12000]);
  assert.deepEqual(splitSizes(60000), [45000, 15000]);
  assert.deepEqual(splitSizes(10, 0.33), [6, 4]);
  assert.deepEqual(splitSizes(10, 3, 5), [5, 3]);
  assert.throws(() => splitSizes(10, 10), /testSize=10 should be either a count between 1 and 9/);
  assert.throws(() => splitSizes(10, 0.6, 0.6), /testSize \+ trainSize = 1.2/);
  assert.throws(() => splitSizes(10, 6, 5), /11 samples, more than the 10 available/);
});

test("trainTestSplit keeps rows together for images, checks lengths, and repeats under setSeed", () => {
  const x = constant(Array.from({ length: 8 }, (_, i) => [[i, i], [i, i]]), "float32");
  const y = constant([0, 1, 2, 3, 4, 5, 6, 7], "int32");
  const [xTr, xTe, yTr, yTe] = trainTestSplit(x, y, { testSize: 2 });
  assert.deepEqual(xTr.shape, [6, 2, 2]);
  assert.deepEqual(xTe.shape, [2, 2, 2]);
  const ys = yTr.arraySync() as number[];
  const xs = xTr.arraySync() as number[][][];
  ys.forEach((v, i) => assert.equal(xs[i][0][0], v));
  assert.deepEqual([...ys, ...(yTe.arraySync() as number[])].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  setSeed(3);
  const a = trainTestSplit(y)[0].arraySync();
  setSeed(3);
  assert.deepEqual(trainTestSplit(y)[0].arraySync(), a);
  assert.throws(() => trainTestSplit(x, constant([1, 2, 3], "int32")), /inconsistent numbers of samples: \[8, 3\]/);
  assert.throws(() => trainTestSplit(y, { shuffle: false, stratify: y }), /stratify needs shuffle: true/);
  assert.throws(() => trainTestSplit(y, { stratify: constant([0, 0, 0, 0, 0, 0, 0, 1], "int32") }), /class 1 of stratify has only 1 member/);
});
