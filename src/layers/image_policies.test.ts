import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertKerasConfigLoads, fitSaveLoad, vals, train, infer, nchw } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandAugment } from "./image_rand_augment.js";
import { AugMix } from "./image_aug_mix.js";

/*
 * Reference values: test/fixtures/keras315_augment.json, made by test/fixtures/make_keras315_augment.py
 * (numpy following Keras 3.15.1's rand_augment.py, aug_mix.py and the transform_images of the
 * sub-layers they call, given the same draws as are forced on the layers here).
 */
const fx = JSON.parse(readFileSync("test/fixtures/keras315_augment.json", "utf8")) as Record<string, number[]>;
const { layers, models } = tf;
const SHAPE = [2, 5, 6, 3];
const input = (): tf.Tensor => tf.constant(fx.policy_in, SHAPE);
const input01 = (): tf.Tensor => tf.constant(fx.policy_in01, SHAPE);

test("RandAugment and AugMix: Keras' defaults and config keys; Keras 3.15 configs load", () => {
  const ra = new RandAugment();
  assert.deepEqual([ra.valueRange, ra.numOps, ra.factor, ra.interpolation, ra.seed, ra.dataFormat], [[0, 255], 2, [0, 0.5], "bilinear", null, "channels_last"]);
  const am = new AugMix();
  assert.deepEqual(
    [am.valueRange, am.numChains, am.chainDepth, am.factor, am.alpha, am.allOps, am.interpolation, am.seed],
    [[0, 255], 3, 3, [0, 0.3], 1, true, "bilinear", null],
  );
  assert.ok(assertKerasConfigLoads("RandAugment", { value_range: [0, 1], num_ops: 3, factor: [0, 0.7], interpolation: "nearest", seed: 5 }) instanceof RandAugment);
  assert.ok(assertKerasConfigLoads("AugMix", {
    value_range: [0, 255], num_chains: 2, chain_depth: 4, factor: [0, 0.2], alpha: 0.5, all_ops: false, interpolation: "bilinear", seed: null,
  }) instanceof AugMix);
});

test("RandAugment applies the picked colour operations with Keras 3.15's formulas (brightness, contrast, colour degeneration, solarization)", () => {
  const ra = layers.RandAugment({ numOps: 4 });
  const calls = forceDraws(ra, { uniforms: [3.2, 5.7, 4.1, 8.9, 0.1, 0.3, 1.2, 1.45, 0.25, 0.4, 10, 30, 100, 60] });
  assertAllClose(train(ra, input()), fx.ra_colour, { rtol: 1e-5, atol: 1e-3 });
  assert.deepEqual(calls, [
    "uniform 4 [0, 11)", "uniform 2 [0, 0.5)", "uniform 2 [1, 1.5)", "uniform 2 [0, 0.5)", "uniform 2 [0, 127.5)", "uniform 2 [0, 127.5)",
  ]);
});

test("RandAugment: posterization (max(1, 8 upper) bits), sharpness, AutoContrast and Equalization", () => {
  const ra = layers.RandAugment([0, 255], { numOps: 4 });
  const calls = forceDraws(ra, { uniforms: [7.5, 6.01, 9.3, 10.99, 2.5, 3.2, 0.1, 0.45] });
  assertAllClose(train(ra, input()), fx.ra_tone, { rtol: 1e-5, atol: 1e-3 });
  assert.deepEqual(calls, ["uniform 4 [0, 11)", "uniform 2 [1, 4)", "uniform 2 [0, 0.5)"]);
});

test("RandAugment: shear, translation and rotation by factor, through the affine transform with reflect filling", () => {
  const ra = layers.RandAugment({ numOps: 3 });
  const angles = [0.4, 2.9];
  forceDraws(ra, { uniforms: [0.5, 1.5, 2.5, 0.3, 0.7, 0.1, 0.4, 0.45, 0.2, 0.1, 0.3, 0.25, 0.05, ...angles] });
  assertAllClose(train(ra, input()), fx.ra_geometry, { rtol: 1e-4, atol: 1e-3 });
});

test("RandAugment: an operation picked twice is applied twice with its one draw, as Keras' one transformation per call", () => {
  const ra = layers.RandAugment({ numOps: 2 });
  const calls = forceDraws(ra, { uniforms: [3.5, 3.5, 0.1, 0.3, 3.5, 3.5, 0.1, 0.3] });
  assertAllClose(train(ra, input()), fx.ra_twice, { rtol: 1e-5, atol: 1e-3 });
  assert.deepEqual(calls, ["uniform 2 [0, 11)", "uniform 2 [0, 0.5)"]);
  // The next call draws afresh.
  assertAllClose(train(ra, input()), fx.ra_twice, { rtol: 1e-5, atol: 1e-3 });
  assert.equal(calls.length, 4);
});

test("AugMix mixes Dirichlet-weighted chains with the image by a Beta weight, clipped to valueRange (all operations)", () => {
  const am = layers.AugMix([0, 1], { numChains: 2, chainDepth: 2 });
  const calls = forceDraws(am, { gammas: [0.7, 1.9], betas: [0.35], uniforms: [7.5, 0.05, 0.2, 11.4, 4.2, 5, 40, 50, 70, 9.9, 1.1, 1.25] });
  assertAllClose(train(am, input01()), fx.am_all, { rtol: 1e-5, atol: 1e-5 });
  assert.deepEqual(calls, [
    "gamma 2 (1)", "beta 1 (1, 1)", "uniform 1 [0, 12)", "uniform 2 [0, 0.3)", "uniform 1 [0, 12)", "uniform 1 [0, 12)",
    "uniform 2 [0, 76.5)", "uniform 2 [0, 76.5)", "uniform 1 [0, 12)", "uniform 2 [1, 1.3)",
  ]);
});

test("AugMix with allOps false picks among seven operations and None", () => {
  const am = layers.AugMix({ numChains: 1, chainDepth: 3, allOps: false, alpha: 0.5 });
  const calls = forceDraws(am, { gammas: [0.4], betas: [0.6], uniforms: [5.5, 3.1, 1.3, 1.8, 7.9] });
  assertAllClose(train(am, input()), fx.am_basic, { rtol: 1e-5, atol: 1e-3 });
  assert.deepEqual(calls, ["gamma 1 (0.5)", "beta 1 (0.5, 0.5)", "uniform 1 [0, 8)", "uniform 1 [0, 8)", "uniform 2 [1, 2)", "uniform 1 [0, 8)"]);
});

test("RandAugment and AugMix: identity in inference; channels_first, a single image and { images, labels } as the channels_last batch", () => {
  for (const make of [
    (dataFormat: "channels_last" | "channels_first") => layers.RandAugment({ numOps: 3, seed: 4, dataFormat }),
    (dataFormat: "channels_last" | "channels_first") => layers.AugMix({ seed: 4, dataFormat }),
  ]) {
    const x = input();
    const name = make("channels_last").className;
    assert.deepEqual(vals(infer(make("channels_last"), x)), vals(x), `${name}: inference`);
    const want = vals(train(make("channels_last"), x));
    assert.notDeepEqual(want, vals(x), `${name}: training changes the images`);
    assert.deepEqual(vals(train(make("channels_first"), nchw(x))), vals(nchw(tf.constant(want, SHAPE))), `${name}: channels_first`);
    const labels = tf.constant([[1, 0], [0, 1]], [2, 2], "float32");
    const out = make("channels_last")({ images: x, labels });
    assert.deepEqual(vals(out.images), want, `${name}: { images, labels }`);
    assert.equal(out.labels, labels);
    const single = tf.slice(x, [0, 0, 0, 0], [1, 5, 6, 3]);
    assert.deepEqual(vals(train(make("channels_last"), single.reshape([5, 6, 3]))), vals(train(make("channels_last"), single)), `${name}: single image`);
  }
});

test("RandAugment and AugMix: the operations draw from the policy's seed (the same seed repeats a call, another changes it)", () => {
  const x = input();
  const ra = (seed: number): number[] => vals(train(layers.RandAugment({ numOps: 4, seed }), x));
  const am = (seed: number): number[] => vals(train(layers.AugMix({ seed }), x));
  assert.deepEqual(ra(7), ra(7));
  assert.notDeepEqual(ra(7), ra(8));
  assert.deepEqual(am(7), am(7));
  assert.notDeepEqual(am(7), am(8));
});

test("RandAugment and AugMix in a Sequential model: fit, .keras save and load", async () => {
  const m = new models.Sequential([
    layers.Input({ shape: [6, 6, 3] }),
    layers.RandAugment([0, 1], { numOps: 3, factor: 0.4, interpolation: "nearest", seed: 2 }),
    layers.AugMix([0, 1], { numChains: 2, chainDepth: 2, factor: [0.1, 0.5], alpha: 0.7, allOps: false, seed: 3 }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.random.uniform([4, 6, 6, 3], 0, 1, { seed: 1 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1], [4], "int32"), 2);
  const back = await fitSaveLoad(m, x, y, 2);
  assert.deepEqual(back.layers.slice(0, 2).map((l) => l.className), ["RandAugment", "AugMix"]);
});

test("RandAugment and AugMix refuse bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandAugment({ factor: 1.5 }), /RandAugment \S+: factor must be a number in \[0, 1\] .*got 1\.5/);
  assert.throws(() => layers.RandAugment({ numOps: -1 }), /RandAugment \S+: numOps must be an integer >= 0, got -1/);
  assert.throws(() => layers.RandAugment({ interpolation: "bicubic" as "bilinear" }), /RandAugment \S+: interpolation/);
  assert.throws(() => layers.AugMix({ numChains: 0 }), /AugMix \S+: numChains must be an integer >= 1, got 0/);
  assert.throws(() => layers.AugMix({ chainDepth: 1.5 }), /chainDepth must be an integer >= 0, got 1\.5/);
  assert.throws(() => layers.AugMix({ alpha: 0 }), /AugMix \S+: alpha must be a number > 0/);
  assert.throws(() => layers.AugMix({ allOps: 1 as unknown as boolean }), /allOps must be true or false/);
});
