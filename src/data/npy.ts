/**
 * numpy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
 * and `.npz` archives (a zip of `.npy` files, read and written with fflate).
 */
import { writeFileSync } from "node:fs";
import { unzipSync, zipSync } from "fflate";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { allocStorage, type DType } from "../tensor/dtype.js";
import { crc32, readBytes } from "./bytes.js";
import { ZipArchive } from "../io/zip.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Header { descr: string; fortran: boolean; shape: number[] }

function parseHeader(text: string, name: string): Header {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new Error(`readNpy: ${name} has an unreadable header ${JSON.stringify(text.trim())}; expected {'descr': ..., 'fortran_order': ..., 'shape': (...)}`);
  }
  const dims = shape[1].split(",").map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, "")));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`readNpy: ${name} has a bad shape (${shape[1]})`);
  return { descr: descr[1], fortran: fortran[1] === "True", shape: dims };
}

/** The header of `.npy` bytes: descr, order, shape, and where the data starts. */
export function npyHeader(bytes: Uint8Array, name: string): Header & { offset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`readNpy: ${name} is not a .npy file (it must start with \\x93NUMPY)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) { headerLen = view.getUint16(8, true); start = 10; }
  else if (major === 2 || major === 3) { headerLen = view.getUint32(8, true); start = 12; }
  else throw new Error(`readNpy: ${name} uses .npy format version ${major}, expected 1, 2 or 3`);
  const header = parseHeader(new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen)), name);
  return { ...header, offset: start + headerLen };
}

/** Element reader for a numpy descr such as '<f4', '|u1', '>i8'. */
function elementType(descr: string, name: string): { size: number; dtype: DType; read: (v: DataView, o: number) => number | bigint } {
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  if (descr === "|O") throw new Error(`readNpy: ${name} is an object array (numpy dtype '|O', pickled Python objects), which is no tensor; for arrays of integer lists (Keras' imdb.npz, reuters.npz) use data.readNpzSequences`);
  if (!m) throw new Error(`readNpy: ${name} has dtype ${descr}, which lamina cannot read; save numeric or boolean arrays (numpy's '<f4', '<f8', '<i4', '<i8', '|u1', '|b1', ...)`);
  const little = m[1] !== ">";
  const kind = m[2], size = Number(m[3]);
  const key = `${kind}${size}`;
  switch (key) {
    case "b1": return { size, dtype: "bool", read: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0) };
    case "u1": return { size, dtype: "uint8", read: (v, o) => v.getUint8(o) };
    case "i1": return { size, dtype: "int8", read: (v, o) => v.getInt8(o) };
    case "i2": return { size, dtype: "int32", read: (v, o) => v.getInt16(o, little) };
    case "u2": return { size, dtype: "int32", read: (v, o) => v.getUint16(o, little) };
    case "i4": return { size, dtype: "int32", read: (v, o) => v.getInt32(o, little) };
    case "u4": return { size, dtype: "int64", read: (v, o) => BigInt(v.getUint32(o, little)) };
    case "i8": return { size, dtype: "int64", read: (v, o) => v.getBigInt64(o, little) };
    case "f4": return { size, dtype: "float32", read: (v, o) => v.getFloat32(o, little) };
    case "f8": return { size, dtype: "float64", read: (v, o) => v.getFloat64(o, little) };
    default:
      throw new Error(`readNpy: ${name} has dtype ${descr} (${kind}${size}), which has no lamina dtype; convert it in numpy first (e.g. astype('float32'))`);
  }
}

/**
 * Parses `.npy` bytes (or reads a `.npy` file) into a tensor. uint8, int8, bool, int32, int64, float32 and
 * float64 keep their dtype; int16/uint16 widen to int32 and uint32 to int64. Fortran-ordered
 * arrays are reordered to row-major.
 */
export function readNpy(source: string | Uint8Array, name = typeof source === "string" ? source : "the .npy bytes"): Tensor {
  const bytes = typeof source === "string" ? readBytes(source, "readNpy") : source;
  const header = npyHeader(bytes, name);
  const el = elementType(header.descr, name);
  const n = header.shape.reduce((a, b) => a * b, 1);
  const offset = header.offset;
  if (bytes.length < offset + n * el.size) {
    throw new Error(`readNpy: ${name} is truncated: shape [${header.shape.join(", ")}] of ${header.descr} needs ${offset + n * el.size} bytes, found ${bytes.length}`);
  }
  const shape = header.shape;
  const rank = shape.length;
  // Position of row-major element i in a Fortran-ordered buffer.
  const fStrides: number[] = [];
  let acc = 1;
  for (let d = 0; d < rank; d++) { fStrides.push(acc); acc *= shape[d]; }
  const srcIndex = (i: number): number => {
    if (!header.fortran || rank < 2) return i;
    let rest = i, j = 0;
    for (let d = rank - 1; d >= 0; d--) { const c = rest % shape[d]; rest = (rest - c) / shape[d]; j += c * fStrides[d]; }
    return j;
  };
  if ((el.dtype === "uint8" || el.dtype === "bool") && !(header.fortran && rank >= 2)) {
    const out = bytes.slice(offset, offset + n);
    if (el.dtype === "bool") for (let i = 0; i < n; i++) out[i] = out[i] !== 0 ? 1 : 0;
    return makeTensor(out, shape, el.dtype);
  }
  const dataView = new DataView(bytes.buffer, bytes.byteOffset + offset, n * el.size);
  switch (el.dtype) {
    case "int64": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = el.read(dataView, srcIndex(i) * el.size) as bigint;
      return makeTensor(out, shape, "int64");
    }
    default: {
      const out = allocStorage(el.dtype, n);
      for (let i = 0; i < n; i++) out[i] = el.read(dataView, srcIndex(i) * el.size) as number;
      return makeTensor(out, shape, el.dtype);
    }
  }
}

const DESCR: Record<DType, string> = { float32: "<f4", float64: "<f8", int32: "<i4", int64: "<i8", bool: "|b1", uint8: "|u1", int8: "|i1" };

/** Encodes a tensor as `.npy` (format 1.0, little-endian, C order), as numpy.save writes it. */
export function encodeNpy(t: Tensor): Uint8Array {
  const shapeText = t.rank === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const data = t.dataSync();
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // typed arrays are little-endian on every supported platform
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** Writes one tensor to a `.npy` file. */
export function saveNpy(path: string, t: Tensor): void {
  writeFileSync(path, encodeNpy(t));
}

function hex8(v: number): string {
  return v.toString(16).padStart(8, "0");
}

/**
 * The CRC-32 that a zip's central directory records for each entry, read by the .keras reader's
 * ZipArchive. fflate's unzipSync does not check them, and a flipped byte inside a stored array
 * would otherwise load as a wrong value, where numpy's np.load raises "Bad CRC-32". Called after
 * unzipSync accepted the archive.
 */
function recordedCrcs(bytes: Uint8Array, name: string): Map<string, number> {
  return new Map([...ZipArchive.read(bytes, name).entries].map(([entry, e]) => [entry, e.crc]));
}

/** The `.npy` entries of a `.npz` archive by array name, each checked against its recorded CRC-32. */
export function npzEntries(source: string | Uint8Array, where = "readNpz"): Record<string, Uint8Array> {
  const name = typeof source === "string" ? source : "the .npz bytes";
  const bytes = typeof source === "string" ? readBytes(source, where) : source;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${where}: ${name} is not a readable zip archive (${(e as Error).message}); it is probably truncated: fetch it again`);
  }
  const crcs = recordedCrcs(bytes, name);
  const out: Record<string, Uint8Array> = {};
  for (const [entry, data] of Object.entries(files)) {
    if (!entry.endsWith(".npy")) continue;
    const recorded = crcs.get(entry), actual = recorded === undefined ? undefined : crc32(data);
    if (actual !== recorded) {
      throw new Error(`${where}: ${name}: entry "${entry}" is corrupted (its CRC-32 is ${hex8(actual as number)}, the archive records ${hex8(recorded as number)}); the file is damaged: delete it and fetch it again`);
    }
    out[entry.slice(0, -4)] = data;
  }
  return out;
}

/** Reads a `.npz` archive (compressed or not) into an object keyed by array name (`x_train`, ...). */
export function readNpz(source: string | Uint8Array): Record<string, Tensor> {
  const name = typeof source === "string" ? source : "the .npz bytes";
  const out: Record<string, Tensor> = {};
  for (const [key, data] of Object.entries(npzEntries(source))) out[key] = readNpy(data, `${name}:${key}.npy`);
  return out;
}

/** Encodes tensors as a `.npz` archive, as numpy.savez (stored) or numpy.savez_compressed (compress). */
export function encodeNpz(arrays: Record<string, Tensor>, opts: { compress?: boolean } = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [k, t] of Object.entries(arrays)) files[`${k}.npy`] = [encodeNpy(t), { level: opts.compress ? 6 : 0 }];
  return zipSync(files);
}

/** Writes tensors to a `.npz` file (numpy.savez; `compress: true` for numpy.savez_compressed). */
export function saveNpz(path: string, arrays: Record<string, Tensor>, opts: { compress?: boolean } = {}): void {
  writeFileSync(path, encodeNpz(arrays, opts));
}
