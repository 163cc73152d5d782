import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../index.js";
import type { RunSnapshot } from "../../dashboard/run-state.js";
import { setOutputWriter } from "./output.js";

const { layers, models, callbacks } = tf;

function tinyClassifier(): tf.models.Model {
  const model = new models.Sequential([
    layers.Input({ shape: [6, 6, 1] }),
    layers.Flatten(),
    layers.Dense(8, { activation: "relu" }),
    layers.Dense(3, { activation: "softmax" }),
  ], { name: "tiny" });
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  return model;
}

function randomData(n: number): [tf.Tensor, tf.Tensor] {
  tf.random.setSeed(7);
  return [tf.random.normal([n, 6, 6, 1]), tf.random.uniform([n], 0, 3, { dtype: "int32" })];
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert.equal(r.status, 200, url);
  return (await r.json()) as T;
}

/** GET with a chosen Host header (fetch does not let tests set it). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/** Reads server-sent events from `url` until `stop()`; returns the events by type, in order. */
function collectEvents(url: string): { events: { type: string; data: unknown }[]; stop: () => void; ended: Promise<void> } {
  const events: { type: string; data: unknown }[] = [];
  let buffer = "";
  let stop = (): void => {};
  const ended = new Promise<void>((resolve, reject) => {
    const req = request(url, (res) => {
      assert.match(String(res.headers["content-type"]), /^text\/event-stream/);
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) });
        }
      });
      res.on("end", resolve);
      res.on("close", resolve);
    });
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? resolve() : reject(e)));
    stop = () => req.destroy();
    req.end();
  });
  return { events, stop, ended };
}

test("Dashboard serves the page, the JSON state (points grow during fit) and an event stream; writes dashboard.json; stops at the end of fit", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-dashboard-"));
  let printed = "";
  setOutputWriter({ write: (s) => { printed += s; }, isTTY: false });
  try {
    const model = tinyClassifier();
    const [x, y] = randomData(96);
    const dashboard = callbacks.Dashboard({ runDir: dir, samples: { x, y, classNames: ["a", "b", "c"], count: 4 }, info: { dataset: "random" } });
    const seen: number[] = [];
    let stream: ReturnType<typeof collectEvents> | null = null;
    let page = "";
    let refused = 0;
    const probe = callbacks.LambdaCallback({
      onTrainBatchEnd: async (batch) => {
        if (stream === null && batch === 0) stream = collectEvents(`${dashboard.url}api/events`);
      },
      onEpochEnd: async () => {
        const state = await getJson<RunSnapshot>(`${dashboard.url}api/run`);
        seen.push(state.batches.length);
        assert.equal(state.status, "running");
        if (page === "") {
          page = await (await fetch(dashboard.url!, { signal: AbortSignal.timeout(5000) })).text();
          refused = await statusWithHost(`${dashboard.url}api/run`, "evil.example:80");
          assert.equal((await fetch(`${dashboard.url}nothing`, { signal: AbortSignal.timeout(5000) })).status, 404);
        }
      },
    });
    await model.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, callbacks: [dashboard, probe], verbose: 0 });

    // 72 training samples at batch 16: 5 batches per epoch, one point each.
    assert.deepEqual(seen, [5, 10, 15]);
    assert.match(printed, /^Dashboard: http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.equal(printed.match(/Dashboard:/g)?.length, 1, "the URL is printed once");
    assert.match(page, /<!doctype html>/);
    assert.match(page, /new EventSource/);
    assert.doesNotMatch(page, /<script src=|<link /, "no external resources");
    assert.equal(refused, 403, "a request naming another host is refused");

    // The stream opened during the first epoch: a snapshot, then batches, epochs, samples and the final status.
    assert.ok(stream !== null);
    const s = stream as ReturnType<typeof collectEvents>;
    await s.ended;
    const types = s.events.map((e) => e.type);
    assert.equal(types[0], "snapshot");
    assert.equal(types.filter((t) => t === "epoch").length, 3);
    // The snapshot holds the batches before the connection, the stream every later one.
    const before = (s.events[0].data as RunSnapshot).batches.length;
    assert.equal(before + types.filter((t) => t === "batch").length, 15, types.join(","));
    assert.equal(types[types.length - 1], "status");
    assert.deepEqual((s.events[s.events.length - 1].data as { status: string }).status, "finished");

    // The run folder keeps the whole state; the server has stopped.
    const stored = JSON.parse(readFileSync(join(dir, "dashboard.json"), "utf8")) as RunSnapshot;
    assert.equal(stored.status, "finished");
    assert.equal(stored.epochs.length, 3);
    assert.equal(stored.batches.length, 15);
    assert.deepEqual(stored.batches.map((b) => b.x).slice(0, 6), [0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    assert.ok(["loss", "accuracy", "val_loss", "val_accuracy"].every((k) => k in stored.epochs[2].logs));
    assert.match(stored.summary ?? "", /Total params: 323/);
    assert.equal(stored.info.dataset, "random");
    assert.equal(stored.samples?.items.length, 4);
    assert.deepEqual(stored.samples?.items.map((i) => i.label), Array.from(y.dataSync() as Int32Array).slice(0, 4));
    assert.match(stored.samples?.items[0].image ?? "", /^data:image\/png;base64,/);
    assert.equal(dashboard.url, null);
  } finally {
    setOutputWriter(null);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Dashboard keepAlive serves the finished run until close(); bad options are refused", { timeout: 30_000 }, async () => {
  setOutputWriter({ write: () => {}, isTTY: false });
  try {
    const model = tinyClassifier();
    const [x, y] = randomData(32);
    const dashboard = callbacks.Dashboard({ keepAlive: true });
    await model.fit(x, y, { epochs: 2, batchSize: 16, callbacks: [dashboard], verbose: 0 });
    const url = dashboard.url;
    assert.ok(url !== null);
    const state = await getJson<RunSnapshot>(`${url}api/run`);
    assert.equal(state.status, "finished");
    assert.equal(state.epochs.length, 2);
    assert.equal(state.samples, null);
    await dashboard.close();
    assert.equal(dashboard.url, null);
    await assert.rejects(fetch(`${url}api/run`, { signal: AbortSignal.timeout(5000) }));
  } finally {
    setOutputWriter(null);
  }
  assert.throws(() => callbacks.Dashboard({ host: "0.0.0.0" }), /host must be "127\.0\.0\.1"/);
  assert.throws(() => callbacks.Dashboard({ port: 70000 }), /port must be an integer from 0/);
  assert.throws(() => callbacks.Dashboard({ samples: { x: null as unknown as tf.Tensor } }), /samples\.x must be a tensor/);
});

test("a fit that fails marks the run interrupted (page, stream and dashboard.json) and stops the server", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-dashboard-fail-"));
  setOutputWriter({ write: () => {}, isTTY: false });
  try {
    const model = tinyClassifier();
    const [x, y] = randomData(64);
    const dashboard = callbacks.Dashboard({ runDir: dir });
    let stream: ReturnType<typeof collectEvents> | null = null;
    const failing = callbacks.LambdaCallback({
      onTrainBatchEnd: async (batch) => {
        if (stream === null) stream = collectEvents(`${dashboard.url}api/events`);
        if (batch === 2) throw new Error("out of memory, as it were");
      },
    });
    await assert.rejects(model.fit(x, y, { epochs: 2, batchSize: 16, callbacks: [dashboard, failing], verbose: 0 }), /out of memory, as it were/);
    assert.equal(dashboard.url, null, "the server has stopped");
    const s = stream as unknown as ReturnType<typeof collectEvents>;
    await s.ended;
    const last = s.events[s.events.length - 1];
    assert.equal(last.type, "status");
    assert.equal((last.data as { status: string }).status, "interrupted");
    const stored = JSON.parse(readFileSync(join(dir, "dashboard.json"), "utf8")) as RunSnapshot;
    assert.equal(stored.status, "interrupted");
    assert.ok(stored.finishedAt !== null);
  } finally {
    setOutputWriter(null);
    rmSync(dir, { recursive: true, force: true });
  }
});
