// `npx tsx bench/softmax_accuracy.ts` (LAMINA_SIMD=avx2 for the AVX2 rows): the native float32
// softmax and logSoftmax against the float64 computation (the JS kernel on float64 inputs), in
// float32 ulps of the reference: the largest distance and how many outputs differ from the
// float64 value rounded to float32, over random logits at several scales and row lengths.
import { nativeAddon } from "../src/backend/native/index.js";
import { randomF32 } from "../src/backend/native/kernel_cases.js";
import { logSoftmax, softmax } from "../src/backend/js/softmax.js";

const addon = nativeAddon();
if (addon === null) throw new Error("softmax_accuracy: the native addon is not built");
console.log(`simd ${addon.info().simd}`);

function ulps(got: number, want: number): number {
  if (Object.is(got, want) || got === want) return 0;
  const f = new Float32Array([got, want]);
  const i = new Int32Array(f.buffer);
  // distance between the float32 bit patterns (same sign assumed; different signs count as huge)
  return Math.sign(f[0]) !== Math.sign(f[1]) ? Infinity : Math.abs(i[0] - i[1]);
}

for (const log of [false, true]) {
  let worst = 0, differ = 0, total = 0;
  let seed = 1;
  for (const [rows, cols] of [[4096, 128], [2000, 10], [256, 1000], [64, 33], [8, 70001]]) {
    for (const scale of [1, 5, 30]) {
      const x = randomF32(rows * cols, seed++);
      for (let i = 0; i < x.length; i++) x[i] *= scale;
      const got = new Float32Array(rows * cols);
      addon.softmax(x, got, rows, cols, log);
      const ref = new Float64Array(rows * cols);
      (log ? logSoftmax : softmax)(Float64Array.from(x), rows, cols, ref);
      const want = Float32Array.from(ref);
      for (let i = 0; i < want.length; i++) {
        const u = ulps(got[i], want[i]);
        if (u > 0) differ++;
        worst = Math.max(worst, u);
      }
      total += want.length;
    }
  }
  console.log(`${log ? "logSoftmax" : "softmax"}: max ${worst} ulp from the float64 value rounded to float32; ${differ} of ${total} outputs differ (${(100 * differ / total).toFixed(4)}%)`);
}
