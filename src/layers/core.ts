import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { type FusedActivation, fusedMatMul } from "../ops/fused.js";
import { reshape } from "../ops/shape.js";
import { dropout } from "../ops/dropout.js";
import { zerosLike } from "../tensor/creation.js";
import { RandomGenerator, SeedGenerator } from "../tensor/random.js";
import { checkKeys } from "../nn/common.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { SymbolicTensor, LayerNode } from "./symbolic.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, addBias, addKernel, kernelBiasConfig, checkWeightOptions } from "./weights.js";
import { type LoraArgs, LORA_OPTIONS } from "./lora.js";
import { type QuantizableArgs, KernelLoraLayer } from "./quantizable.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat, toChannelsLast } from "./data_format.js";
import { type QuantizedKernel, quantizedMatmul } from "./quantized_kernel.js";
import type { QuantizeOptions } from "./quantize_layer.js";

/**
 * The fused kernel for a layer's activation when it is Keras' own relu or linear (a custom function
 * of the same name is not), else null: Dense and Conv2D then compute product, bias and activation
 * in one op.
 */
export function fusedActivationOf(activation: { fn: unknown }): FusedActivation | null {
  if (activation.fn === getActivation("relu", "").fn) return "relu";
  if (activation.fn === getActivation(null, "").fn) return "linear";
  return null;
}

// ------------------------------------------------------------------ Input

export interface InputLayerArgs {
  /** Shape of one sample, without the batch: [28, 28, 1] (null where the size varies: [null, 8]). */
  shape?: readonly (number | null)[];
  batchSize?: number;
  /** Full shape with the batch first (null = any). */
  batchShape?: readonly (number | null)[];
  dtype?: DType;
  name?: string;
}

/**
 * InputLayer's options. It passes only name and dtype on to Layer, so it checks its own options
 * itself (Layer's check sees only those two): keras.Input refuses unknown keyword arguments too.
 */
const INPUT_LAYER_OPTIONS = Object.keys({ shape: true, batchSize: true, batchShape: true, dtype: true, name: true } satisfies Record<keyof InputLayerArgs, true>);

/** The first node of a functional model: it holds the input's shape and does nothing. */
export class InputLayer extends Layer {

  constructor(args: InputLayerArgs) {
    if (typeof args !== "object" || args === null) {
      throw new TypeError(`Input: options must be an object, got ${valueText(args)}; e.g. layers.Input({ shape: [28, 28, 1] }) or layers.Input([28, 28, 1])`);
    }
    checkKeys(`Input${typeof args.name === "string" ? ` ${args.name}` : ""}`, args, INPUT_LAYER_OPTIONS);
    super({ name: args.name, dtype: args.dtype });
    for (const key of ["shape", "batchShape"] as const) {
      if (args[key] !== undefined && !Array.isArray(args[key])) {
        throw new TypeError(`Input: ${key} must be a list of dimensions, got ${valueText(args[key])}; e.g. layers.Input({ shape: [28, 28, 1] })`);
      }
    }
    const batchShape = args.batchShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : null);
    if (!batchShape) throw new TypeError("Input: give the shape of one sample, e.g. layers.Input({ shape: [28, 28, 1] })");
    for (const d of batchShape) {
      if (d !== null && (!Number.isInteger(d) || d < 0)) {
        const given = args.batchShape !== undefined ? `batchShape ${valueText(args.batchShape)}` : `shape ${valueText(args.shape)}`;
        throw new RangeError(`Input: ${given} has the dimension ${valueText(d)}; dimensions must be non-negative integers, or null where the size is not known`);
      }
    }
    this.batchInputShape = batchShape;
    this.built = true;
    const node = new LayerNode(this, [], false);
    this.inboundNodes.push(node);
    node.outputs = [new SymbolicTensor(batchShape, this.dtype, this, node, 0, this.name)];
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_shape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}

/** keras.Input(shape=...): a symbolic tensor to start a functional model (or a Sequential). */
export function Input(args: InputLayerArgs): SymbolicTensor {
  return new InputLayer(args).inboundNodes[0].outputs[0];
}

// ------------------------------------------------------------------ Dense

export interface DenseArgs extends LayerArgs, KernelBiasArgs, LoraArgs, QuantizableArgs {
  units?: number;
  /** Keras' input_dim: the same as inputShape: [inputDim] (Dense(64, { inputDim: 784 }) as a first layer). */
  inputDim?: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
}

/** Keras' Layer turns input_dim into input_shape (input_dim,); both at once would be ambiguous. */
function inputDimAsShape(args: DenseArgs): DenseArgs {
  if (typeof args !== "object" || args === null || args.inputDim === undefined) return args;
  const where = `Dense${typeof args.name === "string" ? ` ${args.name}` : ""}`;
  if (!(Number.isInteger(args.inputDim) && args.inputDim > 0)) throw new TypeError(`${where}: inputDim must be a positive integer (the number of input features), got ${valueText(args.inputDim)}`);
  if (args.inputShape !== undefined) throw new TypeError(`${where}: give inputDim or inputShape, not both (inputDim: n is inputShape: [n])`);
  const { inputDim, ...rest } = args;
  return { ...rest, inputShape: [inputDim] };
}

/**
 * y = activation(x @ kernel + bias), kernel [in, out], on the last axis of x. With LoRA enabled
 * (loraRank, or enableLora(rank)) the product uses kernel + loraKernelA·loraKernelB, the kernel frozen.
 */
export class Dense extends KernelLoraLayer {
  static readonly options = layerOptions<DenseArgs>({ units: true, inputDim: true, activation: true, useBias: true, quantizationConfig: true, ...KERNEL_BIAS_OPTIONS, ...LORA_OPTIONS });
  readonly units: number;
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  bias: Variable | null = null;
  private readonly args: DenseArgs;

  constructor(args: DenseArgs) {
    super(inputDimAsShape(args));
    this.supportsMasking = true;
    const units = args.units;
    if (typeof units !== "number" || !Number.isInteger(units) || units <= 0) {
      throw new RangeError(`Dense: units must be a positive integer, got ${valueText(units)}`);
    }
    this.units = units;
    this.activation = getActivation(args.activation, `Dense ${this.name}`);
    this.useBias = booleanOption(`Dense ${this.name}`, "useBias", args.useBias, true);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const inDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inDim === null) {
      throw new RangeError(`Dense ${this.name}: needs an input with a known last dimension and a batch axis, got ${shapeText(inputShape.map((d) => d ?? -1))}; add layers.Flatten() before it or give inputShape`);
    }
    // Built from a quantized layer's config: the quantized variables, to be loaded.
    this.kernel = this.buildQuantized("kernel", inDim, this.units, false)?.kernel ?? addKernel(this, [inDim, this.units], this.args);
    if (this.useBias) this.bias = addBias(this, this.units, this.args);
    this.built = true;
    if (this.loraRank !== null) this.enableLora(this.loraRank);
  }

  /** Keras' kernel_scale: the quantized kernel's scale ([units], or [groups, units] for int4 sub-channel); null unless quantized. */
  get kernelScale(): Variable | null {
    return this.quantized?.scale ?? null;
  }

  /**
   * Keras' Dense.quantize(mode, config): replaces the float kernel by its int8 or int4 form
   * (int8: per output column, with the inputs quantized per row at call time; int4: per block
   * of blockSize input rows with a zero point, Keras' default of 128, or per column with
   * blockSize null), freezes it, and sets the layer's policy to "<mode>_from_<dtype>". float8,
   * GPTQ and AWQ are refused (see quantizers.QUANTIZATION_MODES).
   */
  quantize(mode?: string | null, options: QuantizeOptions = {}): void {
    this.kernel = this.quantizeMatrix(this.kernel!, "kernel", false, mode, options).kernel;
  }

  protected override weightsAfterMatrix(): Variable[] {
    return this.bias ? [this.bias] : [];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const inDim = this.kernel!.shape[0];
    if (x.shape[x.rank - 1] !== inDim) {
      throw new RangeError(`Dense ${this.name}: expected inputs with last dimension ${inDim}, got shape ${shapeText(x.shape)}`);
    }
    if (this.quantized !== null) return this.quantizedCall(x, this.quantized);
    const kernel = this.mergedKernel!;
    const fused = fusedActivationOf(this.activation);
    if (x.dtype === kernel.dtype && (x.dtype === "float32" || x.dtype === "float64")) {
      // The bias (and relu) ride on the product's tiles; another activation (softmax) follows.
      const y2 = fusedMatMul(x.rank === 2 ? x : reshape(x, [-1, inDim]), kernel, this.bias, fused ?? "linear");
      const y = x.rank === 2 ? y2 : reshape(y2, [...x.shape.slice(0, -1), this.units]);
      return fused !== null ? y : this.activation.fn(y);
    }
    let y = x.rank === 2 ? matmul(x, kernel) : reshape(matmul(reshape(x, [-1, inDim]), kernel), [...x.shape.slice(0, -1), this.units]);
    if (this.bias) y = add(y, this.bias);
    return this.activation.fn(y);
  }

  /** Keras' _int8_call / _int4_call: the quantized product (LoRA's x·A·B added in float), then bias and activation. */
  private quantizedCall(x: Tensor, q: QuantizedKernel): Tensor {
    const inDim = q.inDim;
    const x2 = x.rank === 2 ? x : reshape(x, [-1, inDim]);
    let y = quantizedMatmul(x2, q);
    if (this.loraKernelA !== null) y = add(y, matmul(matmul(x2, this.loraKernelA), this.loraKernelB!));
    if (this.bias) y = add(y, this.bias);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return this.activation.fn(y);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  protected override weightAxes(): readonly number[] {
    return [-1];
  }

  override getConfig(): Record<string, unknown> {
    // A quantized layer's policy is Keras' QuantizedDTypePolicy (Int4DTypePolicy), so a saved model rebuilds it quantized.
    const { dtype, ...quantization } = this.quantizationEntries();
    return {
      ...super.getConfig(), ...(dtype !== undefined ? { dtype } : {}), units: this.units, activation: this.activation.name, use_bias: this.useBias,
      ...kernelBiasConfig(this.args),
      ...quantization,
      ...this.loraConfig(),
    };
  }
}

// ------------------------------------------------------------------ Activation, Flatten, Dropout

export interface ActivationArgs extends LayerArgs {
  activation?: ActivationIdentifier;
}

export class Activation extends Layer {
  static readonly options = layerOptions<ActivationArgs>({ activation: true });
  readonly activation: ReturnType<typeof getActivation>;
  constructor(args: ActivationArgs) {
    super(args);
    this.supportsMasking = true;
    this.activation = getActivation(args.activation, `Activation ${this.name}`);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return this.activation.fn(single(inputs, this));
  }
  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}

export type FlattenArgs = DataFormatArgs;

/**
 * Keeps the batch axis and flattens the rest: (None, 4, 4, 256) -> (None, 4096). With dataFormat
 * "channels_first" the channel axis (axis 1) is moved last first, as Keras does, so the features
 * come in the order a channels_last model's Flatten gives them.
 */
export class Flatten extends Layer {
  static readonly options = layerOptions<FlattenArgs>(DATA_FORMAT_OPTIONS);
  readonly dataFormat: DataFormat;
  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(`Flatten ${this.name}`, args.dataFormat);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x0 = single(inputs, this);
    if (x0.rank === 0) throw new RangeError(`Flatten ${this.name}: cannot flatten a scalar; inputs need a batch axis`);
    const x = toChannelsLast(this.dataFormat, x0, x0.rank > 2 ? 1 : null);
    return reshape(x, [x.shape[0], x.rank === 1 ? 1 : -1]);
  }
  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const rest = inputShape.slice(1);
    return [inputShape[0], rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1)];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}

export interface DropoutArgs extends LayerArgs {
  rate?: number;
  noiseShape?: readonly (number | null)[];
  /** An integer, or a random.SeedGenerator whose stream the layer draws from. */
  seed?: number | SeedGenerator;
}

/** Zeroes a fraction `rate` of the inputs during training and scales the rest by 1/(1-rate). */
export class Dropout extends Layer {
  static readonly options = layerOptions<DropoutArgs>({ rate: true, noiseShape: true, seed: true });
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | undefined;
  readonly seed: number | undefined;
  /** A seeded layer draws each call's mask seed from its own stream: repeatable, yet new every step. */
  private readonly generator: RandomGenerator | null;
  constructor(args: DropoutArgs) {
    super(args);
    this.supportsMasking = true;
    const rate = args.rate ?? NaN;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`Dropout ${this.name}: rate must be a number in [0, 1] (the fraction of the inputs to drop), got ${valueText(args.rate)}`);
    }
    this.rate = rate;
    this.noiseShape = args.noiseShape;
    const seed = args.seed;
    this.seed = seed instanceof SeedGenerator ? seed.seed : seed;
    this.generator = seed instanceof SeedGenerator ? seed.generator : seed === undefined ? null : new RandomGenerator(seed);
  }
  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    if (!opts.training || this.rate === 0) return x;
    const seed = this.generator ? this.generator.nextUint32() : undefined;
    // Keras 3.5 takes rate 1 (its jax/torch/numpy dropout keeps no element: every output is 0, no gradient flows back).
    if (this.rate === 1) return zerosLike(x);
    return dropout(x, this.rate, { noiseShape: this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]) : undefined, seed });
  }
  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null, noise_shape: this.noiseShape ?? null };
  }
}

/** The one input of a single-input layer, or a clear error when given a list. */
export function single(inputs: Tensor | Tensor[], layer: Layer): Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new TypeError(`${layer.className} ${layer.name}: expects one input tensor, got a list of ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}
