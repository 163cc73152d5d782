/**
 * Keras 3.5's LoRA (low-rank adaptation) for Dense, EinsumDense and Embedding: the layer's matrix
 * W is frozen and used as W + A·B, where A [...W's axes but the last, rank] and B [rank, W's last
 * axis] are new trainable weights (B starts at zero, so enabling LoRA leaves the outputs as they
 * were). The three extend LoraLayer, which holds what they share; each keeps its call.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { zeros } from "../tensor/creation.js";
import { add } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/shape.js";
import { Layer, type LayerArgs, type VariableStore, ownVariables, weightsNotInSubLayers } from "./layer.js";
import { type ConstraintArg, type InitializerArg, type RegularizerArg, type WeightInitializer, resolveInitializer } from "./weights.js";

export interface LoraArgs {
  /**
   * Keras' lora_rank: when set, the layer enables LoRA of this rank at the end of its build
   * (see enableLora), and its config records it.
   */
  loraRank?: number | null;
}

export const LORA_OPTIONS = { loraRank: true } as const;

/** The two trainable factors of a layer with LoRA enabled. */
interface LoraFactors {
  readonly a: Variable;
  readonly b: Variable;
  readonly rank: number;
}

/** A positive integer rank, or the error naming where it was given. */
function checkLoraRank(where: string, what: string, rank: unknown): number {
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank <= 0) {
    throw new RangeError(`${where}: ${what} must be a positive integer (the rank of the low-rank update), got ${valueText(rank)}`);
  }
  return rank;
}

/** What enableLora needs to know of the layer's adapted weight. */
export interface LoraTarget {
  /** Which weight LoRA adapts: it names the factors (lora_kernel_a) and the messages. */
  weight: "kernel" | "embeddings";
  /** That weight, or null before the layer is built. */
  base: Variable | null;
  regularizer: RegularizerArg;
  constraint: ConstraintArg;
  /** The weight's logical shape when its stored one differs (a packed int4 kernel); the base's shape otherwise. */
  shape?: readonly number[];
}

/**
 * A layer whose matrix LoRA can adapt (Dense, EinsumDense, Embedding): the loraRank option, Keras'
 * enable_lora, and Keras' saving of such layers, whose files hold the merged matrix in the
 * matrix's slot and no factors, so that they read as a plain layer's.
 */
export abstract class LoraLayer extends Layer {
  /** Keras' lora_rank: the constructor's, or the rank enableLora was given; null without LoRA. */
  loraRank: number | null;
  protected lora: LoraFactors | null = null;

  constructor(args: LayerArgs & LoraArgs) {
    super(args);
    this.loraRank = args.loraRank === undefined || args.loraRank === null ? null : checkLoraRank(`${this.className} ${this.name}`, "loraRank", args.loraRank);
  }

  /** The weight LoRA adapts, with its regularizer and constraint. */
  protected abstract loraTarget(): LoraTarget;

  /**
   * Keras' enable_lora: adds the trainable lora_<weight>_a [...the weight's axes but the last,
   * rank] (aInitializer) and lora_<weight>_b [rank, the weight's last axis] (bInitializer; zeros
   * keep the outputs unchanged), with the weight's regularizer and no constraint, and freezes the
   * weight. Refused, as Keras refuses it, on a layer whose weight has a constraint (it could not
   * hold for W + A·B), before the layer is built, and a second time.
   */
  enableLora(rank: number, aInitializer: InitializerArg = "he_uniform", bInitializer: InitializerArg = "zeros"): void {
    const where = `${this.className} ${this.name}.enableLora`;
    const target = this.loraTarget();
    if (target.constraint !== null && target.constraint !== undefined) {
      const option = target.weight === "kernel" ? "kernelConstraint" : "embeddingsConstraint";
      throw new Error(`${where}: LoRA is incompatible with ${target.weight === "kernel" ? "kernel" : "embedding"} constraints. In order to enable LoRA on this layer, remove the \`${option}\` argument.`);
    }
    if (!this.built || target.base === null) {
      throw new Error(`${where}: cannot enable LoRA on a layer that isn't yet built; build it first (call it on an input, or layer.build(inputShape)), or give loraRank to its constructor to enable LoRA when it builds`);
    }
    if (this.lora !== null) {
      throw new Error(`${where}: LoRA is already enabled (rank ${this.lora.rank}). This can only be done once per layer.`);
    }
    const r = checkLoraRank(where, "rank", rank);
    // Both resolved before either weight is added, so a bad initializer leaves the layer as it was.
    const initializer = (what: string, id: InitializerArg): WeightInitializer => {
      try {
        return resolveInitializer(id);
      } catch (e) {
        throw new TypeError(`${where}: ${what}: ${(e as Error).message}`);
      }
    };
    const aInit = initializer("aInitializer", aInitializer), bInit = initializer("bInitializer", bInitializer);
    const shape = target.shape ?? target.base.shape;
    const a = this.addWeight(`lora_${target.weight}_a`, [...shape.slice(0, -1), r], { initializer: aInit, regularizer: target.regularizer });
    const b = this.addWeight(`lora_${target.weight}_b`, [r, shape[shape.length - 1]], { initializer: bInit, regularizer: target.regularizer });
    target.base.trainable = false;
    this.lora = { a, b, rank: r };
    this.loraRank = r;
  }

  get loraEnabled(): boolean {
    return this.lora !== null;
  }

  /** The config entry Keras writes last, and only when LoRA is set: { lora_rank }. */
  protected loraConfig(): Record<string, unknown> {
    return this.loraRank !== null ? { lora_rank: this.loraRank } : {};
  }

  /** Keras' `kernel` / `embeddings` property: the weight, plus A·B while LoRA is enabled (gradients reach A and B); null before build. */
  protected mergedWeight(): Tensor | null {
    const base = this.loraTarget().base;
    if (base === null || this.lora === null) return base;
    const f = this.lora;
    // EinsumDense's A has the kernel's leading axes: the product is taken over the rank alone.
    const product = matmul(f.a.rank === 2 ? f.a : reshape(f.a, [-1, f.rank]), f.b);
    return add(base, f.a.rank === 2 ? product : reshape(product, base.shape));
  }

  /** Keras' save_own_variables with LoRA: the merged weight in the weight's slot. */
  override saveOwnVariables(store: VariableStore): void {
    const base = this.loraTarget().base;
    if (this.lora === null || base === null) {
      super.saveOwnVariables(store);
      return;
    }
    const merged = this.mergedWeight()!;
    ownVariables(this).forEach((v, i) => {
      store[String(i)] = v === base ? merged : v;
    });
  }

  /** The variables a file holds for this layer: a plain layer's, never the LoRA factors. */
  kerasOwnVariables(): Variable[] {
    const own = weightsNotInSubLayers(this);
    const f = this.lora;
    return f === null ? own : own.filter((v) => v !== f.a && v !== f.b);
  }

  /** After the weight was loaded from a file, which holds it merged: A and B restart at zero, as Keras' load_own_variables. */
  ownVariablesLoaded(): void {
    if (this.lora === null) return;
    this.lora.a.assign(zeros(this.lora.a.shape, this.lora.a.dtype));
    this.lora.b.assign(zeros(this.lora.b.shape, this.lora.b.dtype));
  }
}
