import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { downloadFile } from "./download.js";

const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
const sha = createHash("sha256").update(body).digest("hex");
const md5 = createHash("md5").update(body).digest("hex");
let server: Server;
let base = "";
let dir = "";

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lamina-download-"));
  server = createServer((req, res) => {
    if (req.url === "/file.bin") {
      res.writeHead(200, { "content-length": body.length });
      res.end(body);
    } else if (req.url === "/moved") {
      res.writeHead(302, { location: "/file.bin" });
      res.end();
    } else if (req.url === "/truncated.bin") {
      // announces the whole file, sends half of it, then drops the connection
      res.writeHead(200, { "content-length": body.length });
      res.write(body.subarray(0, 2000), () => setTimeout(() => res.socket?.destroy(), 20));
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("downloadFile keeps a file whose SHA-256 and MD5 match, following redirects", async () => {
  const dest = join(dir, "ok", "file.bin");
  assert.equal(await downloadFile(`${base}/file.bin`, dest, { sha256: sha, md5 }), dest);
  assert.deepEqual(readFileSync(dest), body);
  const dest2 = join(dir, "ok", "moved.bin");
  await downloadFile(`${base}/moved`, dest2, { sha256: sha });
  assert.deepEqual(readFileSync(dest2), body);
  assert.deepEqual(readdirSync(join(dir, "ok")).sort(), ["file.bin", "moved.bin"]);
});

test("downloadFile rejects a wrong checksum and leaves no file", async () => {
  const sub = join(dir, "bad");
  const wrong = "0".repeat(64);
  await assert.rejects(downloadFile(`${base}/file.bin`, join(sub, "file.bin"), { sha256: wrong }),
    new RegExp(`downloadFile: ${base}/file.bin -> .*file.bin: checksum mismatch: SHA-256 of the 5000 bytes is ${sha}, expected 0{64}; the file was not kept`));
  assert.deepEqual(readdirSync(sub), []);
  await assert.rejects(downloadFile(`${base}/file.bin`, join(sub, "file.bin"), { md5: "f".repeat(32) }), /MD5 of the 5000 bytes/);
  assert.deepEqual(readdirSync(sub), []);
});

test("downloadFile rejects a truncated transfer and leaves no file", async () => {
  const sub = join(dir, "trunc");
  await assert.rejects(downloadFile(`${base}/truncated.bin`, join(sub, "t.bin")), /truncated transfer/);
  assert.deepEqual(readdirSync(sub), []);
  assert.equal(existsSync(join(sub, "t.bin")), false);
});

test("downloadFile reports HTTP errors with the URL", async () => {
  await assert.rejects(downloadFile(`${base}/missing`, join(dir, "m", "x")), /downloadFile: http:\/\/127.0.0.1:\d+\/missing -> .*HTTP 404/);
  assert.deepEqual(readdirSync(join(dir, "m")), []);
});
