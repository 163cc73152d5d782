/**
 * keras.ops.image's filters (Keras 3.15): gaussian_blur, sobel_edges and ssim. Each is a fixed
 * depthwise convolution, so their gradients with respect to the images come from the convolution's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant, range } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { add, cast, div, exp, mul, square, sub } from "./math.js";
import { mean, sum } from "./reduce.js";
import { reshape, stack, tile, transpose } from "./shape.js";
import { depthwiseConv2d } from "./conv.js";
import { checkImageOptions, checkImageRank, imageDataFormat, imageFromChannelsLast, imageToChannelsLast, type ImageDataFormat } from "./image_format.js";
import * as sym from "./symbolic.js";

/** A normalized 1-D Gaussian exp(-t^2 / (2 sigma^2)), t = i - (size - 1) / 2, in the images' dtype. */
function gaussian1d(size: number, sigma: number, like: Tensor): Tensor {
  const t = sub(range(0, size, 1, like.dtype), (size - 1) / 2);
  const k = exp(mul(-0.5, square(div(t, sigma))));
  return div(k, sum(k));
}

/** The same fixed [kh, kw] kernel applied to every channel of an NHWC batch. */
function perChannel(x: Tensor, kernel: Tensor, padding: "same" | "valid"): Tensor {
  const [kh, kw] = kernel.shape;
  return depthwiseConv2d(x, tile(reshape(kernel, [kh, kw, 1, 1]), [1, 1, x.shape[3], 1]), { strides: 1, padding });
}

/**
 * A Gaussian blur of an NHWC batch: the outer product of two normalized 1-D kernels (sizes and
 * sigmas [x, y]) over the zero-padded image, keeping its size (even sizes pad one more after).
 */
export function gaussianBlurNhwc(x: Tensor, [sizeX, sizeY]: readonly [number, number], [sigmaX, sigmaY]: readonly [number, number]): Tensor {
  const kernel = mul(reshape(gaussian1d(sizeY, sigmaY, x), [sizeY, 1]), reshape(gaussian1d(sizeX, sigmaX, x), [1, sizeX]));
  return perChannel(x, kernel, "same");
}

/** Runs an NHWC-batch function on a [h, w, c] or [n, h, w, c] image in either format. */
function onBatch(x: Tensor, format: ImageDataFormat, fn: (nhwc: Tensor) => Tensor): Tensor {
  const single = x.rank === 3;
  let b = imageToChannelsLast(x, format);
  if (single) b = reshape(b, [1, ...b.shape]);
  let y = fn(b);
  if (single) y = reshape(y, y.shape.slice(1));
  return imageFromChannelsLast(y, format);
}

function floatImages(op: string, imagesIn: Input, arg = "images"): Tensor {
  const x = toTensor(imagesIn, op, arg);
  return x.dtype === "float32" || x.dtype === "float64" ? x : cast(x, "float32");
}

function pairOf(op: string, name: string, v: unknown, ok: (n: number) => boolean, what: string): [number, number] {
  const p = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => typeof d === "number" && ok(d))) {
    throw new RangeError(`${op}: ${name} must be ${what} or a pair [x, y] of them, got ${valueText(v)}`);
  }
  return [p[0], p[1]];
}

export interface GaussianBlurOptions {
  /** The kernel's [x, y] sizes (Keras' order: the first is the width), or one size for both. Default [3, 3]. */
  kernelSize?: number | readonly [number, number];
  /** The kernel's [x, y] standard deviations, or one for both. Default [1, 1]. */
  sigma?: number | readonly [number, number];
  /** "channels_last" or "channels_first"; default config.imageDataFormat(). */
  dataFormat?: ImageDataFormat | null;
}

/**
 * keras.ops.image.gaussian_blur(images, kernel_size, sigma, data_format) on a [h, w, c] or
 * [n, h, w, c] image (channels_first: [c, h, w] or [n, c, h, w]): each channel convolved with the
 * outer product of two normalized Gaussians over the zero-padded image, as Keras' numpy backend.
 * Integer images are blurred in float32 and returned as float32.
 */
function gaussianBlurEager(imagesIn: Input, opts: GaussianBlurOptions = {}): Tensor {
  const op = "image.gaussianBlur";
  checkImageOptions(op, opts, ["kernelSize", "sigma", "dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const x = floatImages(op, imagesIn);
  checkImageRank(op, x, format);
  const size = pairOf(op, "kernelSize", opts.kernelSize ?? 3, (d) => Number.isInteger(d) && d > 0, "a positive integer");
  const sigma = pairOf(op, "sigma", opts.sigma ?? 1, (d) => Number.isFinite(d) && d > 0, "a positive number");
  return onBatch(x, format, (b) => gaussianBlurNhwc(b, size, sigma));
}

export const gaussianBlur = sym.withSymbolic(gaussianBlurEager, (images, o = {}) => sym.symbolicOp("GaussianBlur", [images], {
  kernel_size: sym.jsonCopy(o.kernelSize ?? [3, 3]), sigma: sym.jsonCopy(o.sigma ?? [1, 1]), data_format: o.dataFormat ?? null,
}));

export interface SobelEdgesOptions {
  /** "channels_last" or "channels_first"; default config.imageDataFormat(). */
  dataFormat?: ImageDataFormat | null;
}

const SOBEL_Y = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]];
const SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];

/**
 * keras.ops.image.sobel_edges(images, data_format) on a batch [n, h, w, c] (channels_first
 * [n, c, h, w]): the 3 x 3 Sobel responses [dy, dx] of every channel, stacked on a new last axis:
 * [n, h, w, c, 2] (channels_first [n, c, h, w, 2]). The image is zero-padded, as Keras' torch and
 * jax backends do (its numpy backend reflects the border instead, and TensorFlow's mirrors it).
 */
function sobelEdgesEager(imagesIn: Input, opts: SobelEdgesOptions = {}): Tensor {
  const op = "image.sobelEdges";
  checkImageOptions(op, opts, ["dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const x = floatImages(op, imagesIn);
  if (x.rank !== 4) {
    const layout = format === "channels_last" ? "[batch, height, width, channels]" : "[batch, channels, height, width]";
    throw new RangeError(`${op}: images must be a batch ${layout} (${format}), got shape ${shapeText(x.shape)}; add a batch axis to a single image (expandDims(image, 0))`);
  }
  const nhwc = imageToChannelsLast(x, format);
  const edges = stack([perChannel(nhwc, constant(SOBEL_Y, [3, 3], x.dtype), "same"), perChannel(nhwc, constant(SOBEL_X, [3, 3], x.dtype), "same")], -1);
  return format === "channels_last" ? edges : transpose(edges, [0, 3, 1, 2, 4]);
}

export const sobelEdges = sym.withSymbolic(sobelEdgesEager, (images, o = {}) => sym.symbolicOp("SobelEdges", [images], { data_format: o.dataFormat ?? null }));

export interface SsimOptions {
  /** The images' largest possible value (1 for [0, 1] images, 255 for [0, 255]). Default 1. */
  maxVal?: number;
  /** The Gaussian window's odd size. Default 11. */
  filterSize?: number;
  /** The Gaussian window's standard deviation. Default 1.5. */
  filterSigma?: number;
  /** The luminance stabilizer: c1 = (k1 maxVal)^2. Default 0.01. */
  k1?: number;
  /** The contrast stabilizer: c2 = (k2 maxVal)^2. Default 0.03. */
  k2?: number;
  /** "channels_last" or "channels_first"; default config.imageDataFormat(). */
  dataFormat?: ImageDataFormat | null;
}

function positive(op: string, name: string, v: unknown, integerOdd = false): number {
  const ok = typeof v === "number" && Number.isFinite(v) && v > 0 && (!integerOdd || (Number.isInteger(v) && v % 2 === 1));
  if (!ok) throw new RangeError(`${op}: ${name} must be a ${integerOdd ? "positive odd integer" : "positive number"}, got ${valueText(v)}`);
  return v as number;
}

/**
 * keras.ops.image.ssim(image1, image2, ...): the structural similarity of two images of the same
 * shape ([h, w, c] or [n, h, w, c]; channels_first [c, h, w] or [n, c, h, w]), Wang et al. 2004 as
 * Keras 3.15 computes it: Gaussian-windowed means, variances and covariance over the valid
 * positions of each channel, ((2 mu1 mu2 + c1)(2 s12 + c2)) / ((mu1^2 + mu2^2 + c1)(s1^2 + s2^2 + c2))
 * averaged over positions and then channels. One value per image ([n]), a scalar for single images,
 * in float32 (float64 if either image is): Keras casts it back to image1's dtype, which for integer
 * images would round every similarity to 0 or 1.
 */
function ssimEager(image1In: Input, image2In: Input, opts: SsimOptions = {}): Tensor {
  const op = "image.ssim";
  checkImageOptions(op, opts, ["maxVal", "filterSize", "filterSigma", "k1", "k2", "dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const a = floatImages(op, image1In, "image1"), b0 = floatImages(op, image2In, "image2");
  checkImageRank(op, a, format, "image1");
  checkImageRank(op, b0, format, "image2");
  if (shapeText(a.shape) !== shapeText(b0.shape)) {
    throw new RangeError(`${op}: image1 ${shapeText(a.shape)} and image2 ${shapeText(b0.shape)} must have the same shape`);
  }
  const maxVal = positive(op, "maxVal", opts.maxVal ?? 1);
  const size = positive(op, "filterSize", opts.filterSize ?? 11, true);
  const sigma = positive(op, "filterSigma", opts.filterSigma ?? 1.5);
  const k1 = opts.k1 ?? 0.01, k2 = opts.k2 ?? 0.03;
  for (const [name, k] of [["k1", k1], ["k2", k2]] as const) {
    if (typeof k !== "number" || !Number.isFinite(k) || k < 0) throw new RangeError(`${op}: ${name} must be a number >= 0, got ${valueText(k)}`);
  }
  const single = a.rank === 3;
  // Both images in one float dtype: float64 if either is, else float32 (integer images included).
  const dtype = a.dtype === "float64" || b0.dtype === "float64" ? "float64" : "float32";
  const nhwc = (t: Tensor): Tensor => {
    const c = imageToChannelsLast(t.dtype === dtype ? t : cast(t, dtype), format);
    return single ? reshape(c, [1, ...c.shape]) : c;
  };
  const x = nhwc(a), y = nhwc(b0);
  const [, h, w] = x.shape;
  if (h < size || w < size) throw new RangeError(`${op}: the images' ${h} x ${w} pixels are smaller than the ${size} x ${size} filter; use a smaller filterSize`);
  const g = gaussian1d(size, sigma, x);
  const kernel = mul(reshape(g, [size, 1]), reshape(g, [1, size]));
  const window = (t: Tensor): Tensor => perChannel(t, kernel, "valid");
  const c1 = (k1 * maxVal) ** 2, c2 = (k2 * maxVal) ** 2;
  const mu1 = window(x), mu2 = window(y);
  const mu1mu2 = mul(mu1, mu2), mu1sq = square(mu1), mu2sq = square(mu2);
  const s1 = sub(window(square(x)), mu1sq), s2 = sub(window(square(y)), mu2sq), s12 = sub(window(mul(x, y)), mu1mu2);
  const numerator = mul(add(mul(2, mu1mu2), c1), add(mul(2, s12), c2));
  const denominator = mul(add(add(mu1sq, mu2sq), c1), add(add(s1, s2), c2));
  const perImage = mean(div(numerator, denominator), [1, 2, 3]);
  return single ? reshape(perImage, []) : perImage;
}

export const ssim = sym.withSymbolic(ssimEager, (image1, image2, o = {}) => sym.symbolicOp("SSIM", [image1, image2], {
  max_val: o.maxVal ?? 1, filter_size: o.filterSize ?? 11, filter_sigma: o.filterSigma ?? 1.5, k1: o.k1 ?? 0.01, k2: o.k2 ?? 0.03, data_format: o.dataFormat ?? null,
}));
