import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { preprocessing } = tf;

// x[i][j] = 6i + j on a 4 x 6 image: the centered 4 x 4 window is columns 1-4, and half-pixel
// bilinear 4 x 4 -> 2 x 2 samples between rows 0-1 / 2-3 and columns 1-2 / 3-4, so each output is
// the mean of one 2 x 2 block: (1 + 2 + 7 + 8) / 4 = 4.5, (3 + 4 + 9 + 10) / 4 = 6.5, 16.5, 18.5.
const WIDE = Array.from({ length: 4 }, (_, i) => Array.from({ length: 6 }, (_, j) => [6 * i + j]));
const WIDE_2X2 = [[[4.5], [6.5]], [[16.5], [18.5]]];

test("smartResize crops the centered window of the target's aspect ratio, then resizes (worked by hand)", () => {
  assertAllClose(preprocessing.image.smartResize(tf.constant(WIDE, "float32"), [2, 2]), WIDE_2X2);
  // A tall 4 x 2 image to 2 x 2: the window is rows 1-2, already the target size.
  const tall = tf.constant([[[0], [1]], [[2], [3]], [[4], [5]], [[6], [7]]], "float32");
  assertAllClose(preprocessing.image.smartResize(tall, [2, 2]), [[[2], [3]], [[4], [5]]]);
  // A batch, and channels first, give the same pixels.
  const batch = preprocessing.image.smartResize(tf.constant([WIDE, WIDE], "float32"), [2, 2]);
  assert.deepEqual(batch.shape, [2, 2, 2, 1]);
  assertAllClose(batch, [WIDE_2X2, WIDE_2X2]);
  const first = preprocessing.image.smartResize(tf.transpose(tf.constant(WIDE, "float32"), [2, 0, 1]), [2, 2], { dataFormat: "channels_first" });
  assertAllClose(first, [[[4.5, 6.5], [16.5, 18.5]]]);
  // Nearest with half-pixel centers (tf.image.resize) takes floor((i + 0.5) * 2) = rows and columns 1 and 3 of the window.
  const nearest = preprocessing.image.smartResize(tf.constant(WIDE, "float32"), [2, 2], { interpolation: "nearest" });
  assertAllClose(nearest, [[[8], [10]], [[20], [22]]]);
});

test("smartResize refuses what is not an image or a batch of them, and a bad size, saying what it takes", () => {
  assert.throws(() => preprocessing.image.smartResize(tf.zeros([4, 6]), [2, 2]), /smartResize: expected an image \[height, width, channels\].*got shape \(4, 6\); add a channels axis/);
  assert.throws(() => preprocessing.image.smartResize(tf.zeros([4, 6, 1]), [2] as never), /size must be \[height, width\], two positive integers, got \[2\]/);
  assert.throws(() => preprocessing.image.smartResize(tf.zeros([4, 6, 1]), [2, 2], { dataFormat: "nchw" as never }), /dataFormat must be "channels_last" or "channels_first", got "nchw"/);
});

test("tf.preprocessing holds Keras' keras.preprocessing names: the dataset builders, image and sequence", () => {
  assert.equal(preprocessing.imageDatasetFromDirectory, tf.utils.imageDatasetFromDirectory);
  assert.equal(preprocessing.textDatasetFromDirectory, tf.utils.textDatasetFromDirectory);
  assert.equal(preprocessing.timeseriesDatasetFromArray, tf.utils.timeseriesDatasetFromArray);
  assert.equal(preprocessing.image.loadImg, tf.utils.loadImg);
  assert.equal(preprocessing.image.imgToArray, tf.utils.imgToArray);
  assert.equal(preprocessing.sequence.padSequences, tf.utils.padSequences);
});
