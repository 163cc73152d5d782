import { Tensor } from "../tensor/tensor.js";
import { type Shape, shapeText } from "../tensor/shape.js";
import { checkOptionKeys } from "../tensor/option_keys.js";
import type { Conv2DInfo, Pool2DInfo } from "../backend/backend.js";
import { type Input, assertFloat, assertSameDType, toTensor } from "./engine.js";
import { convForward, convInput } from "./conv_primitives.js";
import { installMethods } from "./methods.js";
import { valueText } from "../tensor/value_text.js";
import { checkWindowOutput } from "./window_size.js";

// ---------------------------------------------------------------- geometry shared with pooling

/** A per-axis size: one number for both axes, [height, width], or TF's NHWC form [1, h, w, 1]. */
export type Size2D = number | readonly [number, number] | readonly [number, number, number, number];

/** Explicit padding [[top, bottom], [left, right]], or TF's NHWC form with four pairs. */
export type ExplicitPadding =
  | readonly [readonly [number, number], readonly [number, number]]
  | readonly [readonly [number, number], readonly [number, number], readonly [number, number], readonly [number, number]];

export type PaddingMode = "SAME" | "VALID" | "same" | "valid";
export type Padding = PaddingMode | ExplicitPadding;

export interface Conv2DOptions {
  /** Default 1. */
  strides?: Size2D;
  /** Default "VALID" (Keras' default). "SAME" puts the extra row/column at the bottom/right. */
  padding?: Padding;
  /** Default 1. Cannot exceed 1 together with strides above 1, as in TF. */
  dilations?: Size2D;
  /**
   * Grouped convolution (Keras' `groups`, torch's `groups`), default 1: the input channels are
   * split into `groups` consecutive blocks, block g convolved with output channels
   * [g * out / groups, (g + 1) * out / groups) only; the filter is then [kh, kw, in / groups, out].
   * Both `in` and `out` must be multiples of it. conv2d and its gradients only.
   */
  groups?: number;
}

/** Parses a Size2D into [h, w] of positive integers, naming the op and argument on error. */
function parseSize2D(v: Size2D, op: string, arg: string): [number, number] {
  let pair: readonly number[];
  if (typeof v === "number") pair = [v, v];
  else if (Array.isArray(v) && v.length === 2) pair = v;
  else if (Array.isArray(v) && v.length === 4) {
    if (v[0] !== 1 || v[3] !== 1) {
      throw new RangeError(`${op}: ${arg} [${v.join(", ")}] in the 4-element NHWC form must be [1, h, w, 1]; batch and channel ${arg} are not supported`);
    }
    pair = [v[1], v[2]];
  } else {
    throw new TypeError(`${op}: ${arg} must be a number, [h, w] or [1, h, w, 1], got ${valueText(v)}`);
  }
  for (const d of pair) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1) {
      throw new RangeError(`${op}: ${arg} must be positive integers, got ${valueText(v)}`);
    }
  }
  return [pair[0], pair[1]];
}

type ResolvedPadding = { mode: "same" | "valid" } | { mode: "explicit"; top: number; bottom: number; left: number; right: number };

function parsePadding(p: Padding, op: string): ResolvedPadding {
  if (typeof p === "string") {
    const mode = p.toLowerCase();
    if (mode === "same" || mode === "valid") return { mode };
    throw new RangeError(`${op}: unknown padding "${p}"; use "same", "valid" or [[top, bottom], [left, right]]`);
  }
  const bad = (): never => {
    throw new RangeError(
      `${op}: explicit padding must be [[top, bottom], [left, right]] (or [[0, 0], [top, bottom], [left, right], [0, 0]]) ` +
        `of non-negative integers, got ${valueText(p)}`,
    );
  };
  if (!Array.isArray(p)) return bad();
  const pairs = p as readonly (readonly number[])[];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)) bad();
  }
  let hw: readonly (readonly number[])[];
  if (pairs.length === 2) hw = pairs;
  else if (pairs.length === 4) {
    if (pairs[0][0] !== 0 || pairs[0][1] !== 0 || pairs[3][0] !== 0 || pairs[3][1] !== 0) {
      throw new RangeError(`${op}: explicit padding ${JSON.stringify(p)} pads the batch or channel axis; only height and width can be padded`);
    }
    hw = [pairs[1], pairs[2]];
  } else return bad();
  return { mode: "explicit", top: hw[0][0], bottom: hw[0][1], left: hw[1][0], right: hw[1][1] };
}

function paddingText(p: ResolvedPadding): string {
  return p.mode === "explicit" ? `[[${p.top}, ${p.bottom}], [${p.left}, ${p.right}]]` : p.mode;
}

const pairText = (a: number, b: number): string => (a === b ? `${a}` : `${a}x${b}`);

interface Axis { out: number; before: number; after: number }

/** Output size and padding of one spatial axis under TF's rules. */
function axisGeometry(size: number, k: number, stride: number, dilation: number, pad: ResolvedPadding, vertical: boolean): Axis {
  const effective = (k - 1) * dilation + 1;
  if (pad.mode === "same") {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    const before = Math.floor(total / 2);
    return { out, before, after: total - before };
  }
  let before = 0, after = 0;
  if (pad.mode === "explicit") {
    before = vertical ? pad.top : pad.left;
    after = vertical ? pad.bottom : pad.right;
  }
  return { out: Math.floor((size + before + after - effective) / stride) + 1, before, after };
}

interface Geometry { rows: Axis; cols: Axis }

/** Output geometry, or (checkWindowOutput) TF's "Negative dimension size" error with the numbers and the fix. */
function windowGeometry(
  op: string, what: "kernel" | "pool", subject: () => string, inH: number, inW: number, kh: number, kw: number,
  strides: [number, number], dilations: [number, number], pad: ResolvedPadding,
): Geometry {
  const rows = axisGeometry(inH, kh, strides[0], dilations[0], pad, true);
  const cols = axisGeometry(inW, kw, strides[1], dilations[1], pad, false);
  checkWindowOutput(op, subject, { what, window: [kh, kw], strides, dilations, padding: paddingText(pad), out: [rows.out, cols.out] });
  return { rows, cols };
}

/** The NHWC view of an input of rank 4, or rank 3 taken as a batch of one. */
function batchedShape(op: string, shape: Shape, arg: string): [number, number, number, number] {
  if (shape.length === 4) return [shape[0], shape[1], shape[2], shape[3]];
  if (shape.length === 3) return [1, shape[0], shape[1], shape[2]];
  throw new RangeError(
    `${op}: ${arg} must have rank 4 [batch, height, width, channels] (or rank 3 [height, width, channels]), got shape ${shapeText(shape)}`,
  );
}

/**
 * Resolves the geometry of a conv2d (or, with `depthwise`, a depthwiseConv2d) of an NHWC input of
 * `xShape` with a filter of `filterShape` ([kh, kw, in, out], or [kh, kw, in, multiplier] when
 * depthwise). Validates everything and throws errors that name the op, the shapes and the fix;
 * `op` is the name those errors start with.
 */
export function computeConv2DInfo(xShape: Shape, filterShape: Shape, opts: Conv2DOptions = {}, op = "conv2d", depthwise = false): Conv2DInfo {
  return resolveConv2DInfo(xShape, filterShape, opts, op, depthwise, () => `x ${shapeText(xShape)}`);
}

function resolveConv2DInfo(xShape: Shape, filterShape: Shape, opts: Conv2DOptions, op: string, depthwise: boolean, subject: () => string): Conv2DInfo {
  const [batch, inHeight, inWidth, inChannels] = batchedShape(op, xShape, "x");
  if (filterShape.length !== 4) {
    const layout = depthwise ? "[kh, kw, inChannels, multiplier]" : "[kh, kw, inChannels, outChannels]";
    throw new RangeError(`${op}: filter must have rank 4 ${layout}, got shape ${shapeText(filterShape)}`);
  }
  const [kh, kw, fin, fout] = filterShape;
  if (depthwise && opts.groups !== undefined && opts.groups !== 1) {
    throw new RangeError(`${op}: groups ${valueText(opts.groups)} does not apply to a depthwise convolution (each channel is its own group); leave it out`);
  }
  const groups = depthwise ? 1 : parseGroups(opts.groups, op, inChannels, fout);
  if (groups > 1 && fin !== inChannels / groups) {
    throw new RangeError(
      `${op}: with groups ${groups} the filter must have ${inChannels / groups} input channels (x's ${inChannels} / groups ${groups}), ` +
        `got filter shape ${shapeText(filterShape)}; use a filter [kh, kw, ${inChannels / groups}, outChannels]`,
    );
  }
  if (groups === 1 && fin !== inChannels) {
    throw new RangeError(
      `${op}: the filter expects ${fin} input channels (filter shape ${shapeText(filterShape)}) but x has ${inChannels} ` +
        `(shape ${shapeText(xShape)}); the filter's third dimension must equal the input's last dimension`,
    );
  }
  if (kh < 1 || kw < 1) throw new RangeError(`${op}: the filter has an empty window (shape ${shapeText(filterShape)})`);
  const strides = parseSize2D(opts.strides ?? 1, op, "strides");
  const dilations = parseSize2D(opts.dilations ?? 1, op, "dilations");
  if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) {
    throw new RangeError(
      `${op}: strides ${pairText(strides[0], strides[1])} together with dilations ${pairText(dilations[0], dilations[1])} is not supported ` +
        `(as in TF); use strides 1 with dilations, or dilations 1 with strides`,
    );
  }
  const pad = parsePadding(opts.padding ?? "VALID", op);
  const g = windowGeometry(op, "kernel", subject, inHeight, inWidth, kh, kw, strides, dilations, pad);
  return {
    batch, inHeight, inWidth, inChannels,
    outHeight: g.rows.out, outWidth: g.cols.out, outChannels: depthwise ? inChannels * fout : fout,
    filterHeight: kh, filterWidth: kw,
    strideHeight: strides[0], strideWidth: strides[1],
    dilationHeight: dilations[0], dilationWidth: dilations[1],
    padTop: g.rows.before, padLeft: g.cols.before, padBottom: g.rows.after, padRight: g.cols.after,
    depthwise, groups,
  };
}

/** Checks a grouped convolution's group count against the input and output channels. */
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

/**
 * Resolves the geometry of a max/avg pooling of an NHWC input. `strides` defaults to the pool
 * size (Keras). Pooling accepts "same"/"valid" only.
 */
export function computePool2DInfo(xShape: Shape, poolSize: Size2D, strides: Size2D | null | undefined, padding: PaddingMode, op: string): Pool2DInfo {
  const [batch, inHeight, inWidth, channels] = batchedShape(op, xShape, "x");
  const [ph, pw] = parseSize2D(poolSize, op, "poolSize");
  const [sh, sw] = strides === undefined || strides === null ? [ph, pw] : parseSize2D(strides, op, "strides");
  if (typeof padding !== "string") {
    throw new TypeError(`${op}: padding must be "same" or "valid", got ${valueText(padding)}`);
  }
  const pad = parsePadding(padding, op);
  const g = windowGeometry(op, "pool", () => `x ${shapeText(xShape)}`, inHeight, inWidth, ph, pw, [sh, sw], [1, 1], pad);
  return {
    batch, inHeight, inWidth, channels,
    outHeight: g.rows.out, outWidth: g.cols.out,
    poolHeight: ph, poolWidth: pw,
    strideHeight: sh, strideWidth: sw,
    padTop: g.rows.before, padLeft: g.cols.before, padBottom: g.rows.after, padRight: g.cols.after,
  };
}

function convOperands(op: string, xIn: Input, filterIn: Input): [Tensor, Tensor] {
  const x = toTensor(xIn, op, "x");
  const filter = toTensor(filterIn, op, "filter");
  assertFloat(op, x, "x");
  assertFloat(op, filter, "filter");
  assertSameDType(op, x, filter);
  return [x, filter];
}

// ---------------------------------------------------------------- TF's positional arguments

/** The keys lamina's convolution options objects take (Conv2DOptions, Conv3DOptions). */
export const CONV_OPTION_KEYS = ["strides", "padding", "dilations", "groups"] as const;

/**
 * The options a convolution was called with, from either form: lamina's options object
 * (`{ strides, padding, dilations, groups }`, unknown keys refused), or TensorFlow's positional
 * arguments after the filter (strides, padding, dataFormat, dilations), where dataFormat must be
 * `layout` (lamina is channels-last) and a missing padding is `defaultPadding`.
 */
export function convOptionsOf<O extends object>(op: string, args: readonly unknown[], layout: string, defaultPadding?: PaddingMode): O {
  const [first, ...rest] = args;
  if (typeof first === "object" && first !== null && !Array.isArray(first)) {
    if (rest.some((v) => v !== undefined)) {
      throw new TypeError(`${op}: give the options either as an object { strides, padding, ... } or positionally as TF does (strides, padding, dataFormat, dilations), not both`);
    }
    checkOptionKeys(op, first, CONV_OPTION_KEYS);
    return first as O;
  }
  if (args.length > 4) throw new TypeError(`${op}: too many arguments; after the filter TF takes strides, padding, dataFormat, dilations (got ${args.length} values)`);
  const [strides, padding, dataFormat, dilations] = args;
  if (strides !== undefined && strides !== null && typeof strides !== "number" && !Array.isArray(strides)) {
    throw new TypeError(`${op}: strides must be a number or a list (TF's positional form) or the argument an options object { strides, padding, dilations, groups }, got ${valueText(strides)}`);
  }
  if (dataFormat !== undefined && dataFormat !== null && dataFormat !== layout) {
    throw new RangeError(`${op}: dataFormat ${valueText(dataFormat)} is not supported; lamina's convolutions take ${layout} (channels last): transpose x to ${layout} first`);
  }
  const opts: Record<string, unknown> = {};
  if (strides !== undefined && strides !== null) opts.strides = strides;
  if (padding !== undefined) opts.padding = padding;
  else if (defaultPadding !== undefined) opts.padding = defaultPadding;
  if (dilations !== undefined && dilations !== null) opts.dilations = dilations;
  return opts as O;
}

// ---------------------------------------------------------------- public ops

/**
 * 2-D convolution (cross-correlation, as in TF) of an NHWC input [batch, h, w, in] (or [h, w, in])
 * with a filter [kh, kw, in, out] ([kh, kw, in / groups, out] with opts.groups). Gives
 * [batch, outH, outW, out] (or [outH, outW, out]).
 */
export function conv2d(x: Input, filter: Input, opts?: Conv2DOptions): Tensor;
/** TF's tf.nn.conv2d(input, filters, strides, padding, data_format = "NHWC", dilations). */
export function conv2d(x: Input, filter: Input, strides: Size2D, padding?: Padding, dataFormat?: "NHWC" | null, dilations?: Size2D): Tensor;
export function conv2d(xIn: Input, filterIn: Input, ...args: unknown[]): Tensor {
  const opts = convOptionsOf<Conv2DOptions>("conv2d", args, "NHWC");
  const [x, filter] = convOperands("conv2d", xIn, filterIn);
  const info = computeConv2DInfo(x.shape, filter.shape, opts, "conv2d", false);
  return convForward(x, filter, info, x.rank === 3, "conv2d");
}

/**
 * Depthwise 2-D convolution: each input channel c is convolved with its own filters
 * filter[:, :, c, m]; output channel c * multiplier + m, as in TF.
 */
export function depthwiseConv2d(x: Input, filter: Input, opts?: Conv2DOptions): Tensor;
/** TF's tf.nn.depthwise_conv2d(input, filter, strides, padding, data_format = "NHWC", dilations). */
export function depthwiseConv2d(x: Input, filter: Input, strides: Size2D, padding?: Padding, dataFormat?: "NHWC" | null, dilations?: Size2D): Tensor;
export function depthwiseConv2d(xIn: Input, filterIn: Input, ...args: unknown[]): Tensor {
  const opts = convOptionsOf<Conv2DOptions>("depthwiseConv2d", args, "NHWC");
  const [x, filter] = convOperands("depthwiseConv2d", xIn, filterIn);
  const info = computeConv2DInfo(x.shape, filter.shape, opts, "depthwiseConv2d", true);
  return convForward(x, filter, info, x.rank === 3, "depthwiseConv2d");
}

/**
 * Transposed convolution (deconvolution): the gradient of conv2d with respect to its input.
 * `filter` is [kh, kw, outChannels, inChannels] as in TF, `outputShape` is the result's shape
 * [batch, h, w, outChannels] (or [h, w, outChannels] for a rank-3 x); conv2d of the result with
 * the same filter and options has x's shape.
 */
export function conv2dTranspose(x: Input, filter: Input, outputShape: Shape, opts?: Conv2DOptions): Tensor;
/** TF's tf.nn.conv2d_transpose(input, filters, output_shape, strides, padding = "SAME", data_format = "NHWC", dilations). */
export function conv2dTranspose(x: Input, filter: Input, outputShape: Shape, strides: Size2D, padding?: Padding, dataFormat?: "NHWC" | null, dilations?: Size2D): Tensor;
export function conv2dTranspose(xIn: Input, filterIn: Input, outputShape: Shape, ...args: unknown[]): Tensor {
  const op = "conv2dTranspose";
  const opts = convOptionsOf<Conv2DOptions>(op, args, "NHWC", "SAME");
  const [x, filter] = convOperands(op, xIn, filterIn);
  const [n, h, w, c] = batchedShape(op, x.shape, "x");
  if (outputShape.length !== x.rank) {
    throw new RangeError(`${op}: outputShape ${shapeText(outputShape)} must have the rank of x ${shapeText(x.shape)}`);
  }
  if (!outputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${op}: outputShape ${shapeText(outputShape)} must hold positive integers`);
  }
  const outBatched = batchedShape(op, outputShape, "outputShape");
  if (outBatched[0] !== n) {
    throw new RangeError(`${op}: outputShape ${shapeText(outputShape)} has batch ${outBatched[0]} but x ${shapeText(x.shape)} has batch ${n}`);
  }
  if (filter.rank !== 4) {
    throw new RangeError(`${op}: filter must have rank 4 [kh, kw, outChannels, inChannels], got shape ${shapeText(filter.shape)}`);
  }
  if (filter.shape[3] !== c) {
    throw new RangeError(
      `${op}: the filter [kh, kw, outChannels, inChannels] has ${filter.shape[3]} input channels (shape ${shapeText(filter.shape)}) ` +
        `but x has ${c} (shape ${shapeText(x.shape)}); the filter's last dimension must equal x's last dimension`,
    );
  }
  if (filter.shape[2] !== outBatched[3]) {
    throw new RangeError(
      `${op}: the filter [kh, kw, outChannels, inChannels] makes ${filter.shape[2]} output channels (shape ${shapeText(filter.shape)}) ` +
        `but outputShape ${shapeText(outputShape)} asks for ${outBatched[3]}; the filter's third dimension must equal outputShape's last`,
    );
  }
  if (opts.groups !== undefined && opts.groups !== 1) {
    throw new RangeError(`${op}: groups ${valueText(opts.groups)} is not supported by the transposed convolution; use groups 1`);
  }
  const info = resolveConv2DInfo(outputShape, filter.shape, opts, op, false, () => `outputShape ${shapeText(outputShape)}`);
  if (info.outHeight !== h || info.outWidth !== w) {
    throw new RangeError(
      `${op}: outputShape ${shapeText(outputShape)} with kernel ${info.filterHeight}x${info.filterWidth} and strides ` +
        `${pairText(info.strideHeight, info.strideWidth)} corresponds to an input of ${info.outHeight}x${info.outWidth}, but x is ${h}x${w} ` +
        `(shape ${shapeText(x.shape)}); choose an outputShape whose conv2d with the same options gives ${h}x${w}`,
    );
  }
  return convInput(x, filter, info, x.rank === 3);
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    conv2d(filter: Input, opts?: Conv2DOptions): Tensor;
  }
}

installMethods({ conv2d });
