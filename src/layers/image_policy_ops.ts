/**
 * What Keras 3.15's augmentation policies RandAugment and AugMix share: the operations they pick
 * from (lamina's augmentation layers, configured as Keras configures its sub-layers, drawing
 * through the policy's seed) and PolicyImageLayer, their base (value range, factor, interpolation,
 * layout, config).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SeedGenerator } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { checkTransformInterpolation, type TransformInterpolation } from "../ops/image.js";
import type { CallOptions, Layer, LayerShape } from "./layer.js";
import { asBatch, boundedFactor, checkImageShape, DrawTape, RandomImageLayer, type FactorArg } from "./image_layer_common.js";
import { type DataFormat, type DataFormatArgs, checkDataFormat } from "./data_format.js";
import { type ColorFactorLayerArgs, ColorFactorLayer, type ValueRange, checkValueRange, perImage } from "./image_color_common.js";
import { adjustContrast, RandomBrightness } from "./image_adjust.js";
import { RandomRotation, RandomTranslation } from "./image_augment.js";
import { RandomShear } from "./image_shear.js";
import { RandomColorDegeneration } from "./image_color.js";
import { RandomPosterization, Solarization } from "./image_intensity.js";
import { RandomSharpness } from "./image_sharpness.js";
import { AutoContrast, Equalization } from "./image_histogram.js";

/** The operations, by Keras' attribute names. */
export type AugmentOpName =
  | "random_shear" | "random_translation" | "random_rotation" | "random_brightness" | "random_color_degeneration" | "random_contrast"
  | "random_sharpness" | "random_posterization" | "solarization" | "auto_contrast" | "equalization";

/**
 * Keras 3.15's RandomContrast, as RandAugment and AugMix configure it: a factor f drawn per image
 * in [1 - lower, 1 + upper], (x - mean) f + mean per image and channel, clipped to valueRange.
 * (lamina's RandomContrast layer is Keras 3.5's: one factor per batch, clipped to [0, 255].)
 */
export class PolicyContrast extends ColorFactorLayer {
  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [0, 1], example: "{ factor: [0, 0.5] }" });
  }

  augment(x: Tensor): Tensor {
    const f = this.uniforms(x.shape[0], 1 - this.factor[0], 1 + this.factor[1]);
    return adjustContrast(x, perImage(f, x), this.valueRange);
  }
}

export interface PolicyArgs extends DataFormatArgs {
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
  /** The strength of the operations, in [0, 1]: f for [0, f], or [lower, upper]. */
  factor?: FactorArg;
  /** The geometric operations' interpolation: "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  seed?: number | SeedGenerator | null;
}

interface PolicyOp {
  layer: Layer;
  /** null for the operations that draw nothing (AutoContrast, Equalization). */
  tape: DrawTape | null;
}

/**
 * RandAugment and AugMix: in training each augments an NHWC batch (a single image is a batch of
 * one; channels_first is moved last and back) by applying some of its operations; in inference
 * it returns its input. The operations are lamina's augmentation layers with Keras' settings:
 * shear, translation and rotation by factor (with the policy's interpolation), brightness, colour
 * degeneration, contrast, sharpness and solarization (addition and threshold) by factor in
 * valueRange, posterization to max(1, floor(8 upper)) bits, AutoContrast and Equalization. They
 * draw through the policy's seed, each drawing per image as its layer does.
 */
export abstract class PolicyImageLayer extends RandomImageLayer {
  readonly dataFormat: DataFormat;
  /** As given (Keras keeps it so; the operations sort it). */
  readonly valueRange: [number, number];
  /** [lower, upper], as Keras' _set_factor with bounds [0, 1] leaves it. */
  readonly factor: [number, number];
  readonly interpolation: TransformInterpolation;
  private readonly ops = new Map<AugmentOpName, PolicyOp>();

  constructor(args: PolicyArgs, defaultFactor: number, example: string) {
    super(args);
    const where = `${this.className} ${this.name}`;
    this.dataFormat = checkDataFormat(where, args.dataFormat);
    this.valueRange = checkValueRange(this, args.valueRange, false);
    this.factor = boundedFactor(this, "factor", args.factor ?? defaultFactor, [0, 1], example);
    this.interpolation = checkTransformInterpolation(where, args.interpolation ?? "bilinear");
  }

  /** Makes the operations named (Keras builds them all in its constructor). */
  protected addOps(names: readonly AugmentOpName[]): void {
    for (const name of names) {
      const layer = this.makeOp(name);
      let tape: DrawTape | null = null;
      if (layer instanceof RandomImageLayer) {
        tape = new DrawTape();
        this.drawThrough(layer, tape);
      }
      this.ops.set(name, { layer, tape });
    }
  }

  private makeOp(op: AugmentOpName): Layer {
    const factor = this.factor, valueRange = this.valueRange, interpolation = this.interpolation;
    const common = { name: `${this.name}_${op}`, dtype: this.dtype, dataFormat: "channels_last" as const };
    switch (op) {
      case "random_shear": return new RandomShear({ ...common, xFactor: factor, yFactor: factor, interpolation });
      case "random_translation": return new RandomTranslation({ ...common, heightFactor: factor, widthFactor: factor, interpolation });
      case "random_rotation": return new RandomRotation({ ...common, factor, interpolation });
      case "random_brightness": return new RandomBrightness({ name: common.name, dtype: common.dtype, factor, valueRange });
      case "random_color_degeneration": return new RandomColorDegeneration({ ...common, factor, valueRange });
      case "random_contrast": return new PolicyContrast({ ...common, factor, valueRange });
      case "random_sharpness": return new RandomSharpness({ ...common, factor, valueRange });
      case "random_posterization": return new RandomPosterization({ ...common, factor: Math.max(1, Math.trunc(8 * factor[1])), valueRange });
      case "solarization": return new Solarization({ ...common, additionFactor: factor, thresholdFactor: factor, valueRange });
      case "auto_contrast": return new AutoContrast({ ...common, valueRange });
      case "equalization": return new Equalization({ ...common, valueRange });
    }
  }

  /** Forgets the draws kept in the last call (a call's first application of an operation draws afresh). */
  protected newCall(): void {
    for (const { tape } of this.ops.values()) tape?.clear();
  }

  /**
   * The operation applied to an NHWC batch in training. With `same`, an operation applied again
   * in the call reuses its first draws (RandAugment); otherwise each application draws afresh.
   */
  protected applyOp(name: AugmentOpName, x: Tensor, same: boolean): Tensor {
    const op = this.ops.get(name);
    if (op === undefined) throw new Error(`${this.className} ${this.name}: no operation ${name}`);
    if (same) op.tape?.start();
    return op.layer.call(x, { training: true }) as Tensor;
  }

  /** The augmentation of an NHWC batch in the layer's dtype. */
  protected abstract augment(x: Tensor): Tensor;

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const { x, unbatch } = asBatch(this, inputs, this.dataFormat);
    if (!opts.training) return unbatch(x);
    this.newCall();
    return unbatch(this.augment(x));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageShape(this, inputShape, this.dataFormat);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), value_range: [...this.valueRange], factor: [...this.factor], interpolation: this.interpolation, seed: this.seed,
      data_format: this.dataFormat,
    };
  }
}

/** A count option checked as an integer of at least `least`, naming the layer. */
export function checkCount(layer: Layer, what: string, v: unknown, least: number, example: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < least) {
    throw new RangeError(`${layer.className} ${layer.name}: ${what} must be an integer >= ${least}, got ${valueText(v)}; e.g. ${example}`);
  }
  return v;
}
