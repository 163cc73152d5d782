import { test } from "node:test";
import assert from "node:assert/strict";
import { get, type IncomingMessage } from "node:http";
import { serve, startEventStream } from "./server.js";

function open(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).on("error", reject));
}

test("close() delivers what an event stream already holds to a slow reader, then ends it", async () => {
  const chunk = "x".repeat(1 << 20);
  let written = 0;
  const server = await serve((path, _req, res) => {
    if (path !== "/events") return;
    startEventStream(res);
    // Far more than the loopback socket buffers: most of it waits in Node's own queue.
    for (let i = 0; i < 24; i++) {
      res.write(`event: batch\ndata: ${chunk}\n\n`);
      written++;
    }
    res.write("event: status\ndata: finished\n\n");
  });
  const res = await open(`${server.url}events`);
  res.pause();
  while (written < 24) await new Promise((r) => setTimeout(r, 10));
  const closing = server.close();
  await new Promise((r) => setTimeout(r, 200));
  let received = "";
  res.setEncoding("utf8");
  res.on("data", (d: string) => { received += d; });
  res.resume();
  await new Promise<void>((resolve, reject) => { res.on("end", resolve); res.on("error", reject); });
  await closing;
  assert.equal(server.closed, true);
  assert.equal(received.split("event: batch").length - 1, 24);
  assert.ok(received.endsWith("event: status\ndata: finished\n\n"), `the stream ended with ${JSON.stringify(received.slice(-40))}`);
});

test("close() cuts off a client that never reads after the grace period", async () => {
  const server = await serve((_path, _req, res) => {
    startEventStream(res);
    for (let i = 0; i < 24; i++) res.write(`data: ${"y".repeat(1 << 20)}\n\n`);
  });
  const res = await open(`${server.url}events`);
  res.pause();
  const started = Date.now();
  await server.close();
  const waited = Date.now() - started;
  assert.ok(waited >= 2500 && waited < 10_000, `close() took ${waited} ms`);
  res.destroy();
});
