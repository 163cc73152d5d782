import { type DType, type TypedArray, type DTypeStorage, allocStorage } from "./dtype.js";
import { type Shape, sizeOf, shapeText } from "./shape.js";
import { formatTensor } from "./format.js";
import { maskOf, setMask } from "./keras_mask.js";

/** Nested JavaScript arrays as returned by arraySync(): number[][]... or boolean[][] for bool. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

/** Internal: the id the next tensor made will get (ids grow, so a smaller one was made before). */
export function nextTensorId(): number {
  return nextId;
}

/** While a training step's forward pass runs, every tensor made is listed here (see ops/engine.ts). */
let madeLog: Tensor[] | null = null;

/** Internal: starts (a list) or stops (null) listing the tensors made. */
export function logTensorsMade(log: Tensor[] | null): void {
  madeLog = log;
}

/** Why a tensor's memory was handed back for reuse; the message a later read throws. */
export type ReleaseReason = "gradient" | "activation" | "weight";

/**
 * Buffers whose typed array dataSync() or data() gave to a caller, who may keep it past a step:
 * the buffer pool (ops/engine.ts) never takes them back. lamina's own code reads storage through
 * storageOf, which marks nothing, so only arrays user code holds are kept out of reuse.
 */
const handedOut = new WeakSet<ArrayBufferLike>();

/** Whether user code was given this buffer's typed array (internal: the buffer pool must not reuse it). */
export function isHandedOut(buf: ArrayBufferLike): boolean {
  return handedOut.has(buf);
}

/** Internal: keeps a buffer out of reuse, as if user code had been given its typed array. */
export function markHandedOut(buf: ArrayBufferLike): void {
  handedOut.add(buf);
}

/**
 * Internal: a tensor's storage itself, for ops, kernels' callers and the buffer pool, without
 * marking it as held by user code; throws, as dataSync does, for a tensor whose memory was reused.
 */
export function storageOf<D extends DType>(t: Tensor<D>): DTypeStorage[D] {
  return t["storage"]();
}

/**
 * An n-dimensional array. Memory is a typed array owned by the garbage collector, except the
 * intermediate gradients and training-step activations the buffer pool reuses (ops/engine.ts);
 * tensors are immutable except Variables, whose `assign` swaps in a new buffer (so earlier readers
 * keep theirs).
 */
export class Tensor<D extends DType = DType> {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: D;
  /** The storage, row-major. Backends read and write it in place. */
  protected _data: DTypeStorage[D];

  constructor(data: DTypeStorage[D], shape: Shape, dtype: D) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new RangeError(`Tensor: ${data.length} values do not fill shape ${shapeText(shape)} (needs ${n})`);
    }
    this.id = nextId++;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this._data = data;
    madeLog?.push(this);
  }

  get size(): number {
    return this._data.length;
  }
  get rank(): number {
    return this.shape.length;
  }

  /**
   * The storage itself (not a copy), row-major; treat it as read-only, it may be shared. Its memory
   * is then never reused by a training step's buffer pool, so the caller may keep the array.
   */
  dataSync(): DTypeStorage[D] {
    const data = this.storage();
    handedOut.add(data.buffer);
    return data;
  }

  /** The storage, unmarked (see storageOf); throws for a tensor whose memory was reused. */
  protected storage(): DTypeStorage[D] {
    if (this._released !== null) throw releasedError(this, this._released);
    return this._data;
  }

  /** Set when this tensor's memory was handed back for reuse (see ops/engine.ts). */
  protected _released: ReleaseReason | null = null;

  /** Internal: gives up the storage; any later read throws instead of seeing reused memory. */
  releaseStorage(reason: ReleaseReason): void {
    this._released = reason;
  }
  /**
   * Keras' `_keras_mask`: the bool mask the layer that made this tensor attached to it (Embedding
   * with maskZero, Masking, and the layers that pass a mask on), false at masked steps; null if none.
   */
  get kerasMask(): Tensor | null {
    return maskOf(this);
  }
  set kerasMask(mask: Tensor | null) {
    setMask(this, mask);
  }
  async data(): Promise<DTypeStorage[D]> {
    return this.dataSync();
  }
  arraySync(): NestedArray {
    return toNested(this.storage(), this.shape, this.dtype);
  }
  async array(): Promise<NestedArray> {
    return this.arraySync();
  }
  /** A JavaScript number (or boolean) for a tensor of one element. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: tensor of shape ${shapeText(this.shape)} has ${this.size} elements, expected 1`);
    return Number(this.storage()[0]);
  }
  toString(): string {
    if (this._released !== null) return `tf.Tensor(<released>, shape=${shapeText(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this._data, this.shape, this.dtype, "tf.Tensor");
  }
  print(): void {
    console.log(this.toString());
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function releasedError(t: Tensor, reason: ReleaseReason): Error {
  const what = reason === "gradient"
    ? "was an intermediate gradient of GradientTape.gradient, whose memory is reused once the gradients are computed; keep only the gradients gradient() returns"
    : reason === "weight"
    ? "is a view of a weight's value from inside a training step; the optimizer's update replaced that value and its memory is reused; " +
      "a layer that keeps a weight's value from call() must keep a copy (tf.clone(w)), or keep the Variable itself"
    : "was an intermediate activation of a model's step (fit, evaluate, predict, trainOnBatch...), whose memory is reused once the step is done; " +
      "a layer or callback that keeps a tensor from call() must keep a copy (tf.clone(x))";
  return new Error(`tensor ${shapeText(t.shape)} ${t.dtype} ${what} (LAMINA_GRAD_POOL=0 turns the reuse off)`);
}

function toNested(data: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv: (v: number | bigint) => number | boolean =
    dtype === "bool" ? (v) => v !== 0 : (v) => Number(v);
  if (shape.length === 0) return conv(data[0]);
  const build = (dim: number, offset: number): NestedArray[] => {
    const n = shape[dim];
    const out = new Array<NestedArray>(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(data[offset + i]);
    } else {
      let stride = 1;
      for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
    }
    return out;
  };
  return build(0, 0);
}

/** Makes a tensor over existing storage without copying (internal: ops and backends' results). */
export function makeTensor<D extends DType>(data: DTypeStorage[D], shape: Shape, dtype: D): Tensor<D> {
  return new Tensor(data, shape, dtype);
}

/** A fresh zero-filled tensor, for ops to hand to kernels as the output buffer. */
export function emptyTensor<D extends DType>(shape: Shape, dtype: D): Tensor<D> {
  return new Tensor(allocStorage(dtype, sizeOf(shape)), shape, dtype);
}
