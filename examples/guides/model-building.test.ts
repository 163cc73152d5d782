/**
 * The "model-building" keras.io guides ported to lamina (functional-api.ts, sequential-model.ts),
 * each run with QUICK=1 in a child process; the checks are the numbers the guides state (parameter
 * counts, shapes) and what their cells must show (a reloaded model predicting the same, frozen
 * layers left unchanged by fit). The two run at the same time, so the file takes about as long as
 * the slower one.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { exampleTimeout } from "../../test/support/example-timeout.js";

const out = mkdtempSync(join(tmpdir(), "lamina-guides-model-building-"));
const run = (file: string): Promise<string> =>
  promisify(execFile)(process.execPath, ["--import", "tsx", file], {
    encoding: "utf8",
    timeout: exampleTimeout(90_000),
    maxBuffer: 16 << 20,
    env: { ...process.env, QUICK: "1", LAMINA_OFFLINE: "1", LAMINA_OUT: out, COLUMNS: "200" },
  }).then((r) => r.stdout);
// Started together, awaited by each test.
const functional = run("examples/guides/functional-api.ts");
const sequential = run("examples/guides/sequential-model.ts");
after(() => rmSync(out, { recursive: true, force: true }));

/** The "Total params" of each summary printed, in order. */
const totals = (text: string): string[] => [...text.matchAll(/Total params: ([\d,]+)/g)].map((m) => m[1]);

test("guides/functional-api.ts: the guide's models, parameter counts, training, saving and custom layers", async () => {
  const text = await functional;
  assert.match(text, /inputs\.shape: \(None, 784\)/);
  assert.match(text, /inputs\.dtype: float32/);
  // mnist_model, encoder, autoencoder, encoder, decoder, autoencoder (nested), the ticket model,
  // toy_resnet, CustomDense's model twice, the Conv1D + CustomRNN model: the guide's counts.
  assert.deepEqual(totals(text), ["55,050", "18,672", "28,241", "18,672", "9,569", "28,241", "1,392,097", "223,242", "50", "50", "2,657"]);
  assert.match(text, /│ encoder \(Functional\)\s+│ \(None, 16\)\s+│\s+18,672 │/);
  // One epoch on 2,000 Fashion-MNIST images: far above chance (0.1).
  const acc = Number(/Test accuracy: ([\d.]+)/.exec(text)?.[1]);
  assert.ok(acc > 0.5, `test accuracy ${acc}`);
  assert.match(text, /reloaded model: largest prediction difference 0\n/);
  const ensemble = Number(/ensemble output vs mean of the three models: largest difference ([\d.e-]+)/.exec(text)?.[1]);
  assert.ok(ensemble < 1e-6, `ensemble ${ensemble}`);
  assert.match(text, /multi-output history keys: department_loss, loss, priority_loss/);
  assert.match(text, /toy_resnet history keys: acc, loss, val_acc, val_loss/);
  assert.match(text, /shared embedding outputs: \(None, None, 128\) and \(None, None, 128\), 1 weight/);
  assert.match(text, /extracted 22 feature maps, the last \(1, 1, 1, 512\)/);
  assert.match(text, /from_config: InputLayer, CustomDense; output shape \(2, 10\)/);
  assert.match(text, /features\.shape: \(1, 10, 32\)\nCustomRNN weights: 6/);
  assert.match(text, /CustomRNN\(\)\(zeros\(\(1, 10, 5\)\)\)\.shape: \(1, 10, 1\)/);
  for (const png of ["my_first_model.png", "my_first_model_with_shape_info.png", "multi_input_and_output_model.png", "mini_resnet.png"]) {
    assert.ok(existsSync(join(out, png)), `${png} written`);
  }
});

test("guides/sequential-model.ts: building, pop, summaries while adding, feature extraction and the transfer-learning blueprints", async () => {
  const text = await sequential;
  assert.match(text, /model\(x\)\.shape: \(3, 4\)/);
  assert.match(text, /len\(model\.layers\) after pop: 2/);
  assert.match(text, /model\.name: my_sequential/);
  assert.match(text, /layer\.weights after the first call: \[\(4, 3\), \(3,\)\]/);
  assert.match(text, /model\.weights before the first call: 0 weights/);
  assert.match(text, /Number of weights after calling the model: 6/);
  // unbuilt, built by a call, Input + Dense, inputShape + Dense, the conv stack twice (the guide's
  // "(40, 40, 32)" then 4x4 maps)
  assert.deepEqual(totals(text), ["0", "35", "10", "10", "11,680", "48,672"]);
  assert.match(text, /max_pooling2d \(MaxPooling2D\)\s+│ \(None, 40, 40, 32\)/);
  assert.match(text, /max_pooling2d_2 \(MaxPooling2D\)\s+│ \(None, 4, 4, 32\)/);
  assert.match(text, /model\.layers: \[<Dense name=dense_10, built=true>\]/);
  assert.match(text, /output shape after GlobalMaxPooling2D \+ Dense\(10\): \(None, 10\)/);
  assert.match(text, /features: \(1, 123, 123, 32\), \(1, 121, 121, 32\), \(1, 119, 119, 32\)/);
  assert.match(text, /my_intermediate_layer features: \(1, 121, 121, 32\)/);
  assert.match(text, /layers whose weights changed in fit: \[false,false,false,true\]; trainable weights: 2/);
  assert.match(text, /Xception base \+ Dense\(1000\): trainable weights 2 \(the Dense's\)/);
});
