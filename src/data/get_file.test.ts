import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { getFile } from "./get_file.js";
import { encodeTar } from "./tar.js";
import { writeZip } from "../io/zip.js";
import { setOutputWriter } from "../models/callbacks/output.js";

const enc = new TextEncoder();
const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 256));
const sha = createHash("sha256").update(body).digest("hex");
const md5 = createHash("md5").update(body).digest("hex");
const tarGz = gzipSync(encodeTar({ "pkg/a.txt": enc.encode("hello\n"), "pkg/sub/b.txt": enc.encode("world\n") }));
const zip = writeZip([["z/c.txt", enc.encode("zipped")], ["z/d/", new Uint8Array(0)]]);
const evil = encodeTar({ "ok.txt": enc.encode("fine"), "../evil.txt": enc.encode("escaped") });
const routes: Record<string, Uint8Array> = {
  "/files/data.bin": body,
  "/arch.tar.gz": tarGz,
  "/arch.zip": zip,
  "/evil.tar": evil,
  "/plain.txt": enc.encode("not an archive"),
  "/packed.tar.bz2": enc.encode("BZh91AY&SY not really"),
};
const hits = new Map<string, number>();
let server: Server;
let base = "";
let dir = "";
const printed: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lamina-getfile-"));
  setOutputWriter({ write: (s) => void printed.push(s), isTTY: false });
  server = createServer((req, res) => {
    const url = req.url ?? "";
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const data = routes[url];
    if (url === "/nolength.bin") {
      res.writeHead(200); // chunked: no content-length, as Keras' unknown-size progress bar
      res.write(body.subarray(0, 1000));
      res.end(body.subarray(1000));
    } else if (data) {
      res.writeHead(200, { "content-length": data.length });
      res.end(data);
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  setOutputWriter(null);
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("getFile downloads once into <cacheDir>/datasets and reuses the cached file", async () => {
  const cacheDir = join(dir, "c1");
  printed.length = 0;
  const p = await getFile("d.bin", `${base}/files/data.bin`, { cacheDir });
  assert.equal(p, join(cacheDir, "datasets", "d.bin"));
  assert.deepEqual(readFileSync(p), body);
  assert.equal(printed[0], `Downloading data from ${base}/files/data.bin\n`);
  // the progress bar ends at 3000/3000, as Keras' DLProgbar
  assert.match(printed.join(""), /3000\/3000\x1b\[0m \x1b\[32m━{20}/);
  const before = hits.get("/files/data.bin");
  assert.equal(await getFile("d.bin", `${base}/files/data.bin`, { cacheDir, fileHash: sha }), p);
  assert.equal(hits.get("/files/data.bin"), before);
  // fname null: the name at the end of the URL; forceDownload fetches again
  assert.equal(await getFile(null, `${base}/files/data.bin`, { cacheDir, forceDownload: true }), join(cacheDir, "datasets", "data.bin"));
  assert.equal(hits.get("/files/data.bin"), (before as number) + 1);
  // a size the server does not announce: the bar counts up and ends its line
  printed.length = 0;
  await getFile("n.bin", `${base}/nolength.bin`, { cacheDir });
  assert.match(printed.join(""), /3000\/Unknown.*\n$/s);
});

test("getFile: default cache $KERAS_HOME/datasets, cacheSubdir, absolute paths", async () => {
  const home = join(dir, "kh");
  const saved = process.env.KERAS_HOME;
  process.env.KERAS_HOME = home;
  try {
    assert.equal(await getFile("k.bin", `${base}/files/data.bin`), join(home, "datasets", "k.bin"));
  } finally {
    if (saved === undefined) delete process.env.KERAS_HOME;
    else process.env.KERAS_HOME = saved;
  }
  const cacheDir = join(dir, "c2");
  assert.equal(await getFile("s.bin", `${base}/files/data.bin`, { cacheDir, cacheSubdir: "models" }), join(cacheDir, "models", "s.bin"));
  const abs = join(dir, "elsewhere");
  assert.equal(await getFile("x.bin", `${base}/files/data.bin`, { cacheDir, cacheSubdir: abs }), join(abs, "x.bin"));
  const absName = join(dir, "exact", "file.bin");
  mkdirSync(join(dir, "exact"));
  assert.equal(await getFile(absName, `${base}/files/data.bin`, { cacheDir }), absName);
});

test("getFile checks SHA-256 and MD5 (told apart by length); a corrupted download leaves nothing", async () => {
  const cacheDir = join(dir, "c3");
  const datadir = join(cacheDir, "datasets");
  assert.equal(await getFile("a.bin", `${base}/files/data.bin`, { cacheDir, fileHash: sha }), join(datadir, "a.bin"));
  assert.equal(await getFile("b.bin", `${base}/files/data.bin`, { cacheDir, fileHash: md5 }), join(datadir, "b.bin"));
  await assert.rejects(getFile("c.bin", `${base}/files/data.bin`, { cacheDir, fileHash: "0".repeat(64) }),
    /utils.getFile: incomplete or corrupted file detected: the auto file hash does not match the provided value of 0{64} .*SHA-256 of the 3000 bytes is [0-9a-f]{64}.*nothing was kept/);
  await assert.rejects(getFile("d.bin", `${base}/files/data.bin`, { cacheDir, fileHash: "f".repeat(32) }), /MD5 of the 3000 bytes/);
  // an md5 named explicitly is checked as md5 even with 64 digits' worth of expectations elsewhere
  await assert.rejects(getFile("e.bin", `${base}/files/data.bin`, { cacheDir, fileHash: sha, hashAlgorithm: "md5" }), /MD5 of the 3000 bytes/);
  assert.deepEqual(readdirSync(datadir).sort(), ["a.bin", "b.bin"]);
  await assert.rejects(getFile("f.bin", `${base}/files/data.bin`, { cacheDir, fileHash: "a".repeat(40) }), /has 40 characters; a SHA-256 hash has 64 hex digits and an MD5 hash 32/);
  await assert.rejects(getFile("g.bin", `${base}/missing.bin`, { cacheDir }), /URL fetch failure on http:\/\/127.0.0.1:\d+\/missing.bin: .*HTTP 404/);
  assert.deepEqual(readdirSync(datadir).sort(), ["a.bin", "b.bin"]);
});

test("getFile downloads again when the cached file does not match fileHash", async () => {
  const cacheDir = join(dir, "c4");
  mkdirSync(join(cacheDir, "datasets"), { recursive: true });
  writeFileSync(join(cacheDir, "datasets", "old.bin"), "stale");
  printed.length = 0;
  const p = await getFile("old.bin", `${base}/files/data.bin`, { cacheDir, fileHash: sha });
  assert.deepEqual(readFileSync(p), body);
  assert.equal(printed[0], `A local file was found, but it seems to be incomplete or outdated because the auto file hash does not match the original value of ${sha} so we will re-download the data.\n`);
  // a stale copy whose re-download is corrupted is gone too, as Keras removes the file on failure
  writeFileSync(p, "stale");
  await assert.rejects(getFile("old.bin", `${base}/files/data.bin`, { cacheDir, fileHash: "1".repeat(64) }), /corrupted/);
  assert.equal(existsSync(p), false);
});

test("getFile extract: tar.gz and zip unpacked into the cache folder, unsafe paths skipped, clear errors", async () => {
  const cacheDir = join(dir, "c5");
  const datadir = join(cacheDir, "datasets");
  assert.equal(await getFile(null, `${base}/arch.tar.gz`, { cacheDir, extract: true }), join(datadir, "arch.tar.gz"));
  assert.equal(readFileSync(join(datadir, "pkg", "a.txt"), "utf8"), "hello\n");
  assert.equal(readFileSync(join(datadir, "pkg", "sub", "b.txt"), "utf8"), "world\n");
  await getFile(null, `${base}/arch.zip`, { cacheDir, extract: true });
  assert.equal(readFileSync(join(datadir, "z", "c.txt"), "utf8"), "zipped");
  assert.equal(existsSync(join(datadir, "z", "d")), true);
  // archiveFormat "zip" does not open a tar
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    await getFile("evil.tar", `${base}/evil.tar`, { cacheDir, extract: true, archiveFormat: "zip" });
    await getFile(null, `${base}/plain.txt`, { cacheDir, extract: true });
    await getFile("evil2.tar", `${base}/evil.tar`, { cacheDir, extract: true });
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings, ["Could not extract archive.", "Could not extract archive.", "Skipping invalid path during archive extraction: '../evil.txt'."]);
  assert.equal(readFileSync(join(datadir, "ok.txt"), "utf8"), "fine");
  assert.equal(existsSync(join(cacheDir, "evil.txt")), false);
  await assert.rejects(getFile(null, `${base}/packed.tar.bz2`, { cacheDir, extract: true }), /is bzip2 \(.tar.bz2\) compressed, which lamina does not decompress/);
});
