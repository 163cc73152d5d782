import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;

test("a CosSim2D + MaxAbsPool2D model saves and loads (.keras and .h5) as registered classes lamina>CosSim2D, lamina>MaxAbsPool2D", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-cossim-"));
  try {
    const m = new models.Sequential([
      layers.Input({ shape: [8, 8, 2] }),
      layers.CosSim2D(3, { kernelSize: 3, pInit: 0.7, qInit: 4, useBias: true, name: "cs" }),
      layers.MaxAbsPool2D(2, { name: "map" }),
      layers.Flatten(),
      layers.Dense(2, { activation: "softmax" }),
    ]);
    m.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.Adam({ learningRate: 0.01 }) });
    await m.fit(tf.random.normal([6, 8, 8, 2], 0, 1, { seed: 3 }), tf.constant([0, 1, 0, 1, 1, 0]), { verbose: 0, epochs: 2 });
    const saved = JSON.parse(m.toJSON()) as { config: { layers: { class_name: string; module: string | null; registered_name: string | null; config: Record<string, unknown> }[] } };
    const cs = saved.config.layers.find((l) => l.class_name === "CosSim2D")!;
    assert.deepEqual([cs.module, cs.registered_name, cs.config.p_init, cs.config.q_init, cs.config.use_bias], ["lamina", "lamina>CosSim2D", 0.7, 4, true]);
    assert.equal(saved.config.layers.find((l) => l.class_name === "MaxAbsPool2D")!.registered_name, "lamina>MaxAbsPool2D");
    const x = tf.random.normal([3, 8, 8, 2], 0, 1, { seed: 4 });
    const want = Array.from(m.predict(x).dataSync() as Float32Array);
    for (const file of ["m.keras", "m.h5"]) {
      await m.save(join(dir, file));
      const loaded = await models.loadModel(join(dir, file));
      assert.deepEqual(loaded.layers.map((l) => l.className), ["CosSim2D", "MaxAbsPool2D", "Flatten", "Dense"], file);
      assert.deepEqual(Array.from(loaded.predict(x).dataSync() as Float32Array), want, file);
      // Training goes on from the saved optimizer state.
      const h = await loaded.fit(x, tf.constant([1, 0, 1]), { verbose: 0 });
      assert.ok(Number.isFinite(h.history.loss[0]), file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
