import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/index.js";
import { exampleTimeout } from "../test/support/example-timeout.js";

function run(out: string, args: string[] = [], quick = true): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/001-resnet.ts", ...args], {
    encoding: "utf8", timeout: exampleTimeout(300_000),
    // A wide terminal, as Keras reads it, so summary() rows stay on one line for the patterns below.
    env: { ...process.env, ...(quick ? { QUICK: "1" } : {}), LAMINA_OFFLINE: "1", LAMINA_OUT: out, COLUMNS: "200" },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const row = (layer: string, shape: string, params: string, connected = ""): RegExp =>
  new RegExp(`│ ${layer.replace(/[()]/g, "\\$&")} +│ ${shape.replace(/[()]/g, "\\$&")} +│ +${params} │${connected ? ` ${connected.replace(/[[\]]/g, "\\$&")}` : ""}`);

test("examples/001-resnet.ts (QUICK): the data cell, the functional dense model, the two-block ResNet, its training and the residual/plain comparison", async () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-001-"));
  const initialDir = mkdtempSync(join(tmpdir(), "lamina-001-initial-"));
  const initial = join(initialDir, "initial.keras");
  try {
    const r = run(out, ["--save-initial", initial]);
    assert.equal(r.status, 0, r.stderr);
    const s = r.stdout;
    // The data cell on the whole data set: 48000/12000, standardized pixels.
    assert.match(s, /^48000 12000$/m);
    const m = /X_train \[48000,28,28,1\] float32: mean (-?[0-9.]+), std ([0-9.]+)/.exec(s);
    assert.ok(m, s);
    assert.ok(Math.abs(Number(m[1])) < 1e-3 && Math.abs(Number(m[2]) - 1) < 1e-3, m[0]);
    assert.match(s, /^X_valid \[12000,28,28,1\], X_test \[10000,28,28,1\], y_train \[48000\] uint8, y_valid \[12000\], y_test \[10000\]$/m);
    // The functional dense model: 784 -> 64 (relu) -> 64 -> ReLU layer -> 10.
    assert.match(s, /Model: "functional"/);
    assert.match(s, row("dense (Dense)", "(None, 64)", "50,240"));
    assert.match(s, row("re_lu (ReLU)", "(None, 64)", "0"));
    assert.match(s, / Total params: 55,050 \(215\.04 KB\)/);
    // The ResNet: 955,018 parameters, the additions fed by the block inputs.
    assert.match(s, /Model: "resnet"/);
    // As in Keras, a "Connected to" cell wraps between its inputs and a name too long for the cell ends in "…".
    assert.match(s, /│ add \(Add\) +│ \(None, 14, 14, 64\) +│ +0 │ max_pooling2d\[0\]\[0\], +│\n│ +│ +│ +│ batch_normalization_1\[0\]\[… │/);
    assert.match(s, /│ add_1 \(Add\) +│ \(None, 14, 14, 64\) +│ +0 │ re_lu_2\[0\]\[0\], +│\n│ +│ +│ +│ batch_normalization_3\[0\]\[… │/);
    assert.match(s, row("dense_3 (Dense)", "(None, 256)", "803,072"));
    assert.match(s, / Total params: 955,018 \(3\.64 MB\)\n Trainable params: 954,506 \(3\.64 MB\)\n Non-trainable params: 512 \(2\.00 KB\)/);
    // SGD at batch 256 on the 512 QUICK images: 2 steps per epoch.
    assert.match(s, /^2\/2 .*accuracy: \d\.\d{4} - loss: \d+\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d+\.\d{4}$/m);
    assert.match(s, /^ResNet: val_accuracy \d\.\d{4} after 1 epochs \(the notebook: 0\.8455 after 5\)/m);
    // Next to History's figures, what Keras 3's progress bar (which the notebook printed) showed.
    assert.match(s, /^epoch 1: accuracy \d\.\d{4}, loss \d+\.\d{4} \(Keras 3's bar would show \d\.\d{4}, \d+\.\d{4}; the notebook's bar: 0\.5891, 1\.3718\)$/m);
    assert.match(s, /^ResNet: test loss \d+\.\d{4}, test accuracy \d\.\d{4}$/m);
    // The comparison: 2 runs of each, their final accuracies and the band figure.
    assert.equal(s.match(/^comparison run [12]\/2: (with residual connections|without \(plain CNN\)) \(955,018 parameters\)$/gm)?.length, 4);
    assert.match(s, /^with residual connections: final val_accuracy \d\.\d{4} ± \d+\.\d{4} \(95%, 2 runs\)$/m);
    assert.match(s, /^without \(plain CNN\): final val_accuracy \d\.\d{4} ± \d+\.\d{4} \(95%, 2 runs\)$/m);
    assert.deepEqual(readdirSync(out).sort(), ["residual-vs-plain.png", "resnet-history.png"]);
    for (const f of readdirSync(out)) {
      const png = readFileSync(join(out, f));
      assert.ok(png.length > 5000 && png.subarray(1, 4).toString() === "PNG", `${f} holds a figure`);
    }
    // --save-initial: the compiled ResNet as it was before fit (BatchNormalization's moving
    // statistics still at their initial zeros and ones; zero biases).
    assert.match(s, /^\(initial weights saved to .*initial\.keras\)$/m);
    const saved = await tf.models.loadModel(initial);
    assert.equal(saved.countParams(), 955_018);
    const bn = saved.getLayer("batch_normalization");
    assert.deepEqual(bn.getWeights().map((w) => [...new Set(w.dataSync() as Float32Array)]), [[1], [0], [0], [1]]);
    assert.deepEqual([...new Set(saved.getLayer("dense_3").getWeights()[1].dataSync() as Float32Array)], [0]);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(initialDir, { recursive: true, force: true });
  }
});

test("examples/001-resnet.ts refuses bad flags with the usage line", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-001-"));
  try {
    for (const [args, message] of [
      [["--compare-runs=-1"], /001: --compare-runs must be an integer >= 0, got "-1"/],
      [["--split-random-state", "x"], /001: --split-random-state must be an integer >= 0, got "x"/],
      [["--batch", "3"], /001: Unknown option '--batch'/],
    ] as const) {
      const r = run(out, [...args], false);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: npm run example -- 001/);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
