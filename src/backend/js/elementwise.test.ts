import { test } from "node:test";
import assert from "node:assert/strict";
import type { UnaryOp } from "../backend.js";
import { unary, unaryFn, unaryGrad, unaryGradFn } from "./elementwise.js";

/*
 * unary/unaryGrad run the common ops in loops of their own; each must compute exactly what the
 * per-element functions (unaryFn/unaryGradFn, the definitions every other op goes through) give.
 */
const OPS: UnaryOp[] = [
  "relu", "neg", "abs", "square", "sqrt", "rsqrt", "exp", "log", "reciprocal", "sigmoid", "tanh",
  "elu", "gelu", "softplus", "sign",
];
const SPECIALS = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40, 3e38, -3e38, 88.8, -104, 0.5, -0.5];

for (const Array_ of [Float32Array, Float64Array]) {
  test(`js unary and unaryGrad loops equal unaryFn / unaryGradFn bit for bit (${Array_.name}, specials included)`, () => {
    const n = 4000;
    const x = new Array_(n), dy = new Array_(n);
    for (let i = 0; i < n; i++) {
      x[i] = i < SPECIALS.length ? SPECIALS[i] : Math.sin(i * 12.9898) * 20;
      dy[i] = Math.cos(i * 78.233) * 3;
    }
    for (const op of OPS) {
      const y = new Array_(n), dx = new Array_(n);
      unary(op, x, y, 0.3);
      unaryGrad(op, x, y, dy, dx, 0.3);
      const f = unaryFn(op, 0.3), g = unaryGradFn(op, 0.3);
      const yWant = new Array_(n), dxWant = new Array_(n);
      for (let i = 0; i < n; i++) yWant[i] = f(x[i]);
      for (let i = 0; i < n; i++) dxWant[i] = g(x[i], y[i], dy[i]);
      for (let i = 0; i < n; i++) {
        if (!Object.is(y[i], yWant[i])) assert.fail(`unary ${op}: x ${x[i]}: got ${y[i]}, want ${yWant[i]}`);
        if (!Object.is(dx[i], dxWant[i])) assert.fail(`unaryGrad ${op}: x ${x[i]}: got ${dx[i]}, want ${dxWant[i]}`);
      }
    }
  });
}
