import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { nativeAddon } from "../../src/backend/native/index.js";

/*
 * Training the benchmark's resnet model must keep resident memory flat: after the first 50 steps
 * (which see every allocation pattern of a step, garbage collections included) the resident set
 * never exceeds 110% of its peak during those 50 steps, and the mean of the last 50 steps stays
 * within 110% of the mean of steps 51-100. Each backend trains in a fresh process
 * (memory-run.ts) so that neither inherits the other's heap.
 *
 * Both backends train 500 steps. The native one at the benchmark's batch of 256; the JS backend is
 * about a hundred times slower (a batch-256 step takes tens of seconds), so it trains at batch 8:
 * the same model, ops and optimizer, so a per-step leak shows the same way.
 */

const RUNNER = fileURLToPath(new URL("./memory-run.ts", import.meta.url));
const BASELINE_STEPS = 50;
const LIMIT = 1.1;

interface Run { backend: string; steps: number; batch: number; loss: number; rss: number[] }

function train(backend: string, steps: number, batch: number): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", RUNNER, backend, String(steps), String(batch)], {
    encoding: "utf8", maxBuffer: 1 << 24, env: { ...process.env, LAMINA_BACKEND: backend },
  });
  assert.equal(r.status, 0, `memory-run ${backend} failed: ${r.stderr}`);
  const line = r.stdout.trim().split("\n").find((l) => l.startsWith("{"));
  assert.ok(line, `memory-run ${backend} printed no result: ${r.stdout}`);
  return JSON.parse(line) as Run;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function assertFlat(run: Run, report: (message: string) => void): void {
  assert.equal(run.rss.length, run.steps);
  assert.ok(Number.isFinite(run.loss), `${run.backend}: the loss is ${run.loss}`);
  const peak = Math.max(...run.rss.slice(0, BASELINE_STEPS));
  const later = run.rss.slice(BASELINE_STEPS);
  const worst = Math.max(...later);
  const at = BASELINE_STEPS + later.indexOf(worst) + 1;
  assert.ok(worst <= LIMIT * peak,
    `${run.backend}: resident memory reached ${mb(worst)} at step ${at}, over ${LIMIT}x its peak of ${mb(peak)} in the first ${BASELINE_STEPS} steps`);
  const early = mean(run.rss.slice(BASELINE_STEPS, 2 * BASELINE_STEPS));
  const last = mean(run.rss.slice(-BASELINE_STEPS));
  report(`${run.backend}: peak ${mb(peak)} in steps 1-${BASELINE_STEPS}, at most ${mb(worst)} after; mean ${mb(early)} in steps 51-100, ${mb(last)} in the last 50`);
  assert.ok(last <= LIMIT * early,
    `${run.backend}: resident memory grew from a mean of ${mb(early)} (steps 51-100) to ${mb(last)} (last 50 steps)`);
}

test("native backend: 500 resnet training steps at batch 256 keep resident memory flat", {
  skip: nativeAddon() === null ? "native addon not built" : false, timeout: 60 * 60 * 1000,
}, (t) => {
  assertFlat(train("native", 500, 256), (m) => t.diagnostic(m));
});

test("JS backend: 500 resnet training steps at batch 8 keep resident memory flat", { timeout: 60 * 60 * 1000 }, (t) => {
  assertFlat(train("js", 500, 8), (m) => t.diagnostic(m));
});
