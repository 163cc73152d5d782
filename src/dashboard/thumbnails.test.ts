import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import * as tf from "../index.js";
import { imageDataUrls, imageLayout } from "./thumbnails.js";

function decode(url: string): PNG {
  assert.match(url, /^data:image\/png;base64,/);
  return PNG.sync.read(Buffer.from(url.slice("data:image/png;base64,".length), "base64"));
}

test("imageDataUrls: uint8 pixels as they are, other dtypes stretched per image from min to max", () => {
  const u8 = tf.constant([0, 128, 255, 64, 1, 2, 3, 4], [2, 2, 2], "uint8");
  const [a, b] = imageDataUrls(u8, 5)!;
  const pa = decode(a);
  assert.deepEqual([pa.width, pa.height], [2, 2]);
  assert.deepEqual([0, 1, 2, 3].map((p) => pa.data[4 * p]), [0, 128, 255, 64]);
  assert.deepEqual([0, 1, 2, 3].map((p) => pa.data[4 * p + 3]), [255, 255, 255, 255]);
  assert.deepEqual([0, 1, 2, 3].map((p) => decode(b).data[4 * p]), [1, 2, 3, 4]);

  // Standardized floats: -1 -> 0, 3 -> 255, 1 -> 127.5 rounded to 128.
  const f = tf.constant([-1, 1, 3, 1], [1, 2, 2, 1], "float32");
  assert.deepEqual([0, 1, 2, 3].map((p) => decode(imageDataUrls(f, 1)![0]).data[4 * p]), [0, 128, 255, 128]);

  // RGB keeps its channels.
  const rgb = tf.constant([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], [1, 2, 2, 3], "uint8");
  const px = decode(imageDataUrls(rgb, 1)![0]).data;
  assert.deepEqual([...px.subarray(0, 12)], [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
});

test("imageLayout: image batches only", () => {
  assert.deepEqual(imageLayout([5, 28, 28]), { h: 28, w: 28, c: 1 });
  assert.deepEqual(imageLayout([5, 32, 32, 3]), { h: 32, w: 32, c: 3 });
  assert.equal(imageLayout([5, 784]), null);
  assert.equal(imageLayout([5, 8, 8, 7]), null);
  assert.equal(imageDataUrls(tf.zeros([3, 784]), 2), null);
});
