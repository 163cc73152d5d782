/** Byte-level helpers shared by the file readers of src/data. */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

/** True when the bytes start with gzip's magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes themselves, or their decompression when they are gzip data. */
export function maybeGunzip(bytes: Uint8Array, where: string, source = "input"): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`${where}: ${source} looks gzipped but cannot be decompressed (${(e as Error).message}); the file is probably truncated or corrupt: delete it and fetch it again`);
  }
}

/** Reads a whole file as bytes, with an error that names the caller and the path. */
export function readBytes(path: string, where: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new Error(`${where}: no file at ${path}; check the path`);
    throw new Error(`${where}: cannot read ${path}: ${err.message}`);
  }
}

/** Accepts a path or the bytes themselves; gunzips when needed. */
export function bytesOf(source: string | Uint8Array, where: string): { bytes: Uint8Array; name: string } {
  if (typeof source === "string") return { bytes: maybeGunzip(readBytes(source, where), where, source), name: source };
  return { bytes: maybeGunzip(source, where), name: "the given bytes" };
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE), as zip records it. */
export function crc32(data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
