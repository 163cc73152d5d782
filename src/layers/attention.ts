import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { ones } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import { expandDims } from "../ops/shape.js";
import { softmax, tanh } from "../ops/activation.js";
import { dropout } from "../ops/dropout.js";
import { bandPart } from "../ops/linalg.js";
import { RandomGenerator } from "../tensor/random.js";
import { type LayerArgs, type LayerShape, type CallOptions, type LayerInput, type Mask, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText, type SymbolicTensor } from "./symbolic.js";
import { pushDownMasked } from "./softmax_mask.js";
import { type AttentionCallOptions, type AttentionLayout, AttentionLayerBase, type AttentionSlot, type AttentionTensor, maskValues } from "./attention_call.js";

export interface AttentionArgs extends LayerArgs {
  /** Learn a scalar that scales the scores (Keras' use_scale). Default false (AdditiveAttention: true). */
  useScale?: boolean;
  /** "dot" (query . key) or "concat" (sum of tanh(query + key)), Attention only. Default "dot". */
  scoreMode?: "dot" | "concat";
  /** Fraction of the attention weights dropped in training. Default 0. */
  dropout?: number;
  /** Seed of the dropout masks. */
  seed?: number | null;
}

/** Attention's call options: Keras' mask = [query_mask, value_mask] besides the flags. */
export interface AttentionLayerCallOptions extends Omit<AttentionCallOptions, "mask"> {
  /**
   * [queryMask [batch, Tq], valueMask [batch, Tv]] (either may be null): value steps where the mask
   * is false get no weight; output rows where the query mask is false are zero. Bool or 0/1 tensors.
   */
  mask?: Mask | readonly (AttentionTensor | null | undefined)[];
}

const CALL_KEYS = ["training", "mask", "returnAttentionScores", "useCausalMask"];

/**
 * Keras' Attention (Luong-style dot-product attention) on [query [batch, Tq, dim], value
 * [batch, Tv, dim], key? [batch, Tv, dim]] (the key defaults to the value): scores = query . key
 * (times `scale` with useScale; score_mode "concat": concat_score_weight * sum(tanh(query + key))),
 * softmax over the value steps, weighted sum of the values: [batch, Tq, dim]. With
 * returnAttentionScores it returns [output, scores [batch, Tq, Tv]].
 */
export class Attention extends AttentionLayerBase {
  static readonly options = layerOptions<AttentionArgs>({ useScale: true, scoreMode: true, dropout: true, seed: true });
  readonly useScale: boolean;
  readonly scoreMode: "dot" | "concat";
  readonly dropout: number;
  readonly seed: number | null;
  scale: Variable | null = null;
  concatScoreWeight: Variable | null = null;
  private readonly generator: RandomGenerator | null;

  constructor(args: AttentionArgs = {}, defaults: { useScale: boolean } = { useScale: false }) {
    super(args);
    const where = `${this.className} ${this.name}`;
    this.useScale = booleanOption(where, "useScale", args.useScale, defaults.useScale);
    const mode = args.scoreMode ?? "dot";
    if (mode !== "dot" && mode !== "concat") throw new RangeError(`${where}: scoreMode must be "dot" or "concat", got ${valueText(mode)}`);
    this.scoreMode = mode;
    const rate = args.dropout ?? 0;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new RangeError(`${where}: dropout must be a number in [0, 1), got ${valueText(args.dropout)}`);
    this.dropout = rate;
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) throw new TypeError(`${where}: seed must be an integer, got ${valueText(args.seed)}`);
    this.seed = args.seed ?? null;
    this.generator = this.seed === null ? null : new RandomGenerator(this.seed);
  }

  override apply(inputs: LayerInput, opts: AttentionLayerCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const where = `${this.className} ${this.name}`;
    for (const k of Object.keys(opts)) {
      if (!CALL_KEYS.includes(k)) throw new TypeError(`${where}: unknown call option "${k}"; it takes ${CALL_KEYS.join(", ")}`);
    }
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
      throw new TypeError(`${where}: must be called on a list of 2 or 3 inputs, [query, value] or [query, value, key], got ${Array.isArray(inputs) ? `a list of ${inputs.length}` : "one tensor"}`);
    }
    const list: AttentionTensor[] = [...(inputs as AttentionTensor[])];
    const slots: AttentionSlot[] = ["query", "value", "key"].slice(0, list.length) as AttentionSlot[];
    const mask = opts.mask;
    if (mask !== undefined && mask !== null) {
      if (!Array.isArray(mask) || mask.length < 2 || mask.length > 3) {
        throw new TypeError(`${where}: mask must be a list [queryMask, valueMask] (either may be null), got ${valueText(mask)}`);
      }
      (["query_mask", "value_mask"] as const).forEach((slot, i) => {
        const m = mask[i];
        if (m !== null && m !== undefined) {
          list.push(m);
          slots.push(slot);
        }
      });
    }
    // Keras fills `mask` from the masks the inputs carry only when the call gives none.
    const inputMasks = mask === undefined || mask === null;
    const layout = { slots, returnAttentionScores: this.flag(opts, "returnAttentionScores"), useCausalMask: this.flag(opts, "useCausalMask"), inputMasks };
    return this.applyLayout(list, layout, opts.training);
  }

  /** Query, value and key shapes of a call, checked as the computation needs them. */
  private shapes(inputShape: LayerShape | LayerShape[], given?: AttentionLayout): { q: LayerShape; v: LayerShape; k: LayerShape; qm?: LayerShape; vm?: LayerShape } {
    const where = `${this.className} ${this.name}`;
    const list = inputShape as LayerShape[];
    const layout = given ?? this.layoutOf(undefined, list.length);
    const q = this.pick(list, layout, "query")!, v = this.pick(list, layout, "value")!;
    const k = this.pick(list, layout, "key") ?? v;
    const text = `query ${layerShapeText(q)}, value ${layerShapeText(v)}${layout.slots.includes("key") ? `, key ${layerShapeText(k)}` : ""}`;
    if (q.length !== 3 || v.length !== 3 || k.length !== 3) {
      throw new RangeError(`${where}: query, value and key must have shape [batch, steps, dim], got ${text}`);
    }
    const eq = (a: number | null, b: number | null): boolean => a === null || b === null || a === b;
    if (!eq(v[1], k[1])) throw new RangeError(`${where}: value and key need the same number of steps, got ${text}`);
    if (!eq(q[2], k[2])) throw new RangeError(`${where}: query and key need the same last dimension to be compared, got ${text}`);
    if (!eq(q[0], v[0]) || !eq(q[0], k[0])) throw new RangeError(`${where}: the inputs have different batch sizes, ${text}`);
    const qm = this.pick(list, layout, "query_mask"), vm = this.pick(list, layout, "value_mask");
    if (qm && (qm.length !== 2 || !eq(qm[1], q[1]))) throw new RangeError(`${where}: the query mask must have shape [batch, Tq] = ${layerShapeText([q[0], q[1]])}, got ${layerShapeText(qm)}`);
    if (vm && (vm.length !== 2 || !eq(vm[1], v[1]))) throw new RangeError(`${where}: the value mask must have shape [batch, Tv] = ${layerShapeText([v[0], v[1]])}, got ${layerShapeText(vm)}`);
    return { q, v, k, qm, vm };
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    this.shapes(inputShape);
    this.buildScale(inputShape as LayerShape[]);
    this.built = true;
  }

  /** Attention's scalar weights (AdditiveAttention overrides with its per-dimension scale). */
  protected buildScale(_shapes: LayerShape[]): void {
    if (this.useScale) this.scale = this.addWeight("scale", [], { initializer: "ones" });
    if (this.scoreMode === "concat") this.concatScoreWeight = this.addWeight("concat_score_weight", [], { initializer: "ones" });
  }

  /** Scores [batch, Tq, Tv] of query [batch, Tq, dim] against key [batch, Tv, dim]. */
  protected scores(q: Tensor, k: Tensor): Tensor {
    if (this.scoreMode === "dot") {
      const s = matmul(q, k, false, true);
      return this.scale ? mul(s, this.scale) : s;
    }
    let pair = add(expandDims(q, 2), expandDims(k, 1));
    if (this.scale) pair = mul(pair, this.scale);
    return mul(this.concatScoreWeight!, sum(tanh(pair), -1));
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const layout = this.layoutOf(opts);
    const list = inputs as Tensor[];
    this.shapes(list.map((t) => t.shape), layout);
    const q = this.pick(list, layout, "query")!, v = this.pick(list, layout, "value")!;
    const k = this.pick(list, layout, "key") ?? v;
    let scores = this.scores(q, k);
    // 1 where a score counts: the value mask over the value steps, and i >= j with the causal mask.
    let keep: Tensor | null = null;
    const vm = this.maskIn(list, layout, "value_mask", opts.mask);
    if (vm) keep = expandDims(maskValues(vm, scores.dtype), 1);
    if (layout.useCausalMask) {
      const causal = expandDims(bandPart(ones([q.shape[1], k.shape[1]], scores.dtype), -1, 0), 0);
      keep = keep ? mul(keep, causal) : causal;
    }
    if (keep) scores = pushDownMasked(scores, keep);
    let weights = softmax(scores, -1);
    // Keras returns these scores after the dropout (MultiHeadAttention returns them before).
    if (opts.training && this.dropout > 0) weights = dropout(weights, this.dropout, { seed: this.generator ? this.generator.nextUint32() : undefined });
    let out = matmul(weights, v);
    const qm = this.maskIn(list, layout, "query_mask", opts.mask);
    if (qm) out = mul(out, expandDims(maskValues(qm, out.dtype), -1));
    return layout.returnAttentionScores ? [out, weights] : out;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const { q, v, k } = this.shapes(inputShape);
    const out = [q[0], q[1], v[2]];
    return this.layoutOf(undefined, (inputShape as LayerShape[]).length).returnAttentionScores ? [out, [q[0], q[1], k[1]]] : out;
  }

  /** Keras' build_config: the shapes of [query, value(, key)]. */
  kerasBuildConfig(): Record<string, unknown> | null {
    const shapes = this.dataShapes();
    return shapes ? { input_shape: shapes.map((s) => [...s]) } : null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), use_scale: this.useScale, score_mode: this.scoreMode, dropout: this.dropout };
  }
}

/**
 * Keras' AdditiveAttention (Bahdanau-style): scores = sum(scale * tanh(query + key)) over the
 * last axis, with a learned `scale` [dim] (glorot_uniform) when useScale (the default); otherwise
 * as Attention.
 */
export class AdditiveAttention extends Attention {
  static override readonly options = layerOptions<Omit<AttentionArgs, "scoreMode">>({ useScale: true, dropout: true, seed: true });

  constructor(args: Omit<AttentionArgs, "scoreMode"> = {}) {
    super(args, { useScale: true });
  }

  protected override buildScale(shapes: LayerShape[]): void {
    const dim = shapes[0][2];
    if (dim === null) throw new RangeError(`AdditiveAttention ${this.name}: the query's last dimension must be known, got ${layerShapeText(shapes[0])}`);
    if (this.useScale) this.scale = this.addWeight("scale", [dim], { initializer: "glorot_uniform" });
  }

  protected override scores(q: Tensor, k: Tensor): Tensor {
    if (q.shape[2] !== k.shape[2]) throw new RangeError(`AdditiveAttention ${this.name}: query ${shapeText(q.shape)} and key ${shapeText(k.shape)} need the same last dimension`);
    const t = tanh(add(expandDims(q, 2), expandDims(k, 1)));
    return sum(this.scale ? mul(t, this.scale) : t, -1);
  }

  override getConfig(): Record<string, unknown> {
    const { score_mode: _m, ...rest } = super.getConfig();
    return rest;
  }
}
