/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): two zero bytes,
 * a type byte, the number of dimensions, each dimension as a big-endian uint32, then the values
 * big-endian. gzipped files are read as well.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { bytesOf } from "./bytes.js";

const IDX_TYPES: Record<number, { name: string; size: number; dtype: "uint8" | "int32" | "float32" | "float64" }> = {
  0x08: { name: "unsigned byte", size: 1, dtype: "uint8" },
  0x09: { name: "signed byte", size: 1, dtype: "int32" },
  0x0b: { name: "short", size: 2, dtype: "int32" },
  0x0c: { name: "int", size: 4, dtype: "int32" },
  0x0d: { name: "float", size: 4, dtype: "float32" },
  0x0e: { name: "double", size: 8, dtype: "float64" },
};

/**
 * Reads an IDX file (path or bytes, gzipped or not) into a tensor of its shape. Unsigned bytes give
 * uint8 (as numpy's frombuffer in Keras' loaders), signed bytes, shorts and ints give int32, floats
 * float32 and doubles float64.
 */
export function readIdx(source: string | Uint8Array): Tensor {
  const where = "readIdx";
  const { bytes, name } = bytesOf(source, where);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${where}: ${name} is not an IDX file (it must start with two zero bytes, found ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")})`);
  }
  const type = IDX_TYPES[bytes[2]];
  if (!type) throw new Error(`${where}: ${name} has unknown IDX type byte 0x${bytes[2].toString(16)}; expected one of 08, 09, 0b, 0c, 0d, 0e`);
  const rank = bytes[3];
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) throw new Error(`${where}: ${name} is truncated inside its header (${bytes.length} bytes for ${rank} dimensions)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const n = shape.reduce((a, b) => a * b, 1);
  const need = headerLen + n * type.size;
  if (bytes.length !== need) {
    throw new Error(`${where}: ${name} holds ${bytes.length} bytes but its header [${shape.join(", ")}] of ${type.name}s needs ${need}; the file is ${bytes.length < need ? "truncated: fetch it again" : "followed by extra data: it is not a valid IDX file"}`);
  }
  switch (type.dtype) {
    case "uint8":
      return makeTensor(bytes.slice(headerLen, need), shape, "uint8");
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const o = headerLen + i * type.size;
        out[i] = type.size === 1 ? view.getInt8(o) : type.size === 2 ? view.getInt16(o, false) : view.getInt32(o, false);
      }
      return makeTensor(out, shape, "int32");
    }
    case "float32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(headerLen + 4 * i, false);
      return makeTensor(out, shape, "float32");
    }
    case "float64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(headerLen + 8 * i, false);
      return makeTensor(out, shape, "float64");
    }
  }
}

/** Encodes a tensor as IDX bytes (uint8 as unsigned bytes, int32 as ints, floats as float/double). */
export function encodeIdx(t: Tensor): Uint8Array {
  const code = t.dtype === "uint8" || t.dtype === "bool" ? 0x08 : t.dtype === "int32" ? 0x0c : t.dtype === "float32" ? 0x0d : t.dtype === "float64" ? 0x0e : -1;
  if (code < 0) throw new Error(`encodeIdx: dtype ${t.dtype} has no IDX type; cast to int32 first`);
  const size = code === 0x08 ? 1 : code === 0x0e ? 8 : 4;
  const header = 4 + 4 * t.rank;
  const out = new Uint8Array(header + t.size * size);
  const view = new DataView(out.buffer);
  out[2] = code; out[3] = t.rank;
  t.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const src = t.dataSync();
  for (let i = 0; i < t.size; i++) {
    const o = header + i * size, v = Number(src[i]);
    if (code === 0x08) out[o] = v;
    else if (code === 0x0c) view.setInt32(o, v, false);
    else if (code === 0x0d) view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  }
  return out;
}
