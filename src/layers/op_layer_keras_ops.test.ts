/**
 * keras.ops beyond arithmetic on symbolic tensors, against Keras 3.5 (test/fixtures/symbolic_ops2.json
 * and keras_files/symbolic_ops/ops_model2.keras, by make_symbolic_ops2.py): a Keras-written model of
 * argmax/one_hot/cumsum/where/einsum/norm/sort/top_k/split/pools/... loads and predicts as Keras,
 * the same model built with lamina's `ops` writes Keras' config, and every `ops` member called on a
 * symbolic tensor either records an operation or says it cannot sit in a functional model.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;

interface Fixture { x: number[][][]; img: number[][][][]; predictions: unknown[]; dtypes: string[]; config: { layers: { name: string }[]; output_layers: unknown } }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/symbolic_ops2.json", import.meta.url), "utf8")) as Fixture;
const inputs = (): tf.Tensor[] => [tf.constant(fx.x as unknown as number[], undefined, "float32"), tf.constant(fx.img as unknown as number[], undefined, "float32")];

function checkPredictions(model: tf.models.Model, what: string): void {
  const out = model.predict(inputs()) as tf.Tensor[];
  assert.equal(out.length, fx.predictions.length);
  out.forEach((t, i) => {
    const want = fx.dtypes[i] === "bool" ? (fx.predictions[i] as unknown) : fx.predictions[i];
    const got = t.dtype === "bool" ? tf.cast(t, "float32") : t;
    assertAllClose(got, (fx.dtypes[i] === "bool" ? JSON.parse(JSON.stringify(want).replace(/true/g, "1").replace(/false/g, "0")) : want) as number[], { rtol: 1e-5, atol: 2e-5, what: `${what} output ${i}` });
  });
}

/** make_symbolic_ops2.py's model, written with lamina's ops. */
function opsModel2(): tf.models.Model {
  tf.layers.clearSession();
  const x = layers.Input({ shape: [4, 6], name: "x" });
  const img = layers.Input({ shape: [8, 8, 3], name: "img" });
  const hot = ops.oneHot(ops.argmax(x, -1), 6);
  const mixed = tf.sub(tf.add(tf.add(ops.cumsum(x, 1), ops.where(ops.greater(x, 0.5), x, 0.0) as Sym), ops.sort(x)), ops.norm(x, null, -1, true));
  const gram = ops.einsum("bij,bkj->bik", x, x);
  const [topV, topI] = ops.topK(x, 2);
  const [left, right] = ops.split(x, 2, -1);
  const act = tf.add(tf.add(ops.hardSigmoid(x), ops.hardSilu(x)), ops.logSigmoid(x));
  const shaped = ops.pad(ops.tile(left, [1, 1, 2]), [[0, 0], [1, 1], [0, 0]]);
  const repeated = ops.repeat(right, 2, -1);
  const gathered = ops.takeAlongAxis(x, ops.argsort(x, -1), -1);
  const logic = ops.logicalAnd(ops.less(x, 0.8), ops.logicalNot(ops.equal(ops.round(x, 1), 0.5)));
  const stats = tf.add(tf.add(ops.std(x, 1), ops.prod(x, 1)), ops.max(ops.moveaxis(ops.cumprod(x, -1), 1, 2), 2));
  const pools = tf.add(ops.averagePool(img, 2), ops.maxPool(img, 2, 2, "same"));
  const outputs = [hot, mixed, gram, topV, topI, act, shaped, repeated, gathered, logic, stats, pools, ops.tensordot(left, right, [[2], [2]]), ops.argmin(x, 1, true)];
  return new models.Model({ inputs: [x, img], outputs, name: "ops_model2" });
}

test("a Keras-written model of argmax/one_hot/cumsum/where/einsum/norm/sort/top_k/split/pools loads and predicts as Keras", async () => {
  const model = await models.loadModel("test/fixtures/keras_files/symbolic_ops/ops_model2.keras");
  checkPredictions(model, "loaded");
  assert.deepEqual(JSON.parse(model.toJSON()).config.layers, fx.config.layers);
});

test("the same model built with lamina's ops writes Keras 3.5's config and predicts Keras' outputs", () => {
  const model = opsModel2();
  const config = JSON.parse(model.toJSON()).config;
  const byName = (ls: { name: string }[]): Map<string, unknown> => new Map(ls.map((l) => [l.name, l]));
  const mine = byName(config.layers);
  for (const [name, entry] of byName(fx.config.layers)) assert.deepEqual(mine.get(name), entry, name);
  assert.equal(config.layers.length, fx.config.layers.length);
  assert.deepEqual(config.output_layers, fx.config.output_layers);
  checkPredictions(model, "built");
});

/** Keras 3.5's entries for ops the fixture model leaves out (from running each on KerasTensors). */
const ENTRIES: [string, (x: Sym) => Sym, string, string, Record<string, unknown>, Record<string, unknown>][] = [
  ["conv", (x) => ops.conv(x, layers.Input({ batchShape: [3, 3, 3, 4], name: "k" }), 2, "same"), "nn", "Conv", { strides: 2, padding: "same", data_format: "channels_last", dilation_rate: 1 }, {}],
  ["depthwise", (x) => ops.depthwiseConv(x, layers.Input({ batchShape: [3, 3, 3, 2], name: "k" }), 1, "valid"), "nn", "DepthwiseConv", { strides: 1, padding: "valid", data_format: "channels_last", dilation_rate: 1 }, {}],
  ["convTranspose", (x) => ops.convTranspose(x, layers.Input({ batchShape: [3, 3, 2, 3], name: "k" }), 2, "same"), "nn", "ConvTranspose", { strides: 2, padding: "same", output_padding: null, data_format: "channels_last", dilation_rate: 1 }, {}],
  ["pad constant", (x) => ops.pad(x, [[0, 0], [1, 1], [2, 0], [0, 0]]), "numpy", "Pad", { mode: "constant", pad_width: [[0, 0], [1, 1], [2, 0], [0, 0]] }, { constant_values: null }],
  ["zerosLike", (x) => ops.zerosLike(x), "numpy", "ZerosLike", { name: "zeros_like" }, { dtype: null }],
  ["average", (x) => ops.average(x, 1), "numpy", "Average", { axis: 1 }, { weights: null }],
  ["multiHot", (x) => ops.multiHot(ops.cast(ops.max(x, [1, 2]), "int32"), 5), "nn", "MultiHot", { name: "multi_hot", num_classes: 5, axis: -1, dtype: null, sparse: false }, {}],
  ["moments", (x) => ops.moments(x, [1], true)[1], "nn", "Moments", { synchronized: false, axes: [1], keepdims: true }, {}],
  ["unstack", (x) => ops.unstack(x, null, 1)[0], "core", "Unstack", { num: null, axis: 1 }, {}],
  ["diff", (x) => ops.diff(x), "numpy", "Diff", { n: 1, axis: -1 }, {}],
  ["isclose", (x) => ops.isclose(x, x), "numpy", "Isclose", { name: "isclose" }, {}],
  ["select", (x) => ops.select([ops.greater(x, 0.5)], [x], 0.0), "numpy", "Select", {}, {}],
  ["bce", (x) => ops.binaryCrossentropy(x, x), "nn", "BinaryCrossentropy", { from_logits: false }, {}],
];

/** The model inputs a symbolic tensor is computed from. */
function roots(t: Sym): Sym[] {
  if (t.node.inputs.length === 0) return [t];
  return [...new Set(t.node.inputs.flatMap(roots))];
}

test("each further op is saved as Keras 3.5 writes it and runs as the eager op", () => {
  const xs = tf.random.uniform([2, 8, 8, 3], 0.1, 0.9, "float32", 4);
  for (const [what, fn, module, className, config, kwargs] of ENTRIES) {
    tf.layers.clearSession();
    const x = layers.Input({ shape: [8, 8, 3], name: "x" });
    const out = fn(x);
    const ins = roots(out);
    const model = new models.Model({ inputs: ins, outputs: out });
    const entry = (JSON.parse(model.toJSON()).config.layers as Record<string, unknown>[]).find((l) => l.class_name === className) as
      { module: string; config: unknown; inbound_nodes: { kwargs: unknown }[] };
    assert.deepEqual([entry.module, entry.config, entry.inbound_nodes[0].kwargs], [`keras.src.ops.${module}`, config, kwargs], what);
    if (ins.length === 1) assertAllClose(model.predict(xs) as tf.Tensor, fn(xs as unknown as Sym) as unknown as tf.Tensor, { rtol: 1e-6, atol: 1e-6, what });
  }
});

test("ops that cannot sit in a functional model say so, naming the op and the fix", () => {
  const x = layers.Input({ shape: [4], name: "x" });
  assert.throws(() => ops.where(x), /ops\.where: called on a symbolic tensor.*cannot sit in a functional model.*depends on the values.*layers\.Lambda/);
  assert.throws(() => ops.nonzero(x as unknown as tf.Tensor), /nonzero: called on a symbolic tensor.*cannot sit in a functional model.*layers\.Lambda/);
  assert.throws(() => tf.countNonzero(x as unknown as tf.Tensor), /called on a symbolic tensor.*layers\.Lambda/);
});

test("every ops member called on a symbolic tensor records an operation or says it cannot sit in a functional model", () => {
  tf.layers.clearSession();
  const x = layers.Input({ shape: [4, 6], name: "x" });
  const b = ops.greater(x, 0.5);
  const i = ops.cast(x, "int32");
  const fixed = (name: string, batchShape: number[]): Sym => layers.Input({ batchShape, name });
  const k = fixed("k", [3, 6, 2]);
  const id = (t: unknown): unknown => t;
  const sq = fixed("sq", [2, 4, 4]);
  // Valid arguments for each member that takes more than x (the shapes are the eager ops' rules).
  const ARGS: Record<string, unknown[]> = {
    add: [x, 1], subtract: [x, 1], multiply: [x, 2], divide: [x, 2], trueDivide: [x, 2], power: [x, 2], maximum: [x, 0], minimum: [x, 0],
    all: [b], any: [b], logicalNot: [b], logicalAnd: [b, b], logicalOr: [b, b], logicalXor: [b, b], append: [x, x, 1], arctan2: [x, x],
    argpartition: [x, 2], averagePool: [x, 2], maxPool: [x, 2], batchNormalization: [x, x, x, -1], binaryCrossentropy: [x, x],
    categoricalCrossentropy: [x, x], sparseCategoricalCrossentropy: [layers.Input({ shape: [4], dtype: "int32" }), x],
    broadcastTo: [fixed("y", [2, 4, 6]), [3, 2, 4, 6]], cast: [x, "int32"], clip: [x, 0, 1], concatenate: [[x, x], 1], stack: [[x, x], 1],
    hstack: [[x, x]], vstack: [[x, x]], conv: [x, k], convTranspose: [x, fixed("kt", [3, 2, 6]), 1], depthwiseConv: [x, k],
    separableConv: [x, k, fixed("pk", [1, 12, 4])], cross: [layers.Input({ shape: [3] }), layers.Input({ shape: [3] })], divideNoNan: [x, x],
    dot: [x, layers.Input({ shape: [6, 4] })], matmul: [x, layers.Input({ shape: [6, 4] })], einsum: ["bij,bij->bi", x, x], equal: [x, 0],
    notEqual: [x, 0], greater: [x, 0], greaterEqual: [x, 0], less: [x, 0], lessEqual: [x, 0], isclose: [x, x], logaddexp: [x, x],
    floorDivide: [x, 2], mod: [x, 2], multiHot: [layers.Input({ shape: [3], dtype: "int32" }), 3], oneHot: [i, 3], outer: [x, x], pad: [x, 1],
    repeat: [x, 2], reshape: [x, [-1, 24]], roll: [x, 1], searchsorted: [x, x], segmentMax: [x, i], segmentSum: [x, i], select: [[b], [x]],
    split: [x, 2, -1], swapaxes: [x, 1, 2], take: [x, [0]], takeAlongAxis: [x, i], tensordot: [x, x, [[2], [2]]], tile: [x, [2]],
    moveaxis: [x, 1, 2], digitize: [x, [0.5]], extractSequences: [x, 2, 1], inTopK: [layers.Input({ shape: [], dtype: "int32" }), layers.Input({ shape: [6] }), 1], stft: [x, 4, 2, 4], istft: [[x, x], 4, 2, 4],
    ctcLoss: [i, x, i, i], scatterUpdate: [x, [[0, 0, 0]], [1.5]], sliceUpdate: [x, [0, 0, 0], x], scatter: [[[0], [1]], fixed("sv", [2]), [4]], getItem: [x, 0],
    slice: [x, [0, 0, 0], [1, 2, 3]], where: [b, x, 0], fullLike: [x, 1], quantile: [x, 0.5], ctcDecode: [x, layers.Input({ shape: [], dtype: "int32" })], bincount: [layers.Input({ shape: [3], dtype: "int32" })], topK: [x, 2], moments: [x, [1]],
    fft: [[x, x]], fft2: [[x, x]], irfft: [[x, x]], cond: [b, () => x, () => x], switch: [i, [() => x]], foriLoop: [0, 2, id, x],
    associativeScan: [id, x], map: [id, x], vectorizedMap: [id, x], scan: [id, x, x], whileLoop: [() => false, id, [x]], linspace: [x, 1],
    logspace: [x, 1], psnr: [x, x, 1], lstsq: [x, x], vdot: [x, x], correlate: [x, x], average: [x, 1],
    meshgrid: [x, x], customGradient: [() => [x, id]], vectorize: [id],
    cholesky: [sq], det: [sq], eig: [sq], eigh: [sq], inv: [sq], slogdet: [sq], solve: [sq, sq], solveTriangular: [sq, sq],
    // Keras 3.15's element-wise, bitwise and NaN-reduction ops (ops/keras_ops_*315.ts).
    allclose: [x, x], fmax: [x, x], fmin: [x, x], fmod: [x, 2], hypot: [x, x], heaviside: [x, 0.5], logaddexp2: [x, x], nextafter: [x, 0], ldexp: [x, i],
    gcd: [i, 4], lcm: [i, 4], bitwiseAnd: [i, i], bitwiseOr: [i, i], bitwiseXor: [i, i], bitwiseInvert: [i], bitwiseNot: [i],
    bitwiseLeftShift: [i, 1], bitwiseRightShift: [i, 1], leftShift: [i, i], rightShift: [i, 1], nanquantile: [x, 0.5], nanpercentile: [x, 50], percentile: [x, [25, 75]],
    // Keras 3.15's nn ops (ops/keras_ops_nn315.ts).
    depthToSpace: [fixed("d2s", [1, 2, 2, 8]), 2], spaceToDepth: [fixed("s2d", [1, 4, 4, 2]), 2], saturateCast: [x, "int32"], threshold: [x, 0.5, 0],
    dotProductAttention: [fixed("q", [1, 3, 2, 4]), fixed("kq", [1, 3, 2, 4]), fixed("vq", [1, 3, 2, 4])],
    adaptiveAveragePool: [x, 2], adaptiveMaxPool: [x, 2],
    // Keras 3.15's array, linalg and nn ops (op_specs_k315_arr.ts)
    arraySplit: [x, 2, -1], hsplit: [x, 2], vsplit: [x, [1]], dsplit: [x, 2], dstack: [[x, x]], kron: [x, x], inner: [x, x], isin: [x, x],
    vander: [fixed("v1", [5])], corrcoef: [fixed("cc", [3, 5])], unravelIndex: [i, [2, 3]], unique: [x, true, false, false, false, null, 4],
    histogram: [fixed("h1", [8])], cdist: [x, x], choleskyInverse: [sq], logdet: [sq], matrixRank: [sq], ifft2: [[x, x]], segmentMin: [x, i],
    segmentProd: [x, i], unfold: [fixed("u4", [1, 2, 5, 6]), 2], fold: [fixed("f3", [1, 8, 20]), [5, 6], 2], rearrange: [x, "b h w -> b w h"], jvp: [id, [x], [x]],
  };
  // They make new tensors from shapes or numbers, or say whether a value is a tensor: no argument stands for a tensor.
  const NO_TENSOR = new Set(["arange", "eye", "identity", "tri", "zeros", "ones", "full", "empty", "isTensor"]);
  const wrong: string[] = [];
  let recorded = 0;
  for (const [name, f] of Object.entries(ops)) {
    if (typeof f !== "function" || NO_TENSOR.has(name)) continue;
    try {
      let r = (f as (...a: unknown[]) => unknown)(...(ARGS[name] ?? [x]));
      // vectorize and customGradient return the function to call.
      if (typeof r === "function") r = (r as (...a: unknown[]) => unknown)(x);
      const symbolic = (t: unknown): boolean => t instanceof tf.layers.SymbolicTensor;
      if (symbolic(r) || (Array.isArray(r) && r.length > 0 && r.every(symbolic))) recorded++;
      else wrong.push(`${name} returned ${String(r).slice(0, 60)}`);
    } catch (e) {
      const m = (e as Error).message;
      if (!/cannot sit in a functional model .*layers\.Lambda/.test(m) || /cannot be converted to a tensor/.test(m)) wrong.push(`${name}: ${m.slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(recorded >= 295, `${recorded} members record an operation`);
});
