/**
 * Keras 3.15's layers.Pipeline: a plain layer (not a model) that applies its layers in order, each
 * to the previous one's output, typically a preprocessing or augmentation chain for Dataset.map or
 * the front of a model. As Keras' call(inputs, training=True), a call outside fit/predict that sets
 * no `training` runs the layers in training mode (augmentation active). Its config is Keras':
 * `{ layers: [serialized layers], name }` only.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { serializationHooks } from "../io/hooks.js";
import { type CallOptions, type LayerArgs, type LayerShape, type Mask, Layer, layerOptions, nestWeightScope } from "./layer.js";
import { hasMask } from "./call_context.js";
import { isImageLabelDict } from "./image_label_dict.js";

export interface PipelineArgs extends LayerArgs {
  /** The layers, applied first to last. */
  layers?: readonly Layer[];
}

export class Pipeline extends Layer {
  static readonly options = layerOptions<PipelineArgs>({ layers: true });
  /** The layers in order (Keras' `pipeline.layers`); their weights are the pipeline's. */
  readonly layers: Layer[];

  constructor(args: PipelineArgs) {
    super(args);
    const list: unknown = args.layers;
    if (!Array.isArray(list)) {
      throw new TypeError(`Pipeline ${this.name}: layers must be a list of layers, e.g. layers.Pipeline([layers.RandomFlip(), layers.RandomRotation(0.2)]), got ${valueText(list)}`);
    }
    list.forEach((l: unknown, i) => {
      if (!(l instanceof Layer)) throw new TypeError(`Pipeline ${this.name}: layers[${i}] must be a layer, got ${valueText(l)}`);
    });
    this.layers = [...(list as Layer[])];
    // Keras builds them in the pipeline's name scope: pipeline/dense/kernel.
    for (const l of this.layers) nestWeightScope(l, this);
    // The layers attach their own masks to the outputs; the pipeline passes them on.
    this.supportsMasking = true;
  }

  /** Keras' call(inputs, training=True): augmentation runs unless a call or fit/predict says otherwise. */
  override get defaultTraining(): boolean | undefined {
    return true;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    let shape = inputShape;
    for (const l of this.layers) {
      l.maybeBuild(shape, Array.isArray(shape[0]));
      shape = l.computeOutputShape(shape);
    }
  }

  /**
   * Called on a `{ images, labels }` object (Keras' dict form in Dataset.map), each layer is called
   * on the previous one's object, so the image preprocessing layers transform the images and mix
   * or pass on the labels; a layer that takes no such object says so.
   */
  protected override invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    if (!isImageLabelDict(inputs) || rest.length > 0) return super.invoke(inputs, opts, ...rest);
    const o: CallOptions = opts?.training === undefined ? {} : { training: opts.training };
    return this.layers.reduce<unknown>((data, l) => (l as unknown as (x: unknown, o: CallOptions) => unknown)(data, o), inputs);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor | Tensor[] {
    let x = inputs;
    this.layers.forEach((l, i) => {
      const o: CallOptions = opts.training === undefined ? {} : { training: opts.training };
      // A given mask goes to the first layer; later ones take the masks their inputs carry.
      if (i === 0 && hasMask(opts.mask)) o.mask = opts.mask;
      x = l.apply(x, o) as Tensor | Tensor[];
    });
    return x;
  }

  override computeMask(_inputs: Tensor | Tensor[], _previousMask: Mask = null): Mask {
    return null;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    return this.layers.reduce((shape, l) => l.computeOutputShape(shape), inputShape);
  }

  /** Keras' Pipeline.get_config: the serialized layers and the name, nothing else. */
  override getConfig(): Record<string, unknown> {
    const hooks = serializationHooks(`${this.className}.getConfig`);
    return { layers: this.layers.map((l) => hooks.serializeLayer(l)), name: this.name };
  }
}
