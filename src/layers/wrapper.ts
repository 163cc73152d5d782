import { valueText } from "../tensor/value_text.js";
import { serializationHooks } from "../io/hooks.js";
import { Layer, type LayerArgs, type LayerShape, nestWeightScope } from "./layer.js";

export interface WrapperArgs extends LayerArgs {
  /** The layer the wrapper augments: layers.Dense(8), layers.Conv2D(16, 3)... */
  layer?: Layer;
}

/**
 * Keras' abstract layers.Wrapper: a layer that holds another layer (`this.layer`) and augments it,
 * as TimeDistributed and SpectralNormalization do. It builds the wrapped layer on the wrapper's
 * input shape unless that layer is built already, and its config nests the wrapped layer's
 * serialized config under `layer`, so a saved wrapper recreates its layer. Subclasses implement
 * `call`; the wrapped layer's weights are named under the wrapper (`wrapper/dense/kernel`), as
 * Keras names them.
 */
export abstract class Wrapper extends Layer {
  readonly layer: Layer;

  constructor(args: WrapperArgs) {
    super(args);
    if (!(args.layer instanceof Layer)) {
      // Built-in wrappers list their options and have a factory in `layers`; a user's subclass is constructed.
      const example = Object.hasOwn(new.target, "options") ? `layers.${this.className}(layers.Dense(8))` : `new ${this.className}({ layer: layers.Dense(8) })`;
      throw new TypeError(`${this.className} ${this.name}: layer must be a layer instance, got ${valueText(args.layer)}; e.g. ${example}`);
    }
    this.layer = args.layer;
    if (!this.layer.built) nestWeightScope(this.layer, this);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    if (!this.layer.built) this.layer.maybeBuild(inputShape, Array.isArray(inputShape[0]));
    this.built = true;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializationHooks(`${this.className}.getConfig`).serializeLayer(this.layer) };
  }
}
