/*
 * WGAN-GP's gradient penalty needs second-order gradients through a critic's layers: the norm of
 * the critic's input gradient (an inner tape), differentiated by an outer tape with respect to the
 * critic's weights. Checked against central finite differences of the penalty itself (float64).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;
type Tensor = tf.Tensor;
const rnd = (shape: number[], seed: number): Tensor => tf.random.uniform(shape, -1, 1, { dtype: "float64", seed });

/** A small critic with the example's layers: ZeroPadding2D, strided 5x5 Conv2D, LeakyReLU, Dropout, Flatten, Dense. */
function makeCritic(): { critic: (x: Tensor) => Tensor; weights: tf.Variable[] } {
  const pad = layers.ZeroPadding2D([2, 2], { dtype: "float64" });
  const c1 = layers.Conv2D(2, 5, { strides: 2, padding: "same", dtype: "float64", biasInitializer: "random_normal" });
  const c2 = layers.Conv2D(3, 5, { strides: 2, padding: "same", dtype: "float64", biasInitializer: "random_normal" });
  const flat = layers.Flatten({ dtype: "float64" });
  const dense = layers.Dense(1, { dtype: "float64", biasInitializer: "random_normal" });
  const act = (x: Tensor): Tensor => layers.LeakyReLU(0.2, { dtype: "float64" }).apply(x) as Tensor;
  const critic = (x: Tensor): Tensor => {
    // Fresh seeded Dropout layers each call: the same masks every time, so finite differences see
    // one function, while the masks still act (training: true).
    const drop = (rate: number, seed: number, t: Tensor): Tensor =>
      layers.Dropout(rate, { seed, dtype: "float64" }).apply(t, { training: true }) as Tensor;
    let h = pad.apply(x) as Tensor;
    h = act(c1.apply(h) as Tensor);
    h = drop(0.3, 11, act(c2.apply(h) as Tensor));
    h = drop(0.2, 12, flat.apply(h) as Tensor);
    return dense.apply(h) as Tensor;
  };
  critic(tf.zeros([1, 4, 4, 1], "float64")); // builds the weights
  return { critic, weights: [c1, c2, dense].flatMap((l) => l.trainableWeights) };
}

/** mean over the batch of (||d critic / d x||_2 - 1)^2, the inner tape's gradient recorded by whatever tape runs outside. */
function gradientPenalty(critic: (x: Tensor) => Tensor, interpolated: Tensor): Tensor {
  const gpTape = new tf.GradientTape();
  gpTape.watch(interpolated);
  const pred = gpTape.run(() => critic(interpolated));
  const grads = gpTape.gradient(pred, [interpolated])[0]!;
  const norm = tf.sqrt(tf.sum(tf.square(grads), [1, 2, 3]));
  return tf.mean(tf.square(tf.sub(norm, 1)));
}

test("the gradient penalty's gradient with respect to the critic's weights (Conv2D, LeakyReLU, Dropout, Dense) equals finite differences", () => {
  tf.random.setSeed(5);
  const { critic, weights } = makeCritic();
  const x = rnd([2, 4, 4, 1], 1);
  // The penalty is not trivially zero (a critic with a unit-norm input gradient would hide errors).
  const gp = gradientPenalty(critic, x).item();
  assert.ok(gp > 1e-3, `penalty ${gp}`);
  // The input gradient does not depend on the biases (they only move the LeakyReLU's kinks, and
  // the Dense bias not even those): their gradients are null, as in TensorFlow; finite differences
  // confirm zero.
  const biases = weights.filter((w) => w.shape.length === 1);
  const kernels = weights.filter((w) => w.shape.length > 1);
  const tape = new tf.GradientTape();
  tape.watch(weights);
  const value = tape.run(() => gradientPenalty(critic, x));
  const grads = tape.gradient(value, weights);
  assert.deepEqual(grads.map((g) => g === null), weights.map((w) => w.shape.length === 1));
  for (const b of biases) {
    const base = b.dataSync().slice() as Float64Array;
    for (let i = 0; i < base.length; i++) {
      const moved = base.slice(); moved[i] += 1e-4;
      b.assign(tf.constant(moved, b.shape, "float64"));
      assert.ok(Math.abs(gradientPenalty(critic, x).item() - gp) < 1e-12, `${b.name}[${i}]`);
    }
    b.assign(tf.constant(base, b.shape, "float64"));
  }
  checkVariableGradients(() => gradientPenalty(critic, x), kernels, { rtol: 1e-5, atol: 1e-8 });
});

test("the gradient penalty's gradient with respect to the interpolated images is zero, as finite differences say", () => {
  // This critic is piecewise linear in its input, so its input gradient is piecewise constant and
  // the penalty does not move with the images (WGAN-GP's generator gets no gradient from it): the
  // second-order terms that remain must cancel to zero, not leave a spurious term.
  tf.random.setSeed(6);
  const { critic } = makeCritic();
  const x = rnd([2, 4, 4, 1], 2);
  const g = tf.grad((xx) => gradientPenalty(critic, xx))(x);
  const largest = (g.arraySync() as number[][][][]).flat(3).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(largest < 1e-12, `largest |d penalty / d x| ${largest}`);
  checkGradients((xx) => gradientPenalty(critic, xx), [x], { rtol: 1e-5, atol: 1e-8 });
});

test("the input gradient under an outer tape equals the one without (the recorded backward computes the same values)", () => {
  tf.random.setSeed(7);
  const { critic, weights } = makeCritic();
  const x = rnd([2, 4, 4, 1], 3);
  const plain = (() => {
    const t = new tf.GradientTape();
    t.watch(x);
    const y = t.run(() => critic(x));
    return t.gradient(y, [x])[0]!;
  })();
  const outer = new tf.GradientTape();
  outer.watch(weights);
  let recorded: Tensor | null = null;
  outer.run(() => {
    const t = new tf.GradientTape();
    t.watch(x);
    const y = t.run(() => critic(x));
    recorded = t.gradient(y, [x])[0]!;
    return tf.sum(recorded);
  });
  assertAllClose(recorded!, plain, { rtol: 1e-12, atol: 1e-14 });
});
