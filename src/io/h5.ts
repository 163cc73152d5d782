/**
 * The one door to HDF5 (h5wasm): open, walk, read and write, with every failure turned into a
 * ModelFileError that names the file and the object at fault. The HDF5 library's own error
 * printing (HDF5-DIAG stack dumps on stderr) is replaced by its throwing handler, and files are
 * checked (signature, superblock, length) before the library opens them.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type H5Wasm from "h5wasm/node";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { ModelFileError, errorText } from "./file_error.js";
import { describeForeignBytes, findSignature, superblockProblem } from "./h5_header.js";

type H5Lib = typeof H5Wasm;
type H5File = InstanceType<H5Lib["File"]>;
type H5Group = InstanceType<H5Lib["Group"]>;
type H5Dataset = InstanceType<H5Lib["Dataset"]>;

/** A numeric array as stored in a dataset. */
export interface H5Array {
  shape: number[];
  dtype: DType;
  data: TypedArray;
}

/** An attribute's value: text (one string or a list) or numbers. */
export type H5AttrValue = string | string[] | number | number[] | bigint | null;

let ready: Promise<H5Lib> | null = null;
let loaded: H5Lib | null = null;

/**
 * h5wasm's module URL with a query that tsx's loader passes by. tsx (how most people run TypeScript
 * on Node, and how lamina's tests and examples run) rewrites the dynamic imports of every ES module
 * it loads and builds a fine-grained source map for the rewrite; on h5wasm's 4 MB single-line
 * module that took 3-7 s of each process's first save or load. tsx leaves alone the modules of
 * another tsx namespace (its `tsx-namespace` query). Under plain Node the query only names the
 * module instance, so it changes nothing.
 */
function h5wasmUrl(): string {
  const url = new URL(import.meta.resolve("h5wasm/node"));
  url.searchParams.set("tsx-namespace", "lamina-h5wasm");
  return url.href;
}

async function importH5wasm(): Promise<{ default: H5Lib }> {
  try {
    return (await import(h5wasmUrl())) as { default: H5Lib };
  } catch {
    return import("h5wasm/node");
  }
}

/**
 * Loads the HDF5 library once, on first use, and makes its errors throw instead of printing to
 * stderr. Loaded lazily because its 4 MB module costs every `import "lamina"` 0.1 s whether or not
 * a file is ever opened.
 */
function h5Ready(): Promise<H5Lib> {
  ready ??= importH5wasm().then(async ({ default: lib }) => {
    const module = await lib.ready;
    (module as unknown as { activate_throwing_error_handler(): number }).activate_throwing_error_handler();
    loaded = lib;
    return lib;
  });
  return ready;
}

/** The library, for code that runs only on an open file (opening awaited `h5Ready`). */
function h5lib(): H5Lib {
  if (loaded === null) throw new Error("lamina internal error: HDF5 used before h5Ready() resolved");
  return loaded;
}

/** The reason HDF5 gives, without its stack dump: the innermost "func(): reason" line. */
function hdf5Reason(e: unknown): string {
  const text = errorText(e);
  if (!text.includes("HDF5-DIAG")) return text;
  const reasons = [...text.matchAll(/#\d+: .*? in \S+\(\): (.*)/g)].map((m) => m[1].trim());
  return reasons.length > 0 ? `HDF5 says: ${reasons[reasons.length - 1]}` : "HDF5 could not read it";
}

function readBytesAt(fd: number, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** Throws a ModelFileError unless `path` starts like a whole HDF5 file. */
function checkHdf5File(path: string, display: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ModelFileError(display, "is not a file");
    size = st.size;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(display, (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `cannot be read (${errorText(e)})`);
  }
  const fd = openSync(path, "r");
  try {
    const at = findSignature((offset, length) => readBytesAt(fd, offset, length), size);
    if (at < 0) throw new ModelFileError(display, `is not an HDF5 file: ${describeForeignBytes(readBytesAt(fd, 0, 64))}`);
    const problem = superblockProblem(readBytesAt(fd, at, 256), at, size);
    if (problem) throw new ModelFileError(display, problem);
  } finally {
    closeSync(fd);
  }
  return size;
}

/** An open HDF5 file. Paths are "/"-separated, relative to the root ("" is the root). */
export class Hdf5File {
  private constructor(
    private readonly file: H5File,
    /** The name used in error messages (the user's path, or "x.keras (model.weights.h5)"). */
    readonly display: string,
    private readonly byteSize: number,
  ) {}

  /** Opens an existing file for reading. */
  static async openForReading(path: string, display = path): Promise<Hdf5File> {
    const size = checkHdf5File(path, display);
    const h5wasm = await h5Ready();
    try {
      return new Hdf5File(new h5wasm.File(path, "r"), display, size);
    } catch (e) {
      throw new ModelFileError(display, `cannot be opened as HDF5 (${hdf5Reason(e)}); the file is corrupted`);
    }
  }

  /** Creates (truncates) a file for writing. */
  static async create(path: string, display = path): Promise<Hdf5File> {
    const h5wasm = await h5Ready();
    try {
      return new Hdf5File(new h5wasm.File(path, "w"), display, Number.POSITIVE_INFINITY);
    } catch (e) {
      throw new ModelFileError(display, `cannot be created (${hdf5Reason(e)})`);
    }
  }

  close(): void {
    try {
      this.file.close();
    } catch (e) {
      throw new ModelFileError(this.display, `could not be closed cleanly (${hdf5Reason(e)})`);
    }
  }

  private fail(what: string, e: unknown): never {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(this.display, `${what}: ${hdf5Reason(e)}`);
  }

  /** The object at `path` (checking each level exists, so HDF5 never reports a missing name). */
  private entity(path: string): H5Group | H5Dataset | "other" | null {
    const parts = path.split("/").filter((p) => p.length > 0);
    let node: H5Group = this.file;
    try {
      for (let i = 0; i < parts.length; i++) {
        if (!node.keys().includes(parts[i])) return null;
        const child = node.get(parts[i]);
        if (child instanceof h5lib().Group) node = child;
        else if (child instanceof h5lib().Dataset && i === parts.length - 1) return child;
        else return child === null || i === parts.length - 1 ? "other" : null;
      }
    } catch (e) {
      this.fail(`cannot read "${path}"`, e);
    }
    return node;
  }

  /** "group", "dataset", "other" (a link or a named type) or null when absent. */
  kind(path: string): "group" | "dataset" | "other" | null {
    const e = this.entity(path);
    if (e === null || e === "other") return e;
    return e instanceof h5lib().Dataset ? "dataset" : "group";
  }

  private group(path: string): H5Group {
    const e = this.entity(path);
    if (e === null) throw new ModelFileError(this.display, `has no group "${path || "/"}"`);
    if (!(e instanceof h5lib().Group)) throw new ModelFileError(this.display, `"${path}" should be a group but is ${e === "other" ? "a link" : "a dataset"}`);
    return e;
  }

  /** Names of the members of a group, in HDF5's order (by name). */
  children(path: string): string[] {
    const g = this.group(path);
    try {
      return g.keys();
    } catch (e) {
      return this.fail(`cannot list "${path || "/"}"`, e);
    }
  }

  attrNames(path: string): string[] {
    const target = path === "" ? this.file : this.entity(path);
    if (target === null || target === "other") throw new ModelFileError(this.display, `has no object "${path}"`);
    try {
      return Object.keys(target.attrs);
    } catch (e) {
      return this.fail(`cannot list the attributes of "${path || "/"}"`, e);
    }
  }

  /** An attribute's value, or undefined when the object has no such attribute. */
  attr(path: string, name: string): H5AttrValue | undefined {
    const target = path === "" ? this.file : this.entity(path);
    if (target === null || target === "other") throw new ModelFileError(this.display, `has no object "${path}"`);
    try {
      const attrs = target.attrs;
      if (!Object.hasOwn(attrs, name)) return undefined;
      const value = attrs[name].value;
      return normalizeAttr(value);
    } catch (e) {
      return this.fail(`cannot read attribute "${name}" of "${path || "/"}"`, e);
    }
  }

  /** A dataset's shape without reading its values; null when `path` is not a dataset. */
  datasetShape(path: string): number[] | null {
    const e = this.entity(path);
    if (!(e instanceof h5lib().Dataset)) return null;
    try {
      return [...(e.metadata.shape ?? [])];
    } catch (err) {
      return this.fail(`cannot read the shape of dataset "${path}"`, err);
    }
  }

  /** A numeric dataset's shape, dtype and values (row-major). */
  readArray(path: string): H5Array {
    const e = this.entity(path);
    if (e === null) throw new ModelFileError(this.display, `has no dataset "${path}"`);
    if (!(e instanceof h5lib().Dataset)) throw new ModelFileError(this.display, `"${path}" should be a dataset but is ${e === "other" ? "a link" : "a group"}`);
    try {
      const meta = e.metadata;
      const shape = meta.shape ?? [];
      const dtype = datasetDType(meta.type, meta.size, meta.signed);
      if (meta.type === H5T_FLOAT && meta.size === 2) {
        throw new ModelFileError(this.display, `dataset "${path}" holds 16-bit floats (float16), which lamina does not read; save the weights as float32 (in Keras: a model built with dtype "float32", given these weights with set_weights, then saved)`);
      }
      if (dtype === null) {
        throw new ModelFileError(this.display, `dataset "${path}" holds ${describeType(meta.type, meta.size)}, not numbers`);
      }
      if (!meta.littleEndian && meta.size > 1) throw new ModelFileError(this.display, `dataset "${path}" is big-endian, which lamina does not read; rewrite it little-endian (numpy: a.astype(a.dtype.newbyteorder("<")))`);
      checkFilters(e, path, this.display);
      const count = shape.reduce((a, b) => a * b, 1);
      const declared = count * meta.size;
      if (declared > 1 << 26 && declared > this.byteSize * 1000) {
        throw new ModelFileError(this.display, `dataset "${path}" declares ${declared} bytes in a ${this.byteSize}-byte file; refusing to allocate it (the file is corrupted or malicious)`);
      }
      const raw = e.value;
      return { shape, dtype: dtype.dtype, data: toTypedArray(raw, dtype.dtype, count, path, this.display) };
    } catch (err) {
      return this.fail(`cannot read dataset "${path}"`, err);
    }
  }

  /** Creates the group at `path` and any missing parents (HDF5 creates one level at a time). */
  ensureGroup(path: string): void {
    const parts = path.split("/").filter((p) => p.length > 0);
    let node: H5Group = this.file;
    let sofar = "";
    try {
      for (const part of parts) {
        sofar = sofar ? `${sofar}/${part}` : part;
        node = node.keys().includes(part) ? (node.get(part) as H5Group) : node.create_group(part);
        if (!(node instanceof h5lib().Group)) throw new ModelFileError(this.display, `cannot create group "${sofar}": a dataset has that name`);
      }
    } catch (e) {
      this.fail(`cannot create group "${path}"`, e);
    }
  }

  /** Writes a dataset (parents created as needed); a 0-d array is a scalar dataset. */
  writeArray(path: string, array: H5Array): void {
    const cut = path.lastIndexOf("/");
    const parent = cut < 0 ? "" : path.slice(0, cut);
    const name = path.slice(cut + 1);
    this.ensureGroup(parent);
    try {
      const g = parent === "" ? this.file : (this.entity(parent) as H5Group);
      // The typed array decides the HDF5 type (Float32Array: <f4, BigInt64Array: <i8, ...).
      g.create_dataset({ name, data: array.data as Exclude<TypedArray, Uint8ClampedArray>, shape: array.shape });
    } catch (e) {
      this.fail(`cannot write dataset "${path}"`, e);
    }
  }

  /**
   * Writes a text attribute as h5py does for Python values: variable-length strings, UTF-8 for
   * `str` and ASCII for `bytes` (Keras 2 wrote its names and JSON as bytes).
   */
  writeTextAttr(path: string, name: string, value: string | readonly string[], encoding: "utf8" | "ascii" = "utf8"): void {
    const target = path === "" ? this.file : this.entity(path);
    if (target === null || target === "other") throw new ModelFileError(this.display, `has no object "${path}"`);
    try {
      const data = typeof value === "string" ? value : [...value];
      const shape = typeof value === "string" ? null : [value.length];
      target.create_attribute(name, data, shape, encoding === "ascii" ? "A" : "S");
    } catch (e) {
      this.fail(`cannot write attribute "${name}" of "${path || "/"}"`, e);
    }
  }

  /** An empty list attribute as h5py stores Python's `[]` (a float64 array of length 0). */
  writeEmptyListAttr(path: string, name: string): void {
    const target = path === "" ? this.file : this.entity(path);
    if (target === null || target === "other") throw new ModelFileError(this.display, `has no object "${path}"`);
    try {
      target.create_attribute(name, new Float64Array(0), [0]);
    } catch (e) {
      this.fail(`cannot write attribute "${name}" of "${path || "/"}"`, e);
    }
  }
}

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** The filters the bundled HDF5 library applies itself (deflate, shuffle, fletcher32, szip, nbit, scaleoffset). */
const BUILTIN_FILTERS = new Set([1, 2, 3, 4, 5, 6]);

/**
 * Refuses a dataset compressed by a plugin filter (lzf, blosc, ...), which the bundled HDF5 library
 * does not have: reading it would fail with HDF5's "can't open directory .../plugin", which says
 * nothing about the file. Keras writes weights uncompressed.
 */
function checkFilters(e: H5Dataset, path: string, display: string): void {
  const missing = e.filters.find((f) => !BUILTIN_FILTERS.has(f.id));
  if (missing) {
    throw new ModelFileError(display, `dataset "${path}" is compressed with the HDF5 filter "${missing.name}" (id ${missing.id}), which lamina's HDF5 library does not include; save it uncompressed (as Keras does) or with gzip (h5py: compression="gzip")`);
  }
}

function datasetDType(type: number, size: number, signed: boolean): { dtype: DType } | null {
  if (type === H5T_FLOAT) return size === 4 ? { dtype: "float32" } : size === 8 ? { dtype: "float64" } : null;
  if (type === H5T_INTEGER) {
    if (!signed && size === 1) return { dtype: "uint8" };
    if (signed && size === 1) return { dtype: "int8" };
    if (size === 8 || (!signed && size === 4)) return { dtype: "int64" };
    return { dtype: "int32" };
  }
  return null;
}

function describeType(type: number, size: number): string {
  const names: Record<number, string> = { 2: "times", 3: "strings", 4: "bit fields", 5: "opaque data", 6: "compound records", 7: "references", 8: "enums", 9: "variable-length data", 10: "arrays" };
  return `${names[type] ?? `type ${type}`} (${size} bytes each)`;
}

function toTypedArray(raw: unknown, dtype: DType, count: number, path: string, display: string): TypedArray {
  const values: unknown = ArrayBuffer.isView(raw) ? raw : Array.isArray(raw) ? raw : [raw];
  let out: TypedArray;
  switch (dtype) {
    case "float32": out = Float32Array.from(values as ArrayLike<number>); break;
    case "float64": out = Float64Array.from(values as ArrayLike<number>); break;
    case "int32": out = Int32Array.from(values as ArrayLike<number>, Number); break;
    case "uint8": out = Uint8Array.from(values as ArrayLike<number>, Number); break;
    case "int8": out = Int8Array.from(values as ArrayLike<number>, Number); break;
    case "int64": out = BigInt64Array.from(values as ArrayLike<number | bigint>, (v) => BigInt(v)); break;
    default: out = Uint8Array.from(values as ArrayLike<number>, Number);
  }
  if (out.length !== count) throw new ModelFileError(display, `dataset "${path}" holds ${out.length} values where its shape says ${count}`);
  return out;
}

function normalizeAttr(value: unknown): H5AttrValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, Number);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return value as string[];
    if (value.every((v) => typeof v === "number")) return value as number[];
    if (value.every((v) => typeof v === "bigint")) return value.map(Number);
  }
  return String(value);
}
