import type { DType } from "./dtype.js";
import { shapeText, shapesEqual } from "./shape.js";
import { Tensor } from "./tensor.js";

let variableCount = 0;

/** Storage a variable adopted through assignOwned (the buffer pool must never take it back). */
const adopted = new WeakSet<ArrayBufferLike>();

/** Whether a variable took this buffer as its own storage (internal: ops/engine.ts' buffer pool). */
export function isVariableStorage(buf: ArrayBufferLike): boolean {
  return adopted.has(buf);
}

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
    this.checkAssignable("assign", value);
    this._data = value.dataSync().slice() as Tensor<D>["_data"];
    return this;
  }

  /**
   * Installs `value`'s storage itself, without the copy `assign` makes: only for a fresh tensor
   * that nothing else will read or write (an optimizer's freshly computed update), where the copy
   * would protect nobody.
   */
  assignOwned(value: Tensor): this {
    this.checkAssignable("assignOwned", value);
    this._data = value.dataSync() as Tensor<D>["_data"];
    adopted.add(this._data.buffer);
    return this;
  }

  private checkAssignable(method: string, value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new RangeError(
        `Variable.${method} (${this.name}): value of shape ${shapeText(value.shape)} dtype ${value.dtype} ` +
          `does not match the variable's shape ${shapeText(this.shape)} dtype ${this.dtype}`,
      );
    }
  }
}
