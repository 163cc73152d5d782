/**
 * `utils.getFile`: Keras' get_file. A file downloaded once into Keras' cache
 * (`~/.keras/datasets`, or `$KERAS_HOME/datasets`) and reused afterwards, checked against a hash
 * (SHA-256 or MD5, told apart by length), optionally unpacked (tar, tar.gz, zip).
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { downloadFile, fileHash } from "./download.js";
import { resolveHashAlgorithm } from "./hash_algorithm.js";
import { kerasHome } from "./locate.js";
import { extractArchive, type ArchiveFormat } from "./extract_archive.js";
import { Progbar } from "../models/callbacks/progbar.js";
import { defaultWarn, printMsg } from "../models/callbacks/output.js";
import { valueText } from "../tensor/value_text.js";

export interface GetFileOptions {
  /** Expected hash of the file (hex): SHA-256 (64 digits) or MD5 (32). A cached file that does not match is downloaded again; a download that does not match is an error and is not kept. */
  fileHash?: string;
  /** "sha256", "md5" or "auto" (default: by the length of fileHash, as Keras). */
  hashAlgorithm?: "auto" | "sha256" | "md5";
  /** Unpack the file into the cache folder when it is a tar (plain or gzipped) or zip archive (default false). */
  extract?: boolean;
  /** Archive formats tried by extract: "auto" (tar then zip, the default), "tar", "zip", a list of them, or null for none. */
  archiveFormat?: "auto" | ArchiveFormat | readonly ArchiveFormat[] | null;
  /** Folder under cacheDir holding the file (default "datasets"); an absolute path is used as it is. */
  cacheSubdir?: string;
  /** The cache root (default `$KERAS_HOME` or `~/.keras`); `~` is expanded. */
  cacheDir?: string;
  /** Download even when the file is cached (default false). */
  forceDownload?: boolean;
}

const W = "utils.getFile";

function expandUser(p: string): string {
  return p === "~" ? homedir() : p.startsWith("~/") ? join(homedir(), p.slice(2)) : p;
}

function writableFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function formatsOf(f: GetFileOptions["archiveFormat"]): ArchiveFormat[] {
  if (f === null) return [];
  if (f === undefined || f === "auto") return ["tar", "zip"];
  const list = typeof f === "string" ? [f] : [...f];
  for (const x of list) {
    if (x !== "tar" && x !== "zip") throw new RangeError(`${W}: archiveFormat ${valueText(x)} is not one of "auto", "tar", "zip" (or a list of them, or null)`);
  }
  return list;
}

/**
 * Downloads `origin` into the cache unless it is already there, as Keras' get_file, and resolves
 * to the file's path: `await utils.getFile("data.csv", "https://example.com/data.csv", { fileHash })`.
 * `fname` null takes the name from the URL; an absolute `fname` is used as the path. Prints
 * "Downloading data from ..." and a progress bar while downloading, as Keras. A failed or
 * corrupted download leaves nothing at the path. With `extract`, the archive's files are unpacked
 * next to it (the path of the archive is returned, as in Keras 3.5).
 */
export async function getFile(fname: string | null, origin: string, opts: GetFileOptions = {}): Promise<string> {
  const known = new Set(["fileHash", "hashAlgorithm", "extract", "archiveFormat", "cacheSubdir", "cacheDir", "forceDownload"]);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`${W}: unknown option(s) ${unknown.join(", ")}; the options are ${[...known].join(", ")}`);
  if (typeof origin !== "string" || origin === "") throw new TypeError(`${W}: pass the origin (the URL of the file to download), got ${valueText(origin)}`);
  const algorithmOpt = opts.hashAlgorithm ?? "auto";
  if (!["auto", "sha256", "md5"].includes(algorithmOpt)) throw new RangeError(`${W}: hashAlgorithm must be "auto", "sha256" or "md5", got ${valueText(algorithmOpt)}`);
  const expected = opts.fileHash;
  if (expected !== undefined && (typeof expected !== "string" || !/^[0-9a-fA-F]+$/.test(expected))) {
    throw new TypeError(`${W}: fileHash must be a hex string (SHA-256 or MD5), got ${valueText(expected)}`);
  }
  const algorithm = expected === undefined ? null : resolveHashAlgorithm(W, algorithmOpt, expected);
  const formats = formatsOf(opts.archiveFormat);

  let base = resolve(expandUser(opts.cacheDir ?? kerasHome()));
  const sub = opts.cacheSubdir ?? "datasets";
  // Keras falls back to /tmp/.keras when the cache root cannot be written.
  if (!writableFolder(resolve(base, sub))) base = join("/tmp", ".keras");
  const datadir = resolve(base, sub);
  mkdirSync(datadir, { recursive: true });

  let name = fname;
  if (!name) {
    let urlPath: string;
    try {
      urlPath = new URL(origin).pathname;
    } catch {
      throw new TypeError(`${W}: origin ${origin} is not a URL; pass e.g. "https://example.com/file.zip"`);
    }
    name = basename(decodeURIComponent(urlPath));
    if (!name) throw new RangeError(`${W}: can't parse the file name from the origin provided: '${origin}'; pass fname`);
  }
  const fpath = resolve(datadir, name);

  let download = true;
  if (!opts.forceDownload && existsSync(fpath)) {
    download = false;
    if (expected !== undefined && fileHash(fpath, algorithm as "sha256" | "md5") !== expected.toLowerCase()) {
      printMsg(`A local file was found, but it seems to be incomplete or outdated because the ${algorithmOpt} file hash does not match the original value of ${expected} so we will re-download the data.`);
      download = true;
    }
  }

  if (download) {
    printMsg(`Downloading data from ${origin}`);
    let bar: Progbar | null = null;
    let finished = false;
    let seen = 0;
    try {
      await downloadFile(origin, fpath, {
        sha256: algorithm === "sha256" ? expected : undefined,
        md5: algorithm === "md5" ? expected : undefined,
        onProgress: (received, total) => {
          seen = received;
          bar ??= new Progbar(total);
          // Keras' DLProgbar: updates until the total, then one final update.
          if (total === null || received < total) bar.update(received);
          else if (!finished) { bar.update(total); finished = true; }
        },
      });
      // An unknown size never reaches a final update in Keras; end the line here.
      if (bar !== null && (bar as Progbar).target === null) (bar as Progbar).update(seen, null, true);
    } catch (e) {
      // Keras removes the file on a failed download: a stale cached copy goes too.
      rmSync(fpath, { force: true });
      const msg = (e as Error).message;
      if (/checksum mismatch/.test(msg)) {
        throw new Error(`${W}: incomplete or corrupted file detected: the ${algorithmOpt} file hash does not match the provided value of ${expected} (${msg}); nothing was kept at ${fpath}`);
      }
      throw new Error(`${W}: URL fetch failure on ${origin}: ${msg}`);
    }
  }

  if (opts.extract) {
    if (!extractArchive(fpath, datadir, formats, defaultWarn)) defaultWarn("Could not extract archive.");
  }
  return fpath;
}
