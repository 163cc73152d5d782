import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../test/support/example-timeout.js";
import * as tf from "../src/index.js";

/** Runs the example in QUICK mode, offline, with the data sets of `dir` (CIFAR-10 only if placed there). */
function run(dir: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", "examples/003-cnn-vgg-transfer.ts"], {
    encoding: "utf8", timeout: exampleTimeout(300_000),
    env: {
      ...process.env, QUICK: "1", LAMINA_OFFLINE: "1", LAMINA_DATASETS: dir, KERAS_HOME: join(dir, "keras"),
      LAMINA_MODELS: join(dir, "models"), LAMINA_OUT: join(dir, "out"),
    },
  });
}

/** A summary row: name (type), output shape, parameter count. */
const row = (layer: string, shape: string, params: string): RegExp =>
  new RegExp(`│ ${layer.replace(/[()]/g, "\\$&")} +│ ${shape.replace(/[()]/g, "\\$&")} +│ +${params} │`);

const VGG16_LAYERS = ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool",
  "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool", "block4_conv1", "block4_conv2", "block4_conv3", "block4_pool",
  "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"];

/** The "name, Trainable : flag" listing of the VGG16 base, as the notebook prints it. */
const listing = (flag: (name: string) => boolean): string =>
  ["input_layer(_\\d+)?, Trainable : " + (flag("input") ? "true" : "false"), ...VGG16_LAYERS.map((n) => `${n}, Trainable : ${flag(n)}`)].join("\n");

test("examples/003-cnn-vgg-transfer.ts without CIFAR-10: convolutions, the CNNs and VGG16 built, transfer learning on Fashion-MNIST, VGG16 base frozen and unfrozen", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-003-"));
  try {
    const out = run(dir);
    // flower.jpg, float, grayscale; two hand-made kernels through tf.nn.conv2d with "SAME" padding
    assert.match(out, /^\d+\.\d+\.\d+\nbackend: (native|js) \(available: .+\)\n/); // print(keras.__version__), !nvidia-smi
    assert.match(out, /^\(427, 640, 3\) \(427, 640\)$/m);
    assert.equal(out.match(/^conv2d: \(1, 427, 640, 1\) \* \(3, 3, 1, 1\) -> \(1, 427, 640, 1\), values in \[-?\d+\.\d{3}, -?\d+\.\d{3}\]$/gm)?.length, 2, out);
    // the two-convolution model and its weights
    assert.match(out, row("conv1 (Conv2D)", "(None, 4, 4, 8)", "224"));
    assert.match(out, row("conv2 (Conv2D)", "(None, 4, 4, 4)", "292"));
    assert.match(out, / Total params: 516 \(2\.02 KB\)/);
    assert.match(out, /Nombre de canaux en entrée : 3,\nNombre de neurones dans la couche : \(3, 3, 3, 8\),\nBiais : \(8,\)/);
    assert.match(out, /Nombre d'entrées : 8,\nNombre de neurones dans la couche : \(3, 3, 8, 4\),\nBiais : \(4,\)/);
    // pooling layers called on the image tensor
    assert.match(out, /Les dimensions avant pooling sont \(427, 640\) \nLes dimensions après pooling sont \(106, 160\)/);
    assert.match(out, /Les dimensions avant pooling sont \(427, 640\) \nLes dimensions après pooling sont \(213, 320\)/);
    assert.match(out, /\[\[0\. 1\. 1\. 0\.\]\n \[0\. 1\. 1\. 0\.\]\n \[0\. 1\. 1\. 0\.\]\n \[0\. 1\. 1\. 0\.\]\], shape=\(4, 4\), dtype=float32\)\n\(4, 4\)\n/);
    // no CIFAR-10 here: the loader's error, then the models are built anyway
    assert.match(out, /CIFAR-10 is not available on this machine, so the training cells are skipped \(the models are still built\):\ndatasets\.cifar10\.loadData: the data set files were not found[\s\S]*To fix: /);
    // the model without padding fails as in Keras
    assert.match(out, /^RangeError: Conv2D conv2d_3: the output size would be 0 \(0x0\): input \(None, 2, 2, 128\) is too small for kernel 3x3 .*use padding "same"/m);
    assert.equal(out.match(/ Total params: 245,962 /g)?.length, 2, out); // the padded CNN, then define_model()
    // model2: the notebook's table
    for (const [shape, params] of [["(None, 32, 32, 32)", "896"], ["(None, 32, 32, 64)", "18,496"], ["(None, 16, 16, 128)", "73,856"],
      ["(None, 16, 16, 128)", "147,584"], ["(None, 8, 8, 256)", "295,168"], ["(None, 8, 8, 256)", "590,080"]] as const) {
      assert.match(out, row("conv2d_\\d+ (Conv2D)", shape, params));
    }
    assert.match(out, row("flatten_\\d+ (Flatten)", "(None, 4096)", "0"));
    assert.match(out, row("dense_\\d+ (Dense)", "(None, 256)", "1,048,832"));
    assert.match(out, / Total params: 2,209,098 \(8\.43 MB\)/);
    // VGG16 by hand, with block functions, then VGG16's base plus the same head: same parameter count
    assert.equal(out.match(/ Total params: 14,880,202 \(56\.76 MB\)/g)?.length, 3, out);
    assert.match(out, row("max_pooling2d_\\d+ (MaxPooling2D)", "(None, 1, 1, 512)", "0"));
    assert.equal(out.match(/│ re_lu(_\d+)? \(ReLU\) +│ \(None, \d+, \d+, \d+\) +│ +0 │/g)?.length, 13, out);
    assert.match(out, /^vgg compiled with metrics: accuracy, top_k_categorical_accuracy \(k=5\)$/m);

    // Transfer learning on (the first images of) Fashion-MNIST
    assert.match(out, /^\(60000, 28, 28\) \(60000,\)$/m);
    assert.match(out, /^X_train_A\.shape : \(32, 28, 28, 1\) \nX_train_B\.shape : \(16, 28, 28, 1\)$/m);
    assert.match(out, /^\{0, 1, 2, 3, 4, 5, 6, 7\}$/m);
    assert.match(out, /^\{0\.0, 1\.0\}$/m);
    assert.ok(existsSync(join(dir, "out", "modelA.h5")), "modelA saved as modelA.h5");
    assert.equal(out.match(/val_accuracy: \d\.\d{4} - val_loss: \d+\.\d{4}$/gm)?.length, 4, out); // modelA, modelB, frozen, unfrozen
    assert.match(out, /^Taux d'erreur, modelB \(from scratch\) : \d+\.\d\d%\nTaux d'erreur, model_B_on_A \(transfer\) : \d+\.\d\d%\nRatio : (\d+\.\d\d|Infinity)$/m);

    // VGG16's ImageNet weights are not here: the message says where to put the file, the base is random
    assert.match(out, /VGG16's ImageNet weights are not available, so the base starts from random weights \(weights: null\):\napplications\.VGG16: the weights file vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5 is not available/);
    assert.ok(out.includes(`copy it to ${join(dir, "models", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")}`), out);
    // frozen, then unfrozen from block5_conv1, then entirely
    assert.match(out, new RegExp(listing(() => false)));
    assert.match(out, new RegExp(listing((n) => n.startsWith("block5"))));
    assert.match(out, new RegExp(listing(() => true)));
    assert.match(out, /│ vgg16 \((Model|Functional)\) +│ \(None, 1, 1, 512\) +│ +14,714,688 │/);
    assert.match(out, / Trainable params: 165,514 \(646\.54 KB\)\n Non-trainable params: 14,714,688 /);
    assert.match(out, /^\(003 ran in \d+\.\d s on the \w+ backend\)$/m);
    // figures
    for (const f of ["grayscale.png", "conv-gauss_blur.png", "avgpool-4.png", "maxpool-2.png", "8_pool.png", "fashionmnist.png", "history-1.png"]) {
      assert.ok(existsSync(join(dir, "out", f)), f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("examples/003-cnn-vgg-transfer.ts trains the CIFAR-10 models, VGG16 included, when CIFAR-10 is present (QUICK: a few images)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-003-"));
  try {
    // Small stand-ins for the CIFAR-10 binary batches: 20 random images each.
    const cifar = join(dir, "cifar-10-batches-bin");
    mkdirSync(cifar);
    ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"].forEach((name, i) => {
      const x = tf.cast(tf.floor(tf.random.uniform([20, 32, 32, 3], 0, 256, { seed: 10 + i })), "uint8");
      const y = tf.cast(tf.floor(tf.random.uniform([20], 0, 10, { seed: 20 + i })), "uint8");
      writeFileSync(join(cifar, `${name}.bin`), tf.data.encodeCifarBinary(x, y));
    });
    const out = run(dir);
    assert.doesNotMatch(out, /CIFAR-10 is not available/);
    assert.match(out, /^\(8, 32, 32, 3\) \(8, 1\)$/m); // QUICK: the first 8 training images
    assert.match(out, /^((airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)(, |$)){8}/m);
    assert.match(out, /^\(6, 10\)$/m); // y_train_oh after train_test_split's 25% validation
    // fit with validation data (one epoch), the history's values, evaluate
    assert.match(out, /^val_top_k_categorical_accuracy +\d\.\d{4}$/m);
    assert.match(out, /^Perte : \d+\.\d{3}, Précision : \d\.\d{3}$/m);
    assert.match(out, /^Top-5 : \d\.\d{3}$/m);
    for (const name of ["basic_CNN", "basic_CNN_2", "vgg_scratch", "vgg_imagenet", "vgg_tf_tuned"]) {
      assert.match(out, new RegExp(`│ \\d+ +│ '${name}' +│ \\d+\\.\\d+ +│ [\\d.]+ +│`), name);
    }
    assert.ok(readdirSync(join(dir, "out")).includes("cifar10.png"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
