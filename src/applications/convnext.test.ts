import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { applications } = tf;
const small = (weights: null = null) => applications.ConvNeXtTiny({ weights, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" });

// Keras 3.5: ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="max").summary(
// expand_nested=True, show_trainable=True, layer_range=("input_layer", "convnext_tiny_stage_0_block_0_depthwise_conv")), COLUMNS=200.
const KERAS_SUMMARY = `Model: "convnext_tiny"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape              ┃          Param # ┃ Connected to              ┃ Trainable ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
│ input_layer (InputLayer)      │ (None, 32, 32, 3)         │                0 │ -                         │     -     │
├───────────────────────────────┼───────────────────────────┼──────────────────┼───────────────────────────┼───────────┤
│ convnext_tiny_prestem_normal… │ (None, 32, 32, 3)         │                0 │ input_layer[0][0]         │     -     │
│ (Normalization)               │                           │                  │                           │           │
├───────────────────────────────┼───────────────────────────┼──────────────────┼───────────────────────────┼───────────┤
│ convnext_tiny_stem            │ (None, 8, 8, 96)          │            4,896 │ convnext_tiny_prestem_no… │     Y     │
│ (Sequential)                  │                           │                  │                           │           │
├───────────────────────────────┼───────────────────────────┼──────────────────┼───────────────────────────┼───────────┤
│    └ convnext_tiny_stem_conv  │ (None, 8, 8, 96)          │            4,704 │ -                         │     Y     │
│ (Conv2D)                      │                           │                  │                           │           │
├───────────────────────────────┼───────────────────────────┼──────────────────┼───────────────────────────┼───────────┤
│    └                          │ (None, 8, 8, 96)          │              192 │ -                         │     Y     │
│ convnext_tiny_stem_layernorm  │                           │                  │                           │           │
│ (LayerNormalization)          │                           │                  │                           │           │
├───────────────────────────────┼───────────────────────────┼──────────────────┼───────────────────────────┼───────────┤
│ convnext_tiny_stage_0_block_… │ (None, 8, 8, 96)          │            4,800 │ convnext_tiny_stem[0][0]  │     Y     │
│ (Conv2D)                      │                           │                  │                           │           │
└───────────────────────────────┴───────────────────────────┴──────────────────┴───────────────────────────┴───────────┘
 Total params: 27,820,128 (106.13 MB)
 Trainable params: 27,820,128 (106.13 MB)
 Non-trainable params: 0 (0.00 B)`;

test("ConvNeXt: the stem and downsampling blocks are nested Sequential models with Keras' weight paths, and Keras' expand_nested summary", () => {
  tf.clearSession();
  const m = applications.ConvNeXtTiny({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: "max" });
  const nested = m.layers.filter((l) => l instanceof tf.models.Sequential);
  assert.deepEqual(nested.map((l) => l.name), ["convnext_tiny_stem", ...[0, 1, 2].map((i) => `convnext_tiny_downsampling_block_${i}`)]);
  assert.deepEqual(nested[1].weights.map((w) => w.name), [
    "convnext_tiny_downsampling_block_0/convnext_tiny_downsampling_layernorm_0/gamma", "convnext_tiny_downsampling_block_0/convnext_tiny_downsampling_layernorm_0/beta",
    "convnext_tiny_downsampling_block_0/convnext_tiny_downsampling_conv_0/kernel", "convnext_tiny_downsampling_block_0/convnext_tiny_downsampling_conv_0/bias",
  ]);
  // The residual sums are Keras' `inputs + x`: operation nodes, not layers.
  assert.equal(m.operations.filter((o) => !m.layers.includes(o) && o.className === "Add").length, 18);
  assert.equal(m.getLayer("convnext_tiny_stage_2_block_8_layer_scale").weights[0].name, "convnext_tiny_stage_2_block_8_layer_scale/variable_14");
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = "200";
  try {
    const text = m.summary({ printFn: () => {}, expandNested: true, showTrainable: true, layerRange: ["input_layer", "convnext_tiny_stage_0_block_0_depthwise_conv"] });
    assert.equal(text, KERAS_SUMMARY);
  } finally {
    if (saved === undefined) delete process.env.COLUMNS; else process.env.COLUMNS = saved;
  }
});

test("ConvNeXt: Keras 3.5's config (nested Sequential models, LayerScale, `+` nodes) loads with Keras' layers and weights", () => {
  const fixture = JSON.parse(readFileSync("test/fixtures/keras_convnext_tiny_config.json", "utf8")) as { config: unknown; weights: string[] };
  tf.clearSession();
  const m = tf.models.modelFromJSON(JSON.stringify(fixture.config));
  tf.clearSession();
  const ours = small();
  assert.deepEqual(m.layers.map((l) => `${l.name} ${l.className}`), ours.layers.map((l) => `${l.name} ${l.className}`));
  assert.equal(m.countParams(), 27820128);
  assert.equal(m.weights.length, fixture.weights.length);
  assert.deepEqual(m.weights.map((w) => w.shape), ours.weights.map((w) => w.shape));
  // Same weights, same predictions: the loaded graph computes what the built one does.
  m.setWeights(ours.getWeights());
  const x = tf.random.uniform([1, 32, 32, 3], 0, 255, "float32", 3);
  const a = m.predict(x).dataSync() as Float32Array, b = ours.predict(x).dataSync() as Float32Array;
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5, `output ${i}: ${v} vs ${b[i]}`));
});

test("ConvNeXt: save and load (.keras, .weights.h5, legacy .h5 by layer name) keep the nested models and give the same predictions", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-convnext-"));
  try {
    tf.clearSession();
    const m = small();
    // Random, non-trivial LayerScale values so every weight matters.
    m.setWeights(m.getWeights().map((w) => tf.random.uniform(w.shape, -0.2, 0.2, "float32", 11)));
    const x = tf.random.uniform([1, 32, 32, 3], 0, 255, "float32", 4);
    const want = Array.from(m.predict(x).dataSync() as Float32Array);
    const close = (got: tf.Tensor, what: string): void =>
      Array.from(got.dataSync() as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-5, `${what} output ${i}: ${v} vs ${want[i]}`));
    await m.save(join(dir, "m.keras"));
    const loaded = await tf.models.loadModel(join(dir, "m.keras"));
    assert.equal(loaded.getLayer("convnext_tiny_downsampling_block_2").className, "Sequential");
    close(loaded.predict(x), ".keras");
    for (const file of ["w.weights.h5", "w.h5"]) {
      await m.saveWeights(join(dir, file));
      tf.clearSession();
      const fresh = small();
      await fresh.loadWeights(join(dir, file), { byName: file === "w.h5" });
      close(fresh.predict(x), file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ConvNeXt: weights: "imagenet" uses Keras\' file names, URLs and SHA-256 hashes (offline, so the error names them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-convnext-"));
  const saved = { LAMINA_MODELS: process.env.LAMINA_MODELS, KERAS_HOME: process.env.KERAS_HOME, LAMINA_OFFLINE: process.env.LAMINA_OFFLINE };
  try {
    process.env.LAMINA_MODELS = join(dir, "models");
    process.env.KERAS_HOME = join(dir, "keras");
    process.env.LAMINA_OFFLINE = "1";
    // As in Keras 3.5's convnext.py WEIGHTS_HASHES: [with the top, without].
    const cases: Array<[string, string, string]> = [
      ["Tiny", "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff", "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"],
      ["Small", "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c", "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"],
      ["Base", "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6", "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"],
      ["Large", "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6", "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"],
      ["XLarge", "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee", "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"],
    ];
    const builds = applications.convnext as unknown as Record<string, (a: tf.applications.ConvNeXtArgs) => Promise<tf.models.Model>>;
    for (const [size, top, notop] of cases) {
      for (const includeTop of [true, false]) {
        const file = `convnext_${size.toLowerCase()}${includeTop ? ".h5" : "_notop.h5"}`;
        await assert.rejects(builds[`ConvNeXt${size}`]({ includeTop }), (e: Error) => {
          assert.match(e.message, new RegExp(`^applications\\.ConvNeXt${size}: the weights file ${file.replace(".", "\\.")} is not available`));
          assert.ok(e.message.includes(`download https://storage.googleapis.com/tensorflow/keras-applications/convnext/${file} on a machine with network access (its SHA-256 must be ${includeTop ? top : notop})`), e.message);
          return true;
        });
      }
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ConvNeXt: includePreprocessing, name, head and argument rules; preprocessInput is the identity", () => {
  tf.clearSession();
  const m = applications.ConvNeXtTiny({ weights: null, inputShape: [32, 32, 3], classes: 5, classifierActivation: null, name: "cx" });
  assert.equal(m.name, "cx");
  assert.deepEqual(m.layers.slice(1, 3).map((l) => l.name), ["cx_prestem_normalization", "cx_stem"]);
  assert.deepEqual(m.layers.slice(-3).map((l) => l.name), ["cx_head_gap", "cx_head_layernorm", "cx_head_dense"]);
  assert.equal(m.getLayer("cx_head_dense").getConfig().activation, "linear");
  const norm = m.getLayer("cx_prestem_normalization").getConfig();
  assert.deepEqual(norm.mean, [0.485 * 255, 0.456 * 255, 0.406 * 255]);
  assert.deepEqual(norm.variance, [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]);
  assert.equal(m.getLayer("cx_stage_0_block_0_depthwise_conv").getConfig().groups, 96);
  assert.equal(m.getLayer("cx_stage_0_block_0_gelu").getConfig().activation, "gelu");
  assert.deepEqual(m.predict(tf.zeros([1, 32, 32, 3])).shape, [1, 5]);
  tf.clearSession();
  const bare = applications.ConvNeXtTiny({ weights: null, includeTop: false, inputShape: [32, 32, 3], includePreprocessing: false });
  assert.deepEqual([bare.layers[1].name, bare.layers.at(-1)?.className], ["convnext_tiny_stem", "LayerNormalization"]);
  assert.deepEqual(bare.outputs[0].shape, [null, 1, 1, 768]);
  assert.throws(() => applications.ConvNeXtTiny({ name: "cx" }), /applications\.ConvNeXtTiny: with "imagenet" weights the name must be "convnext_tiny"/);
  assert.throws(() => applications.ConvNeXtTiny({ weights: null, includeTop: false, inputShape: [16, 16, 3] }), /applications\.ConvNeXtTiny: .*32/);
  const img = tf.constant([[[[10, 20, 30]]]], "float32");
  assert.equal(applications.convnext.preprocessInput(img), img);
  assert.equal(applications.convnext.ConvNeXtBase, applications.ConvNeXtBase);
});
