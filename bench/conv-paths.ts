// One 3x3 stride-1 SAME convolution's three kernels (forward, input gradient, filter gradient),
// paired as bench/paired.ts does. Without OLD: Winograd against im2col on this build (the same call
// alternates LAMINA_WINOGRAD=1 and =0, which the addon reads per call; old/new = im2col / Winograd).
// With OLD: this build (new) against another build of the addon (old), each on its own chosen path.
//
//   npx tsx bench/conv-paths.ts BATCH H W C O [pairs] [OLD/lamina.node]
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Backend } from "../src/backend/backend.js";
import { createNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/index.js";
import { convGeometry, randomF32 } from "../src/backend/native/kernel_cases.js";
import { paired } from "./paired.js";

const [batch, h, w, c, o, pairs = 9] = process.argv.slice(2, 8).map(Number);
const oldPath = process.argv[8];
const addon = nativeAddon();
if (addon === null) throw new Error("conv-paths: the native addon is not built (npm run build:native)");
const nb = createNativeBackend(addon);
const ob = oldPath === undefined ? nb : createNativeBackend(createRequire(import.meta.url)(resolve(oldPath)) as NativeAddon);
const pick = (useNew: boolean): Backend => {
  if (oldPath === undefined) process.env.LAMINA_WINOGRAD = useNew ? "1" : "0";
  return useNew ? nb : ob;
};
const info = convGeometry(batch, h, w, c, o, 3, 3, 1, 1, 1, 1, "SAME");
const x = randomF32(batch * h * w * c, 1), f = randomF32(9 * c * o, 2), dy = randomF32(batch * h * w * o, 3);
const y = new Float32Array(batch * h * w * o), dx = new Float32Array(x.length), dw = new Float32Array(f.length);
const shape = `${batch}x${h}x${w}x${c} -> ${o}`;
paired(`${shape} forward`, pairs, (n) => pick(n).conv2d(x, f, y, info));
paired(`${shape} input gradient`, pairs, (n) => pick(n).conv2dBackpropInput(dy, f, dx, info));
paired(`${shape} filter gradient`, pairs, (n) => { dw.fill(0); pick(n).conv2dBackpropFilter(x, dy, dw, info); });
