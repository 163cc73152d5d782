/**
 * keras.optimizers.Muon (Keras 3.15, keras/src/optimizers/muon.py): momentum SGD whose update of a
 * 2-D weight is orthogonalized by Newton-Schulz iterations, with an AdamW step for every other
 * variable (not 2-D, an embedding, or a name matching excludeLayers).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, div, mul, sqrt, square, sub } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { matmul } from "../ops/matmul.js";
import { transpose } from "../ops/shape.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption, nullableNumberOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerOptions } from "./optimizer.js";
import { adamStepSize, adamUpdate } from "./adam.js";

export interface MuonOptions extends OptimizerOptions {
  /** Decay of the AdamW step's first moment. Default 0.9. */
  adamBeta1?: number;
  /** Decay of the AdamW step's second moment. Default 0.999. */
  adamBeta2?: number;
  /** The decoupled weight decay of the variables stepped with AdamW (weightDecay is the Muon variables'). Default 0.004; null for none. */
  adamWeightDecay?: number | null;
  /** The AdamW step's epsilon, added to sqrt(v). Default 1e-7. */
  epsilon?: number;
  /** Regular expressions: a variable whose path matches one is stepped with AdamW (e.g. ["output_dense"]). Default []. */
  excludeLayers?: readonly string[] | null;
  /** Step variables whose path contains "embedding" (any case) with AdamW. Default true. */
  excludeEmbeddings?: boolean;
  /** The Newton-Schulz quintic's coefficients. Defaults 3.4445, -4.775, 2.0315. */
  muonA?: number;
  muonB?: number;
  muonC?: number;
  /** The AdamW step's learning rate is learningRate times this. Default 1. */
  adamLrRatio?: number;
  /** The Muon step's momentum. Default 0.95. */
  momentum?: number;
  /** Newton-Schulz iterations. Default 5. */
  nsSteps?: number;
  /** Nesterov momentum for the Muon step. Default true. */
  nesterov?: boolean;
  /** Scale the Muon update by sqrt(max(rows, cols)) times this (Moonlight's RMS matching); null: no scaling. Default 0.2. */
  rmsRate?: number | null;
}

const MUON_KEYS = [
  "adamBeta1", "adamBeta2", "adamWeightDecay", "epsilon", "excludeLayers", "excludeEmbeddings", "muonA", "muonB", "muonC", "adamLrRatio",
  "momentum", "nsSteps", "nesterov", "rmsRate",
];

/**
 * Muon (Keras 3.15: lr 0.001, weightDecay 0.004). A 2-D variable that is not excluded takes
 * `m = momentum * m + g`, `u = NS5(nesterov ? g + momentum * m : m)` (Newton-Schulz
 * orthogonalization of the matrix scaled to unit Frobenius norm, on its wide orientation) and
 * `w -= lr * u * sqrt(max(rows, cols)) * rmsRate`; every other variable an AdamW step with
 * learning rate lr * adamLrRatio, its betas and epsilon. Weight decay is weightDecay for the Muon
 * variables, adamWeightDecay for the AdamW ones. Slots, per variable: `momentum`, then `velocity`
 * for the AdamW variables only, as Keras creates them.
 */
export class Muon extends Optimizer {
  readonly adamBeta1: number;
  readonly adamBeta2: number;
  readonly adamWeightDecay: number | null;
  readonly epsilon: number;
  readonly excludeLayers: readonly string[];
  readonly excludeEmbeddings: boolean;
  readonly muonA: number;
  readonly muonB: number;
  readonly muonC: number;
  readonly adamLrRatio: number;
  readonly momentum: number;
  readonly nsSteps: number;
  readonly nesterov: boolean;
  readonly rmsRate: number | null;
  private readonly excludePatterns: readonly RegExp[];

  constructor(options: MuonOptions = {}) {
    super("Muon", options, MUON_KEYS, { learningRate: 0.001, name: "muon", weightDecay: 0.004 });
    const o = options ?? {};
    const k = "Muon";
    this.adamBeta1 = numberOption(k, "adamBeta1", o.adamBeta1, 0.9, { min: 0, max: 1 });
    this.adamBeta2 = numberOption(k, "adamBeta2", o.adamBeta2, 0.999, { min: 0, max: 1 });
    this.adamWeightDecay = nullableNumberOption(k, "adamWeightDecay", o.adamWeightDecay, 0.004, { min: 0 });
    this.epsilon = numberOption(k, "epsilon", o.epsilon, 1e-7, { min: 0 });
    const layers = o.excludeLayers ?? [];
    if (!Array.isArray(layers) || !layers.every((p) => typeof p === "string")) {
      throw new TypeError(`${k}: excludeLayers must be a list of regular expressions (strings) matched against variable paths, got ${valueText(layers)}`);
    }
    this.excludeLayers = [...layers];
    this.excludePatterns = this.excludeLayers.map((p) => {
      try {
        return new RegExp(p);
      } catch (e) {
        throw new SyntaxError(`${k}: excludeLayers entry ${JSON.stringify(p)} is not a valid regular expression (${(e as Error).message})`);
      }
    });
    this.excludeEmbeddings = booleanOption(k, "excludeEmbeddings", o.excludeEmbeddings, true);
    this.muonA = numberOption(k, "muonA", o.muonA, 3.4445);
    this.muonB = numberOption(k, "muonB", o.muonB, -4.775);
    this.muonC = numberOption(k, "muonC", o.muonC, 2.0315);
    this.adamLrRatio = numberOption(k, "adamLrRatio", o.adamLrRatio, 1);
    this.momentum = numberOption(k, "momentum", o.momentum, 0.95);
    this.nsSteps = numberOption(k, "nsSteps", o.nsSteps, 5, { min: 0, integer: true });
    this.nesterov = booleanOption(k, "nesterov", o.nesterov, true);
    this.rmsRate = nullableNumberOption(k, "rmsRate", o.rmsRate, 0.2);
  }

  /** Keras' _should_use_adamw: not 2-D, an embedding (with excludeEmbeddings), or a path matching excludeLayers. */
  usesAdamW(variable: Variable): boolean {
    if (variable.shape.length !== 2) return true;
    if (this.excludeEmbeddings && variable.path.toLowerCase().includes("embedding")) return true;
    return this.excludePatterns.some((p) => p.test(variable.path));
  }

  protected slotGroups(): string[][] {
    return [["momentum", "velocity"]];
  }

  protected override hasSlot(slot: string, variable: Variable): boolean {
    return slot !== "velocity" || this.usesAdamW(variable);
  }

  protected override weightDecayOf(variable: Variable): number | null {
    return this.usesAdamW(variable) ? this.adamWeightDecay : this.weightDecay;
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const m = this.slot(w, "momentum");
    if (this.usesAdamW(w)) {
      // Keras multiplies the float32 learning rate by adam_lr_ratio before the cast to the variable's dtype.
      const adamLr = Math.fround(lr * this.adamLrRatio);
      const alpha = adamStepSize(adamLr, this.adamBeta1, this.adamBeta2, this.iterations + 1, w.dtype);
      adamUpdate(w, g, [m, this.slot(w, "velocity"), null], alpha, { beta1: this.adamBeta1, beta2: this.adamBeta2, epsilon: this.epsilon });
      return;
    }
    const dtype = w.dtype;
    m.assign(add(m, add(g, mul(m, scalar(this.momentum - 1, dtype)))));
    const direction = this.nesterov ? add(g, mul(m, scalar(this.momentum, dtype))) : m;
    let update = mul(this.newtonSchulz(direction), scalar(lr, dtype));
    if (this.rmsRate !== null) {
      update = mul(mul(update, scalar(Math.sqrt(Math.max(w.shape[0], w.shape[1])), dtype)), scalar(this.rmsRate, dtype));
    }
    w.assign(sub(w, update));
  }

  /**
   * Keras' zeropower_via_newtonschulz5: on the wide orientation of x (transposed when it has more
   * rows than columns), x / (||x||_F + 1e-7), then nsSteps of x = a x + (b A + c A A) x with A = x x^T.
   */
  private newtonSchulz(g: Tensor): Tensor {
    const dtype = g.dtype;
    const tall = g.shape[0] > g.shape[1];
    let x = tall ? transpose(g) : g;
    x = div(x, add(sqrt(sum(square(x))), scalar(1e-7, dtype)));
    const a = scalar(this.muonA, dtype), b = scalar(this.muonB, dtype), c = scalar(this.muonC, dtype);
    for (let i = 0; i < this.nsSteps; i++) {
      const gram = matmul(x, x, false, true);
      const poly = add(mul(gram, b), matmul(mul(gram, c), gram));
      x = add(mul(x, a), matmul(poly, x));
    }
    return tall ? transpose(x) : x;
  }

  protected ownConfig(): ConfigDict {
    return {
      adam_beta_1: this.adamBeta1, adam_beta_2: this.adamBeta2, epsilon: this.epsilon, exclude_layers: [...this.excludeLayers],
      muon_a: this.muonA, muon_b: this.muonB, muon_c: this.muonC, adam_lr_ratio: this.adamLrRatio, momentum: this.momentum,
      ns_steps: this.nsSteps, nesterov: this.nesterov, exclude_embeddings: this.excludeEmbeddings,
      adam_weight_decay: this.adamWeightDecay, rms_rate: this.rmsRate,
    };
  }
}
