// `npx tsx bench/softmax.ts OLD_TREE [pairs]`: tf.softmax and tf.logSoftmax over [32768, 128]
// (4M scores, the attention weights of MultiHeadAttention(8 heads) on [32, 128, 64]), the
// gradient of a softmax, and that MultiHeadAttention's forward pass; this tree against another
// checkout (OLD_TREE: its src/, built addon and node_modules link), alternating in one process
// (bench/paired.ts).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "../src/index.js";
import { paired } from "./paired.js";

const [oldTree, pairsArg] = process.argv.slice(2);
if (oldTree === undefined) {
  console.error("usage: npx tsx bench/softmax.ts OLD_TREE [pairs]");
  process.exit(2);
}
const old = (await import(pathToFileURL(resolve(oldTree, "src/index.ts")).href)) as typeof tf;
const pairs = Number(pairsArg ?? 30);
console.log(`backends: new ${tf.getBackend()}, old ${old.getBackend()}`);

function setup(lib: typeof tf) {
  lib.random.setSeed(3);
  const scores = lib.mul(lib.random.normal([32768, 128]), 4);
  const dy = lib.random.normal([32768, 128]);
  const q = lib.random.normal([32, 128, 64]);
  const mha = lib.layers.MultiHeadAttention({ numHeads: 8, keyDim: 8 });
  mha.apply([q, q]);
  const grad = lib.grad((x: tf.Tensor) => lib.sum(lib.mul(lib.softmax(x), dy)));
  return { lib, scores, q, mha, grad };
}
const s = new Map([true, false].map((useNew) => [useNew, setup(useNew ? tf : old)] as const));

paired("softmax [32768, 128]", pairs, (n) => { const { lib, scores } = s.get(n)!; lib.softmax(scores); });
paired("logSoftmax [32768, 128]", pairs, (n) => { const { lib, scores } = s.get(n)!; lib.logSoftmax(scores); });
paired("grad of sum(softmax(x) * dy) [32768, 128]", pairs, (n) => { const { scores, grad } = s.get(n)!; grad(scores); });
paired("MultiHeadAttention(8 heads) forward [32, 128, 64]", pairs, (n) => { const { q, mha } = s.get(n)!; mha.apply([q, q]); });
