import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";

// Keras 3.5 BatchNormalization._moments with a mask: w = mask[..., None],
// mean = sum(w x) / (sum(w) + 1e-7), variance = sum(w (w x - mean)^2) / (sum(w) + 1e-7).
// Expected values from numpy (/usr/bin/python3) on these inputs; by hand, channel 0's unmasked
// values are 1, 3, -1, 2: mean 1.25, variance (0.0625 + 3.0625 + 5.0625 + 0.5625) / 4 = 2.1875.
const X = [1, -2, 3, 0.5, 40, 9, -1, 4, 70, -8, 2, 1.5];
const MASK = [true, true, false, true, false, true];
const GAMMA = [2, 0.5], BETA = [0.1, -0.2], MM = [0.5, -1], MV = [2, 0.5];
const WANT_Y = [
  -2.3798441910298865e-01, -8.9741044371858081e-01, 2.4658912717053743e+00, -3.1623506910996879e-01,
  5.2487591551660081e+01, 1.6597612045593118e+00, -2.9418601099113517e+00, 4.9741045534208800e-01,
  9.3045726913785515e+01, -2.2922313427792500e+00, 1.1139534263011928e+00, -8.3764919266524004e-02,
];
const WANT_MM = [0.5749999968750001, -0.8000000024999999]; // 0.9 * MM + 0.1 * [1.25, 1.0] (less 1e-7's share)
const WANT_MV = [2.0187499945312504, 0.9124999884375002]; // 0.9 * MV + 0.1 * [2.1875, 4.625]

function maskedBn(): tf.layers.Layer {
  const bn = tf.layers.BatchNormalization({ dtype: "float64", momentum: 0.9 });
  bn.build([null, 3, 2]);
  bn.setWeights([tf.constant(GAMMA, [2], "float64"), tf.constant(BETA, [2], "float64"), tf.constant(MM, [2], "float64"), tf.constant(MV, [2], "float64")]);
  return bn;
}

test("BatchNormalization in training takes Keras' masked moments and moves the moving statistics by them", () => {
  const bn = maskedBn();
  const x = tf.constant(X, [2, 3, 2], "float64");
  const mask = tf.constant(MASK, [2, 3], "bool");
  assertAllClose(bn.apply(x, { training: true, mask }) as tf.Tensor, WANT_Y, { rtol: 1e-12, atol: 1e-12, what: "masked training output" });
  const [, , mm, mv] = bn.getWeights();
  assertAllClose(mm, WANT_MM, { rtol: 1e-12, atol: 1e-12, what: "moving_mean" });
  assertAllClose(mv, WANT_MV, { rtol: 1e-12, atol: 1e-12, what: "moving_variance" });
  // The mask a tensor carries is taken the same way; float32 runs the same (non-fused) path.
  const bn32 = tf.layers.BatchNormalization({ momentum: 0.9 });
  bn32.build([null, 3, 2]);
  bn32.setWeights([GAMMA, BETA, MM, MV].map((v) => tf.constant(v, [2])));
  const xm = X.slice(); xm[8] = 70; xm[9] = 70; // step (1, 1) all 70: Masking masks it
  const masked = tf.layers.Masking({ maskValue: 70 }).apply(tf.constant(xm, [2, 3, 2])) as tf.Tensor;
  const m2 = tf.constant([true, true, true, true, false, true], [2, 3], "bool");
  const want32 = bn32.apply(masked, { training: true, mask: m2 }) as tf.Tensor;
  bn32.setWeights([GAMMA, BETA, MM, MV].map((v) => tf.constant(v, [2])));
  assertAllClose(bn32.apply(masked, { training: true }) as tf.Tensor, want32, { rtol: 0, atol: 0, what: "the carried mask" });
});

test("BatchNormalization in inference ignores the mask, as Keras does", () => {
  const bn = maskedBn();
  const x = tf.constant(X, [2, 3, 2], "float64");
  const y = bn.apply(x, { mask: tf.constant(MASK, [2, 3], "bool") }) as tf.Tensor;
  const want = X.map((v, i) => ((v - MM[i % 2]) / Math.sqrt(MV[i % 2] + 1e-3)) * GAMMA[i % 2] + BETA[i % 2]);
  assertAllClose(y, want, { rtol: 1e-12, atol: 1e-12, what: "inference output" });
  assertAllClose(bn.getWeights()[2], MM, { rtol: 0, atol: 0, what: "moving mean unchanged" });
});

test("BatchNormalization refuses a mask whose rank is not the inputs' rank minus one, naming the layer and both shapes", () => {
  const bn = tf.layers.BatchNormalization({ name: "bn_m" });
  const x = tf.ones([2, 3, 2]);
  assert.throws(() => bn.apply(x, { training: true, mask: tf.ones([2, 3, 2], "bool") }),
    /^RangeError: BatchNormalization bn_m: the mask must have one dimension less than the inputs; got mask.shape=\(2, 3, 2\), inputs.shape=\(2, 3, 2\)/);
  assert.throws(() => bn.apply(x, { mask: tf.ones([2], "bool") }), /bn_m: the mask must have one dimension less/);
});

test("masked BatchNormalization's gradients match finite differences (inputs, gamma, beta)", () => {
  const bn = maskedBn();
  const mask = tf.constant(MASK, [2, 3], "bool");
  const x = tf.constant(X.map((v) => v / 10), [2, 3, 2], "float64");
  checkGradients((xx) => bn.apply(xx, { training: true, mask }) as tf.Tensor, [x], { rtol: 1e-6, atol: 1e-8 });
  const w = tf.constant([0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.9, -0.6, 1.5, 0.2, -0.8, 0.5], [2, 3, 2], "float64");
  const loss = (): tf.Tensor => tf.sum(tf.mul(bn.apply(x, { training: true, mask }) as tf.Tensor, w));
  const [gamma, beta] = bn.trainableWeights;
  checkVariableGradients(loss, [gamma, beta], { rtol: 1e-6, atol: 1e-8 });
});

test("fit on Embedding(maskZero) -> BatchNormalization moves the moving statistics by the unmasked steps only", async () => {
  const model = new tf.models.Sequential([
    tf.layers.Input({ shape: [4], dtype: "int32" }),
    tf.layers.Embedding({ inputDim: 4, outputDim: 2, maskZero: true }),
    tf.layers.BatchNormalization(),
  ]);
  model.layers[0].setWeights([tf.constant([[100, -100], [1, 2], [3, 5], [-2, 0]], [4, 2])]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  const ids = tf.constant([[1, 2, 0, 0], [3, 1, 2, 0]], [2, 4], "int32");
  await model.fit(ids, tf.zeros([2, 4, 2]), { epochs: 1, batchSize: 2, verbose: 0, shuffle: false });
  // The unmasked rows are ids 1, 2, 3, 1, 2: (1, 2), (3, 5), (-2, 0), (1, 2), (3, 5).
  // mean (1.2, 2.8); biased variance (16.8 / 5, 18.8 / 5) = (3.36, 3.76); moving = 0.99 * init + 0.01 * batch.
  const [mm, mv] = model.layers[1].getWeights().slice(2);
  assertAllClose(mm, [0.012, 0.028], { rtol: 1e-5, atol: 1e-7, what: "moving_mean after one step" });
  assertAllClose(mv, [0.99 + 0.0336, 0.99 + 0.0376], { rtol: 1e-5, atol: 1e-7, what: "moving_variance after one step" });
});
