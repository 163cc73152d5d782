import type { DType } from "../tensor/dtype.js";
import type { Layer } from "./layer.js";
import { SymbolicValue } from "../ops/symbolic.js";

// Ops called on a SymbolicTensor return one (ops/symbolic.ts names the type without importing layers).
declare module "../ops/symbolic.js" {
  interface SymbolicTypes {
    tensor: SymbolicTensor;
  }
}

/** A shape with unknown dimensions (the batch) as null, as Keras prints them: (None, 28, 28, 1). */
export type LayerShape = readonly (number | null)[];

export function layerShapeText(shape: LayerShape): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

/**
 * A placeholder flowing through layers while a functional model is being defined (Keras'
 * KerasTensor): it has a shape and dtype but no values, and remembers the layer that made it.
 */
export class SymbolicTensor extends SymbolicValue {
  constructor(
    readonly shape: LayerShape,
    readonly dtype: DType,
    /** The layer whose call produced this tensor, and which of its outputs it is. */
    readonly sourceLayer: Layer,
    readonly node: LayerNode,
    readonly outputIndex: number,
    readonly name: string,
  ) {
    super();
  }

  get rank(): number {
    return this.shape.length;
  }

  override toString(): string {
    return `<SymbolicTensor shape=${layerShapeText(this.shape)}, dtype=${this.dtype}, name=${this.name}>`;
  }
}

/** One call of a layer on symbolic inputs: the edges of a functional model's graph. */
export class LayerNode {
  outputs: SymbolicTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    /** Whether the layer was called with a list (so it receives a list when the model runs). */
    readonly inputsAsList: boolean,
  ) {}
}
