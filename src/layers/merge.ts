import type { Tensor } from "../tensor/tensor.js";
import { add, cast, div, logicalOr, maximum, minimum, mul, sub, where } from "../ops/math.js";
import { any } from "../ops/reduce.js";
import { broadcastTo } from "../ops/broadcast.js";
import { concat, expandDims } from "../ops/shape.js";
import { noGrad } from "../ops/engine.js";
import { ones } from "../tensor/creation.js";
import { type CallOptions, Layer, type LayerArgs, type LayerShape, type Mask, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { axisOption } from "./layer_axes.js";
import { checkBatchSizes, expandToCommonRank, knownBatchSizes, mergedSampleShape } from "./merge_shapes.js";

/** Base of the layers that combine a list of same-shaped inputs elementwise. */
export abstract class Merge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  /** Keras' _reshape_required: whether inputs of lower rank get new axes after the batch axis (not for Concatenate). */
  protected readonly expandsRanks: boolean = true;

  /** Combines the inputs; `masks` (one per input, or null) are their masks, for the layers whose values depend on them. */
  protected abstract merge(xs: Tensor[], masks: readonly (Tensor | null)[] | null): Tensor;

  protected inputsOf(inputs: Tensor | Tensor[]): Tensor[] {
    if (!Array.isArray(inputs) || inputs.length < 1) {
      throw new TypeError(`${this.className} ${this.name}: expects a list of inputs, e.g. layers.${this.className}()([a, b])`);
    }
    return inputs;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor {
    const given = this.inputsOf(inputs);
    const xs = this.expandsRanks ? expandToCommonRank(given) : given;
    const m = opts.mask;
    // An input given new axes is a new tensor in Keras' call, without the _keras_mask its merge function reads.
    const list = Array.isArray(m) ? (m as readonly (Tensor | null)[]).map((mask, i) => (xs[i] === given[i] ? mask : null)) : null;
    const masks = list !== null && list.some((x) => x !== null) ? list : null;
    return this.merge(xs, masks);
  }

  /** Keras' Merge.compute_mask: the inputs' masks ORed when every input has one, else none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask = null): Mask {
    if (!Array.isArray(mask)) return null;
    const list = mask as readonly (Tensor | null)[];
    if (list.some((m) => m === null)) return null;
    return noGrad(() => (list as Tensor[]).slice(1).reduce((acc, m) => logicalOr(acc, m), list[0] as Tensor));
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = inputShape as LayerShape[];
    if (!Array.isArray(shapes[0])) {
      throw new TypeError(`${this.className} ${this.name}: expects a list of inputs, e.g. layers.${this.className}()([a, b])`);
    }
    checkBatchSizes(`${this.className} ${this.name}`, shapes);
    this.computeOutputShape(shapes);
    this.built = true;
  }

  /** Keras' Merge.compute_output_shape: the samples' shapes broadcast, and the batch size when the inputs fix exactly one. */
  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = inputShape as LayerShape[];
    const sample = mergedSampleShape(`${this.className} ${this.name}`, shapes);
    const batch = knownBatchSizes(shapes);
    return [batch.length === 1 ? batch[0] : null, ...sample];
  }
}

/** Sums its inputs: the skip connection of a residual block. */
export class Add extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]);
  }
}

/** inputs[0] - inputs[1]; exactly two inputs. */
export class Subtract extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  private checkTwo(n: number): void {
    if (n !== 2) {
      throw new TypeError(`Subtract ${this.name}: should be called on exactly 2 inputs, got ${n}; e.g. layers.Subtract()([a, b]) computes a - b`);
    }
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    super.build(inputShape);
    this.checkTwo((inputShape as LayerShape[]).length);
  }

  protected merge(xs: Tensor[]): Tensor {
    this.checkTwo(xs.length);
    return sub(xs[0], xs[1]);
  }
}

/** A [batch, ..., 1]-expanded mask broadcast to x's shape (Keras' merges line masks up with their inputs so). */
function spread(mask: Tensor, x: Tensor): Tensor {
  return broadcastTo(expandDims(mask, -1), x.shape);
}

/**
 * Keras' _apply_merge_op_and_or_mask (Maximum, Minimum): a masked position of one input takes the
 * running result's value, and the running result's masked positions take the input's, so masked
 * values never win; the outputs' mask is the OR of the inputs' (set by computeMask).
 */
function mergeMasked(xs: Tensor[], masks: readonly (Tensor | null)[] | null, op: (a: Tensor, b: Tensor) => Tensor): Tensor {
  if (masks === null) return xs.slice(1).reduce((acc, x) => op(acc, x), xs[0]);
  let out = xs[0];
  let outMask: Tensor | null = masks[0] ? spread(masks[0], xs[0]) : null;
  for (let i = 1; i < xs.length; i++) {
    let x = xs[i];
    const m = masks[i] ? spread(masks[i] as Tensor, x) : null;
    if (m !== null) x = where(m, x, out);
    if (outMask !== null) out = where(outMask, out, x);
    outMask = m !== null && outMask !== null ? logicalOr(outMask, m) : null;
    out = op(out, x);
  }
  return out;
}

/** The elementwise product of its inputs; with masks, as Keras: masked values count as 1, and positions masked in every input give 0. */
export class Multiply extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  protected merge(xs: Tensor[], masks: readonly (Tensor | null)[] | null): Tensor {
    if (masks === null) return xs.slice(1).reduce((acc, x) => mul(acc, x), xs[0]);
    const all = masks.every((m) => m !== null);
    let outMask: Tensor | null = null;
    const factors = xs.map((x, i) => {
      const m = masks[i];
      if (m === null) return x;
      const s = spread(m, x);
      if (all) outMask = outMask === null ? s : logicalOr(outMask, s);
      return where(s, x, 1);
    });
    const out = factors.slice(1).reduce((acc, x) => mul(acc, x), factors[0]);
    return outMask === null ? out : where(outMask, out, 0);
  }
}

/** The elementwise mean of its inputs. */
export class Average extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  protected merge(xs: Tensor[]): Tensor {
    return div(xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]), xs.length);
  }
}

/** The elementwise maximum of its inputs. */
export class Maximum extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  protected merge(xs: Tensor[], masks: readonly (Tensor | null)[] | null): Tensor {
    return mergeMasked(xs, masks, maximum);
  }
}

/** The elementwise minimum of its inputs. */
export class Minimum extends Merge {
  static readonly options = layerOptions<LayerArgs>({});
  protected merge(xs: Tensor[], masks: readonly (Tensor | null)[] | null): Tensor {
    return mergeMasked(xs, masks, minimum);
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** The axis along which the inputs are joined. Default -1. */
  axis?: number;
}

/** Joins its inputs along `axis`; every other dimension must match. */
export class Concatenate extends Merge {
  static readonly options = layerOptions<ConcatenateArgs>({ axis: true });
  readonly axis: number;
  protected override readonly expandsRanks = false;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = axisOption(`Concatenate ${this.name}`, args.axis, -1, "integer");
  }

  protected override inputsOf(inputs: Tensor | Tensor[]): Tensor[] {
    if (!Array.isArray(inputs) || inputs.length < 1) {
      throw new TypeError(`Concatenate ${this.name}: expects a list of inputs, e.g. layers.Concatenate()([a, b])`);
    }
    return inputs;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = inputShape as LayerShape[];
    if (!Array.isArray(shapes[0])) {
      throw new TypeError(`Concatenate ${this.name}: expects a list of inputs, e.g. layers.Concatenate()([a, b])`);
    }
    this.computeOutputShape(shapes);
    this.built = true;
  }

  /** The concatenation axis as a non-negative index, after checking every input's shape. */
  private resolveAxis(shapes: LayerShape[]): number {
    const text = shapes.map(layerShapeText).join(", ");
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) {
      throw new RangeError(`Concatenate ${this.name}: inputs must all have the same rank, got shapes ${text}`);
    }
    if (this.axis < -rank || this.axis >= rank) {
      throw new RangeError(`Concatenate ${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank} (shapes ${text}); use an axis in ${-rank}..${rank - 1}`);
    }
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    for (let d = 0; d < rank; d++) {
      if (d === axis) continue;
      const sizes = new Set(shapes.map((s) => s[d]).filter((v) => v !== null));
      if (sizes.size > 1) {
        throw new RangeError(
          `Concatenate ${this.name}: requires inputs with matching shapes except for the concatenation axis ${this.axis}, ` +
            `but axis ${d} differs: shapes ${text}; reshape or crop the inputs so they agree`,
        );
      }
    }
    return axis;
  }

  protected merge(xs: Tensor[]): Tensor {
    const axis = this.resolveAxis(xs.map((x) => x.shape));
    return xs.length === 1 ? xs[0] : concat(xs, axis);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = inputShape as LayerShape[];
    const axis = this.resolveAxis(shapes);
    const out = shapes[0].map((_, d) => (d === axis ? null : shapes.map((s) => s[d]).find((v) => v !== null) ?? null));
    out[axis] = shapes.some((s) => s[axis] === null) ? null : shapes.reduce((n, s) => n + (s[axis] as number), 0);
    return out;
  }

  /** Keras' Concatenate.compute_mask: the masks (all true for an input without one) joined like the inputs, then any over the last axis. */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask = null): Mask {
    if (!Array.isArray(mask) || !Array.isArray(inputs)) return null;
    const list = mask as readonly (Tensor | null)[];
    if (list.every((m) => m === null)) return null;
    const xs = inputs;
    return noGrad(() => {
      const full = xs.map((x, i) => {
        const m = list[i];
        if (m === null) return cast(ones(x.shape, "int32"), "bool");
        return m.rank < x.rank ? spread(m, x) : m;
      });
      return any(concat(full, this.resolveAxis(xs.map((x) => x.shape))), -1);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
