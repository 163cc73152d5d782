import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { applications } = tf;
const layerShape = (m: tf.models.Model, name: string) => (m.getLayer(name).output as { shape: unknown }).shape;

/** Runs `fn` offline with empty model caches, so a weights request fails naming the file it wanted. */
async function offline(fn: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lamina-nasnet-"));
  const saved = { LAMINA_MODELS: process.env.LAMINA_MODELS, KERAS_HOME: process.env.KERAS_HOME, LAMINA_OFFLINE: process.env.LAMINA_OFFLINE };
  try {
    process.env.LAMINA_MODELS = join(dir, "models");
    process.env.KERAS_HOME = join(dir, "keras");
    process.env.LAMINA_OFFLINE = "1";
    await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('NASNet weights: "imagenet": Keras 3.5\'s cache names, URLs and MD5s', async () => {
  await offline(async () => {
    const base = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/";
    // [where, build, includeTop, cache file name, URL file, MD5] as in keras/src/applications/nasnet.py.
    const cases: Array<[string, (a: tf.applications.NASNetArgs) => unknown, boolean, string, string, string]> = [
      ["NASNetMobile", applications.NASNetMobile, true, "nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"],
      ["NASNetMobile", applications.NASNetMobile, false, "nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"],
      ["NASNetLarge", applications.NASNetLarge, true, "nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"],
      ["NASNetLarge", applications.NASNetLarge, false, "nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"],
    ];
    for (const [name, build, includeTop, fname, file, md5] of cases) {
      await assert.rejects(build({ includeTop, inputShape: includeTop ? undefined : [64, 64, 3] }) as Promise<unknown>, (e: Error) => {
        assert.match(e.message, new RegExp(`^applications\\.${name}: the weights file `));
        assert.ok(e.message.includes(`download ${base}${file} on a machine with network access (its MD5 must be ${md5})`), e.message);
        assert.ok(e.message.includes(`/${fname} `), `${name} caches ${fname}: ${e.message}`);
        return true;
      });
    }
  });
});

test("NASNet input shapes: Keras' rules (224x224x3 / 331x331x3 with the imagenet top, Mobile's notop default 224), unknown sizes refused", async () => {
  assert.throws(() => applications.NASNetMobile({ inputShape: [331, 331, 3] }), /applications\.NASNetMobile: with includeTop: true and "imagenet" weights, inputShape must be \(224, 224, 3\); got \(331, 331, 3\)/);
  assert.throws(() => applications.NASNetLarge({ inputShape: [224, 224, 3] }), /applications\.NASNetLarge: with includeTop: true and "imagenet" weights, inputShape must be \(331, 331, 3\)/);
  assert.throws(() => applications.NASNetMobile({ weights: null, includeTop: false, inputShape: [31, 64, 3] }), /at least 32x32; got inputShape \(31, 64, 3\)/);
  assert.throws(() => applications.NASNetLarge({ weights: "imagenet", classes: 10 }), /classes must be 1000; got classes 10/);
  tf.clearSession();
  // NASNetMobile without its top: Keras' own default of 224x224x3 (not obtain_input_shape's (None, None, 3)).
  assert.deepEqual(applications.NASNetMobile({ weights: null, includeTop: false }).inputs[0].shape, [null, 224, 224, 3]);
  // Keras' NASNetLarge(include_top=False) takes (None, None, 3) and builds a model whose adds fail
  // when called (its cells cannot compare unknown sizes); lamina refuses, before any download.
  const unknown = /applications\.NASNetLarge: NASNet needs a known input height and width .* got input shape \(None, None, 3\)\. Pass inputShape, e\.g\. \[331, 331, 3\]/;
  assert.throws(() => applications.NASNetLarge({ weights: null, includeTop: false }), unknown);
  await offline(async () => {
    assert.throws(() => applications.NASNetLarge({ includeTop: false }), unknown);
  });
  const input = tf.layers.Input({ batchShape: [null, null, null, 3] });
  assert.throws(() => applications.NASNetMobile({ weights: null, includeTop: false, inputTensor: input }), /known input height and width/);
});

test("NASNetMobile: cells, adjust blocks and name-scoped weight paths as Keras builds them; preprocessInput is tf mode", () => {
  tf.clearSession();
  const m = applications.NASNetMobile({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: "max" });
  assert.deepEqual(m.outputs[0].shape, [null, 1056]);
  assert.equal(m.layers.at(-1)?.className, "GlobalMaxPooling2D");
  // The two stem reductions: 15x15 -> 8x8 -> 4x4; 1056 / 24 = 44 filters, /4 and /2 in the stem cells.
  assert.deepEqual(layerShape(m, "reduction_concat_stem_1"), [null, 8, 8, 44]);
  assert.deepEqual(layerShape(m, "reduction_concat_stem_2"), [null, 4, 4, 88]);
  // The stem_2 cell halves its other input with two shifted 1x1 stride-2 paths of 11 filters each.
  assert.deepEqual(m.getLayer("adjust_conv_1_stem_2").getConfig().filters, 11);
  assert.deepEqual(m.getLayer("cropping2d").getConfig().cropping, [[1, 0], [1, 0]]);
  assert.deepEqual(m.getLayer("zero_padding2d").getConfig().padding, [[0, 1], [0, 1]]);
  // A stride-2 5x5 separable convolution on the odd 15x15 input pads (2, 2) (Keras' correct_pad).
  assert.deepEqual(m.getLayer("separable_conv_1_pad_reduction_left1_stem_1").getConfig().padding, [[2, 2], [2, 2]]);
  assert.equal(m.getLayer("stem_bn1").getConfig().momentum, 0.9997);
  assert.equal(m.getWeights().length, m.weights.length);
  const paths = m.weights.map((w) => w.name);
  assert.ok(paths.includes("normal_A_block_0/block_1/separable_conv_block_normal_left1_0/separable_conv_1_normal_left1_0/depthwise_kernel"));
  assert.ok(paths.includes("normal_A_block_0/adjust_block/adjust_reduction_block_0/adjust_conv_1_0/kernel"));
  assert.ok(paths.includes("reduction_A_block_stem_1/reduction_conv_1_stem_1/kernel"));
  assert.equal(paths[0], "stem_conv1/kernel");
  const img = tf.constant([[[[0, 127.5, 255]]]], "float32");
  assert.deepEqual(Array.from(applications.nasnet.preprocessInput(img).dataSync() as Float32Array), [-1, 0, 1]);
  assert.equal(applications.nasnet.NASNetLarge, applications.NASNetLarge);
  assert.equal(typeof applications.nasnet.decodePredictions, "function");
});
