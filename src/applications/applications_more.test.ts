import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { layerShapeText } from "../layers/symbolic.js";

const { applications } = tf;
type Build = (weights?: string | null) => tf.models.Model | Promise<tf.models.Model>;

interface KerasModel {
  name: string; total_params: number; trainable_params: number; layer_count: number; weight_count: number;
  output_shape: string; layers_sha256: string; shapes_sha256: string; weights_sha256: string;
}
// Keras 3.5's own models (test/fixtures/make_keras_applications_more.py).
const fixture = JSON.parse(readFileSync("test/fixtures/keras_applications_more.json", "utf8")) as { models: Record<string, KerasModel> };

/** The same configurations as the fixture's keys. */
const ARCHITECTURES: Record<string, () => tf.models.Model> = {
  MobileNet: () => applications.MobileNet({ weights: null }),
  MobileNet_025_notop_128: () => applications.MobileNet({ weights: null, alpha: 0.25, includeTop: false, inputShape: [128, 128, 3], pooling: "avg" }),
  DenseNet121: () => applications.DenseNet121({ weights: null }),
  DenseNet169: () => applications.DenseNet169({ weights: null }),
  DenseNet201: () => applications.DenseNet201({ weights: null }),
  InceptionV3: () => applications.InceptionV3({ weights: null }),
  InceptionV3_notop_75: () => applications.InceptionV3({ weights: null, includeTop: false, inputShape: [75, 75, 3] }),
  Xception: () => applications.Xception({ weights: null }),
  Xception_notop_71: () => applications.Xception({ weights: null, includeTop: false, inputShape: [71, 71, 3], pooling: "max" }),
  EfficientNetB0: () => applications.EfficientNetB0({ weights: null }),
  EfficientNetB1: () => applications.EfficientNetB1({ weights: null }),
  EfficientNetB0_notop_32: () => applications.EfficientNetB0({ weights: null, includeTop: false, inputShape: [32, 32, 3] }),
  EfficientNetV2B0: () => applications.EfficientNetV2B0({ weights: null }),
  EfficientNetV2B1: () => applications.EfficientNetV2B1({ weights: null }),
  MobileNetV3Small: () => applications.MobileNetV3Small({ weights: null }),
  MobileNetV3Large: () => applications.MobileNetV3Large({ weights: null }),
  MobileNetV3Small_075_minimal_notop_32: () => applications.MobileNetV3Small({ weights: null, alpha: 0.75, minimalistic: true, includeTop: false, inputShape: [32, 32, 3] }),
  MobileNetV3Large_noprep: () => applications.MobileNetV3Large({ weights: null, includePreprocessing: false, inputShape: [96, 96, 3], includeTop: false, pooling: "avg" }),
  ConvNeXtTiny: () => applications.ConvNeXtTiny({ weights: null }),
  ConvNeXtSmall: () => applications.ConvNeXtSmall({ weights: null }),
  NASNetMobile: () => applications.NASNetMobile({ weights: null }),
  NASNetMobile_notop: () => applications.NASNetMobile({ weights: null, includeTop: false, pooling: "avg" }),
};
// The large EfficientNets take 1-7 s each to initialize, ConvNeXtBase/Large/XLarge 8-45 s: checked when LAMINA_APPS_SLOW=1.
if (process.env.LAMINA_APPS_SLOW === "1") {
  const e = applications as unknown as Record<string, (a: { weights: null }) => tf.models.Model>;
  for (let i = 2; i < 8; i++) ARCHITECTURES[`EfficientNetB${i}`] = () => e[`EfficientNetB${i}`]({ weights: null });
  for (const v of ["B2", "B3", "S", "M", "L"]) ARCHITECTURES[`EfficientNetV2${v}`] = () => e[`EfficientNetV2${v}`]({ weights: null });
  ARCHITECTURES.InceptionResNetV2 = () => applications.InceptionResNetV2({ weights: null });
  for (const v of ["Base", "Large", "XLarge"]) ARCHITECTURES[`ConvNeXt${v}`] = () => e[`ConvNeXt${v}`]({ weights: null });
  ARCHITECTURES.NASNetLarge = () => applications.NASNetLarge({ weights: null });
  ARCHITECTURES.NASNetLarge_notop_96 = () => applications.NASNetLarge({ weights: null, includeTop: false, inputShape: [96, 96, 3], pooling: "max" });
}

const sha256 = (items: string[]): string => createHash("sha256").update(items.join("\n"), "utf8").digest("hex");
const outputShapes = (m: tf.models.Model): string[] =>
  m.layers.map((l) => { const o = l.output; return Array.isArray(o) ? o.map((t) => layerShapeText(t.shape)).join(" ") : layerShapeText(o.shape); });

for (const [key, build] of Object.entries(ARCHITECTURES)) {
  test(`${key}: Keras 3.5's name, parameter counts, layer names, output shapes and weight paths`, () => {
    const want = fixture.models[key];
    assert.ok(want, `the fixture has ${key}`);
    tf.clearSession(); // automatic layer names count from zero, as after Keras' clear_session()
    const m = build();
    assert.equal(m.name, want.name);
    assert.equal(m.countParams(), want.total_params);
    assert.equal(m.trainableWeights.reduce((n, w) => n + w.size, 0), want.trainable_params);
    assert.equal(m.layers.length, want.layer_count);
    assert.equal(m.weights.length, want.weight_count);
    assert.equal(layerShapeText(m.outputs[0].shape), want.output_shape);
    assert.equal(sha256(m.layers.map((l) => l.name)), want.layers_sha256, "layer names in model.layers order");
    assert.equal(sha256(outputShapes(m)), want.shapes_sha256, "each layer's output shape");
    assert.equal(sha256(m.weights.map((w) => w.name)), want.weights_sha256, "weight paths in model.weights order");
  });
}

/** Models Keras wrote random weights for (test/fixtures/make_keras_applications_weights.py), by key. */
const WITH_WEIGHTS: Record<string, [Build, tf.applications.PreprocessFunction]> = {
  MobileNetV3Large_32: [(weights) => applications.MobileNetV3Large({ weights, inputShape: [32, 32, 3], classes: 10 }), applications.mobilenetV3.preprocessInput],
  MobileNetV3Small_075_minimal_32: [(weights) => applications.MobileNetV3Small({ weights, alpha: 0.75, minimalistic: true, inputShape: [32, 32, 3], classes: 10 }), applications.mobilenetV3.preprocessInput],
  MobileNet_025_notop_32: [(weights) => applications.MobileNet({ weights, alpha: 0.25, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" }), applications.mobilenet.preprocessInput],
  DenseNet121_notop_32: [(weights) => applications.DenseNet121({ weights, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" }), applications.densenet.preprocessInput],
  InceptionV3_notop_75: [(weights) => applications.InceptionV3({ weights, includeTop: false, inputShape: [75, 75, 3], pooling: "avg" }), applications.inceptionV3.preprocessInput],
  Xception_notop_71: [(weights) => applications.Xception({ weights, includeTop: false, inputShape: [71, 71, 3], pooling: "avg" }), applications.xception.preprocessInput],
  EfficientNetB0_32: [(weights) => applications.EfficientNetB0({ weights, inputShape: [32, 32, 3], classes: 10 }), applications.efficientnet.preprocessInput],
  EfficientNetV2B0_32: [(weights) => applications.EfficientNetV2B0({ weights, inputShape: [32, 32, 3], classes: 10 }), applications.efficientnetV2.preprocessInput],
  ConvNeXtTiny_notop_32: [(weights) => applications.ConvNeXtTiny({ weights, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" }), applications.convnext.preprocessInput],
  ConvNeXtTiny_32: [(weights) => applications.ConvNeXtTiny({ weights, inputShape: [32, 32, 3], classes: 10 }), applications.convnext.preprocessInput],
  InceptionResNetV2_notop_75: [(weights) => applications.InceptionResNetV2({ weights, includeTop: false, inputShape: [75, 75, 3], pooling: "avg" }), applications.inceptionResnetV2.preprocessInput],
  NASNetMobile_notop_33: [(weights) => applications.NASNetMobile({ weights, includeTop: false, inputShape: [33, 33, 3], pooling: "avg" }), applications.nasnet.preprocessInput],
  NASNetMobile_48: [(weights) => applications.NASNetMobile({ weights, inputShape: [48, 48, 3], classes: 10 }), applications.nasnet.preprocessInput],
  NASNetLarge_notop_32: [(weights) => applications.NASNetLarge({ weights, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" }), applications.nasnet.preprocessInput],
};

// The committed files are the small models'; LAMINA_APPS_WEIGHTS_DIR may name a folder the
// generator filled with the larger ones (tens of MB each, not kept in the repository).
const weightDirs = ["test/fixtures/keras_files/applications", process.env.LAMINA_APPS_WEIGHTS_DIR].filter((d): d is string => !!d && existsSync(d));
for (const dir of weightDirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".weights.h5"))) {
    const key = file.slice(0, -".weights.h5".length);
    if (!WITH_WEIGHTS[key]) continue;
    test(`${key}: Keras-written weights (save_weights) load and give Keras' predictions`, async () => {
      const [build, preprocess] = WITH_WEIGHTS[key];
      const want = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as { images: number[]; image_shape: number[]; output_shape: number[]; output: number[] };
      const model = await build(join(dir, file));
      const x = preprocess(tf.constant(want.images, want.image_shape, "float32"));
      const got = model.predict(x);
      assert.deepEqual(got.shape, want.output_shape);
      const g = got.dataSync() as Float32Array;
      const scale = Math.max(...want.output.map(Math.abs));
      want.output.forEach((v, i) => assert.ok(Math.abs(g[i] - v) <= 1e-4 * scale + 1e-5, `${key} output ${i}: ${g[i]} vs Keras ${v}`));
    });
  }
}

test('weights: "imagenet": Keras\' file names, URLs and MD5s for the new models (offline, so the error names them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-apps-"));
  const saved = { LAMINA_MODELS: process.env.LAMINA_MODELS, KERAS_HOME: process.env.KERAS_HOME, LAMINA_OFFLINE: process.env.LAMINA_OFFLINE };
  try {
    process.env.LAMINA_MODELS = join(dir, "models");
    process.env.KERAS_HOME = join(dir, "keras");
    process.env.LAMINA_OFFLINE = "1";
    const base = "https://storage.googleapis.com/tensorflow/keras-applications/";
    // [where, build, URL with the top, MD5, URL without, MD5] as in Keras 3.5's sources.
    const cases: Array<[string, (a: tf.applications.ApplicationArgs) => unknown, string, string | null, string, string | null]> = [
      ["DenseNet121", applications.DenseNet121, "densenet/densenet121_weights_tf_dim_ordering_tf_kernels.h5", "9d60b8095a5708f2dcce2bca79d332c7", "densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", "30ee3e1110167f948a6b9946edeeb738"],
      ["DenseNet169", applications.DenseNet169, "densenet/densenet169_weights_tf_dim_ordering_tf_kernels.h5", "d699b8f76981ab1b30698df4c175e90b", "densenet/densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5", "b8c4d4c20dd625c148057b9ff1c1176b"],
      ["DenseNet201", applications.DenseNet201, "densenet/densenet201_weights_tf_dim_ordering_tf_kernels.h5", "1ceb130c1ea1b78c3bf6114dbdfd8807", "densenet/densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5", "c13680b51ded0fb44dff2d8f86ac8bb1"],
      ["InceptionV3", applications.InceptionV3, "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564", "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63"],
      ["Xception", applications.Xception, "xception/xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6", "xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"],
      ["EfficientNetB0", applications.EfficientNetB0, "../../keras-applications/efficientnetb0.h5", "902e53a9f72be733fc0bcb005b3ebbac", "../../keras-applications/efficientnetb0_notop.h5", "50bc09e76180e00e4465e1a485ddc09d"],
      ["EfficientNetB7", applications.EfficientNetB7, "../../keras-applications/efficientnetb7.h5", "8c03f828fec3ef71311cd463b6759d99", "../../keras-applications/efficientnetb7_notop.h5", "cbcfe4450ddf6f3ad90b1b398090fe4a"],
      ["EfficientNetV2B0", applications.EfficientNetV2B0, "efficientnet_v2/efficientnetv2-b0.h5", "21ecbf6da12460d5c40bb2f29ceb2188", "efficientnet_v2/efficientnetv2-b0_notop.h5", "893217f2bb855e2983157299931e43ff"],
      ["EfficientNetV2S", applications.EfficientNetV2S, "efficientnet_v2/efficientnetv2-s.h5", "e1d88a8495beba45748fedd0cecbe016", "efficientnet_v2/efficientnetv2-s_notop.h5", "af0682fb74e8c54910f2d4393339c070"],
      ["EfficientNetV2L", applications.EfficientNetV2L, "efficientnet_v2/efficientnetv2-l.h5", "27e6d408b53c7ebc868fefa357689935", "efficientnet_v2/efficientnetv2-l_notop.h5", "b0b66b5c863aef5b46e8608fe1711615"],
      ["InceptionResNetV2", applications.InceptionResNetV2, "inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96", "inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "d19885ff4a710c122648d3b5c3b684e4"],
      ["MobileNet", applications.MobileNet, "mobilenet/mobilenet_1_0_224_tf.h5", null, "mobilenet/mobilenet_1_0_224_tf_no_top.h5", null],
      ["MobileNetV3Small", applications.MobileNetV3Small, "mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float.h5", "8768d4c2e7dee89b9d02b2d03d65d862", "mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5", "d3e8ec802a04aa4fc771ee12a9a9b836"],
      ["MobileNetV3Large", applications.MobileNetV3Large, "mobilenet_v3/weights_mobilenet_v3_large_224_1.0_float.h5", "59e551e166be033d707958cf9e29a6a7", "mobilenet_v3/weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5", "07fb09a5933dd0c8eaafa16978110389"],
    ];
    for (const [name, build, top, topMd5, notop, notopMd5] of cases) {
      for (const includeTop of [true, false]) {
        const [path, md5] = includeTop ? [top, topMd5] : [notop, notopMd5];
        // EfficientNet's files live beside the tensorflow/ folder: https://storage.googleapis.com/keras-applications/.
        await assert.rejects(build({ includeTop }) as Promise<unknown>, (e: Error) => {
          assert.match(e.message, new RegExp(`^applications\\.${name}: the weights file `));
          assert.ok(e.message.includes(`download ${new URL(path, base).href} on a machine with network access${md5 ? ` (its MD5 must be ${md5})` : " and copy"}`), e.message);
          return true;
        });
      }
    }
    await assert.rejects(applications.MobileNetV3Large({ alpha: 0.75, minimalistic: false, inputShape: [224, 224, 3] }), /weights_mobilenet_v3_large_224_0\.75_float\.h5 .*\(its MD5 must be 765b44a33ad4005b3ac83185abf1d0eb\)/);
    await assert.rejects(applications.MobileNetV3Small({ minimalistic: true, includeTop: false, inputShape: [224, 224, 3] }), /weights_mobilenet_v3_small_minimalistic_224_1\.0_float_no_top_v2\.h5 .*\(its MD5 must be cde8136e733e811080d9fcd8a252f7e4\)/);
    // MobileNet picks the file by alpha and a square published size.
    await assert.rejects(applications.MobileNet({ alpha: 0.25, includeTop: false, inputShape: [128, 128, 3] }), /mobilenet\/mobilenet_2_5_128_tf_no_top\.h5/);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("MobileNet: alpha, depthMultiplier and dropout rules, names, and the 1x1-convolution classifier", () => {
  assert.throws(() => applications.MobileNet({ weights: "imagenet", alpha: 0.35 }), /applications\.MobileNet: with "imagenet" weights alpha must be one of 0\.25, 0\.5, 0\.75, 1; got 0\.35/);
  assert.throws(() => applications.MobileNet({ weights: "imagenet", depthMultiplier: 2 }), /depthMultiplier must be 1; got 2/);
  assert.throws(() => applications.MobileNet({ weights: null, dropout: 1 }), /dropout must be a rate in \[0, 1\), got 1/);
  tf.clearSession();
  const m = applications.MobileNet({ weights: null, alpha: 0.5, depthMultiplier: 2, inputShape: [64, 64, 3], classes: 7, classifierActivation: null });
  assert.equal(m.name, "mobilenet_0.50_64");
  assert.equal(m.getLayer("conv_dw_1").getConfig().depth_multiplier, 2);
  assert.deepEqual(m.layers.slice(-3).map((l) => l.name), ["conv_preds", "reshape_2", "predictions"]);
  assert.equal(m.getLayer("predictions").getConfig().activation, "linear");
  assert.deepEqual(m.predict(tf.zeros([1, 64, 64, 3])).shape, [1, 7]);
  assert.equal(applications.MobileNet({ weights: null, includeTop: false }).name, "mobilenet_1.00_None");
});

test("MobileNetV3: the hard sigmoid as Keras' operation nodes, any input size by default, the 1x1-convolution classifier, argument checks", () => {
  tf.clearSession();
  const m = applications.MobileNetV3Small({ weights: null, classes: 7, classifierActivation: null, dropoutRate: 0 });
  assert.deepEqual(m.inputs[0].shape, [null, null, null, 3]); // Keras: input_shape (None, None, 3) unless given
  // Each squeeze-and-excitation's hard sigmoid: `ReLU(6)(x + 3) * (1 / 6)`, an Add and a Multiply operation.
  const ops = m.operations.filter((o) => !m.layers.includes(o)).map((o) => o.className);
  assert.equal(ops.filter((c) => c === "Add").length, 9);
  assert.equal(ops.filter((c) => c === "Multiply").length, 9);
  assert.deepEqual(m.layers.slice(-4).map((l) => l.className), ["Activation", "Conv2D", "Flatten", "Activation"]); // no Dropout at rate 0
  assert.equal(m.getLayer("predictions").getConfig().activation, "linear");
  assert.deepEqual(m.predict(tf.zeros([1, 48, 64, 3])).shape, [1, 7]);
  const img = tf.constant([[[[10, 20, 30]]]], "float32");
  assert.equal(applications.mobilenetV3.preprocessInput(img), img); // Keras' preprocess_input is the identity
  assert.throws(() => applications.MobileNetV3Small({ weights: "imagenet", alpha: 0.5 }), /applications\.MobileNetV3Small: with "imagenet" weights alpha must be 0\.75 or 1/);
  assert.throws(() => applications.MobileNetV3Large({ weights: "imagenet", alpha: 0.75, minimalistic: true }), /alpha must be 0\.75 or 1 \(1 when minimalistic\); got alpha 0\.75 with minimalistic: true/);
  assert.throws(() => applications.MobileNetV3Large({ weights: null, inputShape: [16, 64, 3] }), /applications\.MobileNetV3Large: the input size must be at least 32x32; got inputShape \(16, 64, 3\)/);
  assert.throws(() => applications.MobileNetV3Large({ weights: null, dropoutRate: 1 }), /dropoutRate must be a rate in \[0, 1\), got 1/);
});

test("EfficientNet: the rescaling and Normalization inside the model, Keras' extra rescaling only for imagenet weights, identity preprocessInput", async () => {
  tf.clearSession();
  const m = applications.EfficientNetB0({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" });
  assert.deepEqual(m.layers.slice(1, 5).map((l) => l.className), ["Rescaling", "Normalization", "ZeroPadding2D", "Conv2D"]);
  assert.equal(m.getLayer("block1a_activation").getConfig().activation, "silu"); // Keras writes swish as "silu"
  assert.deepEqual(m.getLayer("block2b_drop").getConfig().noise_shape, [null, 1, 1, 1]);
  assert.equal(m.getLayer("block2b_drop").getConfig().rate, 0.2 * 2 / 16); // drop-connect grows with the block index
  assert.equal((m.getLayer("stem_conv").getConfig().kernel_initializer as { class_name: string }).class_name, "VarianceScaling");
  assert.deepEqual(m.outputs[0].shape, [null, 1280]);
  const img = tf.constant([[[[10, 20, 30]]]], "float32");
  assert.equal(applications.efficientnet.preprocessInput(img), img);
  // With "imagenet" weights Keras adds Rescaling(1 / sqrt(stddev)) after the Normalization; the
  // offline error comes only after the model is settled, so look at the weights file request instead.
  const saved = process.env.LAMINA_OFFLINE;
  process.env.LAMINA_OFFLINE = "1";
  try {
    await assert.rejects(applications.EfficientNetB0({ includeTop: false, inputShape: [32, 32, 3] }), /efficientnetb0_notop\.h5/);
  } finally {
    if (saved === undefined) delete process.env.LAMINA_OFFLINE; else process.env.LAMINA_OFFLINE = saved;
  }
});

test("EfficientNetV2: includePreprocessing (B: Rescaling + fixed Normalization; S/M/L: Rescaling to [-1, 1]; off: none), fused blocks, Keras' dropout schedule", () => {
  tf.clearSession();
  const b0 = applications.EfficientNetV2B0({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
  assert.deepEqual(b0.layers.slice(1, 4).map((l) => l.className), ["Rescaling", "Normalization", "Conv2D"]);
  assert.deepEqual(b0.getLayer("normalization").getConfig().mean, [0.485, 0.456, 0.406]);
  assert.equal(b0.getLayer("normalization").weights.length, 0); // given statistics: nothing to load
  assert.equal(b0.getLayer("block1a_project_conv").getConfig().kernel_size?.toString(), "3,3"); // fused: one 3x3 convolution
  assert.equal(b0.getLayer("block1a_project_activation").getConfig().activation, "silu");
  // Keras passes drop_connect_rate * b / blocks (b counts blocks before this one, out of 21 unscaled) as the rate.
  assert.equal(b0.getLayer("block2b_drop").getConfig().rate, (0.2 * 2) / 21);
  assert.equal(b0.getLayer("block4a_se_excite").className, "Multiply");
  tf.clearSession();
  const s = applications.EfficientNetV2S({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
  assert.deepEqual([s.layers[1].className, s.layers[1].getConfig().scale, s.layers[1].getConfig().offset], ["Rescaling", 1 / 128, -1]);
  assert.equal(s.layers[2].className, "Conv2D");
  tf.clearSession();
  const bare = applications.EfficientNetV2B0({ weights: null, includeTop: false, inputShape: [32, 32, 3], includePreprocessing: false, pooling: "max" });
  assert.deepEqual([bare.layers[1].name, bare.layers.at(-1)?.name], ["stem_conv", "max_pool"]);
  const img = tf.constant([[[[10, 20, 30]]]], "float32");
  assert.equal(applications.efficientnetV2.preprocessInput(img), img);
});

test("InceptionResNetV2: scaled residual sums as CustomScaleLayer with Keras' scales, block8_10 without its ReLU", () => {
  tf.clearSession();
  const m = applications.InceptionResNetV2({ weights: null, includeTop: false, inputShape: [75, 75, 3], pooling: "max" });
  const scales = m.layers.filter((l) => l.className === "CustomScaleLayer").map((l) => l.getConfig().scale);
  assert.deepEqual(scales, [...Array(10).fill(0.17), ...Array(20).fill(0.1), ...Array(10).fill(0.2).fill(1, 9)]);
  assert.equal(m.layers.some((l) => l.name === "block8_10_ac"), false);
  assert.equal(m.getLayer("block8_9_ac").getConfig().activation, "relu");
  assert.deepEqual(m.outputs[0].shape, [null, 1536]);
  const img = tf.constant([[[[0, 127.5, 255]]]], "float32");
  assert.deepEqual(Array.from(applications.inceptionResnetV2.preprocessInput(img).dataSync() as Float32Array), [-1, 0, 1]);
});

test("preprocessInput of the new families: tf (MobileNet, InceptionV3, Xception) and torch (DenseNet), by hand", () => {
  const img = tf.constant([[[[10, 20, 30], [0, 127.5, 255]]]], "float32");
  const tfMode = [10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1, -1, 0, 1];
  const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
  const torchMode = [10, 20, 30, 0, 127.5, 255].map((v, i) => (v / 255 - mean[i % 3]) / std[i % 3]);
  const close = (got: tf.Tensor, want: number[]): void =>
    Array.from(got.dataSync() as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-5, `element ${i}: ${v} vs ${want[i]}`));
  close(applications.mobilenet.preprocessInput(img), tfMode);
  close(applications.inceptionV3.preprocessInput(img), tfMode);
  close(applications.xception.preprocessInput(img), tfMode);
  close(applications.densenet.preprocessInput(img), torchMode);
  assert.equal(applications.densenet.DenseNet169, applications.DenseNet169);
});
