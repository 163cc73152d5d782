/**
 * How the attention layers carry Keras' call arguments. Keras calls them with several tensors
 * (query, value, key, masks) and flags (return_attention_scores, use_causal_mask); lamina's
 * functional graph carries one list of input tensors per call, so a call's tensors go into that
 * list in a fixed order and a layout says which slot is which. A functional model keeps each
 * call's layout with its node (nodeCallOptions), so a shared layer may be called differently
 * each time, as in Keras.
 *
 * Masks: as Keras' Layer.__call__ does, a mask the query, value or key carries (tensor.kerasMask,
 * from Embedding with maskZero or Masking) becomes that input's mask unless the call gives one
 * (MultiHeadAttention: per input; Attention: unless the call gives `mask`), and the output carries
 * the query's mask.
 */
import type { Tensor } from "../tensor/tensor.js";
import { cast } from "../ops/math.js";
import { notEqual } from "../ops/math.js";
import { Layer, type CallOptions, type LayerInput, type LayerShape, type Mask, booleanOption } from "./layer.js";
import { type LayerNode, SymbolicTensor } from "./symbolic.js";
import { nodeCallOptions } from "./node_options.js";
import { valueText } from "../tensor/value_text.js";

export type AttentionSlot = "query" | "value" | "key" | "attention_mask" | "query_mask" | "value_mask" | "key_mask";

export interface AttentionLayout {
  /** What each tensor of the call's input list is, in order (query and value first). */
  readonly slots: readonly AttentionSlot[];
  readonly returnAttentionScores: boolean;
  readonly useCausalMask: boolean;
  /**
   * Whether the masks the query, value and key carry fill the mask slots the call left empty
   * (Keras fills each empty *_mask argument of MultiHeadAttention, and Attention's `mask` when the
   * call gives none).
   */
  readonly inputMasks: boolean;
}

/** The call options every attention layer takes besides training. */
export interface AttentionCallOptions extends CallOptions {
  /** Also return the attention scores (after masking and softmax): [output, scores]. */
  returnAttentionScores?: boolean;
  /** Mask future positions: query step i attends to key steps j <= i only (decoder self-attention). */
  useCausalMask?: boolean;
}

/** What `call` receives: a direct call says its layout, a call from a functional model does not. */
interface LayoutCallOptions extends CallOptions {
  attentionLayout?: AttentionLayout;
}

export type AttentionTensor = Tensor | SymbolicTensor;

/** The base of Attention, AdditiveAttention and MultiHeadAttention: the call layout's bookkeeping. */
export abstract class AttentionLayerBase extends Layer {
  /** The layout of the call in progress (read by build and computeOutputShape). */
  protected pendingLayout: AttentionLayout | null = null;
  /** The layout of the call that built the layer (which of builtInputShape's shapes are data, not masks). */
  protected builtLayout: AttentionLayout | null = null;

  protected flag(opts: Pick<AttentionCallOptions, "returnAttentionScores" | "useCausalMask">, key: "returnAttentionScores" | "useCausalMask"): boolean {
    // null reads as false, as it always has here (a call option left unset by a caller building its options).
    const v = opts[key];
    return v === null ? false : booleanOption(`${this.className} ${this.name}`, key, v, false);
  }

  /** Runs the layer on the input list of `layout` (its build, autocast and training-mode handling are Layer.apply's). */
  protected applyLayout(list: readonly AttentionTensor[], layout: AttentionLayout, training: boolean | undefined): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const where = `${this.className} ${this.name}`;
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor) && !(t !== null && typeof t === "object" && "shape" in t && "dtype" in t)) {
        throw new TypeError(`${where}: ${layout.slots[i]} must be a tensor, got ${valueText(t)}`);
      }
    });
    this.pendingLayout = layout;
    if (!this.built) this.builtLayout = layout;
    try {
      const opts: LayoutCallOptions = { attentionLayout: layout };
      if (training !== undefined) opts.training = training;
      const out = super.apply(list as LayerInput, opts);
      // A symbolic call: its node keeps the layout for every run of the model (Keras' node kwargs).
      const first = Array.isArray(out) ? out[0] : out;
      if (first instanceof SymbolicTensor) nodeCallOptions.set(first.node, { attentionLayout: layout } as LayoutCallOptions);
      return out;
    } finally {
      this.pendingLayout = null;
    }
  }

  /** The layout of one of this layer's calls in a functional graph, or null for a node not made by applyLayout. */
  layoutOfNode(node: LayerNode): AttentionLayout | null {
    return (nodeCallOptions.get(node) as LayoutCallOptions | undefined)?.attentionLayout ?? null;
  }

  /**
   * The layout of the call being built, run or shaped. Without one (a build from Keras'
   * build_config, which lists the data inputs' shapes) `count` inputs are [query, value(, key)].
   */
  protected layoutOf(opts?: CallOptions, count?: number): AttentionLayout {
    const given = (opts as LayoutCallOptions | undefined)?.attentionLayout;
    let layout = given ?? this.pendingLayout;
    if (!layout && count !== undefined && count >= 2 && count <= 3) {
      layout = { slots: (["query", "value", "key"] as AttentionSlot[]).slice(0, count), returnAttentionScores: false, useCausalMask: false, inputMasks: true };
    }
    if (!layout) {
      throw new TypeError(`${this.className} ${this.name}: call it through apply (layer(inputs, options) or layer.apply(...)), which knows which input is which`);
    }
    return layout;
  }

  /** The entry of a call's list (tensors or shapes) in slot `slot`, or undefined. */
  protected pick<T>(items: readonly T[], layout: AttentionLayout, slot: AttentionSlot): T | undefined {
    const i = layout.slots.indexOf(slot);
    return i < 0 ? undefined : items[i];
  }

  /** Keras' build_config: the data inputs' shapes only (Keras builds from them; masks are not inputs there). */
  protected dataShapes(): LayerShape[] | null {
    const built = this.builtInputShape;
    if (!built || !Array.isArray(built[0])) return null;
    const slots = this.builtLayout?.slots ?? ["query", "value", "key"];
    return (built as LayerShape[]).filter((_, i) => ["query", "value", "key"].includes(slots[i] ?? ""));
  }

  /**
   * The mask of a call's query, value or key: the one the call gives in `slot`, else (when the
   * layout takes them) the one that input carries, which Layer.apply passes in opts.mask, one per
   * entry of the input list; undefined when there is none.
   */
  protected maskIn(list: readonly Tensor[], layout: AttentionLayout, slot: "query_mask" | "value_mask" | "key_mask", carried: Mask | undefined): Tensor | undefined {
    const given = this.pick(list, layout, slot);
    if (given || !layout.inputMasks || !Array.isArray(carried)) return given;
    const i = layout.slots.indexOf(slot.slice(0, -"_mask".length) as AttentionSlot);
    return i < 0 ? undefined : (carried as readonly (Tensor | null)[])[i] ?? undefined;
  }

  /** Keras: the output carries the mask the query carried (its first input), the scores none. */
  override computeMask(_inputs: Tensor | Tensor[], previousMask: Mask = null): Mask {
    return Array.isArray(previousMask) ? (previousMask as readonly (Tensor | null)[])[0] ?? null : null;
  }
}

/** A mask as 0/1 floats of `dtype` (Keras casts a mask to bool: nonzero is true). */
export function maskValues(mask: Tensor, dtype: Tensor["dtype"]): Tensor {
  return cast(mask.dtype === "bool" ? mask : notEqual(mask, 0), dtype);
}
