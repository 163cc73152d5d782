/** The window functions against numpy's np.bartlett ... np.kaiser and np.i0 (test/fixtures/keras315_arr.json, by make_keras315_arr.py). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, type ShapedValues } from "../testing/close.js";
import { besselI0 } from "./bessel.js";

interface Fixture { windows: Record<string, Record<string, ShapedValues>>; i0: { x: number[]; i0: number[] } }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_arr.json", import.meta.url), "utf8")) as Fixture;

test("bartlett, blackman, hamming, hanning and kaiser give numpy's windows as float32", () => {
  for (const [n, want] of Object.entries(fx.windows)) {
    const len = Number(n);
    const got: Record<string, tf.Tensor> = {
      bartlett: ops.bartlett(len), blackman: ops.blackman(tf.constant(len, "int32")), hamming: ops.hamming(len),
      hanning: ops.hanning(len), kaiser_14: ops.kaiser(len, 14), "kaiser_0.5": ops.kaiser(len, 0.5),
    };
    for (const [k, t] of Object.entries(got)) {
      assert.equal(t.dtype, "float32");
      assertAllClose(t, want[k], { rtol: 1e-6, atol: 1e-7, what: `${k}(${n})` });
    }
  }
  assert.throws(() => ops.hamming(2.5), /ops\.hamming: x must be|window length must be an integer/);
  assert.throws(() => ops.kaiser(4, Number.NaN), /ops\.kaiser: beta must be a finite number/);
});

test("besselI0 matches numpy's i0 to double precision", () => {
  fx.i0.x.forEach((x, i) => assert.ok(Math.abs(besselI0(x) - fx.i0.i0[i]) <= 1e-14 * fx.i0.i0[i], `I0(${x}) = ${besselI0(x)}, numpy ${fx.i0.i0[i]}`));
});
