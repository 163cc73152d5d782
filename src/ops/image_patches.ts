/**
 * keras.ops.image.extract_patches: every (dilated) patch of an image flattened into the channel
 * axis in [patchRow, patchCol, channel] order, as Keras' identity-kernel convolution lays it out.
 * One gather over the flattened pixels, so the gradient (a scatter-add) comes from gather's.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { gather, pad, reshape } from "./shape.js";
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

function pair(op: string, name: string, v: unknown): [number, number] {
  const p = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${op}: ${name} must be a positive integer or two of them [rows, cols], got ${valueText(v)}`);
  }
  return [p[0], p[1]];
}

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
