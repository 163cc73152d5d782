/** A reader for tar archives (ustar, GNU long names, pax paths), gzipped or not: enough for dataset archives. */
import { bytesOf } from "./bytes.js";

export interface TarEntry {
  name: string;
  /** "file", "directory" or "other" (links, devices: their data is empty). */
  type: "file" | "directory" | "other";
  data: Uint8Array;
}

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return new TextDecoder("utf-8").decode(b.subarray(start, end));
}

function octal(b: Uint8Array, start: number, len: number): number {
  // Base-256 (GNU) sizes for files over 8 GiB start with 0x80.
  if (b[start] & 0x80) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return v;
  }
  const s = cString(b, start, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

/** Lists the entries of a tar archive (path or bytes; .tar.gz/.tgz decompressed first). */
export function readTar(source: string | Uint8Array): TarEntry[] {
  const where = "readTar";
  const { bytes, name } = bytesOf(source, where);
  const out: TarEntry[] = [];
  let pos = 0;
  let longName: string | null = null;
  while (pos + 512 <= bytes.length) {
    const h = bytes.subarray(pos, pos + 512);
    if (h.every((v) => v === 0)) break; // end-of-archive blocks
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    const stored = octal(h, 148, 8);
    if (sum !== stored) throw new Error(`${where}: ${name} has a corrupt tar header at byte ${pos} (checksum ${stored}, computed ${sum}); the archive is damaged or not a tar file`);
    const size = octal(h, 124, 12);
    const flag = String.fromCharCode(h[156] || 0x30);
    const magic = cString(h, 257, 6);
    const prefix = magic === "ustar" ? cString(h, 345, 155) : "";
    let entryName = cString(h, 0, 100);
    if (prefix) entryName = `${prefix}/${entryName}`;
    const dataStart = pos + 512;
    if (dataStart + size > bytes.length) throw new Error(`${where}: ${name} is truncated: entry ${entryName} needs ${size} bytes, ${bytes.length - dataStart} remain; fetch the archive again`);
    const data = bytes.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / 512) * 512;
    if (flag === "L") { longName = cString(data, 0, data.length); continue; }
    if (flag === "x") {
      const m = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (m) longName = m[1];
      continue;
    }
    if (flag === "g") continue;
    if (longName !== null) { entryName = longName; longName = null; }
    const type = flag === "0" || flag === "\0" || flag === "7" ? "file" : flag === "5" ? "directory" : "other";
    out.push({ name: entryName, type, data: type === "file" ? data : new Uint8Array(0) });
  }
  if (pos < bytes.length && pos + 512 > bytes.length) {
    throw new Error(`${where}: ${name} is truncated: it ends inside a header at byte ${pos}; fetch the archive again`);
  }
  return out;
}

/** Encodes files as an uncompressed ustar archive (for tests and for packing datasets). */
export function encodeTar(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    const nb = enc.encode(name);
    if (nb.length > 100) throw new Error(`encodeTar: name ${name} is longer than 100 bytes`);
    h.set(nb, 0);
    const put = (s: string, at: number): void => h.set(enc.encode(s), at);
    put("0000644\0", 100); put("0000000\0", 108); put("0000000\0", 116);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("00000000000\0", 136);
    h[156] = 0x30;
    put("ustar\0", 257); put("00", 263);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((a, b) => a + b.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of blocks) { out.set(b, o); o += b.length; }
  return out;
}
