// In-process timing of the native math, sorting and counting kernels against the JS kernels they
// replace (the same Backend calls on the same arrays): median milliseconds over repeated runs and
// the ratio js / native (> 1: native is faster). Not a test; run by hand after changing native/.
//
//   npx tsx bench/native-math.ts [repeats]
import type { Backend } from "../src/backend/backend.js";
import { createJsBackend } from "../src/backend/js/index.js";
import { createNativeBackend, nativeAddon } from "../src/backend/native/index.js";
import { randomF32, rng } from "../src/backend/native/kernel_cases.js";

const addon = nativeAddon();
if (addon === null) {
  console.error("native-math: the addon is not built; run npm run build:native");
  process.exit(1);
}
const repeats = Number(process.argv[2] ?? 15);
const js = createJsBackend(), native = createNativeBackend(addon);
console.log(`simd ${addon.info().simd}, threads ${addon.info().threads}, ${repeats} runs each`);

const median = (x: number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];

function time(run: (b: Backend) => void, b: Backend): number {
  for (let i = 0; i < 2; i++) run(b);
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    run(b);
    t.push(performance.now() - s);
  }
  return median(t);
}

function bench(name: string, run: (b: Backend) => void): void {
  const tj = time(run, js), tn = time(run, native);
  console.log(`${name.padEnd(46)} js ${tj.toFixed(3).padStart(9)} ms  native ${tn.toFixed(3).padStart(8)} ms  x${(tj / tn).toFixed(1)}`);
}

const N = 1 << 20;
const x = randomF32(N, 1).map((v) => v * 4), y = new Float32Array(N), dy = randomF32(N, 2), dx = new Float32Array(N);
const unit = randomF32(N, 3);
for (const op of ["sin", "tan", "atan", "asin", "sinh", "log2", "log10", "log1p", "erf", "gelu", "geluTanh", "softplus", "swish", "elu", "round"] as const) {
  const input = op === "asin" ? unit : op === "log2" || op === "log10" ? x.map(Math.abs) : x;
  bench(`unary ${op} [2^20]`, (b) => b.unary(op, input, y, 1));
  js.unary(op, input, y, 1);
  bench(`unaryGrad ${op} [2^20]`, (b) => b.unaryGrad(op, input, y, dy, dx, 1));
}
const bool = new Uint8Array(N);
bench("isFinite [2^20]", (b) => b.unary("isFinite", x, bool, 0));
const pos = x.map(Math.abs);
for (const op of ["pow", "atan2", "mod", "floorDiv"] as const) {
  bench(`binary ${op} [2^20]`, (b) => b.binary(op, pos, [N], dy, [N], y, [N]));
}

const r = rng(4);
const logits = new Float32Array(256 * 1000).map(() => r());
const idx = new Int32Array(256 * 1000);
bench("sortIndices topk k=5 [256, 1000]", (b) => b.sortIndices(logits, 256, 1000, 5, true, idx));
bench("sortIndices argsort [256, 1000]", (b) => b.sortIndices(logits, 256, 1000, 1000, false, idx));
const long = randomF32(N, 5), longIdx = new Int32Array(N);
bench("sortIndices argsort [1, 2^20] (radix)", (b) => b.sortIndices(long, 1, N, N, false, longIdx));
const ints = Int32Array.from(long, (v) => Math.round(v * 100));
bench("sortIndices argsort int32 [1, 2^20]", (b) => b.sortIndices(ints, 1, N, N, false, longIdx));

bench("cumulative sum [1024, 1024] axis 1", (b) => b.cumulative("sum", x, 1024, 1024, 1, false, false, y));
bench("cumulative sum [1024, 1024] axis 0", (b) => b.cumulative("sum", x, 1, 1024, 1024, false, false, y));
bench("cumulative prod reverse exclusive [1024, 1024] axis 1", (b) => b.cumulative("prod", unit, 1024, 1024, 1, true, true, y));

const labels = Int32Array.from({ length: N }, () => Math.floor(r() * 100));
const counts = new Int32Array(100), sums = new Float32Array(100);
bench("bincount [2^20] -> 100", (b) => { counts.fill(0); b.bincount(labels, 1, N, null, 100, counts); });
bench("bincount weighted float32 [2^20] -> 100", (b) => { sums.fill(0); b.bincount(labels, 1, N, dy, 100, sums); });
const rowCounts = new Int32Array(1024 * 100);
bench("bincount [1024, 1024] -> [1024, 100]", (b) => { rowCounts.fill(0); b.bincount(labels, 1024, 1024, null, 100, rowCounts); });
