import { test } from "node:test";
import assert from "node:assert/strict";
import { optimizers, saving } from "../index.js";
import type { Variable } from "../tensor/variable.js";
import { type StepsCase, assertFitsAndResumes, assertFollowsSteps, fixtureVariables, optimizerFixture } from "../testing/optimizer_steps.js";

/*
 * MultiOptimizer against NumPy float32 step-by-step versions of Keras 3.15.1's SGD and Adam rules,
 * each on the variables its OptimizerMap pattern selects (test/fixtures/make_k315_optimizers.py).
 */
const makeMulti = (): optimizers.MultiOptimizer => optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.Adam({ learningRate: 0.01 }), {
  "dense/.*": optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), "head/kernel": optimizers.SGD({ learningRate: 0.05 }),
}));

test("OptimizerMap as Keras 3.15's: exact keys, then whole-path patterns, then the default; refusals", () => {
  const rms = optimizers.RMSprop(), adam = optimizers.Adam(), sgd = optimizers.SGD();
  const map = optimizers.OptimizerMap(rms);
  map.set("encoder/layer_0/dense", adam).set("encoder/.*", sgd).set("decoder", adam);
  assert.equal(map.get("decoder"), adam);
  assert.equal(map.get("encoder/layer_0/dense"), adam, "an exact key wins over a pattern");
  assert.equal(map.get("encoder/layer_0/attention/query"), sgd);
  assert.equal(map.get("decoder/layer_0/dense"), rms, "a pattern matches the whole path only");
  assert.deepEqual([map.size, map.keys(), [...map]], [3, ["encoder/layer_0/dense", "encoder/.*", "decoder"], ["encoder/layer_0/dense", "encoder/.*", "decoder"]]);
  map.set("enc.*", optimizers.Lion());
  assert.throws(() => map.get("encoder/x"), /OptimizerMap: multiple optimizers assigned to variable encoder\/x/);
  assert.ok(map.delete("enc.*"));
  assert.throws(() => map.set("decoder", sgd), /'decoder' already exists in the map/);
  assert.throws(() => map.set("x", optimizers.LossScaleOptimizer(optimizers.SGD())), /a LossScaleOptimizer cannot be used inside a MultiOptimizer/);
  assert.throws(() => map.set("y", makeMulti()), /a MultiOptimizer cannot be used inside a MultiOptimizer/);
  assert.throws(() => map.set("(", sgd), /not a valid regular expression/);
  assert.throws(() => optimizers.OptimizerMap("adam" as never), /defaultOptimizer must be an optimizer/);
});

test("MultiOptimizer takes each sub-optimizer's Keras steps on its own variables and saves their variables after its own", () => {
  const multi = makeMulti();
  assertFollowsSteps(multi, optimizerFixture.multi as StepsCase, "multi");
  assert.equal(multi.iterations, 3);
  assert.deepEqual(multi.optimizers.map((o) => [o.className, o.iterations]), [["SGD", 3], ["SGD", 3], ["Adam", 3]]);
  const names = multi.variables().map((v) => v.name);
  assert.deepEqual(names, [
    "iteration", "learning_rate",
    "iteration", "learning_rate", "dense_kernel_momentum", "dense_bias_momentum",
    "iteration", "learning_rate",
    "iteration", "learning_rate", "embedding_embeddings_momentum", "embedding_embeddings_velocity",
  ]);
  assert.throws(() => multi.learningRate, /the learning rate cannot be read on a MultiOptimizer/);
  assert.throws(() => { multi.learningRate = 0.1; }, /cannot be set on a MultiOptimizer/);
  // A function selector; the lossScaleFactor goes to every sub-optimizer.
  const adam = optimizers.Adam(), sgd = optimizers.SGD({ lossScaleFactor: 4 });
  const bySelector = optimizers.MultiOptimizer((v: Variable) => (v.shape.length === 2 ? adam : sgd), { lossScaleFactor: 8 });
  const vars = fixtureVariables();
  bySelector.build(vars);
  assert.deepEqual([bySelector.optimizers.length, bySelector.optimizerOf(vars[1]), adam.lossScaleFactor, sgd.lossScaleFactor], [2, sgd, 8, 8]);
  bySelector.lossScaleFactor = null;
  assert.deepEqual([adam.lossScaleFactor, sgd.lossScaleFactor, bySelector.scaleLoss(3)], [null, null, 3]);
  assert.throws(() => bySelector.applyGradients([[null, vars[0]]]), /gradients must match the trainable variables one to one; got 1 gradients for 4 variables/);
});

test("MultiOptimizer's config is Keras 3.15's and round trips, with an OptimizerMap or a registered selector", () => {
  const cfg = JSON.parse(JSON.stringify(makeMulti().getConfig()));
  assert.deepEqual(Object.keys(cfg), ["optimizer_map", "loss_scale_factor", "name"]);
  assert.deepEqual([cfg.optimizer_map.class_name, Object.keys(cfg.optimizer_map.config), cfg.name], ["OptimizerMap", ["default_optimizer", "optimizer_map"], "multi_optimizer"]);
  assert.deepEqual(Object.keys(cfg.optimizer_map.config.optimizer_map), ["dense/.*", "head/kernel"]);
  const back = optimizers.deserialize({ class_name: "MultiOptimizer", config: cfg }) as optimizers.MultiOptimizer;
  assert.deepEqual(JSON.parse(JSON.stringify(back.getConfig())), cfg);
  assert.deepEqual(back.optimizers.map((o) => o.className), ["SGD", "SGD", "Adam"]);
  function pickByRank(v: Variable): optimizers.Optimizer {
    return v.shape.length === 2 ? optimizers.Adam() : optimizers.SGD();
  }
  saving.registerKerasSerializable(pickByRank, { package: "k315test" });
  const fnCfg = optimizers.MultiOptimizer(pickByRank).getConfig();
  assert.deepEqual(fnCfg.optimizer_map, { module: "builtins", class_name: "function", config: "pickByRank", registered_name: "k315test>pickByRank" });
  assert.equal((optimizers.MultiOptimizer.fromConfig(fnCfg) as optimizers.MultiOptimizer).optimizerMap, pickByRank);
  assert.throws(() => optimizers.MultiOptimizer((v: Variable) => optimizers.SGD({ name: v.name })).getConfig(), /the optimizer selector is an anonymous function/);
  assert.throws(() => optimizers.MultiOptimizer.fromConfig({ ...cfg, learning_rate: 0.1 }), /unknown config key "learning_rate"/);
});

test("MultiOptimizer in compile and fit; a .keras file resumes as an uninterrupted run", async () => {
  const opt = await assertFitsAndResumes(() => optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.Adam({ learningRate: 0.02 }), {
    ".*head.*": optimizers.SGD({ learningRate: 0.05, momentum: 0.5 }),
  })));
  assert.ok(opt instanceof optimizers.MultiOptimizer);
  assert.deepEqual((opt as optimizers.MultiOptimizer).optimizers.map((o) => o.className), ["SGD", "Adam"]);
});
