/**
 * The zip container of a `.keras` file. Reading walks the central directory itself so that every
 * entry's CRC-32 is checked (a flipped bit anywhere inside an entry is reported, not loaded), and
 * a damaged or foreign file gets one sentence naming the problem. Writing stores the entries
 * uncompressed, as Keras' `zipfile.ZipFile(..., "w")` does.
 */
import { inflateSync, zipSync } from "fflate";
import { ModelFileError, errorText } from "./file_error.js";
import { describeForeignBytes } from "./h5_header.js";
import { crc32 } from "../data/bytes.js";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** One entry of the archive, before decompression. */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** An archive read from bytes: its entries by name, decompressed and CRC-checked on demand. */
export class ZipArchive {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly display: string,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static read(bytes: Uint8Array, display: string): ZipArchive {
    if (bytes.length < 22 && bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
      throw new ModelFileError(display, `is a damaged zip archive: ${bytes.length} bytes, shorter than a zip's end record (the file is truncated?)`);
    }
    if (bytes.length < 22 || !(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
      throw new ModelFileError(display, `is not a .keras file (a zip archive): ${describeForeignBytes(bytes.subarray(0, 64))}${bytes.length > 0 && bytes[0] === 0x89 && bytes[1] === 0x48 ? " — it is an HDF5 file; name it .h5" : ""}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
      if (view.getUint32(i, true) === EOCD) { eocd = i; break; }
    }
    if (eocd < 0) throw new ModelFileError(display, "is a damaged zip archive: its end-of-central-directory record is missing (the file is truncated?)");
    const count = view.getUint16(eocd + 10, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    if (cdOffset === 0xffffffff || count === 0xffff) throw new ModelFileError(display, "is a zip64 archive, which lamina does not read (over 4 GiB or 65535 entries)");
    if (cdOffset + cdSize > eocd) throw new ModelFileError(display, `is a damaged zip archive: its central directory (bytes ${cdOffset}-${cdOffset + cdSize}) runs past its end record at byte ${eocd}`);
    const entries = new Map<string, ZipEntry>();
    let p = cdOffset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL) throw new ModelFileError(display, `is a damaged zip archive: central directory entry ${k} is corrupted`);
      const nameLength = view.getUint16(p + 28, true);
      const extraLength = view.getUint16(p + 30, true);
      const commentLength = view.getUint16(p + 32, true);
      const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
      entries.set(name, {
        name,
        method: view.getUint16(p + 10, true),
        crc: view.getUint32(p + 16, true),
        compressedSize: view.getUint32(p + 20, true),
        size: view.getUint32(p + 24, true),
        localOffset: view.getUint32(p + 42, true),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipArchive(bytes, display, entries);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes, decompressed and checked against its CRC-32. */
  extract(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new ModelFileError(this.display, `has no "${name}" entry (it has ${[...this.entries.keys()].map((n) => `"${n}"`).join(", ") || "no entries"})`);
    const where = `entry "${name}"`;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    if (e.localOffset + 30 > this.bytes.length || view.getUint32(e.localOffset, true) !== LOCAL) {
      throw new ModelFileError(this.display, `${where} is damaged: its local header is missing`);
    }
    const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
    if (start + e.compressedSize > this.bytes.length) throw new ModelFileError(this.display, `${where} is truncated`);
    const packed = this.bytes.subarray(start, start + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      data = packed;
    } else if (e.method === 8) {
      try {
        data = inflateSync(packed, { out: new Uint8Array(e.size) });
      } catch (err) {
        throw new ModelFileError(this.display, `${where} cannot be decompressed (${errorText(err)}); the file is corrupted`);
      }
    } else {
      throw new ModelFileError(this.display, `${where} uses zip compression method ${e.method}; lamina reads stored and deflated entries (Keras writes stored ones)`);
    }
    if (data.length !== e.size) throw new ModelFileError(this.display, `${where} has ${data.length} bytes where the archive says ${e.size}; the file is corrupted`);
    if (crc32(data) !== e.crc) throw new ModelFileError(this.display, `${where} is corrupted (CRC-32 mismatch)`);
    return data;
  }
}

/** A zip of the entries in order, stored without compression. */
export function writeZip(entries: readonly [string, Uint8Array][]): Uint8Array {
  const items: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [name, data] of entries) items[name] = [data, { level: 0 }];
  return zipSync(items);
}
