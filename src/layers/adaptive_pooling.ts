/**
 * Keras 3.15's adaptive pooling layers: AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D
 * pool [batch, ...spatial, channels] (or [batch, channels, ...spatial] with channels_first) to a
 * fixed spatial `outputSize` whatever the input's, with ops.adaptiveAveragePool / adaptiveMaxPool
 * (torch's windows). No weights; the config holds output_size (always a list, as Keras stores its
 * tuple) and data_format.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { adaptiveAveragePool, adaptiveMaxPool } from "../ops/adaptive_pool.js";
import { Layer, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

export interface AdaptivePoolingArgs extends DataFormatArgs {
  /** The spatial size of the output: one integer for every spatial axis, or one per axis. Required. */
  outputSize?: number | readonly number[];
}

const OPTIONS = layerOptions<AdaptivePoolingArgs>({ outputSize: true, ...DATA_FORMAT_OPTIONS });
const AXES = ["length", "height, width", "depth, height, width"];

/** Which pool a class runs, and over how many spatial axes (each class's static `pooling`). */
interface PoolingKind {
  readonly kind: "avg" | "max";
  readonly spatial: 1 | 2 | 3;
}

abstract class AdaptivePooling extends Layer {
  /** One output size per spatial axis (Keras' normalized tuple). */
  readonly outputSize: readonly number[];
  readonly dataFormat: DataFormat;
  private readonly kind: PoolingKind;

  constructor(args: AdaptivePoolingArgs) {
    super(args);
    this.kind = (new.target as unknown as { pooling: PoolingKind }).pooling;
    const spatial = this.kind.spatial;
    const where = `${new.target.name} ${this.name}`;
    const v: unknown = args.outputSize;
    const list = typeof v === "number" ? new Array<number>(spatial).fill(v) : Array.isArray(v) ? [...(v as number[])] : null;
    if (list === null || list.length !== spatial || !list.every((d) => Number.isInteger(d) && d > 0)) {
      throw new TypeError(
        `${where}: outputSize must be a positive integer or ${spatial} of them (${AXES[spatial - 1]}), got ${valueText(v)}; ` +
          `e.g. outputSize: ${spatial === 1 ? "32" : `[${new Array(spatial).fill(7).join(", ")}]`}`,
      );
    }
    this.outputSize = list;
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  private check(shape: LayerShape): void {
    const n = this.kind.spatial;
    if (shape.length !== n + 2) {
      const layout = this.dataFormat === "channels_last" ? `[batch, ${AXES[n - 1]}, channels]` : `[batch, channels, ${AXES[n - 1]}]`;
      throw new RangeError(`${this.className} ${this.name}: expects inputs of rank ${n + 2} ${layout} (${this.dataFormat}), got shape ${layerShapeText(shape)}`);
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    return (this.kind.kind === "avg" ? adaptiveAveragePool : adaptiveMaxPool)(x, this.outputSize, this.dataFormat);
  }

  override computeOutputShape(s: LayerShape | LayerShape[]): LayerShape {
    const shape = s as LayerShape;
    this.check(shape);
    return this.dataFormat === "channels_last" ? [shape[0], ...this.outputSize, shape[shape.length - 1]] : [shape[0], shape[1], ...this.outputSize];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), output_size: [...this.outputSize], data_format: this.dataFormat };
  }
}

/** Keras' AdaptiveAveragePooling1D: [batch, steps, channels] -> [batch, outputSize, channels]. */
export class AdaptiveAveragePooling1D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "avg", spatial: 1 };
}
/** Keras' AdaptiveAveragePooling2D: [batch, h, w, channels] -> [batch, oh, ow, channels]. */
export class AdaptiveAveragePooling2D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "avg", spatial: 2 };
}
/** Keras' AdaptiveAveragePooling3D: [batch, d, h, w, channels] -> [batch, od, oh, ow, channels]. */
export class AdaptiveAveragePooling3D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "avg", spatial: 3 };
}
/** Keras' AdaptiveMaxPooling1D: [batch, steps, channels] -> [batch, outputSize, channels]. */
export class AdaptiveMaxPooling1D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "max", spatial: 1 };
}
/** Keras' AdaptiveMaxPooling2D: [batch, h, w, channels] -> [batch, oh, ow, channels]. */
export class AdaptiveMaxPooling2D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "max", spatial: 2 };
}
/** Keras' AdaptiveMaxPooling3D: [batch, d, h, w, channels] -> [batch, od, oh, ow, channels]. */
export class AdaptiveMaxPooling3D extends AdaptivePooling {
  static readonly options = OPTIONS;
  static readonly pooling: PoolingKind = { kind: "max", spatial: 3 };
}
