/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D: the mean or maximum of each channel over all
 * rows and columns of NHWC images: (None, h, w, c) -> (None, c), or (None, 1, 1, c) with keepdims;
 * with dataFormat "channels_first", (None, c, h, w) -> (None, c), or (None, c, 1, 1).
 */
import type { Tensor } from "../tensor/tensor.js";
import { max, mean } from "../ops/reduce.js";
import { Layer, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, batchChannelAxis, callChannelsLast, checkDataFormat, layoutText, shapeChannelsLast } from "./data_format.js";

export interface GlobalPooling2DArgs extends DataFormatArgs {
  /** Keep the spatial axes as size 1: (None, 1, 1, c). Default false. */
  keepdims?: boolean;
}

abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.keepdims = booleanOption(where, "keepdims", args.keepdims, false);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  protected abstract pool(x: Tensor): Tensor;

  private check(shape: LayerShape): void {
    if (shape.length !== 4) {
      throw new RangeError(
        `${this.className} ${this.name}: expects inputs of rank 4 ${layoutText(this.dataFormat)}, got shape ${layerShapeText(shape)}; ` +
          `add a channel axis, e.g. layers.Reshape(${this.dataFormat === "channels_first" ? "[1, 28, 28]" : "[28, 28, 1]"})`,
      );
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.pool(xl), batchChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    this.check(s);
    return shapeChannelsLast(this.dataFormat, s, (l) => (this.keepdims ? [l[0], 1, 1, l[3]] : [l[0], l[3]]), batchChannelAxis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  static readonly options = layerOptions<GlobalPooling2DArgs>({ keepdims: true, ...DATA_FORMAT_OPTIONS });
  protected pool(x: Tensor): Tensor {
    return mean(x, [1, 2], this.keepdims);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  static readonly options = layerOptions<GlobalPooling2DArgs>({ keepdims: true, ...DATA_FORMAT_OPTIONS });
  protected pool(x: Tensor): Tensor {
    return max(x, [1, 2], this.keepdims);
  }
}
