import type { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { noGrad } from "../ops/engine.js";
import { cast, div, equal } from "../ops/math.js";
import { all } from "../ops/reduce.js";
import { matmul } from "../ops/matmul.js";
import { reshape, transpose } from "../ops/shape.js";
import { normalize } from "../ops/normalize.js";
import { TruncatedNormal } from "../nn/initializers.js";
import { type CallOptions, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { Wrapper, type WrapperArgs } from "./wrapper.js";

export interface SpectralNormalizationArgs extends WrapperArgs {
  /** Power-iteration steps per training call (Keras' power_iterations): a positive integer, 1 by default. */
  powerIterations?: number;
}

/**
 * Keras' SpectralNormalization: keeps the spectral norm of a layer's kernel (an Embedding's
 * embeddings) near 1, as GANs use to bound a discriminator's Lipschitz constant.
 *
 * As Keras 3.5 does it: each training call runs power iteration from the non-trainable
 * `vector_u` [1, out] (kernel reshaped to [-1, out]), stores the new `vector_u`, and overwrites
 * the wrapped layer's kernel with W / sigma before the layer runs, unless the kernel is all zeros.
 * The kernel is replaced, not recomputed inside the graph, so gradients are taken at the
 * normalized kernel and none flows through sigma; the optimizer then updates the normalized
 * kernel. Inference calls use the kernel as it is and change nothing.
 */
export class SpectralNormalization extends Wrapper {
  static readonly options = layerOptions<SpectralNormalizationArgs>({ layer: true, powerIterations: true });
  readonly powerIterations: number;
  /** Keras' vector_u: the running estimate of the kernel's top right singular vector, [1, out]. */
  vectorU: Variable | null = null;

  constructor(args: SpectralNormalizationArgs) {
    super(args);
    const n = args.powerIterations ?? 1;
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(
        `${this.className} ${this.name}: powerIterations must be a positive integer (power-iteration steps per training call), got ${valueText(n)}; e.g. { powerIterations: 1 }`,
      );
    }
    this.powerIterations = n;
  }

  /**
   * The wrapped layer's weight to normalize, read from it each time: kept in a property of the
   * wrapper it would count as the wrapper's own weight a second time over.
   */
  private target(): Variable {
    const inner = this.layer as unknown as { kernel?: unknown; embeddings?: unknown; loraEnabled?: unknown };
    if (inner.loraEnabled === true) {
      // The layer computes with kernel + A·B, which no assignment to the frozen kernel could normalize (Keras fails on the merged tensor too).
      throw new TypeError(
        `${this.className} ${this.name}: the wrapped layer ${this.layer.name} (${this.layer.className}) has LoRA enabled; ` +
          "spectral normalization needs the weight the layer computes with, so wrap a layer without loraRank (enable LoRA on another copy after training, if needed)",
      );
    }
    if (inner.kernel instanceof Variable) return inner.kernel;
    if (inner.embeddings instanceof Variable) return inner.embeddings;
    throw new TypeError(
      `${this.className} ${this.name}: the wrapped layer ${this.layer.name} (${this.layer.className}) has no kernel nor embeddings weight to normalize; ` +
        "wrap a layer with a kernel (Dense, Conv1D/2D/3D, their Transpose forms, DepthwiseConv1D/2D, EinsumDense) or an Embedding",
    );
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    if (Array.isArray(inputShape[0])) {
      throw new TypeError(`${this.className} ${this.name}: expects one input tensor, got a list of ${inputShape.length}`);
    }
    super.build(inputShape);
    const kernel = this.target();
    this.vectorU = this.addWeight("vector_u", [1, kernel.shape[kernel.rank - 1]], {
      initializer: new TruncatedNormal({ stddev: 0.02 }), trainable: false, dtype: kernel.dtype,
    });
  }

  /**
   * Keras' weight order: the variables the wrapper tracks itself (the wrapped kernel, which Keras'
   * attribute tracking counts as the wrapper's, then vector_u), then the wrapped layer's others.
   */
  override get weights(): Variable[] {
    const weights = super.weights;
    if (!this.built) return weights;
    const kernel = this.target();
    return [kernel, ...weights.filter((w) => w !== kernel)];
  }

  /** The variables Keras saves in the wrapper's own `vars` group of a .keras file: kernel, vector_u. */
  kerasOwnVariables(): Variable[] {
    return this.built && this.vectorU ? [this.target(), this.vectorU] : [];
  }

  /** Keras' input spec: once built, every call keeps the built shape but for the batch. */
  private checkInput(shape: LayerShape): void {
    const built = this.builtInputShape as LayerShape | null;
    if (built === null) return;
    const ok = shape.length === built.length && built.every((d, i) => i === 0 || d === null || shape[i] === null || d === shape[i]);
    if (!ok) {
      throw new RangeError(
        `${this.className} ${this.name}: input shape ${layerShapeText(shape)} is incompatible with the layer: it was built for inputs of shape ` +
          `${layerShapeText([null, ...built.slice(1)])}; call it on inputs of that shape, or wrap a new layer for the new shape`,
      );
    }
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    if (Array.isArray(inputs) && inputs.length !== 1) throw new TypeError(`${this.className} ${this.name}: expects one input tensor, got ${inputs.length}`);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x.shape);
    if (opts.training === true) this.normalizeKernel();
    const y = this.layer.apply(x, { training: opts.training });
    if (Array.isArray(y)) throw new TypeError(`${this.className} ${this.name}: the wrapped layer ${this.layer.name} returns several tensors; SpectralNormalization needs a layer with one output`);
    const out = y as Tensor;
    // Keras casts the output to the inputs' dtype; for an Embedding's integer ids that truncates
    // every value to an integer, so only a float output is cast.
    return isFloatDType(x.dtype) && isFloatDType(out.dtype) && out.dtype !== x.dtype ? cast(out, x.dtype) : out;
  }

  /** Power iteration from vector_u, then the kernel replaced by W / sigma (Keras' normalized_weights and its assigns). */
  private normalizeKernel(): void {
    const kernel = this.target();
    const vectorU = this.vectorU!;
    noGrad(() => {
      // Keras keeps an all-zero kernel as it is: its sigma is 0.
      if (all(equal(kernel, 0)).item()) return;
      const w = reshape(kernel, [-1, kernel.shape[kernel.rank - 1]]);
      let u: Tensor = vectorU;
      let v: Tensor = u;
      for (let i = 0; i < this.powerIterations; i++) {
        v = normalize(matmul(u, transpose(w)), -1);
        u = normalize(matmul(v, w), -1);
      }
      const sigma = reshape(matmul(matmul(v, w), transpose(u)), []);
      vectorU.assign(u);
      kernel.assign(div(kernel, sigma));
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    if (!Array.isArray(inputShape[0])) this.checkInput(inputShape as LayerShape);
    return this.layer.computeOutputShape(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), power_iterations: this.powerIterations };
  }
}
