import type { DType } from "./dtype.js";
import { shapeText, shapesEqual } from "./shape.js";
import { Tensor } from "./tensor.js";

let variableCount = 0;

export interface VariableOptions {
  trainable?: boolean;
  name?: string;
  dtype?: DType;
}

/**
 * A tensor whose value can change (weights, optimizer slots). `assign` installs a copy of the new
 * value, so tensors read from the variable earlier keep the values they saw.
 */
export class Variable<D extends DType = DType> extends Tensor<D> {
  trainable: boolean;
  readonly name: string;

  constructor(initial: Tensor<D>, opts: VariableOptions = {}) {
    super(initial.dataSync().slice() as Tensor<D>["_data"], initial.shape, initial.dtype);
    this.trainable = opts.trainable ?? true;
    this.name = opts.name ?? `Variable_${variableCount++}`;
  }

  assign(value: Tensor): this {
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new RangeError(
        `Variable.assign (${this.name}): value of shape ${shapeText(value.shape)} dtype ${value.dtype} ` +
          `does not match the variable's shape ${shapeText(this.shape)} dtype ${this.dtype}`,
      );
    }
    this._data = value.dataSync().slice() as Tensor<D>["_data"];
    return this;
  }
}
