/**
 * Keras' 1-D poolings over [batch, steps, channels] (or [batch, channels, steps] with dataFormat
 * "channels_first", moved to channels_last and back by data_format.ts): MaxPooling1D and AveragePooling1D (run as
 * the 2-D poolings on a [batch, 1, steps, channels] view with a [1, poolSize] window), and
 * GlobalAveragePooling1D / GlobalMaxPooling1D (the mean or maximum over the steps).
 */
import type { Tensor } from "../tensor/tensor.js";
import { avgPool, maxPool } from "../ops/pool.js";
import { max, mean, sum } from "../ops/reduce.js";
import { cast, div, mul } from "../ops/math.js";
import { expandDims } from "../ops/shape.js";
import { shapeText } from "../tensor/shape.js";
import { type CallOptions, Layer, type LayerShape, type Mask, booleanOption, layerOptions } from "./layer.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, callChannelsLast, checkDataFormat, sequenceChannelAxis, shapeChannelsLast } from "./data_format.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { singleMask } from "./call_context.js";
import { checkWindowOutput } from "../ops/window_size.js";
import { type Size1DArg, as2D, checkRank3, from2D, padding1D, size1D } from "./conv1d.js";

export interface Pooling1DArgs extends DataFormatArgs {
  /** Window length. Default 2. */
  poolSize?: Size1DArg;
  /** Defaults to the pool size, as in Keras. */
  strides?: Size1DArg | null;
  padding?: "valid" | "same" | "VALID" | "SAME";
}

const POOLING1D_OPTIONS = layerOptions<Pooling1DArgs>({ poolSize: true, strides: true, padding: true, ...DATA_FORMAT_OPTIONS });

abstract class Pooling1D extends Layer {
  readonly dataFormat: DataFormat;
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: "valid" | "same";

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.poolSize = size1D(args.poolSize ?? 2, "poolSize", where);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : size1D(args.strides, "strides", where);
    this.padding = padding1D(args.padding, where, false) as "valid" | "same";
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  protected abstract pool(x2: Tensor): Tensor;

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    // The shape check names the layer and its input on tensors too, before the op would.
    this.computeOutputShape(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => from2D(this.pool(as2D(xl))), sequenceChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank3(`${this.className} ${this.name}`, s);
    return shapeChannelsLast(this.dataFormat, s, (l) => this.stepsOutputShape(l, s), sequenceChannelAxis);
  }

  private stepsOutputShape(s: LayerShape, given: LayerShape): LayerShape {
    const n = s[1];
    if (n === null) return [s[0], null, s[2]];
    const out = this.padding === "same" ? Math.ceil(n / this.strides) : Math.floor((n - this.poolSize) / this.strides) + 1;
    checkWindowOutput(`${this.className} ${this.name}`, () => `input ${layerShapeText(given)}`, {
      what: "pool", window: [this.poolSize], strides: [this.strides], padding: this.padding, out: [out],
    });
    return [s[0], out, s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: [this.poolSize], padding: this.padding, strides: [this.strides], data_format: this.dataFormat };
  }
}

/** The maximum of each window of `poolSize` steps. */
export class MaxPooling1D extends Pooling1D {
  static readonly options = POOLING1D_OPTIONS;
  protected pool(x2: Tensor): Tensor {
    return maxPool(x2, [1, this.poolSize], [1, this.strides], this.padding);
  }
}

/** The mean of each window of `poolSize` steps; with "same", of the window's real (unpadded) steps, as TensorFlow. */
export class AveragePooling1D extends Pooling1D {
  static readonly options = POOLING1D_OPTIONS;
  protected pool(x2: Tensor): Tensor {
    return avgPool(x2, [1, this.poolSize], [1, this.strides], this.padding);
  }
}

export interface GlobalPooling1DArgs extends DataFormatArgs {
  /** Keep the steps axis as size 1: (None, 1, channels). Default false. */
  keepdims?: boolean;
}

abstract class GlobalPooling1D extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;

  constructor(args: GlobalPooling1DArgs = {}) {
    super(args);
    const where = `${new.target.name} ${this.name}`;
    this.keepdims = booleanOption(where, "keepdims", args.keepdims, false);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  /** Pools channels_last [batch, steps, channels]; `mask` ([batch, steps] bool) is given only to a layer that supports masking. */
  protected abstract pool(x: Tensor, mask: Tensor | null): Tensor;

  call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor {
    const mask = this.supportsMasking ? singleMask(this, opts.mask) : null;
    return callChannelsLast(this.dataFormat, single(inputs, this), (x) => {
      checkRank3(`${this.className} ${this.name}`, x.shape);
      if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1])) {
        throw new RangeError(`${this.className} ${this.name}: the mask must have shape [${x.shape[0]}, ${x.shape[1]}] (batch, steps), got ${shapeText(mask.shape)}`);
      }
      return this.pool(x, mask);
    }, sequenceChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return shapeChannelsLast(this.dataFormat, s, (l) => {
      checkRank3(`${this.className} ${this.name}`, l);
      return this.keepdims ? [l[0], 1, l[2]] : [l[0], l[2]];
    }, sequenceChannelAxis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * The mean of each channel over the steps: (None, steps, c) -> (None, c). With a mask (Embedding's
 * maskZero, Masking) the mean is over the unmasked steps only, as Keras 3.5 takes it; the output has no mask.
 */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  static readonly options = layerOptions<GlobalPooling1DArgs>({ keepdims: true, ...DATA_FORMAT_OPTIONS });
  constructor(args: GlobalPooling1DArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  protected pool(x: Tensor, mask: Tensor | null): Tensor {
    if (mask === null) return mean(x, 1, this.keepdims);
    const m = expandDims(cast(mask, x.dtype), 2);
    return div(sum(mul(x, m), 1, this.keepdims), sum(m, 1, this.keepdims));
  }
  override computeMask(): Mask {
    return null;
  }
}

/** The maximum of each channel over the steps: (None, steps, c) -> (None, c). Keras 3.5 does not mask it: a mask is dropped, every step counts. */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static readonly options = layerOptions<GlobalPooling1DArgs>({ keepdims: true, ...DATA_FORMAT_OPTIONS });
  protected pool(x: Tensor): Tensor {
    return max(x, 1, this.keepdims);
  }
}
