/** Keras 3's RandomShear, through tf.image.transform as RandomRotation and RandomZoom. */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { layerOptions } from "./layer.js";
import { RandomTransformLayer, TRANSFORM_OPTIONS, type TransformLayerArgs } from "./image_augment.js";

export interface RandomShearArgs extends TransformLayerArgs {
  /**
   * The horizontal shear, as the shift of each row per row of height: f in [0, 1] for [-f, f], or
   * [lower, upper]; each image draws a value in it, and its sign is flipped with probability 1/2.
   * Default 0 (no shear).
   */
  xFactor?: number | readonly [number, number];
  /** The vertical shear (the shift of each column per column of width), as xFactor. Default 0. */
  yFactor?: number | readonly [number, number];
}

/**
 * In training, shears each image: the output pixel (x, y) reads the input at (x + sx y, y + sy x),
 * about the top-left corner, with sx and sy drawn per image (Keras 3's RandomShear). Points outside
 * the image are read through fillMode (default "reflect"). Labels given as { images, labels } pass through.
 */
export class RandomShear extends RandomTransformLayer {
  static readonly options = layerOptions<RandomShearArgs>({ xFactor: true, yFactor: true, ...TRANSFORM_OPTIONS });
  /** [lower, upper]. */
  readonly xFactor: [number, number];
  /** [lower, upper]. */
  readonly yFactor: [number, number];

  constructor(args: RandomShearArgs = {}) {
    super(args);
    this.xFactor = this.checkFactor("xFactor", args.xFactor ?? 0);
    this.yFactor = this.checkFactor("yFactor", args.yFactor ?? 0);
  }

  /**
   * Keras' _set_factor_with_name: a number f in [0, 1] is [-f, f]. Keras takes a pair only of
   * numbers in [0, 1], but writes [-f, f] into its config, so pairs in [-1, 1] are taken here
   * for Keras' configs to load.
   */
  private checkFactor(what: string, v: unknown): [number, number] {
    const inRange = (f: unknown, lo: number): f is number => typeof f === "number" && f >= lo && f <= 1;
    if (inRange(v, 0)) return [-v, v];
    if (Array.isArray(v) && v.length === 2 && inRange(v[0], -1) && inRange(v[1], -1)) return [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
    throw new RangeError(
      `RandomShear ${this.name}: ${what} must be a number in [0, 1] (the range [-f, f]) or a pair [lower, upper] in [-1, 1], got ${valueText(v)}; ` +
        `e.g. layers.RandomShear({ ${what}: 0.2 })`,
    );
  }

  protected transformRows(n: number): number[][] {
    // Keras' draws, in its order: the sign flips, then the vertical shears, then the horizontal ones.
    const sign = this.uniforms(n, 0, 1).map((u) => (u > 0.5 ? -1 : 1));
    const sy = this.uniforms(n, ...this.yFactor);
    const sx = this.uniforms(n, ...this.xFactor);
    return sx.map((s, i) => [1, s * sign[i], 0, sy[i] * sign[i], 1, 0, 0, 0]);
  }



  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), x_factor: [...this.xFactor], y_factor: [...this.yFactor] };
  }
}

