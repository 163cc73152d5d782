/**
 * Sharpened cosine similarity (SCS), the alternative to convolution that notebook 000's third
 * "to go further" direction links to (Raphael Pisoni, https://www.rpisoni.dev/posts/cossim-convolution/,
 * after Brandon Rohrer's idea). For each patch x and kernel w:
 *
 *   s   = (x · w) / ((‖x‖ + q) ‖w‖)            with ‖v‖ = sqrt(max(Σ v², 1e-12))
 *   out = sign(s) · (|s| + eps)^p
 *
 * p (one per filter) and q (one per layer) are learned through p = exp(pVar / pScale) and
 * q = exp(-qVar / qScale), so both stay positive; pVar starts at pInit · pScale and qVar at
 * qInit · qScale (p = e and q = e^-10 by default).
 *
 * This follows the Keras layer of github.com/brohrer/sharpened-cosine-similarity
 * (tensorflow/sharpened_cosine_similarity.py, itself Pisoni's code): weights w [1, kh·kw·C, filters]
 * (glorot_uniform), p [filters], q [1], the l2 norms with the 1e-12 floor, the defaults
 * p_init 1, q_init 10, p_scale 5, q_scale 0.3, eps 1e-6, no bias. Two deliberate differences:
 * that file computes p = exp(p / p_scale) and then raises to the raw variable (tf.pow(x, self.p)),
 * which can go negative; the exponent here is the exp'd one, as the same repository's PyTorch
 * layer (pytorch/sharpened_cosine_similarity.py) applies it. And the geometry is Keras Conv2D's
 * (any kernel size, "same" with TF's extra row/column at the bottom/right) instead of the
 * hand-written 3x3/5x5 patch stacks.
 *
 * The dot products are a conv2d with the unit-norm kernels, and the patch norms a conv2d of x²
 * with a kernel of ones, so the gradients come from those ops; the sharpening is one fused op
 * (signedPower in ops/fused.ts), whose kernels give its gradient.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { ones } from "../tensor/creation.js";
import { add, div, exp, maximum, neg, sqrt, square } from "../ops/math.js";
import { signedPower } from "../ops/fused.js";
import { sum } from "../ops/reduce.js";
import { reshape, tile } from "../ops/shape.js";
import { conv2d, depthwiseConv2d } from "../ops/conv.js";
import { Constant } from "../nn/initializers.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type KerasPadding, type PairArg, checkPadding, pair } from "./convolutional.js";
import { type InitializerArg, resolveInitializer, serializeObject, checkWeightOptions } from "./weights.js";
import { valueText } from "../tensor/value_text.js";

export interface CosSim2DArgs extends LayerArgs {
  filters?: number;
  /** Default 3. */
  kernelSize?: PairArg;
  /** Default 1. */
  strides?: PairArg;
  /** Default "valid". */
  padding?: KerasPadding | "SAME" | "VALID";
  /**
   * The reference's depthwise_separable: the same `filters` kernels (each kh x kw x 1) are matched
   * against every input channel on its own; C * filters outputs, channel c * filters + f.
   */
  depthwise?: boolean;
  /** Initial log of the exponent p (p starts at exp(pInit)). Default 1. */
  pInit?: number;
  /** Initial -log of q (q starts at exp(-qInit)). Default 10. */
  qInit?: number;
  /** p = exp(pVar / pScale): a larger scale makes p move more slowly. Default 5. */
  pScale?: number;
  /** q = exp(-qVar / qScale). Default 0.3. */
  qScale?: number;
  /** Added to |s| before the power, so the gradient stays finite at s = 0. Default 1e-6. */
  eps?: number;
  /** A bias added after the power (Pisoni's first version had one; the reference now has none). Default false. */
  useBias?: boolean;
  kernelInitializer?: InitializerArg;
  biasInitializer?: InitializerArg;
}

/** The floor of the squared norms, tf.maximum(square_sum, 1e-12) in the reference. */
const NORM_FLOOR = 1e-12;
function finite(where: string, what: string, v: unknown, positive: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || (positive && v <= 0)) {
    throw new RangeError(`${where}: ${what} must be a ${positive ? "positive" : "finite"} number, got ${valueText(v)}`);
  }
  return v;
}

export class CosSim2D extends Layer {
  static readonly options = layerOptions<CosSim2DArgs>({
    filters: true, kernelSize: true, strides: true, padding: true, depthwise: true, pInit: true, qInit: true, pScale: true, qScale: true,
    eps: true, useBias: true, kernelInitializer: true, biasInitializer: true,
  });
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: KerasPadding;
  readonly depthwise: boolean;
  readonly pInit: number;
  readonly qInit: number;
  readonly pScale: number;
  readonly qScale: number;
  readonly eps: number;
  readonly useBias: boolean;
  /** [1, kh * kw * C (or kh * kw when depthwise), filters], as the reference stores it. */
  w: Variable | null = null;
  b: Variable | null = null;
  p: Variable | null = null;
  q: Variable | null = null;
  private onesKernel: Tensor | null = null;
  private readonly args: CosSim2DArgs;

  constructor(args: CosSim2DArgs) {
    super(args);
    const where = this.where;
    const f = args.filters;
    if (typeof f !== "number" || !Number.isInteger(f) || f <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, got ${valueText(f)}; e.g. layers.CosSim2D(32, { kernelSize: 3 })`);
    }
    this.filters = f;
    this.kernelSize = pair(args.kernelSize ?? 3, "kernelSize", where);
    this.strides = pair(args.strides ?? 1, "strides", where);
    this.padding = checkPadding(args.padding, where);
    this.depthwise = booleanOption(where, "depthwise", args.depthwise, false);
    this.pInit = finite(where, "pInit", args.pInit ?? 1, false);
    this.qInit = finite(where, "qInit", args.qInit ?? 10, false);
    this.pScale = finite(where, "pScale", args.pScale ?? 5, true);
    this.qScale = finite(where, "qScale", args.qScale ?? 0.3, true);
    this.eps = finite(where, "eps", args.eps ?? 1e-6, true);
    this.useBias = booleanOption(where, "useBias", args.useBias, false);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  private get where(): string {
    return `CosSim2D ${this.name}`;
  }

  private channelsOf(shape: LayerShape): number {
    if (shape.length !== 4) {
      throw new RangeError(
        `${this.where}: expects inputs of rank 4 (batch, height, width, channels), got shape ${layerShapeText(shape)}; ` +
          `add a channel axis, e.g. layers.Reshape([28, 28, 1])`,
      );
    }
    const c = shape[3];
    if (c === null) throw new RangeError(`${this.where}: the channel dimension of the input must be known, got ${layerShapeText(shape)}`);
    return c;
  }

  /** Keras Conv2D's output length along one axis, with a clear error when the input is too small. */
  private outLength(n: number | null, axis: 0 | 1, shape: LayerShape): number | null {
    if (n === null) return null;
    const k = this.kernelSize[axis], s = this.strides[axis];
    const out = this.padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
    if (out <= 0) {
      throw new RangeError(
        `${this.where}: input ${layerShapeText(shape)} is too small for kernel ${this.kernelSize.join("x")} with padding "valid": ` +
          `the output would have ${out} ${axis === 0 ? "rows" : "columns"}; use padding "same" or a smaller kernel`,
      );
    }
    return out;
  }

  override build(inputShape: LayerShape): void {
    const c = this.channelsOf(inputShape);
    this.computeOutputShape(inputShape);
    const [kh, kw] = this.kernelSize;
    const perKernel = kh * kw * (this.depthwise ? 1 : c);
    this.w = this.addWeight("w", [1, perKernel, this.filters], { initializer: resolveInitializer(this.args.kernelInitializer ?? "glorot_uniform") });
    if (this.useBias) {
      const outChannels = this.depthwise ? c * this.filters : this.filters;
      this.b = this.addWeight("b", [outChannels], { initializer: resolveInitializer(this.args.biasInitializer ?? "zeros") });
    }
    this.p = this.addWeight("p", [this.filters], { initializer: new Constant({ value: this.pInit * this.pScale }) });
    this.q = this.addWeight("q", [1], { initializer: new Constant({ value: this.qInit * this.qScale }) });
    this.onesKernel = ones([kh, kw, c, 1], this.dtype);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const c = this.onesKernel!.shape[2];
    if (x.rank !== 4 || x.shape[3] !== c) {
      throw new RangeError(
        `${this.where}: was built for inputs with ${c} channels (rank 4, NHWC) but got shape ${layerShapeText(x.shape)}; ` +
          `a layer keeps the channel count it was first called with`,
      );
    }
    const [n, oh, ow] = [x.shape[0], this.outLength(x.shape[1], 0, x.shape)!, this.outLength(x.shape[2], 1, x.shape)!];
    const geometry = { strides: this.strides, padding: this.padding };
    const [kh, kw] = this.kernelSize;
    const kernel = reshape(this.w!, [kh, kw, this.depthwise ? 1 : c, this.filters]);
    const unitKernel = div(kernel, sqrt(maximum(sum(square(kernel), [0, 1, 2], true), NORM_FLOOR)));
    const q = exp(neg(div(this.q!, this.qScale)));
    const p = exp(div(this.p!, this.pScale));
    const squares = square(x);
    let s: Tensor;
    if (!this.depthwise) {
      const xNorm = add(sqrt(maximum(conv2d(squares, this.onesKernel!, geometry), NORM_FLOOR)), q);
      s = div(conv2d(x, unitKernel, geometry), xNorm);
    } else {
      // Output channel ch * filters + f: every channel against the same unit kernels.
      const dots = depthwiseConv2d(x, tile(unitKernel, [1, 1, c, 1]), geometry);
      const xNorm = add(sqrt(maximum(depthwiseConv2d(squares, this.onesKernel!, geometry), NORM_FLOOR)), q);
      s = div(reshape(dots, [n, oh, ow, c, this.filters]), reshape(xNorm, [n, oh, ow, c, 1]));
    }
    let y = signedPower(s, p, this.eps);
    if (this.depthwise) y = reshape(y, [n, oh, ow, c * this.filters]);
    return this.b ? add(y, this.b) : y;
  }

  protected override weightAxes(): readonly number[] {
    return [-1];
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    const c = this.channelsOf(s);
    return [s[0], this.outLength(s[1], 0, s), this.outLength(s[2], 1, s), this.depthwise ? c * this.filters : this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernel_size: [...this.kernelSize], strides: [...this.strides], padding: this.padding,
      depthwise: this.depthwise, p_init: this.pInit, q_init: this.qInit, p_scale: this.pScale, q_scale: this.qScale, eps: this.eps,
      use_bias: this.useBias,
      kernel_initializer: serializeObject(resolveInitializer(this.args.kernelInitializer ?? "glorot_uniform")),
      bias_initializer: serializeObject(resolveInitializer(this.args.biasInitializer ?? "zeros")),
    };
  }
}
