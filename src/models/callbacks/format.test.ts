import { test } from "node:test";
import assert from "node:assert/strict";
import { formatExponential, formatFixed, pyDivmod, pyFloatRepr, pyIntText } from "./format.js";

// Expected strings printed by CPython 3 (f"{x:.Nf}", f"{x:.Ne}", repr(x), divmod).

test("formatFixed rounds the exact binary value half to even, like Python", () => {
  const cases: Array<[number, number, string]> = [
    [2.5, 0, "2"],
    [3.5, 0, "4"],
    [0.5, 0, "0"],
    [0.03125, 4, "0.0312"],
    [-0.4, 0, "-0"],
    [1.00005, 4, "1.0001"],
    [0.66666, 0, "1"],
    [666.6666666666666, 0, "667"],
    [1e22, 1, "10000000000000000000000.0"],
    [0.5891, 4, "0.5891"],
    [NaN, 4, "nan"],
    [-Infinity, 4, "-inf"],
  ];
  for (const [x, d, want] of cases) assert.equal(formatFixed(x, d), want, `${x} .${d}f`);
});

test("formatExponential matches Python's .4e, two-digit exponents and carries", () => {
  const cases: Array<[number, string]> = [
    [0.0005, "5.0000e-04"],
    [1e-10, "1.0000e-10"],
    [0.00099999999, "1.0000e-03"],
    [-0.0001, "-1.0000e-04"],
    [0, "0.0000e+00"],
    [5e-324, "4.9407e-324"],
    [1.7976931348623157e308, "1.7977e+308"],
    [0.000123455, "1.2345e-04"],
    [NaN, "nan"],
  ];
  for (const [x, want] of cases) assert.equal(formatExponential(x, 4), want, String(x));
});

test("pyFloatRepr matches Python's repr(float)", () => {
  const cases: Array<[number, string]> = [
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [1, "1.0"],
    [0.00010000000474974513, "0.00010000000474974513"],
    [1e16, "1e+16"],
    [123456789012345680, "1.2345678901234568e+17"],
    [1.5e-7, "1.5e-07"],
    [-2.5, "-2.5"],
    [9999999999999998, "9999999999999998.0"],
    [0.1 + 0.2, "0.30000000000000004"],
    [0, "0.0"],
    [Infinity, "inf"],
  ];
  for (const [x, want] of cases) assert.equal(pyFloatRepr(x), want, String(x));
});

test("pyDivmod and pyIntText follow Python's float divmod and %d", () => {
  assert.deepEqual(pyDivmod(9990, 3600), [2, 2790]);
  assert.deepEqual(pyDivmod(-7.5, 2), [-4, 0.5]);
  assert.equal(pyIntText(5.9), "5");
  assert.equal(pyIntText(-5.9), "-5");
});
