import { type OpNode, type Recorder, gradientPool, pushRecorder, removeRecorder } from "../ops/engine.js";
import { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { isFloatDType } from "../tensor/dtype.js";
import { ones, zeros } from "../tensor/creation.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import { add } from "../ops/math.js";
import { valueText } from "../tensor/value_text.js";

export interface GradientTapeOptions {
  /** Allow several gradient() calls on one recording (TF's persistent=True). */
  persistent?: boolean;
  /** Watch trainable Variables automatically when an op reads them (default true, as in TF). */
  watchAccessedVariables?: boolean;
}

/**
 * Records ops on watched tensors while it runs, then computes gradients by walking the
 * recording backwards. `tape.run(() => loss)` records only during the callback.
 */
export class GradientTape implements Recorder {
  private readonly tracked = new Set<Tensor>();
  private nodes: OpNode[] = [];
  private recording = false;
  private used = false;
  private readonly persistent: boolean;
  private readonly watchVariables: boolean;

  constructor(opts: GradientTapeOptions = {}) {
    this.persistent = opts.persistent ?? false;
    this.watchVariables = opts.watchAccessedVariables ?? true;
  }

  /** Track `x` so ops on it are recorded and gradient() can differentiate with respect to it. */
  watch(...xs: (Tensor | Tensor[])[]): void {
    for (const x of xs.flat()) {
      checkDifferentiable(x, "GradientTape.watch");
      this.tracked.add(x);
    }
  }

  /** Records the ops `fn` runs; the tape stops recording when it returns (or throws). */
  run<T>(fn: () => T): T {
    this.start();
    try {
      return fn();
    } finally {
      this.stop();
    }
  }

  start(): void {
    if (this.recording) throw new Error("GradientTape.start: this tape is already recording");
    this.recording = true;
    pushRecorder(this);
  }

  stop(): void {
    if (!this.recording) return;
    this.recording = false;
    removeRecorder(this);
  }

  tracks(inputs: readonly Tensor[]): boolean {
    let any = false;
    for (const x of inputs) {
      if (this.tracked.has(x)) any = true;
      else if (this.watchVariables && x instanceof Variable && x.trainable && isFloatDType(x.dtype)) {
        this.tracked.add(x);
        any = true;
      }
    }
    return any;
  }

  /** The variables this tape tracks (watched, or read while recording). */
  accessedVariables(): Variable[] {
    return [...this.tracked].filter((t): t is Variable => t instanceof Variable);
  }

  record(node: OpNode): void {
    this.nodes.push(node);
    for (const o of node.outputs) if (isFloatDType(o.dtype)) this.tracked.add(o);
  }

  /**
   * d(sum of target)/d(source) for each source; null for a source the target does not depend on.
   * `outputGradient` seeds the backward pass (defaults to ones, i.e. the gradient of sum(target)).
   */
  gradient(target: Tensor, sources: Tensor, outputGradient?: Tensor): Tensor | null;
  gradient(target: Tensor, sources: readonly Tensor[], outputGradient?: Tensor): (Tensor | null)[];
  gradient(target: Tensor, sources: Tensor | readonly Tensor[], outputGradient?: Tensor): Tensor | null | (Tensor | null)[] {
    if (this.used && !this.persistent) {
      throw new Error("GradientTape.gradient: a non-persistent tape can compute gradients only once; create it with { persistent: true } to call gradient() again");
    }
    this.used = true;
    if (this.recording) this.stop();
    const list = sources instanceof Tensor ? [sources] : [...sources];
    // Only tracked sources have gradients; an unwatched tensor reached by the walk has none.
    const out = gradientPool.collect(() => {
      const grads = backprop(this.nodes, target, outputGradient);
      return list.map((s) => (this.tracked.has(s) ? grads.get(s) ?? null : null));
    });
    if (!this.persistent) this.nodes = [];
    return sources instanceof Tensor ? out[0] : out;
  }
}

/**
 * Refuses a tensor that cannot have a gradient, saying how to get a float one: integer literals
 * make int32 tensors (tf.constant([1, 2]), as in TensorFlow), where Python's 1.0 would be float.
 */
function checkDifferentiable(x: Tensor, where: string): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${where}: expected a tensor, got ${valueText(x)}`);
  if (isFloatDType(x.dtype)) return;
  const literal = x.dtype === "int32" ? `integer literals make int32 tensors: create it as float (tf.constant([1, 2], "float32")) or ` : "";
  throw new TypeError(`${where}: only float tensors have gradients, got ${x.dtype} ${shapeText(x.shape)}; ${literal}cast it (tf.cast(x, "float32"))`);
}

/** Walks nodes in reverse, summing each tensor's gradient over all its uses. */
function backprop(nodes: readonly OpNode[], target: Tensor, seed?: Tensor): Map<Tensor, Tensor> {
  if (!isFloatDType(target.dtype)) {
    throw new TypeError(`gradient: the target must be a float tensor, got ${target.dtype} ${shapeText(target.shape)}`);
  }
  if (seed && !shapesEqual(seed.shape, target.shape)) {
    throw new RangeError(`gradient: outputGradient has shape ${shapeText(seed.shape)} but the target has shape ${shapeText(target.shape)}`);
  }
  const grads = new Map<Tensor, Tensor>();
  grads.set(target, seed ?? ones(target.shape, target.dtype));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!node.outputs.some((o) => grads.has(o))) continue;
    const dys = node.outputs.map((o) => grads.get(o) ?? zeros(o.shape, o.dtype));
    const dxs = node.backward(dys);
    node.inputs.forEach((x, j) => {
      const g = dxs[j];
      if (!g || !isFloatDType(x.dtype)) return;
      if (!shapesEqual(g.shape, x.shape)) {
        throw new Error(`internal: gradient of ${node.name} input ${j} has shape ${shapeText(g.shape)}, expected ${shapeText(x.shape)}`);
      }
      const prev = grads.get(x);
      grads.set(x, prev ? add(prev, g) : g);
    });
  }
  return grads;
}

type TensorFn = (...xs: Tensor[]) => Tensor;

function differentiate(f: TensorFn, xs: Tensor[], dy: Tensor | undefined, op: string): { value: Tensor; grads: Tensor[] } {
  xs.forEach((x, i) => checkDifferentiable(x, xs.length > 1 ? `${op}: argument ${i}` : op));
  const tape = new GradientTape({ watchAccessedVariables: false });
  tape.watch(xs);
  const value = tape.run(() => f(...xs));
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: the function must return a Tensor`);
  const grads = tape.gradient(value, xs, dy).map((g, i) => g ?? zeros(xs[i].shape, xs[i].dtype));
  return { value, grads };
}

/** tf.grad(f)(x, dy?): the gradient of f at x (zeros where f does not depend on x). */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => differentiate(f, [x], dy, "grad").grads[0];
}

/** tf.grads(f)([a, b], dy?): the gradients of f with respect to each argument. */
export function grads(f: TensorFn): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => differentiate(f, xs, dy, "grads").grads;
}

export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const r = differentiate(f, [x], dy, "valueAndGrad");
    return { value: r.value, grad: r.grads[0] };
  };
}

export function valueAndGrads(f: TensorFn): (xs: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => differentiate(f, xs, dy, "valueAndGrads");
}

/**
 * tf.variableGrads(f, varList?): the loss f() and its gradients with respect to the trainable
 * variables it reads (or to varList), keyed by variable name.
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const tape = new GradientTape({ watchAccessedVariables: varList === undefined });
  if (varList) tape.watch(varList);
  const value = tape.run(f);
  const vars = varList ?? tape.accessedVariables();
  const gs = tape.gradient(value, vars);
  const out: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    const g = gs[i];
    if (g) out[v.name] = g;
  });
  return { value, grads: out };
}
