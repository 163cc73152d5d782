// lamina loads the HDF5 library (h5wasm, a 4 MB module) only when a file is opened: importing it
// eagerly cost every `import "lamina"` 0.1 s, and 1.7 s per test file under tsx.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// A module-resolution hook that refuses h5wasm, registered before lamina is imported.
const refuseH5wasm = `
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function resolve(s, c, next) { if (s.startsWith('h5wasm')) throw new Error('h5wasm was loaded'); return next(s, c); }"));
`;

const script = `
const tf = await import("./src/index.ts");
console.log("imported", typeof tf.models.loadModel);
const model = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), tf.layers.Dense(1)]);
const path = (await import("node:path")).join((await import("node:os")).tmpdir(), "lamina-h5-lazy-" + process.pid + ".weights.h5");
try {
  await model.saveWeights(path);
  console.log("saved");
} catch (e) {
  console.log("save:", e.message);
}
`;

test("importing lamina does not load the HDF5 library; opening an .h5 file does", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(refuseH5wasm)}`, "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^imported function$/m);
  // The hook's refusal surfaces once a file is written, which shows that the hook works.
  assert.match(r.stdout, /^save: .*h5wasm was loaded/m);
});
