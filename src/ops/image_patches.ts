/**
 * keras.ops.image.extract_patches: every (dilated) patch of an image flattened into the channel
 * axis in [patchRow, patchCol, channel] order, as Keras' identity-kernel convolution lays it out.
 * One gather over the flattened pixels, so the gradient (a scatter-add) comes from gather's.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { gather, pad, reshape, transpose } from "./shape.js";
import { checkImageOptions, checkImageRank, imageDataFormat, imageFromChannelsLast, imageToChannelsLast, type ImageDataFormat } from "./image_format.js";
import * as sym from "./symbolic.js";

export interface ExtractPatchesOptions {
  /** Steps between patch origins, [rows, cols] or one number for both; default the patch size (no overlap). */
  strides?: number | readonly [number, number] | null;
  /** Spacing of a patch's samples in the image, [rows, cols] or one number; default 1. */
  dilationRate?: number | readonly [number, number];
  /** "valid" (default: only patches inside the image) or "same" (ceil(size / stride) patches per axis, zeros around, as a convolution's padding). */
  padding?: "valid" | "same";
  /** "channels_last" (default) or "channels_first" (the result then [batch, patchValues, rows, cols]). */
  dataFormat?: ImageDataFormat | null;
}

function sizes<N extends 2 | 3>(op: string, name: string, v: unknown, n: N): N extends 2 ? [number, number] : [number, number, number] {
  const p = typeof v === "number" ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(p) || p.length !== n || !p.every((d) => Number.isInteger(d) && d > 0)) {
    const axes = n === 2 ? "[rows, cols]" : "[depth, rows, cols]";
    throw new RangeError(`${op}: ${name} must be a positive integer or ${n === 2 ? "two" : "three"} of them ${axes}, got ${valueText(v)}`);
  }
  return [...p] as N extends 2 ? [number, number] : [number, number, number];
}

const pair = (op: string, name: string, v: unknown): [number, number] => sizes(op, name, v, 2);

/** Output length and leading zero padding along one axis (TensorFlow's rule for "same"). */
function axisPlan(op: string, inSize: number, k: number, s: number, d: number, same: boolean, axis: string): { out: number; before: number; after: number } {
  const span = (k - 1) * d + 1;
  if (!same) {
    if (inSize < span) {
      throw new RangeError(`${op}: a patch spans ${span} ${axis} (size ${k}, dilation ${d}) but the image has ${inSize}; use padding "same" or a smaller patch`);
    }
    return { out: Math.floor((inSize - span) / s) + 1, before: 0, after: 0 };
  }
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + span - inSize, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

const OPTIONS = ["strides", "dilationRate", "padding", "dataFormat"];

/**
 * tf.image.extractPatches(images, size, opts): keras.ops.image.extract_patches. images [h, w, c]
 * or [n, h, w, c] (channels_first: [c, h, w] or [n, c, h, w]); size a number or [rows, cols].
 * The result holds one patch per output position, its size[0] * size[1] * c values in
 * [patchRow, patchCol, channel] order: [n, outRows, outCols, size[0] * size[1] * c]
 * (channels_first [n, size[0] * size[1] * c, outRows, outCols]); single images lose the batch axis.
 * Strides and dilation may be combined (Keras' torch backend allows it; TensorFlow's does not).
 * Differentiable.
 */
function extractPatchesEager(imagesIn: Input, size: number | readonly [number, number], opts: ExtractPatchesOptions = {}): Tensor {
  const op = "image.extractPatches";
  checkImageOptions(op, opts, OPTIONS);
  const format = imageDataFormat(op, opts.dataFormat);
  const x0 = toTensor(imagesIn, op, "images");
  checkImageRank(op, x0, format);
  const [kh, kw] = pair(op, "size", size);
  const [sh, sw] = opts.strides === undefined || opts.strides === null ? [kh, kw] : pair(op, "strides", opts.strides);
  const [dh, dw] = pair(op, "dilationRate", opts.dilationRate ?? 1);
  const padding = typeof opts.padding === "string" ? opts.padding.toLowerCase() : opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") throw new RangeError(`${op}: padding must be "valid" or "same", got ${valueText(opts.padding)}`);
  const single = x0.rank === 3;
  let x = imageToChannelsLast(x0, format);
  if (single) x = reshape(x, [1, ...x.shape]);
  const [n, inH, inW, c] = x.shape;
  const rows = axisPlan(op, inH, kh, sh, dh, padding === "same", "rows");
  const cols = axisPlan(op, inW, kw, sw, dw, padding === "same", "columns");
  if (rows.before + rows.after + cols.before + cols.after > 0) x = pad(x, [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]]);
  const H = inH + rows.before + rows.after, W = inW + cols.before + cols.after;
  const index = new Int32Array(rows.out * cols.out * kh * kw);
  let k = 0;
  for (let oy = 0; oy < rows.out; oy++) {
    for (let ox = 0; ox < cols.out; ox++) {
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) index[k++] = (oy * sh + i * dh) * W + ox * sw + j * dw;
    }
  }
  const flat = gather(reshape(x, [n, H * W, c]), new Tensor(index, [index.length], "int32"), 1);
  let out = reshape(flat, [n, rows.out, cols.out, kh * kw * c]);
  if (single) out = reshape(out, out.shape.slice(1));
  return imageFromChannelsLast(out, format);
}

/** extractPatches, recording Keras' operation on symbolic tensors (see extractPatchesEager). */
export const extractPatches = sym.withSymbolic(extractPatchesEager, (images, size, o = {}) => sym.symbolicOp("ExtractPatches", [images], { size: sym.jsonCopy(size), strides: sym.jsonCopy(o.strides ?? null), dilation_rate: sym.jsonCopy(o.dilationRate ?? 1), padding: o.padding ?? "valid", data_format: o.dataFormat ?? null }));

export interface ExtractPatches3dOptions {
  /** Steps between patch origins, [depth, rows, cols] or one number; default the patch size (no overlap). */
  strides?: number | readonly [number, number, number] | null;
  /** Spacing of a patch's samples in the volume, [depth, rows, cols] or one number; default 1. */
  dilationRate?: number | readonly [number, number, number];
  /** "valid" (default) or "same" (ceil(size / stride) patches per axis, zeros around). */
  padding?: "valid" | "same";
  /** "channels_last" (default) or "channels_first" (volumes [c, d, h, w], the result [batch, patchValues, d, h, w]). */
  dataFormat?: ImageDataFormat | null;
}

/**
 * keras.ops.image.extract_patches_3d(volumes, size, strides, dilation_rate, padding, data_format):
 * volumes [d, h, w, c] or [n, d, h, w, c] (channels_first [c, d, h, w] or [n, c, d, h, w]); size a
 * number or [depth, rows, cols]. One patch per output position, its values in [patchDepth, patchRow,
 * patchCol, channel] order: [n, outD, outH, outW, sd * sh * sw * c] (channels_first
 * [n, sd * sh * sw * c, outD, outH, outW]); single volumes lose the batch axis. Differentiable.
 */
function extractPatches3dEager(volumesIn: Input, size: number | readonly [number, number, number], opts: ExtractPatches3dOptions = {}): Tensor {
  const op = "image.extractPatches3d";
  checkImageOptions(op, opts, OPTIONS);
  const format = imageDataFormat(op, opts.dataFormat);
  const v0 = toTensor(volumesIn, op, "volumes");
  if (v0.rank !== 4 && v0.rank !== 5) {
    const layout = format === "channels_last" ? "[depth, height, width, channels] or [batch, depth, height, width, channels]" : "[channels, depth, height, width] or [batch, channels, depth, height, width]";
    throw new RangeError(`${op}: volumes must be a single volume ${layout} (${format}), got shape ${shapeText(v0.shape)}`);
  }
  const k = sizes(op, "size", size, 3);
  const s = opts.strides === undefined || opts.strides === null ? k : sizes(op, "strides", opts.strides, 3);
  const d = sizes(op, "dilationRate", opts.dilationRate ?? 1, 3);
  const padding = typeof opts.padding === "string" ? opts.padding.toLowerCase() : opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") throw new RangeError(`${op}: padding must be "valid" or "same", got ${valueText(opts.padding)}`);
  const single = v0.rank === 4;
  let x = single ? reshape(v0, [1, ...v0.shape]) : v0;
  if (format === "channels_first") x = transpose(x, [0, 2, 3, 4, 1]);
  const [n, ...inSizes] = x.shape;
  const c = inSizes[3];
  const plans = ["depth", "rows", "columns"].map((axis, i) => axisPlan(op, inSizes[i], k[i], s[i], d[i], padding === "same", axis));
  if (plans.some((p) => p.before + p.after > 0)) x = pad(x, [[0, 0], ...plans.map((p): [number, number] => [p.before, p.after]), [0, 0]]);
  const [D, H, W] = plans.map((p, i) => inSizes[i] + p.before + p.after);
  const [od, oh, ow] = plans.map((p) => p.out);
  const index = new Int32Array(od * oh * ow * k[0] * k[1] * k[2]);
  let at = 0;
  for (let z = 0; z < od; z++) for (let y = 0; y < oh; y++) for (let x0 = 0; x0 < ow; x0++) {
    for (let i = 0; i < k[0]; i++) for (let j = 0; j < k[1]; j++) for (let l = 0; l < k[2]; l++) {
      index[at++] = ((z * s[0] + i * d[0]) * H + y * s[1] + j * d[1]) * W + x0 * s[2] + l * d[2];
    }
  }
  const flat = gather(reshape(x, [n, D * H * W, c]), new Tensor(index, [index.length], "int32"), 1);
  let out = reshape(flat, [n, od, oh, ow, k[0] * k[1] * k[2] * c]);
  if (format === "channels_first") out = transpose(out, [0, 4, 1, 2, 3]);
  return single ? reshape(out, out.shape.slice(1)) : out;
}

/** extractPatches3d, recording Keras' ExtractPatches operation (3-D size) on symbolic tensors. */
export const extractPatches3d = sym.withSymbolic(extractPatches3dEager, (volumes, size, o = {}) => sym.symbolicOp("ExtractPatches", [volumes], {
  size: typeof size === "number" ? [size, size, size] : sym.jsonCopy(size), strides: sym.jsonCopy(o.strides ?? null), dilation_rate: sym.jsonCopy(o.dilationRate ?? 1),
  padding: o.padding ?? "valid", data_format: o.dataFormat ?? null,
}));
