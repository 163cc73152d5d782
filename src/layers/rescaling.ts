import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { constant } from "../tensor/creation.js";
import { imageDataFormat } from "../tensor/config.js";
import { add, cast, mul } from "../ops/math.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { single } from "./core.js";

export interface RescalingArgs extends LayerArgs {
  /** Multiplier: a number, or one per channel (broadcast against the last axis). */
  scale?: number | readonly number[];
  /** Added after scaling. Default 0. */
  offset?: number | readonly number[];
}

/**
 * y = x * scale + offset, computed in the layer's dtype (integer images such as uint8 pixels are
 * cast first): Rescaling(1 / 255) maps [0, 255] to [0, 1]. A list scale is one value per channel:
 * along the last axis, or the channel axis of [c, h, w] images when config.imageDataFormat() is
 * "channels_first".
 */
export class Rescaling extends Layer {
  static readonly options = layerOptions<RescalingArgs>({ scale: true, offset: true });
  readonly scale: number | readonly number[];
  readonly offset: number | readonly number[];

  constructor(args: RescalingArgs) {
    super(args);
    this.supportsMasking = true;
    const where = `Rescaling ${this.name}`;
    const check = (v: unknown, what: string): number | readonly number[] => {
      const ok = (n: unknown): boolean => typeof n === "number" && Number.isFinite(n);
      if (ok(v)) return v as number;
      if (Array.isArray(v) && v.length > 0 && v.every(ok)) return [...(v as number[])];
      throw new RangeError(`${where}: ${what} must be a finite number or a list of them (one per channel), got ${valueText(v)}; e.g. layers.Rescaling(1 / 255)`);
    };
    this.scale = check(args.scale, "scale");
    this.offset = check(args.offset ?? 0, "offset");
  }

  private asTensor(v: number | readonly number[], shape: number[] = typeof v === "number" ? [] : [v.length]): Tensor {
    return constant(typeof v === "number" ? v : [...v], shape, this.dtype);
  }

  /**
   * Keras 3.5 reshapes a per-channel scale to [c, 1, 1] when the global image data format is
   * channels_first, so it meets the channel axis of [c, h, w] or [n, c, h, w] images; it leaves the
   * offset as given (broadcast against the last axis), and so does this.
   */
  private scaleTensor(): Tensor {
    const s = this.scale;
    if (typeof s === "number" || imageDataFormat() !== "channels_first") return this.asTensor(s);
    return this.asTensor(s, [s.length, 1, 1]);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const input = single(inputs, this);
    const x = input.dtype === this.dtype ? input : cast(input, this.dtype);
    return add(mul(x, this.scaleTensor()), this.asTensor(this.offset));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const v = (x: number | readonly number[]): number | number[] => (typeof x === "number" ? x : [...x]);
    return { ...super.getConfig(), scale: v(this.scale), offset: v(this.offset) };
  }
}
