// `npx tsx bench/lstm_predict.ts [runs]`: times model.predict of one LSTM(64) over [32, 50, 32]
// inputs (one batch) in this process, after warm-up, and prints the median and best of the runs;
// also a GRU(64) and a SimpleRNN(64) of the same shape, and a fit step of the LSTM for comparison.
import * as tf from "../src/index.js";

const runs = Number(process.argv[2] ?? 20);
tf.random.setSeed(1);
const x = tf.random.normal([32, 50, 32]);
const y = tf.random.normal([32, 64]);

function time(label: string, f: () => void): void {
  for (let i = 0; i < 3; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${ms[Math.floor(ms.length / 2)].toFixed(2)} ms, best ${ms[0].toFixed(2)} ms (${runs} runs, backend ${tf.getBackend()})`);
}

for (const [name, make] of [
  ["LSTM(64)", () => tf.layers.LSTM(64)],
  ["GRU(64)", () => tf.layers.GRU(64)],
  ["SimpleRNN(64)", () => tf.layers.SimpleRNN(64)],
] as const) {
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [50, 32] }), make()]);
  time(`${name} predict [32, 50, 32]`, () => model.predict(x, { batchSize: 32 }));
  if (name === "LSTM(64)") {
    model.compile({ loss: "mse", optimizer: "sgd" });
    time(`${name} trainOnBatch [32, 50, 32]`, () => model.trainOnBatch(x, y));
  }
}
