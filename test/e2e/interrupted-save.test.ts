/**
 * An interrupted save never destroys the previous file: a child process saving a ~100 MB model
 * over an existing small one is SIGKILLed as soon as its temporary file appears, and the small
 * model must still load with its own predictions (for .keras and for legacy .h5).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models } = tf;
const dir = mkdtempSync(join(tmpdir(), "lamina-interrupted-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function killDuringSave(target: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string }> {
  const tmpPrefix = `.${basename(target)}.`;
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/save_big_model.ts", target], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d) => { stdout += String(d); });
  const watcher = watch(dir, (_event, name) => {
    if (name && name.startsWith(tmpPrefix) && name.endsWith(".tmp")) child.kill("SIGKILL");
  });
  try {
    return await new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout })));
  } finally {
    watcher.close();
  }
}

for (const ext of [".keras", ".h5"]) {
  test(`a save killed mid-write leaves the previous ${ext} file loadable and unchanged`, { timeout: 240_000 }, async () => {
    tf.random.setSeed(5);
    const small = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { activation: "softmax" })]);
    const target = join(dir, `model${ext}`);
    await small.save(target);
    const x = tf.random.normal([2, 4]);
    const expected = small.predict(x).arraySync();

    const run = await killDuringSave(target);
    assert.equal(run.signal, "SIGKILL", `the child finished before it could be killed (code ${run.code}, output ${JSON.stringify(run.stdout)})`);
    assert.doesNotMatch(run.stdout, /saved/);

    const reloaded = await models.loadModel(target);
    assert.deepEqual(reloaded.predict(x).arraySync(), expected);
    assert.equal(reloaded.countParams(), small.countParams());
  });
}
