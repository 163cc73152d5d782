import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/index.js";

/** Runs the example in QUICK mode, offline, with the data sets of `datasetsDir` (an empty folder: none). */
function run(datasetsDir: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", "examples/003-cnn-vgg.ts"], {
    encoding: "utf8", timeout: 120_000,
    env: { ...process.env, QUICK: "1", LAMINA_OFFLINE: "1", LAMINA_DATASETS: datasetsDir, KERAS_HOME: join(datasetsDir, "keras") },
  });
}

/** A summary row: name (type), output shape, parameter count. */
const row = (layer: string, shape: string, params: string): RegExp =>
  new RegExp(`│ ${layer.replace(/[()]/g, "\\$&")} +│ ${shape.replace(/[()]/g, "\\$&")} +│ +${params} │`);

test("examples/003-cnn-vgg.ts: convolution and pooling on the sample image, the notebook's CNNs and VGG16", () => {
  const empty = mkdtempSync(join(tmpdir(), "lamina-003-"));
  try {
    const out = run(empty);
    // flower.jpg, float, grayscale; two hand-made kernels through tf.nn.conv2d with "SAME" padding
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
    assert.match(out, /^RangeError: Conv2D conv2d_3: Negative dimension size: input 2x2, kernel 3x3 .*use padding "same"/m);
    assert.equal(out.match(/ Total params: 245,962 /g)?.length, 2, out); // the padded CNN, then define_model()
    // model2: the notebook's table
    for (const [shape, params] of [["(None, 32, 32, 32)", "896"], ["(None, 32, 32, 64)", "18,496"], ["(None, 16, 16, 128)", "73,856"],
      ["(None, 16, 16, 128)", "147,584"], ["(None, 8, 8, 256)", "295,168"], ["(None, 8, 8, 256)", "590,080"]] as const) {
      assert.match(out, row("conv2d_\\d+ (Conv2D)", shape, params));
    }
    assert.match(out, row("flatten_\\d+ (Flatten)", "(None, 4096)", "0"));
    assert.match(out, row("dense_\\d+ (Dense)", "(None, 256)", "1,048,832"));
    assert.match(out, / Total params: 2,209,098 \(8\.43 MB\)/);
    // VGG16 by hand, then with block functions: same table size
    assert.equal(out.match(/ Total params: 14,880,202 \(56\.76 MB\)/g)?.length, 2, out);
    assert.match(out, row("max_pooling2d_\\d+ (MaxPooling2D)", "(None, 1, 1, 512)", "0"));
    assert.equal(out.match(/│ re_lu(_\d+)? \(ReLU\) +│ \(None, \d+, \d+, \d+\) +│ +0 │/g)?.length, 13, out);
    assert.match(out, /^vgg compiled with metrics: accuracy, top_k_categorical_accuracy \(k=5\)$/m);
    assert.doesNotMatch(out, /Epoch|\/step/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("examples/003-cnn-vgg.ts trains the CNNs and VGG16 (QUICK: a few images) when CIFAR-10 is present", () => {
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
    assert.doesNotMatch(out, /is not available on this machine/);
    assert.match(out, /^\(8, 32, 32, 3\) \(8, 1\)$/m); // QUICK: the first 8 training images
    assert.match(out, /^((airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)(, |$)){8}/m);
    assert.match(out, /^\(6, 10\)$/m); // y_train_oh after train_test_split's 25% validation
    // fit with validation data (one epoch), the history's values, evaluate
    assert.equal(out.match(/^val_accuracy +\d\.\d{4}$/gm)?.length, 3, out);
    assert.match(out, /^val_top_k_categorical_accuracy +\d\.\d{4}$/m);
    assert.match(out, /^Perte : \d+\.\d{3}, Précision : \d\.\d{3}$/m);
    assert.match(out, /^Top-5 : \d\.\d{3}$/m);
    for (const run of ["basic_CNN", "basic_CNN_2", "vgg_scratch"]) assert.match(out, new RegExp(`│ \\d+ +│ '${run}' +│ \\d+\\.\\d+ +│ [\\d.]+ +│`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
