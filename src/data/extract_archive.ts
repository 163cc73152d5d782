/**
 * Keras' extract_archive for utils.getFile: a tar (plain or gzipped) or zip archive unpacked into a
 * folder. The whole archive is read and checked (tar header checksums, zip CRC-32s) before the
 * first file is written, so a damaged archive leaves nothing behind; entries whose path would land
 * outside the folder are skipped with a warning, as Keras skips them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve, sep, dirname } from "node:path";
import { readBytes, isGzip, maybeGunzip } from "./bytes.js";
import { readTar } from "./tar.js";
import { ZipArchive } from "../io/zip.js";

export type ArchiveFormat = "tar" | "zip";

/** One extracted entry: a file's bytes, or a folder (data null). */
interface Member {
  name: string;
  data: Uint8Array | null;
}

function isTarHeader(b: Uint8Array): boolean {
  if (b.length < 512 || b.subarray(0, 512).every((v) => v === 0)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i];
  const field = new TextDecoder().decode(b.subarray(148, 156)).replace(/\0.*$/s, "").trim();
  return field !== "" && parseInt(field, 8) === sum;
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 22 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5);
}

/** The compression a tar archive may hide under that lamina cannot undo, for the error. */
function unsupportedCompression(b: Uint8Array): string | null {
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return "bzip2 (.tar.bz2)";
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0) return "xz (.tar.xz)";
  return null;
}

function tarMembers(bytes: Uint8Array, path: string, warn: (m: string) => void): Member[] {
  const out: Member[] = [];
  for (const e of readTar(bytes)) {
    if (e.type === "other") {
      warn(`utils.getFile: skipping ${e.name} in ${path}: links and special files are not extracted`);
      continue;
    }
    out.push({ name: e.name, data: e.type === "file" ? e.data : null });
  }
  return out;
}

function zipMembers(bytes: Uint8Array, path: string): Member[] {
  const zip = ZipArchive.read(bytes, path);
  return [...zip.entries.keys()].map((name) => ({ name, data: name.endsWith("/") ? null : zip.extract(name) }));
}

/**
 * Extracts `file` into `dir` when it is an archive of one of `formats` (tried in order); returns
 * whether it was one. Throws, writing nothing, when the archive is damaged or compressed in a way
 * lamina does not read.
 */
export function extractArchive(file: string, dir: string, formats: readonly ArchiveFormat[], warn: (m: string) => void): boolean {
  const where = "utils.getFile";
  const raw = readBytes(file, where);
  const squeezed = unsupportedCompression(raw);
  if (squeezed && formats.includes("tar")) {
    throw new Error(`${where}: ${file} is ${squeezed} compressed, which lamina does not decompress (it reads plain and gzipped tar, and zip); decompress it first (e.g. bunzip2 / unxz) and extract the .tar, or pass extract: false`);
  }
  let members: Member[] | null = null;
  for (const format of formats) {
    if (format === "tar") {
      const bytes = isGzip(raw) ? maybeGunzip(raw, where, file) : raw;
      if (isTarHeader(bytes)) { members = tarMembers(bytes, file, warn); break; }
    } else if (isZip(raw)) {
      members = zipMembers(raw, file);
      break;
    }
  }
  if (members === null) return false;
  const root = resolve(dir);
  for (const m of members) {
    const target = resolve(root, m.name);
    if (target !== root && !target.startsWith(root + sep)) {
      warn(`Skipping invalid path during archive extraction: '${m.name}'.`);
      continue;
    }
    if (m.data === null) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, m.data);
    }
  }
  return true;
}
