import type { Tensor } from "../tensor/tensor.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";

/** What a Lambda's function receives besides its inputs: the layer's `arguments` and `training`. */
export type LambdaArguments = Record<string, unknown> & { training?: boolean };

/** The function a Lambda layer wraps: a Tensor in (or a list of them), a Tensor (or list) out. */
export type LambdaFunction<I extends Tensor | Tensor[] = Tensor> = (inputs: I, args: LambdaArguments) => Tensor | Tensor[];

/** The output shape of a Lambda: one sample's shape (no batch), or a function of the input shape. */
export type LambdaOutputShape = readonly (number | null)[] | ((inputShape: LayerShape | LayerShape[]) => LayerShape | LayerShape[]);

export interface LambdaArgs<I extends Tensor | Tensor[] = Tensor> extends LayerArgs {
  function?: LambdaFunction<I>;
  /** Skips running the function on zeros to find the output shape. */
  outputShape?: LambdaOutputShape;
  /** Extra named values passed to the function in its second argument. */
  arguments?: Record<string, unknown>;
}

/** How a Lambda's config records code (Keras' marker for a serialized Python lambda). */
export const LAMBDA_CODE_CLASS_NAME = "__lambda__";

function codeConfig(fn: (...args: never[]) => unknown): Record<string, unknown> {
  return { class_name: LAMBDA_CODE_CLASS_NAME, config: { code: fn.toString(), defaults: null, closure: null, language: "javascript" } };
}

/**
 * Wraps an arbitrary function as a layer: layers.Lambda((x) => tf.mul(x, 2)). It has no weights.
 * Its config holds the function's source code (class_name "__lambda__", as Keras marks Python
 * lambdas), so a loader in safe mode must refuse it; see `configHoldsCode`.
 */
export class Lambda<I extends Tensor | Tensor[] = Tensor> extends Layer {
  static readonly options = layerOptions<LambdaArgs>({ function: true, outputShape: true, arguments: true });
  readonly fn: LambdaFunction<I>;
  readonly outputShape: LambdaOutputShape | null;
  /** Keras' `arguments`: extra named values passed to the function. */
  readonly fnArguments: Record<string, unknown>;

  constructor(args: LambdaArgs<I>) {
    super(args);
    if (typeof args.function !== "function") {
      throw new TypeError(`Lambda ${this.name}: function must be a function of the inputs, e.g. layers.Lambda((x) => tf.mul(x, 2)), got ${typeof args.function}`);
    }
    this.fn = args.function;
    this.outputShape = args.outputShape ?? null;
    this.fnArguments = { ...(args.arguments ?? {}) };
  }

  /** A Lambda's config always carries code. */
  get holdsCode(): boolean {
    return true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    return this.fn(inputs as I, { ...this.fnArguments, training: opts.training ?? false });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const os = this.outputShape;
    if (os === null) return super.computeOutputShape(inputShape);
    if (typeof os === "function") return os(inputShape);
    const first = (Array.isArray(inputShape[0]) ? (inputShape as LayerShape[])[0] : (inputShape as LayerShape));
    return [first[0] ?? null, ...os];
  }

  override getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { ...super.getConfig(), function: codeConfig(this.fn) };
    if (this.outputShape !== null) cfg.output_shape = typeof this.outputShape === "function" ? codeConfig(this.outputShape) : [...this.outputShape];
    cfg.arguments = { ...this.fnArguments };
    return cfg;
  }
}

/** Whether a layer config carries code (a Lambda's function or output_shape) that safe mode must refuse. */
export function configHoldsCode(config: Record<string, unknown>): boolean {
  return Object.values(config).some((v) => typeof v === "object" && v !== null && (v as { class_name?: unknown }).class_name === LAMBDA_CODE_CLASS_NAME);
}
