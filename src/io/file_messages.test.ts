import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;
const dir = mkdtempSync(join(tmpdir(), "lamina-file-messages-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const small = (): tf.models.Sequential => new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(4), layers.Dense(3)], { name: "small" });

test("save/loadModel given a .weights.h5 name and saveWeights given a .keras name say which call takes it", async () => {
  const m = small();
  await assert.rejects(m.save(join(dir, "x.weights.h5")),
    /x\.weights\.h5: Model small\.save: the name ends in \.weights\.h5, the extension of Keras 3 weights-only files \(no architecture\); save the weights with model\.saveWeights\(path\), or the whole model to a \.keras \(Keras 3\) or \.h5 \(legacy Keras 2\) file$/);
  assert.equal(existsSync(join(dir, "x.weights.h5")), false);
  await m.saveWeights(join(dir, "w.weights.h5"));
  await assert.rejects(models.loadModel(join(dir, "w.weights.h5")), /loadModel: the name ends in \.weights\.h5.*model\.loadWeights\(path\)/);
  await assert.rejects(m.saveWeights(join(dir, "w.keras")), /Model small\.saveWeights: the name ends in \.keras, the extension of whole-model files; save the whole model with model\.save\(path\)/);
  // Other names keep the list of extensions.
  await assert.rejects(m.save(join(dir, "model.txt")), /Model small\.save: unknown file type; the name must end in \.keras \(Keras 3\), or \.h5 \(legacy Keras 2\)$/);
});

test("loadWeights into an unbuilt Sequential says the model is not built and how to build it, for .weights.h5, .keras and .h5", async () => {
  const m = small();
  await m.saveWeights(join(dir, "s.weights.h5"));
  await m.save(join(dir, "s.keras"));
  await m.save(join(dir, "s.h5"));
  for (const f of ["s.weights.h5", "s.keras", "s.h5"]) {
    const unbuilt = new models.Sequential([layers.Dense(4), layers.Dense(3)]);
    await assert.rejects(unbuilt.loadWeights(join(dir, f)), (e: Error) => {
      assert.match(e.message, /has weights for 2 layer\(s\) but the model has no weights yet: it is not built/);
      assert.match(e.message, /build the model first \(give it an Input layer, call model\.build\(inputShape\), or call it on data, e\.g\. model\.predict\(x\)\), then load the weights$/);
      return true;
    }, f);
    // Built, the same model loads (behaviour unchanged).
    unbuilt.build([null, 5]);
    await unbuilt.loadWeights(join(dir, f));
    assert.deepEqual(unbuilt.getWeights()[0].arraySync(), m.getWeights()[0].arraySync());
  }
  // A built model of another architecture still gets the mismatch list.
  const other = new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(7), layers.Dense(3)]);
  await assert.rejects(other.loadWeights(join(dir, "s.weights.h5")), /does not match the model: .*has shape \(5, 7\) in the model but \(5, 4\) in the file/);
});

class Net extends models.Model {
  d1 = layers.Dense(3);
  d2 = layers.Dense(2);
  override call(x: tf.Tensor): tf.Tensor {
    return this.d2(this.d1(x)) as tf.Tensor;
  }
}
tf.serialization.registerKerasSerializable(Net, { package: "FileMessages" });

test("a subclassed model saved to .h5 then loaded: the error says it is not built and to use .keras, not to rename layers", async () => {
  const net = new Net({ name: "net" });
  const x = tf.ones([2, 4]);
  const y = net.predict(x) as tf.Tensor;
  await net.save(join(dir, "net.h5"));
  await assert.rejects(models.loadModel(join(dir, "net.h5")), (e: Error) => {
    assert.match(e.message, /net\.h5: has weights for 2 layer\(s\) but the model has no weights yet: it is not built/);
    assert.match(e.message, /save subclassed models to \.keras/);
    assert.doesNotMatch(e.message, /give the layers the file's names/);
    return true;
  });
  await net.save(join(dir, "net.keras"));
  const back = await models.loadModel(join(dir, "net.keras"));
  assert.deepEqual((back.predict(x) as tf.Tensor).arraySync(), y.arraySync());
});
