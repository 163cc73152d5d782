import { test } from "node:test";
import assert from "node:assert/strict";
import { optimizers } from "../index.js";
import type { ConfigDict } from "./config.js";
import { type StepsCase, assertFitsAndResumes, assertFollowsSteps, fitByName, fixtureVariables, optimizerFixture } from "../testing/optimizer_steps.js";

/*
 * Muon against NumPy float32 step-by-step versions of Keras 3.15.1's update rule
 * (test/fixtures/make_k315_optimizers.py; torch 1.13 has no Muon): "dense/kernel" and "head/kernel"
 * are 2-D (Muon steps), "dense/bias" 1-D and "embedding/embeddings" an embedding (AdamW steps).
 */
const ref = (key: string): StepsCase => optimizerFixture[key] as StepsCase;

test("Muon takes Keras 3.15's steps: Newton-Schulz on 2-D variables, AdamW on the others, each with its own weight decay", () => {
  assertFollowsSteps(optimizers.Muon(), ref("muon_default"), "defaults");
  assertFollowsSteps(optimizers.Muon({
    learningRate: 0.02, weightDecay: 0.1, adamWeightDecay: null, excludeLayers: ["head"], adamLrRatio: 0.5, momentum: 0.9, nsSteps: 3,
    nesterov: false, rmsRate: null,
  }), ref("muon_options"), "options");
  assertFollowsSteps(optimizers.Muon({ learningRate: 0.01, excludeEmbeddings: false, weightDecay: null, adamWeightDecay: null }), ref("muon_embeddings"), "embeddings included");
});

test("Muon's variables: momentum for every variable, velocity for the AdamW ones only, in Keras' order", () => {
  const opt = optimizers.Muon({ excludeLayers: ["^head/"] });
  const vars = fixtureVariables();
  opt.build(vars);
  assert.deepEqual(vars.map((v) => opt.usesAdamW(v)), [false, true, true, true]);
  assert.deepEqual(opt.variables().map((v) => v.name), [
    "iteration", "learning_rate", "dense_kernel_momentum", "dense_bias_momentum", "dense_bias_velocity", "head_kernel_momentum", "head_kernel_velocity",
    "embedding_embeddings_momentum", "embedding_embeddings_velocity",
  ]);
});

test("Muon's config is Keras 3.15's and round trips; refusals name the option", () => {
  const cfg = optimizers.get("muon").getConfig();
  const own = ["adam_beta_1", "adam_beta_2", "epsilon", "exclude_layers", "muon_a", "muon_b", "muon_c", "adam_lr_ratio", "momentum", "ns_steps", "nesterov",
    "exclude_embeddings", "adam_weight_decay", "rms_rate"];
  assert.deepEqual(Object.keys(cfg).slice(-own.length), own);
  assert.deepEqual(own.map((k) => cfg[k]), [0.9, 0.999, 1e-7, [], 3.4445, -4.775, 2.0315, 1, 0.95, 5, true, true, 0.004, 0.2]);
  assert.deepEqual([cfg.name, cfg.learning_rate, cfg.weight_decay], ["muon", Math.fround(0.001), 0.004]);
  const opt = optimizers.Muon({ learningRate: 0.02, excludeLayers: ["out"], rmsRate: null, nsSteps: 3, adamWeightDecay: null, useEma: true });
  const back = optimizers.deserialize(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
  assert.ok(back instanceof optimizers.Muon);
  assert.deepEqual(back.getConfig(), opt.getConfig());
  assert.deepEqual(optimizers.Muon.fromConfig(JSON.parse(JSON.stringify(opt.getConfig())) as ConfigDict).getConfig(), opt.getConfig());
  assert.throws(() => optimizers.Muon({ excludeLayers: "head" as never }), /Muon: excludeLayers must be a list of regular expressions/);
  assert.throws(() => optimizers.Muon({ excludeLayers: ["("] }), /Muon: excludeLayers entry "\(" is not a valid regular expression/);
  assert.throws(() => optimizers.Muon({ nsSteps: 2.5 }), /Muon: nsSteps must be an integer, got 2.5/);
  assert.throws(() => optimizers.Muon({ muonD: 1 } as never), /muonD/);
});

test("Muon by name in compile and fit; a .keras file resumes as an uninterrupted run", async () => {
  const byName = await fitByName("muon");
  assert.deepEqual([byName.className, byName.iterations], ["Muon", 2]);
  const opt = await assertFitsAndResumes(() => optimizers.Muon({ learningRate: 0.05, excludeLayers: ["head"] }));
  assert.equal(opt.className, "Muon");
});
