/**
 * How the attention layers carry Keras' call arguments. Keras calls them with several tensors
 * (query, value, key, masks) and flags (return_attention_scores, use_causal_mask); lamina's
 * functional graph carries one list of input tensors per call, so a call's tensors go into that
 * list in a fixed order and a layout says which slot is which. The functional model runs a node
 * with its inputs and training mode only, so the layout of a layer's graph calls is kept on the
 * layer: every symbolic call of one layer must use the same layout (Keras models call each
 * attention layer once; a second call with other arguments is refused, naming the fix).
 */
import type { Tensor } from "../tensor/tensor.js";
import { cast } from "../ops/math.js";
import { notEqual } from "../ops/math.js";
import { Layer, type CallOptions, type LayerInput, type LayerShape } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";

export type AttentionSlot = "query" | "value" | "key" | "attention_mask" | "query_mask" | "value_mask" | "key_mask";

export interface AttentionLayout {
  /** What each tensor of the call's input list is, in order (query and value first). */
  readonly slots: readonly AttentionSlot[];
  readonly returnAttentionScores: boolean;
  readonly useCausalMask: boolean;
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

const sameLayout = (a: AttentionLayout, b: AttentionLayout): boolean =>
  a.returnAttentionScores === b.returnAttentionScores && a.useCausalMask === b.useCausalMask &&
  a.slots.length === b.slots.length && a.slots.every((s, i) => s === b.slots[i]);

export type AttentionTensor = Tensor | SymbolicTensor;

/** The base of Attention, AdditiveAttention and MultiHeadAttention: the call layout's bookkeeping. */
export abstract class AttentionLayerBase extends Layer {
  /** The layout of this layer's calls in a functional graph, set by its first symbolic call. */
  graphLayout: AttentionLayout | null = null;
  /** The layout of the call in progress (read by build and computeOutputShape). */
  private pendingLayout: AttentionLayout | null = null;
  /** The layout of the call that built the layer (which of builtInputShape's shapes are data, not masks). */
  protected builtLayout: AttentionLayout | null = null;

  protected flag(opts: Pick<AttentionCallOptions, "returnAttentionScores" | "useCausalMask">, key: "returnAttentionScores" | "useCausalMask"): boolean {
    const v = opts[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") throw new TypeError(`${this.className} ${this.name}: ${key} must be true or false, got ${String(v)}`);
    return v;
  }

  /** Runs the layer on the input list of `layout` (its build, autocast and training-mode handling are Layer.apply's). */
  protected applyLayout(list: readonly AttentionTensor[], layout: AttentionLayout, training: boolean | undefined): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const where = `${this.className} ${this.name}`;
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor) && !(t !== null && typeof t === "object" && "shape" in t && "dtype" in t)) {
        throw new TypeError(`${where}: ${layout.slots[i]} must be a tensor, got ${String(t)}`);
      }
    });
    const symbolic = list.some((t) => t instanceof SymbolicTensor);
    if (symbolic) {
      if (this.graphLayout !== null && !sameLayout(this.graphLayout, layout)) {
        throw new TypeError(
          `${where}: a functional model calls this layer with other arguments than before (${describeLayout(this.graphLayout)}, now ${describeLayout(layout)}); ` +
            "lamina keeps one set of call arguments per attention layer in a model: use a separate layer for the other call",
        );
      }
      this.graphLayout = layout;
    }
    this.pendingLayout = layout;
    if (!this.built) this.builtLayout = layout;
    try {
      const opts: LayoutCallOptions = { attentionLayout: layout };
      if (training !== undefined) opts.training = training;
      return super.apply(list as LayerInput, opts);
    } finally {
      this.pendingLayout = null;
    }
  }

  /**
   * The layout of the call being built, run or shaped. Without one (a build from Keras'
   * build_config, which lists the data inputs' shapes) `count` inputs are [query, value(, key)].
   */
  protected layoutOf(opts?: CallOptions, count?: number): AttentionLayout {
    const given = (opts as LayoutCallOptions | undefined)?.attentionLayout;
    let layout = given ?? this.pendingLayout ?? this.graphLayout;
    if (!layout && count !== undefined && count >= 2 && count <= 3) {
      layout = { slots: (["query", "value", "key"] as AttentionSlot[]).slice(0, count), returnAttentionScores: false, useCausalMask: false };
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
    const slots = (this.builtLayout ?? this.graphLayout)?.slots ?? ["query", "value", "key"];
    return (built as LayerShape[]).filter((_, i) => ["query", "value", "key"].includes(slots[i] ?? ""));
  }
}

function describeLayout(l: AttentionLayout): string {
  const flags = [l.returnAttentionScores ? "returnAttentionScores" : "", l.useCausalMask ? "useCausalMask" : ""].filter(Boolean);
  return `[${l.slots.join(", ")}]${flags.length ? ` with ${flags.join(", ")}` : ""}`;
}

/** A mask as 0/1 floats of `dtype` (Keras casts a mask to bool: nonzero is true). */
export function maskValues(mask: Tensor, dtype: Tensor["dtype"]): Tensor {
  return cast(mask.dtype === "bool" ? mask : notEqual(mask, 0), dtype);
}
