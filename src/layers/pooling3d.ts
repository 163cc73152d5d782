/**
 * Keras' 3-D pooling layers over volumes [batch, depth, height, width, channels] (or
 * [batch, channels, depth, height, width] with dataFormat "channels_first"): MaxPooling3D,
 * AveragePooling3D (strides default to the pool size; "same" averages divide by the real cells),
 * GlobalAveragePooling3D and GlobalMaxPooling3D ([batch, channels], or [batch, 1, 1, 1, channels]
 * with keepdims).
 */
import type { Tensor } from "../tensor/tensor.js";
import { max, mean } from "../ops/reduce.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { avgPool3d, maxPool3d } from "../ops/pool3d.js";
import { Layer, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { single } from "./core.js";
import { layerShapeText } from "./symbolic.js";
import { type KerasPadding, checkPadding, outSize } from "./convolutional.js";
import { type TripleArg, checkRank5, triple } from "./conv3d.js";
import {
  type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, callChannelsLast, checkDataFormat, shapeChannelsLast, volumeChannelAxis,
} from "./data_format.js";

export interface Pooling3DArgs extends DataFormatArgs {
  /** Default [2, 2, 2]. */
  poolSize?: TripleArg;
  /** Defaults to the pool size, as in Keras. */
  strides?: TripleArg | null;
  padding?: KerasPadding | "SAME" | "VALID";
}

const POOLING3D_OPTIONS = layerOptions<Pooling3DArgs>({ poolSize: true, strides: true, padding: true, ...DATA_FORMAT_OPTIONS });

abstract class Pooling3D extends Layer {
  readonly poolSize: [number, number, number];
  readonly strides: [number, number, number];
  readonly padding: KerasPadding;
  readonly dataFormat: DataFormat;

  constructor(args: Pooling3DArgs = {}) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.poolSize = triple(args.poolSize ?? 2, "poolSize", where);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : triple(args.strides, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  protected abstract pool(x: Tensor): Tensor;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    // The shape check names the layer and its input on tensors too, before the op would.
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.pool(xl), volumeChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank5(`${this.className} ${this.name}`, this.dataFormat, s);
    return shapeChannelsLast(this.dataFormat, s, (l) => {
      const out = l.slice(1, 4).map((n, i) => outSize(n, this.poolSize[i], this.strides[i], 1, this.padding));
      checkWindowOutput(`${this.className} ${this.name}`, () => `input ${layerShapeText(s)}`, {
        what: "pool", window: this.poolSize, strides: this.strides, padding: this.padding, out,
      });
      return [l[0], ...out, l[4]];
    }, volumeChannelAxis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: [...this.poolSize], padding: this.padding, strides: [...this.strides], data_format: this.dataFormat };
  }
}

export class MaxPooling3D extends Pooling3D {
  static readonly options = POOLING3D_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return maxPool3d(x, this.poolSize, this.strides, this.padding);
  }
}

export class AveragePooling3D extends Pooling3D {
  static readonly options = POOLING3D_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return avgPool3d(x, this.poolSize, this.strides, this.padding);
  }
}

export interface GlobalPooling3DArgs extends DataFormatArgs {
  /** Keep the spatial axes as size 1: (None, 1, 1, 1, c). Default false. */
  keepdims?: boolean;
}

const GLOBAL_OPTIONS = layerOptions<GlobalPooling3DArgs>({ keepdims: true, ...DATA_FORMAT_OPTIONS });

abstract class GlobalPooling3D extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;

  constructor(args: GlobalPooling3DArgs = {}) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.keepdims = booleanOption(where, "keepdims", args.keepdims, false);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  protected abstract pool(x: Tensor): Tensor;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    checkRank5(`${this.className} ${this.name}`, this.dataFormat, x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.pool(xl), volumeChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank5(`${this.className} ${this.name}`, this.dataFormat, s);
    return shapeChannelsLast(this.dataFormat, s, (l) => (this.keepdims ? [l[0], 1, 1, 1, l[4]] : [l[0], l[4]]), volumeChannelAxis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling3D extends GlobalPooling3D {
  static readonly options = GLOBAL_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return mean(x, [1, 2, 3], this.keepdims);
  }
}

export class GlobalMaxPooling3D extends GlobalPooling3D {
  static readonly options = GLOBAL_OPTIONS;
  protected pool(x: Tensor): Tensor {
    return max(x, [1, 2, 3], this.keepdims);
  }
}
