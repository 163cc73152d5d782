/**
 * keras.ops.image.crop_images and pad_images: Keras' rule that, per axis, exactly two of
 * (start, end, target size) are given and the third is inferred; slice and pad do the work (and
 * the gradient).
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { pad, slice } from "./shape.js";
import { checkImageOptions, checkImageRank, imageAxes, imageDataFormat, type ImageDataFormat } from "./image_format.js";
import * as sym from "./symbolic.js";

export interface CropImagesOptions {
  /** Rows removed at the top. */
  topCropping?: number | null;
  /** Columns removed on the left. */
  leftCropping?: number | null;
  /** Rows removed at the bottom. */
  bottomCropping?: number | null;
  /** Columns removed on the right. */
  rightCropping?: number | null;
  /** Height of the result. */
  targetHeight?: number | null;
  /** Width of the result. */
  targetWidth?: number | null;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: ImageDataFormat | null;
}

export interface PadImagesOptions {
  /** Rows of zeros added at the top. */
  topPadding?: number | null;
  /** Columns of zeros added on the left. */
  leftPadding?: number | null;
  /** Rows of zeros added at the bottom. */
  bottomPadding?: number | null;
  /** Columns of zeros added on the right. */
  rightPadding?: number | null;
  /** Height of the result. */
  targetHeight?: number | null;
  /** Width of the result. */
  targetWidth?: number | null;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: ImageDataFormat | null;
}

type Given = Record<string, number | null | undefined>;

/** The two given of three named values along one axis, each a whole number >= 0; the third is null. */
function twoOfThree(op: string, given: Given, names: readonly [string, string, string]): (number | null)[] {
  const values = names.map((n) => given[n] ?? null);
  if (values.filter((v) => v === null).length !== 1) {
    throw new RangeError(
      `${op}: give exactly two of ${names.join(", ")} (the third is inferred), got ` + names.map((n, i) => `${n}=${valueText(values[i])}`).join(", "),
    );
  }
  values.forEach((v, i) => {
    if (v !== null && !(Number.isInteger(v) && v >= 0)) throw new RangeError(`${op}: ${names[i]} must be a whole number >= 0, got ${valueText(v)}`);
  });
  return values;
}

const CROP_OPTIONS = ["topCropping", "leftCropping", "bottomCropping", "rightCropping", "targetHeight", "targetWidth", "dataFormat"];

/**
 * tf.image.cropImages(images, opts): keras.ops.image.crop_images. Per axis give exactly two of
 * topCropping, bottomCropping, targetHeight (and of leftCropping, rightCropping, targetWidth);
 * e.g. `{ topCropping: 2, leftCropping: 3, targetHeight: 20, targetWidth: 30 }`. Single images or
 * batches, channels_last (default) or channels_first. Differentiable.
 */
function cropImagesEager(imagesIn: Input, opts: CropImagesOptions): Tensor {
  const op = "image.cropImages";
  checkImageOptions(op, opts, CROP_OPTIONS);
  const format = imageDataFormat(op, opts.dataFormat);
  const x = toTensor(imagesIn, op, "images");
  checkImageRank(op, x, format);
  const g = opts as Given;
  const [top, bottom, th] = twoOfThree(op, g, ["topCropping", "bottomCropping", "targetHeight"]);
  const [left, right, tw] = twoOfThree(op, g, ["leftCropping", "rightCropping", "targetWidth"]);
  const ax = imageAxes(x.rank, format);
  const window = (size: number, start: number | null, end: number | null, target: number | null, names: string): [number, number] => {
    const s = start ?? size - (target as number) - (end as number);
    const n = target ?? size - (end as number) - s;
    if (s < 0 || n < 0 || s + n > size) {
      throw new RangeError(
        `${op}: ${names} do not fit in an image of ${size} along that axis (shape ${shapeText(x.shape)}, ${format}): ` +
          `start ${s}, size ${n}; crop less or give a smaller target`,
      );
    }
    return [s, n];
  };
  const [hs, hn] = window(x.shape[ax.h], top, bottom, th, "topCropping, bottomCropping, targetHeight");
  const [ws, wn] = window(x.shape[ax.w], left, right, tw, "leftCropping, rightCropping, targetWidth");
  const begin = x.shape.map(() => 0), size = [...x.shape];
  begin[ax.h] = hs; size[ax.h] = hn;
  begin[ax.w] = ws; size[ax.w] = wn;
  return slice(x, begin, size);
}

const PAD_OPTIONS = ["topPadding", "leftPadding", "bottomPadding", "rightPadding", "targetHeight", "targetWidth", "dataFormat"];

/**
 * tf.image.padImages(images, opts): keras.ops.image.pad_images, zeros around single images or
 * batches. Per axis give exactly two of topPadding, bottomPadding, targetHeight (and of
 * leftPadding, rightPadding, targetWidth). channels_last (default) or channels_first. Differentiable.
 */
function padImagesEager(imagesIn: Input, opts: PadImagesOptions): Tensor {
  const op = "image.padImages";
  checkImageOptions(op, opts, PAD_OPTIONS);
  const format = imageDataFormat(op, opts.dataFormat);
  const x = toTensor(imagesIn, op, "images");
  checkImageRank(op, x, format);
  const g = opts as Given;
  const [top, bottom, th] = twoOfThree(op, g, ["topPadding", "bottomPadding", "targetHeight"]);
  const [left, right, tw] = twoOfThree(op, g, ["leftPadding", "rightPadding", "targetWidth"]);
  const ax = imageAxes(x.rank, format);
  const amounts = (size: number, before: number | null, after: number | null, target: number | null, names: string): [number, number] => {
    const b = before ?? (target as number) - (after as number) - size;
    const a = after ?? (target as number) - b - size;
    if (b < 0 || a < 0) {
      throw new RangeError(
        `${op}: ${names} leave ${b} before and ${a} after an image of ${size} along that axis (shape ${shapeText(x.shape)}, ${format}); ` +
          `padding must be >= 0: give a larger target or less padding (use cropImages to shrink)`,
      );
    }
    return [b, a];
  };
  const paddings: [number, number][] = x.shape.map(() => [0, 0]);
  paddings[ax.h] = amounts(x.shape[ax.h], top, bottom, th, "topPadding, bottomPadding, targetHeight");
  paddings[ax.w] = amounts(x.shape[ax.w], left, right, tw, "leftPadding, rightPadding, targetWidth");
  return pad(x, paddings);
}

/** cropImages, recording Keras' operation on symbolic tensors (see cropImagesEager). */
export const cropImages = sym.withSymbolic(cropImagesEager, (images, o) => sym.symbolicOp("CropImages", [images], { top_cropping: o.topCropping ?? null, left_cropping: o.leftCropping ?? null, bottom_cropping: o.bottomCropping ?? null, right_cropping: o.rightCropping ?? null, target_height: o.targetHeight ?? null, target_width: o.targetWidth ?? null, data_format: o.dataFormat ?? null }));

/** padImages, recording Keras' operation on symbolic tensors (see padImagesEager). */
export const padImages = sym.withSymbolic(padImagesEager, (images, o) => sym.symbolicOp("PadImages", [images], { top_padding: o.topPadding ?? null, left_padding: o.leftPadding ?? null, bottom_padding: o.bottomPadding ?? null, right_padding: o.rightPadding ?? null, target_height: o.targetHeight ?? null, target_width: o.targetWidth ?? null, data_format: o.dataFormat ?? null }));
