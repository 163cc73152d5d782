/**
 * CIFAR's binary batches (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"): records of
 * label byte(s) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32 row-major).
 * CIFAR-10 has one label byte; CIFAR-100 has two (coarse, then fine).
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { bytesOf } from "./bytes.js";
import { valueText } from "../tensor/value_text.js";

export interface CifarBatch {
  /** uint8 [n, 32, 32, 3] (channels last, as Keras returns them). */
  images: Tensor;
  /** uint8 [n, 1]: the only label (CIFAR-10) or the label chosen by `labelMode` (CIFAR-100). */
  labels: Tensor;
}

export interface CifarReadOptions {
  /** 1 for CIFAR-10 (default), 2 for CIFAR-100 (coarse label byte then fine label byte). */
  labelBytes?: 1 | 2;
  /** With two label bytes: which to return, "fine" (default, like Keras) or "coarse". */
  labelMode?: "fine" | "coarse";
}

const PIXELS = 32 * 32;

/** Reads one CIFAR binary batch file (path or bytes, gzipped or not). */
export function readCifarBinary(source: string | Uint8Array, opts: CifarReadOptions = {}): CifarBatch {
  const where = "readCifarBinary";
  const labelBytes = opts.labelBytes ?? 1;
  if (labelBytes !== 1 && labelBytes !== 2) throw new Error(`${where}: labelBytes must be 1 (CIFAR-10) or 2 (CIFAR-100), got ${valueText(labelBytes)}`);
  const mode = opts.labelMode ?? "fine";
  if (mode !== "fine" && mode !== "coarse") throw new Error(`${where}: labelMode must be "fine" or "coarse", got ${valueText(mode)}`);
  const { bytes, name } = bytesOf(source, where);
  const rec = labelBytes + 3 * PIXELS;
  if (bytes.length === 0 || bytes.length % rec !== 0) {
    throw new Error(`${where}: ${name} holds ${bytes.length} bytes, not a whole number of ${rec}-byte records (${labelBytes} label byte${labelBytes === 2 ? "s" : ""} + 3072 pixels); ${labelBytes === 1 ? "for CIFAR-100 pass { labelBytes: 2 }" : "for CIFAR-10 pass { labelBytes: 1 }"}, or the file is truncated`);
  }
  const n = bytes.length / rec;
  const images = new Uint8Array(n * 3 * PIXELS);
  const labels = new Uint8Array(n);
  const labelAt = labelBytes === 1 || mode === "coarse" ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const base = i * rec;
    labels[i] = bytes[base + labelAt];
    planarToChannelsLast(bytes, base + labelBytes, images, i * 3 * PIXELS);
  }
  return { images: makeTensor(images, [n, 32, 32, 3], "uint8"), labels: makeTensor(labels, [n, 1], "uint8") };
}

/**
 * Copies one image stored as CIFAR stores it (1024 red, 1024 green, 1024 blue bytes, each plane
 * 32 rows of 32) from `src` at `from` into `dst` at `to` as [32, 32, 3], channels last as Keras returns it.
 */
export function planarToChannelsLast(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let p = 0; p < PIXELS; p++) {
    dst[to + 3 * p] = src[from + p];
    dst[to + 3 * p + 1] = src[from + PIXELS + p];
    dst[to + 3 * p + 2] = src[from + 2 * PIXELS + p];
  }
}

/** Encodes images uint8 [n,32,32,3] and labels as CIFAR binary records (the inverse of readCifarBinary). */
export function encodeCifarBinary(images: Tensor, labels: Tensor, coarseLabels?: Tensor): Uint8Array {
  if (images.dtype !== "uint8" || images.rank !== 4 || images.shape[1] !== 32 || images.shape[2] !== 32 || images.shape[3] !== 3) {
    throw new Error(`encodeCifarBinary: images must be uint8 [n, 32, 32, 3], got ${images.dtype} [${images.shape.join(", ")}]`);
  }
  const n = images.shape[0];
  if (labels.size !== n || (coarseLabels && coarseLabels.size !== n)) throw new Error(`encodeCifarBinary: need ${n} labels, got ${labels.size}`);
  const lb = coarseLabels ? 2 : 1;
  const rec = lb + 3 * PIXELS;
  const out = new Uint8Array(n * rec);
  const img = images.dataSync(), lab = labels.dataSync(), coarse = coarseLabels?.dataSync();
  for (let i = 0; i < n; i++) {
    const base = i * rec;
    if (coarse) { out[base] = Number(coarse[i]); out[base + 1] = Number(lab[i]); } else out[base] = Number(lab[i]);
    for (let p = 0; p < PIXELS; p++) {
      for (let c = 0; c < 3; c++) out[base + lb + c * PIXELS + p] = Number(img[i * 3 * PIXELS + 3 * p + c]);
    }
  }
  return out;
}
