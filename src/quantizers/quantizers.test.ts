import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { quantizers } = tf;
/** Made by test/fixtures/make_quantizers.py (numpy re-statements of Keras 3.15.1's formulas). */
const F = JSON.parse(readFileSync(new URL("../../test/fixtures/quantizers.json", import.meta.url), "utf8"));

test("absMaxQuantize matches numpy along the last and the first axis, int8 and int4 ranges", () => {
  const x = tf.constant(F.x, "float32");
  for (const [axis, ref, range] of [[-1, F.absmax_last, [-127, 127]], [0, F.absmax_first, [-127, 127]], [0, F.absmax_int4_first, [-8, 7]]] as const) {
    const [q, s] = quantizers.absMaxQuantize(x, axis, range as [number, number]);
    assert.equal(q.dtype, "int8");
    assert.deepEqual(q.arraySync(), ref.q);
    assertAllClose(s, ref.scale, { rtol: 1e-6 });
  }
  const [q, s] = quantizers.AbsMaxQuantizer({ axis: 0 }).call(x);
  assert.deepEqual(q.arraySync(), F.absmax_first.q);
  assertAllClose(s, F.absmax_first.scale, { rtol: 1e-6 });
  // call's axis wins over the constructor's; -1 by default.
  assert.deepEqual(quantizers.AbsMaxQuantizer().call(x)[0].arraySync(), F.absmax_last.q);
});

test("absMaxQuantizeGroupedWithZeroPoint matches numpy (block 2 over 5 rows: the last group zero-padded); dequantizeWithSzMap", () => {
  const w = tf.constant(F.w, "float32");
  const [q, s, z] = quantizers.absMaxQuantizeGroupedWithZeroPoint(w, 2);
  assert.deepEqual(q.arraySync(), F.grouped_block2.q);
  assertAllClose(s, F.grouped_block2.scale, { rtol: 1e-6 });
  assert.equal(z.dtype, "int8");
  assert.deepEqual(z.arraySync(), F.grouped_block2.zero);
  const deq = quantizers.dequantizeWithSzMap(q, s, z, tf.constant([0, 0, 1, 1, 2], "float32"), 0);
  // (q - zero[g]) * scale[g] by hand at row 4 (group 2), column 1.
  const [qv, sv, zv] = [q.arraySync() as number[][], s.arraySync() as number[][], z.arraySync() as number[][]];
  assert.ok(Math.abs((deq.arraySync() as number[][])[4][1] - (qv[4][1] - zv[2][1]) * sv[2][1]) < 1e-7);
});

test("packInt4/unpackInt4: Keras' docstring example, numpy's packing on both axes, odd lengths, round trip", () => {
  const a = tf.constant([[-3, 7], [2, -8], [1, 0]], "int8");
  const [p, shape, n] = quantizers.packInt4(a, 0);
  assert.deepEqual(p.arraySync(), [[45, -121], [1, 0]]);
  assert.deepEqual([shape, n], [[2, 2], 3]);
  assert.deepEqual(quantizers.unpackInt4(p, 3, 0).arraySync(), a.arraySync());
  const b = tf.constant([[-3, 7, 2], [-8, 1, 0]], "int8");
  assert.deepEqual(quantizers.packInt4(b, 1)[0].arraySync(), [[125, 2], [24, 0]]);
  const v = tf.constant(F.int4_values, "int8");
  assert.deepEqual(quantizers.packInt4(v, 0)[0].arraySync(), F.int4_packed_axis0);
  assert.deepEqual(quantizers.packInt4(v, -1)[0].arraySync(), F.int4_packed_axis1);
  assert.deepEqual(quantizers.unpackInt4(quantizers.packInt4(v, 1)[0], 5, 1).arraySync(), F.int4_values);
  assert.throws(() => quantizers.packInt4(tf.constant([1], "int32")), /packInt4: expected a int8 tensor for packing, got int32/);
  assert.throws(() => quantizers.unpackInt4(p, 7, 0), /origLen 7 does not fit 2 packed entries/);
});

test("quantization configs: Keras' defaults and checks; serialize/deserialize/get round trip", () => {
  const c8 = quantizers.Int8QuantizationConfig();
  assert.equal(c8.mode, "int8");
  assert.ok(c8.activationQuantizer instanceof quantizers.AbsMaxQuantizer);
  const c4 = quantizers.Int4QuantizationConfig();
  assert.equal(c4.blockSize, 128);
  assert.equal(c4.activationQuantizer, null);
  assert.throws(() => quantizers.Int4QuantizationConfig({ blockSize: 0 }), /blockSize must be null, -1, or a positive integer/);
  assert.throws(() => quantizers.Int4QuantizationConfig({ weightQuantizer: quantizers.AbsMaxQuantizer({ valueRange: [-8, 7] }) }), /sub-channel quantization \(blockSize > 0\) does not support custom quantizers/);
  assert.throws(() => quantizers.Int4QuantizationConfig({ blockSize: null, weightQuantizer: quantizers.AbsMaxQuantizer() }), /valueRange \[-8, 7\]/);
  assert.throws(() => quantizers.AbsMaxQuantizer({ valueRange: [-200, 127] }), /within \[-128, 127\]/);
  const s = quantizers.serialize(quantizers.Int8QuantizationConfig({ weightQuantizer: quantizers.AbsMaxQuantizer({ axis: 0 }) }));
  assert.deepEqual(s, {
    module: "keras.quantizers", class_name: "Int8QuantizationConfig", registered_name: null,
    config: {
      weight_quantizer: { module: "keras.quantizers", class_name: "AbsMaxQuantizer", registered_name: null, config: { value_range: [-127, 127], epsilon: 1e-7, output_dtype: "int8", axis: [0] } },
      activation_quantizer: { module: "keras.quantizers", class_name: "AbsMaxQuantizer", registered_name: null, config: { value_range: [-127, 127], epsilon: 1e-7, output_dtype: "int8" } },
    },
  });
  const back = quantizers.deserialize(s as Record<string, unknown>);
  assert.deepEqual(quantizers.serialize(back), s);
  const s4 = quantizers.serialize(quantizers.Int4QuantizationConfig({ blockSize: 64 }));
  assert.equal((quantizers.deserialize(s4 as Record<string, unknown>) as tf.quantizers.Int4QuantizationConfig).blockSize, 64);
  assert.ok(quantizers.get("abs_max_quantizer") instanceof quantizers.AbsMaxQuantizer);
  assert.equal(quantizers.get(null), null);
  assert.throws(() => quantizers.get("GPTQConfig"), /GPTQConfig is not supported/);
});
