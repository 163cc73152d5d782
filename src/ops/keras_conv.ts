/**
 * keras.ops' N-D convolutions and pools (conv, conv_transpose, depthwise_conv, separable_conv,
 * average_pool, max_pool) with Keras' arguments, built on the 2-D and 3-D ops: 1-D inputs run as
 * 2-D ones of height 1, and channels_first inputs are moved to channels_last and back.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { imageDataFormat } from "../tensor/config.js";
import { type Input, toTensor } from "./engine.js";
import { conv2d, conv2dTranspose, depthwiseConv2d } from "./conv.js";
import { conv3d, conv3dTranspose } from "./conv3d.js";
import { avgPool, maxPool } from "./pool.js";
import { avgPool3d, maxPool3d } from "./pool3d.js";
import { expandDims, squeeze, transpose } from "./shape.js";
import * as sym from "./symbolic.js";

export type KerasPadding = "valid" | "same";
export type KerasDataFormat = "channels_last" | "channels_first" | null;
/** An int for every spatial axis, or one per axis. */
export type SpatialSize = number | readonly number[];

export function spatialRank(op: string, x: Tensor, allowed: readonly number[]): number {
  const n = x.rank - 2;
  if (!allowed.includes(n)) {
    throw new RangeError(
      `ops.${op}: inputs must have rank ${allowed.map((r) => r + 2).join(" or ")} (batch, ${allowed.map((r) => `${r}`).join("/")} spatial axes, channels), ` +
        `got shape ${shapeText(x.shape)}; add a batch axis with ops.expandDims(x, 0) if it is missing`,
    );
  }
  return n;
}

/** Keras' int-or-tuple argument as one positive integer per spatial axis. */
export function perAxis(op: string, arg: string, v: SpatialSize, n: number): number[] {
  const list = typeof v === "number" ? new Array<number>(n).fill(v) : Array.isArray(v) ? [...v] : [];
  if (list.length !== n || !list.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`ops.${op}: ${arg} must be a positive integer or ${n} of them (one per spatial axis), got ${valueText(v)}`);
  }
  return list;
}

function checkPadding(op: string, padding: string): KerasPadding {
  const p = padding.toLowerCase();
  if (p !== "valid" && p !== "same") throw new RangeError(`ops.${op}: padding must be "valid" or "same", got ${valueText(padding)}`);
  return p;
}

/** Keras' standardize_data_format: null or undefined is the global config.imageDataFormat(). */
export function channelsFirst(op: string, dataFormat: KerasDataFormat | undefined): boolean {
  if (dataFormat === null || dataFormat === undefined) return imageDataFormat() === "channels_first";
  if (dataFormat === "channels_last") return false;
  if (dataFormat === "channels_first") return true;
  throw new RangeError(`ops.${op}: dataFormat must be "channels_last", "channels_first" or null, got ${valueText(dataFormat)}`);
}

/** Runs `fn` on channels_last x, converting from and back to channels_first when asked. */
export function inLayout(x: Tensor, first: boolean, fn: (x: Tensor) => Tensor): Tensor {
  if (!first) return fn(x);
  const r = x.rank;
  const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return transpose(fn(transpose(x, toLast)), toFirst);
}

function checkKernel(op: string, kernel: Tensor, n: number, layout: string): void {
  if (kernel.rank !== n + 2) {
    throw new RangeError(`ops.${op}: kernel must have rank ${n + 2} [${layout}] for ${n}-D inputs, got shape ${shapeText(kernel.shape)}`);
  }
}

/** Length of a transposed convolution's output axis, as Keras computes it. */
function transposeLength(inLen: number, k: number, stride: number, dilation: number, padding: KerasPadding, outputPadding: number | null): number {
  const kd = (k - 1) * dilation + 1;
  if (outputPadding === null) return padding === "valid" ? inLen * stride + Math.max(kd - stride, 0) : inLen * stride;
  const pad = padding === "valid" ? 0 : Math.floor(kd / 2);
  return (inLen - 1) * stride + kd - 2 * pad + outputPadding;
}

/** keras.ops.conv: N-D convolution (N = 1, 2, 3); kernel [...kernelSize, inChannels / groups, outChannels]. */
function convEager(inputs: Input, kernel: Input, strides: SpatialSize = 1, padding: KerasPadding = "valid",
  dataFormat: KerasDataFormat = null, dilationRate: SpatialSize = 1): Tensor {
  const op = "conv";
  const x0 = toTensor(inputs, op, "inputs");
  const w = toTensor(kernel, op, "kernel");
  const n = spatialRank(op, x0, [1, 2, 3]);
  checkKernel(op, w, n, "...kernelSize, inChannels, outChannels");
  const s = perAxis(op, "strides", strides, n);
  const d = perAxis(op, "dilationRate", dilationRate, n);
  const pad = checkPadding(op, padding);
  return inLayout(x0, channelsFirst(op, dataFormat), (x) => {
    const c = x.shape[x.rank - 1];
    const inC = w.shape[n];
    if (inC <= 0 || c % inC !== 0) {
      throw new RangeError(
        `ops.${op}: inputs have ${c} channels (shape ${shapeText(x.shape)}) but the kernel ${shapeText(w.shape)} takes ${inC}; ` +
          `the kernel's second-to-last dimension must equal the channels (or divide them, for grouped convolution)`,
      );
    }
    const groups = c / inC;
    if (n === 3) return conv3d(x, w, { strides: s as [number, number, number], padding: pad, dilations: d as [number, number, number], groups });
    if (n === 2) return conv2d(x, w, { strides: s as [number, number], padding: pad, dilations: d as [number, number], groups });
    const y = conv2d(expandDims(x, 1), expandDims(w, 0), { strides: [1, s[0]], padding: pad, dilations: [1, d[0]], groups });
    return squeeze(y, 1);
  });
}
export const conv = sym.withSymbolic(convEager, (x, k, strides = 1, padding = "valid", dataFormat = null, dilationRate = 1) => sym.symbolicOp("Conv", [x, k], { strides: sym.jsonCopy(strides), padding, data_format: dataFormat ?? "channels_last", dilation_rate: sym.jsonCopy(dilationRate) }));

/**
 * keras.ops.conv_transpose: N-D transposed convolution (N = 1, 2, 3); kernel
 * [...kernelSize, outChannels, inChannels]; the output length follows Keras (outputPadding included).
 */
function convTransposeEager(inputs: Input, kernel: Input, strides: SpatialSize, padding: KerasPadding = "valid",
  outputPadding: SpatialSize | null = null, dataFormat: KerasDataFormat = null, dilationRate: SpatialSize = 1): Tensor {
  const op = "convTranspose";
  const x0 = toTensor(inputs, op, "inputs");
  const w = toTensor(kernel, op, "kernel");
  const n = spatialRank(op, x0, [1, 2, 3]);
  checkKernel(op, w, n, "...kernelSize, outChannels, inChannels");
  const s = perAxis(op, "strides", strides, n);
  const d = perAxis(op, "dilationRate", dilationRate, n);
  const pad = checkPadding(op, padding);
  let op_: (number | null)[] = new Array<number | null>(n).fill(null);
  if (outputPadding !== null) {
    const list = typeof outputPadding === "number" ? new Array<number>(n).fill(outputPadding) : [...outputPadding];
    if (list.length !== n || !list.every((p, i) => Number.isInteger(p) && p >= 0 && p < Math.max(s[i], d[i]))) {
      throw new RangeError(`ops.${op}: outputPadding ${valueText(outputPadding)} must hold ${n} non-negative integers each below its stride (or dilation) ${valueText(s)}`);
    }
    op_ = list;
  }
  return inLayout(x0, channelsFirst(op, dataFormat), (x) => {
    const c = x.shape[x.rank - 1];
    if (w.shape[n + 1] !== c) {
      throw new RangeError(
        `ops.${op}: inputs have ${c} channels (shape ${shapeText(x.shape)}) but the kernel [...kernelSize, outChannels, inChannels] ` +
          `${shapeText(w.shape)} takes ${w.shape[n + 1]}; the kernel's last dimension must equal the channels`,
      );
    }
    const spatial = x.shape.slice(1, 1 + n).map((len, i) => transposeLength(len, w.shape[i], s[i], d[i], pad, op_[i]));
    const outShape = [x.shape[0], ...spatial, w.shape[n]];
    if (n === 3) return conv3dTranspose(x, w, outShape, { strides: s as [number, number, number], padding: pad, dilations: d as [number, number, number] });
    if (n === 2) return conv2dTranspose(x, w, outShape, { strides: s as [number, number], padding: pad, dilations: d as [number, number] });
    const y = conv2dTranspose(expandDims(x, 1), expandDims(w, 0), [outShape[0], 1, outShape[1], outShape[2]],
      { strides: [1, s[0]], padding: pad, dilations: [1, d[0]] });
    return squeeze(y, 1);
  });
}
export const convTranspose = sym.withSymbolic(convTransposeEager, (x, k, strides, padding = "valid", outputPadding = null, dataFormat = null, dilationRate = 1) => sym.symbolicOp("ConvTranspose", [x, k], { strides: sym.jsonCopy(strides), padding, output_padding: sym.jsonCopy(outputPadding), data_format: dataFormat ?? "channels_last", dilation_rate: sym.jsonCopy(dilationRate) }));

/** keras.ops.depthwise_conv: 1-D or 2-D depthwise convolution; kernel [...kernelSize, inChannels, multiplier]. */
function depthwiseConvEager(inputs: Input, kernel: Input, strides: SpatialSize = 1, padding: KerasPadding = "valid",
  dataFormat: KerasDataFormat = null, dilationRate: SpatialSize = 1): Tensor {
  const op = "depthwiseConv";
  const x0 = toTensor(inputs, op, "inputs");
  const w = toTensor(kernel, op, "kernel");
  const n = spatialRank(op, x0, [1, 2]);
  checkKernel(op, w, n, "...kernelSize, inChannels, channelMultiplier");
  const s = perAxis(op, "strides", strides, n);
  const d = perAxis(op, "dilationRate", dilationRate, n);
  const pad = checkPadding(op, padding);
  return inLayout(x0, channelsFirst(op, dataFormat), (x) => {
    const c = x.shape[x.rank - 1];
    if (w.shape[n] !== c) {
      throw new RangeError(
        `ops.${op}: inputs have ${c} channels (shape ${shapeText(x.shape)}) but the kernel [...kernelSize, inChannels, channelMultiplier] ` +
          `${shapeText(w.shape)} takes ${w.shape[n]}; the kernel's second-to-last dimension must equal the channels`,
      );
    }
    if (n === 2) return depthwiseConv2d(x, w, { strides: s as [number, number], padding: pad, dilations: d as [number, number] });
    return squeeze(depthwiseConv2d(expandDims(x, 1), expandDims(w, 0), { strides: [1, s[0]], padding: pad, dilations: [1, d[0]] }), 1);
  });
}
export const depthwiseConv = sym.withSymbolic(depthwiseConvEager, (x, k, strides = 1, padding = "valid", dataFormat = null, dilationRate = 1) => sym.symbolicOp("DepthwiseConv", [x, k], { strides: sym.jsonCopy(strides), padding, data_format: dataFormat ?? "channels_last", dilation_rate: sym.jsonCopy(dilationRate) }));

/**
 * keras.ops.separable_conv: depthwiseConv then a 1x1 conv with pointwiseKernel
 * [...ones, inChannels * multiplier, outChannels].
 */
function separableConvEager(inputs: Input, depthwiseKernel: Input, pointwiseKernel: Input, strides: SpatialSize = 1,
  padding: KerasPadding = "valid", dataFormat: KerasDataFormat = null, dilationRate: SpatialSize = 1): Tensor {
  const first = channelsFirst("separableConv", dataFormat);
  const x = toTensor(inputs, "separableConv", "inputs");
  return inLayout(x, first, (xl) => {
    const dw = depthwiseConv(xl, depthwiseKernel, strides, padding, "channels_last", dilationRate);
    const pw = toTensor(pointwiseKernel, "separableConv", "pointwiseKernel");
    if (pw.rank !== xl.rank || !pw.shape.slice(0, pw.rank - 2).every((k) => k === 1)) {
      throw new RangeError(
        `ops.separableConv: pointwiseKernel must have shape [${new Array(xl.rank - 2).fill(1).join(", ")}, inChannels * multiplier, outChannels], ` +
          `got ${shapeText(pw.shape)}`,
      );
    }
    return conv(dw, pw, 1, "valid", "channels_last", 1);
  });
}
export const separableConv = sym.withSymbolic(separableConvEager, (x, dk, pk, strides = 1, padding = "valid", dataFormat = null, dilationRate = 1) => sym.symbolicOp("SeparableConv", [x, dk, pk], { strides: sym.jsonCopy(strides), padding, data_format: dataFormat ?? "channels_last", dilation_rate: sym.jsonCopy(dilationRate) }));

function pool(op: string, kind: "avg" | "max", inputs: Input, poolSize: SpatialSize, strides: SpatialSize | null,
  padding: KerasPadding, dataFormat: KerasDataFormat): Tensor {
  const x0 = toTensor(inputs, op, "inputs");
  const n = spatialRank(op, x0, [1, 2, 3]);
  const k = perAxis(op, "poolSize", poolSize, n);
  const s = strides === null ? k : perAxis(op, "strides", strides, n);
  const pad = checkPadding(op, padding);
  return inLayout(x0, channelsFirst(op, dataFormat), (x) => {
    if (n === 3) {
      const f = kind === "avg" ? avgPool3d : maxPool3d;
      return f(x, k as [number, number, number], s as [number, number, number], pad);
    }
    const f = kind === "avg" ? avgPool : maxPool;
    if (n === 2) return f(x, k as [number, number], s as [number, number], pad);
    return squeeze(f(expandDims(x, 1), [1, k[0]], [1, s[0]], pad), 1);
  });
}

/** keras.ops.average_pool: 1-D, 2-D or 3-D average pooling (padded positions are not counted). */
function averagePoolEager(inputs: Input, poolSize: SpatialSize, strides: SpatialSize | null = null,
  padding: KerasPadding = "valid", dataFormat: KerasDataFormat = null): Tensor {
  return pool("averagePool", "avg", inputs, poolSize, strides, padding, dataFormat);
}
export const averagePool = sym.withSymbolic(averagePoolEager, (x, poolSize, strides = null, padding = "valid", dataFormat = null) => sym.symbolicOp("AveragePool", [x], { pool_size: sym.jsonCopy(poolSize), strides: sym.jsonCopy(strides), padding, data_format: dataFormat ?? "channels_last" }));

/** keras.ops.max_pool: 1-D, 2-D or 3-D max pooling. */
function maxPoolNdEager(inputs: Input, poolSize: SpatialSize, strides: SpatialSize | null = null,
  padding: KerasPadding = "valid", dataFormat: KerasDataFormat = null): Tensor {
  return pool("maxPool", "max", inputs, poolSize, strides, padding, dataFormat);
}
export const maxPoolNd = sym.withSymbolic(maxPoolNdEager, (x, poolSize, strides = null, padding = "valid", dataFormat = null) => sym.symbolicOp("MaxPool", [x], { pool_size: sym.jsonCopy(poolSize), strides: sym.jsonCopy(strides), padding, data_format: dataFormat ?? "channels_last" }));
