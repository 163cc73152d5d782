import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { getSourceInputs } from "./source_inputs.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;
const sym = (v: unknown): Sym => v as Sym;
const names = (ts: readonly { name: string }[]): string[] => ts.map((t) => t.name);

// Expected orders: Keras 3.5's keras.utils.get_source_inputs on the same graphs
// (['b', 'a', 'c'], ['b', 'a'], ['a'], ['e', 'd'], ['c', 'a']).
test("utils.getSourceInputs walks functional graphs in Keras' order, each Input once", () => {
  const a = layers.Input({ shape: [3], name: "a" }), b = layers.Input({ shape: [3], name: "b" }), c = layers.Input({ shape: [3], name: "c" });
  const x = sym(layers.Dense(2).apply(b));
  const y = sym(layers.Add().apply([x, sym(layers.Dense(2).apply(a))]));
  const z = sym(layers.Concatenate().apply([y, sym(layers.Dense(2).apply(c)), sym(layers.Dense(2).apply(b))]));
  assert.deepEqual(names(getSourceInputs(z)), ["b", "a", "c"]);
  assert.deepEqual(names(getSourceInputs(y)), ["b", "a"]);
  const sa = getSourceInputs(a);
  assert.equal(sa.length, 1);
  assert.equal(sa[0], a);
  assert.equal(getSourceInputs(z)[0], b);

  // A model used as a layer: its call's node leads to the new inputs, not the model's own.
  const inner = new models.Model({ inputs: [a, b], outputs: y, name: "inner" });
  const d = layers.Input({ shape: [3], name: "d" }), e = layers.Input({ shape: [3], name: "e" });
  assert.deepEqual(names(getSourceInputs(sym(inner.apply([e, d])))), ["e", "d"]);
  // Ops on symbolic tensors are graph nodes too.
  assert.deepEqual(names(getSourceInputs(tf.add(sym(layers.Dense(3).apply(c)), a))), ["c", "a"]);
  assert.equal(tf.utils.getSourceInputs, getSourceInputs);
});

test("utils.getSourceInputs refuses concrete tensors and other values", () => {
  assert.throws(() => getSourceInputs(tf.ones([2]) as unknown as Sym), /utils.getSourceInputs: expected a symbolic tensor .*got a concrete float32 tensor, which has no layer graph; pass an output of the functional graph/);
  assert.throws(() => getSourceInputs(null as unknown as Sym), /utils.getSourceInputs: expected a symbolic tensor .*got null/);
});
