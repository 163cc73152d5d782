import type { Tensor } from "../tensor/tensor.js";
import { div, maximum, sqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { matmul } from "../ops/matmul.js";
import { expandDims, reshape, squeeze, transpose } from "../ops/shape.js";
import { valueText } from "../tensor/value_text.js";
import { Layer, type LayerArgs, type LayerShape, type Mask, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { epsilon } from "../tensor/config.js";


export interface DotArgs extends LayerArgs {
  /** The axis of both inputs, or [axis of the first, axis of the second], summed over. Negative axes count from the end. */
  axes?: number | readonly [number, number];
  /** L2-normalize both inputs along those axes first, so the result is the cosine similarity. Default false. */
  normalize?: boolean;
}

/**
 * Keras' Dot layer: the per-sample dot product of two inputs along the given axes (Keras'
 * batch_dot). Shapes (b, ...x) and (b, ...y) give (b, ...x without its axis, ...y without its
 * axis), with a trailing 1 when only the batch is left: Dot({ axes: 1 }) of two (b, n) inputs
 * gives (b, 1).
 */
export class Dot extends Layer {
  static readonly options = layerOptions<DotArgs>({ axes: true, normalize: true });
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    this.supportsMasking = true;
    const where = `Dot ${this.name}`;
    const axes = args.axes;
    const isAxis = (a: unknown): a is number => typeof a === "number" && Number.isInteger(a);
    if (!isAxis(axes) && !(Array.isArray(axes) && axes.length === 2 && axes.every(isAxis))) {
      throw new TypeError(`${where}: axes must be an integer or a list of two integers (one axis per input), got ${valueText(axes)}; e.g. layers.Dot({ axes: 1 }) or layers.Dot({ axes: [1, 2] })`);
    }
    this.axes = isAxis(axes) ? axes : [axes[0], axes[1]];
    this.normalize = booleanOption(where, "normalize", args.normalize, false);
  }

  /** The two inputs (shapes or tensors) of a call, which must be a list of exactly two. */
  private pair<T>(inputs: T | T[], isItem: (x: unknown) => boolean): [T, T] {
    if (!Array.isArray(inputs) || inputs.length !== 2 || !isItem(inputs[0])) {
      throw new TypeError(`Dot ${this.name}: should be called on a list of exactly 2 inputs, e.g. layers.Dot({ axes: 1 })([a, b])`);
    }
    return [inputs[0], inputs[1]];
  }

  /** The summed axes as non-negative indices, after Keras' checks. */
  private resolveAxes(s1: LayerShape, s2: LayerShape): [number, number] {
    const text = `${layerShapeText(s1)} and ${layerShapeText(s2)}`;
    if (s1.length < 2 || s2.length < 2) throw new RangeError(`Dot ${this.name}: both inputs need rank >= 2 (a batch axis and more), got ${text}`);
    const given = typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    const ranks = [s1.length, s2.length];
    const axes = given.map((a, i) => (a < 0 ? a + ranks[i] : a)) as [number, number];
    axes.forEach((a, i) => {
      if (a < 0 || a >= ranks[i]) throw new RangeError(`Dot ${this.name}: axis ${given[i]} is out of range for input ${i} of rank ${ranks[i]} (shapes ${text})`);
    });
    if (axes[0] === 0 || axes[1] === 0) {
      throw new RangeError(`Dot ${this.name}: cannot take the dot product over the batch axis 0 (axes ${JSON.stringify(this.axes)}, shapes ${text}); add a batch axis to unbatched inputs`);
    }
    const d1 = s1[axes[0]], d2 = s2[axes[1]];
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new RangeError(`Dot ${this.name}: incompatible input shapes ${text}: axis ${axes[0]} of the first has size ${d1} but axis ${axes[1]} of the second has size ${d2}; choose axes of equal size`);
    }
    const b1 = s1[0], b2 = s2[0];
    if (b1 !== null && b2 !== null && b1 !== b2) throw new RangeError(`Dot ${this.name}: the inputs have different batch sizes, shapes ${text}`);
    return axes;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const [s1, s2] = this.pair(inputShape as LayerShape[], Array.isArray);
    this.resolveAxes(s1, s2);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    let [x, y] = this.pair(inputs, (t) => !Array.isArray(t));
    const [a0, a1] = this.resolveAxes(x.shape, y.shape);
    if (this.normalize) {
      x = l2Normalize(x, a0);
      y = l2Normalize(y, a1);
    }
    return batchDot(x, y, a0, a1);
  }

  /** Keras' Dot: the inputs' masks do not carry over to the product. */
  override computeMask(): Mask {
    return null;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [s1, s2] = this.pair(inputShape as LayerShape[], Array.isArray);
    const [a0, a1] = this.resolveAxes(s1, s2);
    const out = [...s1.filter((_, i) => i !== a0), ...s2.filter((_, i) => i !== a1 && i !== 0)];
    return out.length === 1 ? [...out, 1] : out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: typeof this.axes === "number" ? this.axes : [...this.axes], normalize: this.normalize };
  }
}

/** x / max(||x||, 1e-7) along `axis` (Keras' ops.normalize). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return div(x, maximum(sqrt(sum(square(x), axis, true)), epsilon()));
}

/**
 * Keras' batch_dot for one axis per input (a0, a1 >= 1): x's axis moved last, y's moved to 1,
 * both brought to rank 3, one batched matmul, then the squashed axes restored.
 */
function batchDot(x0: Tensor, y0: Tensor, a0In: number, a1: number): Tensor {
  let x = x0, y = y0, a0 = a0In;
  if (x.rank === 2) {
    x = expandDims(x, 1);
    a0 += 1;
  }
  if (y.rank === 2) y = expandDims(y, 2);
  if (a0 !== x.rank - 1) x = transpose(x, [...range(x.rank).filter((i) => i !== a0), a0]);
  if (a1 !== 1) y = transpose(y, [0, a1, ...range(y.rank).filter((i) => i !== 0 && i !== a1)]);
  const xMid = x.shape.slice(1, -1), yTrail = y.shape.slice(2);
  const xs = x.rank > 3 ? reshape(x, [x.shape[0], -1, x.shape[x.rank - 1]]) : x;
  const ys = y.rank > 3 ? reshape(y, [y.shape[0], y.shape[1], -1]) : y;
  let out = matmul(xs, ys);
  if (x.rank > 3 || y.rank > 3) out = reshape(out, [out.shape[0], ...xMid, ...yTrail]);
  if (x0.rank === 2) return squeeze(out, 1);
  if (y0.rank === 2) return squeeze(out, -1);
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
