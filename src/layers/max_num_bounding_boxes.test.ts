import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { deserializeLayer, serializeLayer, type KerasObject } from "../io/serialization.js";
import { MaxNumBoundingBoxes } from "./max_num_bounding_boxes.js";

const { layers } = tf;
const images = tf.zeros([2, 4, 4, 3]);
const boxes = tf.constant([[[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50]], [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]);
const labels = tf.constant([[1, 2, 3], [4, 5, 6]], "int32");

test("MaxNumBoundingBoxes pads boxes and labels with fillValue up to maxNumber (Keras' docstring example)", () => {
  const layer = layers.MaxNumBoundingBoxes(5, { boundingBoxFormat: "xyxy" });
  const out = layer({ images, labels: tf.constant([[1, 0], [0, 1]]), bounding_boxes: { boxes, labels } });
  assert.equal(out.images, images);
  assert.deepEqual((out.labels as Tensor).arraySync(), [[1, 0], [0, 1]]);
  const bb = out.bounding_boxes as { boxes: Tensor; labels: Tensor };
  assert.equal(bb.boxes.dtype, "float32");
  assert.deepEqual(bb.boxes.arraySync(), [
    [[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50], [-1, -1, -1, -1], [-1, -1, -1, -1]],
    [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [-1, -1, -1, -1], [-1, -1, -1, -1]],
  ]);
  assert.deepEqual(bb.labels.arraySync(), [[1, 2, 3, -1, -1], [4, 5, 6, -1, -1]]);
  assert.equal(bb.labels.dtype, "int32");
});

test("MaxNumBoundingBoxes cuts extra boxes, takes one unbatched image, and passes plain images through", () => {
  const cut = layers.MaxNumBoundingBoxes(2, 0, { boundingBoxFormat: "center_xywh" })({ images, bounding_boxes: { boxes, labels } });
  const bb = cut.bounding_boxes as { boxes: Tensor; labels: Tensor };
  assert.deepEqual(bb.boxes.arraySync(), [[[10, 20, 100, 150], [50, 60, 200, 250]], [[1, 2, 3, 4], [5, 6, 7, 8]]]);
  assert.deepEqual(bb.labels.arraySync(), [[1, 2], [4, 5]]);
  const one = layers.MaxNumBoundingBoxes(3, 7, { boundingBoxFormat: "xyxy" })({
    images: tf.zeros([4, 4, 3]), bounding_boxes: { boxes: tf.constant([[1, 2, 3, 4]]), labels: tf.constant([9], "int32") },
  });
  const ob = one.bounding_boxes as { boxes: Tensor; labels: Tensor };
  assert.deepEqual(ob.boxes.arraySync(), [[1, 2, 3, 4], [7, 7, 7, 7], [7, 7, 7, 7]]);
  assert.deepEqual(ob.labels.arraySync(), [9, 7, 7]);
  // Segmentation masks pass unchanged, as Keras' transform_images is the identity here.
  const masks = tf.zeros([2, 4, 4, 1]);
  assert.equal(layers.MaxNumBoundingBoxes(3, { boundingBoxFormat: "xyxy" })({ images, segmentation_masks: masks, bounding_boxes: { boxes, labels } }).segmentation_masks, masks);
  const layer = layers.MaxNumBoundingBoxes(3);
  assert.equal(layer.apply(images), images);
  assert.deepEqual(layer.computeOutputShape([null, 4, 4, 3]), [null, 4, 4, 3]);
});

test("MaxNumBoundingBoxes refuses bad arguments and bounding boxes without a format; other image layers still refuse boxes", () => {
  assert.throws(() => layers.MaxNumBoundingBoxes(0), /maxNumber must be a positive integer/);
  assert.throws(() => layers.MaxNumBoundingBoxes(2, 0.5), /fillValue must be an integer/);
  assert.throws(() => layers.MaxNumBoundingBoxes(2, { boundingBoxFormat: "corners" }), /invalid boundingBoxFormat "corners"/);
  assert.throws(() => layers.MaxNumBoundingBoxes(2)({ images, bounding_boxes: { boxes, labels } }), /has no bounding box format; pass one/);
  const layer = layers.MaxNumBoundingBoxes(2, { boundingBoxFormat: "xyxy" });
  assert.throws(() => layer({ images, bounding_boxes: { boxes } }), /must be an object with "boxes" and "labels" tensors/);
  assert.throws(() => layer({ images, bounding_boxes: { boxes: tf.zeros([2, 3]), labels } }), /boxes must be \[batch, n, 4\] for a batch of images, got \(2, 3\)/);
  assert.throws(() => layer({ images, bounding_boxes: { boxes, labels: tf.zeros([2, 4]) } }), /one label per box, shape \(2, 3\), got \(2, 4\)/);
  assert.throws(() => layers.AutoContrast()({ images, bounding_boxes: { boxes, labels } }), /bounding boxes \(the "bounding_boxes" key\) are not supported/);
});

test("MaxNumBoundingBoxes config: Keras' keys round trip, and a Keras-written config loads", () => {
  const layer = layers.MaxNumBoundingBoxes(4, 0, { boundingBoxFormat: "rel_xyxy", name: "mnb" });
  const saved = serializeLayer(layer);
  const config = saved.config as Record<string, unknown>;
  assert.equal(saved.class_name, "MaxNumBoundingBoxes");
  assert.equal(config.max_number, 4);
  assert.equal(config.fill_value, 0);
  assert.equal(config.bounding_box_format, "rel_xyxy");
  assert.equal(config.data_format, "channels_last");
  const back = deserializeLayer(JSON.parse(JSON.stringify(saved)) as KerasObject) as MaxNumBoundingBoxes;
  assert.ok(back instanceof MaxNumBoundingBoxes);
  assert.deepEqual([back.maxNumber, back.fillValue, back.boundingBoxFormat, back.name], [4, 0, "rel_xyxy", "mnb"]);
  // The default fill value is left out, as Keras' get_config leaves it out.
  assert.ok(!("fill_value" in (serializeLayer(layers.MaxNumBoundingBoxes(4)).config as Record<string, unknown>)));
  const keras = {
    module: "keras.layers", class_name: "MaxNumBoundingBoxes", registered_name: null,
    config: {
      name: "max_num_bounding_boxes", trainable: true,
      dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
      data_format: "channels_last", bounding_box_format: "xyxy", max_number: 10,
    },
  };
  const loaded = deserializeLayer(keras as unknown as KerasObject) as MaxNumBoundingBoxes;
  assert.deepEqual([loaded.maxNumber, loaded.fillValue, loaded.boundingBoxFormat], [10, -1, "xyxy"]);
});
