/**
 * The layers Keras' application models define for themselves: InceptionResNetV2's
 * CustomScaleLayer, ConvNeXt's LayerScale and StochasticDepth. They serialize with Keras'
 * module, class name and config keys, so Keras-saved models using them load and the other way round.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul } from "../ops/math.js";
import { dropout } from "../ops/dropout.js";
import { Constant } from "../nn/initializers.js";
import { type CallOptions, Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { uniqueLayerName } from "./layer_names.js";

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export interface CustomScaleLayerArgs extends LayerArgs {
  /** The residual's factor: the output is inputs[0] + inputs[1] * scale. */
  scale?: number;
}

/** InceptionResNetV2's residual sum: [shortcut, residual] -> shortcut + residual * scale. */
export class CustomScaleLayer extends Layer {
  static readonly options = layerOptions<CustomScaleLayerArgs>({ scale: true });
  readonly scale: number;

  constructor(args: CustomScaleLayerArgs) {
    super(args);
    if (!finite(args.scale)) throw new TypeError(`CustomScaleLayer ${this.name}: scale must be a finite number, got ${valueText(args.scale)}; e.g. { scale: 0.17 }`);
    this.scale = args.scale;
  }

  private check(shapes: LayerShape | LayerShape[]): LayerShape {
    const list = shapes as LayerShape[];
    const ok = Array.isArray(list) && list.length === 2 && Array.isArray(list[0]) && Array.isArray(list[1]) &&
      list[0].length === list[1].length && list[0].every((d, i) => d === null || list[1][i] === null || d === list[1][i]);
    if (!ok) {
      const text = Array.isArray(list) && list.every(Array.isArray) ? list.map((s) => layerShapeText(s)).join(", ") : layerShapeText(shapes as LayerShape);
      throw new RangeError(`CustomScaleLayer ${this.name}: expects a list of two tensors of the same shape [shortcut, residual], got ${text}`);
    }
    return list[0];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs)) throw new TypeError(`CustomScaleLayer ${this.name}: expects a list [shortcut, residual], got one tensor`);
    this.check(inputs.map((t) => t.shape));
    return add(inputs[0], mul(inputs[1], this.scale));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return this.check(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }
}

export interface LayerScaleArgs extends LayerArgs {
  /** The initial value of every scale (ConvNeXt: 1e-6). */
  initValues?: number;
  /** The number of channels (the size of the last axis). */
  projectionDim?: number;
}

/** ConvNeXt's LayerScale: the input times a learned per-channel vector (Touvron et al., 2021), initialized to initValues. */
export class LayerScale extends Layer {
  static readonly options = layerOptions<LayerScaleArgs>({ initValues: true, projectionDim: true });
  readonly initValues: number;
  readonly projectionDim: number;
  gamma: Variable | null = null;

  constructor(args: LayerScaleArgs) {
    super(args);
    if (!finite(args.initValues)) throw new TypeError(`LayerScale ${this.name}: initValues must be a finite number, got ${valueText(args.initValues)}; e.g. { initValues: 1e-6, projectionDim: 96 }`);
    if (!(Number.isInteger(args.projectionDim) && (args.projectionDim as number) > 0)) {
      throw new TypeError(`LayerScale ${this.name}: projectionDim must be a positive integer (the number of channels), got ${valueText(args.projectionDim)}`);
    }
    this.initValues = args.initValues;
    this.projectionDim = args.projectionDim as number;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = inputShape as LayerShape;
    const last = shape[shape.length - 1];
    if (last !== null && last !== this.projectionDim) {
      throw new RangeError(`LayerScale ${this.name}: the input ${layerShapeText(shape)} has ${last} channels but projectionDim is ${this.projectionDim}`);
    }
    // Keras adds the weight without a name, so it takes the session's next automatic variable
    // name: "variable", then "variable_1", ... (ConvNeXtTiny's last LayerScale holds variable_17).
    this.gamma = this.addWeight(uniqueLayerName("variable"), [this.projectionDim], { initializer: new Constant(this.initValues) });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    if (this.gamma === null) throw new Error(`LayerScale ${this.name}: not built; call the layer on an input first`);
    return mul(x, this.gamma);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), init_values: this.initValues, projection_dim: this.projectionDim };
  }
}

export interface StochasticDepthArgs extends LayerArgs {
  /** The probability of dropping a sample's whole residual branch in training, in [0, 1). */
  dropPathRate?: number;
}

/**
 * ConvNeXt's StochasticDepth (drop path): in training each sample's residual branch is zeroed
 * with probability dropPathRate and the kept ones scaled by 1 / (1 - dropPathRate); in inference
 * the input passes unchanged.
 */
export class StochasticDepth extends Layer {
  static readonly options = layerOptions<StochasticDepthArgs>({ dropPathRate: true });
  readonly dropPathRate: number;

  constructor(args: StochasticDepthArgs) {
    super(args);
    const r = args.dropPathRate;
    if (!(finite(r) && r >= 0 && r < 1)) throw new RangeError(`StochasticDepth ${this.name}: dropPathRate must be a probability in [0, 1), got ${valueText(r)}`);
    this.dropPathRate = r;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    if (!opts.training || this.dropPathRate === 0) return x;
    return dropout(x, this.dropPathRate, { noiseShape: [x.shape[0], ...x.shape.slice(1).map(() => 1)] });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), drop_path_rate: this.dropPathRate };
  }
}
