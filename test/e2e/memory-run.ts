// Child process of memory.test.ts: trains the bench's resnet model on one backend for a number of
// steps and prints the resident set size after every step as one JSON line. A fresh process per
// backend, so that neither run inherits the other's heap.
import * as tf from "../../src/index.js";
import { buildResnet } from "../../bench/models.js";

const [backend, stepsText, batchText] = process.argv.slice(2);
tf.setBackend(backend);
const steps = Number(stepsText);
const batch = Number(batchText);
tf.random.setSeed(0);
const model = buildResnet();
model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 1e-3 }), loss: "sparse_categorical_crossentropy" });
const x = tf.random.normal([batch, 28, 28, 1]);
const y = tf.random.uniform([batch], 0, 10, { dtype: "int32" });
const rss: number[] = [];
let loss = NaN;
for (let i = 0; i < steps; i++) {
  const out = model.trainOnBatch(x, y);
  loss = Array.isArray(out) ? out[0] : out;
  rss.push(process.memoryUsage.rss());
}
console.log(JSON.stringify({ backend: tf.getBackend(), steps, batch, loss, rss }));
