/**
 * Downloading dataset files: checksum verified while the bytes arrive, written to a temporary file in
 * the destination folder and renamed into place only once complete and verified, so a final name
 * never holds half a file or bytes of the wrong content.
 */
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, rmSync, existsSync, readFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { randomBytes } from "node:crypto";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";

export interface DownloadOptions {
  /** Expected SHA-256 of the file (hex). */
  sha256?: string;
  /** Expected MD5 of the file (hex), for sources that publish only MD5. */
  md5?: string;
  /** Abort when no byte arrives for this long (ms, default 60000). */
  timeoutMs?: number;
  /** Called as bytes arrive. */
  onProgress?: (received: number, total: number | null) => void;
}

function request(url: string, timeoutMs: number, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const getter = url.startsWith("https:") ? httpsGet : url.startsWith("http:") ? httpGet : null;
    if (!getter) { reject(new Error(`only http and https URLs can be downloaded, got ${url}`)); return; }
    const req = getter(url, { headers: { "user-agent": "lamina" } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 10) { reject(new Error(`too many redirects from ${url}`)); return; }
        resolve(request(new URL(res.headers.location, url).toString(), timeoutMs, redirects + 1));
        return;
      }
      if (status !== 200) { res.resume(); reject(new Error(`HTTP ${status} ${res.statusMessage ?? ""} from ${url}`.trim())); return; }
      resolve(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** The hex digest of a file, "sha256" or "md5". */
export function fileHash(path: string, algorithm: "sha256" | "md5" = "sha256"): string {
  return createHash(algorithm).update(readFileSync(path)).digest("hex");
}

/**
 * Downloads `url` to `dest`, verifying its length and checksums; resolves to `dest`. On any failure
 * the temporary file is removed, nothing appears under `dest`, and the error names the URL and cause.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<string> {
  const where = "downloadFile";
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
  const sha = createHash("sha256"), md5 = createHash("md5");
  let received = 0;
  try {
    const res = await request(url, opts.timeoutMs ?? 60000);
    const lengthHeader = res.headers["content-length"];
    const total = lengthHeader !== undefined ? Number(lengthHeader) : null;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(tmp, { flags: "wx" });
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        res.destroy();
        out.destroy();
        reject(e);
      };
      res.setTimeout(opts.timeoutMs ?? 60000, () => fail(new Error(`the transfer stalled for ${opts.timeoutMs ?? 60000} ms after ${received} bytes`)));
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        sha.update(chunk); md5.update(chunk);
        opts.onProgress?.(received, total);
        if (!out.write(chunk)) { res.pause(); out.once("drain", () => res.resume()); }
      });
      res.on("aborted", () => fail(new Error(`the connection closed after ${received} of ${total ?? "?"} bytes (truncated transfer)`)));
      res.on("error", (e) => fail(new Error(`the transfer failed after ${received} bytes: ${e.message}`)));
      out.on("error", (e) => fail(new Error(`cannot write ${tmp}: ${e.message}`)));
      res.on("end", () => {
        if (failed) return;
        if (!res.complete || (total !== null && received !== total)) {
          fail(new Error(`the connection closed after ${received} of ${total ?? "?"} bytes (truncated transfer)`));
          return;
        }
        out.end(() => resolve());
      });
      res.on("close", () => {
        if (!res.complete) fail(new Error(`the connection closed after ${received} of ${total ?? "?"} bytes (truncated transfer)`));
      });
    });
    const gotSha = sha.digest("hex"), gotMd5 = md5.digest("hex");
    if (opts.sha256 && gotSha !== opts.sha256.toLowerCase()) {
      throw new Error(`checksum mismatch: SHA-256 of the ${received} bytes is ${gotSha}, expected ${opts.sha256}; the file was not kept`);
    }
    if (opts.md5 && gotMd5 !== opts.md5.toLowerCase()) {
      throw new Error(`checksum mismatch: MD5 of the ${received} bytes is ${gotMd5}, expected ${opts.md5}; the file was not kept`);
    }
    renameSync(tmp, dest);
    return dest;
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw new Error(`${where}: ${url} -> ${dest}: ${(e as Error).message}`);
  }
}
