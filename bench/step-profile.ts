// Where a reference model's training step goes on the native backend: every backend call is timed
// (wrapped), grouped by method and shape, and the step's wall time not spent in backend calls is
// reported as JS overhead (tape, op dispatch, allocation, GC).
//
//   npx tsx bench/step-profile.ts MODEL [steps]
import * as tf from "../src/index.js";
import type { Backend, Conv2DInfo } from "../src/backend/backend.js";
import { backend, registerBackend, setBackend } from "../src/backend/registry.js";
import { isModelName, REFERENCE_MODELS } from "../src/cli/reference-models.js";
import { referenceStepSetup } from "./paired.js";

const name = process.argv[2] ?? "resnet";
const steps = Number(process.argv[3] ?? 10);
if (!isModelName(name)) throw new Error(`step-profile: unknown model "${name}"`);

const inner = backend();
const totals = new Map<string, { ms: number; calls: number }>();
let inCall = 0;
const isConv = (v: unknown): v is Conv2DInfo => typeof v === "object" && v !== null && "filterHeight" in v && "outChannels" in v;
function label(method: string, args: unknown[]): string {
  const info = args.find(isConv);
  if (info) {
    return `${method} ${info.batch}x${info.inHeight}x${info.inWidth}x${info.inChannels} ${info.filterHeight}x${info.filterWidth}/${info.strideHeight} -> ${info.outChannels}`;
  }
  const sizes = args.filter((a) => ArrayBuffer.isView(a)).map((a) => (a as Float32Array).length);
  const op = typeof args[0] === "string" ? ` ${args[0]}` : "";
  return `${method}${op} [${sizes.slice(0, 3).join(",")}]`;
}
const wrapped = new Proxy(inner, {
  get(target, prop, recv) {
    const v = Reflect.get(target, prop, recv) as unknown;
    if (typeof v !== "function") return v;
    return (...args: unknown[]) => {
      if (inCall > 0) return (v as (...a: unknown[]) => unknown).apply(target, args);
      inCall++;
      const s = performance.now();
      try { return (v as (...a: unknown[]) => unknown).apply(target, args); } finally {
        inCall--;
        const key = label(String(prop), args);
        const e = totals.get(key) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - s; e.calls++;
        totals.set(key, e);
      }
    };
  },
}) as Backend;
registerBackend("profiled", () => wrapped);
setBackend("profiled");

const spec = REFERENCE_MODELS[name];
const { model, x, y } = referenceStepSetup(tf, spec);
for (let i = 0; i < 3; i++) model.trainOnBatch(x, y);
totals.clear();
const s = performance.now();
for (let i = 0; i < steps; i++) model.trainOnBatch(x, y);
const wall = (performance.now() - s) / steps;
const rows = [...totals].map(([k, v]) => [k, v.ms / steps, v.calls / steps] as const).sort((a, b) => b[1] - a[1]);
const inKernels = rows.reduce((t, r) => t + r[1], 0);
console.log(`${name}: ${wall.toFixed(1)} ms per step, ${inKernels.toFixed(1)} ms in backend calls, ${(wall - inKernels).toFixed(1)} ms outside`);
for (const [k, ms, calls] of rows) if (ms > 0.05) console.log(`${ms.toFixed(2).padStart(8)} ms ${(100 * ms / wall).toFixed(1).padStart(5)}%  x${calls}  ${k}`);
