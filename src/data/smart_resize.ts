/** Keras' keras.preprocessing.image.smart_resize: images resized to a size without distorting their aspect ratio. */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { expandDims, squeeze, transpose } from "../ops/shape.js";
import { resize, type ResizeMethod } from "../ops/image.js";
import { cropToAspect } from "../layers/image_layer_common.js";

export interface SmartResizeOptions {
  /** tf.image.resize's method: "bilinear" (Keras' default), "nearest", "bicubic", "area", "lanczos3" or "lanczos5". */
  interpolation?: ResizeMethod;
  /** Where the channels are: "channels_last" (Keras' default here, whatever image_data_format says) or "channels_first". */
  dataFormat?: "channels_last" | "channels_first";
}

/**
 * keras.preprocessing.image.smart_resize: crops the largest centered window of the target's
 * aspect ratio out of each image, then resizes it to `size` [height, width], so that images of
 * different sizes can be batched undistorted. Takes one image [h, w, c] or a batch [n, h, w, c]
 * ([c, h, w] / [n, c, h, w] channels first); returns float values as tf.image.resize does.
 */
export function smartResize(x: Tensor, size: readonly [number, number], options: SmartResizeOptions = {}): Tensor {
  const where = "preprocessing.image.smartResize";
  if (!(x instanceof Tensor)) throw new TypeError(`${where}: expected an image tensor [height, width, channels], got ${valueText(x)}`);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${where}: size must be [height, width], two positive integers, got ${valueText(size)}`);
  }
  if (x.rank < 3 || x.rank > 4) {
    throw new RangeError(`${where}: expected an image [height, width, channels] or a batch [batch, height, width, channels], got shape ${shapeText(x.shape)}; add a channels axis to a grayscale image (tf.expandDims(x, -1))`);
  }
  const dataFormat = options.dataFormat ?? "channels_last";
  if (dataFormat !== "channels_last" && dataFormat !== "channels_first") {
    throw new RangeError(`${where}: dataFormat must be "channels_last" or "channels_first", got ${valueText(dataFormat)}`);
  }
  const [height, width] = size;
  let batch = x.rank === 3 ? expandDims(x, 0) : x;
  if (dataFormat === "channels_first") batch = transpose(batch, [0, 2, 3, 1]);
  let out = resize(cropToAspect(batch, height, width), [height, width], { method: options.interpolation ?? "bilinear" });
  if (dataFormat === "channels_first") out = transpose(out, [0, 3, 1, 2]);
  return x.rank === 3 ? squeeze(out, 0) : out;
}
