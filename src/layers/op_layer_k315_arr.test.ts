/**
 * Keras 3.15's array, linalg, math, nn and einops operations on symbolic tensors: a functional
 * model built with them writes Keras 3.15.1's class names, modules and config keys
 * (layers/op_specs_k315_arr.ts), loads back from its config and predicts what the eager ops give;
 * the operations whose output depends on the batch run from their specs directly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { OP_SPECS } from "./op_specs.js";

const { layers, models } = tf;

interface Entry { class_name: string; module: string; config: Record<string, unknown> }

const xv = (): tf.Tensor => tf.div(tf.reshape(tf.range(0, 24, 1, "float32"), [2, 3, 4]), 5);
const imgv = (): tf.Tensor => tf.div(tf.reshape(tf.range(0, 120, 1, "float32"), [2, 2, 5, 6]), 9);
const idv = (): tf.Tensor => tf.constant([4, 1], "int32");

/** The outputs, from symbolic inputs or the same tensors. */
function outputs<T>(x: T, img: T, id: T): T[] {
  const o = ops as unknown as Record<string, (...a: unknown[]) => unknown>;
  const sq = o.add(o.matmul(x, o.transpose(x, [0, 2, 1])), tf.mul(tf.eye(3), 3)) as T;
  return [
    ...(o.arraySplit(x, 3, 2) as T[]), ...(o.hsplit(x, [1]) as T[]), ...(o.dsplit(img, [2]) as T[]),
    o.dstack([x, x]), o.fliplr(x), o.flipud(x), o.rot90(x, 1, [1, 2]), o.kron(x, tf.constant([[1, 2], [3, 4]], "float32")),
    o.inner(x, tf.constant([1, -1, 2, 0.5], "float32")), o.vander(o.cast(id, "float32"), 3, true), o.emptyLike(x, "int32"),
    ...(o.unravelIndex(id, [2, 3]) as T[]), o.isin(x, tf.constant([0.2, 0.4], "float32")), o.trapezoid(x, [0, 1, 3, 4]),
    o.view(x, "int32"), o.angle(o.subtract(x, 2)), o.cdist(x, x), ...(o.ifft2([x, o.multiply(x, 2)]) as T[]),
    o.logdet(sq), o.choleskyInverse(o.cholesky(sq)), o.matrixRank(sq), o.pinv(x),
    o.unfold(img, 2), o.fold(o.unfold(img, 2), [5, 6], 2), o.unfold(img, [2, 3], [1, 2], 1, [2, 1]),
    o.rearrange(img, "b c (h h1) w -> b (c h1) h w", { h1: 1 }), o.rearrange(x, "b h w -> b (w h)"),
  ] as T[];
}

test("a model of Keras 3.15's ops writes Keras' entries, loads back from its config and predicts the eager ops' values", () => {
  tf.layers.clearSession();
  const x = layers.Input({ shape: [3, 4], name: "x" });
  const img = layers.Input({ shape: [2, 5, 6], name: "img" });
  const id = layers.Input({ shape: [], dtype: "int32", name: "id" });
  const model = new models.Model({ inputs: [x, img, id], outputs: outputs<unknown>(x, img, id) as never });
  const want = outputs<tf.Tensor>(xv(), imgv(), idv());
  model.outputs.forEach((o, i) => assert.deepEqual(o.shape.slice(1), want[i].shape.slice(1), `output ${i} shape`));
  const config = JSON.parse(model.toJSON()).config as { layers: Entry[] };
  const entry = (cls: string): Entry => config.layers.find((l) => l.class_name === cls)!;
  assert.deepEqual([entry("Rot90").module, entry("Rot90").config], ["keras.src.ops.numpy", { k: 1, axes: [1, 2] }]);
  assert.deepEqual(entry("ArraySplit").config, { indices_or_sections: 3, axis: 2 });
  assert.deepEqual(entry("Trapezoid").config, { x: [0, 1, 3, 4], dx: 1, axis: -1 });
  assert.deepEqual(entry("Unfold").config, { kernel_size: 2, dilation: 1, padding: 0, stride: 1 });
  for (const [cls, module] of [["CDist", "keras.src.ops.math"], ["IFFT2", "keras.src.ops.math"], ["Pinv", "keras.src.ops.linalg"], ["CholeskyInverse", "keras.src.ops.linalg"], ["Fold", "keras.src.ops.nn"], ["Rearrange", "keras.src.ops.einops"]]) {
    assert.equal(entry(cls).module, module, cls);
  }
  const loaded = models.Model.fromConfig(config as unknown as Record<string, unknown>) as tf.models.Model;
  for (const [what, m] of [["built", model], ["loaded", loaded]] as const) {
    const got = m.predict([xv(), imgv(), idv()]) as tf.Tensor[];
    got.forEach((t, i) => {
      assert.equal(t.dtype, want[i].dtype, `${what} output ${i} dtype`);
      assertAllClose(t, want[i], { rtol: 1e-5, atol: 1e-5, what: `${what} output ${i}` });
    });
  }
});

test("the operations whose output depends on the whole batch run from their specs as the ops do", () => {
  const m = tf.constant([[1, 2, 3], [2, 0, 1]], "float32");
  const ids = tf.constant([0, 1, 0], "int32");
  const cases: [string, unknown[], Record<string, unknown>, tf.Tensor | tf.Tensor[]][] = [
    ["Vsplit", [m], { indices_or_sections: 2 }, ops.vsplit(m, 2)],
    ["Diagflat", [m], { k: 1 }, ops.diagflat(m, 1)],
    ["Corrcoef", [m], {}, ops.corrcoef(m)],
    ["Unique", [m], { sorted: true, return_index: true, return_inverse: false, return_counts: true, axis: null, size: 6, fill_value: -1 }, ops.unique(m, true, true, false, true, null, 6, -1)],
    ["Histogram", [tf.reshape(m, [-1])], { bins: 3, range: [0, 3] }, ops.histogram(tf.reshape(m, [-1]), 3, [0, 3])],
    ["SegmentMin", [tf.transpose(m), ids], { num_segments: 2, sorted: false }, ops.segmentMin(tf.transpose(m), ids, 2)],
    ["SegmentProd", [tf.transpose(m), ids], { num_segments: null, sorted: false }, ops.segmentProd(tf.transpose(m), ids)],
  ];
  for (const [cls, args, config, want] of cases) {
    const spec = OP_SPECS.get(cls);
    assert.ok(spec, `${cls} has an OP_SPECS entry`);
    assert.deepEqual([...spec.keys].sort(), Object.keys(config).sort(), `${cls} keys`);
    const got = spec.run(args, config, cls, {});
    const g = Array.isArray(got) ? got : [got], w = Array.isArray(want) ? want : [want];
    assert.equal(g.length, w.length, cls);
    g.forEach((t, i) => assertAllClose(t, w[i], { what: `${cls} output ${i}` }));
  }
});

test("ops Keras cannot record are refused on symbolic tensors, naming the fix", () => {
  const x = layers.Input({ shape: [4], name: "x" });
  assert.throws(() => ops.unique(x), /ops\.unique: called on a symbolic tensor.*pass size/);
  assert.throws(() => ops.hamming(x as unknown as tf.Tensor), /ops\.hamming: called on a symbolic tensor/);
  assert.throws(() => ops.trapezoid(x, x as unknown as tf.Tensor), /ops\.trapezoid: called on a symbolic tensor.*pass x as an array of numbers/);
  assert.throws(() => ops.polar(x as unknown as tf.Tensor, x as unknown as tf.Tensor), /ops\.polar: called on a symbolic tensor.*\[real, imag\] pair/);
});
