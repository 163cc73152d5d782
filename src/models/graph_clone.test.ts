import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;

function assertClose(got: tf.Tensor, want: tf.Tensor): void {
  const g = Array.from(got.dataSync(), Number), w = Array.from(want.dataSync(), Number);
  assert.deepEqual(got.shape, want.shape);
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]) < 1e-5, `entry ${i}: ${v} vs ${w[i]}`));
}

// keras/src/models/functional.py (3.5): Functional.__init__ calls clone_graph_nodes when some input
// is not an Input tensor; each such input becomes Input(batch_shape=x.shape, dtype=x.dtype,
// name=x.name + "CLONE") and every node between inputs and outputs is recorded again on the same
// layers (weights shared).
function backbone(): { x: Sym; h: Sym; y: Sym; full: tf.models.Model } {
  const x = layers.Input({ shape: [4] });
  const h = layers.Dense(3, { name: "hidden", activation: "relu" }).apply(x) as Sym;
  const y = layers.Dense(2, { name: "head" }).apply(h) as Sym;
  return { x, h, y, full: new models.Model({ inputs: x, outputs: y, name: "full" }) };
}

test("Keras 3.5 clone_graph_nodes: a model whose input is an intermediate tensor starts at a new Input named <name>CLONE, sharing the layers", () => {
  const { h, y, full } = backbone();
  const sub = new models.Model({ inputs: h, outputs: y, name: "sub" });
  assert.deepEqual(sub.layers.map((l) => `${l.name}:${l.className}`), ["hiddenCLONE:InputLayer", "head:Dense"]);
  assert.notEqual(sub.input, h);
  assert.deepEqual([...(sub.input as Sym).shape], [null, 3]);
  assert.equal(sub.getLayer("head"), full.getLayer("head"));
  assert.deepEqual(sub.inputShape, [null, 3]);
  assert.deepEqual(sub.outputShape, [null, 2]);
  const text = sub.summary(() => {});
  assert.match(text, /hiddenCLONE \(InputLayer\)\s+│ \(None, 3\)\s+│\s+0 │/);
  assert.match(text, /head \(Dense\)\s+│ \(None, 2\)\s+│\s+8 │/);
  assert.match(text, / Total params: 8 \(32\.00 B\)/);
  // The model the tensors came from is untouched.
  assert.deepEqual(full.layers.slice(1).map((l) => l.name), ["hidden", "head"]);
  assert.match(full.summary(() => {}), / Total params: 23 /);
});

test("a model started at an intermediate tensor predicts with the shared weights and trains them for the whole model", async () => {
  tf.random.setSeed(3);
  const { h, y, full } = backbone();
  const sub = new models.Model({ inputs: h, outputs: y });
  const head = full.getLayer("head");
  const feats = tf.constant([[1, 2, 3], [0, -1, 0.5]]);
  const [kernel, bias] = head.getWeights();
  const expected = tf.add(tf.matmul(feats, kernel), bias);
  assertClose(sub.predict(feats, { verbose: 0 }) as tf.Tensor, expected);

  sub.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  const history = await sub.fit(feats, tf.zeros([2, 2]), { epochs: 3, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses[2] < losses[0]);
  // The head's weights are the full model's: fitting the sub-model moved them.
  assert.notDeepEqual(full.getLayer("head").getWeights()[0].arraySync(), kernel.arraySync());
  assert.deepEqual((full.predict(tf.ones([1, 4]), { verbose: 0 }) as tf.Tensor).shape, [1, 2]);
});

test("a branching graph cut at an intermediate tensor: the clone keeps the branches and the original model still runs", () => {
  const x = layers.Input({ shape: [3] });
  const a = layers.Dense(4, { name: "a" }).apply(x) as Sym;
  const b = layers.Dense(4, { name: "b" }).apply(a) as Sym;
  const c = layers.Dense(4, { name: "c" }).apply(a) as Sym;
  const s = layers.Add({ name: "sum" }).apply([b, c]) as Sym;
  const full = new models.Model({ inputs: x, outputs: s });
  const extra = layers.Input({ shape: [4], name: "extra" });
  const s2 = layers.Add({ name: "sum2" }).apply([s, extra]) as Sym;
  // One intermediate input, one Input tensor: only the intermediate one is replaced (Keras keeps Input tensors as they are).
  const sub = new models.Model({ inputs: [a, extra], outputs: s2 });
  assert.deepEqual(sub.inputs.map((t) => t.name), ["aCLONE", "extra"]);
  assert.equal(sub.inputs[1], extra);
  assert.deepEqual(sub.layers.map((l) => l.name).sort(), ["aCLONE", "b", "c", "extra", "sum", "sum2"]);
  const text = sub.summary(() => {});
  // Keras' "Connected to" names each layer's call by its index among the layer's calls: the clone is b's second.
  assert.match(text, /b \(Dense\)\s+│ \(None, 4\)\s+│\s+20 │ aCLONE\[0\]\[0\]/);
  assert.match(text, /sum \(Add\)\s+│ \(None, 4\)\s+│\s+0 │ b\[1\]\[0\], c\[1\]\[0\]/);
  const feats = tf.ones([2, 4]);
  const got = sub.predict([feats, tf.zeros([2, 4])], { verbose: 0 }) as tf.Tensor;
  const bw = full.getLayer("b").getWeights(), cw = full.getLayer("c").getWeights();
  const want = tf.add(tf.add(tf.matmul(feats, bw[0]), bw[1]), tf.add(tf.matmul(feats, cw[0]), cw[1]));
  assertClose(got, want);
  assert.deepEqual((full.predict(tf.ones([2, 3]), { verbose: 0 }) as tf.Tensor).shape, [2, 4]);
});

test("an output that needs an Input not among the inputs is still refused after cloning", () => {
  const x = layers.Input({ shape: [3], name: "x_in" });
  const other = layers.Input({ shape: [2], name: "other_in" });
  const h = layers.Dense(2).apply(x) as Sym;
  const joined = layers.Concatenate().apply([h, other]) as Sym;
  assert.throws(() => new models.Model({ inputs: h, outputs: joined }), /output depends on input "other_in" which is not in the model's inputs/);
});

test("a model started at an intermediate tensor saves and loads (.keras): same config, same predictions", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-clone-"));
  try {
    const { h, y } = backbone();
    const sub = new models.Model({ inputs: h, outputs: y, name: "sub" });
    const config = JSON.parse(sub.toJSON()) as { config: Record<string, unknown> };
    // Keras' get_config numbers a layer's calls among the model's own nodes: the clone is call 0 here.
    assert.deepEqual(config.config.input_layers, [["hiddenCLONE", 0, 0]]);
    assert.deepEqual(config.config.output_layers, [["head", 0, 0]]);
    const path = join(dir, "sub.keras");
    await sub.save(path);
    const back = await models.loadModel(path) as tf.models.Model;
    assert.deepEqual(back.layers.map((l) => l.name), ["hiddenCLONE", "head"]);
    const feats = tf.constant([[0.5, -1, 2]]);
    assert.deepEqual((back.predict(feats, { verbose: 0 }) as tf.Tensor).arraySync(), (sub.predict(feats, { verbose: 0 }) as tf.Tensor).arraySync());
    assert.equal(back.summary(() => {}), sub.summary(() => {}));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
