// The two builds of the native addon that the paired bench scripts (addon-ab.ts, narrow-conv.ts)
// alternate: the new one is build/Release/lamina.node, the old one a copy given on the command line.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "../src/backend/backend.js";
import { createNativeBackend, type NativeAddon } from "../src/backend/native/index.js";

export interface AddonPair {
  mode: string;
  rest: string[];
  newB: Backend;
  oldB: Backend;
}

/** Reads `OLD/lamina.node MODE ...rest` from argv (exits with the usage line without them) and loads both builds. */
export function loadAddonPair(usage: string): AddonPair {
  const [oldPath, mode, ...rest] = process.argv.slice(2);
  if (oldPath === undefined || mode === undefined) {
    console.error(usage);
    process.exit(2);
  }
  const req = createRequire(import.meta.url);
  const newPath = fileURLToPath(new URL("../build/Release/lamina.node", import.meta.url));
  const [newAddon, oldAddon] = [newPath, resolve(oldPath)].map((p) => req(p) as NativeAddon);
  const [newB, oldB] = [newAddon, oldAddon].map(createNativeBackend);
  console.log(`simd ${newAddon.info().simd} / ${oldAddon.info().simd}, threads ${newAddon.info().threads}`);
  return { mode, rest, newB, oldB };
}
