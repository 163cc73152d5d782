/**
 * Keras' data_format for the keras.ops.image functions. ops cannot import layers/data_format.ts
 * (layers sit above ops), so the two-value check lives here for the image ops.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { checkOptionKeys } from "../tensor/option_keys.js";
import { type ImageDataFormat, standardizeDataFormat } from "../tensor/config.js";
import { transpose } from "./shape.js";

export type { ImageDataFormat };

/** Keras' standardize_data_format: undefined/null is the global config.imageDataFormat(). */
export function imageDataFormat(op: string, v: unknown): ImageDataFormat {
  return standardizeDataFormat(op, v);
}

/** Refuses anything but a single image (rank 3) or a batch (rank 4), as Keras does, naming the layout expected. */
export function checkImageRank(op: string, x: Tensor, format: ImageDataFormat, arg = "images"): void {
  if (x.rank === 3 || x.rank === 4) return;
  const layout = format === "channels_last" ? "[height, width, channels] or [batch, height, width, channels]" : "[channels, height, width] or [batch, channels, height, width]";
  throw new RangeError(`${op}: ${arg} must be a single image ${layout} (${format}), got shape ${shapeText(x.shape)}`);
}

/** The axes of height, width and channels of a rank-3 or rank-4 image in this format. */
export function imageAxes(rank: number, format: ImageDataFormat): { h: number; w: number; c: number } {
  return format === "channels_last" ? { h: rank - 3, w: rank - 2, c: rank - 1 } : { h: rank - 2, w: rank - 1, c: rank - 3 };
}

/** Moves a channels_first image's channel axis last (channels_last images pass unchanged). */
export function imageToChannelsLast(x: Tensor, format: ImageDataFormat): Tensor {
  if (format === "channels_last") return x;
  return transpose(x, x.rank === 4 ? [0, 2, 3, 1] : [1, 2, 0]);
}

/** The inverse of imageToChannelsLast. */
export function imageFromChannelsLast(y: Tensor, format: ImageDataFormat): Tensor {
  if (format === "channels_last") return y;
  return transpose(y, y.rank === 4 ? [0, 3, 1, 2] : [2, 0, 1]);
}

/**
 * Refuses option keys an image op does not take, naming the camelCase spelling of Keras'
 * snake_case argument (target_height -> targetHeight).
 */
export function checkImageOptions(op: string, opts: object, allowed: readonly string[]): void {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new TypeError(`${op}: options must be an object, got ${valueText(opts)}`);
  checkOptionKeys(op, opts, allowed);
}
