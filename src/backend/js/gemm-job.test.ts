import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { awaitUnits, finishUnit, publishJob, CONTROL_WORDS, DONE } from "./gemm-job.js";

const controlWords = (): Int32Array => new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));

test("awaitUnits: true at once when every unit is finished", () => {
  const ctrl = controlWords();
  publishJob(ctrl);
  for (let u = 0; u < 3; u++) finishUnit(ctrl, 3, false);
  const t0 = performance.now();
  assert.equal(awaitUnits(ctrl, 3, 10_000), true);
  assert.ok(performance.now() - t0 < 1000);
});

test("awaitUnits: false once no unit has finished for stallMs (a unit whose worker died), not before", () => {
  const ctrl = controlWords();
  publishJob(ctrl);
  finishUnit(ctrl, 3, false);
  finishUnit(ctrl, 3, false);
  const t0 = performance.now();
  assert.equal(awaitUnits(ctrl, 3, 150), false);
  const waited = performance.now() - t0;
  assert.ok(waited >= 149, `gave up after ${waited.toFixed(0)} ms, before the 150 ms stall limit`);
  assert.ok(waited < 5000, `gave up after ${waited.toFixed(0)} ms`);
});

test("awaitUnits: slow but steady progress from another thread is waited for, past stallMs in total", async () => {
  const ctrl = controlWords();
  publishJob(ctrl);
  const units = 20, everyMs = 100, stallMs = 1500;
  // A thread finishing one unit every 100 ms: 2 s in all, more than stallMs, so only a clock that
  // restarts at each finished unit lets the wait succeed. The stall limit is 15 steps, so that a busy
  // CI machine pausing the thread for a while does not read as a dead worker.
  const worker = new Worker(`
    const { workerData } = require("node:worker_threads");
    const ctrl = new Int32Array(workerData.buffer);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let u = 0; u < workerData.units; u++) {
      Atomics.wait(pause, 0, 0, workerData.everyMs);
      Atomics.add(ctrl, workerData.done, 1);
      Atomics.notify(ctrl, workerData.done);
    }`, { eval: true, workerData: { buffer: ctrl.buffer, units, everyMs, done: DONE } });
  const exited = new Promise((resolve) => worker.on("exit", resolve));
  try {
    const t0 = performance.now();
    assert.equal(awaitUnits(ctrl, units, stallMs), true);
    const waited = performance.now() - t0;
    assert.equal(Atomics.load(ctrl, DONE), units);
    assert.ok(waited > stallMs, `returned after ${waited.toFixed(0)} ms, before the units were done`);
  } finally {
    await exited;
  }
});
