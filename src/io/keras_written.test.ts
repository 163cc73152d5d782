/**
 * Files written by Keras 3 itself (model.save), by test/fixtures/make_keras_saved_by_keras.py:
 * lamina must load them with Keras' predictions and summary, and, taking one more training step
 * on the same batch, land where Keras' step landed (optimizer slots and BatchNormalization
 * statistics restored, not restarted).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const dir = "test/fixtures/keras_files/by_keras";
interface Written {
  file: string;
  x: number[][][][];
  predictions: number[][];
  summary: string;
  x_step: number[][][][];
  y_step: number[];
  loss_step: number;
  predictions_after_step: number[][];
  total_bytes: number;
  optimizer_bytes: number;
  iteration_dtype: string;
}
const fixture = JSON.parse(readFileSync(`${dir}/by_keras.json`, "utf8")) as { keras: string; models: Record<string, Written> };

// The row count first: assertAllClose compares the values flattened.
function assertClose(actual: number[][], want: number[][], tol: number, what: string): void {
  assert.equal(actual.length, want.length, `${what}: rows`);
  assertAllClose(actual, want, { rtol: 0, atol: tol, what: `${what} (vs Keras)` });
}

for (const [name, w] of Object.entries(fixture.models)) {
  test(`${w.file}, saved by Keras ${fixture.keras}: predictions, one more training step and summary as in Keras`, async () => {
    tf.clearSession();
    const model = await tf.models.loadModel(`${dir}/${w.file}`);
    assert.equal(model.name, name);
    assertClose(model.predict(tf.constant(w.x)).arraySync() as number[][], w.predictions, 1e-5, "predictions");
    const loss = model.trainOnBatch(tf.constant(w.x_step), tf.constant(w.y_step));
    assert.ok(Math.abs((Array.isArray(loss) ? loss[0] : loss) - w.loss_step) < 1e-5, `loss of the extra step: ${String(loss)} vs Keras ${w.loss_step}`);
    assertClose(model.predict(tf.constant(w.x)).arraySync() as number[][], w.predictions_after_step, 1e-4, "predictions after the step");
    // Keras' torch backend counts its optimizer's iteration as int32; TensorFlow's, as lamina's, is
    // int64: four more bytes in the total and the optimizer's line. The rest of the text is the same.
    const extra = w.iteration_dtype === "int64" ? 0 : 4;
    const expected = w.summary
      .replace(/^( Total params: [\d,]+) \(.*\)$/m, `$1 (${tf.models.readableBytes(w.total_bytes + extra)})`)
      .replace(/^( Optimizer params: [\d,]+) \(.*\)$/m, `$1 (${tf.models.readableBytes(w.optimizer_bytes + extra)})`);
    assert.equal(model.summary(() => {}, { lineLength: 108 }) + "\n", expected);
  });
}
