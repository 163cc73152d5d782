import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { mul } from "../ops/math.js";
import { einsum } from "../ops/einsum.js";
import { type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { Dropout } from "./core.js";
import { Softmax } from "./activation_layers.js";
import { EinsumDense } from "./einsum_dense.js";
import { type KernelBiasArgs, KERNEL_BIAS_OPTIONS, checkWeightOptions, kernelBiasConfig, resolveRegularizer, serializeObject } from "./weights.js";
import { type KeywordAttentionCallOptions, KeywordAttention, checkFlashAttention, projectionLayer, checkSlidingWindow, checkUseGate } from "./keyword_attention.js";
import { ProjectionPolicies } from "./projection_policies.js";

export interface MultiHeadAttentionArgs extends LayerArgs, KernelBiasArgs {
  /** Number of attention heads. */
  numHeads?: number;
  /** Size of each head's query and key projections. */
  keyDim?: number;
  /** Size of each head's value projection; default keyDim. */
  valueDim?: number | null;
  /** Fraction of the attention weights dropped in training. Default 0. */
  dropout?: number;
  /** Biases on the four projections. Default true. */
  useBias?: boolean;
  /** The output's last axes; default the query's last dimension. */
  outputShape?: number | readonly number[] | null;
  /** The query/key axes attention runs over (not the batch or the features); default every axis between them. */
  attentionAxes?: number | readonly number[] | null;
  /** Keras 3.15's sliding_window: each query step attends only to the key steps within slidingWindow - 1 of it (a symmetric band; with useCausalMask, the causal sliding window). Default null (full attention). */
  slidingWindow?: number | null;
  /** Keras 3.15's use_gate (gated attention, Qiu et al. 2025): a sigmoid projection of the query, [heads, valueDim], multiplies each head's attention output before the output projection. Default false. */
  useGate?: boolean;
  /** Keras' flash_attention: null or false (the default); true is refused (lamina has no flash-attention kernel). Not saved, as in Keras. */
  flashAttention?: boolean | null;
  /** Seed of the dropout masks. */
  seed?: number | null;
}

/** MultiHeadAttention's call options (Keras' call keywords besides query and value). */
export type MultiHeadAttentionCallOptions = KeywordAttentionCallOptions;

const letter = (i: number): string => String.fromCharCode(97 + i);

/** Keras' _build_proj_equation: a projection keeping `free` axes, summing `bound`, adding `outDims`. */
function projEquation(free: number, bound: number, outDims: number): { equation: string; biasAxes: string; outputRank: number } {
  let input = "", kernel = "", output = "", bias = "";
  for (let i = 0; i < free; i++) { input += letter(i); output += letter(i); }
  for (let i = 0; i < bound; i++) { input += letter(free + i); kernel += letter(free + i); }
  for (let i = 0; i < outDims; i++) {
    const c = letter(free + bound + i);
    kernel += c; output += c; bias += c;
  }
  return { equation: `${input},${kernel}->${output}`, biasAxes: bias, outputRank: output.length };
}

/** Keras' _build_attention_equation: scores of projected queries against keys, and the weighted sum of values. */
function attentionEquations(rank: number, axes: readonly number[]): { dot: string; combine: string; scoresRank: number } {
  const target = Array.from({ length: rank }, (_, i) => letter(i)).join("");
  const batchDims = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i) && i !== rank - 1);
  let next = rank, source = "";
  for (let i = 0; i < rank; i++) source += batchDims.includes(i) || i === rank - 1 ? target[i] : letter(next++);
  const product = [...batchDims.map((i) => target[i]), ...axes.map((i) => target[i]), ...axes.map((i) => source[i])].join("");
  return { dot: `${source},${target}->${product}`, combine: `${product},${source}->${target}`, scoresRank: product.length };
}

/**
 * Keras' MultiHeadAttention (Vaswani et al. 2017): query, key and value projected to numHeads
 * heads by EinsumDense layers named query, key and value, scaled dot-product attention per head
 * (softmax over the attention axes under the merged mask, a query row with nothing to attend to
 * getting zero weights as in Keras 3.15; optional dropout), and the heads merged back by an
 * EinsumDense named attention_output. Called as layer.apply([query, value]) or
 * layer.apply([query, value, key], { attentionMask, returnAttentionScores, useCausalMask }).
 * Weights in Keras' order and layouts: query kernel [dim, heads, keyDim] and bias [heads, keyDim],
 * then key, with useGate the gate (kernel [dim, heads, valueDim], bias [heads, valueDim]), value,
 * and attention_output's kernel [heads, valueDim, outDim] and bias [outDim].
 */
export class MultiHeadAttention extends KeywordAttention {
  static readonly options = layerOptions<MultiHeadAttentionArgs>({
    numHeads: true, keyDim: true, valueDim: true, dropout: true, useBias: true, outputShape: true, attentionAxes: true, slidingWindow: true, flashAttention: true, useGate: true, seed: true, ...KERNEL_BIAS_OPTIONS,
  });
  /** Where Keras' saving_lib finds the projections (its public properties; the gate has none) and the helpers. */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = {
    queryDense: "query_dense", keyDense: "key_dense", gateDense: "_gate_dense", valueDense: "value_dense", softmax: "_softmax", dropoutLayer: "_dropout_layer", outputDense: "output_dense",
  };
  /** Its dtype may be a DTypePolicyMap naming the projections' policies by path (a quantized layer's saved config). */
  static readonly takesDTypePolicyMap = true;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  /** The output's last axes (a number given becomes a list of one, which the config records, as Keras 3.15 does). */
  readonly outputShape: readonly number[] | null;
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
  private givenAxes: readonly number[] | null;
  private axes: readonly number[] | null = null;
  private dotEquation = "";
  private combineEquation = "";
  private normAxes: number[] = [];
  private readonly projectionPolicies: ProjectionPolicies;
  private readonly args: MultiHeadAttentionArgs;
  private readonly sublayerActivity: MultiHeadAttentionArgs["activityRegularizer"];

  constructor(args: MultiHeadAttentionArgs) {
    // Keras gives the activity regularizer to the four projections, not to the layer itself.
    const { activityRegularizer, ...own } = args ?? {};
    super(own);
    this.sublayerActivity = activityRegularizer;
    const where = `MultiHeadAttention ${this.name}`;
    const posInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
    if (!posInt(args.numHeads)) throw new RangeError(`${where}: numHeads must be a positive integer, got ${valueText(args.numHeads)}`);
    if (!posInt(args.keyDim)) throw new RangeError(`${where}: keyDim must be a positive integer (the size of each head), got ${valueText(args.keyDim)}`);
    if (args.valueDim !== undefined && args.valueDim !== null && !posInt(args.valueDim)) throw new RangeError(`${where}: valueDim must be a positive integer, got ${valueText(args.valueDim)}`);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim || args.keyDim;
    const rate = args.dropout ?? 0;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new RangeError(`${where}: dropout must be a number in [0, 1), got ${valueText(args.dropout)}`);
    this.dropout = rate;
    this.useBias = booleanOption(where, "useBias", args.useBias, true);
    const os = args.outputShape;
    if (os === undefined || os === null) this.outputShape = null;
    else if (posInt(os)) this.outputShape = [os];
    else if (Array.isArray(os) && os.length > 0 && os.every(posInt)) this.outputShape = [...os];
    else throw new TypeError(`${where}: outputShape must be a positive integer or a list of them, got ${valueText(os)}`);
    const ax = args.attentionAxes;
    if (ax === undefined || ax === null) this.givenAxes = null;
    else {
      const list = typeof ax === "number" ? [ax] : Array.isArray(ax) ? [...ax] : null;
      if (!list || list.length === 0 || !list.every((a) => Number.isInteger(a) && a > 0)) {
        throw new TypeError(`${where}: attentionAxes must be an axis or a list of axes of the query, between the batch axis and the last one (e.g. 1, or [1, 2]), got ${valueText(ax)}`);
      }
      this.givenAxes = list;
    }
    this.slidingWindow = checkSlidingWindow(where, args.slidingWindow);
    this.useGate = checkUseGate(where, args.useGate);
    checkFlashAttention(where, args.flashAttention);
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) throw new TypeError(`${where}: seed must be an integer, got ${valueText(args.seed)}`);
    this.seed = args.seed ?? null;
    checkWeightOptions(where, args);
    this.projectionPolicies = new ProjectionPolicies(args.dtype, where);
    this.args = args;
  }

  get attentionAxes(): readonly number[] | null {
    return this.axes ?? this.givenAxes;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const { q, v, k } = this.shapes(inputShape);
    const where = `MultiHeadAttention ${this.name}`;
    const rank = q.length;
    if (this.givenAxes && this.givenAxes.some((a) => a >= rank - 1)) {
      throw new RangeError(`${where}: attentionAxes ${JSON.stringify(this.givenAxes)} must be axes of the query ${layerShapeText(q)} between the batch axis and the last one (1..${rank - 2})`);
    }
    const sub = (name: string, equation: string, outputShape: (number | null)[], biasAxes: string, activation?: "sigmoid"): EinsumDense =>
      projectionLayer(this, this.args, {
        name, equation, outputShape, biasAxes: this.useBias ? biasAxes : null, dtype: this.projectionPolicies.dtypeFor(`${this.path}/${name}`, this.dtype),
        ...(activation ? { activation } : {}), activityRegularizer: this.sublayerActivity,
      });
    const heads = (r: number, last: number): (number | null)[] => [...new Array<null>(r - 3).fill(null), this.numHeads, last];
    const proj = projEquation(rank - 1, 1, 2);
    this.queryDense = sub("query", proj.equation, heads(proj.outputRank, this.keyDim), proj.biasAxes);
    this.queryDense.maybeBuild(q, false);
    this.keyDense = sub("key", proj.equation, heads(proj.outputRank, this.keyDim), proj.biasAxes);
    this.keyDense.maybeBuild(k, false);
    if (this.useGate) {
      // Keras builds the gate between key and value (so its weights sit there): the query projected as the values are, through a sigmoid.
      this.gateDense = sub("gate", proj.equation, heads(proj.outputRank, this.valueDim), proj.biasAxes, "sigmoid");
      this.gateDense.maybeBuild(q, false);
    }
    this.valueDense = sub("value", proj.equation, heads(proj.outputRank, this.valueDim), proj.biasAxes);
    this.valueDense.maybeBuild(v, false);
    // Keras' _build_attention on the projected rank.
    const r = proj.outputRank;
    this.axes = this.givenAxes ?? Array.from({ length: r - 3 }, (_, i) => i + 1);
    const eqs = attentionEquations(r, this.axes);
    this.dotEquation = eqs.dot;
    this.combineEquation = eqs.combine;
    this.normAxes = Array.from({ length: this.axes.length }, (_, i) => eqs.scoresRank - this.axes!.length + i);
    this.softmax = new Softmax({ axis: this.normAxes, dtype: this.dtype });
    this.dropoutLayer = new Dropout({ rate: this.dropout, dtype: this.dtype, ...(this.seed === null ? {} : { seed: this.seed }) });
    const out = this.outputShape ?? [q[rank - 1] as number];
    const oproj = projEquation(rank - 1, 2, out.length);
    this.outputDense = sub("attention_output", oproj.equation, [...new Array<null>(oproj.outputRank - 1 - out.length).fill(null), ...out], oproj.biasAxes);
    const projected = this.queryDense.computeOutputShape(q) as LayerShape;
    this.outputDense.maybeBuild([...projected.slice(0, -1), this.valueDim], false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const layout = this.layoutOf(opts);
    const list = inputs as Tensor[];
    this.shapes(list.map((t) => t.shape), layout);
    const { query, value, key } = this.projectionInputs(list, layout, { query: this.queryDense, value: this.valueDense, key: this.keyDense });
    const q = mul(this.queryDense!.apply(query) as Tensor, 1 / Math.sqrt(this.keyDim));
    const k = this.keyDense!.apply(key) as Tensor;
    const v = this.valueDense!.apply(value) as Tensor;
    const mask = this.attentionMask(list, layout, opts.mask, query, value, query.dtype);
    const weights = this.maskedSoftmax(this.softmax!, einsum(this.dotEquation, k, q), mask, this.axes!.length, this.pick(list, layout, "attention_mask"));
    const dropped = this.dropout > 0 ? (this.dropoutLayer!.apply(weights, { training: opts.training }) as Tensor) : weights;
    const combined = einsum(this.combineEquation, dropped, v);
    const gated = this.gateDense ? mul(combined, this.gateDense.apply(query) as Tensor) : combined;
    const out = this.outputDense!.apply(gated) as Tensor;
    return layout.returnAttentionScores ? [out, weights] : out;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const { q, k } = this.shapes(inputShape);
    const out = this.outputShape ? [...q.slice(0, -1), ...this.outputShape] : [...q];
    if (!this.layoutOf(undefined, (inputShape as LayerShape[]).length).returnAttentionScores) return out;
    // The scores: batch-like query axes and the heads, then the query's and the key's attention axes.
    const rank = q.length + 1;
    const axes = this.axes ?? this.givenAxes ?? Array.from({ length: rank - 3 }, (_, i) => i + 1);
    const projected = [...q.slice(0, -1), this.numHeads];
    const batchLike = Array.from({ length: rank - 1 }, (_, i) => i).filter((i) => !axes.includes(i));
    return [out, [...batchLike.map((i) => projected[i]), ...axes.map((i) => q[i]), ...axes.map((i) => k[i])]];
  }

  override getConfig(): Record<string, unknown> {
    const kb = kernelBiasConfig(this.args);
    const base = super.getConfig();
    delete base.activity_regularizer;
    const dtype = this.projectionPolicies.configDType(this.dtype, [this.queryDense, this.keyDense, this.gateDense, this.valueDense, this.outputDense]);
    return {
      ...base, ...(dtype === undefined ? {} : { dtype }), num_heads: this.numHeads, key_dim: this.keyDim, value_dim: this.valueDim, dropout: this.dropout, use_bias: this.useBias,
      use_gate: this.useGate,
      output_shape: this.outputShape ? [...this.outputShape] : null, attention_axes: this.attentionAxes ? [...this.attentionAxes] : null,
      sliding_window: this.slidingWindow,
      kernel_initializer: kb.kernel_initializer, bias_initializer: kb.bias_initializer, kernel_regularizer: kb.kernel_regularizer,
      bias_regularizer: kb.bias_regularizer,
      activity_regularizer: serializeObject(resolveRegularizer(this.sublayerActivity)),
      kernel_constraint: kb.kernel_constraint, bias_constraint: kb.bias_constraint, seed: this.seed,
    };
  }
}
