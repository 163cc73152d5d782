/**
 * What MultiHeadAttention and GroupQueryAttention share: Keras calls both as
 * layer(query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
 * attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False),
 * builds both from a shapes_dict, and merges the masks of both into one attention mask the same
 * way (_compute_attention_mask, with Keras 3.15's sliding window), applied by their Softmax layer
 * as Keras 3.15's _masked_softmax applies it (a query row with nothing to attend to gets zero weights).
 */
import { Tensor } from "../tensor/tensor.js";
import { ones } from "../tensor/creation.js";
import { mul } from "../ops/math.js";
import { expandDims } from "../ops/shape.js";
import { bandPart } from "../ops/linalg.js";
import { type Layer, type LayerInput, type LayerShape, type Mask, booleanOption, nestWeightScope } from "./layer.js";
import { layerShapeText, SymbolicTensor } from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";
import { maskedSoftmax, softmaxKeep } from "./softmax_mask.js";
import type { Softmax } from "./activation_layers.js";
import { EinsumDense, type EinsumDenseArgs } from "./einsum_dense.js";
import type { KernelBiasArgs } from "./weights.js";
import { cloneInitializer } from "../nn/initializers.js";
import { type AttentionCallOptions, type AttentionLayout, AttentionLayerBase, type AttentionSlot, type AttentionTensor, maskValues } from "./attention_call.js";

/** A call argument in an error message: a tensor by its shape, anything else by its value. */
function argText(v: unknown): string {
  if (v instanceof Tensor) return `tensor ${layerShapeText(v.shape)}`;
  if (v instanceof SymbolicTensor) return `symbolic tensor ${layerShapeText(v.shape)}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return v !== null && typeof v === "object" ? "options" : valueText(v);
}

/**
 * A projection of MultiHeadAttention or GroupQueryAttention: an EinsumDense with the owner's kernel
 * and bias options, in the owner's weight scope. Each projection gets its own copy of an initializer
 * object, as Keras' _get_common_kwargs_for_sublayer clones it from its config.
 */
export function projectionLayer(
  owner: Layer, options: KernelBiasArgs,
  spec: Pick<EinsumDenseArgs, "name" | "equation" | "outputShape" | "biasAxes" | "dtype" | "activation" | "activityRegularizer">,
): EinsumDense {
  const layer = new EinsumDense({
    ...spec,
    kernelInitializer: cloneInitializer(options.kernelInitializer), biasInitializer: cloneInitializer(options.biasInitializer),
    kernelRegularizer: options.kernelRegularizer, biasRegularizer: options.biasRegularizer,
    kernelConstraint: options.kernelConstraint, biasConstraint: options.biasConstraint,
  });
  nestWeightScope(layer, owner);
  return layer;
}

/** The call options of MultiHeadAttention and GroupQueryAttention (Keras' call keywords besides query and value). */
export interface KeywordAttentionCallOptions extends AttentionCallOptions {
  /** The keys (default the values): [batch, S..., dim]. */
  key?: AttentionTensor | null;
  /** Which query positions attend to which key positions: [batch, T..., S...] (bool or 0/1), true = attend. */
  attentionMask?: AttentionTensor | null;
  /** [batch, T]: query positions that take part (Keras derives it from masking layers). */
  queryMask?: AttentionTensor | null;
  /** [batch, S]: value positions that take part. */
  valueMask?: AttentionTensor | null;
  /** [batch, S]: key positions that take part. */
  keyMask?: AttentionTensor | null;
}

// The keyword tensors in Keras' order of a call's inputs (its kwargs sorted by name), so "Connected to" lists them as Keras does.
const CALL_KEYS: Readonly<Record<string, AttentionSlot | null>> = {
  training: null, returnAttentionScores: null, useCausalMask: null,
  attentionMask: "attention_mask", key: "key", keyMask: "key_mask", queryMask: "query_mask", valueMask: "value_mask",
};

/** A projection sublayer, as far as projectionInputs reads it. */
interface Projection {
  readonly kernel: { readonly shape: readonly number[] } | null;
}

/**
 * Keras' call form, layer(query, value, key?, options?), beside lamina's layer([query, value, key?], options):
 * both reach apply with the list.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface KeywordAttention {
  (query: Tensor, value: Tensor, opts?: KeywordAttentionCallOptions): Tensor | Tensor[];
  (query: Tensor, value: Tensor, key: Tensor, opts?: KeywordAttentionCallOptions): Tensor | Tensor[];
  (query: SymbolicTensor, value: SymbolicTensor, opts?: KeywordAttentionCallOptions): SymbolicTensor | SymbolicTensor[];
  (query: SymbolicTensor, value: SymbolicTensor, key: SymbolicTensor, opts?: KeywordAttentionCallOptions): SymbolicTensor | SymbolicTensor[];
  (inputs: readonly Tensor[], opts?: KeywordAttentionCallOptions): Tensor | Tensor[];
  (inputs: readonly SymbolicTensor[], opts?: KeywordAttentionCallOptions): SymbolicTensor | SymbolicTensor[];
}

const isAttentionTensor = (v: unknown): v is AttentionTensor => v instanceof Tensor || v instanceof SymbolicTensor;

/** Keras 3.15's sliding_window option: null (full attention) or a positive integer. */
export function checkSlidingWindow(where: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(
      `${where}: slidingWindow must be null (full attention) or a positive integer, the width of the band |query step - key step| < slidingWindow each query attends within, got ${valueText(v)}`,
    );
  }
  return v;
}

/**
 * Keras 3's flash_attention option (not saved in its config): null or false computes attention as
 * always; true is refused, as lamina's ops.dotProductAttention refuses it (no flash kernel; Keras'
 * numpy backend refuses it too).
 */
export function checkFlashAttention(where: string, v: unknown): void {
  if (v === undefined || v === null || v === false) return;
  if (v === true) {
    throw new RangeError(`${where}: flashAttention=true is not supported; lamina has no flash-attention kernel (Keras' numpy backend refuses it too); leave it out, or pass null or false`);
  }
  throw new TypeError(`${where}: flashAttention must be null or false, got ${valueText(v)}`);
}

/** Keras 3.15's use_gate option: true or false. */
export function checkUseGate(where: string, v: unknown): boolean {
  return booleanOption(where, "useGate", v, false);
}

/** The base of the attention layers Keras calls with query, value and key as separate arguments. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class KeywordAttention extends AttentionLayerBase {
  /** Keras 3.15's sliding_window: each query step attends to the key steps within slidingWindow - 1 of it, or null for no band. */
  abstract readonly slidingWindow: number | null;

  protected get where(): string {
    return `${this.className} ${this.name}`;
  }

  /** layer(query, value), layer(query, value, key), each with the options last, as Keras calls it; else the list form. */
  protected override invoke(inputs: unknown, opts?: unknown, ...rest: unknown[]): unknown {
    if (!isAttentionTensor(opts)) return super.invoke(inputs, opts as KeywordAttentionCallOptions, ...rest);
    const tensors: unknown[] = [inputs, opts];
    if (isAttentionTensor(rest[0])) tensors.push(rest.shift());
    const options = rest[0];
    const isOptions = options === undefined || (typeof options === "object" && options !== null && !Array.isArray(options) && !isAttentionTensor(options));
    if (!isAttentionTensor(inputs) || rest.length > 1 || !isOptions) {
      throw new TypeError(
        `${this.where}: call it as layer(query, value), layer(query, value, key) (Keras' order, options last: layer(query, value, { attentionMask })) ` +
          `or on a list, layer([query, value, key?], options); got (${[inputs, opts, ...tensors.slice(2), ...rest].map(argText).join(", ")})`,
      );
    }
    return this.apply(tensors as AttentionTensor[], (options ?? {}) as KeywordAttentionCallOptions);
  }

  override apply(inputs: LayerInput, opts: KeywordAttentionCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const where = this.where;
    for (const k of Object.keys(opts)) {
      if (!(k in CALL_KEYS)) throw new TypeError(`${where}: unknown call option "${k}"; it takes ${Object.keys(CALL_KEYS).join(", ")}`);
    }
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
      throw new TypeError(`${where}: call it on [query, value] or [query, value, key] (Keras' layer(query, value, key)), got ${Array.isArray(inputs) ? `a list of ${inputs.length}` : "one tensor"}`);
    }
    const list: AttentionTensor[] = [...(inputs as AttentionTensor[])];
    const slots: AttentionSlot[] = ["query", "value", "key"].slice(0, list.length) as AttentionSlot[];
    if (opts.key !== undefined && opts.key !== null && list.length === 3) throw new TypeError(`${where}: the key is given twice, in the input list and as the key option`);
    for (const [name, slot] of Object.entries(CALL_KEYS)) {
      const t = (opts as Record<string, unknown>)[name];
      if (slot === null || t === undefined || t === null) continue;
      list.push(t as AttentionTensor);
      slots.push(slot);
    }
    const layout = { slots, returnAttentionScores: this.flag(opts, "returnAttentionScores"), useCausalMask: this.flag(opts, "useCausalMask"), inputMasks: true };
    return this.applyLayout(list, layout, opts.training);
  }

  /** The query, value and key shapes of a call's input shapes, checked as Keras' compute_output_shape checks them. */
  protected shapes(inputShape: LayerShape | LayerShape[], given?: AttentionLayout): { q: LayerShape; v: LayerShape; k: LayerShape; list: LayerShape[] } {
    const where = this.where;
    const list = inputShape as LayerShape[];
    const layout = given ?? this.layoutOf(undefined, list.length);
    const q = this.pick(list, layout, "query")!, v = this.pick(list, layout, "value")!;
    const k = this.pick(list, layout, "key") ?? v;
    const text = `query ${layerShapeText(q)}, value ${layerShapeText(v)}${layout.slots.includes("key") ? `, key ${layerShapeText(k)}` : ""}`;
    if (q.length < 3 || v.length < 3 || k.length < 3) throw new RangeError(`${where}: query, value and key need shape [batch, steps..., dim] (rank 3 or more), got ${text}`);
    if (q.length !== v.length || k.length !== v.length) throw new RangeError(`${where}: query, value and key need the same rank, got ${text}`);
    if (q[q.length - 1] !== v[v.length - 1]) {
      throw new RangeError(`${where}: the last dimension of the query and the value must be equal (Keras' rule), got ${text}; project one of them first (e.g. layers.Dense)`);
    }
    const batches = [q[0], v[0], k[0]].filter((b): b is number => b !== null);
    if (batches.some((b) => b !== batches[0])) {
      throw new RangeError(`${where}: the query, value and key must have the same batch size (axis 0), got ${text}`);
    }
    const mid = (s: LayerShape): string => JSON.stringify(s.slice(1, -1));
    if (mid(v) !== mid(k)) throw new RangeError(`${where}: the value and the key must agree on every axis but the last, got ${text}`);
    if ([q, v, k].some((s) => s[s.length - 1] === null)) throw new RangeError(`${where}: the last dimensions must be known, got ${text}`);
    return { q, v, k, list };
  }

  /** Keras' _compute_attention_mask: 1 where query position t may attend to key position s, or null for no mask. */
  protected attentionMask(list: Tensor[], layout: AttentionLayout, carried: Mask | undefined, q: Tensor, v: Tensor, dtype: Tensor["dtype"]): Tensor | null {
    let auto: Tensor | null = null;
    const and = (m: Tensor): void => {
      auto = auto ? mul(auto, m) : m;
    };
    const qm = this.maskIn(list, layout, "query_mask", carried), vm = this.maskIn(list, layout, "value_mask", carried), km = this.maskIn(list, layout, "key_mask", carried);
    if (qm) and(expandDims(maskValues(qm, dtype), -1));
    if (vm) and(expandDims(maskValues(vm, dtype), -2));
    if (km) and(expandDims(maskValues(km, dtype), -2));
    if (layout.useCausalMask) and(expandDims(bandPart(ones([q.shape[1], v.shape[1]], dtype), -1, 0), 0));
    // Keras 3.15's symmetric band |t - s| < slidingWindow, [1, T, S] like the causal mask (with it: the causal sliding window).
    const w = this.slidingWindow;
    if (w !== null) and(expandDims(bandPart(ones([q.shape[1], v.shape[1]], dtype), w - 1, w - 1), 0));
    const given = this.pick(list, layout, "attention_mask");
    if (!given) return auto;
    const am = maskValues(given, dtype);
    return auto ? mul(am, auto as Tensor) : am;
  }

  /**
   * Keras 3.15's _masked_softmax: the mask gains the axes it lacks just before its attention axes
   * (the heads', and batch-like ones) and the Softmax layer normalizes the scores under it: masked
   * scores become -1e9 and masked weights 0, so a fully masked query row gets zero weights (its
   * output is the output projection's bias) where Keras 3.5 gave it uniform ones.
   */
  protected maskedSoftmax(softmax: Softmax, scores: Tensor, maskIn: Tensor | null, attentionAxes: number, given: Tensor | undefined): Tensor {
    const normalize = (logits: Tensor): Tensor => softmax.apply(logits) as Tensor;
    if (!maskIn) return normalize(scores);
    let mask = maskIn;
    const axis = -attentionAxes * 2 - 1;
    while (mask.rank < scores.rank) mask = expandDims(mask, axis);
    let keep: Tensor;
    try {
      keep = softmaxKeep(`${this.where} (its softmax)`, scores, mask);
    } catch (e) {
      throw new RangeError(`${this.where}: the attention mask of shape [${given?.shape.join(", ") ?? ""}] does not fit scores of shape [${scores.shape.join(", ")}] (${(e as Error).message}); give it as [batch, query steps, key steps]`);
    }
    return maskedSoftmax(scores, keep, normalize);
  }

  /** Keras' build_config for a layer built from several shapes: its shapes_dict. */
  kerasBuildConfig(): Record<string, unknown> | null {
    const shapes = this.dataShapes();
    if (!shapes) return null;
    const slots = (this.builtLayout?.slots ?? ["query", "value", "key"]).filter((s) => s === "query" || s === "value" || s === "key");
    const dict: Record<string, unknown> = {};
    shapes.forEach((shape, i) => { dict[`${slots[i]}_shape`] = [...shape]; });
    return { shapes_dict: dict };
  }

  /** Builds from Keras' shapes_dict ({ query_shape, value_shape, key_shape? }). */
  buildFromShapes(query: LayerShape, value: LayerShape, key?: LayerShape): void {
    const slots: AttentionSlot[] = key ? ["query", "value", "key"] : ["query", "value"];
    this.pendingLayout = { slots, returnAttentionScores: false, useCausalMask: false, inputMasks: true };
    this.builtLayout = this.pendingLayout;
    try {
      this.maybeBuild(key ? [query, value, key] : [query, value], true);
    } finally {
      this.pendingLayout = null;
    }
  }

  /**
   * A call's query, value and key (the value when no key is given), each checked against the last
   * dimension its projection (the query/value/key EinsumDense) was built for.
   */
  protected projectionInputs(list: Tensor[], layout: AttentionLayout, projections: Readonly<Record<"query" | "value" | "key", Projection | null>>): { query: Tensor; value: Tensor; key: Tensor } {
    const query = this.pick(list, layout, "query")!, value = this.pick(list, layout, "value")!;
    const key = this.pick(list, layout, "key") ?? value;
    for (const [what, t] of [["query", query], ["value", value], ["key", key]] as const) {
      const want = projections[what]!.kernel!.shape[0];
      if (t.shape[t.rank - 1] !== want) {
        throw new RangeError(`${this.where}: the ${what}'s last dimension is ${t.shape[t.rank - 1]} (shape [${t.shape.join(", ")}]) but the layer was built for ${want}; call it on inputs of that size, or use a new layer`);
      }
    }
    return { query, value, key };
  }
}
