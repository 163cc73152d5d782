import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul, sub } from "../ops/math.js";
import { concat, slice, split, squeeze } from "../ops/shape.js";
import { fusedMatMul } from "../ops/fused.js";
import { gruResetGate, gruStep, gruStepResetBefore, lstmStep } from "../ops/fused_rnn.js";
import { fill } from "../tensor/creation.js";
import { type ActivationIdentifier, getActivation } from "../nn/activations.js";
import { type LayerArgs, booleanOption, layerOptions } from "./layer.js";
import { type InitializerArg, resolveInitializer } from "./weights.js";
import { CELL_WEIGHT_OPTIONS, type CellWeightArgs, KerasCell } from "./rnn_cell.js";

/**
 * Keras' `implementation` keyword (1: a matmul per gate, 2: one fused matmul). Both give the same
 * values; lamina always computes the fused form, so it is accepted and otherwise ignored.
 */
export type Implementation = 1 | 2;

function checkImplementation(where: string, v: unknown): void {
  if (v !== undefined && v !== 1 && v !== 2) throw new RangeError(`${where}: implementation must be 1 or 2 (Keras' two equivalent computations), got ${valueText(v)}`);
}

// ------------------------------------------------------------------ SimpleRNNCell

export interface SimpleRNNCellArgs extends LayerArgs, CellWeightArgs {}

/** Keras' SimpleRNNCell: h = activation(x @ kernel + bias + h_prev @ recurrent_kernel). */
export class SimpleRNNCell extends KerasCell {
  static readonly options = layerOptions<SimpleRNNCellArgs>({ ...CELL_WEIGHT_OPTIONS });

  constructor(args: SimpleRNNCellArgs) {
    super(args);
  }

  get stateSize(): readonly number[] {
    return [this.units];
  }

  protected get gates(): number {
    return 1;
  }

  protected recurrentStep(xp: Tensor, hMasked: Tensor): [Tensor, Tensor[]] {
    const h = this.activation.fn(add(xp, fusedMatMul(hMasked, this.recurrentKernel!, null, "linear")));
    return [h, [h]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.cellConfig({ use_bias: this.useBias }), seed: this.seed };
  }
}

// ------------------------------------------------------------------ LSTMCell

export interface LSTMCellArgs extends LayerArgs, CellWeightArgs {
  /** The gates' activation, default "sigmoid". */
  recurrentActivation?: ActivationIdentifier;
  /** Start the forget gate's bias at 1 (Keras' default true). */
  unitForgetBias?: boolean;
  implementation?: Implementation;
}

export const LSTM_CELL_OPTIONS = { ...CELL_WEIGHT_OPTIONS, recurrentActivation: true, unitForgetBias: true, implementation: true } as const;

/**
 * Keras' LSTMCell, gates in Keras' order i, f, c, o along the 4 * units columns of kernel,
 * recurrent_kernel and bias: z = x @ kernel + h @ recurrent_kernel + bias; c = f * c_prev + i *
 * activation(z_c); h = o * activation(c), i, f, o through the recurrent activation. States [h, c].
 */
export class LSTMCell extends KerasCell {
  static readonly options = layerOptions<LSTMCellArgs>(LSTM_CELL_OPTIONS);
  readonly recurrentActivation: ReturnType<typeof getActivation>;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMCellArgs) {
    super(args);
    const where = this.optionsWhere;
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? "sigmoid" : args.recurrentActivation, where);
    this.unitForgetBias = booleanOption(where, "unitForgetBias", args.unitForgetBias, true);
    checkImplementation(where, args.implementation);
  }

  get stateSize(): readonly number[] {
    return [this.units, this.units];
  }

  protected get gates(): number {
    return 4;
  }

  /** With unitForgetBias, the forget gate's quarter of the bias starts at ones, the rest from biasInitializer (as Keras). */
  protected override biasInitializer(): InitializerArg {
    const base = super.biasInitializer();
    if (!this.unitForgetBias) return base;
    const init = resolveInitializer(base);
    const u = this.units;
    return (_shape: readonly number[], dtype: DType): Tensor => concat([init.call([u], dtype), fill([u], 1, dtype), init.call([2 * u], dtype)], 0);
  }

  protected recurrentStep(xp: Tensor, hMasked: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const hr = fusedMatMul(hMasked, this.recurrentKernel!, null, "linear");
    if (this.recurrentActivation.name === "sigmoid" && this.activation.name === "tanh") {
      const [h, c] = lstmStep(xp, hr, states[1]);
      return [h, [h, c]];
    }
    const z = add(xp, hr);
    const [zi, zf, zc, zo] = split(z, 4, 1);
    const gate = this.recurrentActivation.fn;
    const c = add(mul(gate(zf), states[1]), mul(gate(zi), this.activation.fn(zc)));
    const h = mul(gate(zo), this.activation.fn(c));
    return [h, [h, c]];
  }

  override getConfig(): Record<string, unknown> {
    const middle = { recurrent_activation: this.recurrentActivation.name, use_bias: this.useBias, unit_forget_bias: this.unitForgetBias };
    return { ...this.cellConfig(middle), seed: this.seed };
  }
}

// ------------------------------------------------------------------ GRUCell

export interface GRUCellArgs extends LayerArgs, CellWeightArgs {
  /** The gates' activation, default "sigmoid". */
  recurrentActivation?: ActivationIdentifier;
  /**
   * Apply the reset gate after the recurrent matmul (Keras 3's default true, cuDNN's form): the
   * bias is then [2, 3 * units], an input and a recurrent row; false gives the original GRU with
   * a bias of [3 * units].
   */
  resetAfter?: boolean;
  implementation?: Implementation;
}

export const GRU_CELL_OPTIONS = { ...CELL_WEIGHT_OPTIONS, recurrentActivation: true, resetAfter: true, implementation: true } as const;

/**
 * Keras' GRUCell, blocks z (update), r (reset), h (candidate) along the 3 * units columns:
 * z = σ(x_z + h_z), r = σ(x_r + h_r), candidate = activation(x_h + r * (h @ R_h + b_h)) (reset
 * after) or activation(x_h + (r * h) @ R_h) (reset before); h = z * h_prev + (1 - z) * candidate.
 * As in Keras, h_prev is the recurrent-dropped previous output wherever it appears.
 */
export class GRUCell extends KerasCell {
  static readonly options = layerOptions<GRUCellArgs>(GRU_CELL_OPTIONS);
  readonly recurrentActivation: ReturnType<typeof getActivation>;
  readonly resetAfter: boolean;

  constructor(args: GRUCellArgs) {
    super(args);
    const where = this.optionsWhere;
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? "sigmoid" : args.recurrentActivation, where);
    this.resetAfter = booleanOption(where, "resetAfter", args.resetAfter, true);
    checkImplementation(where, args.implementation);
  }

  get stateSize(): readonly number[] {
    return [this.units];
  }

  protected get gates(): number {
    return 3;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** Row 0 of a reset-after bias [2, 3u]; all of a reset-before one. */
  protected override inputBias(): Tensor | null {
    if (this.bias === null || !this.resetAfter) return this.bias;
    return squeeze(slice(this.bias, [0, 0], [1, -1]), [0]);
  }

  private recurrentBias(): Tensor | null {
    if (this.bias === null || !this.resetAfter) return null;
    return squeeze(slice(this.bias, [1, 0], [1, -1]), [0]);
  }

  protected recurrentStep(xp: Tensor, hMasked: Tensor): [Tensor, Tensor[]] {
    const u = this.units;
    if (this.recurrentActivation.name === "sigmoid" && this.activation.name === "tanh") {
      // Keras' default activations: the elementwise work of a step as one op (see ops/fused_rnn.ts).
      if (this.resetAfter) {
        const h = gruStep(xp, fusedMatMul(hMasked, this.recurrentKernel!, this.recurrentBias(), "linear"), hMasked);
        return [h, [h]];
      }
      const [rzr, rh] = split(this.recurrentKernel!, [2 * u, u], 1);
      const hr = fusedMatMul(hMasked, rzr, null, "linear");
      const hh = fusedMatMul(gruResetGate(xp, hr, hMasked), rh, null, "linear");
      const h = gruStepResetBefore(xp, hr, hh, hMasked);
      return [h, [h]];
    }
    const gate = this.recurrentActivation.fn;
    const [xz, xr, xh] = split(xp, 3, 1);
    let candidate: Tensor;
    let z: Tensor;
    if (this.resetAfter) {
      const inner = fusedMatMul(hMasked, this.recurrentKernel!, this.recurrentBias(), "linear");
      const [hz, hr, hh] = split(inner, 3, 1);
      z = gate(add(xz, hz));
      const r = gate(add(xr, hr));
      candidate = this.activation.fn(add(xh, mul(r, hh)));
    } else {
      const [rzr, rh] = split(this.recurrentKernel!, [2 * u, u], 1);
      const [hz, hr] = split(fusedMatMul(hMasked, rzr, null, "linear"), 2, 1);
      z = gate(add(xz, hz));
      const r = gate(add(xr, hr));
      candidate = this.activation.fn(add(xh, fusedMatMul(mul(r, hMasked), rh, null, "linear")));
    }
    const h = add(mul(z, hMasked), mul(sub(1, z), candidate));
    return [h, [h]];
  }

  override getConfig(): Record<string, unknown> {
    const middle = { recurrent_activation: this.recurrentActivation.name, use_bias: this.useBias };
    return { ...this.cellConfig(middle), reset_after: this.resetAfter, seed: this.seed };
  }
}
