import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { mul } from "../ops/math.js";
import { einsum } from "../ops/einsum.js";
import { repeat } from "../ops/arrange.js";
import { type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { Dropout } from "./core.js";
import { Softmax } from "./activation_layers.js";
import { EinsumDense } from "./einsum_dense.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, checkWeightOptions, kernelBiasConfig, resolveRegularizer, serializeObject } from "./weights.js";
import { type KeywordAttentionCallOptions, KeywordAttention, checkFlashAttention, projectionLayer, checkSlidingWindow, checkUseGate } from "./keyword_attention.js";
import { ProjectionPolicies } from "./projection_policies.js";

export interface GroupQueryAttentionArgs extends LayerArgs, KernelBiasArgs {
  /** Size of each attention head (queries, keys and values alike). */
  headDim?: number;
  /** Number of query heads; a multiple of numKeyValueHeads. */
  numQueryHeads?: number;
  /** Number of key/value heads (groups): 1 is multi-query attention, numQueryHeads is multi-head attention. */
  numKeyValueHeads?: number;
  /** Fraction of the attention weights dropped in training. Default 0. */
  dropout?: number;
  /** Biases on the projections. Default true. */
  useBias?: boolean;
  /** Keras 3.15's sliding_window: each query step attends only to the key steps within slidingWindow - 1 of it (a symmetric band; with useCausalMask, the causal sliding window). Default null (full attention). */
  slidingWindow?: number | null;
  /** Keras 3.15's use_gate (gated attention, Qiu et al. 2025): a sigmoid projection of the query, [numQueryHeads, headDim], multiplies each head's attention output before the output projection. Default false. */
  useGate?: boolean;
  /** Keras' flash_attention: null or false (the default); true is refused (lamina has no flash-attention kernel). Not saved, as in Keras. */
  flashAttention?: boolean | null;
  /** Seed of the dropout masks. */
  seed?: number | null;
}

/** GroupQueryAttention's call options (Keras' call keywords besides query and value). */
export type GroupQueryAttentionCallOptions = KeywordAttentionCallOptions;

/**
 * Keras' GroupQueryAttention (Ainslie et al. 2023; its Python class is GroupedQueryAttention):
 * the query projected to numQueryHeads heads, key and value to numKeyValueHeads heads, each
 * key/value head repeated for the numQueryHeads / numKeyValueHeads query heads of its group, then
 * scaled dot-product attention per head over [batch, steps, dim] inputs and the heads merged back
 * to the query's dim. Called as layer.apply([query, value(, key)], { attentionMask, queryMask,
 * valueMask, keyMask, useCausalMask, returnAttentionScores }); scores are [batch, numQueryHeads, T, S].
 * Weights in Keras' order and layouts: query kernel [dim, numQueryHeads, headDim] and bias
 * [numQueryHeads, headDim], key kernel [dim, numKeyValueHeads, headDim] and bias, with useGate the
 * gate (the query's shapes), value as key, attention_output kernel [numQueryHeads, headDim, dim]
 * and bias [dim].
 */
export class GroupedQueryAttention extends KeywordAttention {
  static readonly options = layerOptions<GroupQueryAttentionArgs>({
    headDim: true, numQueryHeads: true, numKeyValueHeads: true, dropout: true, useBias: true, slidingWindow: true, flashAttention: true, useGate: true, seed: true, ...KERNEL_BIAS_OPTIONS,
  });
  /** Where Keras' saving_lib finds the sublayers (GroupedQueryAttention's private attributes). */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = {
    queryDense: "_query_dense", keyDense: "_key_dense", gateDense: "_gate_dense", valueDense: "_value_dense", softmax: "_softmax", dropoutLayer: "_dropout_layer", outputDense: "_output_dense",
  };
  /** Its dtype may be a DTypePolicyMap naming the projections' policies by path (a quantized layer's saved config). */
  static readonly takesDTypePolicyMap = true;
  readonly headDim: number;
  readonly numQueryHeads: number;
  readonly numKeyValueHeads: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly slidingWindow: number | null;
  readonly useGate: boolean;
  readonly seed: number | null;
  // Made by build, in Keras' order (it is the order of the weights).
  queryDense: EinsumDense | null = null;
  keyDense: EinsumDense | null = null;
  /** With useGate: the sigmoid projection of the query gating the heads' outputs. */
  gateDense: EinsumDense | null = null;
  valueDense: EinsumDense | null = null;
  softmax: Softmax | null = null;
  dropoutLayer: Dropout | null = null;
  outputDense: EinsumDense | null = null;
  private readonly projectionPolicies: ProjectionPolicies;
  private readonly args: GroupQueryAttentionArgs;

  constructor(args: GroupQueryAttentionArgs) {
    super(args ?? {});
    const where = this.where;
    const posInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
    if (!posInt(args.headDim)) throw new RangeError(`${where}: headDim must be a positive integer (the size of each head), got ${valueText(args.headDim)}`);
    if (!posInt(args.numQueryHeads)) throw new RangeError(`${where}: numQueryHeads must be a positive integer, got ${valueText(args.numQueryHeads)}`);
    if (!posInt(args.numKeyValueHeads)) throw new RangeError(`${where}: numKeyValueHeads must be a positive integer, got ${valueText(args.numKeyValueHeads)}`);
    if (args.numQueryHeads % args.numKeyValueHeads !== 0) {
      throw new RangeError(
        `${where}: numQueryHeads (${args.numQueryHeads}) must be divisible by numKeyValueHeads (${args.numKeyValueHeads}), each key/value head serving an equal group of query heads; ` +
          `use a divisor of ${args.numQueryHeads} for numKeyValueHeads`,
      );
    }
    this.headDim = args.headDim;
    this.numQueryHeads = args.numQueryHeads;
    this.numKeyValueHeads = args.numKeyValueHeads;
    const rate = args.dropout ?? 0;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new RangeError(`${where}: dropout must be a number in [0, 1), got ${valueText(args.dropout)}`);
    this.dropout = rate;
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    this.slidingWindow = checkSlidingWindow(where, args.slidingWindow);
    this.useGate = checkUseGate(where, args.useGate);
    checkFlashAttention(where, args.flashAttention);
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) throw new TypeError(`${where}: seed must be an integer, got ${valueText(args.seed)}`);
    this.seed = args.seed ?? null;
    checkWeightOptions(where, args);
    this.projectionPolicies = new ProjectionPolicies(args.dtype, where);
    this.args = args;
  }

  /** How many query heads share each key/value head. */
  get numRepeats(): number {
    return this.numQueryHeads / this.numKeyValueHeads;
  }

  protected override shapes(inputShape: LayerShape | LayerShape[], given?: Parameters<KeywordAttention["shapes"]>[1]): ReturnType<KeywordAttention["shapes"]> {
    const out = super.shapes(inputShape, given);
    if (out.q.length !== 3) {
      throw new RangeError(`${this.where}: query, value and key need shape [batch, steps, dim] (rank 3), got query ${layerShapeText(out.q)}; for attention over several axes use MultiHeadAttention with attentionAxes`);
    }
    return out;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const { q, v, k } = this.shapes(inputShape);
    const sub = (name: string, equation: string, outputShape: (number | null)[], biasAxes: string, activation?: "sigmoid"): EinsumDense =>
      projectionLayer(this, this.args, {
        name, equation, outputShape, biasAxes: this.useBias ? biasAxes : null, dtype: this.projectionPolicies.dtypeFor(`${this.path}/${name}`, this.dtype),
        ...(activation ? { activation } : {}), activityRegularizer: this.args.activityRegularizer,
      });
    // Einsum letters as Keras': b batch, q query steps, k key steps, m model dim, u query heads, v key/value heads, h head dim.
    this.queryDense = sub("query", "bqm,muh->bquh", [null, this.numQueryHeads, this.headDim], "uh");
    this.queryDense.maybeBuild(q, false);
    this.keyDense = sub("key", "bkm,mvh->bkvh", [null, this.numKeyValueHeads, this.headDim], "vh");
    this.keyDense.maybeBuild(k, false);
    if (this.useGate) {
      // Keras builds the gate between key and value (so its weights sit there): the query projected again, through a sigmoid.
      this.gateDense = sub("gate", "bqm,muh->bquh", [null, this.numQueryHeads, this.headDim], "uh", "sigmoid");
      this.gateDense.maybeBuild(q, false);
    }
    this.valueDense = sub("value", "bkm,mvh->bkvh", [null, this.numKeyValueHeads, this.headDim], "vh");
    this.valueDense.maybeBuild(v, false);
    this.softmax = new Softmax({ axis: -1, dtype: this.dtype });
    this.dropoutLayer = new Dropout({ rate: this.dropout, dtype: this.dtype, ...(this.seed === null ? {} : { seed: this.seed }) });
    this.outputDense = sub("attention_output", "bquh,uhm->bqm", [null, q[2] as number], "m");
    this.outputDense.maybeBuild([null, null, this.numQueryHeads, this.headDim], false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const layout = this.layoutOf(opts);
    const list = inputs as Tensor[];
    this.shapes(list.map((t) => t.shape), layout);
    const { query, value, key } = this.projectionInputs(list, layout, { query: this.queryDense, value: this.valueDense, key: this.keyDense });
    const mask = this.attentionMask(list, layout, opts.mask, query, value, query.dtype);
    const q = mul(this.queryDense!.apply(query) as Tensor, 1 / Math.sqrt(this.headDim));
    // Each key/value head serves numRepeats consecutive query heads (Keras' ops.repeat on the heads axis).
    const k = repeat(this.keyDense!.apply(key) as Tensor, this.numRepeats, 2);
    const v = repeat(this.valueDense!.apply(value) as Tensor, this.numRepeats, 2);
    const weights = this.maskedSoftmax(this.softmax!, einsum("bquh,bkuh->buqk", q, k), mask, 1, this.pick(list, layout, "attention_mask"));
    const dropped = this.dropout > 0 ? (this.dropoutLayer!.apply(weights, { training: opts.training }) as Tensor) : weights;
    const combined = einsum("buqk,bkuh->bquh", dropped, v);
    const out = this.outputDense!.apply(this.gateDense ? mul(combined, this.gateDense.apply(query) as Tensor) : combined) as Tensor;
    return layout.returnAttentionScores ? [out, weights] : out;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const { q, k } = this.shapes(inputShape);
    if (!this.layoutOf(undefined, (inputShape as LayerShape[]).length).returnAttentionScores) return [...q];
    return [[...q], [q[0], this.numQueryHeads, q[1], k[1]]];
  }

  override getConfig(): Record<string, unknown> {
    const kb = kernelBiasConfig(this.args);
    const dtype = this.projectionPolicies.configDType(this.dtype, [this.queryDense, this.keyDense, this.gateDense, this.valueDense, this.outputDense]);
    return {
      ...super.getConfig(), ...(dtype === undefined ? {} : { dtype }), head_dim: this.headDim, num_query_heads: this.numQueryHeads, num_key_value_heads: this.numKeyValueHeads,
      use_bias: this.useBias, use_gate: this.useGate, sliding_window: this.slidingWindow, dropout: this.dropout,
      kernel_initializer: kb.kernel_initializer, bias_initializer: kb.bias_initializer, kernel_regularizer: kb.kernel_regularizer,
      bias_regularizer: kb.bias_regularizer, activity_regularizer: serializeObject(resolveRegularizer(this.args.activityRegularizer)),
      kernel_constraint: kb.kernel_constraint, bias_constraint: kb.bias_constraint, seed: this.seed,
    };
  }
}
