/**
 * OP_SPECS entries for Keras 3.5's image operations (RGBToGrayscale ... CropImages), signal
 * operations (FFT ... ExtractSequences), CTCDecode, and the numpy/nn/math/core operations
 * Quantile, Bincount, Meshgrid, NanToNum, Digitize, Vdot, Copy, Array, PSNR, InTopK, Scatter,
 * ScatterUpdate, SliceUpdate: the class names, modules and config keys Keras writes, and how
 * lamina runs each on tensors.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { imageDataFormat } from "../tensor/config.js";
import { rgbToGrayscale } from "../ops/image.js";
import { rgbToHsv, hsvToRgb } from "../ops/image_color.js";
import { cropImages, padImages } from "../ops/image_crop_pad.js";
import { extractPatches, extractPatches3d } from "../ops/image_patches.js";
import { affineTransform, mapCoordinates, type MapFillMode } from "../ops/image_map.js";
import { fft, fft2, rfft, irfft, type ComplexPair } from "../ops/signal.js";
import { extractSequences } from "../ops/signal_frames.js";
import { stft, istft, type StftWindow } from "../ops/signal_stft.js";
import { ctcDecode } from "../ops/ctc_decode.js";
import { quantile, type QuantileMethod } from "../ops/quantile.js";
import { meshgrid } from "../ops/arrange.js";
import { nanToNum } from "../ops/math.js";
import { digitize } from "../ops/search.js";
import { clone } from "../ops/shape.js";
import { psnr } from "../ops/normalize.js";
import { inTopK } from "../ops/sort.js";
import { sliceUpdate } from "../ops/scatter.js";
import { scatter, scatterUpdate } from "../ops/keras_numpy.js";
import { bincount, array } from "../ops/keras_ops.js";
import { vdot } from "../ops/keras_promoted.js";
import type { DType } from "../tensor/dtype.js";
import type { ImageDataFormat } from "../ops/image_format.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const IMAGE = "keras.src.ops.image";
const MATH = "keras.src.ops.math";
const NN = "keras.src.ops.nn";
const NUMPY = "keras.src.ops.numpy";
const CORE = "keras.src.ops.core";

type T = Tensor;
const format = (c: OpConfig): ImageDataFormat | null => c.data_format as ImageDataFormat | null;
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : (v as number));

function spec(module: string, keys: readonly string[], run: OpSpec["run"], extra: Partial<OpSpec> = {}): OpSpec {
  return { module, keys, run, ...extra };
}

/** RGBToGrayscale: lamina's rgbToGrayscale weighs the last axis, so channels_first is refused. */
function runGrayscale(a: readonly unknown[], c: OpConfig, where: string): T {
  const f = c.data_format ?? imageDataFormat();
  if (f !== "channels_last") throw new RangeError(`${where}: data_format ${valueText(f)} is not supported; lamina's rgbToGrayscale takes channels_last images (transpose them first)`);
  return rgbToGrayscale(a[0] as T);
}

export const OPS4_SPECS: readonly (readonly [string, OpSpec])[] = [
  ["RGBToGrayscale", spec(IMAGE, ["data_format"], runGrayscale)],
  ["RGBToHSV", spec(IMAGE, ["data_format"], (a, c) => rgbToHsv(a[0] as T, { dataFormat: format(c) }))],
  ["HSVToRGB", spec(IMAGE, ["data_format"], (a, c) => hsvToRgb(a[0] as T, { dataFormat: format(c) }))],
  // Keras 3.15 records extract_patches_3d as the same operation with a 3-D size.
  ["ExtractPatches", spec(IMAGE, ["size", "strides", "dilation_rate", "padding", "data_format"], (a, c) => {
    const padding = (c.padding ?? "valid") as "valid" | "same", dilationRate = c.dilation_rate ?? 1;
    if (Array.isArray(c.size) && c.size.length === 3) {
      return extractPatches3d(a[0] as T, c.size as [number, number, number], {
        strides: c.strides as number | [number, number, number] | null, dilationRate: dilationRate as number | [number, number, number], padding, dataFormat: format(c),
      });
    }
    return extractPatches(a[0] as T, c.size as number | [number, number], {
      strides: c.strides as number | [number, number] | null, dilationRate: dilationRate as number | [number, number], padding, dataFormat: format(c),
    });
  })],
  ["AffineTransform", spec(IMAGE, ["interpolation", "fill_mode", "fill_value", "data_format"], (a, c) =>
    affineTransform(a[0] as T, a[1] as T, {
      interpolation: (c.interpolation ?? "bilinear") as "bilinear" | "nearest", fillMode: (c.fill_mode ?? "constant") as MapFillMode,
      fillValue: num(c.fill_value), dataFormat: format(c),
    }))],
  ["MapCoordinates", spec(IMAGE, ["order", "fill_mode", "fill_value"], (a, c) =>
    mapCoordinates(a[0] as T, a[1] as T | T[], c.order as 0 | 1, { fillMode: (c.fill_mode ?? "constant") as MapFillMode, fillValue: num(c.fill_value) }))],
  ["PadImages", spec(IMAGE, ["top_padding", "left_padding", "bottom_padding", "right_padding", "target_height", "target_width", "data_format"], (a, c) =>
    padImages(a[0] as T, {
      topPadding: c.top_padding as number | null, leftPadding: c.left_padding as number | null, bottomPadding: c.bottom_padding as number | null,
      rightPadding: c.right_padding as number | null, targetHeight: c.target_height as number | null, targetWidth: c.target_width as number | null, dataFormat: format(c),
    }))],
  ["CropImages", spec(IMAGE, ["top_cropping", "left_cropping", "bottom_cropping", "right_cropping", "target_height", "target_width", "data_format"], (a, c) =>
    cropImages(a[0] as T, {
      topCropping: c.top_cropping as number | null, leftCropping: c.left_cropping as number | null, bottomCropping: c.bottom_cropping as number | null,
      rightCropping: c.right_cropping as number | null, targetHeight: c.target_height as number | null, targetWidth: c.target_width as number | null, dataFormat: format(c),
    }))],
  ["FFT", spec(MATH, [], (a) => fft(a[0] as ComplexPair), { nameKey: false })],
  ["FFT2", spec(MATH, [], (a) => fft2(a[0] as ComplexPair), { nameKey: false })],
  ["RFFT", spec(MATH, ["fft_length"], (a, c) => rfft(a[0] as T, c.fft_length as number | null))],
  ["IRFFT", spec(MATH, ["fft_length"], (a, c) => irfft(a[0] as ComplexPair, c.fft_length as number | null))],
  ["STFT", spec(MATH, ["sequence_length", "sequence_stride", "fft_length", "window", "center"], (a, c) =>
    stft(a[0] as T, c.sequence_length as number, c.sequence_stride as number, c.fft_length as number, { window: c.window as StftWindow, center: (c.center ?? true) as boolean }))],
  // Keras 3.5's istft leaves length out of the op it records; a config that has it (Keras' ISTFT takes it) keeps it.
  ["ISTFT", spec(MATH, ["sequence_length", "sequence_stride", "fft_length", "length", "window", "center"], (a, c) =>
    istft(a[0] as ComplexPair, c.sequence_length as number, c.sequence_stride as number, c.fft_length as number, {
      length: c.length as number | null, window: c.window as StftWindow, center: (c.center ?? true) as boolean,
    }), { omitNull: ["length"] })],
  ["ExtractSequences", spec(MATH, ["sequence_length", "sequence_stride"], (a, c) => extractSequences(a[0] as T, c.sequence_length as number, c.sequence_stride as number))],
  ["CTCDecode", spec(NN, ["strategy", "beam_width", "top_paths", "merge_repeated", "mask_index"], (a, c) =>
    ctcDecode(a[0] as T, a[1] as T, {
      strategy: c.strategy as "greedy" | "beam_search", beamWidth: c.beam_width as number, topPaths: c.top_paths as number,
      mergeRepeated: c.merge_repeated as boolean, maskIndex: c.mask_index as number,
    }))],
  ["Quantile", spec(NUMPY, ["axis", "method", "keepdims"], (a, c) =>
    quantile(a[0] as T, a[1] as number | T, c.axis as number | number[] | null, (c.method ?? "linear") as QuantileMethod, (c.keepdims ?? false) as boolean))],
  ["Bincount", spec(NUMPY, ["weights", "minlength", "sparse"], (a, c, w) => {
    if (c.weights !== null) throw new TypeError(`${w}: config weights ${valueText(c.weights)} is not supported; lamina runs Bincount with weights null`);
    return bincount(a[0] as T, null, (c.minlength ?? 0) as number, (c.sparse ?? false) as boolean);
  }, { valueSized: true })],
  ["Meshgrid", spec(NUMPY, ["indexing"], (a, c) => meshgrid(...(a as T[]), { indexing: (c.indexing ?? "xy") as "xy" | "ij" }))],
  ["NanToNum", spec(NUMPY, ["nan", "posinf", "neginf"], (a, c) => nanToNum(a[0] as T, { nan: num(c.nan), posinf: num(c.posinf), neginf: num(c.neginf) }))],
  ["Digitize", spec(NUMPY, [], (a) => digitize(a[0] as T, a[1] as T))],
  ["Vdot", spec(NUMPY, [], (a) => vdot(a[0] as T, a[1] as T))],
  ["Copy", spec(NUMPY, [], (a) => clone(a[0] as T))],
  ["Array", spec(NUMPY, [], (a, _c, _w, kw) => array(a[0] as T, (kw.dtype ?? null) as DType | null))],
  ["PSNR", spec(NN, ["max_val"], (a, c) => psnr(a[0] as T, a[1] as T, c.max_val as number))],
  ["InTopK", spec(MATH, ["k"], (a, c) => inTopK(a[0] as T, a[1] as T, c.k as number))],
  ["Scatter", spec(CORE, [], (a) => scatter(a[0] as T, a[1] as T, a[2] as number[]))],
  ["ScatterUpdate", spec(CORE, [], (a) => scatterUpdate(a[0] as T, a[1] as T, a[2] as T))],
  ["SliceUpdate", spec(CORE, [], (a) => sliceUpdate(a[0] as T, a[1] as number[], a[2] as T))],
];
