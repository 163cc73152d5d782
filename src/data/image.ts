/**
 * Image files: `utils.loadImage` (JPEG through jpeg-js, PNG through pngjs), `utils.saveImage`, and
 * `datasets.loadSampleImage`, scikit-learn's two sample photographs (vendored in data/sample-images).
 */
import { readFileSync } from "node:fs";
import { extname, join } from "node:path";
import jpeg from "jpeg-js";
import { plainYccSampling, yccToRgba } from "./jpeg_color.js";
import { fancyUpsampleChroma } from "./jpeg_upsample.js";
import { PNG } from "pngjs";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { readBytes } from "./bytes.js";
import { writeBytesAtomicallySync } from "../io/atomic_write.js";
import { errorText } from "../io/file_error.js";
import { vendoredDir } from "./locate.js";
import { valueText } from "../tensor/value_text.js";
import { type Box, RESAMPLE_FILTERS, type ResampleFilter, resampleUint8 } from "./resample.js";
import { booleanOption } from "../tensor/option_checks.js";

export interface LoadImageOptions {
  /** "rgb" (default: [h, w, 3]), "grayscale" ([h, w, 1], ITU-R 601 luma as PIL's convert("L")) or "rgba" ([h, w, 4]). */
  colorMode?: "rgb" | "grayscale" | "rgba";
  /** [height, width] to resize to, as Keras' target_size; the image's own size when left out. */
  targetSize?: readonly [number, number];
  /** How to resize (Keras' load_img names, Pillow's filters): "nearest" (default), "bilinear", "bicubic", "hamming", "box" or "lanczos". */
  interpolation?: ResampleFilter;
  /** Crop the image's center to targetSize's aspect ratio before resizing, as Keras' keep_aspect_ratio (default false). */
  keepAspectRatio?: boolean;
}

function sniff(bytes: Uint8Array): "jpeg" | "png" | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  return null;
}

/** Decodes JPEG or PNG bytes to uint8 RGBA pixels. */
function decode(bytes: Uint8Array, name: string): { width: number; height: number; rgba: Uint8Array } {
  const kind = sniff(bytes);
  try {
    if (kind === "jpeg") {
      const sampling = plainYccSampling(bytes);
      if (sampling) {
        // The YCbCr planes from jpeg-js, with chroma upsampled and converted to RGB as libjpeg does
        // (see jpeg_upsample.ts and jpeg_color.ts).
        const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: false, maxMemoryUsageInMB: 2048 });
        fancyUpsampleChroma(img.data, img.width, img.height, sampling);
        return { width: img.width, height: img.height, rgba: yccToRgba(img.data, img.width * img.height) };
      }
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 });
      return { width: img.width, height: img.height, rgba: img.data };
    }
    if (kind === "png") {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: img.width, height: img.height, rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    }
  } catch (e) {
    throw new Error(`loadImage: cannot decode ${name} as ${kind?.toUpperCase()}: ${(e as Error).message}; the file is damaged or truncated`);
  }
  throw new Error(`loadImage: ${name} is neither a JPEG nor a PNG file (unknown signature ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}); convert it to .png or .jpg`);
}

/** Reads a JPEG or PNG file (or its bytes) as a uint8 tensor [height, width, channels]. */
export function loadImage(source: string | Uint8Array, opts: LoadImageOptions = {}): Tensor {
  const mode = opts.colorMode ?? "rgb";
  if (mode !== "rgb" && mode !== "grayscale" && mode !== "rgba") throw new Error(`loadImage: colorMode must be "rgb", "grayscale" or "rgba", got ${valueText(mode)}`);
  const name = typeof source === "string" ? source : "the image bytes";
  const bytes = typeof source === "string" ? readBytes(source, "loadImage") : source;
  const target = targetSizeOf(opts);
  const { width, height, rgba } = decode(bytes, name);
  const n = width * height;
  let pixels: Uint8Array, channels: number;
  if (mode === "rgba") {
    [pixels, channels] = [rgba.slice(0, 4 * n), 4];
  } else if (mode === "rgb") {
    pixels = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) { pixels[3 * i] = rgba[4 * i]; pixels[3 * i + 1] = rgba[4 * i + 1]; pixels[3 * i + 2] = rgba[4 * i + 2]; }
    channels = 3;
  } else {
    pixels = new Uint8Array(n);
    // PIL's L = R * 299/1000 + G * 587/1000 + B * 114/1000, in fixed point with rounding.
    for (let i = 0; i < n; i++) pixels[i] = (rgba[4 * i] * 19595 + rgba[4 * i + 1] * 38470 + rgba[4 * i + 2] * 7471 + 0x8000) >>> 16;
    channels = 1;
  }
  if (target === null || (target.size[0] === height && target.size[1] === width)) return makeTensor(pixels, [height, width, channels], "uint8");
  const [outH, outW] = target.size;
  if (mode === "rgba" && target.filter !== "nearest") {
    // Pillow filters RGBA through premultiplied alpha (RGBa) with its own rounding; not reproduced here.
    throw new RangeError(`loadImage: resizing an "rgba" image supports interpolation "nearest" only, got "${target.filter}"; load it as "rgb", or resize the tensor with tf.image.resize`);
  }
  const box = opts.keepAspectRatio === true ? centerCropBox(width, height, outW, outH) : undefined;
  return makeTensor(resampleUint8(pixels, height, width, channels, outH, outW, target.filter, box), [outH, outW, channels], "uint8");
}

/** Keras' keep_aspect_ratio crop: the largest centered region with the target's aspect ratio. */
function centerCropBox(width: number, height: number, targetW: number, targetH: number): Box {
  const cropH = Math.min(height, Math.floor((width * targetH) / targetW));
  const cropW = Math.min(width, Math.floor((height * targetW) / targetH));
  const top = Math.trunc((height - cropH) / 2), left = Math.trunc((width - cropW) / 2);
  return [left, top, left + cropW, top + cropH];
}

function targetSizeOf(opts: LoadImageOptions): { size: readonly [number, number]; filter: ResampleFilter } | null {
  const filter = opts.interpolation ?? "nearest";
  if (!RESAMPLE_FILTERS.includes(filter)) {
    throw new RangeError(`loadImage: interpolation must be one of ${RESAMPLE_FILTERS.map((f) => `"${f}"`).join(", ")}, got ${valueText(filter)}`);
  }
  booleanOption("loadImage", "keepAspectRatio", opts.keepAspectRatio, false);
  const size = opts.targetSize;
  if (size === undefined) return null;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`loadImage: targetSize must be two positive integers [height, width], got ${valueText(size)}`);
  }
  return { size, filter };
}

/** Through a temporary file and a rename, so a failed save never leaves half an image where a good one was. */
function writeImageFile(path: string, bytes: Uint8Array): void {
  try {
    writeBytesAtomicallySync(path, bytes);
  } catch (e) {
    throw new Error(`saveImage: ${errorText(e)}`);
  }
}

export interface SaveImageOptions {
  /** JPEG quality 1..100 (default 90). */
  quality?: number;
}

/**
 * Writes an image tensor [h, w], [h, w, 1], [h, w, 3] or [h, w, 4] to a .png or .jpg file. uint8
 * values are written as they are; float tensors must hold values in [0, 1] (scaled by 255, as
 * matplotlib's imsave does) and are clipped to it.
 */
export function saveImage(image: Tensor, path: string, opts: SaveImageOptions = {}): void {
  const where = "saveImage";
  const shape = image.shape;
  if (!(shape.length === 2 || (shape.length === 3 && [1, 3, 4].includes(shape[2])))) {
    throw new RangeError(`${where}: expected an image [height, width] or [height, width, 1 | 3 | 4], got shape [${shape.join(", ")}]; for a batch, save one image: x[i]`);
  }
  const [h, w] = shape;
  const c = shape.length === 2 ? 1 : shape[2];
  const src = image.dataSync();
  let toByte: (v: number) => number;
  if (image.dtype === "uint8" || image.dtype === "bool") toByte = (v) => (image.dtype === "bool" ? v * 255 : v);
  else if (image.dtype === "float32" || image.dtype === "float64") toByte = (v) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  else throw new TypeError(`${where}: dtype ${image.dtype} is not an image type; use uint8 (0..255) or float32 (0..1), e.g. tf.cast(x, "uint8")`);
  const rgba = new Uint8Array(4 * h * w);
  for (let i = 0; i < h * w; i++) {
    if (c === 1) { const v = toByte(Number(src[i])); rgba[4 * i] = v; rgba[4 * i + 1] = v; rgba[4 * i + 2] = v; rgba[4 * i + 3] = 255; }
    else {
      for (let k = 0; k < 3; k++) rgba[4 * i + k] = toByte(Number(src[i * c + k]));
      rgba[4 * i + 3] = c === 4 ? toByte(Number(src[i * c + 3])) : 255;
    }
  }
  const ext = extname(path).toLowerCase();
  if (ext === ".png") {
    const png = new PNG({ width: w, height: h });
    png.data = Buffer.from(rgba.buffer);
    writeImageFile(path, PNG.sync.write(png));
  } else if (ext === ".jpg" || ext === ".jpeg") {
    const q = opts.quality ?? 90;
    if (!(q >= 1 && q <= 100)) throw new RangeError(`${where}: quality must be between 1 and 100, got ${valueText(q)}`);
    writeImageFile(path, jpeg.encode({ data: rgba, width: w, height: h }, q).data);
  } else {
    throw new Error(`${where}: cannot tell the format of ${path} from its extension ${JSON.stringify(ext)}; use .png or .jpg`);
  }
}

const SAMPLE_IMAGES = ["china.jpg", "flower.jpg"] as const;
export type SampleImageName = (typeof SAMPLE_IMAGES)[number];

/**
 * scikit-learn's `load_sample_image("china.jpg" | "flower.jpg")`: uint8 [427, 640, 3]. Decoded with
 * jpeg-js, whose inverse DCT rounds differently from libjpeg's (used by PIL in scikit-learn), then
 * converted to RGB with libjpeg's rounding: most pixels equal PIL's, the others differ by a level or
 * two (at most 3 on these two images), with no bias.
 */
export function loadSampleImage(name: SampleImageName): Tensor {
  if (!(SAMPLE_IMAGES as readonly string[]).includes(name)) {
    throw new Error(`datasets.loadSampleImage: unknown image ${JSON.stringify(name)}; the sample images are ${SAMPLE_IMAGES.map((s) => JSON.stringify(s)).join(" and ")}`);
  }
  const dir = vendoredDir("sample-images");
  if (!dir) throw new Error(`datasets.loadSampleImage: lamina's data/sample-images folder was not found next to its sources; reinstall lamina, or load the file yourself with utils.loadImage(path)`);
  return loadImage(readFileSync(join(dir, name)), { colorMode: "rgb" });
}
