import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { optimizers } from "../index.js";
import type { Tensor } from "../tensor/tensor.js";

/*
 * The optimizers' fused update kernels must equal the Keras 3 formulas written as elementwise
 * float32 ops (each op rounding its result), bit for bit, on the active backend: sizes below and
 * above the native kernels' threshold, several steps so the slots matter.
 */

const { add, sub, mul, div, sqrt, square, maximum, pow } = tf;

type Formula = (w: Tensor, g: Tensor, slots: Tensor[], step: number) => { w: Tensor; slots: Tensor[] };

function check(make: () => tf.optimizers.Optimizer, slotCount: number, formula: Formula, what: string): void {
  for (const n of [7, 5000]) {
    tf.random.setSeed(n);
    const w0 = tf.random.normal([n]);
    const v = tf.variable(w0);
    const opt = make();
    let w: Tensor = w0;
    let slots: Tensor[] = Array.from({ length: slotCount }, () => tf.zeros([n]));
    for (let step = 0; step < 3; step++) {
      const g = tf.random.normal([n]);
      opt.applyGradients([[g, v]]);
      ({ w, slots } = formula(w, g, slots, step));
      const got = v.dataSync(), want = w.dataSync();
      for (let i = 0; i < n; i++) {
        if (!Object.is(got[i], want[i])) assert.fail(`${what} n=${n} step ${step} [${i}]: got ${got[i]}, formula ${want[i]}`);
      }
    }
  }
}

test("SGD (plain, momentum, nesterov) equals its elementwise formula bit for bit", () => {
  const lr = 0.05, m = 0.9;
  check(() => optimizers.SGD({ learningRate: lr }), 0, (w, g) => ({ w: sub(w, mul(g, lr)), slots: [] }), "SGD");
  for (const nesterov of [false, true]) {
    check(() => optimizers.SGD({ learningRate: lr, momentum: m, nesterov }), 1, (w, g, [v]) => {
      const vn = sub(mul(v, m), mul(g, lr));
      return { w: nesterov ? add(w, sub(mul(vn, m), mul(g, lr))) : add(w, vn), slots: [vn] };
    }, `SGD momentum nesterov=${nesterov}`);
  }
});

test("Adam (with and without amsgrad) equals its elementwise formula bit for bit", () => {
  const lr = 0.002, b1 = 0.9, b2 = 0.999, eps = 1e-7;
  for (const amsgrad of [false, true]) {
    check(() => optimizers.Adam({ learningRate: lr, amsgrad }), 3, (w, g, [m, v, vh], step) => {
      const t = tf.constant(step + 1, [], "float32");
      const alpha = div(mul(lr, sqrt(sub(1, pow(tf.constant(b2, [], "float32"), t)))), sub(1, pow(tf.constant(b1, [], "float32"), t)));
      const mn = add(m, mul(sub(g, m), 1 - b1));
      const vn = add(v, mul(sub(square(g), v), 1 - b2));
      const vhn = amsgrad ? maximum(vh, vn) : vh;
      return { w: sub(w, div(mul(mn, alpha), add(sqrt(amsgrad ? vhn : vn), eps))), slots: [mn, vn, vhn] };
    }, `Adam amsgrad=${amsgrad}`);
  }
});

test("RMSprop (plain, momentum, centered) equals its elementwise formula bit for bit", () => {
  const lr = 0.01, rho = 0.9, eps = 1e-7;
  for (const [momentum, centered] of [[0, false], [0.5, false], [0, true], [0.5, true]] as const) {
    check(() => optimizers.RMSprop({ learningRate: lr, momentum, centered }), 3, (w, g, [v, m, a]) => {
      const vn = add(mul(rho, v), mul(1 - rho, square(g)));
      const an = centered ? add(mul(rho, a), mul(1 - rho, g)) : a;
      const den = centered ? add(sub(vn, square(an)), eps) : add(vn, eps);
      const inc = div(mul(lr, g), sqrt(den));
      const mn = momentum > 0 ? add(mul(momentum, m), inc) : m;
      return { w: sub(w, momentum > 0 ? mn : inc), slots: [vn, mn, an] };
    }, `RMSprop momentum=${momentum} centered=${centered}`);
  }
});
