// The big ImageNet architectures: building them initializes 25-138 million weights, seconds each,
// so they are checked here rather than in the unit suite (src/applications/applications.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { applications } = tf;

test("VGG16 with its top: Keras' 138,357,544 parameters, flatten/fc1/fc2/predictions", () => {
  const m = applications.VGG16({ weights: null });
  assert.equal(m.countParams(), 138_357_544);
  assert.deepEqual(m.layers.slice(-4).map((l) => l.name), ["flatten", "fc1", "fc2", "predictions"]);
  assert.deepEqual(m.inputs[0].shape, [null, 224, 224, 3]);
  assert.deepEqual(m.outputs[0].shape, [null, 1000]);
  assert.equal(m.getLayer("predictions").getConfig().activation, "softmax");
});

test("ResNet50: Keras' 25,636,712 parameters (25,583,592 trainable, 320 weights), layer names and shapes", () => {
  const m = applications.ResNet50({ weights: null });
  assert.equal(m.name, "resnet50");
  assert.equal(m.countParams(), 25_636_712);
  assert.equal(m.trainableWeights.reduce((n, w) => n + w.size, 0), 25_583_592);
  assert.equal(m.weights.length, 320);
  const names = m.layers.map((l) => l.name);
  assert.deepEqual(names.slice(1, 7), ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"]);
  for (const n of ["conv2_block1_0_conv", "conv2_block1_0_bn", "conv2_block1_add", "conv2_block3_out", "conv3_block4_out", "conv4_block6_out", "conv5_block3_3_bn"]) {
    assert.ok(names.includes(n), n);
  }
  assert.deepEqual(names.slice(-3), ["conv5_block3_out", "avg_pool", "predictions"]);
  assert.deepEqual(m.getLayer("conv1_pad").getConfig().padding, [[3, 3], [3, 3]]);
  assert.equal(m.getLayer("conv1_bn").getConfig().epsilon, 1.001e-5);
  assert.deepEqual(m.outputs[0].shape, [null, 1000]);
  assert.deepEqual(m.layerOutputShapes().get(m.getLayer("conv5_block3_out")), [[null, 7, 7, 2048]]);
  const noTop = applications.ResNet50({ weights: null, includeTop: false, inputShape: [64, 64, 3], pooling: "max" });
  assert.deepEqual(noTop.outputs[0].shape, [null, 2048]);
  assert.equal(noTop.layers.at(-1)!.name, "max_pool");
  assert.deepEqual(noTop.predict(tf.zeros([1, 64, 64, 3])).shape, [1, 2048]);
});

test("VGG16 with weights: null takes any class count and input size (at least 32x32) with its top", () => {
  const small = applications.VGG16({ weights: null, inputShape: [32, 32, 3], classes: 10, classifierActivation: null });
  assert.deepEqual(small.outputs[0].shape, [null, 10]);
  assert.equal(small.getLayer("predictions").getConfig().activation, "linear");
  assert.deepEqual(small.layers.slice(-4).map((l) => l.name), ["flatten", "fc1", "fc2", "predictions"]);
});

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
const noH5py = probe.status === 0 ? false : `${PYTHON} with h5py and numpy is needed (apt-get install python3-h5py)`;

test("VGG16 loads, by layer name, a file in the layout of Keras' published notop weights (written by h5py)", { skip: noH5py }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-vgg16-"));
  try {
    const path = join(dir, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5");
    const r = spawnSync(PYTHON, ["test/fixtures/make_vgg16_notop_h5.py", path], { encoding: "utf8", maxBuffer: 1 << 24 });
    assert.equal(r.status, 0, r.stderr);
    type Entry = { kernel_shape: number[]; kernel_sum: number; kernel_first: number; kernel_last: number; bias_shape: number[]; bias_sum: number; bias_first: number; bias_last: number };
    const want = JSON.parse(r.stdout) as Record<string, Entry>;
    const convBase = await applications.VGG16({ weights: path, includeTop: false, inputShape: [32, 32, 3] });
    assert.equal(Object.keys(want).length, 13);
    for (const [name, w] of Object.entries(want)) {
      const [kernel, bias] = convBase.getLayer(name).getWeights();
      assert.deepEqual(kernel.shape, w.kernel_shape, name);
      assert.deepEqual(bias.shape, w.bias_shape, name);
      const k = kernel.dataSync() as Float32Array, b = bias.dataSync() as Float32Array;
      assert.equal(k[0], w.kernel_first, name);
      assert.equal(k[k.length - 1], w.kernel_last, name);
      assert.equal(b[0], w.bias_first, name);
      assert.equal(b[b.length - 1], w.bias_last, name);
      const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum(k) - w.kernel_sum) < 1e-9 * k.length, `${name} kernel sum`);
      assert.ok(Math.abs(sum(b) - w.bias_sum) < 1e-9 * b.length, `${name} bias sum`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
