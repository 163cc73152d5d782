/**
 * Keras' `data_format` for the image and sequence (1-D) layers. lamina's ops and kernels work on
 * channels_last (NHWC, NWC) only, so a channels_first (NCHW, NCW) layer moves the channel axis to the end before its
 * NHWC computation and back after it, here, in one place. Weights keep Keras' layouts, which do
 * not depend on data_format (a Conv2D kernel is [kh, kw, in, out] either way), so a Keras
 * channels_first model's weights load unchanged.
 */
import type { Tensor } from "../tensor/tensor.js";
import { transpose } from "../ops/shape.js";
import { standardizeDataFormat } from "../tensor/config.js";
import type { LayerArgs, LayerShape } from "./layer.js";

export type DataFormat = "channels_last" | "channels_first";

export interface DataFormatArgs extends LayerArgs {
  /**
   * "channels_last" (inputs [batch, height, width, channels]; the default unless config.setImageDataFormat changed it) or "channels_first"
   * ([batch, channels, height, width]), as Keras' data_format; for the 1-D layers [batch, steps,
   * channels] or [batch, channels, steps]. Any letter case.
   */
  dataFormat?: DataFormat | null;
}

/** DataFormatArgs' option, for the option lists (layerOptions) of the layers that take it. */
export const DATA_FORMAT_OPTIONS = { dataFormat: true } as const satisfies Record<Exclude<keyof DataFormatArgs, keyof LayerArgs>, true>;

/**
 * Keras' standardize_data_format: null or undefined is the global config.imageDataFormat()
 * ("channels_last" unless setImageDataFormat changed it), a string is lower-cased and must be one of the two.
 */
export function checkDataFormat(where: string, v: unknown): DataFormat {
  return standardizeDataFormat(where, v, "inputs");
}

/**
 * The channel axis of a channels_first image of this rank: 1 in a batch [n, c, h, w], 0 in a
 * single image [c, h, w]; null for other ranks, which are left as they are so that the layer's
 * own rank check reports the shape the user passed.
 */
export function imageChannelAxis(rank: number): number | null {
  return rank === 3 || rank === 4 ? rank - 3 : null;
}

/** The channel axis for layers that take batches [n, c, h, w] only (convolutions, pooling): 1 at rank 4, else null. */
export function batchChannelAxis(rank: number): number | null {
  return rank === 4 ? 1 : null;
}

/** The channel axis of a channels_first sequence batch [n, c, steps] (the 1-D layers): 1 at rank 3, else null. */
export function sequenceChannelAxis(rank: number): number | null {
  return rank === 3 ? 1 : null;
}

/** Where the channel axis of a channels_first input of a given rank is (null: leave the input as it is). */
export type ChannelAxisOf = (rank: number) => number | null;

/** The permutation that moves axis `axis` of a rank-`rank` array to the end. */
function toLastPerm(rank: number, axis: number): number[] {
  return [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
}

/** The permutation that moves the last axis of a rank-`rank` array to position `axis`. */
function fromLastPerm(rank: number, axis: number): number[] {
  const rest = Array.from({ length: rank - 1 }, (_, i) => i);
  return [...rest.slice(0, axis), rank - 1, ...rest.slice(axis)];
}

const permute = <T>(items: readonly T[], perm: readonly number[]): T[] => perm.map((i) => items[i]);

/**
 * x with its channel axis (`axis`, by default imageChannelAxis) moved to the end when the format
 * is channels_first; x itself otherwise.
 */
export function toChannelsLast(format: DataFormat, x: Tensor, axis: number | null = imageChannelAxis(x.rank)): Tensor {
  if (format === "channels_last" || axis === null || axis === x.rank - 1) return x;
  return transpose(x, toLastPerm(x.rank, axis));
}

/** The inverse of toChannelsLast: the last axis of y moved back to `axis` when the format is channels_first. */
export function fromChannelsLast(format: DataFormat, y: Tensor, axis: number | null = imageChannelAxis(y.rank)): Tensor {
  if (format === "channels_last" || axis === null || axis === y.rank - 1) return y;
  return transpose(y, fromLastPerm(y.rank, axis));
}

/** toChannelsLast for a shape. */
export function shapeToChannelsLast(format: DataFormat, s: LayerShape, axis: number | null = imageChannelAxis(s.length)): LayerShape {
  if (format === "channels_last" || axis === null || axis === s.length - 1) return s;
  return permute(s, toLastPerm(s.length, axis));
}

/** fromChannelsLast for a shape. */
export function shapeFromChannelsLast(format: DataFormat, s: LayerShape, axis: number | null = imageChannelAxis(s.length)): LayerShape {
  if (format === "channels_last" || axis === null || axis === s.length - 1) return s;
  return permute(s, fromLastPerm(s.length, axis));
}

/**
 * Runs a channels_last computation on an input in `format`. An output of the input's rank is an
 * image in the same layout and is moved back; any other (a pooled vector [n, c]) has no spatial
 * axes and is returned as it is, as Keras returns it.
 */
export function callChannelsLast(format: DataFormat, x: Tensor, body: (x: Tensor) => Tensor, axisOf: ChannelAxisOf = imageChannelAxis): Tensor {
  const axis = axisOf(x.rank);
  if (format === "channels_last" || axis === null) return body(x);
  const y = body(toChannelsLast(format, x, axis));
  return y.rank === x.rank ? fromChannelsLast(format, y, axis) : y;
}

/** callChannelsLast for computeOutputShape. */
export function shapeChannelsLast(
  format: DataFormat, s: LayerShape, body: (s: LayerShape) => LayerShape, axisOf: ChannelAxisOf = imageChannelAxis,
): LayerShape {
  const axis = axisOf(s.length);
  if (format === "channels_last" || axis === null) return body(s);
  const out = body(shapeToChannelsLast(format, s, axis));
  return out.length === s.length ? shapeFromChannelsLast(format, out, axis) : out;
}

/** The input axis a layer's weights are sized by (Keras' InputSpec axes): the channel axis of a rank-4 batch. */
export function channelWeightAxis(format: DataFormat): number {
  return format === "channels_first" ? 1 : -1;
}

/** How a rank-4 input is laid out, for error messages. */
export function layoutText(format: DataFormat): string {
  return format === "channels_first" ? "(batch, channels, height, width)" : "(batch, height, width, channels)";
}

/** The channel axis for the 3-D layers, which take batches [n, c, d, h, w] only: 1 at rank 5, else null. */
export function volumeChannelAxis(rank: number): number | null {
  return rank === 5 ? 1 : null;
}

/** How a rank-5 input is laid out, for error messages. */
export function volumeLayoutText(format: DataFormat): string {
  return format === "channels_first" ? "(batch, channels, depth, height, width)" : "(batch, depth, height, width, channels)";
}
