// fit(x, { epochs }) without y: the options land where y goes (y is fit's second argument, as in
// Keras) and read as labels keyed by output name; the error says where the options go.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

function model(): tf.models.Model {
  const inputs = tf.layers.Input({ shape: [3] });
  const m = new tf.models.Model({ inputs, outputs: tf.layers.Dense(1, { name: "out" })(inputs) });
  m.compile({ optimizer: "sgd", loss: "mse" });
  return m;
}

test("fit(x, { epochs, batchSize }) names the options and shows fit(x, null, { ... })", async () => {
  const x = tf.ones([4, 3]);
  await assert.rejects(
    model().fit(x, { epochs: 1, batchSize: 2 } as never),
    /^RangeError: fit: y has labels for "epochs", "batchSize", which is not an output of the model; its outputs are named "out"\. epochs, batchSize are options: the second argument is y, options come third \(fit\(x, null, \{ epochs: \.\.\. \}\) without labels\)$/,
  );
  await assert.rejects(model().evaluate(x, { verbose: 0 } as never), /evaluate: y has labels for "verbose", .*\. verbose is an option: the second argument is y, options come third \(evaluate\(x, null, \{ verbose: \.\.\. \}\) without labels\)$/);
  // Keys that are not all options get no hint: they are mistyped output names.
  await assert.rejects(model().fit(x, { epochs: 1, outt: tf.ones([4, 1]) } as never), /its outputs are named "out"$/);
});
