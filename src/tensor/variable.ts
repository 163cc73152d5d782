import type { DType } from "./dtype.js";
import { formatArray } from "./format.js";
import { shapeText, shapesEqual } from "./shape.js";
import { Tensor, type NestedArray, isHandedOut, markHandedOut, storageOf } from "./tensor.js";
import { constant } from "./creation.js";
import { inStatelessScope, noteStateChange } from "./stateless_scope.js";

let variableCount = 0;

/** Storage a variable adopted through assignOwned (the buffer pool must never take it back). */
const adopted = new WeakSet<ArrayBufferLike>();

/** Whether a variable took this buffer as its own storage (internal: ops/engine.ts' buffer pool). */
export function isVariableStorage(buf: ArrayBufferLike): boolean {
  return adopted.has(buf);
}

/** The training step in progress (see runTrainingStep), or null. */
let step: { retired: ArrayBufferLike[] } | null = null;

/**
 * Runs a training step (internal: fit's trainStep). The storage a variable gives up for an
 * optimizer's update (assignOwned) is listed in `retired` when no user code was given its typed
 * array (dataSync), so the step can hand it back for reuse once done (after poisoning any view of it
 * that the step made). Nested calls run as part of the outer.
 */
export function runTrainingStep<T>(fn: () => T): { result: T; retired: ArrayBufferLike[] } {
  if (step !== null) return { result: fn(), retired: [] };
  const current = { retired: [] as ArrayBufferLike[] };
  step = current;
  try {
    return { result: fn(), retired: current.retired };
  } finally {
    step = null;
  }
}

/** A projection applied to a variable after each optimizer update (a keras.constraints object). */
export interface VariableConstraint {
  call(value: Tensor): Tensor;
}

export interface VariableOptions {
  trainable?: boolean;
  name?: string;
  dtype?: DType;
  /** Keras' Variable(constraint=...): the optimizer applies it after each update of the variable. */
  constraint?: VariableConstraint | null;
}

/**
 * A tensor whose value can change (weights, optimizer slots). `assign` installs a copy of the new
 * value, so tensors read from the variable earlier keep the values they saw. The one exception is
 * inside fit's training step: storage nothing outside a step has read goes back to the buffer pool
 * once the optimizer replaced it, and views of it the step made are poisoned (ops/engine.ts).
 */
export class Variable<D extends DType = DType> extends Tensor<D> {
  trainable: boolean;
  readonly name: string;
  /**
   * Keras' variable.constraint: after each update of this variable, the optimizer assigns it
   * `constraint.call(variable)` (a layer's kernelConstraint, biasConstraint... set by addWeight).
   */
  constraint: VariableConstraint | null;

  constructor(initial: Tensor<D>, opts: VariableOptions = {}) {
    super(storageOf(initial).slice() as Tensor<D>["_data"], initial.shape, initial.dtype);
    this.trainable = opts.trainable ?? true;
    this.name = opts.name ?? `Variable_${variableCount++}`;
    this.constraint = opts.constraint ?? null;
  }

  /** Keras' variable.path (sequential/dense/kernel): a lamina variable's name is that whole path. */
  get path(): string {
    return this.name;
  }

  /**
   * Outside a training step any read of the storage, a view made by an op (reshape) included,
   * keeps it out of reuse: such a view is not among the step's tensors, so it could not be poisoned.
   */
  protected override storage(): Tensor<D>["_data"] {
    const data = super.storage();
    if (step === null) markHandedOut(data.buffer);
    return data;
  }

  /**
   * Installs a copy of `value`. As Keras' assign, a number or nested array is converted to the
   * variable's dtype (`v.assign(0)` for a scalar variable); its shape must still match.
   */
  assign(value: Tensor | NestedArray): this {
    const t = value instanceof Tensor ? value : constant(value, this.dtype);
    this.checkAssignable("assign", t);
    this.noteWrite();
    this._data = storageOf(t).slice() as Tensor<D>["_data"];
    return this;
  }

  /**
   * Installs `value`'s storage itself, without the copy `assign` makes: only for a fresh tensor
   * that nothing else will read or write (an optimizer's freshly computed update), where the copy
   * would protect nobody.
   */
  assignOwned(value: Tensor): this {
    this.checkAssignable("assignOwned", value);
    this.noteWrite();
    const old = this._data.buffer;
    this._data = storageOf(value) as Tensor<D>["_data"];
    adopted.add(this._data.buffer);
    // In a stateless scope the old storage comes back at its end, so it must not be reused.
    if (step !== null && old !== this._data.buffer && !isHandedOut(old) && !inStatelessScope()) {
      adopted.delete(old);
      step.retired.push(old);
    }
    return this;
  }

  /**
   * Keras 3's repr of a variable, `<Variable path=dense/kernel, shape=(4, 3), dtype=float32,
   * value=[[...]]>`, so that printing a layer's weights names which weight each one is.
   */
  override toString(): string {
    const value = formatArray(this._data, this.shape, this.dtype);
    return `<Variable path=${this.path}, shape=${shapeText(this.shape)}, dtype=${this.dtype}, value=${value}>`;
  }

  /** In a stateless scope (a layer's shape probe), keeps the current storage to put back at its end. */
  private noteWrite(): void {
    if (!inStatelessScope()) return;
    const previous = this._data;
    noteStateChange(this, () => {
      this._data = previous;
    });
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
