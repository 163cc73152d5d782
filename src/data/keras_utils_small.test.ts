import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { utils } = tf;

test("arrayToImg scales as Keras 3.5's array_to_img; saveImg/loadImg/imgToArray round trip", () => {
  const x = tf.constant([[[-1], [0.5]], [[2], [3]]]);
  // np.asarray(keras.utils.array_to_img(x)) in Keras 3.5: [[0, 95], [191, 255]]
  const img = utils.arrayToImg(x);
  assert.equal(img.dtype, "uint8");
  assert.deepEqual(img.arraySync(), [[[0], [95]], [[191], [255]]]);
  assert.deepEqual(utils.arrayToImg(tf.constant([[[7]]]), { scale: false }).arraySync(), [[[7]]]);
  assert.throws(() => utils.arrayToImg(tf.constant([[[300]]]), { scale: false }), /\[0, 255\]/);
  const path = join(mkdtempSync(join(tmpdir(), "img-")), "a.png");
  utils.saveImg(path, tf.tile(x, [1, 1, 3]));
  const back = utils.imgToArray(utils.loadImg(path));
  assert.equal(back.dtype, "float32");
  assert.deepEqual(back.arraySync(), [[[0, 0, 0], [95, 95, 95]], [[191, 191, 191], [255, 255, 255]]]);
});

test("packXYSampleWeight / unpackXYSampleWeight follow Keras 3.5", () => {
  // keras.utils.pack_x_y_sample_weight([1, 2]) -> ([1, 2],); (1) -> 1; (1, 2) -> (1, 2)
  assert.deepEqual(utils.packXYSampleWeight([1, 2]), [[1, 2]]);
  assert.equal(utils.packXYSampleWeight(1), 1);
  assert.deepEqual(utils.packXYSampleWeight(1, 2), [1, 2]);
  assert.deepEqual(utils.packXYSampleWeight(1, 2, 3), [1, 2, 3]);
  // keras.utils.unpack_x_y_sample_weight((1, 2)) -> (1, 2, None)
  assert.deepEqual(utils.unpackXYSampleWeight([1, 2]), [1, 2, null]);
  assert.deepEqual(utils.unpackXYSampleWeight(5), [5, null, null]);
  assert.deepEqual(utils.unpackXYSampleWeight([[1, 2]]), [[1, 2], null, null]);
  assert.throws(() => utils.unpackXYSampleWeight([1, 2, 3, 4]), /4 items/);
});
