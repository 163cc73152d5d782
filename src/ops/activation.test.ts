import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { logSoftmax as logSoftmaxKernel, softmax as softmaxKernel } from "../backend/js/softmax.js";
import { testOnBackend } from "../testing/backends.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/activations.json", import.meta.url), "utf8"));

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

const SHAPES = [[7], [3, 5], [2, 3, 4]];

test("activations by hand", () => {
  assert.deepEqual(tf.relu(tf.constant([-1.5, 0, 2], "float32")).arraySync(), [0, 0, 2]);
  const ri = tf.relu(tf.constant([-3, 0, 4], "int32"));
  assert.equal(ri.dtype, "int32");
  assert.deepEqual(ri.arraySync(), [0, 0, 4]);
  assert.deepEqual(tf.relu6(tf.constant([-1, 3, 6, 9], "float32")).arraySync(), [0, 3, 6, 6]);
  assert.deepEqual(tf.leakyRelu(tf.constant([-5, 5], "float64")).arraySync(), [-1, 5]);
  assert.deepEqual(tf.leakyRelu(tf.constant([-5, 5], "float64"), 0.5).arraySync(), [-2.5, 5]);
  assert.deepEqual(tf.elu(tf.constant([0, 2], "float64")).arraySync(), [0, 2]);
  assert.equal(tf.elu(tf.constant([-1], "float64"), 2).dataSync()[0], 2 * (Math.exp(-1) - 1));
  assert.deepEqual(tf.sigmoid(tf.constant([0], "float64")).arraySync(), [0.5]);
  assert.deepEqual(tf.tanh(tf.constant([0], "float64")).arraySync(), [0]);
  assert.deepEqual(tf.softsign(tf.constant([1, -3], "float64")).arraySync(), [0.5, -0.75]);
  assert.equal(tf.softplus(tf.constant([0], "float64")).dataSync()[0], Math.LN2);
  assert.equal(tf.swish(tf.constant([0, 1], "float64")).dataSync()[1], 1 / (1 + Math.exp(-1)));
  assert.equal(tf.silu, tf.swish);
  // gelu(1) = Phi(1) = 0.8413447460685429 (normal CDF table); tanh form 0.8411919906082768
  assert.ok(Math.abs(tf.gelu(tf.constant([1], "float64")).item() - 0.8413447460685429) < 2e-7);
  assert.ok(Math.abs(tf.gelu(tf.constant([1], "float64"), true).item() - 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))) < 1e-15);
  // softplus does not overflow: softplus(1000) = 1000, softplus(-1000) = exp(-1000) ~ 0
  assert.deepEqual(tf.softplus(tf.constant([1000, -1000], "float64")).arraySync(), [1000, 0]);
});

test("activations match PyTorch (float64 and float32)", () => {
  const u = fx.unary;
  const x = tf.constant(u.x, "float64");
  const x32 = tf.constant(u.x, "float32");
  const cases: [string, (t: tf.Tensor) => tf.Tensor, number][] = [
    ["relu6", (t) => tf.relu6(t), 0],
    ["leakyRelu_0.2", (t) => tf.leakyRelu(t), 1e-15],
    ["elu_1", (t) => tf.elu(t), 1e-15],
    ["elu_0.5", (t) => tf.elu(t, 0.5), 1e-15],
    ["selu", (t) => tf.selu(t), 1e-15],
    // the erf kernel is a rational fit good to ~1.2e-7 (float32 precision)
    ["gelu", (t) => tf.gelu(t), 2e-7],
    ["geluTanh", (t) => tf.gelu(t, true), 1e-14],
    ["sigmoid", (t) => tf.sigmoid(t), 1e-15],
    ["tanh", (t) => tf.tanh(t), 1e-15],
    ["softplus", (t) => tf.softplus(t), 1e-15],
    ["softsign", (t) => tf.softsign(t), 1e-15],
    ["swish", (t) => tf.swish(t), 1e-14],
  ];
  for (const [name, f, tol] of cases) {
    const want = u[name] as number[];
    const y = f(x);
    assert.equal(y.dtype, "float64");
    assertAllClose(y.dataSync(), want, { rtol: tol, atol: tol, what: name });
    const y32 = f(x32);
    assert.equal(y32.dtype, "float32");
    assertAllClose(y32.dataSync(), want, { rtol: 1e-6, atol: 1e-6, what: `${name} float32` });
  }
});

test("softmax and logSoftmax by hand, including huge logits", () => {
  assertAllClose(tf.softmax(tf.constant([[1, 1], [0, Math.log(3)]], "float64")).dataSync(), [0.5, 0.5, 0.25, 0.75], { rtol: 0, atol: 1e-15, what: "by hand" });
  const ls = tf.logSoftmax(tf.constant([0, 0], "float64")).dataSync();
  assert.deepEqual([...ls], [-Math.LN2, -Math.LN2]);
  assert.deepEqual(tf.softmax(tf.constant([1000, 1000], "float32")).arraySync(), [0.5, 0.5]);
  assert.deepEqual(tf.logSoftmax(tf.constant([-1000, -1000], "float32")).arraySync(), [-Math.fround(Math.LN2), -Math.fround(Math.LN2)]);
  // axis 0 of a column pair equals the row softmax of its transpose
  assertAllClose(tf.softmax(tf.constant([[0], [Math.log(3)]], "float64"), 0).dataSync(), [0.25, 0.75], { rtol: 0, atol: 1e-15, what: "axis 0" });
  // a single class is always probability 1 (log 0)
  assert.deepEqual(tf.softmax(tf.constant([[5], [-2]], "float64")).arraySync(), [[1], [1]]);
  assert.deepEqual(tf.logSoftmax(tf.constant([[5], [-2]], "float64")).arraySync(), [[0], [0]]);
});

test("softmax kernels: float32 output, NaN rows stay NaN, empty rows", () => {
  const x = new Float32Array([1, 2, 3, NaN, 0, 0]);
  const out = new Float32Array(6);
  softmaxKernel(x, 2, 3, out);
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const s = e[0] + e[1] + e[2];
  assertAllClose(out.subarray(0, 3), e.map((v) => Math.fround(v / s)), { rtol: 0, atol: 0, what: "softmax row 0" });
  assert.ok([...out.subarray(3)].every(Number.isNaN));
  const lo = new Float32Array(6);
  logSoftmaxKernel(x, 2, 3, lo);
  assertAllClose(lo.subarray(0, 3), [-2, -1, 0].map((v) => Math.fround(v - Math.log(s))), { rtol: 0, atol: 0, what: "logSoftmax row 0" });
  softmaxKernel(new Float64Array(0), 4, 0, new Float64Array(0));
  assert.deepEqual(tf.softmax(tf.zeros([2, 0], "float32")).shape, [2, 0]);
});

test("softmax and logSoftmax match PyTorch on every axis", () => {
  const s = fx.softmax;
  const a = tf.constant(s.a, "float64");
  const b = tf.constant(s.b, "float64");
  assertAllClose(tf.softmax(a).dataSync(), flat(s.softmax_a_last), { rtol: 1e-13, atol: 1e-15, what: "softmax a -1" });
  assertAllClose(tf.softmax(a, 0).dataSync(), flat(s.softmax_a_0), { rtol: 1e-13, atol: 1e-15, what: "softmax a 0" });
  assertAllClose(tf.softmax(a, -2).dataSync(), flat(s.softmax_a_0), { rtol: 1e-13, atol: 1e-15, what: "softmax a -2" });
  assertAllClose(tf.logSoftmax(a).dataSync(), flat(s.logSoftmax_a_last), { rtol: 1e-13, atol: 1e-13, what: "logSoftmax a -1" });
  assertAllClose(tf.logSoftmax(a, 0).dataSync(), flat(s.logSoftmax_a_0), { rtol: 1e-13, atol: 1e-13, what: "logSoftmax a 0" });
  assertAllClose(tf.softmax(b, 1).dataSync(), flat(s.softmax_b_1), { rtol: 1e-13, atol: 1e-15, what: "softmax b 1" });
  assertAllClose(tf.logSoftmax(b, 1).dataSync(), flat(s.logSoftmax_b_1), { rtol: 1e-13, atol: 1e-13, what: "logSoftmax b 1" });
  assert.deepEqual(tf.softmax(b, 1).shape, [2, 3, 4]);
  const a32 = tf.constant(s.a, "float32");
  assertAllClose(tf.softmax(a32).dataSync(), flat(s.softmax_a_last), { rtol: 1e-6, atol: 1e-7, what: "softmax a float32" });
  assertAllClose(tf.logSoftmax(a32).dataSync(), flat(s.logSoftmax_a_last), { rtol: 1e-6, atol: 1e-5, what: "logSoftmax a float32" });
});

test("gradients of the elementwise activations (float64, several shapes)", () => {
  const cases: [string, (t: tf.Tensor) => tf.Tensor, number[]][] = [
    ["relu", (t) => tf.relu(t), [0]],
    ["relu6", (t) => tf.relu6(t), [0, 6]],
    ["leakyRelu", (t) => tf.leakyRelu(t, 0.3), [0]],
    ["elu", (t) => tf.elu(t, 0.7), [0]],
    ["selu", (t) => tf.selu(t), [0]],
    ["gelu", (t) => tf.gelu(t), []],
    ["geluTanh", (t) => tf.gelu(t, true), []],
    ["sigmoid", (t) => tf.sigmoid(t), []],
    ["tanh", (t) => tf.tanh(t), []],
    ["softplus", (t) => tf.softplus(t), []],
    ["softsign", (t) => tf.softsign(t), [0]],
    ["swish", (t) => tf.swish(t), []],
  ];
  cases.forEach(([name, f, kinks], k) => {
    SHAPES.forEach((shape, j) => {
      const lo = name === "relu6" ? -2 : -4, hi = name === "relu6" ? 8 : 4;
      const x = randomF64(shape, 100 + 10 * k + j, lo, hi, kinks);
      try {
        checkGradients(f, [x]);
      } catch (e) {
        throw new Error(`${name} ${JSON.stringify(shape)}: ${(e as Error).message}`);
      }
    });
  });
});

test("gradients of softmax and logSoftmax on every axis", () => {
  const cases: [number[], number][] = [[[7], -1], [[3, 5], -1], [[3, 5], 0], [[2, 3, 4], 1], [[2, 3, 4], 0], [[2, 3, 4], -1], [[1, 1], -1]];
  cases.forEach(([shape, axis], i) => {
    const x = randomF64(shape, 300 + i);
    checkGradients((t) => tf.softmax(t, axis), [x]);
    checkGradients((t) => tf.logSoftmax(t, axis), [x]);
  });
});

test("second derivative of softmax through nested tapes", () => {
  const x = randomF64([2, 3], 400);
  const w = randomF64([2, 3], 401);
  // d/dx of <w, grad_x sum(softmax(x) * w)>
  const inner = (t: tf.Tensor): tf.Tensor => tf.grad((u: tf.Tensor) => tf.mul(tf.softmax(u), w))(t);
  checkGradients(inner, [x]);
});

test("chainable methods", () => {
  const x = tf.constant([[-2, 0.5, 3]], "float64");
  assert.deepEqual(x.relu().arraySync(), tf.relu(x).arraySync());
  assert.deepEqual(x.relu6().arraySync(), tf.relu6(x).arraySync());
  assert.deepEqual(x.leakyRelu(0.1).arraySync(), tf.leakyRelu(x, 0.1).arraySync());
  assert.deepEqual(x.elu().arraySync(), tf.elu(x).arraySync());
  assert.deepEqual(x.selu().arraySync(), tf.selu(x).arraySync());
  assert.deepEqual(x.gelu(true).arraySync(), tf.gelu(x, true).arraySync());
  assert.deepEqual(x.sigmoid().arraySync(), tf.sigmoid(x).arraySync());
  assert.deepEqual(x.tanh().arraySync(), tf.tanh(x).arraySync());
  assert.deepEqual(x.softplus().arraySync(), tf.softplus(x).arraySync());
  assert.deepEqual(x.softsign().arraySync(), tf.softsign(x).arraySync());
  assert.deepEqual(x.swish().arraySync(), tf.swish(x).arraySync());
  assert.deepEqual(x.softmax().arraySync(), tf.softmax(x).arraySync());
  assert.deepEqual(x.softmax(0).arraySync(), [[1, 1, 1]]);
  assert.deepEqual(x.logSoftmax().arraySync(), tf.logSoftmax(x).arraySync());
});

test("clear errors", () => {
  assert.throws(() => tf.softmax(tf.constant([1, 2], "int32")), /softmax: logits must be float32 or float64, got int32/);
  assert.throws(() => tf.softmax(tf.constant(3, "float32")), /softmax: logits must have rank >= 1/);
  assert.throws(() => tf.logSoftmax(tf.zeros([2, 3]), 2), /logSoftmax: axis 2 is out of range for a tensor of rank 2/);
  assert.throws(() => tf.sigmoid(tf.constant([1], "int32")), /sigmoid: x must be float32 or float64/);
  assert.throws(() => tf.leakyRelu(tf.zeros([1]), Number.NaN), /leakyRelu: alpha must be a finite number/);
});

/*
 * NaN is not hidden: a network whose weights went NaN must not give finite-looking outputs. Expected
 * values from torch 1.13 for x = torch.tensor([nan, -0., 0., -1., 2., inf, -inf, 7.], requires_grad=True):
 * torch.relu(x), F.relu6(x) (NaN and -0 stay, as TF's NaN-propagating max gives them), and
 * torch.autograd.grad(f(x).sum(), x) (threshold_backward / hardtanh_backward pass the gradient at NaN).
 */
for (const name of ["js", "native"]) {
  testOnBackend(name, `relu and relu6 keep NaN and -0, and their gradients pass at NaN, as torch (${name} backend)`, () => {
    const N = NaN, I = Infinity;
    for (const dtype of ["float32", "float64"] as const) {
      const x = tf.constant([N, -0, 0, -1, 2, I, -I, 7], dtype);
      assert.deepEqual([...tf.relu(x).dataSync()], [N, -0, 0, 0, 2, I, 0, 7], `relu ${dtype}`);
      assert.deepEqual([...tf.relu6(x).dataSync()], [N, -0, 0, 0, 2, 6, 0, 6], `relu6 ${dtype}`);
      assert.deepEqual([...tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x).dataSync()], [1, 0, 0, 0, 1, 1, 0, 1], `relu' ${dtype}`);
      assert.deepEqual([...tf.grad((v: tf.Tensor) => tf.sum(tf.relu6(v)))(x).dataSync()], [1, 0, 0, 0, 1, 0, 0, 0], `relu6' ${dtype}`);
      // Under a recording tape (higher-order gradients) the gradient is built from ops: the same mask.
      for (const [f, want] of [[tf.relu, [1, 0, 0, 0, 1, 1, 0, 1]], [tf.relu6, [1, 0, 0, 0, 1, 0, 0, 0]]] as const) {
        const outer = new tf.GradientTape();
        outer.watch([x]);
        let dx: tf.Tensor | null = null;
        outer.run(() => {
          const inner = new tf.GradientTape();
          inner.watch([x]);
          const s = inner.run(() => tf.sum(f(x)));
          dx = inner.gradient(s, [x])[0]!;
          return tf.sum(dx);
        });
        assert.deepEqual([...dx!.dataSync()], want, `${f === tf.relu ? "relu" : "relu6"}' under a tape, ${dtype}`);
      }
      // The activation layer strings use the same op: "relu" as an activation function.
      assert.deepEqual([...(tf.layers.Activation("relu").apply(x) as tf.Tensor).dataSync()], [N, -0, 0, 0, 2, I, 0, 7], `Activation("relu") ${dtype}`);
    }
    const xi = tf.constant([-3, 0, 4], "int32");
    assert.deepEqual([...tf.relu(xi).dataSync()], [0, 0, 4]);
  });
}
