import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { layers, models, optimizers } from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { savedOptimizerOrder } from "../io/keras_state.js";

/*
 * Nadam state saved by Keras 3.5 (test/fixtures/make_keras_nadam.py): Keras <= 3.9 lists
 * u_product third among the optimizer variables (after the averages with use_ema), Keras >= 3.10
 * and lamina list it last. A Keras 3.5 file must resume exactly where Keras would.
 */

const dir = "test/fixtures/keras_files/by_keras";
const X = tf.constant(Array.from({ length: 24 }, (_, i) => Math.fround(Math.fround(i / 10) - 1)), [8, 3]);
const Y = tf.constant([[0.5], [-0.3], [0.2], [0.9], [-0.7], [0.1], [0.4], [-0.2]]);

interface Saved { weights: number[]; optimizer: Record<string, number[]>; after_one_more_epoch: number[] }
const keras = JSON.parse(readFileSync(`${dir}/nadam.json`, "utf8")) as { nadam: Saved; nadam_ema: Saved };

function flat(ws: readonly Tensor[]): number[] {
  return ws.flatMap((w) => Array.from(w.dataSync() as ArrayLike<number | bigint>, Number));
}

function close(got: readonly number[], want: readonly number[], what: string, tol = 2e-6): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol)) assert.fail(`${what} [${i}]: got ${g}, Keras ${want[i]}`);
  });
}

/** The saved optimizer variables by lamina's names: Keras' u_product is "variable", slots carry the model's name. */
function savedByLaminaName(saved: Saved): Map<string, number[]> {
  return new Map(Object.entries(saved.optimizer).map(([k, v]) => [
    /^variable(_\d+)?$/.test(k) ? "u_product" : k.replace(/^nadam\/(nadam_)?/, "").replace(/^ema_/, ""), v,
  ]));
}

function assertState(opt: optimizers.Optimizer, saved: Saved): void {
  const want = savedByLaminaName(saved);
  const vars = opt.variables();
  assert.equal(vars.length, want.size, "variable count");
  for (const v of vars) {
    // A Sequential that builds its layers names their weights under its scope (nadam/d1/kernel), as
    // Keras 3.5 does, so their slots carry the model's name (nadam_d1_kernel_momentum); a model
    // loaded from a .keras config is built layer by layer outside it (d1_kernel_momentum), as Keras' is.
    const w = want.get(v.name) ?? want.get(v.name.replace(/^nadam_/, ""));
    assert.ok(w, `Keras saved no ${v.name}`);
    close(flat([v]), w, v.name, 0);
  }
}

for (const [file, key] of [["nadam.keras", "nadam"], ["nadam_ema.keras", "nadam_ema"], ["nadam.h5", "nadam"]] as const) {
  test(`${file} (Keras 3.5, u_product before the slots) loads each variable into its place and trains on as Keras does`, async () => {
    const saved = keras[key];
    const model = await models.loadModel(`${dir}/${file}`);
    const opt = model.optimizer as optimizers.Optimizer;
    assert.equal(opt.className, "Nadam");
    close(flat(model.getWeights()), saved.weights, "weights", 0);
    assertState(opt, saved);
    await model.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    close(flat(model.getWeights()), saved.after_one_more_epoch, "after one more epoch");
  });
}

test("nadam.weights.h5 (Keras 3.5, no metadata) loads u_product by its shape into a compiled model", async () => {
  const model = new models.Sequential([
    layers.Input({ shape: [3] }), layers.Dense(2, { activation: "tanh", name: "d1" }), layers.Dense(1, { name: "d2" }),
  ], { name: "nadam" });
  model.compile({ loss: "mse", optimizer: optimizers.Nadam({ learningRate: 0.05 }) });
  await model.loadWeights(`${dir}/nadam.weights.h5`);
  assertState(model.optimizer as optimizers.Optimizer, keras.nadam);
  await model.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
  close(flat(model.getWeights()), keras.nadam.after_one_more_epoch, "after one more epoch");
});

test("a Nadam .keras file lamina writes (u_product last, as Keras >= 3.10) still loads and resumes exactly", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "lamina-nadam-"));
  try {
    const model = await models.loadModel(`${dir}/nadam.keras`);
    const path = join(tmp, "again.keras");
    await model.save(path);
    const names = (model.optimizer as optimizers.Optimizer).variables().map((v) => v.name);
    assert.equal(names[names.length - 1], "u_product");
    const again = await models.loadModel(path);
    assertState(again.optimizer as optimizers.Optimizer, keras.nadam);
    await again.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    close(flat(again.getWeights()), keras.nadam.after_one_more_epoch, "after one more epoch");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("when both orders fit the saved shapes (scalar variables), the file's keras_version decides", () => {
  const opt = optimizers.Nadam();
  opt.build([tf.variable(tf.constant(1, [], "float32"), { name: "a" }), tf.variable(tf.constant(2, [], "float32"), { name: "b" })]);
  const scalarShapes = (): number[] => [];
  const names = (version: string | undefined): string[] => savedOptimizerOrder(opt, scalarShapes, version).map((v) => v.name);
  const older = ["iteration", "learning_rate", "u_product", "a_momentum", "a_velocity", "b_momentum", "b_velocity"];
  const current = ["iteration", "learning_rate", "a_momentum", "a_velocity", "b_momentum", "b_velocity", "u_product"];
  assert.deepEqual(names("3.5.0"), older);
  assert.deepEqual(names("3.9.2"), older);
  assert.deepEqual(names("3.10.0"), current);
  assert.deepEqual(names(undefined), current);
});
