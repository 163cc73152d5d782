/**
 * Keras' 1-D reshaping layers over [batch, steps, channels]: UpSampling1D (repeats each step),
 * ZeroPadding1D (zero steps at the start and end) and Cropping1D (removes steps there).
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { gather, pad, slice } from "../ops/shape.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type Size1DArg, checkRank3, size1D } from "./conv1d.js";
import { valueText } from "../tensor/value_text.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

/** Steps at the start and end: one number for both, or [start, end]. */
export type Sides1DArg = number | readonly [number, number];

function sides1D(v: Sides1DArg, what: string, where: string): [number, number] {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new RangeError(`${where}: ${what} must be a non-negative integer or a pair [start, end] of them, got ${valueText(v)}`);
}

export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated. Default 2. */
  size?: Size1DArg;
}

/** Repeats each step `size` times: [a, b] -> [a, a, b, b]. */
export class UpSampling1D extends Layer {
  static readonly options = layerOptions<UpSampling1DArgs>({ size: true });
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    this.size = size1D(args.size ?? 2, "size", `UpSampling1D ${this.name}`);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    checkRank3(`UpSampling1D ${this.name}`, x.shape);
    if (this.size === 1) return x;
    const m = x.shape[1] * this.size;
    const idx = Array.from({ length: m }, (_, o) => Math.floor(o / this.size));
    return gather(x, constant(idx, [m], "int32"), 1);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank3(`UpSampling1D ${this.name}`, s);
    return [s[0], s[1] === null ? null : s[1] * this.size, s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
}

export interface ZeroPadding1DArgs extends DataFormatArgs {
  /** Zero steps added: n at both ends, or [start, end]. Default 1. */
  padding?: Sides1DArg;
}

/** Adds steps of zeros at the start and end of each sequence ([batch, steps, channels], or [batch, channels, steps] with dataFormat "channels_first"). */
export class ZeroPadding1D extends Layer {
  static readonly options = layerOptions<ZeroPadding1DArgs>({ padding: true, ...DATA_FORMAT_OPTIONS });
  readonly padding: [number, number];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    this.padding = sides1D(args.padding ?? 1, "padding", `ZeroPadding1D ${this.name}`);
    this.dataFormat = checkDataFormat(`ZeroPadding1D ${this.name}`, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    checkRank3(`ZeroPadding1D ${this.name}`, x.shape);
    const steps = this.dataFormat === "channels_first" ? 2 : 1;
    return pad(x, [0, 1, 2].map((a) => (a === steps ? this.padding : [0, 0])));
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    checkRank3(`ZeroPadding1D ${this.name}`, s);
    const steps = this.dataFormat === "channels_first" ? 2 : 1;
    return s.map((d, a) => (a === steps && d !== null ? d + this.padding[0] + this.padding[1] : d));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding], data_format: this.dataFormat };
  }
}

export interface Cropping1DArgs extends LayerArgs {
  /** Steps removed: n at both ends, or [start, end]. Default [1, 1], as in Keras. */
  cropping?: Sides1DArg;
}

/** Removes steps at the start and end of each sequence. */
export class Cropping1D extends Layer {
  static readonly options = layerOptions<Cropping1DArgs>({ cropping: true });
  readonly cropping: [number, number];

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = sides1D(args.cropping ?? [1, 1], "cropping", `Cropping1D ${this.name}`);
  }

  private check(s: LayerShape): void {
    checkRank3(`Cropping1D ${this.name}`, s);
    const [a, b] = this.cropping;
    if (s[1] !== null && a + b >= s[1]) {
      throw new RangeError(
        `Cropping1D ${this.name}: cropping [${a}, ${b}] removes ${a + b} steps but the input ${layerShapeText(s)} has ${s[1]}; ` +
          `the crop must leave at least one step`,
      );
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    const [a, b] = this.cropping;
    return slice(x, [0, a, 0], [-1, x.shape[1] - a - b, -1]);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    this.check(s);
    return [s[0], s[1] === null ? null : s[1] - this.cropping[0] - this.cropping[1], s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
}
