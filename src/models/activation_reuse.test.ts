// A training step hands its forward activations' memory back for the next step (ops/engine.ts,
// BufferPool.releaseStep). These tests check that nothing a user can still reach sees that
// memory reused: weights, inputs made before the step, variables that adopted a buffer, and
// tensors a layer kept from call() (which must throw when read, not show other values).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertAllClose } from "../testing/close.js";
import { gradientPool } from "../ops/engine.js";

const reuseOff = process.env.LAMINA_GRAD_POOL === "0" ? "LAMINA_GRAD_POOL=0" : false;

/** Batches of 8 images 12x12x3; the convolution's output (8x12x12x16 floats) is well above the 4 KiB reuse threshold. */
function batch(step: number): [Tensor, Tensor] {
  const x = tf.sin(tf.mul(tf.range(0, 8 * 12 * 12 * 3, 1, "float32"), 0.013 * (step + 1)));
  const y = tf.cos(tf.mul(tf.range(0, 8 * 4, 1, "float32"), 0.7 * (step + 1)));
  return [tf.reshape(x, [8, 12, 12, 3]), tf.reshape(y, [8, 4])];
}

function smallCnn(): tf.models.Model {
  tf.random.setSeed(7);
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  let h = tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" })(input);
  h = tf.layers.MaxPooling2D({ poolSize: 2 })(h);
  h = tf.layers.Flatten()(h);
  const out = tf.layers.Dense(4, { activation: "tanh" })(h);
  return new tf.models.Model({ inputs: input, outputs: out });
}

const optimizersWithState: [string, () => tf.optimizers.Optimizer][] = [
  ["SGD", () => tf.optimizers.SGD({ learningRate: 0.05 })],
  ["SGD with Nesterov momentum", () => tf.optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
  ["Adam with amsgrad", () => tf.optimizers.Adam({ learningRate: 0.01, amsgrad: true })],
  ["RMSprop with momentum", () => tf.optimizers.RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ["Adagrad", () => tf.optimizers.Adagrad({ learningRate: 0.05 })],
];

for (const [name, makeOptimizer] of optimizersWithState) {
  test(`trainOnBatch (${name}) with reused activation and gradient memory matches steps taken by hand with GradientTape`, () => {
    const model = smallCnn();
    model.compile({ optimizer: makeOptimizer(), loss: "mse" });
    const byHand = smallCnn();
    byHand.setWeights(model.getWeights());
    const handOptimizer = makeOptimizer();
    for (let step = 0; step < 6; step++) {
      const [x, y] = batch(step);
      // This step's loss alone, not the running mean over the calls (Keras 3.5's train_on_batch).
      model.resetMetrics();
      const loss = model.trainOnBatch(x, y) as number;
      // The same step through the public tape API, whose returned gradients are never reused.
      const tape = new tf.GradientTape();
      const handLoss = tape.run(() => tf.mean(tf.square(tf.sub(byHand.call(x, { training: true }) as Tensor, y))));
      const grads = tape.gradient(handLoss, byHand.trainableWeights);
      handOptimizer.applyGradients(grads.map((g, i) => [g!, byHand.trainableWeights[i]] as const));
      assert.ok(Math.abs(loss - handLoss.item()) <= 1e-6 * Math.max(1, Math.abs(loss)), `step ${step}: loss ${loss} vs ${handLoss.item()}`);
    }
    model.getWeights().forEach((w, i) => assertAllClose(w, byHand.getWeights()[i], { rtol: 1e-5, atol: 1e-6 }));
  });
}

test("inputs made before the step stay intact though the model reads them through views", () => {
  tf.random.setSeed(11);
  const input = tf.layers.Input({ shape: [12 * 12 * 3] });
  const image = tf.layers.Reshape({ targetShape: [12, 12, 3] })(input); // a view of the batch, made inside the step
  // Two activations of the batch's size: a wrongly reused batch buffer would be written over by the next step.
  const scaled = tf.layers.Rescaling({ scale: 0.5 })(tf.layers.Rescaling({ scale: 3 })(image));
  const conv = tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" })(scaled);
  const model = new tf.models.Model({ inputs: input, outputs: tf.layers.Dense(4)(tf.layers.Flatten()(conv)) });
  model.compile({ optimizer: "sgd", loss: "mse" });
  const batches = [0, 1, 2].map((step) => {
    const [x, y] = batch(step);
    return [tf.reshape(tf.mul(x, 1), [8, 12 * 12 * 3]), y] as const; // x: a buffer of its own, made by an op
  });
  const before = batches.map(([x]) => Array.from(x.dataSync() as Float32Array));
  for (let epoch = 0; epoch < 3; epoch++) for (const [x, y] of batches) model.trainOnBatch(x, y);
  // Empty the pool's buffers of the batch's size into tensors kept alive: a batch buffer wrongly
  // handed back would be written over here.
  const takers = Array.from({ length: 32 }, (_, i) => tf.add(tf.zerosLike(batches[0][0]), -i - 1));
  assert.equal(takers.length, 32);
  batches.forEach(([x], i) => assert.deepEqual(Array.from(x.dataSync() as Float32Array), before[i], `batch ${i}`));
});

/** Keeps what call() saw: the activation itself (wrong) and a copy (right). */
class Keeper extends Layer {
  kept: Tensor | null = null;
  copy: Tensor | null = null;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    this.kept = tf.reshape(x, [-1]);
    this.copy = tf.clone(x);
    return x;
  }
}

test("an activation a layer kept past the training step throws when read; a tf.clone of it keeps its values", { skip: reuseOff }, () => {
  tf.random.setSeed(3);
  const keeper = new Keeper();
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  const conv = tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same" })(input);
  const kept = keeper.apply(conv) as tf.layers.SymbolicTensor;
  const out = tf.layers.Dense(4)(tf.layers.Flatten()(kept));
  const model = new tf.models.Model({ inputs: input, outputs: out });
  model.compile({ optimizer: "sgd", loss: "mse" });
  const [x, y] = batch(0);
  const convWeights = model.layers[1].getWeights();
  model.trainOnBatch(x, y);
  // The copy holds the convolution of x with the weights before the update.
  const expected = tf.add(tf.conv2d(x, convWeights[0], { padding: "same" }), convWeights[1]);
  assertAllClose(keeper.copy!, expected, { rtol: 1e-5, atol: 1e-5 });
  assert.throws(() => keeper.kept!.dataSync(), /was an intermediate activation of a model's step \(fit, evaluate, predict, trainOnBatch\.\.\.\), whose memory is reused once the step is done; a layer or callback that keeps a tensor from call\(\) must keep a copy \(tf\.clone\(x\)\) \(LAMINA_GRAD_POOL=0 turns the reuse off\)/);
  assert.match(String(keeper.kept), /<released>/);
});

/** On its first call on a real batch (not the functional API's shape probe), adopts twice its input as a variable's storage, without a copy. */
class Adopter extends Layer {
  adopted: tf.Variable | null = null;
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    if (this.adopted === null && x.shape[0] === 8) {
      const doubled = tf.mul(x, 2);
      this.adopted = new tf.Variable(tf.zerosLike(doubled), { trainable: false });
      this.adopted.assignOwned(doubled);
    }
    return x;
  }
}

test("a buffer a variable adopted during the forward pass is not reused by later steps", () => {
  tf.random.setSeed(5);
  const adopter = new Adopter();
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  const conv = tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same" })(input);
  const out = tf.layers.Dense(4)(tf.layers.Flatten()(adopter.apply(conv) as tf.layers.SymbolicTensor));
  const model = new tf.models.Model({ inputs: input, outputs: out });
  model.compile({ optimizer: "sgd", loss: "mse" });
  const [x, y] = batch(0);
  const convWeights = model.layers[1].getWeights();
  model.trainOnBatch(x, y);
  // The steps that follow allocate activations of the same sizes: none may land in the variable.
  for (let step = 1; step < 4; step++) model.trainOnBatch(...batch(step));
  const expected = tf.mul(tf.add(tf.conv2d(x, convWeights[0], { padding: "same" }), convWeights[1]), 2);
  assertAllClose(adopter.adopted!, expected, { rtol: 1e-5, atol: 1e-5 });
});

test("predict in batches that reuse each other's activation memory gives the convolution computed by hand, and earlier results stay intact", () => {
  tf.random.setSeed(13);
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  const conv = tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" });
  const scaled = tf.layers.Rescaling({ scale: 2 })(tf.layers.MaxPooling2D({ poolSize: 2 })(conv.apply(input) as tf.layers.SymbolicTensor));
  const model = new tf.models.Model({ inputs: input, outputs: scaled }); // outputs of 6x6x16 floats per sample: reusable sizes
  const [kernel, bias] = conv.getWeights();
  const byHand = (x: Tensor): Tensor => tf.mul(tf.maxPool(tf.relu(tf.add(tf.conv2d(x, kernel, { padding: "same" }), bias)), 2, 2, "valid"), 2);
  const [x0] = batch(0), [x1] = batch(1);
  const first = model.predict(x0, { batchSize: 3 }) as Tensor; // batches of 3, 3 and 2
  const firstValues = Array.from(first.dataSync() as Float32Array);
  assertAllClose(first, byHand(x0), { rtol: 1e-5, atol: 1e-6 });
  const whole = model.predict(x1, { batchSize: 8 }) as Tensor; // one batch: its output is the result itself
  for (let i = 0; i < 3; i++) assertAllClose(model.predict(x1, { batchSize: 8 }) as Tensor, byHand(x1), { rtol: 1e-5, atol: 1e-6 });
  assertAllClose(whole, byHand(x1), { rtol: 1e-5, atol: 1e-6 });
  assert.deepEqual(Array.from(first.dataSync() as Float32Array), firstValues);
});

test("weights read outside training keep what the reader saw: typed arrays and views of a kernel taken before fit are never reused", () => {
  const model = smallCnn();
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  const dense = model.layers[model.layers.length - 1];
  const kernel = dense.weights[0]; // 576 x 4 floats: a reusable size
  const raw = kernel.dataSync() as Float32Array; // the storage itself, held across training
  const view = tf.reshape(kernel, [-1]);
  const saved = Array.from(raw);
  for (let step = 0; step < 4; step++) model.trainOnBatch(...batch(step));
  // Allocations of the kernel's size after training would land in a wrongly reused buffer.
  const takers = Array.from({ length: 16 }, (_, i) => tf.add(tf.zerosLike(kernel), i + 1));
  assert.equal(takers.length, 16);
  assert.deepEqual(Array.from(raw), saved);
  assert.deepEqual(Array.from(view.dataSync() as Float32Array), saved);
  assert.notDeepEqual(Array.from(kernel.dataSync() as Float32Array), saved); // training did move the kernel
});

test("a view of a kernel made outside training (no typed array taken) keeps its values through fit", () => {
  const model = smallCnn();
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  const kernel = model.layers[model.layers.length - 1].weights[0];
  const view = tf.reshape(kernel, [-1]); // shares the kernel's storage
  const saved = view.arraySync() as number[];
  for (let step = 0; step < 4; step++) model.trainOnBatch(...batch(step));
  const takers = Array.from({ length: 16 }, (_, i) => tf.add(tf.zerosLike(kernel), i + 1));
  assert.equal(takers.length, 16);
  assert.deepEqual(view.arraySync(), saved);
  assert.notDeepEqual((tf.reshape(kernel, [-1]).arraySync() as number[]), saved);
});

/** A dense layer without bias that keeps a view of its kernel from each call. */
class KernelKeeper extends Layer {
  kernel: tf.Variable | null = null;
  keptView: Tensor | null = null;
  override build(inputShape: tf.layers.LayerShape): void {
    this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1]!, 4], { initializer: tf.initializers.GlorotUniform({ seed: 1 }) });
    this.built = true;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    this.keptView = tf.reshape(this.kernel!, [-1]);
    return tf.matmul(inputs as Tensor, this.kernel!);
  }
  override computeOutputShape(inputShape: tf.layers.LayerShape): tf.layers.LayerShape {
    return [...inputShape.slice(0, -1), 4];
  }
}

test("a view of a weight that a layer kept from a training step throws once the optimizer's update has reused its memory", { skip: reuseOff }, () => {
  tf.random.setSeed(17);
  const keeper = new KernelKeeper();
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  const flat = tf.layers.Flatten()(tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same" })(input));
  const model = new tf.models.Model({ inputs: input, outputs: keeper.apply(flat) as tf.layers.SymbolicTensor });
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  model.trainOnBatch(...batch(0)); // the kernel's first storage may have been read while building
  model.trainOnBatch(...batch(1)); // this step's kernel storage was only ever read inside the step
  assert.throws(() => keeper.keptView!.dataSync(), /is a view of a weight's value from inside a training step; the optimizer's update replaced that value and its memory is reused; a layer that keeps a weight's value from call\(\) must keep a copy \(tf\.clone\(w\)\), or keep the Variable itself/);
});

/**
 * Takes raw typed arrays in call() on real batches (not the functional API's shape probe): its
 * input activation's and its kernel's storage, as user code may, with copies of their values then.
 */
class RawArrayTaker extends Layer {
  kernel: tf.Variable | null = null;
  taken: { input: Float32Array; kernel: Float32Array; inputThen: number[]; kernelThen: number[] }[] = [];
  override build(inputShape: tf.layers.LayerShape): void {
    this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1]!, 4], { initializer: tf.initializers.GlorotUniform({ seed: 2 }) });
    this.built = true;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    if (x.shape[0] === 8) {
      const input = x.dataSync() as Float32Array, kernel = this.kernel!.dataSync() as Float32Array;
      this.taken.push({ input, kernel, inputThen: Array.from(input), kernelThen: Array.from(kernel) });
    }
    return tf.matmul(x, this.kernel!);
  }
  override computeOutputShape(inputShape: tf.layers.LayerShape): tf.layers.LayerShape {
    return [...inputShape.slice(0, -1), 4];
  }
}

test("typed arrays user code took with dataSync() inside training steps keep their values: neither an activation's nor a weight's memory is reused", () => {
  tf.random.setSeed(19);
  const taker = new RawArrayTaker();
  const input = tf.layers.Input({ shape: [12, 12, 3] });
  // The taker's input is the convolution's output after Flatten (a view): 8 x 2,304 floats, a reusable size.
  const flat = tf.layers.Flatten()(tf.layers.Conv2D({ filters: 16, kernelSize: 3, padding: "same" })(input));
  const model = new tf.models.Model({ inputs: input, outputs: taker.apply(flat) as tf.layers.SymbolicTensor });
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  for (let step = 0; step < 5; step++) model.trainOnBatch(...batch(step));
  // Allocations of those sizes after training would land in a wrongly reused buffer.
  const takers = Array.from({ length: 16 }, (_, i) => tf.add(tf.zeros([8, 2304]), i + 1));
  const kernelTakers = Array.from({ length: 8 }, (_, i) => tf.add(tf.zerosLike(taker.kernel!), i + 1));
  assert.equal(takers.length + kernelTakers.length, 24);
  assert.equal(taker.taken.length, 5);
  taker.taken.forEach(({ input, kernel, inputThen, kernelThen }, step) => {
    assert.deepEqual(Array.from(input), inputThen, `step ${step}: the activation's array`);
    assert.deepEqual(Array.from(kernel), kernelThen, `step ${step}: the kernel's array`);
  });
  assert.notDeepEqual(taker.taken[0].kernelThen, taker.taken[4].kernelThen); // training did move the kernel
});

test("fit leaves no memory in the pool once it returns (training's working set goes back to the garbage collector)", { skip: reuseOff }, async () => {
  const model = smallCnn();
  model.compile({ optimizer: "sgd", loss: "mse" });
  const [x, y] = batch(0);
  model.trainOnBatch(x, y);
  assert.ok(gradientPool.heldBytes > 0, "a training step leaves buffers for the next one");
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
  assert.equal(gradientPool.heldBytes, 0);
});
