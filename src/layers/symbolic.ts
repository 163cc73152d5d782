import type { DType } from "../tensor/dtype.js";
import type { Layer } from "./layer.js";
import { SymbolicValue } from "../ops/symbolic.js";
import { shapeText } from "../tensor/shape.js";

// Ops called on a SymbolicTensor return one (ops/symbolic.ts names the type without importing layers).
declare module "../ops/symbolic.js" {
  interface SymbolicTypes {
    tensor: SymbolicTensor;
  }
}

/** A shape with unknown dimensions (the batch) as null, as Keras prints them: (None, 28, 28, 1). */
export type LayerShape = readonly (number | null)[];

export function layerShapeText(shape: LayerShape): string {
  return shapeText(shape);
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

  /**
   * Keras' `_keras_mask` on a KerasTensor: the symbolic mask (bool, usually [batch, steps]) that a
   * tensor made by this call will carry when the model runs, as Embedding with maskZero, Masking and
   * the layers passing a mask on attach one; null when it will carry none. It describes the mask (its
   * shape and dtype) and cannot itself be a layer's input or a model's output.
   */
  kerasMask: SymbolicTensor | null = null;

  get rank(): number {
    return this.shape.length;
  }

  override toString(): string {
    return `<SymbolicTensor shape=${layerShapeText(this.shape)}, dtype=${this.dtype}, name=${this.name}>`;
  }
}

/** The symbolic masks made for SymbolicTensor.kerasMask (not values of the graph). */
const maskSymbols = new WeakSet<SymbolicTensor>();

/** A symbolic mask of `shape` for the output `of` (see SymbolicTensor.kerasMask). */
export function symbolicMask(of: SymbolicTensor, shape: LayerShape): SymbolicTensor {
  const m = new SymbolicTensor(shape, "bool", of.sourceLayer, of.node, of.outputIndex, `${of.name}_mask`);
  maskSymbols.add(m);
  return m;
}

/** Whether `t` is a symbolic mask (a SymbolicTensor.kerasMask) rather than a value of the graph. */
export function isSymbolicMask(t: SymbolicTensor): boolean {
  return maskSymbols.has(t);
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
