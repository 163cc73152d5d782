/**
 * What the tests of Keras 3.15's optimizers (Muon, ScheduleFreeAdamW, LossScaleOptimizer) share:
 * test/fixtures/k315_optimizers.json (make_k315_optimizers.py: NumPy step-by-step versions of
 * Keras' update rules) applied to fresh variables, and the `.keras` round trip that must resume
 * training exactly where an uninterrupted run goes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constant } from "../tensor/creation.js";
import { Variable } from "../tensor/variable.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Optimizer } from "../optimizers/optimizer.js";
import * as layers from "../layers/index.js";
import * as models from "../models/index.js";

export interface StepsCase {
  /** The variables after each step, by name (flattened). */
  steps: Record<string, number[]>[];
  /** The slots after the last step, by "<variable name>_<slot>". */
  slots: Record<string, number[]>;
}

export interface OptimizerFixture {
  vars: { name: string; shape: number[]; init: number[] }[];
  grads: Record<string, number[]>[];
  [key: string]: unknown;
}

export const optimizerFixture = JSON.parse(
  readFileSync(new URL("../../test/fixtures/k315_optimizers.json", import.meta.url), "utf8"),
) as OptimizerFixture;

/** Fresh float32 variables with the fixture's names, shapes and initial values. */
export function fixtureVariables(): Variable[] {
  return optimizerFixture.vars.map((v) => new Variable(constant(v.init, v.shape, "float32"), { name: v.name }));
}

/** The fixture's gradients of step `i` (scaled by `scale`), paired with `vars`, in Keras' [gradient, variable] order. */
export function fixtureGradients(vars: readonly Variable[], i: number, scale = 1): [Tensor, Variable][] {
  const g = optimizerFixture.grads[i % optimizerFixture.grads.length];
  return vars.map((v) => [constant(g[v.name].map((x) => x * scale), v.shape, "float32"), v]);
}

export function flat(ws: readonly Tensor[]): number[] {
  return ws.flatMap((w) => Array.from(w.dataSync() as ArrayLike<number | bigint>, Number));
}

/** |got - want| <= atol + rtol * |want| element by element, naming the first that is not. */
export function assertNear(got: readonly number[], want: readonly number[], what: string, atol = 1e-6, rtol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i]))) assert.fail(`${what} [${i}]: got ${g}, reference ${want[i]}`);
  });
}

/** Applies the fixture's gradients step by step and checks the variables after each, then the slots. */
export function assertFollowsSteps(opt: Optimizer, ref: StepsCase, what: string, atol = 1e-6): void {
  const vars = fixtureVariables();
  ref.steps.forEach((want, i) => {
    opt.applyGradients(fixtureGradients(vars, i));
    for (const v of vars) assertNear(flat([v]), want[v.name], `${what} step ${i + 1} ${v.name}`, atol);
  });
  for (const [key, want] of Object.entries(ref.slots)) {
    const [, name, slot] = /^(.*)_(momentum|velocity)$/.exec(key) ?? [];
    const variable = vars.find((v) => v.name === name);
    const s = variable ? opt.getSlot(variable, slot) : null;
    assert.ok(s, `${what}: no slot ${key}`);
    assertNear(flat([s]), want, `${what} slot ${key}`, atol);
  }
}

const X = constant(Array.from({ length: 24 }, (_, i) => Math.sin(i) * 0.8), [8, 3], "float32");
const Y = constant([[0.5], [-0.3], [0.2], [0.9], [-0.7], [0.1], [0.4], [-0.2]], [8, 1], "float32");

/** Input(3) -> Dense(4, tanh) -> Dense(1, name "head"), the same weights every time. */
function smallModel(): models.Sequential {
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(4, { activation: "tanh", name: "body" }), layers.Dense(1, { name: "head" })], { name: "m" });
  model.setWeights(model.getWeights().map((w, i) => constant(Array.from({ length: w.size }, (_, j) => Math.cos(3 * i + j) * 0.5), w.shape, "float32")));
  return model;
}

/** compile({ optimizer: name }) and one epoch of fit: the optimizer the model trained with. */
export async function fitByName(name: string): Promise<Optimizer> {
  const model = smallModel();
  model.compile({ loss: "mse", optimizer: name });
  await model.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
  return model.optimizer as Optimizer;
}

/**
 * compile({ optimizer }) and fit lower the loss; a `.keras` file saved after one epoch, loaded and
 * fitted one more epoch, ends with the weights, the optimizer variables and the config of a run
 * that went on without saving. Returns the loaded model's optimizer.
 */
export async function assertFitsAndResumes(make: () => Optimizer): Promise<Optimizer> {
  const args = { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 } as const;
  const uninterrupted = smallModel();
  uninterrupted.compile({ loss: "mse", optimizer: make() });
  const h = await uninterrupted.fit(X, Y, { ...args, epochs: 3 });
  assert.ok(h.history.loss[2] < h.history.loss[0], `the loss falls: ${h.history.loss}`);
  const dir = mkdtempSync(join(tmpdir(), "lamina-k315-optim-"));
  try {
    const path = join(dir, "m.keras");
    await uninterrupted.save(path);
    await uninterrupted.fit(X, Y, args);
    const loaded = await models.loadModel(path);
    const opt = loaded.optimizer as Optimizer;
    const want = uninterrupted.optimizer as Optimizer;
    assert.deepEqual(opt.getConfig(), want.getConfig());
    await loaded.fit(X, Y, args);
    assert.deepEqual(flat(loaded.getWeights()), flat(uninterrupted.getWeights()), `${opt.className}: weights after resuming`);
    // (The loaded model's slot names carry its name as a prefix; the order and the values are what count.)
    assert.equal(opt.variables().length, want.variables().length);
    assert.deepEqual(flat(opt.getWeights()), flat(want.getWeights()), `${opt.className}: optimizer variables after resuming`);
    return opt;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
