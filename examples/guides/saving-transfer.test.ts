// The keras.io guides "Save, serialize, and export models", "Customizing Saving and
// Serialization" and "Transfer learning & fine-tuning", run with QUICK=1 in child processes (all
// three at once) and checked on what they print: reloaded models giving the same outputs, the
// custom saving hooks round-tripping, and Keras' parameter counts and frozen weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { exampleTimeout } from "../../test/support/example-timeout.js";

const run = promisify(execFile);

/** Runs a guide port with QUICK=1 and gives its output (started now, so that the three overlap). */
function guide(name: string): Promise<string> {
  return run(process.execPath, ["--import", "tsx", `examples/guides/${name}.ts`], {
    encoding: "utf8",
    env: { ...process.env, QUICK: "1" },
    timeout: exampleTimeout(60_000),
    maxBuffer: 16 * 1024 * 1024,
  }).then(({ stdout, stderr }) => stdout + stderr);
}

const saving = guide("serialization-and-saving");
const customizing = guide("customizing-saving-and-serialization");
const transfer = guide("transfer-learning");

test("examples/guides/serialization-and-saving.ts: every reloaded model predicts as the original, and the configs are Keras'", async () => {
  const text = await saving;
  // np.testing.assert_allclose's checks: .keras reload, registration, customObjects, scope, weight copies.
  for (const what of ["my_model.keras reloaded", "registered custom objects", "customObjects", "custom object scope", "weight dense_1/kernel", "weight predictions/bias"]) {
    assert.match(text, new RegExp(`${what}: largest difference 0\\.00e\\+0`), what);
  }
  // The transfer-learning summary: Dense(64) on 784 inputs, Dense(64), the new Dense(5).
  assert.match(text, /dense_1 \(Dense\)\s+│ \(None, 64\)\s+│\s+50,240 │/);
  assert.match(text, /Total params: 54,725/);
  // Keras 3 lists a layer's own weights, then its sub-layers' in order: freezing one keeps the order.
  assert.match(text, /variable ordering changed: false/);
  // serialize_keras_object of a registered custom layer and of an L1 regularizer object.
  assert.match(text, /"registered_name":"MyLayers>KernelMult"/);
  assert.match(text, /"kernel_regularizer":\{"module":"keras\.regularizers","class_name":"L1L2","config":\{"l1":0\.00001,"l2":0\.0001\},"registered_name":null\}/);
  assert.match(text, /module: 'keras\.regularizers',\s+class_name: 'L1',\s+config: \{ l1: 0\.005 \}/);
  assert.match(text, /CustomModel in a functional model, rebuilt: 392 parameters \(of 392\)/);
});

test("examples/guides/customizing-saving-and-serialization.ts: own variables, assets, build config and compile config survive a .keras round trip", async () => {
  const text = await customizing;
  assert.match(text, /stored_variables restored: largest difference 0/);
  assert.match(text, /restored vocab: "Mary had a little lamb\."/);
  assert.match(text, /restored layer_init: random_normal, built: true/);
  assert.match(text, /restored model_optimizer: SGD, loss_fn: small_square_sum_loss, metrics: accuracy, mean_pred/);
  // ModelWithCustomCompile writes no getConfig: Keras' auto-config gives its base config.
  assert.match(text, /restored config: \{"name":"model_with_custom_compile(_\d+)?","trainable":true,"dtype":\{"module":"keras","class_name":"DTypePolicy","config":\{"name":"float32"\},"registered_name":null\}\}/);
  // The guide's log: softmax over 4 classes averages 0.25.
  assert.match(text, /mean_pred: 0\.2500/);
});

test("examples/guides/transfer-learning.ts: trainable counts, Keras' Xception parameter counts frozen and unfrozen, frozen weights unchanged", async () => {
  const text = await transfer;
  // Dense: 2 trainable; BatchNormalization: 2 + 2; a frozen Dense: 0 + 2.
  assert.match(text, /weights: 2\ntrainable_weights: 2\nnon_trainable_weights: 0\nweights: 4\ntrainable_weights: 2\nnon_trainable_weights: 2\nweights: 2\ntrainable_weights: 0\nnon_trainable_weights: 2/);
  assert.match(text, /frozen layer1 weights changed by 0\n/);
  assert.match(text, /inner_model\.trainable: false, inner_model\.layers\[0\]\.trainable: false/);
  // The guide's summaries (Keras' numbers for Xception without its top, plus Dense(1)).
  assert.match(text, /Total params: 20,863,529 \(79\.59 MB\)\n Trainable params: 2,049 \(8\.00 KB\)\n Non-trainable params: 20,861,480/);
  assert.match(text, /Trainable params: 20,809,001 \(79\.38 MB\)\n Non-trainable params: 54,528 \(213\.00 KB\)/);
  // The augmentation model, built by an eager call on one image, keeps the batch axis unknown.
  assert.match(text, /sequential_\d+ \(Sequential\)\s+│ \(None, 71, 71, 3\)/);
  assert.match(text, /frozen base: its weights changed by 0 /);
  assert.match(text, /base BatchNormalization statistics changed by 0 /);
  assert.match(text, /custom loop: loss \d\.\d{4}, 2 trainable weights updated/);
  assert.match(text, /custom loop: the frozen base's weights changed by 0\n/);
  assert.match(text, /test loss \d\.\d{4}, test binary_accuracy \d\.\d{4}/);
});
