/**
 * keras.ops.image.scale_and_translate (Keras 3.15, after jax.image.scale_and_translate): resampling
 * along chosen axes by a scale and a translation, one [in, out] weight matrix per axis applied by
 * a matrix product, so the gradient with respect to the images is the product's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { cast, clipByValue, round } from "./math.js";
import { max, min } from "./reduce.js";
import { reshape, transpose } from "./shape.js";
import { matmul } from "./matmul.js";
import * as sym from "./symbolic.js";

export type ScaleAndTranslateMethod = "linear" | "bilinear" | "trilinear" | "cubic" | "bicubic" | "tricubic" | "lanczos3" | "lanczos5";

const triangle = (x: number): number => Math.max(0, 1 - Math.abs(x));
const keysCubic = (x: number): number => (x >= 2 ? 0 : x >= 1 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : ((1.5 * x - 2.5) * x) * x + 1);
const lanczos = (radius: number) => (x: number): number => {
  if (x > radius) return 0;
  if (x <= 1e-3) return 1;
  return (radius * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / radius)) / (Math.PI * Math.PI * x * x);
};

const KERNELS: Readonly<Record<ScaleAndTranslateMethod, (x: number) => number>> = {
  linear: triangle, bilinear: triangle, trilinear: triangle,
  cubic: keysCubic, bicubic: keysCubic, tricubic: keysCubic,
  lanczos3: lanczos(3), lanczos5: lanczos(5),
};

/**
 * The [inSize, outSize] weights of one axis: output o samples the input at
 * (o + 0.5) / scale - translation / scale - 0.5, each input i weighted by kernel(|sample - i| / k)
 * (k = max(1 / scale, 1) when antialiasing, else 1), normalized per output; outputs whose sample
 * lies outside [-0.5, inSize - 0.5] get no weight (zero), as Keras' _compute_weight_mat.
 */
function weightMatrix(inSize: number, outSize: number, scale: number, translation: number, kernel: (x: number) => number, antialias: boolean): number[][] {
  const inv = 1 / scale;
  const kernelScale = antialias ? Math.max(inv, 1) : 1;
  const w = Array.from({ length: inSize }, () => new Array<number>(outSize).fill(0));
  for (let o = 0; o < outSize; o++) {
    const sample = (o + 0.5) * inv - translation * inv - 0.5;
    if (!(sample >= -0.5 && sample <= inSize - 0.5)) continue;
    let total = 0;
    for (let i = 0; i < inSize; i++) total += w[i][o] = kernel(Math.abs(sample - i) / kernelScale);
    // Keras zeroes a column whose weights sum to about nothing rather than dividing by it.
    for (let i = 0; i < inSize; i++) w[i][o] = Math.abs(total) > 1000 * 2 ** -23 ? w[i][o] / total : 0;
  }
  return w;
}

function numbers(op: string, name: string, v: Input | readonly number[], n: number): number[] {
  const values = Array.isArray(v) ? v as readonly unknown[] : Array.from(toTensor(v as Input, op, name).dataSync() as ArrayLike<number | bigint>, Number);
  if (values.length !== n || !values.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new RangeError(`${op}: ${name} must hold ${n} finite numbers (one per spatial dimension), got ${valueText(values)}`);
  }
  return values as number[];
}

export interface ScaleAndTranslateOptions {
  /** Whether downsampling widens the kernel (an antialiasing filter). Default true. */
  antialias?: boolean;
}

/**
 * keras.ops.image.scale_and_translate(images, output_shape, scale, translation, spatial_dims,
 * method, antialias): an output of outputShape (the images' rank) whose axes spatialDims are
 * resampled from the input, output point y reading input point (y - translation) / scale with
 * half-centered pixels; other axes keep their size (their outputShape entry may be null, so that a
 * functional model's unknown batch size can stay open). Points sampled outside the input are 0.
 * Integer images are resampled in float32, rounded and clipped to their own min and max, as Keras.
 */
function scaleAndTranslateEager(imagesIn: Input, outputShape: readonly (number | null)[], scaleIn: Input | readonly number[], translationIn: Input | readonly number[],
  spatialDims: readonly number[], method: ScaleAndTranslateMethod, opts: ScaleAndTranslateOptions = {}): Tensor {
  const op = "image.scaleAndTranslate";
  const x0 = toTensor(imagesIn, op, "images");
  const kernel = typeof method === "string" ? KERNELS[method as ScaleAndTranslateMethod] : undefined;
  if (kernel === undefined) throw new RangeError(`${op}: method ${valueText(method)} is not supported; use one of ${Object.keys(KERNELS).map((m) => `"${m}"`).join(", ")}`);
  if (!Array.isArray(outputShape) || outputShape.length !== x0.rank || !outputShape.every((d) => d === null || (Number.isInteger(d) && d >= 0))) {
    throw new RangeError(`${op}: outputShape must list ${x0.rank} sizes (one per axis of images ${shapeText(x0.shape)}), got ${valueText(outputShape)}`);
  }
  if (!Array.isArray(spatialDims) || !spatialDims.every((d) => Number.isInteger(d))) throw new TypeError(`${op}: spatialDims must be a list of axes, got ${valueText(spatialDims)}`);
  const dims = spatialDims.map((d) => normalizeAxis(d, x0.rank, op));
  if (new Set(dims).size !== dims.length) throw new RangeError(`${op}: spatialDims ${valueText(spatialDims)} names an axis twice`);
  x0.shape.forEach((size, axis) => {
    if (!dims.includes(axis) && outputShape[axis] !== null && outputShape[axis] !== size) {
      throw new RangeError(`${op}: axis ${axis} is not in spatialDims ${valueText(spatialDims)}, so outputShape[${axis}] must keep its size ${size}, got ${outputShape[axis]}`);
    }
  });
  const scale = numbers(op, "scale", scaleIn, dims.length), translation = numbers(op, "translation", translationIn, dims.length);
  if (scale.some((s) => s === 0)) throw new RangeError(`${op}: scale ${valueText(scale)} has a 0; every scale must be nonzero`);
  const antialias = opts.antialias ?? true;
  const integer = x0.dtype !== "float32" && x0.dtype !== "float64";
  let out = integer ? cast(x0, "float32") : x0;
  dims.forEach((axis, i) => {
    const m = x0.shape[axis], n = outputShape[axis];
    if (n === null) throw new RangeError(`${op}: outputShape[${axis}] is null but axis ${axis} is in spatialDims; give its output size`);
    const w = constant(weightMatrix(m, n, scale[i], translation[i], kernel, antialias), [m, n], out.dtype);
    // Moves the axis last, multiplies by the weights and moves it back.
    const order = [...out.shape.keys()].filter((a) => a !== axis).concat(axis);
    const moved = transpose(out, order);
    const lead = moved.shape.slice(0, -1);
    const resampled = reshape(matmul(reshape(moved, [-1, m]), w), [...lead, n]);
    const back = order.map((_, k) => order.indexOf(k));
    out = transpose(resampled, back);
  });
  if (!integer) return out;
  const lo = Number(min(x0).dataSync()[0]), hi = Number(max(x0).dataSync()[0]);
  return cast(clipByValue(round(out), lo, hi), x0.dtype);
}

export const scaleAndTranslate = sym.withSymbolic(scaleAndTranslateEager, (images, outputShape, scale, translation, spatialDims, method, o = {}) =>
  sym.symbolicOp("ScaleAndTranslate", [images, [...outputShape], scale, translation], { spatial_dims: [...spatialDims], method, antialias: o.antialias ?? true }));
