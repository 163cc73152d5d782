/**
 * The "sequences" group of keras.io guide ports (masking & padding, RNNs, intro for engineers),
 * each run with QUICK=1 in a child process, checked on what the guides print: masks, the
 * parameter counts keras.io shows, states, trained and reloaded models. The three run at once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { exampleTimeout } from "../../test/support/example-timeout.js";

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), "sequences-guides-"));
function guide(file: string): Promise<string> {
  const env = { ...process.env, QUICK: "1", LAMINA_OUT: out };
  return run(process.execPath, ["--import", "tsx", `examples/guides/${file}`], { encoding: "utf8", env, timeout: exampleTimeout(120_000) }).then((r) => r.stdout);
}
const masking = guide("understanding-masking-and-padding.ts");
const rnns = guide("working-with-rnns.ts");
const intro = guide("intro-to-keras-for-engineers.ts");
test.after(() => rmSync(out, { recursive: true, force: true }));

test("understanding-masking-and-padding: padding, masks from Embedding and Masking, and custom mask-aware layers", async () => {
  const text = await masking;
  // pad_sequences(..., padding="post") as the guide prints it.
  assert.match(text, /\[\[ 711  632   71    0    0    0\]\n \[  73    8 3215   55  927    0\]\n \[  83   91    1  645 1253  927\]\]/);
  // The Embedding's and the Masking layer's masks are the same, False at the padding.
  const mask = "[[ True  True  True False False False]\n [ True  True  True  True  True False]\n [ True  True  True  True  True  True]], shape=(3, 6), dtype=bool)";
  assert.equal(text.split(mask).length - 1, 2, text);
  // TemporalSplit splits the mask in two halves along time.
  assert.ok(text.includes("[[ True  True  True]\n [ True  True  True]\n [ True  True  True]], shape=(3, 3), dtype=bool)"), text);
  assert.ok(text.includes("[[False False False]\n [ True  True False]\n [ True  True  True]], shape=(3, 3), dtype=bool)"), text);
  assert.match(text, /MyLayer output shape: \[ 32, 32 \]/);
  assert.match(text, /CustomEmbedding output shape: \[ 3, 10, 32 \]/);
  // Keras prints the mask of a symbolic tensor as a KerasTensor (None, None) bool.
  assert.match(text, /Mask found: <SymbolicTensor shape=\(None, None\), dtype=bool/);
  assert.match(text, /TemporalSoftmax model output shape: \[ 32, 100, 1 \]/);
});

test("working-with-rnns: keras.io's parameter counts, states, Bidirectional, LSTM = RNN(LSTMCell) on the same weights, and the NestedCell model", async () => {
  const text = await rnns;
  // The encoder-decoder and Bidirectional summaries as keras.io shows them.
  assert.match(text, /encoder \(LSTM\)\s+│ \[\(None, 64\),\s+│\s+33,024 │/);
  assert.match(text, /Total params: 258,698/);
  assert.match(text, /bidirectional \(Bidirectional\)\s+│ \(None, 5, 128\)\s+│\s+38,400 │/);
  assert.match(text, /bidirectional_1 \(Bidirectional\) │ \(None, 64\)\s+│\s+41,216 │/);
  assert.match(text, /Total params: 80,266/);
  assert.match(text, /stateful output after 3 paragraphs: \[ 20, 64 \]/);
  assert.match(text, /states zero after resetStates: true/);
  assert.match(text, /reused states: \[ \[ 20, 64 \], \[ 20, 64 \] \] new output: \[ 20, 64 \]/);
  assert.match(text, /max prediction difference 0\.00e\+0/);
  const first = Number(/LSTM layer: loss (\d+\.\d+)/.exec(text)?.[1]);
  const second = Number(/RNN\(LSTMCell\): loss (\d+\.\d+)/.exec(text)?.[1]);
  // The second model starts from the first one's trained weights: its epoch's loss is lower.
  assert.ok(second < first, `loss ${first} then ${second}`);
  assert.match(text, /Predicted result is: \[\d\], target result is: 9/);
  // NestedCell: two outputs [unit_1] and [unit_2, unit_3]; kernel_1 32 * 10 and kernel_2_3 64 * 32 * 20 * 30 weights.
  assert.match(text, /nested outputs: \[ \[ null, 10 \], \[ null, 20, 30 \] \] params: 1229120/);
  // Targets uniform in [0, 1) against near-zero outputs of "uniform" (+-0.05) kernels: each output's mse starts
  // near E[y^2] = 1/3, plus the spread of output_2_3's sums over 64 * 32 inputs (about 0.6): about 1.2 in all.
  const nested = Number(/nested RNN: loss (\d+\.\d+)/.exec(text)?.[1]);
  assert.ok(nested > 0.6 && nested < 2, `nested RNN loss ${nested}`);
});

test("intro-to-keras-for-engineers: keras.io's parameter count, checkpoints, a reloaded model predicting the same, custom layers", async () => {
  const text = await intro;
  assert.match(text, /x_train shape: \[ 128, 28, 28, 1 \]/);
  assert.match(text, /conv2d_3 \(Conv2D\)\s+│ \(None, 8, 8, 128\)\s+│\s+147,584 │/);
  assert.match(text, /Total params: 260,298/);
  assert.match(text, /checkpoints: model_at_epoch_1\.keras/);
  assert.match(text, /predictions shape: \[ 32, 10 \]/);
  assert.match(text, /max difference from the saved model's predictions 0\.00e\+0/);
  // MyModel (MyDense + MyDropout) has the Sequential's parameters, Dropout having none.
  assert.match(text, /MyModel on tensors: loss \d\.\d+, params 260298/);
  for (const source of ["a PyDataset", "a data.Dataset"]) {
    const loss = Number(new RegExp(`MyModel on ${source.replace(".", "\\.")}: loss (\\d+\\.\\d+)`).exec(text)?.[1]);
    // Ten classes: a barely trained softmax starts near ln(10) = 2.30.
    assert.ok(Math.abs(loss - Math.log(10)) < 0.2, `${source}: loss ${loss}`);
  }
});
