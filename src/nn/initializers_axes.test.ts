/**
 * Keras 3.15's input_axes/output_axes of VarianceScaling and its presets
 * (keras/src/initializers/random_initializers.py at v3.15.1: compute_fans multiplies the sizes on
 * the given axes when both lists are set). Expected fans are worked out by hand from the shapes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { initializers } from "./index.js";

const TRUNC = 0.87962566103423978;

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync() as Float32Array);
}

function std(v: readonly number[]): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

function near(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relTol * expected, `${what}: got ${actual}, expected ${expected} (±${relTol * 100}%)`);
}

test("computeFans with axes: products of the sizes on each list, negative axes from the end, empty lists 1", () => {
  // Keras 3.15's own test: a query projection [512, 8, 64] has fan_in 512 and fan_out 8 * 64.
  assert.deepEqual(initializers.computeFans([512, 8, 64], [0], [1, 2]), [512, 512]);
  assert.deepEqual(initializers.computeFans([512, 8, 64], [0, 1], [2]), [4096, 64]);
  assert.deepEqual(initializers.computeFans([3, 5, 7, 11], [-1, 0], [-3]), [33, 5]);
  assert.deepEqual(initializers.computeFans([6, 10], [], [0, 1]), [1, 60]);
  // Without axes: the shape's own rule (a rank-3 kernel read as a conv kernel with receptive field 512).
  assert.deepEqual(initializers.computeFans([512, 8, 64]), [4096, 32768]);
  assert.deepEqual(initializers.computeFans([512, 8, 64], null, null), [4096, 32768]);
});

test("the presets and VarianceScaling scale by the fans of their axes: uniform limits exactly, normal stds within 3%", () => {
  // Limits in Keras' order of operations: scale / fan first, then sqrt(3 * that).
  const shape = [32, 4, 16];
  // fan_in 32 (axis 0), fan_out 4 * 16 = 64.
  const glorot = initializers.GlorotUniform({ seed: 1, inputAxes: [0], outputAxes: [1, 2] });
  assert.equal(glorot.parameters(shape).limit, Math.sqrt(3 * (1 / ((32 + 64) / 2))));
  const gv = values(glorot.call(shape));
  const gl = Math.sqrt(6 / 96);
  assert.ok(Math.max(...gv.map(Math.abs)) <= Math.fround(gl) && Math.max(...gv) > 0.97 * gl && Math.min(...gv) < -0.97 * gl, "glorot_uniform fills [-limit, limit]");
  // Without axes the same preset would use fans 4 * 32 and 16 * 32: limit sqrt(6 / 640).
  assert.equal(initializers.GlorotUniform().parameters(shape).limit, Math.sqrt(3 * (1 / 320)));

  assert.equal(initializers.HeUniform({ inputAxes: [-3, -2], outputAxes: [-1] }).parameters(shape).limit, Math.sqrt(3 * (2 / 128)));
  assert.equal(initializers.LecunUniform({ inputAxes: [1], outputAxes: [0, 2] }).parameters(shape).limit, Math.sqrt(3 * (1 / 4)));
  assert.equal(initializers.VarianceScaling({ scale: 3, mode: "fan_out", distribution: "uniform", inputAxes: [0], outputAxes: [2] }).parameters(shape).limit, Math.sqrt(3 * (3 / 16)));

  // Normal draws: many samples, the sample std against sqrt(scale / fan).
  const big = [64, 8, 32];
  const he = values(initializers.HeNormal({ seed: 2, inputAxes: [0], outputAxes: [1, 2] }).call(big));
  near(std(he), Math.sqrt(2 / 64), 0.03, "he_normal std, fan_in 64");
  assert.ok(Math.max(...he.map(Math.abs)) <= 2 * Math.sqrt(2 / 64) / TRUNC * (1 + 1e-6), "truncated at two stddevs");
  const lecun = values(initializers.LecunNormal({ seed: 3, inputAxes: [0, 1], outputAxes: [2] }).call(big));
  near(std(lecun), Math.sqrt(1 / 512), 0.03, "lecun_normal std, fan_in 64 * 8");
  const gn = values(initializers.GlorotNormal({ seed: 4, inputAxes: [0], outputAxes: [1, 2] }).call(big));
  near(std(gn), Math.sqrt(2 / (64 + 256)), 0.03, "glorot_normal std, fans 64 and 256");
  const vs = values(initializers.VarianceScaling({ scale: 0.5, mode: "fan_avg", distribution: "untruncated_normal", inputAxes: [2], outputAxes: [0], seed: 5 }).call(big));
  near(std(vs), Math.sqrt(0.5 / ((32 + 64) / 2)), 0.03, "variance_scaling untruncated std, fans 32 and 64");
});

test("withFanAxes: a copy of the same class, drawing with the same seed, the original unchanged", () => {
  tf.random.setSeed(21);
  const unseeded = initializers.GlorotUniform();
  const copy = unseeded.withFanAxes([0], [1, 2]);
  assert.ok(copy instanceof initializers.GlorotUniform);
  assert.equal(copy.className, "GlorotUniform");
  assert.deepEqual([unseeded.inputAxes, copy.inputAxes, copy.outputAxes], [null, [0], [1, 2]]);
  assert.deepEqual(unseeded.getConfig(), { seed: null });
  const shape = [32, 4, 16];
  const a = values(unseeded.call(shape)), b = values(copy.call(shape));
  // Same uniform draws, scaled by the ratio of the limits: sqrt(6 / 96) / sqrt(6 / 640).
  const ratio = Math.sqrt(640 / 96);
  a.forEach((v, i) => assert.ok(Math.abs(b[i] - v * ratio) < 1e-6, `value ${i}: ${b[i]} vs ${v} * ${ratio}`));
});

test("getConfig writes input_axes/output_axes only when set, and round-trips through serialize/get", () => {
  assert.deepEqual(initializers.HeNormal({ seed: 3 }).getConfig(), { seed: 3 });
  assert.deepEqual(initializers.VarianceScaling().getConfig(), { seed: null, scale: 1, mode: "fan_in", distribution: "truncated_normal" });
  const he = initializers.HeNormal({ seed: 3, inputAxes: [0], outputAxes: [1, 2] });
  assert.deepEqual(he.getConfig(), { seed: 3, input_axes: [0], output_axes: [1, 2] });
  const vs = initializers.VarianceScaling({ scale: 2, mode: "fan_avg", distribution: "uniform", seed: 9, inputAxes: [0, 1], outputAxes: [-1] });
  assert.deepEqual(vs.getConfig(), { seed: 9, scale: 2, mode: "fan_avg", distribution: "uniform", input_axes: [0, 1], output_axes: [-1] });
  for (const init of [he, vs]) {
    const back = initializers.get(JSON.parse(JSON.stringify(init.serialize())) as ReturnType<typeof init.serialize>);
    assert.equal(back.className, init.className);
    assert.deepEqual(back.getConfig(), init.getConfig());
    assert.deepEqual(values(back.call([5, 3, 4])), values(init.call([5, 3, 4])));
  }
});

test("Keras 3.15's configs load: null axes as before, set axes used for the fans", () => {
  for (const name of ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform"]) {
    // As Keras 3.15.1 writes a preset (e.g. in test/fixtures/keras_files/by_keras/attention_gate_window.keras).
    const plain = initializers.get({ module: "keras.initializers", class_name: name, config: { seed: null, input_axes: null, output_axes: null }, registered_name: null } as never);
    assert.equal(plain.className, name);
    assert.deepEqual(plain.getConfig(), { seed: null });
    const withAxes = initializers.get({ module: "keras.initializers", class_name: name, config: { seed: 4, input_axes: [0], output_axes: [1, 2] }, registered_name: null } as never) as initializers.VarianceScaling;
    assert.deepEqual(withAxes.getConfig(), { seed: 4, input_axes: [0], output_axes: [1, 2] });
    const fanIn = 10, fanOut = 6 * 7;
    const fan = withAxes.mode === "fan_in" ? fanIn : (fanIn + fanOut) / 2;
    assert.equal(withAxes.parameters([10, 6, 7]).limit, Math.sqrt(3 * (withAxes.scale / fan)), name);
  }
  const vs = initializers.get({ class_name: "VarianceScaling", config: { seed: null, scale: 2, mode: "fan_out", distribution: "uniform", input_axes: [1, 2], output_axes: [0] } } as never) as initializers.VarianceScaling;
  assert.equal(vs.parameters([10, 6, 7]).limit, Math.sqrt(3 * (2 / 10)));
});

test("bad axes are refused, naming the initializer, the axes and the shape", () => {
  assert.throws(() => initializers.GlorotUniform({ inputAxes: [0], outputAxes: null }), /initializers\.GlorotUniform: inputAxes \[0\] and outputAxes null: give both or neither/);
  assert.throws(() => initializers.VarianceScaling({ outputAxes: [1] }), /initializers\.VarianceScaling: .*give both or neither/);
  assert.throws(() => initializers.HeNormal({ inputAxes: [0.5], outputAxes: [1] }), /initializers\.HeNormal: inputAxes must be a list of integer axes/);
  assert.throws(() => initializers.HeNormal({ inputAxes: 0 as unknown as number[], outputAxes: [1] }), TypeError);
  assert.throws(() => initializers.LecunNormal({ inputAxes: [0], outputAxes: [3] }).call([4, 5]),
    /initializers\.LecunNormal: outputAxes \[3\] has axis 3, out of range for the weight shape \(4, 5\) \(rank 2: axes -2 to 1\)/);
  assert.throws(() => initializers.HeUniform({ inputAxes: [-3], outputAxes: [1] }).call([4, 5]), /inputAxes \[-3\] has axis -3, out of range/);
  assert.throws(() => initializers.HeUniform({ inputAxes: [0, -2], outputAxes: [1] }).call([4, 5]), /initializers\.HeUniform: inputAxes \[0,-2\] names axis 0 twice/);
  assert.throws(() => initializers.computeFans([4, 5], [0], null), /initializers\.computeFans: .*give both or neither/);
  assert.throws(() => initializers.get({ class_name: "GlorotUniform", config: { seed: null, input_axes: "0", output_axes: [1] } } as never),
    /initializers\.GlorotUniform: config key "input_axes" must be a list of integer axes or null, got "0"/);
  assert.throws(() => initializers.get({ class_name: "HeNormal", config: { seed: null, input_axes: null, output_axes: [1] } } as never), /initializers\.HeNormal: .*give both or neither/);
  // Orthogonal takes no fan axes in Keras 3.15 either.
  assert.throws(() => initializers.get({ class_name: "Orthogonal", config: { seed: null, gain: 1, input_axes: [0], output_axes: [1] } } as never), /Orthogonal: unknown config keys "input_axes", "output_axes"/);
});
