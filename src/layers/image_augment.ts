import type { SeedGenerator } from "../tensor/random.js";
/** Keras 3's geometric augmentation layers: RandomTranslation, RandomRotation, RandomZoom (through tf.image.transform). */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { where } from "../ops/math.js";
import { checkTransformFillMode, checkTransformInterpolation, transform, type TransformFillMode as FillMode, type TransformInterpolation } from "../ops/image.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { checkImageShape, asBatch, RandomImageLayer, RANDOM_IMAGE_OPTIONS, parseFactor, copyFactor, factorJson, parseValueRange } from "./image_layer_common.js";
import type { FactorArg } from "./image_layer_common.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat } from "./data_format.js";

export type { TransformFillMode as FillMode, TransformInterpolation } from "../ops/image.js";

export interface TransformLayerArgs extends DataFormatArgs {
  /** Points outside the image: "reflect" (default), "wrap", "constant" (fillValue) or "nearest". */
  fillMode?: FillMode;
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  seed?: number | SeedGenerator | null;
  /** The value outside the image with fillMode "constant". Default 0. */
  fillValue?: number;
}

/** TransformLayerArgs' options, for the option lists (layerOptions) of the layers built on RandomTransformLayer. */
export const TRANSFORM_OPTIONS = {
  fillMode: true, interpolation: true, fillValue: true, ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS,
} as const satisfies Record<Exclude<keyof TransformLayerArgs, keyof LayerArgs>, true>;

const IDENTITY_ROW = [1, 0, 0, 0, 1, 0, 0, 0];

/** The random layers built on tf.image.transform: one transform row per image, drawn in training. */
export abstract class RandomTransformLayer extends RandomImageLayer {
  readonly fillMode: FillMode;
  readonly interpolation: TransformInterpolation;
  readonly fillValue: number;
  readonly dataFormat: DataFormat;

  /** `defaultFillMode`: the fill mode when args give none (Keras' "reflect"; RandomPerspective, which takes none, fixes "constant"). */
  constructor(args: TransformLayerArgs, defaultFillMode: FillMode = "reflect") {
    super(args);
    const where = `${this.className} ${this.name}`;
    const fillMode = checkTransformFillMode(where, args.fillMode ?? defaultFillMode);
    const interpolation = checkTransformInterpolation(where, args.interpolation ?? "bilinear");
    const fillValue = args.fillValue ?? 0;
    if (typeof fillValue !== "number" || !Number.isFinite(fillValue)) {
      throw new TypeError(`${this.className} ${this.name}: fillValue must be a finite number, got ${valueText(fillValue)}`);
    }
    this.fillMode = fillMode;
    this.interpolation = interpolation;
    this.fillValue = fillValue;
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  /**
   * One transform row [a0, a1, a2, b0, b1, b2, c0, c1] per image of an [n, h, w, c] batch, or null
   * for an image kept as it is (RandomPerspective's images left untransformed, as Keras' `where`).
   */
  protected abstract transformRows(n: number, height: number, width: number): (number[] | null)[];

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    if (!opts.training) return unbatch(x);
    const [n, h, w] = x.shape;
    const rows = this.transformRows(n, h, w);
    if (rows.every((r) => r === null)) return unbatch(x);
    const transforms = constant(rows.flatMap((r) => r ?? IDENTITY_ROW), [n, 8], "float64");
    const out = transform(x, transforms, { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue });
    if (rows.every((r) => r !== null)) return unbatch(out);
    return unbatch(where(constant(rows.map((r) => r === null), [n, 1, 1, 1], "bool"), x, out));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, seed: this.seed, fill_value: this.fillValue,
      data_format: this.dataFormat,
    };
  }
}

export interface RandomTranslationArgs extends TransformLayerArgs {
  /** Vertical shift as a fraction of the height: f for [-f, f], or [lower, upper]; positive moves the image down. */
  heightFactor?: FactorArg;
  /** Horizontal shift as a fraction of the width; positive moves the image right. */
  widthFactor?: FactorArg;
}

/** In training, shifts each image by a random fraction of its height and width (Keras' matrix [1, 0, -dx, 0, 1, -dy]). */
export class RandomTranslation extends RandomTransformLayer {
  static readonly options = layerOptions<RandomTranslationArgs>({ heightFactor: true, widthFactor: true, ...TRANSFORM_OPTIONS });
  readonly heightFactor: FactorArg;
  readonly widthFactor: FactorArg;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightRange = parseFactor(this, "heightFactor", args.heightFactor, "layers.RandomTranslation(0.1, 0.1) or layers.RandomTranslation([-0.2, 0.3], 0.1)");
    this.widthRange = parseFactor(this, "widthFactor", args.widthFactor, "layers.RandomTranslation(0.1, 0.1) or layers.RandomTranslation(0.1, [-0.2, 0.3])");
    this.heightFactor = copyFactor(args.heightFactor as FactorArg);
    this.widthFactor = copyFactor(args.widthFactor as FactorArg);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    // As Keras: all the heights are drawn, then all the widths.
    const dy = this.uniforms(n, ...this.heightRange).map((f) => f * height);
    const dx = this.uniforms(n, ...this.widthRange).map((f) => f * width);
    return dx.map((tx, i) => [1, 0, -tx, 0, 1, -dy[i], 0, 0]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: factorJson(this.heightFactor), width_factor: factorJson(this.widthFactor) };
  }
}

export interface RandomRotationArgs extends TransformLayerArgs {
  /** Rotation as a fraction of a full turn (2 pi): f for [-f, f], or [lower, upper]; positive turns counter-clockwise. */
  factor?: FactorArg;
  /** Kept for Keras' config (value_range); unused by the rotation. Default [0, 255]. */
  valueRange?: readonly [number, number];
}

/** In training, rotates each image about its center by a random angle (Keras' rotation matrix). */
export class RandomRotation extends RandomTransformLayer {
  static readonly options = layerOptions<RandomRotationArgs>({ factor: true, valueRange: true, ...TRANSFORM_OPTIONS });
  /** [lower, upper] as a fraction of 2 pi. */
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = parseFactor(this, "factor", args.factor, "layers.RandomRotation(0.1) (up to 36 degrees either way) or layers.RandomRotation([-0.1, 0.25])");
    this.valueRange = parseValueRange(this, args.valueRange);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    const [lo, hi] = this.factor;
    return this.uniforms(n, lo * 2 * Math.PI, hi * 2 * Math.PI).map((angle) => {
      const c = Math.cos(angle), s = Math.sin(angle);
      const xOffset = (width - 1 - (c * (width - 1) - s * (height - 1))) / 2;
      const yOffset = (height - 1 - (s * (width - 1) + c * (height - 1))) / 2;
      return [c, -s, xOffset, s, c, yOffset, 0, 0];
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], value_range: [...this.valueRange] };
  }
}

export interface RandomZoomArgs extends TransformLayerArgs {
  /**
   * Zoom as a fraction: f for [-f, f], or [lower, upper]; the image's sampling step is 1 + factor,
   * so a positive factor zooms out (the content shrinks) and a negative one zooms in.
   */
  heightFactor?: FactorArg;
  /** The same for the width; null or omitted keeps the aspect ratio (the height's zoom is used). */
  widthFactor?: FactorArg | null;
}

/** In training, zooms each image about its center by a random factor per axis (Keras' zoom matrix). */
export class RandomZoom extends RandomTransformLayer {
  static readonly options = layerOptions<RandomZoomArgs>({ heightFactor: true, widthFactor: true, ...TRANSFORM_OPTIONS });
  readonly heightFactor: FactorArg;
  readonly widthFactor: FactorArg | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightRange = parseFactor(this, "heightFactor", args.heightFactor, "layers.RandomZoom(0.2) or layers.RandomZoom([-0.3, 0.1])");
    this.heightFactor = copyFactor(args.heightFactor as FactorArg);
    const wf = args.widthFactor ?? null;
    this.widthRange = wf === null ? null : parseFactor(this, "widthFactor", wf, "layers.RandomZoom(0.2, 0.1), or null to keep the aspect ratio");
    this.widthFactor = wf === null ? null : copyFactor(wf);
  }

  protected transformRows(n: number, height: number, width: number): number[][] {
    const zy = this.uniforms(n, 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const zx = this.widthRange === null ? zy : this.uniforms(n, 1 + this.widthRange[0], 1 + this.widthRange[1]);
    return zx.map((sx, i) => [sx, 0, ((width - 1) / 2) * (1 - sx), 0, zy[i], ((height - 1) / 2) * (1 - zy[i]), 0, 0]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height_factor: factorJson(this.heightFactor),
      width_factor: this.widthFactor === null ? null : factorJson(this.widthFactor),
    };
  }
}
