// A layer's own getBuildConfig/buildFromConfig (with a build taking more arguments) and a model's
// own getCompileConfig/compileFromConfig are what saving writes and loading calls, as in Keras.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models, saving } = tf;

/** Keras' guide's LayerWithCustomBuild: build(input_shape, layer_init), its initializer saved in build_config. */
class InitBuild extends layers.Layer {
  units: number;
  w!: tf.Variable;
  layerInit: string | undefined;
  constructor(args: tf.layers.LayerArgs & { units?: number } = {}) {
    super(args);
    this.units = args.units ?? 2;
  }
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.matmul(x as tf.Tensor, this.w);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }
  override build(shape: tf.layers.LayerShape, layerInit?: string): void {
    const s = shape as (number | null)[];
    this.w = this.addWeight({ name: "w", shape: [s[s.length - 1] as number, this.units], initializer: layerInit });
    this.layerInit = layerInit;
  }
  override getBuildConfig(): Record<string, unknown> | null {
    return { ...super.getBuildConfig(), layer_init: this.layerInit };
  }
  override buildFromConfig(config: Readonly<Record<string, unknown>> | null): void {
    this.build(config!.input_shape as tf.layers.LayerShape, config!.layer_init as string);
  }
}
saving.registerKerasSerializable({ package: "OverridesTest" })(InitBuild);

test("a direct build(shape, extra) passes the extra argument on; the layer's getBuildConfig is what is saved and its buildFromConfig what loading calls", async () => {
  const layer = new InitBuild({ units: 3, name: "ib" });
  layer.build([4], "ones");
  // The initializer reached build: Keras' "ones" gives a kernel of ones.
  assert.deepEqual(layer.w.arraySync(), [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  // Keras' get_build_config records the shape given to build, (4,) here.
  assert.deepEqual(tf.layers.serialize(layer).build_config, { input_shape: [4], layer_init: "ones" });

  // In a Sequential with no Input, the layer's hand-made (4,) build does not fix the model's input:
  // the model builds at its first call, for (batch, 4), as Keras' does.
  const model = new models.Sequential([layer, layers.Dense(1, { kernelInitializer: "ones" })]);
  const x = tf.constant([[1, 2, 3, 4]], "float32");
  assert.deepEqual((model.apply(x) as tf.Tensor).arraySync(), [[30]]);
  const dir = mkdtempSync(join(tmpdir(), "lamina-overrides-"));
  try {
    await model.save(join(dir, "m.keras"));
    const loaded = await models.loadModel(join(dir, "m.keras"));
    assert.equal((loaded.layers[0] as InitBuild).layerInit, "ones");
    assert.equal(loaded.built, true);
    assert.deepEqual((loaded.predict(x) as tf.Tensor).arraySync(), [[30]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a model's getCompileConfig is saved (functions and objects serialized as Keras' serialize_dict) and its compileFromConfig recompiles it at load", async () => {
  const halfMse = saving.registerKerasSerializable({ package: "OverridesTest" })(function half_mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.div(tf.mean(tf.squaredDifference(yTrue, yPred), -1), 2);
  });
  class Custom extends models.Model {
    dense = layers.Dense(1, { kernelInitializer: "zeros" });
    savedLoss: ((t: tf.Tensor, p: tf.Tensor) => tf.Tensor) | undefined;
    fromConfigCalls = 0;
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.dense.apply(x) as tf.Tensor;
    }
    override compile(args: tf.models.CompileArgs): void {
      super.compile(args);
      this.savedLoss = args.loss as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
    }
    override getCompileConfig(): Record<string, unknown> | null {
      return { my_loss: this.savedLoss, my_optimizer: "sgd" };
    }
    override compileFromConfig(config: Readonly<Record<string, unknown>>): void {
      this.fromConfigCalls++;
      this.compile({ optimizer: config.my_optimizer as string, loss: saving.deserializeKerasObject(config.my_loss) as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor });
    }
  }
  saving.registerKerasSerializable({ package: "OverridesTest" })(Custom);
  const model = new Custom();
  model.compile({ optimizer: "sgd", loss: halfMse });
  const x = tf.constant([[1], [2]], "float32");
  const y = tf.constant([[2], [4]], "float32");
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const config = tf.layers.serialize(model) as { compile_config: Record<string, unknown> };
  // Keras 3.15's serialize_keras_object of a registered function: config is get_registered_name(fn).
  assert.deepEqual(config.compile_config, {
    my_loss: { module: "builtins", class_name: "function", config: "OverridesTest>half_mse", registered_name: "function" },
    my_optimizer: "sgd",
  });
  const dir = mkdtempSync(join(tmpdir(), "lamina-overrides-"));
  try {
    await model.save(join(dir, "c.keras"));
    const loaded = (await models.loadModel(join(dir, "c.keras"))) as Custom;
    assert.equal(loaded.fromConfigCalls, 1);
    assert.equal(loaded.savedLoss, halfMse);
    // Recompiled with the custom loss: evaluate gives half the mse of the same weights.
    const mse = Number(tf.mean(tf.squaredDifference(y, model.predict(x) as tf.Tensor)).item());
    const evaluated = (await loaded.evaluate(x, y, { verbose: 0 })) as number;
    assert.ok(Math.abs(evaluated - mse / 2) < 1e-6, `${evaluated} vs ${mse / 2}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
