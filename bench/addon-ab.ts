// Paired timing of two builds of the native addon in one process: each call (or training step) runs
// on the new and the old build alternately, with a short pause before each, so that load from other
// jobs on a shared machine hits both alike; prints the median times and the median and quartiles of
// the per-pair ratios old/new (> 1: the new build is faster). Whole-program runs on a busy machine
// move by far more than the kernels' differences.
//
//   npx tsx bench/addon-ab.ts OLD/lamina.node kernels [pairs]        the single-channel conv kernels
//   npx tsx bench/addon-ab.ts OLD/lamina.node model NAME [pairs]     training steps and inference of a reference model
//   npx tsx bench/addon-ab.ts OLD/lamina.node matmul [pairs]         GEMM shapes
//   npx tsx bench/addon-ab.ts OLD/lamina.node input-grad [pairs]     conv input gradients of vgg16 / cifar_cnn shapes
//   npx tsx bench/addon-ab.ts OLD/lamina.node grouped [pairs]        narrow-group convs (block-diagonal filter): forward, input gradient
// The new build is build/Release/lamina.node; LAMINA_SIMD picks the instruction set for both.
import * as tf from "../src/index.js";
import type { Backend } from "../src/backend/backend.js";
import { loadAddonPair } from "./addon_pair.js";
import { referenceStepSetup } from "./paired.js";
import { convGeometry, randomF32 } from "../src/backend/native/kernel_cases.js";
import { registerBackend, setBackend } from "../src/backend/registry.js";
import { isModelName, REFERENCE_MODELS } from "../src/cli/reference-models.js";

const USAGE = "usage: npx tsx bench/addon-ab.ts OLD/lamina.node (kernels | matmul | input-grad | grouped | model NAME) [pairs]";
const { mode, rest, newB, oldB } = loadAddonPair(USAGE);

const pause = new Int32Array(new SharedArrayBuffer(4));
const median = (x: number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];
const quantile = (x: number[], f: number): number => [...x].sort((p, q) => p - q)[Math.floor(f * (x.length - 1))];

/** `pairs` alternated runs of run(true) (new) and run(false) (old), order swapped every pair. */
function ab(name: string, pairs: number, run: (useNew: boolean) => void): void {
  for (let i = 0; i < 3; i++) { run(true); run(false); }
  const tNew: number[] = [], tOld: number[] = [], ratio: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const t = new Map<boolean, number>();
    for (const useNew of i % 2 === 0 ? [true, false] : [false, true]) {
      Atomics.wait(pause, 0, 0, 3);
      const s = performance.now();
      run(useNew);
      t.set(useNew, performance.now() - s);
    }
    tNew.push(t.get(true)!); tOld.push(t.get(false)!); ratio.push(t.get(false)! / t.get(true)!);
  }
  console.log(`${name.padEnd(40)} new ${median(tNew).toFixed(3)} ms  old ${median(tOld).toFixed(3)} ms  ` +
    `old/new per pair: median ${median(ratio).toFixed(3)} [q1 ${quantile(ratio, 0.25).toFixed(3)}, q3 ${quantile(ratio, 0.75).toFixed(3)}] (${pairs} pairs)`);
}

const pick = (useNew: boolean): Backend => (useNew ? newB : oldB);

if (mode === "kernels") {
  const pairs = Number(rest[0] ?? 150);
  for (const pad of ["VALID", "SAME"] as const) {
    for (const o of [32, 24]) {
      const info = convGeometry(64, 28, 28, 1, o, 3, 3, 1, 1, 1, 1, pad);
      const ySize = 64 * info.outHeight * info.outWidth * o;
      const x = randomF32(64 * 784, 1), f = randomF32(9 * o, 2), bias = randomF32(o, 3), dy = randomF32(ySize, 4);
      const y = new Float32Array(ySize), dw = new Float32Array(9 * o), db = new Float32Array(o);
      newB.conv2dBiasActivation(x, f, bias, "relu", y, info);
      ab(`conv 1->${o} 3x3 ${pad} fwd+bias+relu`, pairs, (n) => pick(n).conv2dBiasActivation(x, f, bias, "relu", y, info));
      ab(`conv 1->${o} 3x3 ${pad} dW`, pairs, (n) => { dw.fill(0); pick(n).conv2dBackpropFilter(x, dy, dw, info); });
      ab(`conv 1->${o} 3x3 ${pad} dW+db (relu)`, pairs, (n) => pick(n).conv2dBackpropFilterBiasActivation(x, dy, y, "relu", dw, db, info));
    }
  }
} else if (mode === "matmul") {
  const pairs = Number(rest[0] ?? 100);
  for (const [m, k, n] of [[3136, 288, 64], [64, 1600, 10], [1600, 64, 10], [512, 512, 512], [4096, 32, 64], [256, 64, 256]]) {
    const a = randomF32(m * k, 1), b = randomF32(k * n, 2), out = new Float32Array(m * n);
    ab(`matmul ${m}x${k}x${n}`, pairs, (nw) => pick(nw).matmul(a, b, out, 1, m, k, n, false, false, 0, 0));
  }
} else if (mode === "input-grad") {
  // The 3x3 SAME convolutions of vgg16 and cifar_cnn at their training batch (32) [map, in, out, k]
  // and two 5x5 ones: their input gradients as chosen (Winograd's turned filter, col2im, tap-wise) and
  // with LAMINA_WINOGRAD=0, where the small filters take the turned-filter convolution.
  const pairs = Number(rest[0] ?? 60);
  const shapes = [[32, 32, 64, 3], [32, 64, 64, 3], [16, 64, 128, 3], [16, 128, 128, 3], [8, 128, 256, 3], [8, 256, 256, 3],
    [4, 256, 512, 3], [4, 512, 512, 3], [2, 512, 512, 3], [32, 32, 32, 5], [16, 64, 64, 5]];
  for (const winograd of [undefined, "0"]) {
    if (winograd === undefined) delete process.env.LAMINA_WINOGRAD;
    else process.env.LAMINA_WINOGRAD = winograd;
    for (const [hw, c, o, k] of shapes) {
      const info = convGeometry(32, hw, hw, c, o, k, k, 1, 1, 1, 1, "SAME");
      const dy = randomF32(32 * hw * hw * o, 1), f = randomF32(k * k * c * o, 2), dx = new Float32Array(32 * hw * hw * c);
      ab(`dx ${hw}x${hw}x${c} -> ${o} ${k}x${k}${winograd === undefined ? "" : " WINOGRAD=0"}`, pairs, (nw) => pick(nw).conv2dBackpropInput(dy, f, dx, info));
    }
  }
} else if (mode === "grouped") {
  // Grouped convolutions whose narrow groups run as one convolution with the block-diagonal filter,
  // batch 32, one per path of the dense convolution [map, in, out, k, stride, dilation, groups]:
  // Winograd (3x3 stride 1), per-task im2col (stride 2, dilation 2, 5x5), the pointwise GEMM,
  // tap by tap (2x2 maps); input gradients by Winograd's turned filter, col2im, the turned-filter convolution.
  const pairs = Number(rest[0] ?? 40);
  const shapes = [[32, 32, 32, 3, 1, 1, 4], [16, 64, 64, 3, 1, 1, 8], [32, 32, 32, 3, 2, 1, 4], [32, 32, 32, 3, 1, 2, 4],
    [32, 16, 32, 5, 1, 1, 2], [16, 64, 64, 1, 1, 1, 4], [2, 64, 64, 3, 1, 1, 4]];
  for (const [hw, c, o, k, s, d, groups] of shapes) {
    const info = { ...convGeometry(32, hw, hw, c, o, k, k, s, s, d, d, "SAME"), groups };
    const ySize = 32 * info.outHeight * info.outWidth * o;
    const x = randomF32(32 * hw * hw * c, 1), f = randomF32(k * k * (c / groups) * o, 2), dy = randomF32(ySize, 3);
    const y = new Float32Array(ySize), dx = new Float32Array(x.length);
    const what = `${hw}x${hw}x${c} -> ${o} ${k}x${k}${s > 1 ? ` s${s}` : ""}${d > 1 ? ` d${d}` : ""} g${groups}`;
    ab(`fwd ${what}`, pairs, (nw) => pick(nw).conv2d(x, f, y, info));
    ab(`dx ${what}`, pairs, (nw) => pick(nw).conv2dBackpropInput(dy, f, dx, info));
  }
} else if (mode === "model") {
  const name = rest[0] ?? "";
  if (!isModelName(name)) throw new Error(`addon-ab: unknown model "${name}"\n${USAGE}`);
  const pairs = Number(rest[1] ?? 60);
  const spec = REFERENCE_MODELS[name];
  registerBackend("ab-new", () => newB);
  registerBackend("ab-old", () => oldB);
  const setups = new Map([true, false].map((useNew) => {
    const backend = useNew ? "ab-new" : "ab-old";
    setBackend(backend);
    return [useNew, { backend, ...referenceStepSetup(tf, spec) }] as const;
  }));
  ab(`${name} train step (batch ${spec.batch})`, pairs, (useNew) => {
    const s = setups.get(useNew)!;
    setBackend(s.backend);
    s.model.trainOnBatch(s.x, s.y);
  });
  ab(`${name} inference (batch 256)`, pairs, (useNew) => {
    const s = setups.get(useNew)!;
    setBackend(s.backend);
    s.model.predictOnBatch(s.xi).dataSync();
  });
} else {
  console.error(USAGE);
  process.exit(2);
}
