import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import { constant, ones } from "../tensor/creation.js";
import * as layers from "./index.js";
import { ImagenetPreprocessing } from "../applications/imagenet_utils.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { matmul } from "../ops/matmul.js";

/** Asserts `make` throws an error of class `type` whose message matches every pattern. */
function refuses(make: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("the base layer options are checked when the layer is made, naming the layer and the value", () => {
  refuses(() => layers.Dense(3, { name: "block1/dense" }), TypeError, /^Dense block1\/dense: name must be a string without "\/"/, /got "block1\/dense"/);
  refuses(() => layers.Dense(3, { dtype: "float16" as never }), TypeError, /^Dense: unknown dtype "float16"/, /float32, float64/);
  refuses(() => layers.ReLU({ dtype: "float" as never }), TypeError, /^ReLU: unknown dtype "float"/);
  refuses(() => layers.Dense(3, { inputShape: 5 as never }), TypeError, /^Dense: inputShape must be a list of non-negative integers or null/, /got 5/, /inputShape: \[28, 28, 1\] or \[null, 28\]/);
  refuses(() => layers.Conv2D(3, 3, { inputShape: [28, -28, 1] }), TypeError, /^Conv2D: inputShape must be a list/, /got \[28,-28,1\]/);
  refuses(() => layers.Dense(3, { inputShape: [4], batchSize: 0 }), RangeError, /^Dense: batchSize must be a positive integer, got 0/);
  refuses(() => layers.Input({ shape: 5 as never }), TypeError, /^Input: shape must be a list of dimensions, got 5/, /shape: \[28, 28, 1\]/);
  refuses(() => layers.Input({ shape: [3], dtype: "float16" as never }), TypeError, /^InputLayer: unknown dtype "float16"/);
  refuses(() => layers.Input({ shape: [-3] }), RangeError, /^Input: shape \[-3\] has the dimension -3; dimensions must be non-negative integers, or null/);
  refuses(() => layers.Input({ batchShape: [null, 2.5] as never }), RangeError, /^Input: batchShape \[null,2.5\] has the dimension 2.5/);
  // What stays allowed: unknown (null) dimensions, a float64 layer, an explicit batch size.
  assert.equal(layers.Dense(3, { inputShape: [null, 4], batchSize: 8, dtype: "float64", name: "ok" }).name, "ok");
});

test("Input and InputLayer take the shape first, as keras.Input(shape, batch_size=..., name=...), or the options object", () => {
  assert.deepEqual(layers.Input([28, 28, 1]).shape, [null, 28, 28, 1]);
  const named = layers.Input([null, 8], { batchSize: 4, name: "tokens", dtype: "int32" });
  assert.deepEqual([named.shape, named.dtype, named.name], [[4, null, 8], "int32", "tokens"]);
  assert.deepEqual(layers.Input({ shape: [3] }).shape, [null, 3]);
  assert.deepEqual(layers.InputLayer([5], { batchSize: 2 }).batchInputShape, [2, 5]);
  refuses(() => layers.Input(5 as never), TypeError, /^Input: shape must be a list of dimensions, got 5/);
  refuses(() => layers.Input([3], { units: 2 } as never), TypeError, /^Input: unknown option units/);
});

test("setWeights names the layer and the weight for a value that is not a tensor, and casts int64 values", () => {
  const d = layers.Dense(2, { name: "d" });
  d(ones([1, 3]));
  refuses(() => d.setWeights([ones([3, 2]), [1, 2] as never]), TypeError, /^d\.setWeights: value 1 \(for d\/bias \(2,\)\) is \[1,2\], not a tensor/, /tf\.constant\(array, \[2\]\)/);
  d.setWeights([ones([3, 2]), constant([5, -7], [2], "int64")]);
  assert.deepEqual([...d.getWeights()[1].dataSync()], [5, -7]);
  assert.equal(d.getWeights()[1].dtype, "float32");
});

test("built-in layers refuse options they do not take, as Keras does, instead of ignoring them", () => {
  refuses(() => layers.Conv2D(8, 3, { activaton: "relu" } as never), TypeError, /^Conv2D: unknown option activaton; valid options are name, trainable, dtype, inputShape, batchSize, activityRegularizer, filters, kernelSize/);
  // Keras' Dense and BatchNormalization (axis instead) take no data_format, so neither does lamina's.
  refuses(() => layers.Dense(8, { dataFormat: "channels_first" } as never), TypeError, /^Dense: unknown option dataFormat;/);
  refuses(() => layers.BatchNormalization({ dataFormat: "channels_first" } as never), TypeError, /^BatchNormalization: unknown option dataFormat;/);
  refuses(() => layers.Dense(4, { kernel_initializer: "he_normal", name: "d" } as never), TypeError, /^Dense d: unknown option kernel_initializer; lamina spells Keras' kernel_initializer as kernelInitializer$/);
  refuses(() => layers.BatchNormalization({ momentun: 0.9 } as never), TypeError, /^BatchNormalization: unknown option momentun; valid options are .*momentum/);
  refuses(() => layers.MaxPooling2D(2, { stride: 2 } as never), TypeError, /^MaxPooling2D: unknown option stride;/);
  refuses(() => layers.Add({ axis: 1 } as never), TypeError, /^Add: unknown option axis; valid options are name, trainable, dtype, inputShape, batchSize, activityRegularizer$/);
  refuses(() => layers.SeparableConv2D(8, 3, { kernelInitializer: "ones" } as never), TypeError, /^SeparableConv2D: unknown option kernelInitializer;.* depthwiseInitializer, pointwiseInitializer/);
  // Every option of the class and of LayerArgs stays allowed, and a user's subclass may take its own.
  layers.Conv2D(8, 3, { strides: 1, padding: "same", dilationRate: 1, activation: "relu", useBias: false, kernelInitializer: "ones", name: "c", trainable: false, dtype: "float32", inputShape: [4, 4, 1], batchSize: 2 });
  class Scaled extends layers.classes.Dense {
    constructor(args: { units: number; factor: number }) {
      super(args);
    }
  }
  assert.equal(new Scaled({ units: 2, factor: 3 }).units, 2);
});

test("every other built-in layer refuses options it does not take too: activation, image, reshaping, noise layers, Lambda, Input", () => {
  refuses(() => layers.LeakyReLU({ negative_slope: 0.1 } as never), TypeError, /^LeakyReLU: unknown option negative_slope; lamina spells Keras' negative_slope as negativeSlope$/);
  refuses(() => layers.CosSim2D(8, { kernel: 3 } as never), TypeError, /^CosSim2D: unknown option kernel; valid options are .*kernelSize.*pInit/);
  refuses(() => layers.MaxAbsPool2D(2, { stride: 2 } as never), TypeError, /^MaxAbsPool2D: unknown option stride; valid options are name, trainable, dtype, inputShape, batchSize, activityRegularizer, poolSize, strides, padding, dataFormat$/);
  refuses(() => layers.RandomBrightness(0.2, { valueRang: [0, 1] } as never), TypeError, /^RandomBrightness: unknown option valueRang; valid options are .*factor, valueRange, seed$/);
  refuses(() => layers.RandomRotation(0.1, { fill_mode: "constant", name: "rot" } as never), TypeError, /^RandomRotation rot: unknown option fill_mode; lamina spells Keras' fill_mode as fillMode$/);
  refuses(() => layers.Resizing(8, 8, { interpolaton: "nearest" } as never), TypeError, /^Resizing: unknown option interpolaton; valid options are .*height, width, interpolation, cropToAspectRatio, padToAspectRatio, fillMode, fillValue, dataFormat$/);
  refuses(() => layers.Lambda((x) => x, { output_shape: [3] } as never), TypeError, /^Lambda: unknown option output_shape; lamina spells Keras' output_shape as outputShape$/);
  refuses(() => layers.GaussianNoise(0.1, { seeds: 1 } as never), TypeError, /^GaussianNoise: unknown option seeds; valid options are .*stddev, seed$/);
  // Keras 3.5's RandomFlip and Rescaling take no data_format, so lamina's refuse it rather than ignore it.
  refuses(() => layers.RandomFlip({ dataFormat: "channels_first" } as never), TypeError, /^RandomFlip: unknown option dataFormat; valid options are .*mode, seed$/);
  refuses(() => layers.Rescaling(1 / 255, { dataFormat: "channels_first" } as never), TypeError, /^Rescaling: unknown option dataFormat;/);
  refuses(() => layers.Input({ shape: [3], batch_size: 4 } as never), TypeError, /^Input: unknown option batch_size; lamina spells Keras' batch_size as batchSize$/);
  refuses(() => new ImagenetPreprocessing({ mod: "tf" } as never), TypeError, /^ImagenetPreprocessing: unknown option mod; valid options are .*mode, dataFormat$/);
  // Every option of the class, its bases (RandomTransformLayer, SeededLayer) and LayerArgs stays allowed.
  layers.RandomZoom({
    heightFactor: 0.2, widthFactor: [-0.1, 0.1], fillMode: "constant", interpolation: "nearest", fillValue: 1, seed: 3,
    name: "zoom", trainable: false, dtype: "float32", inputShape: [8, 8, 3], batchSize: 2,
  });
  layers.CosSim2D({
    filters: 4, kernelSize: 3, strides: 1, padding: "same", depthwise: false, pInit: 1, qInit: 10, pScale: 5, qScale: 0.3, eps: 1e-6,
    useBias: true, kernelInitializer: "glorot_uniform", biasInitializer: "zeros", name: "cs", trainable: true, dtype: "float32", inputShape: [8, 8, 1], batchSize: 1,
  });
  assert.deepEqual(layers.Input({ shape: [3], batchSize: 4, dtype: "float32", name: "in" }).shape, [4, 3]);
  // A user's subclass of a seeded layer may still take its own options.
  class Scaled extends layers.classes.GaussianNoise {
    constructor(args: { stddev: number; factor: number }) {
      super(args);
    }
  }
  assert.equal(new Scaled({ stddev: 0.1, factor: 3 }).stddev, 0.1);
  // Every built-in class lists its options (InputLayer checks its own: Layer only sees name and dtype).
  const unlisted = Object.entries(layers.classes).filter(([name, cls]) => name !== "InputLayer" && !Object.hasOwn(cls, "options")).map(([name]) => name);
  assert.deepEqual([...unlisted, ...[layers.CosSim2DLayer, layers.MaxAbsPool2DLayer, ImagenetPreprocessing].filter((c) => !Object.hasOwn(c, "options")).map((c) => c.name)], []);
});

test("a direct layer.build(shape) records the shape, as Keras' build wrapper does: later calls are checked against it", () => {
  const dense = layers.Dense(3, { name: "d" });
  dense.build([null, 4]);
  assert.equal(dense.built, true);
  assert.deepEqual(dense.builtInputShape, [null, 4]);
  assert.deepEqual(dense.weights.map((w) => w.shape), [[4, 3], [3]]);
  refuses(() => dense.apply(ones([2, 5])), RangeError, /^Dense d: input shape \(2, 5\) is incompatible with the layer: it was built for inputs of shape \(None, 4\)/);
  // The first shape stays the one recorded, as a first call's does.
  dense.build([null, 4]);
  assert.deepEqual(dense.builtInputShape, [null, 4]);
});

test("trainableVariables, nonTrainableVariables and variables are Keras 3's names for the weight lists", () => {
  const dense = layers.Dense(2, { name: "v" });
  dense.build([null, 3]);
  const bn = layers.BatchNormalization({ name: "bn" });
  bn.build([null, 2]);
  assert.deepEqual(dense.trainableVariables.map((v) => v.name), ["v/kernel", "v/bias"]);
  assert.deepEqual(bn.trainableVariables.map((v) => v.name), ["bn/gamma", "bn/beta"]);
  assert.deepEqual(bn.nonTrainableVariables.map((v) => v.name), ["bn/moving_mean", "bn/moving_variance"]);
  assert.deepEqual(bn.variables.map((v) => v.name), ["bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"]);
  bn.trainable = false;
  assert.deepEqual(bn.trainableVariables, []);
  assert.equal(bn.nonTrainableVariables.length, 4);
});

test("addWeight takes Keras' keyword form as one object; an unnamed weight is named as Keras' auto-naming names it", () => {
  class Linear extends layers.Layer {
    w: Variable | null = null;
    b: Variable | null = null;
    override build(shape: layers.LayerShape): void {
      this.w = this.addWeight({ shape: [shape[shape.length - 1] as number, 2], initializer: "ones", trainable: true, name: "w" });
      this.b = this.addWeight({ shape: [2], initializer: "zeros" });
    }
    override call(x: Tensor): Tensor {
      return matmul(x, this.w!);
    }
  }
  layers.clearSession();
  const layer = new Linear({ name: "lin" });
  layer.build([null, 3]);
  assert.deepEqual(layer.weights.map((v) => [v.name, v.shape]), [["lin/w", [3, 2]], ["lin/variable", [2]]]);
  assert.deepEqual(Array.from(layer.w!.dataSync() as Float32Array), [1, 1, 1, 1, 1, 1]);
  const second = new Linear({ name: "lin2" });
  second.build([null, 1]);
  assert.equal(second.weights[1].name, "lin2/variable_1");
  refuses(() => layer.addWeight({ name: "x" } as never), TypeError, /^Linear lin\.addWeight: the options need a shape \(a list of sizes\), got undefined/);
});

test("addVariable takes the shape and initializer first, as Keras' add_variable; the layer's dtype is its compute, variable and input dtype", () => {
  class Scale extends layers.Layer {
    s: Variable | null = null;
    t: Variable | null = null;
    override build(shape: layers.LayerShape): void {
      this.s = this.addVariable([shape[shape.length - 1] as number], "ones", { name: "s" });
      this.t = this.addVariable([1], "zeros", { trainable: false });
    }
    override call(x: Tensor): Tensor {
      return x;
    }
  }
  layers.clearSession();
  const layer = new Scale({ name: "sc" });
  layer.build([null, 3]);
  assert.deepEqual(layer.weights.map((v) => [v.name, v.shape, v.trainable]), [["sc/s", [3], true], ["sc/variable", [1], false]]);
  assert.deepEqual(Array.from(layer.s!.dataSync() as Float32Array), [1, 1, 1]);
  refuses(() => layer.addVariable("s" as never, "ones"), TypeError, /^Scale sc\.addVariable: the first argument is the shape \(a list of sizes\), got "s"/);
  const f64 = layers.Dense(2, { dtype: "float64" });
  assert.deepEqual([f64.computeDtype, f64.variableDtype, f64.inputDtype], ["float64", "float64", "float64"]);
  assert.deepEqual({ ...f64.dtypePolicy }, { name: "float64", computeDtype: "float64", variableDtype: "float64" });
  assert.equal(layers.Dense(2).dtypePolicy.name, "float32");
});

test("a layer given an object instead of a tensor names the layer, the keys and the fix (it used to fail reading a shape)", () => {
  const dense = layers.Dense(2, { name: "head" });
  assert.throws(() => dense.apply({ images: ones([2, 4]) } as never), /^TypeError: Dense head: takes a tensor or a list of tensors, got an object with keys images; pass the tensor itself/);
  assert.throws(() => dense.apply([ones([2, 4]), {}] as never), /got an object with keys \(none\)/);
});
