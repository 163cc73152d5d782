import type { DType, DTypeStorage, NumericArray, TypedArray } from "../tensor/dtype.js";
import { isFloatDType } from "../tensor/dtype.js";
import { constant, type TensorLike } from "../tensor/creation.js";
import { Tensor, emptyTensor, isHandedOut, logTensorsMade, makeTensor, storageOf } from "../tensor/tensor.js";
import { Variable, isVariableStorage } from "../tensor/variable.js";
import { shapeText } from "../tensor/shape.js";
import { backend } from "../backend/registry.js";
import type { Backend } from "../backend/backend.js";
import { anySymbolic, symbolicRefused } from "./symbolic.js";

/**
 * Computes the gradients of an op's inputs from the gradients of its outputs (null: none).
 * `needed[i]` is false when no tape tracks input i (data, constants): its gradient is never used,
 * and an expensive one (a first layer's input gradient) may be skipped by returning null.
 */
export type Backward = (dys: Tensor[], needed: readonly boolean[]) => (Tensor | null)[];

export interface OpNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** The op's Backward, with `needed` already bound. */
  readonly backward: (dys: Tensor[]) => (Tensor | null)[];
}

/** What autograd installs to hear about ops; ops know nothing else about it. */
export interface Recorder {
  /** Whether any of these inputs is being tracked (so the op is worth recording). */
  tracks(inputs: readonly Tensor[]): boolean;
  record(node: OpNode): void;
}

const recorders: Recorder[] = [];

export function pushRecorder(r: Recorder): void {
  recorders.push(r);
}
export function removeRecorder(r: Recorder): void {
  const i = recorders.lastIndexOf(r);
  if (i >= 0) recorders.splice(i, 1);
}
export function isRecording(): boolean {
  return recorders.length > 0;
}

/** How many active recorders track any of `inputs` (customGrad: one tape, or a tape inside a tape). */
export function trackingRecorders(inputs: readonly Tensor[]): number {
  let n = 0;
  for (const r of recorders) if (r.tracks(inputs)) n++;
  return n;
}

/**
 * Hears the inputs of every differentiable op while customGrad runs its function, recording or
 * not, so that a trainable variable read there (whose gradient gradFunc cannot give) is caught.
 */
let readProbe: ((inputs: readonly Tensor[]) => void) | null = null;

/** Runs `fn` with `probe` hearing each recorded-or-not op's inputs (nested probes all hear). */
export function probeReads<T>(fn: () => T, probe: (inputs: readonly Tensor[]) => void): T {
  const outer = readProbe;
  readProbe = outer === null ? probe : (inputs) => { probe(inputs); outer(inputs); };
  try {
    return fn();
  } finally {
    readProbe = outer;
  }
}

/**
 * Hands an executed op to the active tapes. Call after the forward pass; the backward closure
 * captures whatever it needs. Ops with non-float outputs are not differentiable and never recorded.
 */
export function record(name: string, inputs: readonly Tensor[], outputs: Tensor | readonly Tensor[], backward: Backward): void {
  if (readProbe !== null) readProbe(inputs);
  if (recorders.length === 0) return;
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  if (!outs.some((o) => isFloatDType(o.dtype))) return;
  let node: OpNode | null = null;
  for (const r of recorders) {
    if (r.tracks(inputs)) {
      if (node === null) {
        const needed = inputs.map((x) => recorders.some((q) => q.tracks([x])));
        node = { name, inputs, outputs: outs, backward: (dys) => backward(dys, needed) };
      }
      r.record(node);
    }
  }
}

/** Runs `fn` with recording paused (for work that must never be differentiated). */
export function noGrad<T>(fn: () => T): T {
  const saved = recorders.splice(0, recorders.length);
  try {
    return fn();
  } finally {
    recorders.push(...saved);
  }
}

export { backend };
export type { Backend };

/** An op's inputs: a Tensor, or anything tf.constant accepts. */
export type Input = Tensor | TensorLike;

/**
 * Converts an op argument to a tensor. Plain JS numbers take `like`'s dtype (as `x.add(1)` should),
 * other values follow tf.constant's rules.
 */
export function toTensor(x: Input, op: string, arg = "x", like?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number" && like !== undefined) {
    if (!isFloatDType(like) && !Number.isInteger(x)) {
      throw new TypeError(`${op}: ${arg}=${x} is not an integer but the other operand is ${like}; cast it with tf.cast(t, "float32")`);
    }
    return constant(x, [], like);
  }
  // Ops that record Keras operations never get here with a symbolic tensor; the others say so.
  if (anySymbolic([x])) throw symbolicRefused(op.startsWith("ops.") ? op : `${op}`);
  try {
    return constant(x as TensorLike);
  } catch (e) {
    throw new TypeError(`${op}: argument ${arg} cannot be converted to a tensor: ${(e as Error).message}`);
  }
}

/** Converts two operands so a bare number adopts the tensor operand's dtype. */
export function toTensorPair(a: Input, b: Input, op: string): [Tensor, Tensor] {
  if (a instanceof Tensor) return [a, toTensor(b, op, "b", a.dtype)];
  if (b instanceof Tensor) return [toTensor(a, op, "a", b.dtype), b];
  const ta = toTensor(a, op, "a");
  return [ta, toTensor(b, op, "b", ta.dtype)];
}

export function assertSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: operands have different dtypes (${a.dtype} ${shapeText(a.shape)} and ${b.dtype} ${shapeText(b.shape)}); ` +
        `cast one of them first, e.g. tf.cast(x, "${a.dtype}")`,
    );
  }
}

export function assertFloat(op: string, x: Tensor, arg = "x"): void {
  if (!isFloatDType(x.dtype)) {
    throw new TypeError(`${op}: ${arg} must be float32 or float64, got ${x.dtype} ${shapeText(x.shape)}; cast it with tf.cast(${arg}, "float32")`);
  }
}

/** Typed-array view of a tensor for kernels that only take numeric (non-BigInt) storage. */
export function num(t: Tensor): NumericArray {
  return storageOf(t) as NumericArray;
}
export function raw(t: Tensor): TypedArray {
  return storageOf(t);
}

export { emptyTensor };

/** Smaller buffers are neither allocated by outputTensor off V8's heap nor kept by the pool. */
const MIN_POOLED_BYTES = 4096;

const hasNodeBuffer = typeof Buffer !== "undefined" && typeof Buffer.allocUnsafeSlow === "function";

/**
 * A tensor for a kernel that writes every element of its output. Float (and int32) storage is left
 * uninitialized on Node (Buffer.allocUnsafeSlow: no zero-filling pass over memory the kernel
 * overwrites anyway, which for large activations costs as much as a cheap kernel); other dtypes,
 * and platforms without Buffer, get emptyTensor's zero-filled storage.
 */
export function outputTensor<D extends DType>(shape: readonly number[], dtype: D): Tensor<D> {
  if (hasNodeBuffer && (dtype === "float32" || dtype === "float64" || dtype === "int32")) {
    let n = 1;
    for (const d of shape) n *= d;
    const bytes = n * (dtype === "float64" ? 8 : 4);
    // Small arrays stay on V8's own heap, where allocation is cheaper than a malloc.
    if (bytes >= MIN_POOLED_BYTES) {
      const buf = gradientPool.take(bytes) ?? Buffer.allocUnsafeSlow(bytes).buffer;
      const data = dtype === "float32" ? new Float32Array(buf, 0, n) : dtype === "int32" ? new Int32Array(buf, 0, n) : new Float64Array(buf, 0, n);
      const t = makeTensor(data as DTypeStorage[D], shape, dtype);
      gradientPool.log?.push(t);
      return t;
    }
  }
  return emptyTensor(shape, dtype);
}

/**
 * Memory of intermediate gradients and of a model's activations, reused from one step to the next.
 * A training step drops tens of megabytes of such buffers; left to the garbage collector they
 * count as external memory and set off a full collection about once per step (a sixth of a small
 * CNN's step on two cores, a quarter with the activations) besides the allocations themselves.
 * GradientTape.gradient logs the large float buffers that outputTensor makes while it runs and,
 * once the gradients are computed, hands back those that no returned gradient shares; a training
 * step (fit, trainOnBatch) does the same with its forward pass' buffers once the weights and
 * metrics are updated, and predict and evaluate once a batch's outputs are taken. Every tensor
 * over a reclaimed buffer is poisoned (reading one throws), so nothing can see the memory after it
 * is reused. LAMINA_GRAD_POOL=0 turns both off.
 */
class BufferPool {
  /** The outputTensor results of the backward or forward pass in progress, or null outside one. */
  log: Tensor[] | null = null;
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;
  private readonly enabled = typeof process === "undefined" || process.env?.LAMINA_GRAD_POOL !== "0";
  /** Bounds what the pool keeps beyond the live working set (a large model's step fits well inside). */
  private readonly capBytes = 1024 * 1024 * 1024;

  take(bytes: number): ArrayBuffer | undefined {
    const list = this.free.get(bytes);
    const buf = list?.pop();
    if (buf !== undefined) this.pooledBytes -= bytes;
    return buf;
  }

  /** Runs a backward pass, then reclaims the buffers it made that none of the gradients it returns uses. */
  collect<T extends readonly (Tensor | null)[]>(run: () => T): T {
    // Under an outer recording tape (higher-order gradients) the backward ops are its graph: keep them.
    this.returnedFresh = [];
    if (!this.enabled || this.log !== null || recorders.length > 0) return run();
    const log: Tensor[] = [];
    this.log = log;
    let result: T;
    try {
      result = run();
    } finally {
      this.log = null;
    }
    const kept = new Set<ArrayBufferLike>();
    for (const t of result) if (t !== null) kept.add(storageOf(t).buffer);
    // This pass's buffers that user code was not given: the ones a later releaseStep may take back.
    const madeHere = new Set<ArrayBufferLike>();
    for (const t of log) {
      const buf = storageOf(t).buffer;
      if (isHandedOut(buf)) continue;
      madeHere.add(buf);
      if (kept.has(buf)) continue;
      t.releaseStorage("gradient");
      kept.add(buf); // a buffer logged twice is pooled once
      this.give(buf);
    }
    this.returnedFresh = result.filter((t): t is Tensor => t !== null && madeHere.has(storageOf(t).buffer));
    return result;
  }

  /** The gradients the last collect returned over buffers its own pass made (see takeReturnedGradients). */
  private returnedFresh: Tensor[] = [];

  /**
   * The gradients the last GradientTape.gradient returned whose memory its backward pass made, for a
   * caller that alone holds them (fit's training step, done with them once the optimizer has run)
   * to hand back with releaseStep. Empty when that pass reused nothing.
   */
  takeReturnedGradients(): Tensor[] {
    const out = this.returnedFresh;
    this.returnedFresh = [];
    return out;
  }

  /**
   * Runs a model's forward pass (a training step's, or a predict or evaluate batch's), listing
   * every tensor it makes (views included) and the tensors over buffers outputTensor allocates for
   * it; null instead of the lists when reuse is off, inside another logged pass, or while a tape
   * records outside (its graph holds the activations).
   */
  forward<T>(run: () => T): { result: T; activations: StepLog | null } {
    if (!this.enabled || this.log !== null || recorders.length > 0) return { result: run(), activations: null };
    const fresh: Tensor[] = [], made: Tensor[] = [];
    this.log = fresh;
    logTensorsMade(made);
    try {
      return { result: run(), activations: { fresh, made } };
    } finally {
      this.log = null;
      logTensorsMade(null);
    }
  }

  /**
   * Once a step is done (gradients applied, metrics updated), takes back the buffers its forward
   * pass allocated (and, from fit's training step, its gradients and the variables' retired
   * storage), except those a tensor in `keep` (outputs, loss) or a variable uses; every tensor
   * made over them, views too, is poisoned. Buffers allocated before the step (a dataset's cached
   * batch seen through a reshape) are never touched.
   */
  releaseStep(step: StepLog, keep: readonly (Tensor | null)[]): void {
    const kept = new Set<ArrayBufferLike>();
    for (const t of keep) if (t !== null) kept.add(storageOf(t).buffer);
    const reuse = new Set<ArrayBufferLike>();
    for (const t of step.fresh) {
      const buf = storageOf(t).buffer;
      if (!kept.has(buf) && !isVariableStorage(buf) && !isHandedOut(buf)) reuse.add(buf);
    }
    const retired = new Set<ArrayBufferLike>();
    for (const buf of step.retired ?? []) if (!kept.has(buf) && !isHandedOut(buf)) retired.add(buf);
    if (reuse.size === 0 && retired.size === 0) return;
    // Variables are skipped: their storage is never reused, and reading it here would mark it as held.
    for (const t of step.made) {
      if (t instanceof Variable) continue;
      const buf = storageOf(t).buffer;
      if (reuse.has(buf)) t.releaseStorage("activation");
      else if (retired.has(buf)) t.releaseStorage("weight");
    }
    for (const buf of retired) reuse.add(buf);
    for (const buf of reuse) this.give(buf);
  }

  /** Bytes held for reuse now. */
  get heldBytes(): number {
    return this.pooledBytes;
  }

  /** Drops every buffer held for reuse (left to the garbage collector). */
  trim(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  private give(buf: ArrayBufferLike): void {
    if (buf.byteLength < MIN_POOLED_BYTES || this.pooledBytes + buf.byteLength > this.capBytes || !(buf instanceof ArrayBuffer)) return;
    const list = this.free.get(buf.byteLength);
    if (list) list.push(buf);
    else this.free.set(buf.byteLength, [buf]);
    this.pooledBytes += buf.byteLength;
  }
}

/** What a model's step made: the tensors over outputTensor's fresh buffers, and every tensor. */
export interface StepLog {
  readonly fresh: readonly Tensor[];
  readonly made: readonly Tensor[];
  /** Storage variables gave up during the step that nothing outside a step has read (runTrainingStep). */
  readonly retired?: readonly ArrayBufferLike[];
}

export const gradientPool = new BufferPool();
