// Paired timing of convolutions with 1-4 output channels (conv.cc's narrow paths) on two builds of
// the native addon in one process: forward, input gradient (dX) and filter gradient (dW) of each
// shape, or training steps of the GAN guide's models, alternating new and old calls (bench/paired.ts)
// so that load from other jobs hits both alike.
//
//   npx tsx bench/narrow-conv.ts OLD/lamina.node kernels [pairs] [filter]   fwd, dX, dW of each shape
//   npx tsx bench/narrow-conv.ts OLD/lamina.node gan [pairs] [batch]        the GAN guide's training step
// The new build is build/Release/lamina.node; copy the old one out of the tree before rebuilding.
// Pass the same file twice (OLD = build/Release/lamina.node) to see where one build's time goes.
// `filter` keeps the measurements whose name contains it (e.g. "7x7x128", "dW", "s2 SAME").
import * as tf from "../src/index.js";
import type { Backend } from "../src/backend/backend.js";
import { loadAddonPair } from "./addon_pair.js";
import { convGeometry, randomF32, type Padding } from "../src/backend/native/kernel_cases.js";
import { registerBackend, setBackend } from "../src/backend/registry.js";
import { paired } from "./paired.js";

const USAGE = "usage: npx tsx bench/narrow-conv.ts OLD/lamina.node (kernels [pairs] [filter] | gan [pairs] [batch])";
const { mode, rest, newB, oldB } = loadAddonPair(USAGE);
const pick = (useNew: boolean): Backend => (useNew ? newB : oldB);

interface Shape { batch: number; hw: number; k: number; c: number; o: number; s: number; padding: Padding }

/**
 * The GAN's last layers (7x7x128, 5x5x64, 3x3x128 to 1 at 28x28 or 14x14) and their 2-4 output
 * variants, strides 2, VALID padding (no flipped-filter input gradient), few taps, batch 1.
 */
function shapes(): Shape[] {
  const list: Shape[] = [];
  for (const o of [1, 2, 3, 4]) {
    list.push({ batch: 64, hw: 28, k: 7, c: 128, o, s: 1, padding: "SAME" });
    list.push({ batch: 64, hw: 28, k: 5, c: 64, o, s: 1, padding: "SAME" });
    list.push({ batch: 64, hw: 14, k: 3, c: 128, o, s: 1, padding: "SAME" });
    list.push({ batch: 32, hw: 14, k: 5, c: 64, o, s: 2, padding: "SAME" });
    list.push({ batch: 64, hw: 14, k: 3, c: 64, o, s: 1, padding: "SAME" });
  }
  for (const o of [1, 4]) {
    list.push({ batch: 64, hw: 28, k: 5, c: 64, o, s: 1, padding: "VALID" });
    list.push({ batch: 32, hw: 28, k: 3, c: 128, o, s: 2, padding: "VALID" });
    list.push({ batch: 64, hw: 28, k: 3, c: 16, o, s: 1, padding: "SAME" });
    list.push({ batch: 64, hw: 28, k: 3, c: 32, o, s: 2, padding: "SAME" });
    list.push({ batch: 64, hw: 28, k: 3, c: 8, o, s: 2, padding: "SAME" });
    list.push({ batch: 64, hw: 28, k: 3, c: 4, o, s: 1, padding: "SAME" });
    list.push({ batch: 64, hw: 14, k: 3, c: 32, o, s: 1, padding: "SAME" });
    list.push({ batch: 1, hw: 28, k: 7, c: 128, o, s: 1, padding: "SAME" });
    list.push({ batch: 1, hw: 28, k: 5, c: 64, o, s: 2, padding: "SAME" });
  }
  return list;
}

const label = (s: Shape): string => `${s.k}x${s.k}x${s.c}->${s.o} s${s.s} ${s.padding} [${s.batch},${s.hw},${s.hw}]`;

if (mode === "kernels") {
  const pairs = Number(rest[0] ?? 15);
  const filter = rest[1] ?? "";
  for (const s of shapes()) {
    const info = convGeometry(s.batch, s.hw, s.hw, s.c, s.o, s.k, s.k, s.s, s.s, 1, 1, s.padding);
    const xSize = s.batch * s.hw * s.hw * s.c, wSize = s.k * s.k * s.c * s.o;
    const ySize = s.batch * info.outHeight * info.outWidth * s.o;
    const x = randomF32(xSize, 1), w = randomF32(wSize, 2), dy = randomF32(ySize, 3);
    const y = new Float32Array(ySize), dx = new Float32Array(xSize), dw = new Float32Array(wSize);
    const runs: [string, (b: Backend) => void][] = [
      ["fwd", (b) => b.conv2d(x, w, y, info)],
      ["dX", (b) => b.conv2dBackpropInput(dy, w, dx, info)],
      ["dW", (b) => b.conv2dBackpropFilter(x, dy, dw, info)],
    ];
    for (const [what, run] of runs) {
      const name = `${label(s)} ${what}`;
      if (name.includes(filter)) paired(name, pairs, (n) => run(pick(n)));
    }
  }
} else if (mode === "gan") {
  const pairs = Number(rest[0] ?? 10);
  const batch = Number(rest[1] ?? 64);
  registerBackend("ab-new", () => newB);
  registerBackend("ab-old", () => oldB);
  const { layers, models } = tf;
  /** The guide's discriminator and generator (examples/guides/custom-train-step-in-tensorflow.ts). */
  const build = () => {
    const discriminator = new models.Sequential([
      layers.Input({ shape: [28, 28, 1] }),
      layers.Conv2D(64, [3, 3], { strides: [2, 2], padding: "same" }),
      layers.LeakyReLU({ negativeSlope: 0.2 }),
      layers.Conv2D(128, [3, 3], { strides: [2, 2], padding: "same" }),
      layers.LeakyReLU({ negativeSlope: 0.2 }),
      layers.GlobalMaxPooling2D(),
      layers.Dense(1),
    ]);
    const generator = new models.Sequential([
      layers.Input({ shape: [128] }),
      layers.Dense(7 * 7 * 128),
      layers.LeakyReLU({ negativeSlope: 0.2 }),
      layers.Reshape([7, 7, 128]),
      layers.Conv2DTranspose(128, [4, 4], { strides: [2, 2], padding: "same" }),
      layers.LeakyReLU({ negativeSlope: 0.2 }),
      layers.Conv2DTranspose(128, [4, 4], { strides: [2, 2], padding: "same" }),
      layers.LeakyReLU({ negativeSlope: 0.2 }),
      layers.Conv2D(1, [7, 7], { padding: "same", activation: "sigmoid" }),
    ]);
    return { discriminator, generator };
  };
  const setups = new Map([true, false].map((useNew) => {
    const backend = useNew ? "ab-new" : "ab-old";
    setBackend(backend);
    tf.random.setSeed(0);
    const { discriminator, generator } = build();
    const real = tf.random.uniform([batch, 28, 28, 1]);
    const lossFn = tf.losses.BinaryCrossentropy({ fromLogits: true });
    const dOpt = tf.optimizers.Adam({ learningRate: 0.0003 }), gOpt = tf.optimizers.Adam({ learningRate: 0.0003 });
    return [useNew, { backend, discriminator, generator, real, lossFn, dOpt, gOpt }] as const;
  }));
  /** The guide's trainStep: a discriminator step on generated and real images, then a generator step through it. */
  const step = (useNew: boolean): void => {
    const s = setups.get(useNew)!;
    setBackend(s.backend);
    const fake = s.generator.apply(tf.random.normal([batch, 128])) as tf.Tensor;
    const images = tf.concat([fake, s.real], 0);
    const labels = tf.concat([tf.ones([batch, 1]), tf.zeros([batch, 1])], 0);
    let tape = new tf.GradientTape();
    const dLoss = tape.run(() => s.lossFn(labels, s.discriminator.apply(images) as tf.Tensor));
    s.dOpt.apply(tape.gradient(dLoss, s.discriminator.trainableWeights), s.discriminator.trainableWeights);
    const z = tf.random.normal([batch, 128]);
    tape = new tf.GradientTape();
    const gLoss = tape.run(() => s.lossFn(tf.zeros([batch, 1]), s.discriminator.apply(s.generator.apply(z)) as tf.Tensor));
    s.gOpt.apply(tape.gradient(gLoss, s.generator.trainableWeights), s.generator.trainableWeights);
    gLoss.dataSync();
  };
  paired(`GAN guide train step (batch ${batch})`, pairs, step);
} else {
  console.error(USAGE);
  process.exit(2);
}
