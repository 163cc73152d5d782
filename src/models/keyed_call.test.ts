import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { models, layers } = tf;
type Tensor = tf.Tensor;

/** A subclassed model whose call reads its inputs by key: w * (a - b), with a scalar weight w (1 at first). */
class Diff extends models.Model {
  w!: tf.Variable;
  seen: string[] = [];
  override build(): void {
    this.w = this.addWeight("w", [], { initializer: "ones" });
  }
  override call(inputs: Record<string, Tensor>): Tensor {
    this.seen = Object.keys(inputs).sort();
    return tf.mul(this.w, tf.sub(inputs.a, inputs.b));
  }
}

const a = tf.constant([[5], [1]], "float32"), b = tf.constant([[2], [4]], "float32");

test("a subclassed model called on an object of tensors gets that object in call(), whatever the key order", () => {
  const model = new Diff();
  // Written b first: the values still reach call() by key, a - b = [3, -3].
  assert.deepEqual([...(model({ b, a }) as Tensor).dataSync()], [3, -3]);
  assert.deepEqual(model.seen, ["a", "b"]);
  assert.deepEqual([...(model.apply({ a, b }) as Tensor).dataSync()], [3, -3]);
  // Once keyed, the list of values in sorted key order stands for the object (the loops carry it so).
  assert.deepEqual([...(model.apply([a, b]) as Tensor).dataSync()], [3, -3]);
});

test("fit, evaluate and predict take x keyed by name for a subclassed model (as Keras' fit({ ... }) does)", async () => {
  const model = new Diff();
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.01 }) });
  // y = 0: mse = mean((w d)^2) with d = a - b = [3, -3]: 9 at w = 1; its gradient in w is
  // mean(2 w d^2) = 18, so one SGD step (batch of 2) gives w = 1 - 0.18 = 0.82.
  const y = tf.zeros([2, 1]);
  assert.equal(await model.evaluate({ a, b }, y, { verbose: 0 }), 9);
  await model.fit({ b, a }, y, { epochs: 1, batchSize: 2, verbose: 0 });
  assert.ok(Math.abs((model.w.dataSync()[0] as number) - 0.82) < 1e-6);
  const predicted = Array.from((model.predict({ a, b }, { verbose: 0 }) as Tensor).dataSync(), Number);
  assert.ok(Math.abs(predicted[0] - 0.82 * 3) < 1e-5 && Math.abs(predicted[1] + 0.82 * 3) < 1e-5, String(predicted));
  // A dataset of [{ a, b }, y] batches too: evaluate at w = 0.82 is mean((0.82 * 3)^2) = 6.0516.
  const ds = tf.data.Dataset.fromTensorSlices([{ a, b }, y]).batch(2);
  const loss = (await model.evaluate(ds, { verbose: 0 })) as number;
  assert.ok(Math.abs(loss - 6.0516) < 1e-4, String(loss));
});

test("an object with one key reaches call() as an object too", () => {
  class Twice extends models.Model {
    override call(inputs: Record<string, Tensor>): Tensor {
      return tf.mul(2, inputs.only);
    }
  }
  const model = new Twice();
  assert.deepEqual([...(model({ only: a }) as Tensor).dataSync()], [10, 2]);
  assert.deepEqual([...(model.predict({ only: b }, { verbose: 0 }) as Tensor).dataSync()], [4, 8]);
});

test("other keys than the first object's, an empty object and symbolic inputs keyed by name are refused, naming the model and the keys", async () => {
  const model = new Diff({ name: "diff" });
  model({ a, b });
  assert.throws(() => model({ a, c: b }), /model diff takes its inputs keyed "a", "b" \(the keys it was first given\), got an object keyed "a", "c"/);
  assert.throws(() => model.apply([a]), /model diff takes its inputs as an object keyed "a", "b", got 1 tensor/);
  model.compile({ loss: "mse", optimizer: "sgd" });
  await assert.rejects(model.evaluate({ b }, tf.zeros([2, 1]), { verbose: 0 }), /got an object keyed "b"; pass an object with the same keys/);
  assert.throws(() => new Diff({ name: "empty" })({}), /model empty got an object with no keys/);
  const x = layers.Input({ shape: [1], name: "x" });
  assert.throws(() => new Diff({ name: "sym" })({ a: x, b: x }), /Model sym: a subclassed model cannot be called on symbolic inputs keyed by name/);
});

test("Sequential, whose call feeds its first layer, still refuses inputs keyed by name", () => {
  const seq = new models.Sequential([layers.Dense(2)], { name: "seq" });
  assert.throws(() => seq({ a }), /^TypeError: Model seq: inputs keyed by name need a functional model/);
});

test("a subclassed model's build(inputShape) gets the object of its inputs' shapes when called or fit on an object (Keras' dict of shapes)", async () => {
  /** Weights sized by each input's last axis: wa [da, 1], wb [db, 1]; y = a wa + b wb. */
  class TwoInputs extends models.Model {
    shapes: unknown[] = [];
    wa!: tf.Variable;
    wb!: tf.Variable;
    override build(inputShape: Record<string, tf.layers.LayerShape>): void {
      this.shapes.push(inputShape);
      this.wa = this.addWeight("wa", [inputShape.a[1]!, 1], { initializer: "ones" });
      this.wb = this.addWeight("wb", [inputShape.b[1]!, 1], { initializer: "ones" });
    }
    override call(inputs: Record<string, Tensor>): Tensor {
      return tf.add(tf.matmul(inputs.a, this.wa), tf.matmul(inputs.b, this.wb));
    }
  }
  const a3 = tf.constant([[1, 2, 3]], "float32"), b2 = tf.constant([[10, 20]], "float32");
  const called = new TwoInputs();
  // Written b first: build still gets each shape under its own key. y = 1 + 2 + 3 + 10 + 20 = 36.
  assert.deepEqual([...(called({ b: b2, a: a3 }) as Tensor).dataSync()], [36]);
  assert.deepEqual(called.shapes, [{ a: [1, 3], b: [1, 2] }]);
  assert.deepEqual(called.wa.shape, [3, 1]);
  assert.deepEqual(called.wb.shape, [2, 1]);

  // fit builds the model before its first batch the same way, with the batch's shapes.
  const fitted = new TwoInputs();
  fitted.compile({ loss: "mse", optimizer: "sgd" });
  await fitted.fit({ a: tf.ones([4, 3]), b: tf.ones([4, 2]) }, tf.zeros([4, 1]), { epochs: 1, batchSize: 4, verbose: 0 });
  assert.deepEqual(fitted.shapes, [{ a: [4, 3], b: [4, 2] }]);

  // One key: an object of one shape, not the shape itself.
  class One extends models.Model {
    shape: unknown = null;
    override build(inputShape: Record<string, tf.layers.LayerShape>): void { this.shape = inputShape; }
    override call(inputs: Record<string, Tensor>): Tensor { return inputs.only; }
  }
  const one = new One();
  one.compile({ loss: "mse", optimizer: "sgd" });
  await one.evaluate({ only: tf.ones([2, 5]) }, tf.ones([2, 5]), { verbose: 0 });
  assert.deepEqual(one.shape, { only: [2, 5] });

  // A list of inputs still builds on the list of shapes, one input on its shape.
  class Shapes extends models.Model {
    shape: unknown = null;
    override build(inputShape: tf.layers.LayerShape | tf.layers.LayerShape[]): void { this.shape = inputShape; }
    override call(inputs: Tensor | Tensor[]): Tensor { return Array.isArray(inputs) ? inputs[0] : inputs; }
  }
  const listed = new Shapes(), single = new Shapes();
  listed([a3, b2]);
  single(a3);
  assert.deepEqual(listed.shape, [[1, 3], [1, 2]]);
  assert.deepEqual(single.shape, [1, 3]);
});
