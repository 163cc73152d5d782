import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import { deserializeLayer, serializeLayer, registerKerasSerializable, customObjectScope, getCustomObjects } from "./serialization.js";

class Twice extends Layer {
  constructor(args: LayerArgs = {}) { super(args); }
  call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, 2); }
}
class Thrice extends Twice {
  override call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, 3); }
}

test("customObjectScope makes custom classes and functions loadable inside it only (sync and async)", async () => {
  const saved = serializeLayer(new Twice({ name: "t" }));
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Twice"/);
  const inside = customObjectScope({ Twice }, () => deserializeLayer(saved));
  assert.ok(inside instanceof Twice);
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Twice"/, "the scope ends with the function");

  // An async body keeps the scope across awaits; code running outside it meanwhile does not see it.
  // The body waits for the outside code to have run, so the order does not hang on timer precision.
  let outsideError: unknown = null;
  let outsideRan!: () => void;
  const outsideDone = new Promise<void>((r) => { outsideRan = r; });
  const pending = customObjectScope({ Twice }, async () => {
    await outsideDone;
    return deserializeLayer(saved);
  });
  setTimeout(() => {
    try { deserializeLayer(saved); } catch (e) { outsideError = e; }
    outsideRan();
  }, 1);
  assert.ok((await pending) instanceof Twice);
  assert.match(String(outsideError), /unknown layer class "Twice"/);

  // A nested scope hides the outer one until it ends (Keras 3.5's __enter__ sets its own dict and
  // __exit__ puts the outer one back); a scope's object wins over customObjects, as in Keras.
  const nested = customObjectScope({ Twice }, () => {
    const inner = customObjectScope({ Thrice }, () => {
      assert.throws(() => deserializeLayer(saved), /unknown layer class "Twice"/);
      return deserializeLayer(serializeLayer(new Thrice()));
    });
    return [inner, deserializeLayer(saved)];
  });
  assert.ok(nested[0] instanceof Thrice && nested[1] instanceof Twice, "the outer scope is back after the inner one");
  const winner = customObjectScope({ Twice: Thrice }, () => deserializeLayer(saved, { customObjects: { Twice } }));
  assert.ok(winner instanceof Thrice);

  // A custom activation function named in a config.
  const myAct = (x: Tensor): Tensor => tf.mul(x, 10);
  const dense = serializeLayer(tf.layers.Dense(1, { kernelInitializer: "ones", activation: "relu" }));
  (dense.config as Record<string, unknown>).activation = "my_act";
  assert.throws(() => deserializeLayer(dense));
  const d = customObjectScope({ my_act: myAct }, () => deserializeLayer(dense)) as Layer;
  assert.deepEqual((d.apply(tf.ones([1, 2])) as Tensor).arraySync(), [[20]]);
  assert.equal(tf.utils.customObjectScope, customObjectScope);
});

test("getCustomObjects is Keras' live registry: registerKerasSerializable adds to it, entries set by hand load", () => {
  class Hand extends Twice {}
  class Reg extends Twice {}
  const reg = getCustomObjects();
  assert.equal(getCustomObjects(), reg);
  registerKerasSerializable(Reg, { package: "ScopeTest" });
  assert.equal(reg["ScopeTest>Reg"], Reg);
  const saved = serializeLayer(new Hand());
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Hand"/);
  reg.Hand = Hand;
  assert.ok(deserializeLayer(saved) instanceof Hand);
  delete reg.Hand;
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Hand"/);
  assert.ok(!("Twice" in customObjectScope({ Twice }, () => getCustomObjects())), "a scope's objects are not in the registry");
  assert.equal(tf.utils.getCustomObjects, getCustomObjects);
});

test("customObjectScope refuses what is not a name -> class/function object or no function to run", () => {
  assert.throws(() => customObjectScope([Twice] as unknown as Record<string, typeof Twice>, () => 1), /customObjectScope: expected an object of custom classes and functions by name, e.g. \{ MyLayer \}, got/);
  assert.throws(() => customObjectScope({ Twice: 3 } as unknown as Record<string, typeof Twice>, () => 1), /customObjectScope: the custom object "Twice" is 3; each value must be a class or a function/);
  assert.throws(() => customObjectScope({ Twice }, undefined as unknown as () => number), /customObjectScope: the second argument must be the function to run inside the scope/);
});
