import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import type { Tensor } from "../tensor/tensor.js";

const bb = tf.utils.boundingBoxes;
type Nested = number[] | number[][] | number[][][];
interface Fixture {
  height: number; width: number;
  convert: { cases: { source: string; target: string; boxes: Nested; expected: Nested }[] };
  iou: {
    b1: Nested; b2: Nested; b1_masked: Nested; batched: Nested; unbatched: Nested; b1_batched_b2_unbatched: Nested; b1_unbatched_b2_batched: Nested;
    masked: Nested; center_xywh: { b1: Nested; b2: Nested }; rel_yxyx: { b1: Nested; b2: Nested };
  };
  ciou: { b1: Nested; b2: Nested; expected: Nested; yxyx: { b1: Nested; b2: Nested } };
  deltas: { anchors: Nested; boxes: Nested; variance: number[]; encoded: Nested; encoded_xywh_plain: Nested; boxes_xywh: Nested; decoded_rel: Nested };
  clip: { boxes: Nested; labels: number[][]; boxes_out: Nested; labels_out: number[][] };
  crop: { boxes: Nested; top: number; left: number; height: number; width: number; expected: Nested };
  affine: {
    boxes: Nested; angle: number[]; translate_x: number[]; translate_y: number[]; scale: number[]; shear_x: number[]; shear_y: number[]; expected: Nested;
  };
}
// Reference values: numpy re-statements of Keras 3.15.1's formulas (test/fixtures/make_bounding_boxes.py).
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/bounding_boxes.json", import.meta.url), "utf8")) as Fixture;
const { height: H, width: W } = fx;
const t = (v: Nested): Tensor => tf.constant(v);
const F32 = { rtol: 1e-5, atol: 1e-4 };
const imageShape = [H, W, 3];

test("convertFormat matches numpy for every pair of Keras' 9 formats (case-insensitive names; a dict's boxes converted)", () => {
  assert.equal(fx.convert.cases.length, 81);
  for (const c of fx.convert.cases) {
    const out = bb.convertFormat(t(c.boxes), c.source.toUpperCase(), c.target, H, W);
    assert.equal(out.dtype, "float32");
    assertAllClose(out, c.expected, { ...F32, what: `${c.source} -> ${c.target}` });
  }
  const labels = tf.constant([[1, 2, 3], [4, 5, 6]], undefined, "int32");
  const c = fx.convert.cases.find((x) => x.source === "xyxy" && x.target === "center_yxhw")!;
  const dict = bb.convertFormat({ boxes: t(c.boxes), labels }, "xyxy", "center_yxhw");
  assertAllClose(dict.boxes, c.expected, F32);
  assert.equal(dict.labels, labels);
  // rel_ to rel_ changes layout only, but Keras still asks for the size.
  assert.throws(() => bb.convertFormat(tf.constant([[0.1, 0.2, 0.3, 0.4]]), "rel_xyxy", "rel_yxyx"), /needs the image's height and width/);
  assert.equal(bb.convertFormat([[1, 2, 3, 4]], "xyxy", "xyxy", null, null, "float64").dtype, "float64");
});

test("convertFormat refuses unknown formats and boxes whose last axis is not 4", () => {
  assert.throws(() => bb.convertFormat([[1, 2, 3, 4]], "xyxy", "corners"), /invalid target format "corners".*supported formats: xyxy, yxyx/);
  assert.throws(() => bb.convertFormat([[1, 2, 3]], "xyxy", "yxyx"), /last dimension of 4.*\(1, 3\)/);
  assert.throws(() => bb.convertFormat([[1, 2, 3, 4]], "xyxy", "rel_xyxy", 10), /height and width.*width null/);
});

test("computeIou: hand-checked boxes (1/7 overlap, identical, disjoint)", () => {
  const a = [[0, 0, 2, 2], [0, 0, 2, 2]], b = [[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6]];
  const iou = bb.computeIou(a, b, "xyxy");
  assert.deepEqual(iou.shape, [2, 3]);
  assertAllClose(iou, [[1 / 7, 1, 0], [1 / 7, 1, 0]], { rtol: 1e-6, atol: 1e-6 });
});

test("computeIou matches numpy for batched/unbatched combinations, other formats and masking", () => {
  const { iou } = fx;
  assertAllClose(bb.computeIou(t(iou.b1), t(iou.b2), "xyxy"), iou.batched, F32);
  const [b1, b2] = [iou.b1 as number[][][], iou.b2 as number[][][]];
  assertAllClose(bb.computeIou(b1[0], b2[0], "xyxy"), iou.unbatched, F32);
  assertAllClose(bb.computeIou(t(iou.b1), b2[1], "xyxy"), iou.b1_batched_b2_unbatched, F32);
  assertAllClose(bb.computeIou(b1[0], t(iou.b2), "xyxy"), iou.b1_unbatched_b2_batched, F32);
  assertAllClose(bb.computeIou(t(iou.center_xywh.b1), t(iou.center_xywh.b2), "center_xywh"), iou.batched, F32);
  assertAllClose(bb.computeIou(t(iou.rel_yxyx.b1), t(iou.rel_yxyx.b2), "rel_yxyx", false, -1, imageShape), iou.batched, F32);
  assertAllClose(bb.computeIou(t(iou.b1_masked), t(iou.b2), "xyxy", true, -3), iou.masked, F32);
});

test("computeIou refuses ranks other than 2 and 3, and relative formats without imageShape", () => {
  assert.throws(() => bb.computeIou([1, 2, 3, 4], [[1, 2, 3, 4]], "xyxy"), /boxes1 must be unbatched \[n, 4\] or batched \[batch, n, 4\]; got rank 1/);
  assert.throws(() => bb.computeIou([[1, 2, 3, 4]], [[[[1, 2, 3, 4]]]], "xyxy"), /boxes2 must be.*rank 4/);
  assert.throws(() => bb.computeIou([[0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4]], "rel_xyxy"), /need imageShape/);
  assert.throws(() => bb.computeIou([[1, 2, 3, 4]], [[1, 2, 3, 4]], "xyxy", false, -1, [10, 10]), /imageShape must be the image's \[height, width, channels\]/);
});

test("computeCiou: hand-checked pairs and numpy values (xyxy and yxyx)", () => {
  // Identical boxes: 1; side-by-side 2x2 squares: iou 0, center distance^2 4 over diagonal^2 20.
  assertAllClose(bb.computeCiou([[0, 0, 2, 2], [0, 0, 2, 2]], [[0, 0, 2, 2], [2, 0, 4, 2]], "xyxy"), [1, -0.2], { rtol: 1e-5, atol: 1e-5 });
  assertAllClose(bb.computeCiou(t(fx.ciou.b1), t(fx.ciou.b2), "xyxy"), fx.ciou.expected, F32);
  assertAllClose(bb.computeCiou(t(fx.ciou.yxyx.b1), t(fx.ciou.yxyx.b2), "yxyx"), fx.ciou.expected, F32);
  assert.throws(() => bb.computeCiou([[0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4]], "rel_xyxy"), /need imageShape/);
});

test("computeIou and computeCiou gradients match finite differences", () => {
  // float32 (Keras casts boxes to float32): small coordinates, a step of 1e-2 and float32 tolerances.
  const a = tf.constant([[0.2, 0.3, 1.9, 2.1], [1.1, 0.4, 2.6, 1.7]]);
  const b = tf.constant([[0.9, 1.2, 3.1, 2.7], [0.5, 0.1, 1.6, 1.5], [1.3, 0.6, 2.2, 2.4]]);
  const opts = { eps: 1e-2, rtol: 2e-2, atol: 2e-3 };
  checkGradients((x, y) => bb.computeIou(x, y, "xyxy"), [a, b], opts);
  checkGradients((x, y) => bb.computeCiou(x, y, "xyxy"), [a, tf.constant([[0.9, 1.2, 3.1, 2.7], [0.5, 0.1, 1.6, 1.5]])], opts);
  checkGradients((x, y) => bb.computeCiou(x, y, "center_xywh"), [tf.constant([[1.2, 1.1, 1.5, 0.8]]), tf.constant([[1.6, 1.4, 0.9, 1.3]])], opts);
});

test("encodeBoxToDeltas / decodeDeltasToBoxes match numpy (variance, center_xywh, relative output, levels)", () => {
  const d = fx.deltas;
  const enc = bb.encodeBoxToDeltas(t(d.anchors), t(d.boxes), "xyxy", "xyxy", "center_yxhw", d.variance);
  assertAllClose(enc, d.encoded, F32);
  assertAllClose(bb.encodeBoxToDeltas(t(d.anchors), t(d.boxes_xywh), "xyxy", "xywh", "center_xywh"), d.encoded_xywh_plain, F32);
  assertAllClose(bb.decodeDeltasToBoxes(t(d.anchors), t(d.encoded), "xyxy", "rel_xyxy", "center_yxhw", d.variance, imageShape), d.decoded_rel, F32);
  // Decoding the encoding gives the boxes back; levels are decoded one by one.
  const back = bb.decodeDeltasToBoxes({ P3: t(d.anchors) }, { P3: enc }, "xyxy", "xyxy", "center_yxhw", d.variance);
  assertAllClose(back.P3, d.boxes, { rtol: 1e-5, atol: 1e-3 });
  assert.throws(() => bb.encodeBoxToDeltas(t(d.anchors), t(d.boxes), "xyxy", "xyxy", "center_yxhw", [1, 1]), /variance must be length 4/);
  assert.throws(() => bb.encodeBoxToDeltas(t(d.anchors), t(d.boxes), "xyxy", "xyxy", "xyxy"), /encodingFormat should be one of "center_xywh" or "center_yxhw", got "xyxy"/);
  assert.throws(() => bb.decodeDeltasToBoxes(t(d.anchors), t(d.boxes), "xyxy", "xyxy", "yxyx"), /encodedFormat should be/);
  assert.throws(() => bb.decodeDeltasToBoxes({ P3: t(d.anchors) }, { P4: enc }, "xyxy", "xyxy"), /boxesDelta has no level "P3"/);
  assert.throws(() => bb.encodeBoxToDeltas(t(d.anchors), t(d.boxes), "xyxy", "rel_xyxy"), /encodeBoxToDeltas: converting between relative and absolute formats needs imageShape, the image's \[height, width, channels\]/);
});

test("clipToImageSize, crop and pad match numpy; labels of boxes left without area become -1", () => {
  const c = fx.clip;
  const out = bb.clipToImageSize({ boxes: t(c.boxes), labels: tf.constant(c.labels, undefined, "int32") }, H, W);
  assertAllClose(out.boxes, c.boxes_out, F32);
  assert.deepEqual(out.labels!.arraySync(), c.labels_out);
  assert.equal(out.labels!.dtype, "int32");
  const rel = bb.clipToImageSize({ boxes: tf.constant([[-0.1, 0.2, 1.3, 0.9]]) }, null, null, "rel_xyxy");
  assertAllClose(rel.boxes, [[0, 0.2, 1, 0.9]], F32);
  assert.throws(() => bb.clipToImageSize({ boxes: t(c.boxes) }), /height and width must be given for "xyxy" boxes/);
  assert.throws(() => bb.clipToImageSize({ boxes: t(c.boxes) }, H, W, "yxyx"), /not supported because Keras 3.15.1 clips "xyxy" and "rel_xyxy" boxes only/);
  const k = fx.crop;
  assertAllClose(bb.crop(t(k.boxes), k.top, k.left, k.height, k.width), k.expected, F32);
  // pad is a plain shift: hand-checked.
  assertAllClose(bb.pad([[1, 2, 3, 4]], 10, 20), [[21, 12, 23, 14]], F32);
  assert.throws(() => bb.crop([[1, 2, 3, 4]], 0, 0, 5, 5, "yxyx"), /crop for "xyxy" boxes only; convert with utils.boundingBoxes.convertFormat/);
  assert.throws(() => bb.pad([[1, 2, 3, 4]], 0, 0, null, null, "xywh"), /pad for "xyxy" boxes only/);
});

test("affineTransform matches numpy's corner mapping through Keras' inverse affine matrix", () => {
  const a = fx.affine;
  const out = bb.affineTransform(t(a.boxes), a.angle, a.translate_x, a.translate_y, a.scale, a.shear_x, a.shear_y, H, W);
  assertAllClose(out, a.expected, { rtol: 1e-4, atol: 1e-3 });
  // The identity transform leaves boxes as they are.
  assertAllClose(bb.affineTransform([[[1, 2, 5, 7]]], [0], [0], [0], [1], [0], [0], H, W), [[[1, 2, 5, 7]]], { rtol: 1e-5, atol: 1e-4 });
  assert.throws(() => bb.affineTransform([[1, 2, 5, 7]], [0], [0], [0], [1], [0], [0], H, W), /boxes must be batched, shape \[batch, n, 4\]/);
  assert.throws(() => bb.affineTransform([[[1, 2, 5, 7]]], [0, 1], [0], [0], [1], [0], [0], H, W), /angle must hold one value per image, shape \[1\]/);
});
