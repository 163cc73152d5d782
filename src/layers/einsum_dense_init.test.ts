/**
 * Keras 3.15's EinsumDense gives a VarianceScaling kernel initializer (Glorot, He, LeCun) given
 * without fan axes the equation's axes (keras/src/layers/core/einsum_dense.py at v3.15.1:
 * _update_kernel_initializer, _analyze_split_string's input_axes/output_axes): a kernel axis the
 * output keeps counts as output, the others as input. The expected fans below are read off the
 * equations by hand; the layer's config keeps the initializer as given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, initializers } = tf;
const TRUNC = 0.87962566103423978;

function kernelValues(layer: tf.layers.Layer): number[] {
  return Array.from((layer.getWeights()[0]).dataSync() as Float32Array);
}

function std(v: readonly number[]): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

function near(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relTol * expected, `${what}: got ${actual}, expected ${expected} (±${relTol * 100}%)`);
}

/** max |x| of uniform draws: within the limit, and (thousands of draws) near it. */
function assertUniformLimit(v: readonly number[], limit: number, what: string): void {
  const m = Math.max(...v.map(Math.abs));
  assert.ok(m <= Math.fround(limit) && m > 0.97 * limit, `${what}: max |x| ${m}, limit ${limit}`);
}

test("a head projection's kernel [dim, heads, keyDim] gets fan_in dim and fan_out heads * keyDim (glorot_uniform by default)", () => {
  tf.random.setSeed(31);
  const layer = layers.EinsumDense("abc,cde->abde", [null, 8, 16], { biasAxes: "de" });
  layer.build([null, 10, 64]);
  assert.deepEqual(layer.getWeights()[0].shape, [64, 8, 16]);
  // Keras 3.5 (fans from the shape as a conv kernel) would use fans 8 * 64 and 16 * 64: limit sqrt(6 / 1536).
  assertUniformLimit(kernelValues(layer), Math.sqrt(6 / (64 + 128)), "glorot_uniform, fans 64 and 128");
});

test("the output projection [heads, keyDim, dim] gets fan_in heads * keyDim; a kernel axis the output keeps counts as output", () => {
  const out = layers.EinsumDense("abcd,cde->abe", [null, 32], { kernelInitializer: initializers.HeNormal({ seed: 5 }) });
  out.build([null, 7, 8, 64]);
  const v = kernelValues(out);
  near(std(v), Math.sqrt(2 / (8 * 64)), 0.03, "he_normal std, fan_in 512");
  assert.ok(Math.max(...v.map(Math.abs)) <= 2 * Math.sqrt(2 / 512) / TRUNC * (1 + 1e-6));
  // "abc,bd->abd": b is in the input, the kernel and the output, so Keras counts it as output: input axes [], fan_in 1.
  const shared = layers.EinsumDense("abc,bd->abd", [40, 50], { kernelInitializer: "lecun_uniform" });
  shared.build([null, 40, 3]);
  assertUniformLimit(kernelValues(shared), Math.sqrt(3 / 1), "lecun_uniform, fan_in max(1, 1)");
  // "...b,bc->...c" is a Dense: fans [in, out] either way.
  const dense = layers.EinsumDense("...b,bc->...c", 70, { kernelInitializer: initializers.GlorotUniform({ seed: 6 }) });
  dense.build([null, 5, 90]);
  assertUniformLimit(kernelValues(dense), Math.sqrt(6 / 160), "glorot_uniform on a Dense kernel");
});

test("the layer draws with its initializer's seed; given axes, and initializers that are not VarianceScaling, are used as they are", () => {
  const seeded = layers.EinsumDense("abc,cde->abde", [null, 4, 6], { kernelInitializer: initializers.GlorotUniform({ seed: 7 }) });
  seeded.build([null, 3, 10]);
  const expected = initializers.GlorotUniform({ seed: 7, inputAxes: [0], outputAxes: [1, 2] }).call([10, 4, 6]);
  assert.deepEqual(kernelValues(seeded), Array.from(expected.dataSync() as Float32Array));

  const given = initializers.LecunUniform({ seed: 8, inputAxes: [0, 1], outputAxes: [2] });
  const withAxes = layers.EinsumDense("abc,cde->abde", [null, 4, 6], { kernelInitializer: given });
  withAxes.build([null, 3, 10]);
  assert.deepEqual(kernelValues(withAxes), Array.from(given.call([10, 4, 6]).dataSync() as Float32Array));
  assertUniformLimit(kernelValues(withAxes), Math.sqrt(3 / 40), "lecun_uniform with its own axes, fan_in 40");

  const normal = initializers.RandomNormal({ seed: 9 });
  const plain = layers.EinsumDense("abc,cde->abde", [null, 4, 6], { kernelInitializer: normal });
  plain.build([null, 3, 10]);
  assert.deepEqual(kernelValues(plain), Array.from(normal.call([10, 4, 6]).dataSync() as Float32Array));
});

test("the config keeps the initializer as given: no axes written unless the user set them; both forms save and load", async () => {
  const plain = layers.EinsumDense("abc,cde->abde", [null, 4, 6], { name: "plain" });
  plain.build([null, 3, 10]);
  assert.deepEqual(plain.getConfig().kernel_initializer, { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null });
  const axes = initializers.HeUniform({ seed: 2, inputAxes: [0, 1], outputAxes: [2] });
  const input = layers.Input({ shape: [3, 10] });
  const y = layers.EinsumDense("abc,cde->abde", [null, 4, 6], { name: "given", kernelInitializer: axes })(input);
  const model = new tf.models.Model({ inputs: input, outputs: y });
  const cfg = model.getLayer("given").getConfig().kernel_initializer as { config: unknown };
  assert.deepEqual(cfg.config, { seed: 2, input_axes: [0, 1], output_axes: [2] });
  const dir = mkdtempSync(join(tmpdir(), "lamina-einsum-axes-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model;
    assert.deepEqual((back.getLayer("given").getConfig().kernel_initializer as { config: unknown }).config, { seed: 2, input_axes: [0, 1], output_axes: [2] });
    assert.deepEqual(kernelValues(back.getLayer("given")), kernelValues(model.getLayer("given")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an EinsumDense config as Keras 3.15 writes it loads, with null axes (the equation's then) or set ones", () => {
  const kerasInit = (config: Record<string, unknown>): Record<string, unknown> => ({ module: "keras.initializers", class_name: "GlorotUniform", config, registered_name: null });
  const layerConfig = (init: Record<string, unknown>): Record<string, unknown> => ({
    module: "keras.layers", class_name: "EinsumDense", registered_name: null, build_config: { input_shape: [null, 10, 64] },
    config: {
      name: "query", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
      output_shape: [null, 8, 16], equation: "abc,cde->abde", activation: "linear", bias_axes: "de",
      kernel_initializer: init, bias_initializer: { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  });
  tf.random.setSeed(32);
  const auto = layers.deserialize(layerConfig(kerasInit({ seed: null, input_axes: null, output_axes: null })));
  assertUniformLimit(kernelValues(auto), Math.sqrt(6 / (64 + 128)), "null axes: the equation's");
  assert.deepEqual((auto.getConfig().kernel_initializer as { config: unknown }).config, { seed: null });
  const set = layers.deserialize(layerConfig(kerasInit({ seed: 3, input_axes: [0, 1], output_axes: [2] })));
  assertUniformLimit(kernelValues(set), Math.sqrt(6 / (512 + 16)), "set axes: fans 64 * 8 and 16");
  assert.deepEqual((set.getConfig().kernel_initializer as { config: unknown }).config, { seed: 3, input_axes: [0, 1], output_axes: [2] });
});

test("MultiHeadAttention and GroupQueryAttention projections get Keras 3.15's fans", () => {
  // Keras 3.15's test_mha_query_projection_variance, larger so the sample std settles: query kernel [dim, heads, keyDim].
  tf.random.setSeed(33);
  const mha = layers.MultiHeadAttention({ numHeads: 8, keyDim: 32, kernelInitializer: "lecun_normal" });
  const x = tf.zeros([1, 3, 64]);
  mha.apply([x, x]);
  const byName = (name: string): number[] => Array.from(mha.weights.find((w) => w.path.includes(`${name}/kernel`))!.dataSync() as Float32Array);
  near(std(byName("query")), Math.sqrt(1 / 64), 0.03, "MHA query kernel std, fan_in 64");
  near(std(byName("attention_output")), Math.sqrt(1 / (8 * 32)), 0.03, "MHA output kernel std, fan_in 8 * 32");

  const gqa = layers.GroupQueryAttention({ headDim: 32, numQueryHeads: 8, numKeyValueHeads: 4, kernelInitializer: "he_normal" });
  gqa.apply([x, x]);
  const gqaKernel = (name: string): number[] => Array.from(gqa.weights.find((w) => w.path.includes(`${name}/kernel`))!.dataSync() as Float32Array);
  near(std(gqaKernel("key")), Math.sqrt(2 / 64), 0.03, "GQA key kernel std, fan_in 64");
  near(std(gqaKernel("attention_output")), Math.sqrt(2 / (8 * 32)), 0.03, "GQA output kernel std, fan_in 8 * 32");
});

test("MultiHeadAttention and GroupQueryAttention give each projection its own copy of an initializer object, as Keras clones it from its config", () => {
  // Keras' _get_common_kwargs_for_sublayer: cls.from_config(init.get_config()) per projection. An
  // unseeded initializer's config has seed None, so each copy draws anew; a seeded one's draws repeat.
  tf.random.setSeed(34);
  const x = tf.zeros([1, 3, 16]);
  const kernel = (layer: tf.layers.Layer, name: string): number[] => Array.from(layer.weights.find((w) => w.path.includes(`${name}/kernel`))!.dataSync() as Float32Array);
  const unseeded = initializers.GlorotUniform();
  const mha = layers.MultiHeadAttention({ numHeads: 2, keyDim: 4, kernelInitializer: unseeded, biasInitializer: initializers.RandomNormal() });
  mha.apply([x, x]);
  assert.notDeepEqual(kernel(mha, "query"), kernel(mha, "key"), "MHA: query and key kernels [16, 2, 4] of one unseeded initializer differ");
  const bias = (name: string): number[] => Array.from(mha.weights.find((w) => w.path.includes(`${name}/bias`))!.dataSync() as Float32Array);
  assert.notDeepEqual(bias("query"), bias("key"), "MHA: query and key biases differ");
  assert.deepEqual((mha.getConfig().kernel_initializer as { config: unknown }).config, { seed: null }, "the config keeps the initializer as given");
  const gqa = layers.GroupQueryAttention({ headDim: 4, numQueryHeads: 2, numKeyValueHeads: 2, kernelInitializer: unseeded });
  gqa.apply([x, x]);
  assert.notDeepEqual(kernel(gqa, "query"), kernel(gqa, "key"), "GQA: query and key kernels [16, 2, 4] differ");
  // A seeded initializer's copies draw alike, as in Keras: the query and key kernels are its values at fans 16 and 8.
  const seeded = layers.MultiHeadAttention({ numHeads: 2, keyDim: 4, kernelInitializer: initializers.GlorotUniform({ seed: 9 }) });
  seeded.apply([x, x]);
  const expected = Array.from(initializers.GlorotUniform({ seed: 9, inputAxes: [0], outputAxes: [1, 2] }).call([16, 2, 4]).dataSync() as Float32Array);
  assert.deepEqual(kernel(seeded, "query"), expected);
  assert.deepEqual(kernel(seeded, "key"), expected);
});
