import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { getWeightsFile } from "./weights_file.js";

const BYTES = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
const MD5 = createHash("md5").update(BYTES).digest("hex");

/** A local file server: /weights.h5 serves BYTES, anything else is a 404; counts requests. */
async function serve(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    if (req.url === "/weights.h5") {
      res.writeHead(200, { "content-length": BYTES.length });
      res.end(BYTES);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => count, close: () => new Promise((r) => server.close(() => r())) };
}

test("getWeightsFile downloads into the model cache with the MD5 checked, then reuses the cached file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-weights-"));
  const srv = await serve();
  const savedHome = process.env.KERAS_HOME;
  process.env.KERAS_HOME = join(dir, "keras");
  try {
    const spec = { fname: "weights.h5", origin: `${srv.url}/weights.h5`, md5: MD5 };
    const path = await getWeightsFile("test", spec, { cacheDir: join(dir, "cache"), download: true });
    assert.equal(path, join(dir, "cache", "weights.h5"));
    assert.deepEqual(readFileSync(path), BYTES);
    assert.equal(srv.requests(), 1);
    assert.equal(await getWeightsFile("test", spec, { cacheDir: join(dir, "cache"), download: true }), path);
    assert.equal(srv.requests(), 1, "served from the cache the second time");

    // A wrong checksum keeps nothing in the cache and says why.
    const other = join(dir, "other");
    await assert.rejects(getWeightsFile("test", { ...spec, md5: "0".repeat(32) }, { cacheDir: other, download: true }),
      /test: the weights file weights\.h5 is not available[\s\S]*checksum mismatch: MD5 of the 5000 bytes is [0-9a-f]{32}, expected 0{32}; the file was not kept[\s\S]*To fix: download http:\/\/127\.0\.0\.1:\d+\/weights\.h5/);
    assert.deepEqual(existsSync(other) ? readdirSync(other) : [], []);

    // Unreachable file: the error says where to put it by hand.
    await assert.rejects(getWeightsFile("test", { fname: "missing.h5", origin: `${srv.url}/missing.h5` }, { cacheDir: other, download: true }),
      (e: Error) => e.message.includes("HTTP 404") && e.message.includes(`copy it to ${join(other, "missing.h5")}`));
  } finally {
    await srv.close();
    if (savedHome === undefined) delete process.env.KERAS_HOME; else process.env.KERAS_HOME = savedHome;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("getWeightsFile takes a file Keras already cached (~/.keras/models) without downloading", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-weights-"));
  const savedHome = process.env.KERAS_HOME;
  process.env.KERAS_HOME = join(dir, "keras");
  try {
    mkdirSync(join(dir, "keras", "models"), { recursive: true });
    writeFileSync(join(dir, "keras", "models", "weights.h5"), BYTES);
    const spec = { fname: "weights.h5", origin: "http://127.0.0.1:9/unreachable.h5", md5: MD5 };
    assert.equal(await getWeightsFile("test", spec, { cacheDir: join(dir, "cache"), download: false }), join(dir, "keras", "models", "weights.h5"));
    // Offline and nowhere: every place tried is listed.
    await assert.rejects(getWeightsFile("test", { ...spec, fname: "none.h5" }, { cacheDir: join(dir, "cache"), download: false }), (e: Error) => {
      assert.ok(e.message.includes(`${join(dir, "cache", "none.h5")}: not there`), e.message);
      assert.ok(e.message.includes(`${join(dir, "keras", "models", "none.h5")}: not there`), e.message);
      assert.match(e.message, /download: disabled \(download: false\)/);
      return true;
    });
  } finally {
    if (savedHome === undefined) delete process.env.KERAS_HOME; else process.env.KERAS_HOME = savedHome;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("getWeightsFile checks a SHA-256 fileHash (Keras' hash_algorithm \"auto\": 64 digits), in the caches and on download", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-weights-"));
  const srv = await serve();
  const savedHome = process.env.KERAS_HOME;
  process.env.KERAS_HOME = join(dir, "keras");
  // Computed independently of the code under test: sha256sum of the same 5000 bytes.
  const SHA256 = createHash("sha256").update(BYTES).digest("hex");
  try {
    const spec = { fname: "weights.h5", origin: `${srv.url}/weights.h5`, fileHash: SHA256 };
    const path = await getWeightsFile("test", spec, { cacheDir: join(dir, "cache"), download: true });
    assert.deepEqual(readFileSync(path), BYTES);
    assert.equal(await getWeightsFile("test", { ...spec, fileHash: SHA256.toUpperCase() }, { cacheDir: join(dir, "cache"), download: false }), path);

    // A download whose SHA-256 differs is not kept.
    const other = join(dir, "other");
    await assert.rejects(getWeightsFile("test", { ...spec, fileHash: "f".repeat(64) }, { cacheDir: other, download: true }),
      /checksum mismatch: SHA-256 of the 5000 bytes is [0-9a-f]{64}, expected f{64}; the file was not kept[\s\S]*\(its SHA-256 must be f{64}\)/);
    assert.deepEqual(existsSync(other) ? readdirSync(other) : [], []);

    // A cached file with another SHA-256 is passed over (Keras downloads it again), and said so.
    mkdirSync(join(dir, "keras", "models"), { recursive: true });
    writeFileSync(join(dir, "keras", "models", "stale.h5"), Buffer.from("not the weights"));
    await assert.rejects(getWeightsFile("test", { fname: "stale.h5", origin: `${srv.url}/stale.h5`, fileHash: SHA256 }, { cacheDir: other, download: false }), (e: Error) => {
      assert.ok(e.message.includes(`${join(dir, "keras", "models", "stale.h5")}: present but its SHA-256 is ${createHash("sha256").update("not the weights").digest("hex")}, not ${SHA256}`), e.message);
      return true;
    });

    // hashAlgorithm "md5" reads a 32-digit fileHash as MD5; "auto" refuses other lengths; md5 and fileHash together are refused.
    assert.equal(await getWeightsFile("test", { ...spec, fileHash: MD5, hashAlgorithm: "md5" }, { cacheDir: join(dir, "cache"), download: false }), path);
    assert.equal(await getWeightsFile("test", { ...spec, fileHash: MD5 }, { cacheDir: join(dir, "cache"), download: false }), path);
    await assert.rejects(getWeightsFile("test", { ...spec, fileHash: "abc" }, { cacheDir: other, download: false }), /test: fileHash abc has 3 characters; a SHA-256 hash has 64 hex digits and an MD5 hash 32/);
    await assert.rejects(getWeightsFile("test", { ...spec, fileHash: MD5, hashAlgorithm: "sha256" }, { cacheDir: other, download: false }), /test: the SHA-256 given for weights\.h5 must be 64 hex digits/);
    await assert.rejects(getWeightsFile("test", { ...spec, md5: MD5 }, { cacheDir: other, download: false }), /gives both md5 and fileHash/);
  } finally {
    await srv.close();
    if (savedHome === undefined) delete process.env.KERAS_HOME; else process.env.KERAS_HOME = savedHome;
    rmSync(dir, { recursive: true, force: true });
  }
});
