// `npx tsx bench/depthwise.ts OLD_TREE [pairs]`: depthwise convolutions, this tree against another
// checkout (OLD_TREE: its src/, built addon and node_modules link), alternating in one process
// (bench/paired.ts): the backend's three depthwise kernels alone and tf.depthwiseConv2d on
// [32, 56, 56, 144] with a 3x3 filter (a MobileNetV2 block's), forward and forward + both
// gradients, and one training step (trainOnBatch, batch 16)
// of applications.MobileNetV2 at 96x96, whose 17 depthwise layers run in the native addon since
// native/depthwise.cc and in the JS backend's loops before it.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "../src/index.js";
import type { Backend } from "../src/backend/backend.js";
import { convGeometry } from "../src/backend/native/kernel_cases.js";
import { backend } from "../src/backend/registry.js";
import { paired } from "./paired.js";

const [oldTree, pairsArg] = process.argv.slice(2);
if (oldTree === undefined) {
  console.error("usage: npx tsx bench/depthwise.ts OLD_TREE [pairs]");
  process.exit(2);
}
const old = (await import(pathToFileURL(resolve(oldTree, "src/index.ts")).href)) as typeof tf;
const oldRegistry = (await import(pathToFileURL(resolve(oldTree, "src/backend/registry.ts")).href)) as { backend(): Backend };
const pairs = Number(pairsArg ?? 10);
console.log(`backends: new ${tf.getBackend()}, old ${old.getBackend()}`);

const info = { ...convGeometry(32, 56, 56, 144, 144, 3, 3, 1, 1, 1, 1, "SAME"), depthwise: true };

function setup(lib: typeof tf, be: Backend) {
  lib.random.setSeed(5);
  const x = lib.random.normal([32, 56, 56, 144]);
  const w = lib.random.normal([3, 3, 144, 1]);
  const dy = lib.random.normal([32, 56, 56, 144]);
  const both = lib.grads((a: tf.Tensor, b: tf.Tensor) => lib.depthwiseConv2d(a, b, { padding: "same" }));
  const model = lib.applications.MobileNetV2({ inputShape: [96, 96, 3], weights: null, classes: 10 });
  model.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
  const images = lib.random.normal([16, 96, 96, 3]);
  const labels = lib.oneHot(lib.constant(Array.from({ length: 16 }, (_, i) => i % 10), [16], "int32"), 10);
  const [xa, wa, dya] = [x, w, dy].map((t) => t.dataSync() as Float32Array);
  const out = new Float32Array(xa.length), dw = new Float32Array(wa.length);
  return { lib, be, x, w, dy, both, model, images, labels, xa, wa, dya, out, dw };
}
const s = new Map([true, false].map((useNew) => [useNew, setup(useNew ? tf : old, useNew ? backend() : oldRegistry.backend())] as const));

paired("backend conv2d, depthwise [32,56,56,144] 3x3", pairs, (n) => { const { be, xa, wa, out } = s.get(n)!; be.conv2d(xa, wa, out, info); });
paired("backend conv2dBackpropInput, the same", pairs, (n) => { const { be, dya, wa, out } = s.get(n)!; be.conv2dBackpropInput(dya, wa, out, info); });
paired("backend conv2dBackpropFilter, the same", pairs, (n) => { const { be, xa, dya, dw } = s.get(n)!; be.conv2dBackpropFilter(xa, dya, dw, info); });

paired("depthwiseConv2d [32,56,56,144] 3x3 forward", pairs, (n) => { const { lib, x, w } = s.get(n)!; lib.depthwiseConv2d(x, w, { padding: "same" }); });
paired("depthwiseConv2d [32,56,56,144] 3x3 fwd + dx + dw", pairs, (n) => { const { x, w, dy, both } = s.get(n)!; both([x, w], dy); });
paired("MobileNetV2 96x96 trainOnBatch(16)", Math.max(3, Math.floor(pairs / 2)), (n) => {
  const { model, images, labels } = s.get(n)!;
  model.trainOnBatch(images, labels);
});
