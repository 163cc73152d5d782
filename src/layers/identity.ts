import type { Tensor } from "../tensor/tensor.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";

/**
 * Keras' Identity layer: returns its input (one tensor or a list) unchanged; a placeholder where
 * an architecture has an optional step, e.g. `useProjection ? layers.Dense(64) : layers.Identity()`.
 */
export class Identity extends Layer {
  static readonly options = layerOptions<LayerArgs>({});

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    return inputShape;
  }
}
