import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunRecorder, type RunSnapshot } from "./run-state.js";
import { epochsFromCsv, listRunDirs, readRun, runsHandler } from "./runs.js";
import { serve } from "./server.js";

test("epochsFromCsv reads CSVLogger's files (\\r\\n rows, NA cells left out)", () => {
  const csv = "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.5,1.0,NA,NA\r\n1,0.75,0.5,0.7,0.6\r\n";
  assert.deepEqual(epochsFromCsv(csv, "h.csv"), [
    { epoch: 0, logs: { accuracy: 0.5, loss: 1 } },
    { epoch: 1, logs: { accuracy: 0.75, loss: 0.5, val_accuracy: 0.7, val_loss: 0.6 } },
  ]);
  assert.throws(() => epochsFromCsv("a,b\n1,2\n", "h.csv"), /h\.csv: the first column is "a"/);
});

function makeRuns(): string {
  const root = mkdtempSync(join(tmpdir(), "lamina-runs-"));
  // A run written by npm start: no dashboard.json, but history.csv and report.html.
  const a = join(root, "20260101-000000");
  mkdirSync(a);
  writeFileSync(join(a, "history.csv"), "epoch,loss,val_loss\r\n0,1.5,1.25\r\n1,0.5,0.75\r\n");
  writeFileSync(join(a, "report.html"), "<h1>Notebook 000&#39;s CNN &amp; co</h1><pre>Model: &quot;cnn&quot;</pre>");
  writeFileSync(join(a, "model.json"), JSON.stringify({ class_name: "Sequential", config: { name: "cnn" } }));
  writeFileSync(join(a, "history.png"), Buffer.from([137, 80, 78, 71]));
  writeFileSync(join(a, ".hidden"), "x");
  writeFileSync(join(a, "dashboard.json.tmp-12"), "x");
  // A run written by callbacks.Dashboard.
  const b = join(root, "20260102-000000");
  mkdirSync(b);
  const r = new RunRecorder();
  r.begin({ title: "mlp on mnist", model: "mlp", epochs: 1, steps: 2, summary: "S" });
  r.batchEnd(0, { loss: 2 });
  r.batchEnd(1, { loss: 1 });
  r.epochEnd(0, { loss: 1, val_loss: 1.5 });
  r.finish("finished");
  writeFileSync(join(b, "dashboard.json"), JSON.stringify(r.snapshot()));
  mkdirSync(join(root, "not-a-run"));
  return root;
}

test("readRun: dashboard.json runs, and history.csv runs titled from their report; only plain files are listed", () => {
  const root = makeRuns();
  try {
    assert.deepEqual(listRunDirs(root).map((r) => r.id), ["20260102-000000", "20260101-000000"]);
    const a = readRun(join(root, "20260101-000000"))!;
    assert.equal(a.title, "Notebook 000's CNN & co");
    assert.equal(a.summary, 'Model: "cnn"');
    assert.equal(a.model, "cnn");
    assert.equal(a.status, "finished");
    assert.deepEqual(a.epochs.map((e) => e.logs.val_loss), [1.25, 0.75]);
    assert.deepEqual(a.files, ["history.csv", "history.png", "model.json", "report.html"]);
    const b = readRun(join(root, "20260102-000000"))!;
    assert.equal(b.batches.length, 2);
    assert.deepEqual(b.files, ["dashboard.json"]);
    assert.equal(readRun(join(root, "not-a-run")), null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("runsHandler over HTTP: list, run pages and state, files by plain name only; loopback Host and GET only", { timeout: 30_000 }, async () => {
  const root = makeRuns();
  const server = await serve(runsHandler(root), {}, "test");
  const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(new URL(path, server.url), { ...init, signal: AbortSignal.timeout(5000), redirect: "manual" });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const list = await (await get("/api/runs")).json() as { id: string; epochs: number; last: Record<string, number>; hasReport: boolean }[];
    assert.deepEqual(list.map((r) => [r.id, r.epochs, r.last.loss, r.hasReport]), [["20260102-000000", 1, 1, false], ["20260101-000000", 2, 0.5, true]]);
    const index = await (await get("/")).text();
    assert.match(index, /href="runs\/20260101-000000\/"/);
    const page = await get("/runs/20260101-000000/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /fetch\(CONFIG\.api \+ "run"/);
    assert.equal((await get("/runs/20260101-000000")).status, 301);
    const state = await (await get("/runs/20260102-000000/api/run")).json() as RunSnapshot;
    assert.equal(state.title, "mlp on mnist");
    const png = await get("/runs/20260101-000000/files/history.png");
    assert.equal(png.headers.get("content-type"), "image/png");
    assert.deepEqual([...new Uint8Array(await png.arrayBuffer())], [137, 80, 78, 71]);
    for (const bad of ["/runs/20260101-000000/files/..%2F..%2F..%2Fetc%2Fpasswd", "/runs/20260101-000000/files/.hidden", "/runs/..%2F..%2Fetc/files/passwd", "/runs/not-a-run/", "/nothing"]) {
      assert.equal((await get(bad)).status, 404, bad);
    }
    assert.equal((await get("/api/runs", { method: "POST" })).status, 405);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
  await assert.rejects(serve(runsHandler("."), { host: "0.0.0.0" }), /host must be "127\.0\.0\.1"/);
});
