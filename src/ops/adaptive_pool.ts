/**
 * keras.ops.adaptive_average_pool and adaptive_max_pool (Keras 3.15): 1-D, 2-D or 3-D pooling to a
 * fixed output size whatever the input size. Output cell i of an axis of length L pooled to n
 * cells covers input cells [floor(i*L/n), ceil((i+1)*L/n)), as torch's adaptive_*_pool and Keras'
 * numpy backend do, so windows may differ in size by one and overlap.
 *
 * Built from gather and reductions, one spatial axis at a time (a box mean or box max is the mean
 * or max along each axis in turn), so the gradient is theirs: the mean spreads it evenly over a
 * window; the max gives it to the window's maximum, tied maxima sharing it equally (as lamina's max
 * does, where torch gives it all to the first).
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { imageDataFormat } from "../tensor/config.js";
import { type Input, toTensor } from "./engine.js";
import { mul } from "./math.js";
import { max, sum } from "./reduce.js";
import { gather, reshape } from "./shape.js";
import { type KerasDataFormat, type SpatialSize, channelsFirst, inLayout, perAxis, spatialRank } from "./keras_conv.js";
import * as sym from "./symbolic.js";

/**
 * The windows of one axis of length `length` pooled to `out` cells, padded to the longest window K:
 * `index` [out, K] repeats a window's last cell past its end (a repeat leaves a max unchanged, and
 * its share of a tied max's gradient adds back up in gather's gradient); `weight` [out, K] is
 * 1 / window size on real cells and 0 on the repeats (the mean).
 */
function windows(length: number, out: number): { index: Int32Array; weight: Float64Array; k: number } {
  const start = (i: number): number => Math.floor((i * length) / out);
  const end = (i: number): number => Math.ceil(((i + 1) * length) / out);
  let k = 0;
  for (let i = 0; i < out; i++) k = Math.max(k, end(i) - start(i));
  const index = new Int32Array(out * k), weight = new Float64Array(out * k);
  for (let i = 0; i < out; i++) {
    const s = start(i), size = end(i) - s;
    for (let j = 0; j < k; j++) {
      index[i * k + j] = s + Math.min(j, size - 1);
      weight[i * k + j] = j < size ? 1 / size : 0;
    }
  }
  return { index, weight, k };
}

/** Pools axis `axis` of x down to `out` cells. */
function poolAxis(kind: "avg" | "max", x: Tensor, axis: number, out: number): Tensor {
  const { index, weight, k } = windows(x.shape[axis], out);
  const taken = gather(x, constant(index, [out, k], "int32"), axis);
  if (kind === "max") return max(taken, axis + 1);
  const w = reshape(constant(weight, [out, k], x.dtype), [out, k, ...new Array<number>(x.rank - 1 - axis).fill(1)]);
  return sum(mul(taken, w), axis + 1);
}

function adaptivePool(op: string, kind: "avg" | "max", inputs: Input, outputSize: SpatialSize, dataFormat: KerasDataFormat): Tensor {
  const x0 = toTensor(inputs, op, "inputs");
  const n = spatialRank(op, x0, [1, 2, 3]);
  const sizes = perAxis(op, "outputSize", outputSize, n);
  if (kind === "avg" && !isFloatDType(x0.dtype)) {
    throw new TypeError(`ops.${op}: inputs must be float (float32 or float64) to be averaged, got ${x0.dtype}; cast them first, e.g. ops.cast(x, "float32")`);
  }
  return inLayout(x0, channelsFirst(op, dataFormat), (x) => {
    const empty = x.shape.slice(1, 1 + n).findIndex((d) => d === 0);
    if (empty >= 0) throw new RangeError(`ops.${op}: spatial axis ${empty} of the inputs ${shapeText(x0.shape)} is empty; every spatial axis needs at least one cell to pool`);
    let y = x;
    for (let a = 0; a < n; a++) y = poolAxis(kind, y, a + 1, sizes[a]);
    return y;
  });
}

/** Keras records the data format it resolved (config.image_data_format() for null). */
const recorded = (className: string) => (x: unknown, outputSize: unknown, dataFormat: unknown = null) =>
  sym.symbolicOp(className, [x], { output_size: sym.jsonCopy(outputSize), data_format: dataFormat ?? imageDataFormat() });

/** keras.ops.adaptive_average_pool(inputs, output_size, data_format): the mean of each adaptive window. */
function adaptiveAveragePoolEager(inputs: Input, outputSize: SpatialSize, dataFormat: KerasDataFormat = null): Tensor {
  return adaptivePool("adaptiveAveragePool", "avg", inputs, outputSize, dataFormat);
}
export const adaptiveAveragePool = sym.withSymbolic(adaptiveAveragePoolEager, recorded("AdaptiveAveragePool"));

/** keras.ops.adaptive_max_pool(inputs, output_size, data_format): the maximum of each adaptive window. */
function adaptiveMaxPoolEager(inputs: Input, outputSize: SpatialSize, dataFormat: KerasDataFormat = null): Tensor {
  return adaptivePool("adaptiveMaxPool", "max", inputs, outputSize, dataFormat);
}
export const adaptiveMaxPool = sym.withSymbolic(adaptiveMaxPoolEager, recorded("AdaptiveMaxPool"));
