// Paired timing of the sign-dependent elementwise kernels (activations, their gradients, maximum /
// minimum against a scalar as clip uses them) on two builds of the addon, abs as the branch-free
// control: 3.2M N(0, 1) float32 values, half of them negative, as resnet's activations. Prints each
// kernel's median times and the per-pair ratios old/new (> 1: the new build is faster).
//
//   npx tsx bench/activation-ab.ts OLD/lamina.node run [pairs]
import type { Backend, UnaryOp } from "../src/backend/backend.js";
import { loadAddonPair } from "./addon_pair.js";
import { paired } from "./paired.js";
import { rng } from "../src/backend/native/kernel_cases.js";

const { rest, newB, oldB } = loadAddonPair("usage: npx tsx bench/activation-ab.ts OLD/lamina.node run [pairs]");
const pairs = Number(rest[0] ?? 21);

/** The kernel timed on both builds in alternation (bench/paired.ts). */
const ab = (name: string, run: (b: Backend) => void): void => paired(name, pairs, (useNew) => run(useNew ? newB : oldB));

const N = 3_211_264;  // 256 x 14 x 14 x 64, resnet's activations
const r = rng(7);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const x = Float32Array.from({ length: N }, normal), dy = Float32Array.from({ length: N }, normal);
const y = new Float32Array(N), dx = new Float32Array(N);
const ops: UnaryOp[] = ["abs", "relu", "relu6", "leakyRelu", "elu", "selu", "sign"];
for (const op of ops) {
  ab(`${op}`, (b) => b.unary(op, x, y, 0.2));
  ab(`${op} gradient`, (b) => b.unaryGrad(op, x, y, dy, dx, 0.2));
}
const lo = Float32Array.of(-1), hi = Float32Array.of(1);
ab("maximum(x, -1)", (b) => b.binary("maximum", x, [N], lo, [1], y, [N]));
ab("minimum(x, 1)", (b) => b.binary("minimum", x, [N], hi, [1], y, [N]));
