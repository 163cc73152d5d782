// `npm run bench`: prints one JSON line per measurement (format: ../shared/bench/README.md).
// Today it measures the GEMM; the six reference models need the layers and models of the Keras
// API, which are not built yet, and asking for them says so.
import { parseArgs } from "node:util";
import * as tf from "../src/index.js";

const MODELS = ["mlp", "cnn", "resnet", "mnist_convnet", "cifar_cnn", "vgg16"];

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    "target-s": { type: "string", default: "15" },
    gemm: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`usage: npm run bench -- [--gemm] [--model NAME[,NAME]] [--target-s S]
  --gemm        2048x2048x2048 float32 matmul, GFLOP/s
  --model       reference models (${MODELS.join(", ")}): not available until layers and models land
  --target-s    seconds to time each measurement (default 15)`);
  process.exit(0);
}

const targetS = Number(values["target-s"]);
if (!(targetS > 0)) {
  console.error(`bench: --target-s must be a positive number of seconds, got "${values["target-s"]}"`);
  process.exit(2);
}

if (values.model !== undefined) {
  const names = values.model.split(",");
  const unknown = names.filter((n) => !MODELS.includes(n));
  if (unknown.length) {
    console.error(`bench: unknown model ${unknown.join(", ")}; the reference models are ${MODELS.join(", ")}`);
    process.exit(2);
  }
  console.error(`bench: the reference models (${names.join(", ")}) need lamina's layers and models, which are not built yet (issue "Keras API"); only --gemm can be measured today`);
  process.exit(2);
}

function gemmBench(): void {
  const n = 2048;
  const a = tf.random.normal([n, n], 0, 1, { seed: 1 });
  const b = tf.random.normal([n, n], 0, 1, { seed: 2 });
  tf.matmul(a, b); // warm-up: JIT and packing buffers
  let reps = 0;
  const t0 = performance.now();
  do {
    tf.matmul(a, b);
    reps++;
  } while ((performance.now() - t0) / 1000 < targetS || reps < 2);
  const seconds = (performance.now() - t0) / 1000;
  const gflops = (2 * n ** 3 * reps) / seconds / 1e9;
  console.log(JSON.stringify({ engine: `lamina-${tf.getBackend()}`, gemm: `${n}x${n}x${n} fp32`, threads: 1, gflops: Number(gflops.toFixed(2)), notes: `reps=${reps}` }));
}

gemmBench();
