import { test } from "node:test";
import assert from "node:assert/strict";
import type { BinaryOp, UnaryOp } from "../backend.js";
import type { NumericArray } from "../../tensor/dtype.js";
import { binary, binaryFn, broadcastStrides, unary, unaryFn, unaryGrad, unaryGradFn } from "./elementwise.js";

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

const BINARY_OPS: BinaryOp[] = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "floorDiv", "mod", "squaredDifference", "atan2",
  "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr",
];
const COMPARISONS = new Set<BinaryOp>(["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr"]);

/** binaryFn applied element by element with plain index arithmetic: the definition binary must follow. */
function binaryByDefinition(op: BinaryOp, a: NumericArray, aShape: number[], b: NumericArray, bShape: number[], out: NumericArray, outShape: number[]): void {
  const f = binaryFn(op);
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < outShape.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
    out[o] = f(a[oa], b[ob]);
    for (let d = outShape.length - 1; d >= 0 && ++idx[d] === outShape[d]; d--) idx[d] = 0;
  }
}

for (const Array_ of [Float32Array, Float64Array]) {
  test(`js binary equals binaryFn element by element, bit for bit (${Array_.name}; same shapes, scalars, broadcasting)`, () => {
    const patterns: [number[], number[], number[]][] = [
      [[600], [600], [600]], [[600], [], [600]], [[], [600], [600]], [[30, 20], [20], [30, 20]],
      [[30, 1], [1, 20], [30, 20]], [[4, 1, 5], [3, 1], [4, 3, 5]], [[200, 3], [200, 1], [200, 3]],
    ];
    const size = (shape: number[]) => shape.reduce((p, q) => p * q, 1);
    const fill = (n: number, seed: number) => {
      const t = new Array_(n);
      for (let i = 0; i < n; i++) t[i] = i < SPECIALS.length && seed === 1 ? SPECIALS[i] : Math.round(Math.sin(i * 12.9898 + seed) * 8) / 2;
      return t;
    };
    for (const [as, bs, os] of patterns) {
      const a = fill(size(as), 1), b = fill(size(bs), 2);
      for (const op of BINARY_OPS) {
        const Out = COMPARISONS.has(op) ? Uint8Array : Array_;
        const got = new Out(size(os)).fill(7), want = new Out(size(os));
        binary(op, a, as, b, bs, got, os);
        binaryByDefinition(op, a, as, b, bs, want, os);
        for (let i = 0; i < want.length; i++) {
          if (!Object.is(got[i], want[i])) assert.fail(`${op} ${JSON.stringify([as, bs])} at ${i}: got ${got[i]}, want ${want[i]}`);
        }
      }
    }
  });
}
