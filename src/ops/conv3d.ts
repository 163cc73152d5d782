/**
 * 3-D convolutions (conv3d, conv3dTranspose) of NDHWC volumes with filters [kd, kh, kw, in, out],
 * TF's semantics (cross-correlation; "same" puts the extra plane/row/column at the back/bottom/right),
 * and the geometry they share with 3-D pooling (pool3d.ts).
 */
import type { Tensor } from "../tensor/tensor.js";
import { convOptionsOf } from "./conv.js";
import { type Shape, shapeText } from "../tensor/shape.js";
import type { Conv3DInfo, Pool3DInfo } from "../backend/backend.js";
import { type Input, assertFloat, assertSameDType, backend, num, outputTensor, record, toTensor } from "./engine.js";
import type { PaddingMode } from "./conv.js";
import { valueText } from "../tensor/value_text.js";
import { checkWindowOutput } from "./window_size.js";

/** A per-axis size: one number for all three axes, [depth, height, width], or TF's NDHWC form [1, d, h, w, 1]. */
export type Size3D = number | readonly [number, number, number] | readonly [number, number, number, number, number];

export interface Conv3DOptions {
  /** Default 1. */
  strides?: Size3D;
  /** Default "VALID". "SAME" puts the extra plane/row/column at the back/bottom/right. */
  padding?: PaddingMode;
  /** Default 1 (may be combined with strides, as torch's conv3d allows). */
  dilations?: Size3D;
  /**
   * Grouped convolution, default 1: input channel block g meets output channel block g only; the
   * filter is then [kd, kh, kw, in / groups, out]. conv3d only.
   */
  groups?: number;
}

/** Parses a Size3D into [d, h, w] of positive integers, naming the op and argument on error. */
export function parseSize3D(v: Size3D, op: string, arg: string): [number, number, number] {
  let t: readonly number[];
  if (typeof v === "number") t = [v, v, v];
  else if (Array.isArray(v) && v.length === 3) t = v;
  else if (Array.isArray(v) && v.length === 5) {
    if (v[0] !== 1 || v[4] !== 1) {
      throw new RangeError(`${op}: ${arg} [${v.join(", ")}] in the 5-element NDHWC form must be [1, d, h, w, 1]; batch and channel ${arg} are not supported`);
    }
    t = [v[1], v[2], v[3]];
  } else {
    throw new TypeError(`${op}: ${arg} must be a number, [depth, height, width] or [1, d, h, w, 1], got ${valueText(v)}`);
  }
  if (!t.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`${op}: ${arg} must be positive integers, got ${valueText(v)}`);
  }
  return [t[0], t[1], t[2]];
}

function parseMode(p: unknown, op: string): "same" | "valid" {
  const mode = typeof p === "string" ? p.toLowerCase() : p;
  if (mode === "same" || mode === "valid") return mode;
  throw new RangeError(`${op}: padding must be "same" or "valid", got ${valueText(p)}`);
}

/** The NDHWC view of an input of rank 5, or rank 4 taken as a batch of one. */
function batchedShape(op: string, shape: Shape, arg: string): [number, number, number, number, number] {
  if (shape.length === 5) return [shape[0], shape[1], shape[2], shape[3], shape[4]];
  if (shape.length === 4) return [1, shape[0], shape[1], shape[2], shape[3]];
  throw new RangeError(
    `${op}: ${arg} must have rank 5 [batch, depth, height, width, channels] (or rank 4 [depth, height, width, channels]), ` +
      `got shape ${shapeText(shape)}; a 2-D image batch takes the 2-D op instead`,
  );
}

interface Axis { out: number; before: number }

/** Output size and leading padding of each spatial axis under TF's rules, or TF's "Negative dimension size" error. */
function windowGeometry(
  op: string, what: "kernel" | "pool", subject: () => string, size: readonly number[], k: readonly number[],
  strides: readonly number[], dilations: readonly number[], mode: "same" | "valid",
): Axis[] {
  const axes = size.map((n, i) => {
    const effective = (k[i] - 1) * dilations[i] + 1;
    if (mode === "valid") return { out: Math.floor((n - effective) / strides[i]) + 1, before: 0 };
    const out = Math.ceil(n / strides[i]);
    const total = Math.max((out - 1) * strides[i] + effective - n, 0);
    return { out, before: Math.floor(total / 2) };
  });
  checkWindowOutput(op, subject, { what, window: k, strides, dilations, padding: mode, out: axes.map((a) => a.out) });
  return axes;
}

/** Resolves and validates a conv3d of an NDHWC input with a filter [kd, kh, kw, in / groups, out]. */
export function computeConv3DInfo(xShape: Shape, filterShape: Shape, opts: Conv3DOptions = {}, op = "conv3d"): Conv3DInfo {
  return resolveConv3DInfo(xShape, filterShape, opts, op, () => `x ${shapeText(xShape)}`);
}

function resolveConv3DInfo(xShape: Shape, filterShape: Shape, opts: Conv3DOptions, op: string, subject: () => string): Conv3DInfo {
  const [batch, inDepth, inHeight, inWidth, inChannels] = batchedShape(op, xShape, "x");
  if (filterShape.length !== 5) {
    throw new RangeError(`${op}: filter must have rank 5 [kd, kh, kw, inChannels, outChannels], got shape ${shapeText(filterShape)}`);
  }
  const [kd, kh, kw, fin, fout] = filterShape;
  const groups = parseGroups(opts.groups, op, inChannels, fout);
  if (fin * groups !== inChannels) {
    throw new RangeError(
      `${op}: the filter expects ${fin} input channels${groups > 1 ? ` per group (groups ${groups})` : ""} (filter shape ${shapeText(filterShape)}) ` +
        `but x has ${inChannels} (shape ${shapeText(xShape)}); the filter's fourth dimension must be x's last dimension${groups > 1 ? " / groups" : ""}`,
    );
  }
  if (kd < 1 || kh < 1 || kw < 1) throw new RangeError(`${op}: the filter has an empty window (shape ${shapeText(filterShape)})`);
  const strides = parseSize3D(opts.strides ?? 1, op, "strides");
  const dilations = parseSize3D(opts.dilations ?? 1, op, "dilations");
  const mode = parseMode(opts.padding ?? "VALID", op);
  const [d, h, w] = windowGeometry(op, "kernel", subject, [inDepth, inHeight, inWidth], [kd, kh, kw], strides, dilations, mode);
  return {
    batch, inDepth, inHeight, inWidth, inChannels,
    outDepth: d.out, outHeight: h.out, outWidth: w.out, outChannels: fout,
    filterDepth: kd, filterHeight: kh, filterWidth: kw,
    strideDepth: strides[0], strideHeight: strides[1], strideWidth: strides[2],
    dilationDepth: dilations[0], dilationHeight: dilations[1], dilationWidth: dilations[2],
    padFront: d.before, padTop: h.before, padLeft: w.before,
    groups,
  };
}

function parseGroups(v: number | undefined, op: string, inChannels: number, outChannels: number): number {
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${valueText(v)}`);
  if (inChannels % v !== 0 || outChannels % v !== 0) {
    throw new RangeError(
      `${op}: groups ${v} must divide both the input channels (${inChannels}) and the output channels (${outChannels}); ` +
        `choose a common divisor of ${inChannels} and ${outChannels}`,
    );
  }
  return v;
}

/** Resolves a 3-D max/avg pooling of an NDHWC input; `strides` defaults to the pool size (Keras). */
export function computePool3DInfo(xShape: Shape, poolSize: Size3D, strides: Size3D | null | undefined, padding: PaddingMode, op: string): Pool3DInfo {
  const [batch, inDepth, inHeight, inWidth, channels] = batchedShape(op, xShape, "x");
  const pool = parseSize3D(poolSize, op, "poolSize");
  const s = strides === undefined || strides === null ? pool : parseSize3D(strides, op, "strides");
  const mode = parseMode(padding, op);
  const [d, h, w] = windowGeometry(op, "pool", () => `x ${shapeText(xShape)}`, [inDepth, inHeight, inWidth], pool, s, [1, 1, 1], mode);
  return {
    batch, inDepth, inHeight, inWidth, channels,
    outDepth: d.out, outHeight: h.out, outWidth: w.out,
    poolDepth: pool[0], poolHeight: pool[1], poolWidth: pool[2],
    strideDepth: s[0], strideHeight: s[1], strideWidth: s[2],
    padFront: d.before, padTop: h.before, padLeft: w.before,
  };
}

// ---------------------------------------------------------------- the three bilinear primitives

/*
 * forward(x, w) = y, input(dy, w) = dx and filter(x, dy) = dw are mutually adjoint, so each one's
 * gradient is made of the other two with the same geometry; recording all three makes gradients
 * of any order exact (as conv_primitives.ts does for 2-D).
 */

function shapes(info: Conv3DInfo, squeeze: boolean): { x: number[]; y: number[]; w: number[] } {
  const x = [info.batch, info.inDepth, info.inHeight, info.inWidth, info.inChannels];
  const y = [info.batch, info.outDepth, info.outHeight, info.outWidth, info.outChannels];
  const w = [info.filterDepth, info.filterHeight, info.filterWidth, info.inChannels / info.groups, info.outChannels];
  return squeeze ? { x: x.slice(1), y: y.slice(1), w } : { x, y, w };
}

function forward(x: Tensor, w: Tensor, info: Conv3DInfo, squeeze: boolean): Tensor {
  const out = outputTensor(shapes(info, squeeze).y, x.dtype);
  backend().conv3d(num(x), num(w), num(out), info);
  record("conv3d", [x, w], out, ([dy], needed) => [
    needed[0] ? backpropInput(dy, w, info, squeeze) : null,
    needed[1] ? backpropFilter(x, dy, info, squeeze) : null,
  ]);
  return out;
}

function backpropInput(dy: Tensor, w: Tensor, info: Conv3DInfo, squeeze: boolean): Tensor {
  const dx = outputTensor(shapes(info, squeeze).x, dy.dtype);
  backend().conv3dBackpropInput(num(dy), num(w), num(dx), info);
  record("conv3dBackpropInput", [dy, w], dx, ([g]) => [forward(g, w, info, squeeze), backpropFilter(g, dy, info, squeeze)]);
  return dx;
}

function backpropFilter(x: Tensor, dy: Tensor, info: Conv3DInfo, squeeze: boolean): Tensor {
  const dw = outputTensor(shapes(info, squeeze).w, x.dtype);
  backend().conv3dBackpropFilter(num(x), num(dy), num(dw), info);
  record("conv3dBackpropFilter", [x, dy], dw, ([g]) => [backpropInput(dy, g, info, squeeze), forward(x, g, info, squeeze)]);
  return dw;
}

function operands(op: string, xIn: Input, filterIn: Input): [Tensor, Tensor] {
  const x = toTensor(xIn, op, "x");
  const filter = toTensor(filterIn, op, "filter");
  assertFloat(op, x, "x");
  assertFloat(op, filter, "filter");
  assertSameDType(op, x, filter);
  return [x, filter];
}

// ---------------------------------------------------------------- public ops

/**
 * 3-D convolution (cross-correlation, as in TF) of an NDHWC input [batch, d, h, w, in] (or
 * [d, h, w, in]) with a filter [kd, kh, kw, in, out] ([kd, kh, kw, in / groups, out] with
 * opts.groups), giving [batch, outD, outH, outW, out] (or without the batch axis).
 */
export function conv3d(x: Input, filter: Input, opts?: Conv3DOptions): Tensor;
/** TF's tf.nn.conv3d(input, filters, strides, padding, data_format = "NDHWC", dilations). */
export function conv3d(x: Input, filter: Input, strides: Size3D, padding?: PaddingMode, dataFormat?: "NDHWC" | null, dilations?: Size3D): Tensor;
export function conv3d(xIn: Input, filterIn: Input, ...args: unknown[]): Tensor {
  const opts = convOptionsOf<Conv3DOptions>("conv3d", args, "NDHWC");
  const [x, filter] = operands("conv3d", xIn, filterIn);
  const info = computeConv3DInfo(x.shape, filter.shape, opts, "conv3d");
  return forward(x, filter, info, x.rank === 4);
}

/**
 * Transposed 3-D convolution: the gradient of conv3d with respect to its input. `filter` is
 * [kd, kh, kw, outChannels, inChannels] as in TF; `outputShape` is the result's shape
 * [batch, d, h, w, outChannels] (or without the batch axis for a rank-4 x); conv3d of the result
 * with the same filter and options has x's shape.
 */
export function conv3dTranspose(x: Input, filter: Input, outputShape: Shape, opts?: Conv3DOptions): Tensor;
/** TF's tf.nn.conv3d_transpose(input, filters, output_shape, strides, padding = "SAME", data_format = "NDHWC", dilations). */
export function conv3dTranspose(x: Input, filter: Input, outputShape: Shape, strides: Size3D, padding?: PaddingMode, dataFormat?: "NDHWC" | null, dilations?: Size3D): Tensor;
export function conv3dTranspose(xIn: Input, filterIn: Input, outputShape: Shape, ...args: unknown[]): Tensor {
  const op = "conv3dTranspose";
  const opts = convOptionsOf<Conv3DOptions>(op, args, "NDHWC", "SAME");
  const [x, filter] = operands(op, xIn, filterIn);
  const [n, d, h, w, c] = batchedShape(op, x.shape, "x");
  if (outputShape.length !== x.rank || !outputShape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`${op}: outputShape ${shapeText(outputShape)} must hold positive integers and have the rank of x ${shapeText(x.shape)}`);
  }
  const out = batchedShape(op, outputShape, "outputShape");
  if (out[0] !== n) throw new RangeError(`${op}: outputShape ${shapeText(outputShape)} has batch ${out[0]} but x ${shapeText(x.shape)} has batch ${n}`);
  if (filter.rank !== 5) {
    throw new RangeError(`${op}: filter must have rank 5 [kd, kh, kw, outChannels, inChannels], got shape ${shapeText(filter.shape)}`);
  }
  if (filter.shape[4] !== c) {
    throw new RangeError(
      `${op}: the filter [kd, kh, kw, outChannels, inChannels] has ${filter.shape[4]} input channels (shape ${shapeText(filter.shape)}) ` +
        `but x has ${c} (shape ${shapeText(x.shape)}); the filter's last dimension must equal x's last dimension`,
    );
  }
  if (filter.shape[3] !== out[4]) {
    throw new RangeError(
      `${op}: the filter [kd, kh, kw, outChannels, inChannels] makes ${filter.shape[3]} output channels (shape ${shapeText(filter.shape)}) ` +
        `but outputShape ${shapeText(outputShape)} asks for ${out[4]}; the filter's fourth dimension must equal outputShape's last`,
    );
  }
  if (opts.groups !== undefined && opts.groups !== 1) {
    throw new RangeError(`${op}: groups ${valueText(opts.groups)} is not supported by the transposed convolution; use groups 1`);
  }
  // The geometry is that of the forward conv3d from outputShape (filter [kd, kh, kw, out, in]) to x.
  const info = resolveConv3DInfo(outputShape, filter.shape, opts, op, () => `outputShape is ${shapeText(outputShape)}`);
  if (info.outDepth !== d || info.outHeight !== h || info.outWidth !== w) {
    throw new RangeError(
      `${op}: outputShape ${shapeText(outputShape)} with kernel ${info.filterDepth}x${info.filterHeight}x${info.filterWidth} and strides ` +
        `${info.strideDepth}x${info.strideHeight}x${info.strideWidth} corresponds to an input of ${info.outDepth}x${info.outHeight}x${info.outWidth}, ` +
        `but x is ${d}x${h}x${w} (shape ${shapeText(x.shape)}); choose an outputShape whose conv3d with the same options gives ${d}x${h}x${w}`,
    );
  }
  return backpropInput(x, filter, info, x.rank === 4);
}
