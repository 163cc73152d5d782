import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import { deserializeLayer, serializeLayer } from "./serialization.js";
import { CustomObjectScope } from "./custom_objects.js";

class Halve extends Layer {
  constructor(args: LayerArgs = {}) { super(args); }
  call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, 0.5); }
}
class Quarter extends Halve {
  override call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, 0.25); }
}

test("CustomObjectScope: enter() makes custom classes loadable until exit(), nested scopes replace and restore, as Keras' with block", () => {
  const saved = serializeLayer(new Halve({ name: "h" }));
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Halve"/);
  const outer = new tf.utils.CustomObjectScope({ Halve }).enter();
  try {
    assert.ok(deserializeLayer(saved) instanceof Halve);
    const inner = new tf.saving.CustomObjectScope({ Halve: Quarter }).enter();
    assert.ok(deserializeLayer(saved) instanceof Quarter, "the inner scope's objects replace the outer's");
    inner.exit();
    assert.ok(deserializeLayer(saved) instanceof Halve, "exit puts the outer scope back");
    assert.throws(() => inner.exit(), /CustomObjectScope.exit: this scope was not entered/);
    assert.throws(() => outer.enter(), /already entered/);
  } finally {
    outer.exit();
  }
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Halve"/, "nothing scoped after the last exit");
  // run(fn) and Symbol.dispose (a `using` declaration's exit).
  assert.ok(new CustomObjectScope({ Halve }).run(() => deserializeLayer(saved)) instanceof Halve);
  const disposable = new CustomObjectScope({ Halve }).enter();
  disposable[Symbol.dispose]();
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Halve"/);
  assert.throws(() => new CustomObjectScope({ Halve: 3 } as never), /CustomObjectScope: the custom object "Halve" is .*each value must be a class or a function/);
  assert.deepEqual(new CustomObjectScope(null).customObjects, {});
});

test("CustomObjectScope works with loadModel across awaits, as the registry and customObjects do", async () => {
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), new Halve({ name: "halve" })]);
  const dir = mkdtempSync(join(tmpdir(), "lamina-scope-"));
  try {
    const path = join(dir, "m.keras");
    await model.save(path);
    await assert.rejects(tf.models.loadModel(path), /Halve/);
    const scope = new tf.utils.CustomObjectScope({ Halve }).enter();
    let loaded: tf.models.Model;
    try {
      loaded = await tf.models.loadModel(path);
    } finally {
      scope.exit();
    }
    assert.deepEqual((loaded.predict(tf.constant([[2, 4]])) as Tensor).arraySync(), [[1, 2]]);
    await assert.rejects(tf.models.loadModel(path), /Halve/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
