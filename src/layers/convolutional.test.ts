import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as layers from "./index.js";

test("Conv2D and pooling refuse a size list that is not a pair, rather than dropping its tail", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.Conv2D(4, [3, 3, 3] as never), /Conv2D conv2d\w*: kernelSize must be a positive integer or a pair of them, got \[3, ?3, ?3\]/],
    [() => layers.Conv2D(4, 3, { strides: [1, 1, 1] as never }), /Conv2D conv2d\w*: strides must be a positive integer or a pair of them, got \[1, ?1, ?1\]/],
    [() => layers.Conv2D(4, 3, { dilationRate: [2] as never }), /Conv2D conv2d\w*: dilationRate must be a positive integer or a pair of them, got \[2\]/],
    [() => layers.MaxPooling2D([2, 2, 2] as never), /MaxPooling2D max_pooling2d\w*: poolSize must be a positive integer or a pair of them, got \[2, ?2, ?2\]/],
    [() => layers.AveragePooling2D(2, { strides: [] as never }), /AveragePooling2D average_pooling2d\w*: strides must be a positive integer or a pair of them, got \[\]/],
  ];
  for (const [make, message] of cases) assert.throws(make, (e: unknown) => e instanceof RangeError && message.test(e.message));
  assert.deepEqual(layers.Conv2D(4, [3, 5]).kernelSize, [3, 5]);
  assert.deepEqual(layers.MaxPooling2D(3).poolSize, [3, 3]);
});

test("Conv2D refuses strides above 1 with a dilation above 1, as Keras 3.5's BaseConv does", () => {
  // keras/src/layers/convolutional/base_conv.py: `strides > 1` not supported in conjunction with `dilation_rate > 1`
  const message = /Conv2D conv2d\w*: strides \[2,1\] > 1 together with dilationRate \[1,2\] > 1 is not supported/;
  assert.throws(() => layers.Conv2D(4, 3, { strides: [2, 1], dilationRate: [1, 2] }), (e: unknown) => e instanceof RangeError && message.test(e.message));
  assert.throws(() => layers.Conv2D(4, 3, { strides: 2, dilationRate: 2, dataFormat: "channels_first" }), /Conv2D conv2d\w*: strides \[2,2\] > 1 together with dilationRate \[2,2\]/);
  assert.deepEqual(layers.Conv2D(4, 3, { strides: 2, dilationRate: 1 }).strides, [2, 2]);
  assert.deepEqual(layers.Conv2D(4, 3, { strides: 1, dilationRate: 2 }).dilationRate, [2, 2]);
});
