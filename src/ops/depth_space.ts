/**
 * keras.ops.depth_to_space and space_to_depth (Keras 3.15; pixel shuffle and unshuffle): a reshape,
 * a transpose and a reshape, laid out as Keras' numpy backend does, so gradients are those of the
 * three ops and each op is the other's inverse.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type ImageDataFormat, standardizeDataFormat } from "../tensor/config.js";
import { type Input, toTensor } from "./engine.js";
import { reshape, transpose } from "./shape.js";
import * as sym from "./symbolic.js";

/** Keras checks the block size before recording the operation, too. */
function checkBlock(op: string, blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new RangeError(`ops.${op}: blockSize must be an integer >= 2, got ${valueText(blockSize)}`);
}

function checked(op: string, xIn: Input, blockSize: number, dataFormat: string | null): { x: Tensor; r: number; format: ImageDataFormat } {
  const format = standardizeDataFormat(`ops.${op}`, dataFormat);
  checkBlock(op, blockSize);
  const x = toTensor(xIn, `ops.${op}`);
  if (x.rank !== 4) {
    throw new RangeError(`ops.${op}: x must be 4-D (${format === "channels_last" ? "[batch, height, width, channels]" : "[batch, channels, height, width]"}), got ${shapeText(x.shape)}`);
  }
  return { x, r: blockSize, format };
}

/** [N, H, W, C * r^2] to [N, H * r, W * r, C] (channels_first: [N, C * r^2, H, W] to [N, C, H * r, W * r]). */
function depthToSpaceEager(xIn: Input, blockSize: number, dataFormat: string | null = "channels_last"): Tensor {
  const { x, r, format } = checked("depthToSpace", xIn, blockSize, dataFormat);
  const last = format === "channels_last";
  const [n, h, w, c] = last ? x.shape : [x.shape[0], x.shape[2], x.shape[3], x.shape[1]];
  if (c % (r * r) !== 0) throw new RangeError(`ops.depthToSpace: the ${c} channels of x ${shapeText(x.shape)} must be divisible by blockSize^2 = ${r * r}`);
  const nc = c / (r * r);
  if (last) return reshape(transpose(reshape(x, [n, h, w, r, r, nc]), [0, 1, 3, 2, 4, 5]), [n, h * r, w * r, nc]);
  return reshape(transpose(reshape(x, [n, nc, r, r, h, w]), [0, 1, 4, 2, 5, 3]), [n, nc, h * r, w * r]);
}

/** [N, H * r, W * r, C] to [N, H, W, C * r^2] (channels_first: [N, C, H * r, W * r] to [N, C * r^2, H, W]). */
function spaceToDepthEager(xIn: Input, blockSize: number, dataFormat: string | null = "channels_last"): Tensor {
  const { x, r, format } = checked("spaceToDepth", xIn, blockSize, dataFormat);
  const last = format === "channels_last";
  const [n, h, w, c] = last ? x.shape : [x.shape[0], x.shape[2], x.shape[3], x.shape[1]];
  if (h % r !== 0 || w % r !== 0) throw new RangeError(`ops.spaceToDepth: the height ${h} and width ${w} of x ${shapeText(x.shape)} must be divisible by blockSize ${r}`);
  const [nh, nw] = [h / r, w / r];
  if (last) return reshape(transpose(reshape(x, [n, nh, r, nw, r, c]), [0, 1, 3, 2, 4, 5]), [n, nh, nw, c * r * r]);
  return reshape(transpose(reshape(x, [n, c, nh, r, nw, r]), [0, 1, 3, 5, 2, 4]), [n, c * r * r, nh, nw]);
}

/** keras.ops.depth_to_space(x, blockSize, dataFormat = "channels_last"); null is the global image data format. */
export const depthToSpace = sym.withSymbolic(depthToSpaceEager, (x, blockSize, dataFormat = "channels_last") => {
  checkBlock("depthToSpace", blockSize);
  return sym.symbolicOp("DepthToSpace", [x], { block_size: blockSize, data_format: standardizeDataFormat("ops.depthToSpace", dataFormat) });
});
/** keras.ops.space_to_depth(x, blockSize, dataFormat = "channels_last"); null is the global image data format. */
export const spaceToDepth = sym.withSymbolic(spaceToDepthEager, (x, blockSize, dataFormat = "channels_last") => {
  checkBlock("spaceToDepth", blockSize);
  return sym.symbolicOp("SpaceToDepth", [x], { block_size: blockSize, data_format: standardizeDataFormat("ops.spaceToDepth", dataFormat) });
});
