import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_BATCH_POINTS, RunRecorder, parseSnapshot, type RunEvent } from "./run-state.js";

test("RunRecorder: batch x in epochs, epoch logs, events in order, non-finite values left out", () => {
  const r = new RunRecorder();
  const events: RunEvent[] = [];
  r.on((e) => events.push(e));
  r.begin({ title: "t", model: "m", epochs: 2, steps: 4, summary: "S" });
  r.epochBegin(0);
  for (let b = 0; b < 4; b++) r.batchEnd(b, { loss: 1 / (b + 1), accuracy: NaN });
  r.epochEnd(0, { loss: 0.5, val_loss: 0.75 });
  r.epochBegin(1);
  r.batchEnd(0, { loss: 0.4 });
  const s = r.snapshot();
  assert.deepEqual(s.batches.map((b) => b.x), [0.25, 0.5, 0.75, 1, 1.25]);
  assert.deepEqual(s.batches[0].logs, { loss: 1 });
  assert.deepEqual(s.epochs, [{ epoch: 0, logs: { loss: 0.5, val_loss: 0.75 } }]);
  assert.deepEqual({ epoch: s.progress.epoch, batch: s.progress.batch }, { epoch: 1, batch: 1 });
  r.finish("finished");
  assert.deepEqual(events.map((e) => e.type), ["snapshot", "batch", "batch", "batch", "batch", "epoch", "batch", "status"]);
  assert.equal(r.snapshot().status, "finished");
  // Snapshots are copies: changing one does not change the recorder.
  s.batches.length = 0;
  assert.equal(r.snapshot().batches.length, 5);
});

test("RunRecorder keeps at most MAX_BATCH_POINTS batch points by doubling its stride (a new snapshot tells pages)", () => {
  const r = new RunRecorder();
  let snapshots = 0;
  r.on((e) => { if (e.type === "snapshot") snapshots++; });
  r.begin({ title: "t", model: "m", epochs: 1, steps: null, summary: null });
  const total = 3 * MAX_BATCH_POINTS;
  for (let b = 0; b < total; b++) r.batchEnd(b, { loss: b });
  const s = r.snapshot();
  assert.ok(s.batches.length <= MAX_BATCH_POINTS && s.batches.length > MAX_BATCH_POINTS / 2, String(s.batches.length));
  assert.equal(s.batchStride, 4);
  // Evenly spaced: every kept point is a multiple of the stride, the first one is batch 0.
  assert.equal(s.batches[0].logs.loss, 0);
  assert.ok(s.batches.every((p, i) => p.logs.loss === i * s.batchStride));
  assert.equal(snapshots, 1 + 2);
  // Unknown steps: x counts batches.
  assert.equal(s.batches[1].x, 1 + s.batchStride);
  r.epochEnd(0, { loss: 1 });
  assert.equal(r.snapshot().progress.steps, total, "the step count is learnt from the first epoch");
});

test("parseSnapshot names what is wrong with a dashboard.json", () => {
  assert.throws(() => parseSnapshot("{", "x.json"), /x\.json: not valid JSON/);
  assert.throws(() => parseSnapshot("{}", "x.json"), /not a lamina dashboard file/);
  assert.throws(() => parseSnapshot('{"format":"lamina-dashboard"}', "x.json"), /damaged/);
  const r = new RunRecorder();
  assert.equal(parseSnapshot(JSON.stringify(r.snapshot()), "x.json").format, "lamina-dashboard");
});
