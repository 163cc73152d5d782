/**
 * Writes that never leave a half-written file where a good one was: the content goes to a
 * temporary file in the target's directory (same file system, so the rename is atomic), is
 * flushed to disk, and only then renamed over the target. A crash or kill mid-write leaves the
 * previous file untouched (and at worst a stray `.<name>.<pid>.<n>.tmp` beside it).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ModelFileError, errorText } from "./file_error.js";

let counter = 0;

export interface AtomicWriteOptions {
  /** Replace an existing file (default true); false refuses with an error, as Keras' overwrite=False without a prompt. */
  overwrite?: boolean;
}

/** Where a write to `target` goes first: a temporary file beside it (its folder made if needed). */
function prepareTarget(target: string, opts: AtomicWriteOptions): { full: string; dir: string; tmp: string } {
  const full = resolve(target);
  if (opts.overwrite === false && existsSync(full)) {
    throw new ModelFileError(target, "already exists; pass { overwrite: true } to replace it");
  }
  const dir = dirname(full);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ModelFileError(target, `cannot create its directory ${dir} (${errorText(e)})`, { cause: e });
  }
  return { full, dir, tmp: join(dir, `.${basename(full)}.${process.pid}.${counter++}.tmp`) };
}

/** Flushes the written temporary file and renames it over the target. */
function commit(tmp: string, full: string): void {
  syncFile(tmp);
  renameSync(tmp, full);
}

/** Removes the temporary file of a failed write; the error names the target, never the temporary file. */
function failure(target: string, full: string, tmp: string, e: unknown): Error {
  rmSync(tmp, { force: true });
  if (e instanceof ModelFileError) return e;
  const folder = (e as NodeJS.ErrnoException).code === "EISDIR" && existsSync(full) ? ": it is a folder; name a file inside it" : "";
  return new ModelFileError(target, `could not be written (${errorText(e)})${folder}; any previous file is unchanged`, { cause: e });
}

/**
 * Runs `write(tmpPath)` (which must create the file at tmpPath) and renames the result over
 * `target`. The temporary file is removed if `write` fails.
 */
export async function writeAtomically(target: string, write: (tmpPath: string) => Promise<void> | void, opts: AtomicWriteOptions = {}): Promise<void> {
  const { full, dir, tmp } = prepareTarget(target, opts);
  try {
    await write(tmp);
    commit(tmp, full);
  } catch (e) {
    throw failure(target, full, tmp, e);
  }
  syncDirectory(dir);
}

function writeAll(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

/** writeAtomically for bytes already in memory. */
export async function writeBytesAtomically(target: string, bytes: Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  await writeAtomically(target, (tmp) => writeAll(tmp, bytes), opts);
}

/** writeBytesAtomically for callers that do not await (utils.saveImage), with the same guarantees. */
export function writeBytesAtomicallySync(target: string, bytes: Uint8Array, opts: AtomicWriteOptions = {}): void {
  const { full, dir, tmp } = prepareTarget(target, opts);
  try {
    writeAll(tmp, bytes);
    commit(tmp, full);
  } catch (e) {
    throw failure(target, full, tmp, e);
  }
  syncDirectory(dir);
}

function syncFile(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the rename itself durable; some file systems refuse fsync on directories, which is harmless. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Durability of the directory entry is best effort.
  }
}
