import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as tf from "../../index.js";
import { RemoteMonitor } from "./remote_monitor.js";

interface Received { method: string; url: string; type: string; auth: string; body: string }
let server: Server;
let root = "";
const received: Received[] = [];
before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => { body += c; });
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", type: String(req.headers["content-type"]), auth: String(req.headers["x-token"]), body });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => { server.closeAllConnections(); server.close(); });

// Expected bodies: what Python's requests 2.28 prepares for Keras 3.5's RemoteMonitor with these logs.
test("RemoteMonitor posts Keras' bytes: a form field holding json.dumps of the logs, or a JSON body", async () => {
  received.length = 0;
  await new RemoteMonitor({ root }).onEpochEnd(0, { loss: 0.5, acc: 1, "x y~*": Infinity });
  await new RemoteMonitor({ root, path: "/p", sendAsJson: true, headers: { "X-Token": "t" } }).onEpochEnd(3, { loss: 0.5 });
  await new RemoteMonitor({ root, path: "/f", field: "logs" }).onEpochEnd(1, { loss: 1e-5 });
  assert.deepEqual(received, [
    { method: "POST", url: "/publish/epoch/end/", type: "application/x-www-form-urlencoded", auth: "undefined", body: "data=%7B%22epoch%22%3A+0%2C+%22loss%22%3A+0.5%2C+%22acc%22%3A+1.0%2C+%22x+y~%2A%22%3A+Infinity%7D" },
    { method: "POST", url: "/p", type: "application/json", auth: "t", body: '{"epoch": 3, "loss": 0.5}' },
    { method: "POST", url: "/f", type: "application/x-www-form-urlencoded", auth: "undefined", body: "logs=%7B%22epoch%22%3A+1%2C+%22loss%22%3A+1e-05%7D" },
  ]);
});

test("RemoteMonitor in fit: one post per epoch with that epoch's logs; an unreachable server warns and training goes on", async () => {
  received.length = 0;
  tf.random.setSeed(1);
  const x = tf.random.normal([8, 2]), y = tf.random.normal([8, 1]);
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), tf.layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const h = await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [tf.callbacks.RemoteMonitor({ root, sendAsJson: true })] });
  const sent = received.map((r) => JSON.parse(r.body) as Record<string, number>);
  assert.deepEqual(sent.map((s) => s.epoch), [0, 1]);
  assert.deepEqual(sent.map((s) => s.loss), h.history.loss);

  // A port nothing listens on: find one by closing a fresh server.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const deadRoot = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  const warnings: string[] = [];
  const h2 = await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [tf.callbacks.RemoteMonitor({ root: deadRoot, warn: (m) => warnings.push(m) })] });
  assert.equal(h2.history.loss.length, 2);
  assert.deepEqual(warnings, [`Could not reach RemoteMonitor root server at ${deadRoot}`, `Could not reach RemoteMonitor root server at ${deadRoot}`]);

  // JSON cannot carry NaN: requests refuses to build the request, Keras warns.
  const w2: string[] = [];
  await new RemoteMonitor({ root, sendAsJson: true, warn: (m) => w2.push(m) }).onEpochEnd(0, { loss: NaN });
  assert.deepEqual(w2, [`Could not reach RemoteMonitor root server at ${root}`]);
});

test("RemoteMonitor refuses bad options with the fix", () => {
  assert.throws(() => new RemoteMonitor({ root: "localhost:9000" }), /RemoteMonitor: root "localhost:9000" must be an http:\/\/ or https:\/\/ URL/);
  assert.throws(() => new RemoteMonitor({ root: "nope" }), /RemoteMonitor: root \+ path "nope\/publish\/epoch\/end\/" is not a URL; root needs a scheme and host/);
  assert.throws(() => new RemoteMonitor({ headers: { a: 1 } as unknown as Record<string, string> }), /RemoteMonitor: headers must be an object of header names to string values/);
  assert.throws(() => new RemoteMonitor({ send_as_json: true } as unknown as Record<string, string>), /RemoteMonitor: unknown option "send_as_json"; the options are root, path, field, headers, sendAsJson, warn/);
  assert.throws(() => new RemoteMonitor({ sendAsJson: "yes" as unknown as boolean }), /RemoteMonitor: sendAsJson must be true or false, got "yes"/);
});
