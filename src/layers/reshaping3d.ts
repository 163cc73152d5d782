/**
 * Keras' weightless 3-D layers over volumes [batch, depth, height, width, channels] (or
 * [batch, channels, depth, height, width] with dataFormat "channels_first"): UpSampling3D
 * (nearest repetition, the only mode Keras 3.5 has), ZeroPadding3D, Cropping3D and SpatialDropout3D.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { gather, pad, slice } from "../ops/shape.js";
import { type CallOptions, Layer, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { valueText } from "../tensor/value_text.js";
import { SEED_OPTIONS } from "./seeded_layer.js";
import { SpatialDropoutBase } from "./spatial_dropout_base.js";
import { type TripleArg, checkRank5, triple } from "./conv3d.js";
import {
  type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, callChannelsLast, checkDataFormat, shapeChannelsLast, shapeToChannelsLast,
  volumeChannelAxis,
} from "./data_format.js";

/** One axis: a number for both sides or [before, after]. */
export type Sides3DAxisArg = number | readonly [number, number];
/**
 * Keras' 3-D padding/cropping forms: n (all six sides), [d, h, w] (symmetric per axis), or
 * [[front, back], [top, bottom], [left, right]].
 */
export type Sides3DArg = number | readonly [Sides3DAxisArg, Sides3DAxisArg, Sides3DAxisArg];
export type Sides3D = [[number, number], [number, number], [number, number]];

function sides3D(v: Sides3DArg, what: string, where: string): Sides3D {
  const bad = (): never => {
    throw new RangeError(
      `${where}: ${what} must be a non-negative integer, a list [depth, height, width] or ` +
        `[[front, back], [top, bottom], [left, right]], got ${valueText(v)}`,
    );
  };
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  const axis = (a: Sides3DAxisArg): [number, number] => {
    if (typeof a === "number") return ok(a) ? [a, a] : bad();
    if (!Array.isArray(a) || a.length !== 2 || !ok(a[0]) || !ok(a[1])) return bad();
    return [a[0], a[1]];
  };
  if (typeof v === "number") return ok(v) ? [[v, v], [v, v], [v, v]] : bad();
  if (!Array.isArray(v) || v.length !== 3) return bad();
  return [axis(v[0]), axis(v[1]), axis(v[2])];
}

/** What the three volume layers here share: the data format and the rank check. */
abstract class VolumeLayer extends Layer {
  readonly dataFormat: DataFormat;

  constructor(args: DataFormatArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`${new.target.name} ${this.name}`, args.dataFormat);
  }

  protected get where(): string {
    return `${this.className} ${this.name}`;
  }

  protected abstract callNDHWC(x: Tensor): Tensor;
  /** Output size of spatial axis i (0: depth, 1: height, 2: width) for an input size n. */
  protected abstract axisOut(n: number, i: number): number;
  protected check(_shape: LayerShape): void {}

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    checkRank5(this.where, this.dataFormat, x.shape);
    this.check(x.shape);
    return callChannelsLast(this.dataFormat, x, (xl) => this.callNDHWC(xl), volumeChannelAxis);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank5(this.where, this.dataFormat, s);
    this.check(s);
    return shapeChannelsLast(this.dataFormat, s, (l) => [l[0], ...l.slice(1, 4).map((n, i) => (n === null ? null : this.axisOut(n, i))), l[4]], volumeChannelAxis);
  }
}

// ------------------------------------------------------------------ UpSampling3D

export interface UpSampling3DArgs extends DataFormatArgs {
  /** Repetitions along depth, height and width. Default [2, 2, 2]. */
  size?: TripleArg;
}

/** Repeats each plane, row and column `size` times: [n, d, h, w, c] -> [n, d * sd, h * sh, w * sw, c]. */
export class UpSampling3D extends VolumeLayer {
  static readonly options = layerOptions<UpSampling3DArgs>({ size: true, ...DATA_FORMAT_OPTIONS });
  readonly size: [number, number, number];

  constructor(args: UpSampling3DArgs = {}) {
    super(args);
    this.size = triple(args.size ?? 2, "size", this.where);
  }

  protected callNDHWC(x: Tensor): Tensor {
    let y = x;
    this.size.forEach((factor, i) => {
      if (factor === 1) return;
      const m = y.shape[i + 1] * factor;
      y = gather(y, constant(Array.from({ length: m }, (_, o) => Math.floor(o / factor)), [m], "int32"), i + 1);
    });
    return y;
  }

  protected axisOut(n: number, i: number): number {
    return n * this.size[i];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat };
  }
}

// ------------------------------------------------------------------ ZeroPadding3D

export interface ZeroPadding3DArgs extends DataFormatArgs {
  /** Default 1: one plane/row/column of zeros on every side. */
  padding?: Sides3DArg;
}

export class ZeroPadding3D extends VolumeLayer {
  static readonly options = layerOptions<ZeroPadding3DArgs>({ padding: true, ...DATA_FORMAT_OPTIONS });
  readonly padding: Sides3D;

  constructor(args: ZeroPadding3DArgs = {}) {
    super(args);
    this.padding = sides3D(args.padding ?? 1, "padding", this.where);
  }

  protected callNDHWC(x: Tensor): Tensor {
    return pad(x, [[0, 0], ...this.padding, [0, 0]]);
  }

  protected axisOut(n: number, i: number): number {
    return n + this.padding[i][0] + this.padding[i][1];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: this.dataFormat };
  }
}

// ------------------------------------------------------------------ Cropping3D

export interface Cropping3DArgs extends DataFormatArgs {
  /** Planes/rows/columns removed; default 1 on every side, as in Keras. */
  cropping?: Sides3DArg;
}

export class Cropping3D extends VolumeLayer {
  static readonly options = layerOptions<Cropping3DArgs>({ cropping: true, ...DATA_FORMAT_OPTIONS });
  readonly cropping: Sides3D;

  constructor(args: Cropping3DArgs = {}) {
    super(args);
    this.cropping = sides3D(args.cropping ?? 1, "cropping", this.where);
  }

  protected override check(s: LayerShape): void {
    const spatial = shapeToChannelsLast(this.dataFormat, s, volumeChannelAxis(5)).slice(1, 4);
    const names = ["depth", "height", "width"];
    spatial.forEach((n, i) => {
      const removed = this.cropping[i][0] + this.cropping[i][1];
      if (n !== null && removed >= n) {
        throw new RangeError(
          `${this.where}: cropping ${JSON.stringify(this.cropping)} removes ${removed} of the ${n} ${names[i]} cells of the input ` +
            `${layerShapeText(s)}; each crop must be smaller than its spatial dimension`,
        );
      }
    });
  }

  protected callNDHWC(x: Tensor): Tensor {
    const [[f, b], [t, bo], [l, r]] = this.cropping;
    return slice(x, [0, f, t, l, 0], [-1, x.shape[1] - f - b, x.shape[2] - t - bo, x.shape[3] - l - r, -1]);
  }

  protected axisOut(n: number, i: number): number {
    return n - this.cropping[i][0] - this.cropping[i][1];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), data_format: this.dataFormat };
  }
}

// ------------------------------------------------------------------ SpatialDropout3D

export interface SpatialDropout3DArgs extends DataFormatArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate?: number;
  /** Seed for a repeatable sequence of masks (each call draws a new mask from it). */
  seed?: number | null;
}

/**
 * Dropout of whole feature volumes: in training each channel of each sample is zeroed with
 * probability `rate` (noise shape [batch, 1, 1, 1, channels], or [batch, channels, 1, 1, 1] with
 * dataFormat "channels_first") and the kept ones are scaled by 1 / (1 - rate). In inference it
 * returns its input.
 */
export class SpatialDropout3D extends SpatialDropoutBase {
  static readonly options = layerOptions<SpatialDropout3DArgs>({ rate: true, ...SEED_OPTIONS, ...DATA_FORMAT_OPTIONS });
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout3DArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`SpatialDropout3D ${this.name}`, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    checkRank5(`SpatialDropout3D ${this.name}`, this.dataFormat, x.shape);
    if (!opts.training || this.rate === 0) return x;
    const [n, a, , , e] = x.shape;
    const noiseShape = this.dataFormat === "channels_first" ? [n, a, 1, 1, 1] : [n, 1, 1, 1, e];
    return this.dropChannels(x, noiseShape);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkRank5(`SpatialDropout3D ${this.name}`, this.dataFormat, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3's SpatialDropout3D config has no `trainable` entry and a plain-string dtype.
    const cfg: Record<string, unknown> = { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype, data_format: this.dataFormat };
    if (this.batchInputShape) cfg.batch_input_shape = [...this.batchInputShape];
    return cfg;
  }
}
