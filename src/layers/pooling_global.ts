/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D: the mean or maximum of each channel over all
 * rows and columns of NHWC images: (None, h, w, c) -> (None, c), or (None, 1, 1, c) with keepdims.
 */
import type { Tensor } from "../tensor/tensor.js";
import { max, mean } from "../ops/reduce.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";

export interface GlobalPooling2DArgs extends LayerArgs {
  /** Keep the spatial axes as size 1: (None, 1, 1, c). Default false. */
  keepdims?: boolean;
}

abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    this.keepdims = args.keepdims ?? false;
  }

  protected abstract pool(x: Tensor): Tensor;

  private check(shape: LayerShape): void {
    if (shape.length !== 4) {
      throw new RangeError(
        `${this.className} ${this.name}: expects inputs of rank 4 (batch, height, width, channels), got shape ${layerShapeText(shape)}; ` +
          `add a channel axis, e.g. layers.Reshape([28, 28, 1])`,
      );
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    return this.pool(x);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    this.check(s);
    return this.keepdims ? [s[0], 1, 1, s[3]] : [s[0], s[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: "channels_last", keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  static readonly options = layerOptions<GlobalPooling2DArgs>({ keepdims: true });
  protected pool(x: Tensor): Tensor {
    return mean(x, [1, 2], this.keepdims);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  static readonly options = layerOptions<GlobalPooling2DArgs>({ keepdims: true });
  protected pool(x: Tensor): Tensor {
    return max(x, [1, 2], this.keepdims);
  }
}
