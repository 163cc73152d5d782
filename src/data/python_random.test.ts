import { test } from "node:test";
import assert from "node:assert/strict";
import { PythonRandom } from "./python_random.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// Reference values from CPython 3.11: random.seed(s); random.getrandbits(32) x3, and random.seed(s); random.shuffle(list(range(12))).
test("PythonRandom: random.seed(n) draws and random.shuffle as CPython", () => {
  const cases: [number, number[], number[]][] = [
    [0, [3626764237, 1654615998, 3255389356], [1, 9, 8, 5, 10, 2, 3, 7, 4, 0, 11, 6]],
    [42, [2746317213, 478163327, 107420369], [7, 5, 2, 8, 9, 6, 11, 3, 4, 0, 1, 10]],
    [1337, [2653228291, 3975144315, 2290358181], [6, 0, 1, 4, 10, 7, 3, 11, 2, 5, 8, 9]],
    [2 ** 32 + 5, [675479763, 2085189291, 1213270837], [9, 6, 8, 11, 3, 1, 10, 5, 0, 4, 7, 2]],
    [123456789012, [1619264890, 2798649831, 88888752], [7, 8, 9, 11, 5, 1, 3, 2, 4, 0, 10, 6]],
  ];
  for (const [seed, bits, order] of cases) {
    const r = new PythonRandom(seed);
    assert.deepEqual([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)], bits, `seed ${seed}`);
    const l = range(12);
    new PythonRandom(seed).pyShuffle(l);
    assert.deepEqual(l, order, `seed ${seed}`);
  }
  const big = range(1000);
  new PythonRandom(3).pyShuffle(big);
  assert.deepEqual([...big.slice(0, 10), ...big.slice(-5)], [316, 974, 262, 342, 905, 932, 567, 511, 872, 143, 378, 133, 557, 606, 243]);
  // negative seeds use |seed|, as Python
  const neg = range(12);
  new PythonRandom(-42).pyShuffle(neg);
  assert.deepEqual(neg, [7, 5, 2, 8, 9, 6, 11, 3, 4, 0, 1, 10]);
  assert.throws(() => new PythonRandom(0.5), /seed must be an integer/);
});
