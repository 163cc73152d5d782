import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../test/support/example-timeout.js";
import * as tf from "../src/index.js";

/** Runs the example in QUICK mode, offline, with the data sets of `datasetsDir`. */
function run(datasetsDir: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", "examples/004-mnist-convnet.ts"], {
    encoding: "utf8", timeout: exampleTimeout(120_000),
    env: { ...process.env, QUICK: "1", LAMINA_OFFLINE: "1", LAMINA_DATASETS: datasetsDir, KERAS_HOME: join(datasetsDir, "keras") },
  });
}

test("examples/004-mnist-convnet.ts prints the notebook's two summaries and says how to get MNIST when it is absent", () => {
  const empty = mkdtempSync(join(tmpdir(), "lamina-004-"));
  try {
    const out = run(empty);
    assert.match(out, /^\d+\.\d+\.\d+\nModel: "sequential"\n/); // keras.__version__, then the first summary
    // The notebook's counts: 18,816 for the convolutional base, 121,930 with the classifier.
    assert.match(out, / Total params: 18,816 \(73\.50 KB\)/);
    assert.match(out, / Total params: 121,930 \(476\.29 KB\)/);
    assert.match(out, /conv2d_1 \(Conv2D\) +│ \(None, 11, 11, 64\) +│ +18,496 │/);
    assert.match(out, /MNIST is not available on this machine, so the training cells are skipped:\ndatasets\.mnist\.loadData: /);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("examples/004-mnist-convnet.ts trains and evaluates when MNIST is present", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-004-"));
  try {
    // Images whose class is visible (a bright bar at row 2 * label), so one epoch learns something.
    const n = 600, nTest = 200;
    const make = (count: number, offset: number): [tf.Tensor, tf.Tensor] => {
      const x = new Uint8Array(count * 784), y = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const label = (i + offset) % 10;
        y[i] = label;
        for (let c = 4; c < 24; c++) x[i * 784 + (2 * label + 4) * 28 + c] = 255;
      }
      return [tf.constant(x, [count, 28, 28], "uint8"), tf.constant(y, [count], "uint8")];
    };
    const [xTrain, yTrain] = make(n, 0), [xTest, yTest] = make(nTest, 3);
    writeFileSync(join(dir, "mnist.npz"), tf.data.encodeNpz({ x_train: xTrain, y_train: yTrain, x_test: xTest, y_test: yTest }));
    const out = run(dir);
    // fit then evaluate, each with Keras' one-line log when stdout is not a terminal (600 / 64 -> 10 steps)
    assert.match(out, /^10\/10 - \d+s - \d+(m|u)?s\/step - accuracy: \d\.\d{4} - loss: \d+\.\d{4}$/m);
    const m = /^test_loss (\d+\.\d{4}), test_acc (\d\.\d{4})$/m.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[2]) > 0.5, `test accuracy ${m[2]} on bars that give the label away`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
