import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { callbacks, layers, models, optimizers } from "../index.js";
import type { Tensor } from "../tensor/tensor.js";

/*
 * Keras 3.5's exponential moving average of the weights (use_ema, ema_momentum,
 * ema_overwrite_frequency) on every optimizer: after each step `average = m * average + (1 - m) * w`
 * (m = 0 on the first step), every ema_overwrite_frequency steps the weights take their averages,
 * and fit ends with finalize_variable_values (the weights take their averages).
 */

const X = tf.constant(Array.from({ length: 24 }, (_, i) => Math.fround(Math.fround(i / 10) - 1)), [8, 3]);
const Y = tf.constant([[0.5], [-0.3], [0.2], [0.9], [-0.7], [0.1], [0.4], [-0.2]]);

/** Input(3) -> Dense(2, tanh) -> Dense(1), with fixed weights (those of test/fixtures/make_keras_ema.py). */
function makeModel(): tf.models.Sequential {
  const model = new models.Sequential([
    layers.Input({ shape: [3] }), layers.Dense(2, { activation: "tanh", name: "d1" }), layers.Dense(1, { name: "d2" }),
  ], { name: "ema" });
  model.setWeights([
    tf.constant([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), tf.constant([0.01, -0.02]), tf.constant([[0.7], [-0.8]]), tf.constant([0.05]),
  ]);
  return model;
}

function flat(ws: readonly Tensor[]): number[] {
  return ws.flatMap((w) => Array.from(w.dataSync() as Float32Array));
}

function close(got: readonly number[], want: readonly number[], what: string, tol = 2e-6): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol)) assert.fail(`${what} [${i}]: got ${g}, Keras ${want[i]}`);
  });
}

async function fitRecorded(model: tf.models.Sequential, optimizer: optimizers.Optimizer, epochs: number): Promise<number[][]> {
  model.compile({ loss: "mse", optimizer });
  const steps: number[][] = [];
  const recorder = callbacks.LambdaCallback({ onTrainBatchEnd: () => { steps.push(flat(model.getWeights())); } });
  await model.fit(X, Y, { batchSize: 4, epochs, shuffle: false, verbose: 0, callbacks: [recorder] });
  return steps;
}

/**
 * Keras 3.5's own values (torch backend, float32), printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 test/fixtures/make_keras_ema.py
 * (it imports Keras through /work/main/scratch/kimport.py): the same model, data and fit
 * (batch_size=4, shuffle=False), the weights (kernel, bias of d1, then of d2, flattened) after each
 * step as on_train_batch_end sees them, after fit (finalized), and the optimizer's variables.
 */
const KERAS = {
  sgd: {
    steps: [
      [0.11438766121864319, -0.21294240653514862, 0.3152172565460205, 0.3856372833251953, -0.48395317792892456, 0.5842170119285583, 0.018295779824256897, -0.03420306742191315, 0.6972295641899109, -0.7828327417373657, 0.0619613416492939],
      [0.17101746797561646, -0.2524772584438324, 0.3767949938774109, 0.34247732162475586, -0.41742753982543945, 0.5374319553375244, 0.0677749365568161, -0.0704541951417923, 0.6884605288505554, -0.7216863632202148, 0.13360440731048584],
      [0.23267018795013428, -0.2979835569858551, 0.44346368312835693, 0.29290536046028137, -0.3457428812980652, 0.48379433155059814, 0.11793457716703415, -0.11111068725585938, 0.6827756762504578, -0.6566147804260254, 0.20615091919898987],
      [0.2735969126224518, -0.3255460560321808, 0.48498666286468506, 0.26543378829956055, -0.30362364649772644, 0.4564136862754822, 0.1238970160484314, -0.11020148545503616, 0.6643591523170471, -0.6099680066108704, 0.21033050119876862],
    ],
    final: [0.23064164817333221, -0.29544639587402344, 0.4398607909679413, 0.2969575524330139, -0.3509201407432556, 0.48936155438423157, 0.10219099372625351, -0.0959605723619461, 0.6760847568511963, -0.6572026014328003, 0.1811487078666687],
    names: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_bias_momentum", "ema_d2_kernel_momentum", "ema_d2_bias_momentum"],
    averages: [0.23064164817333221, -0.29544639587402344, 0.4398607909679413, 0.2969575524330139, -0.3509201407432556, 0.48936155438423157, 0.10219099372625351, -0.0959605723619461, 0.6760847568511963, -0.6572026014328003, 0.1811487078666687],
  },
  sgd_overwrite: {
    steps: [
      [0.11438766121864319, -0.21294240653514862, 0.3152172565460205, 0.3856372833251953, -0.48395317792892456, 0.5842170119285583, 0.018295779824256897, -0.03420306369662285, 0.6972295641899109, -0.7828327417373657, 0.0619613416492939],
      [0.12749193608760834, -0.2213084101676941, 0.3295819163322449, 0.3765672445297241, -0.4683281481266022, 0.5744429230690002, 0.030899666249752045, -0.041243575513362885, 0.6953468322753906, -0.7691240310668945, 0.08022470772266388],
      [0.14011630415916443, -0.2328481674194336, 0.34297648072242737, 0.36382633447647095, -0.45416340231895447, 0.5605008602142334, 0.03860154375433922, -0.05325513333082199, 0.6948118805885315, -0.7552595138549805, 0.09132112562656403],
      [0.14304430782794952, -0.23334607481956482, 0.34622928500175476, 0.3635737895965576, -0.4505857825279236, 0.5604937076568604, 0.041849613189697266, -0.05080137401819229, 0.6952722072601318, -0.7535116672515869, 0.09598985314369202],
      [0.1545557826757431, -0.24396374821662903, 0.3585197925567627, 0.351829469203949, -0.4375162422657013, 0.5476227402687073, 0.0496399961411953, -0.062067750841379166, 0.69576096534729, -0.7414271831512451, 0.1071590930223465],
      [0.15580250322818756, -0.24356448650360107, 0.3597785234451294, 0.3526461720466614, -0.43624550104141235, 0.5488568544387817, 0.04975995421409607, -0.05789358168840408, 0.6962601542472839, -0.7413181066513062, 0.10739452391862869],
    ],
    final: [0.15580250322818756, -0.24356448650360107, 0.3597785234451294, 0.3526461720466614, -0.43624550104141235, 0.5488568544387817, 0.04975995421409607, -0.05789358168840408, 0.6962601542472839, -0.7413181066513062, 0.10739452391862869],
    names: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average"],
    averages: [0.15580250322818756, -0.24356448650360107, 0.3597785234451294, 0.3526461720466614, -0.43624550104141235, 0.5488568544387817, 0.04975995421409607, -0.05789358168840408, 0.6962601542472839, -0.7413181066513062, 0.10739452391862869],
  },
  adam: {
    steps: [
      [0.14999857544898987, -0.24999845027923584, 0.3499986529350281, 0.3500014543533325, -0.4500012993812561, 0.5500013828277588, 0.059997767210006714, -0.06999854743480682, 0.6500060558319092, -0.7500012516975403, 0.099998340010643],
      [0.1993139684200287, -0.2998265027999878, 0.399301677942276, 0.30003735423088074, -0.4007094204425812, 0.49996379017829895, 0.10907897353172302, -0.11551202088594437, 0.6431493759155273, -0.7000153660774231, 0.14876213669776917],
      [0.24560314416885376, -0.34765610098838806, 0.4454745054244995, 0.2521198093891144, -0.35464224219322205, 0.45200687646865845, 0.15299753844738007, -0.15930235385894775, 0.6612955927848816, -0.6547092795372009, 0.1925782561302185],
      [0.2595125734806061, -0.356353223323822, 0.4559497535228729, 0.2467879056930542, -0.3469693958759308, 0.4493139982223511, 0.1376221477985382, -0.1430225968360901, 0.6360606551170349, -0.6285756826400757, 0.17603901028633118],
    ],
    final: [0.15252354741096497, -0.2525171637535095, 0.35248658061027527, 0.34751060605049133, -0.44754379987716675, 0.5475339293479919, 0.06217574700713158, -0.07205897569656372, 0.6499111652374268, -0.747353732585907, 0.1021532192826271],
    names: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_kernel_velocity", "ema_d1_bias_momentum", "ema_d1_bias_velocity", "ema_d2_kernel_momentum", "ema_d2_kernel_velocity", "ema_d2_bias_momentum", "ema_d2_bias_velocity"],
    averages: [0.15252354741096497, -0.2525171637535095, 0.35248658061027527, 0.34751060605049133, -0.44754379987716675, 0.5475339293479919, 0.06217574700713158, -0.07205897569656372, 0.6499111652374268, -0.747353732585907, 0.1021532192826271],
  },
  adam_overwrite: {
    steps: [
      [0.14999857544898987, -0.24999845027923584, 0.3499986529350281, 0.3500014543533325, -0.4500012993812561, 0.5500013828277588, 0.059997767210006714, -0.06999854743480682, 0.6500060558319092, -0.7500012516975403, 0.099998340010643],
      [0.1993139684200287, -0.2998265027999878, 0.399301677942276, 0.30003735423088074, -0.4007094204425812, 0.49996379017829895, 0.10907897353172302, -0.11551202088594437, 0.6431493759155273, -0.7000153660774231, 0.14876213669776917],
      [0.1770099401473999, -0.27750247716903687, 0.37698233127593994, 0.3224308490753174, -0.42304280400276184, 0.5223965048789978, 0.0864507183432579, -0.0951414555311203, 0.6511669158935547, -0.7229451537132263, 0.12631653249263763],
      [0.22214367985725403, -0.3238697648048401, 0.4215221405029297, 0.27677902579307556, -0.3790826201438904, 0.47752609848976135, 0.1131448745727539, -0.1138470470905304, 0.6749970316886902, -0.6797441840171814, 0.1533823162317276],
    ],
    final: [0.18603669106960297, -0.28677594661712646, 0.38589030504226685, 0.3133004903793335, -0.41425076127052307, 0.513422429561615, 0.09178954362869263, -0.09888257086277008, 0.6559329628944397, -0.7143049836158752, 0.13172969222068787],
    names: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_kernel_velocity", "ema_d1_bias_momentum", "ema_d1_bias_velocity", "ema_d2_kernel_momentum", "ema_d2_kernel_velocity", "ema_d2_bias_momentum", "ema_d2_bias_velocity"],
    averages: [0.18603669106960297, -0.28677594661712646, 0.38589030504226685, 0.3133004903793335, -0.41425076127052307, 0.513422429561615, 0.09178954362869263, -0.09888257086277008, 0.6559329628944397, -0.7143049836158752, 0.13172969222068787],
  },
};

const CASES: { key: keyof typeof KERAS; make: () => optimizers.Optimizer; epochs: number }[] = [
  { key: "sgd", make: () => optimizers.SGD({ learningRate: 0.1, momentum: 0.9, useEma: true, emaMomentum: 0.5 }), epochs: 2 },
  { key: "sgd_overwrite", make: () => optimizers.SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.7, emaOverwriteFrequency: 2 }), epochs: 3 },
  { key: "adam", make: () => optimizers.Adam({ learningRate: 0.05, useEma: true }), epochs: 2 },
  { key: "adam_overwrite", make: () => optimizers.Adam({ learningRate: 0.05, useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 3 }), epochs: 2 },
];

for (const c of CASES) {
  test(`fit with ${c.key} (useEma) matches Keras 3.5 after every step and after fit's finalize`, async () => {
    const model = makeModel();
    const opt = c.make();
    const steps = await fitRecorded(model, opt, c.epochs);
    const want = KERAS[c.key];
    assert.equal(steps.length, want.steps.length);
    steps.forEach((s, i) => close(s, want.steps[i], `${c.key} step ${i + 1}`));
    close(flat(model.getWeights()), want.final, `${c.key} after fit`);
    assert.deepEqual(opt.variables().map((v) => v.name), want.names);
    close(flat(opt.variables().filter((v) => v.name.endsWith("_average"))), want.averages, `${c.key} averages`);
  });
}

test("without useEma fit ends with the last step's weights (no finalize), and no average variables", async () => {
  const model = makeModel();
  const opt = optimizers.Adam({ learningRate: 0.05 });
  const steps = await fitRecorded(model, opt, 2);
  assert.deepEqual(flat(model.getWeights()), steps[steps.length - 1]);
  // Keras' Adam without EMA takes the same steps as with it (no overwrite).
  steps.forEach((s, i) => close(s, KERAS.adam.steps[i], `adam step ${i + 1}`));
  assert.ok(!opt.variables().some((v) => v.name.endsWith("_average")));
  assert.equal(opt.variables().length, 2 + 2 * 4);
});

/** Keras 3.5's optimizer.variables names, each optimizer built with use_ema=True on the model above (same command). */
const KERAS_NAMES: Record<string, string[]> = 
{
  SGD: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average"],
  RMSprop: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_velocity", "ema_d1_bias_velocity", "ema_d2_kernel_velocity", "ema_d2_bias_velocity"],
  Adam: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_kernel_velocity", "ema_d1_bias_momentum", "ema_d1_bias_velocity", "ema_d2_kernel_momentum", "ema_d2_kernel_velocity", "ema_d2_bias_momentum", "ema_d2_bias_velocity"],
  AdamW: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_kernel_velocity", "ema_d1_bias_momentum", "ema_d1_bias_velocity", "ema_d2_kernel_momentum", "ema_d2_kernel_velocity", "ema_d2_bias_momentum", "ema_d2_bias_velocity"],
  Adagrad: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "accumulator", "accumulator", "accumulator", "accumulator"],
  Adadelta: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_accumulated_grad", "ema_d1_kernel_accumulated_delta_var", "ema_d1_bias_accumulated_grad", "ema_d1_bias_accumulated_delta_var", "ema_d2_kernel_accumulated_grad", "ema_d2_kernel_accumulated_delta_var", "ema_d2_bias_accumulated_grad", "ema_d2_bias_accumulated_delta_var"],
  Adamax: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "ema_d1_kernel_momentum", "ema_d1_kernel_norm", "ema_d1_bias_momentum", "ema_d1_bias_norm", "ema_d2_kernel_momentum", "ema_d2_kernel_norm", "ema_d2_bias_momentum", "ema_d2_bias_norm"],
  Nadam: ["iteration", "learning_rate", "ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average", "variable", "ema_d1_kernel_momentum", "ema_d1_kernel_velocity", "ema_d1_bias_momentum", "ema_d1_bias_velocity", "ema_d2_kernel_momentum", "ema_d2_kernel_velocity", "ema_d2_bias_momentum", "ema_d2_bias_velocity"],
};

test("every optimizer with useEma lists the averages after iteration and learning_rate, before its own slots, as Keras does", () => {
  for (const [className, want] of Object.entries(KERAS_NAMES)) {
    const opt = optimizers.get(className);
    const withEma = (opt.constructor as new (o: optimizers.OptimizerOptions) => optimizers.Optimizer);
    const ema = new withEma({ useEma: true });
    const plain = new withEma({});
    const weights = makeModel().trainableWeights;
    ema.build(weights);
    plain.build(weights);
    const names = ema.variables().map((v) => v.name);
    // Keras names Adagrad's accumulators and Nadam's u_product without their variable; lamina's
    // own names for those (unchanged by useEma) are compared through the optimizer without EMA.
    const averages = ["ema_d1_kernel_average", "ema_d1_bias_average", "ema_d2_kernel_average", "ema_d2_bias_average"];
    const plainNames = plain.variables().map((v) => v.name);
    assert.deepEqual(names, [...plainNames.slice(0, 2), ...averages, ...plainNames.slice(2)], className);
    assert.deepEqual(names.slice(0, 6), want.slice(0, 6), className);
    assert.equal(names.length, want.length, className);
    // Keras 3.5 lists Nadam's u_product before the slots, lamina after them (with or without EMA).
    if (className !== "Nadam") {
      names.forEach((n, i) => { if (want[i] !== "accumulator") assert.equal(n, want[i], `${className} variable ${i}`); });
    }
  }
});

test("useEma leaves every optimizer's update (fused on native and js) unchanged, and the averages follow Keras' formula bit for bit", (t) => {
  const before = tf.getBackend();
  const results: Record<string, number[][]> = {};
  for (const backend of ["js", "native"]) {
    try {
      tf.setBackend(backend);
    } catch {
      t.diagnostic(`the ${backend} backend is not available`);
      continue;
    }
    try {
      for (const className of Object.keys(KERAS_NAMES)) {
        const make = (o: optimizers.OptimizerOptions): optimizers.Optimizer =>
          new (optimizers.get(className).constructor as new (o: optimizers.OptimizerOptions) => optimizers.Optimizer)(o);
        const m = 0.9;
        for (const n of [7, 5000]) {
          const withEma = make({ learningRate: 0.01, useEma: true, emaMomentum: m });
          const without = make({ learningRate: 0.01 });
          tf.random.setSeed(n);
          const w0 = tf.random.normal([n]);
          const a = tf.variable(w0), b = tf.variable(w0);
          let average: Tensor = tf.zeros([n]);
          for (let step = 0; step < 3; step++) {
            const g = tf.random.normal([n]);
            withEma.applyGradients([[g, a]]);
            without.applyGradients([[g, b]]);
            assert.deepEqual(a.dataSync(), b.dataSync(), `${className} ${backend} n=${n} step ${step}: the update changed with useEma`);
            const mm = step === 0 ? 0 : m;
            average = tf.add(tf.mul(average, mm), tf.mul(b, Math.fround(1 - Math.fround(mm))));
            const got = withEma.getSlot(a, "average") as Tensor;
            assert.deepEqual(got.dataSync(), average.dataSync(), `${className} ${backend} n=${n} step ${step}: average`);
          }
          (results[`${className} ${n}`] ??= []).push(Array.from(withEma.getSlot(a, "average")!.dataSync() as Float32Array));
        }
      }
    } finally {
      tf.setBackend(before);
    }
  }
  // The same averages on every backend.
  for (const [k, r] of Object.entries(results)) if (r.length === 2) close(r[1], r[0], `${k} js vs native`, 1e-5);
});

test("emaOverwriteFrequency overwrites the weights with their averages every that many applyGradients; finalizeVariableValues at the end", () => {
  const v = tf.variable(tf.constant([1, 2], "float32"), { name: "v" });
  const opt = optimizers.SGD({ learningRate: 0.5, useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 2 });
  const g = tf.constant([1, 1], "float32");
  opt.applyGradients([[g, v]]);
  assert.deepEqual(Array.from(v.dataSync() as Float32Array), [0.5, 1.5]); // average = w (first step)
  opt.applyGradients([[g, v]]);
  // w = [0, 1]; average = 0.5 * [0.5, 1.5] + 0.5 * [0, 1] = [0.25, 1.25]; second step: w takes it.
  assert.deepEqual(Array.from(v.dataSync() as Float32Array), [0.25, 1.25]);
  opt.applyGradients([[g, v]]);
  assert.deepEqual(Array.from(v.dataSync() as Float32Array), [-0.25, 0.75]);
  assert.deepEqual(Array.from(opt.getSlot(v, "average")!.dataSync() as Float32Array), [0, 1]);
  opt.finalizeVariableValues([v]);
  assert.deepEqual(Array.from(v.dataSync() as Float32Array), [0, 1]);
  // Without useEma finalize changes nothing.
  const plain = optimizers.SGD({ learningRate: 0.5 });
  plain.applyGradients([[g, v]]);
  plain.finalizeVariableValues([v]);
  assert.deepEqual(Array.from(v.dataSync() as Float32Array), [-0.5, 0.5]);
});

test("bad EMA options are refused naming the optimizer, the value and what is expected", () => {
  assert.throws(() => optimizers.Adam({ useEma: true, emaMomentum: 1.5 }), /Adam: emaMomentum must be a number in \[0, 1\].*got 1\.5/);
  assert.throws(() => optimizers.SGD({ useEma: true, emaMomentum: -0.1 }), /SGD: emaMomentum must be a number in \[0, 1\].*got -0\.1/);
  assert.throws(() => optimizers.RMSprop({ emaMomentum: Number.NaN }), /RMSprop: emaMomentum .*got NaN/);
  assert.throws(() => optimizers.Adam({ useEma: true, emaOverwriteFrequency: 0 }), /Adam: emaOverwriteFrequency must be a positive integer .*or null .*got 0/);
  assert.throws(() => optimizers.Adam({ useEma: true, emaOverwriteFrequency: 2.5 }), /emaOverwriteFrequency must be a positive integer.*got 2\.5/);
  assert.throws(() => optimizers.Nadam({ useEma: true, emaOverwriteFrequency: -3 }), /Nadam: emaOverwriteFrequency .*got -3/);
  assert.throws(() => optimizers.Adam({ useEma: "yes" as unknown as boolean }), /Adam: useEma must be true or false, got "yes"/);
  assert.throws(() => optimizers.Adam({ useEMA: true } as optimizers.OptimizerOptions), /Adam: unknown option useEMA/);
  // The edges are fine.
  assert.equal(optimizers.Adam({ useEma: true, emaMomentum: 0 }).emaMomentum, 0);
  assert.equal(optimizers.Adam({ useEma: true, emaMomentum: 1, emaOverwriteFrequency: 1 }).emaOverwriteFrequency, 1);
});

test("getConfig writes use_ema, ema_momentum and ema_overwrite_frequency, and fromConfig/get read them back", () => {
  const opt = optimizers.Adam({ learningRate: 0.01, useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 3 });
  const config = JSON.parse(JSON.stringify(opt.getConfig()));
  assert.deepEqual([config.use_ema, config.ema_momentum, config.ema_overwrite_frequency], [true, 0.8, 3]);
  const back = optimizers.Adam.fromConfig(config);
  assert.deepEqual([back.useEma, back.emaMomentum, back.emaOverwriteFrequency], [true, 0.8, 3]);
  assert.deepEqual(back.getConfig(), opt.getConfig());
  const viaGet = optimizers.get(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
  assert.deepEqual(viaGet.getConfig(), opt.getConfig());
  const defaults = optimizers.SGD().getConfig();
  assert.deepEqual([defaults.use_ema, defaults.ema_momentum, defaults.ema_overwrite_frequency], [false, 0.99, null]);
  // Keras takes ema_overwrite_frequency=0 as None.
  assert.equal(optimizers.SGD.fromConfig({ use_ema: true, ema_overwrite_frequency: 0 }).emaOverwriteFrequency, null);
  assert.throws(() => optimizers.SGD.fromConfig({ use_ema: true, ema_momentum: 2 }), /SGD: emaMomentum must be a number in \[0, 1\]/);
});

test("a .keras file of a model compiled with useEma resumes exactly as an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-ema-"));
  try {
    const make = (): optimizers.Optimizer => optimizers.Adam({ learningRate: 0.05, useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 3 });
    const uninterrupted = makeModel();
    uninterrupted.compile({ loss: "mse", optimizer: make() });
    const fitArgs = { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 } as const;
    await uninterrupted.fit(X, Y, fitArgs);
    const path = join(dir, "ema.keras");
    await uninterrupted.save(path);
    await uninterrupted.fit(X, Y, fitArgs);

    const loaded = await models.loadModel(path);
    const opt = loaded.optimizer as optimizers.Optimizer;
    assert.deepEqual([opt.useEma, opt.emaMomentum, opt.emaOverwriteFrequency], [true, 0.8, 3]);
    assert.deepEqual(opt.variables().slice(2, 6).map((v) => v.name), ["d1_kernel_average", "d1_bias_average", "d2_kernel_average", "d2_bias_average"]);
    await loaded.fit(X, Y, fitArgs);
    assert.deepEqual(flat(loaded.getWeights()), flat(uninterrupted.getWeights()));
    assert.deepEqual(flat(opt.getWeights()), flat((uninterrupted.optimizer as optimizers.Optimizer).getWeights()));
    // And where Keras' own run of the same goes (test/fixtures/keras_files/by_keras/ema.json).
    const keras = JSON.parse(readFileSync("test/fixtures/keras_files/by_keras/ema.json", "utf8")) as { after_one_more_epoch: number[] };
    close(flat(loaded.getWeights()), keras.after_one_more_epoch, "resumed vs Keras");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a .keras file written by Keras 3.5 with use_ema loads with its averages and trains on as Keras does", async () => {
  // test/fixtures/keras_files/by_keras/ema.{keras,json}, from test/fixtures/make_keras_ema.py: the
  // model above compiled with Adam(0.05, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=3)
  // after one epoch; the JSON holds the saved state and the weights after one more epoch in Keras.
  const keras = JSON.parse(readFileSync("test/fixtures/keras_files/by_keras/ema.json", "utf8")) as {
    saved: { weights: number[]; optimizer: Record<string, number[]> }; after_one_more_epoch: number[];
  };
  const model = await models.loadModel("test/fixtures/keras_files/by_keras/ema.keras");
  const opt = model.optimizer as optimizers.Optimizer;
  assert.equal(opt.className, "Adam");
  assert.deepEqual([opt.useEma, opt.emaMomentum, opt.emaOverwriteFrequency], [true, 0.8, 3]);
  assert.deepEqual(flat(model.getWeights()), keras.saved.weights);
  const names = Object.keys(keras.saved.optimizer);
  // The file names the slots after the saved model's paths (ema/d1/kernel: ema_d1_kernel_average).
  // Loading builds each layer from its build_config before the Sequential takes it, outside the
  // model's scope, so Keras' loaded model has d1/kernel and slots named d1_kernel_average; lamina too.
  assert.deepEqual(opt.variables().map((v) => v.name), names.map((n) => n.replace(/^ema_/, "")));
  opt.variables().forEach((v, i) => close(Array.from(v.dataSync() as ArrayLike<number | bigint>, Number), keras.saved.optimizer[names[i]], v.name, 0));
  await model.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
  close(flat(model.getWeights()), keras.after_one_more_epoch, "after one more epoch");
});
