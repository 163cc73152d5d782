/**
 * keras.ops.dot_product_attention (Keras 3.15) as its numpy and torch backends compute it on CPU:
 * softmax(Q K^T * scale + bias, masked) V over [batch, steps, heads, head_dim] inputs, with grouped
 * key/value heads repeated for the query heads they serve (GroupedQueryAttention's
 * repeat-then-einsum). Built from differentiable ops, so gradients flow to query, key, value and bias.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { constant, ones } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import { softmax } from "./activation.js";
import { einsum } from "./einsum.js";
import { repeat } from "./arrange.js";
import { tril } from "./linalg.js";
import { promoteTypes } from "./keras_promote.js";
import * as sym from "./symbolic.js";

const OP = "ops.dotProductAttention";
/** Keras' _get_large_negative for float32 and float64: masked logits drop out of the softmax. */
const LARGE_NEGATIVE = 3.38953e38 * -0.7;

/** Whether `t` broadcasts to the logits' [B, N, T, S] without changing their shape. */
function checkFits(name: string, t: Tensor, logits: readonly number[]): void {
  const off = logits.length - t.rank;
  if (off < 0 || !t.shape.every((d, i) => d === 1 || d === logits[off + i])) {
    throw new RangeError(`${OP}: ${name} ${shapeText(t.shape)} does not broadcast to the logits' shape ${shapeText(logits)} (batch, query heads, query steps, key steps)`);
  }
}

/** The arguments Keras' CPU backends refuse (checked before recording too, as Keras checks the soft cap). */
function refuseUnsupported(flashAttention: boolean | null, attnLogitsSoftCap: number | null): void {
  if (attnLogitsSoftCap !== null && attnLogitsSoftCap !== undefined) {
    throw new RangeError(`${OP}: attnLogitsSoftCap=${valueText(attnLogitsSoftCap)} is not supported; Keras supports it only on JAX with a TPU (its numpy and torch backends refuse it too); pass null`);
  }
  if (flashAttention === true) {
    throw new RangeError(`${OP}: flashAttention=true is not supported; lamina has no flash-attention kernel (Keras' numpy backend refuses it too); pass null or false`);
  }
}

function dotProductAttentionEager(queryIn: Input, keyIn: Input, valueIn: Input, bias: Input | null = null, mask: Input | null = null,
  scale: number | null = null, isCausal = false, flashAttention: boolean | null = null, attnLogitsSoftCap: number | null = null): Tensor {
  refuseUnsupported(flashAttention, attnLogitsSoftCap);
  const q0 = toTensor(queryIn, OP, "query");
  const k0 = toTensor(keyIn, OP, "key");
  const v0 = toTensor(valueIn, OP, "value");
  if (q0.rank !== 4 || k0.rank !== 4 || v0.rank !== 4) {
    throw new RangeError(`${OP}: query, key and value must be 4-D [batch, steps, heads, head_dim], got query ${shapeText(q0.shape)}, key ${shapeText(k0.shape)}, value ${shapeText(v0.shape)}`);
  }
  const dtype = promoteTypes([q0.dtype, k0.dtype, v0.dtype]);
  if (!isFloatDType(dtype)) throw new TypeError(`${OP}: query, key and value must be floats, got ${q0.dtype}, ${k0.dtype} and ${v0.dtype}; cast them with tf.cast(x, "float32")`);
  const [q, k, v] = [q0, k0, v0].map((t) => (t.dtype === dtype ? t : m.cast(t, dtype)));
  const [B, T, N, H] = q.shape;
  const [, S, K] = k.shape;
  if (k.shape[0] !== B || k.shape[3] !== H || v.shape[0] !== B || v.shape[1] !== S || v.shape[2] !== K) {
    throw new RangeError(`${OP}: key ${shapeText(k.shape)} must be [${B}, S, K, ${H}] for query ${shapeText(q.shape)}, and value ${shapeText(v.shape)} [${B}, ${S}, ${K}, head_dim]`);
  }
  if (K === 0 || N % K !== 0) {
    throw new RangeError(`${OP}: query's ${N} heads must be a multiple of key's and value's ${K} heads (each key/value head serves N / K query heads)`);
  }
  if (scale !== null && (typeof scale !== "number" || !Number.isFinite(scale))) throw new TypeError(`${OP}: scale must be a finite number or null (1 / sqrt(head_dim)), got ${valueText(scale)}`);
  // Each key/value head serves N / K consecutive query heads (torch's repeat_interleave; GroupedQueryAttention's ops.repeat).
  const kk = K === N ? k : repeat(k, N / K, 2);
  const vv = K === N ? v : repeat(v, N / K, 2);
  let logits = m.mul(einsum("BTNH,BSNH->BNTS", q, kk), scale ?? 1 / Math.sqrt(H));
  const logitsShape = [B, N, T, S];
  if (bias !== null && bias !== undefined) {
    const b0 = toTensor(bias, OP, "bias");
    const b = b0.dtype === dtype ? b0 : m.cast(b0, dtype);
    checkFits("bias", b, logitsShape);
    logits = m.add(logits, b);
  }
  let keep: Tensor | null = null;
  if (mask !== null && mask !== undefined) {
    const mk = toTensor(mask, OP, "mask");
    checkFits("mask", mk, logitsShape);
    keep = mk.dtype === "bool" ? mk : m.notEqual(mk, constant(0, [], mk.dtype));
  }
  if (isCausal) {
    // Query step t sees key steps 0..t (numpy's tril of a [T, S] block, top-left aligned).
    const causal = m.notEqual(tril(ones([T, S], "float32")), 0);
    keep = keep === null ? causal : m.logicalAnd(keep, causal);
  }
  if (keep !== null) logits = m.where(keep, logits, constant(LARGE_NEGATIVE, [], dtype));
  const probs = softmax(logits, -1);
  return einsum("BNTS,BSNH->BTNH", probs, vv);
}

/**
 * keras.ops.dot_product_attention(query, key, value, bias = null, mask = null, scale = null,
 * isCausal = false, flashAttention = null, attnLogitsSoftCap = null): query [B, T, N, H], key and
 * value [B, S, K, H] with N a multiple of K; bias added to and mask (true: attend) applied to the
 * [B, N, T, S] logits; scale defaults to 1 / sqrt(H). Returns [B, T, N, H].
 */
export const dotProductAttention = sym.withSymbolic(dotProductAttentionEager,
  (query, key, value, bias = null, mask = null, scale = null, isCausal = false, flashAttention = null, attnLogitsSoftCap = null) => {
    refuseUnsupported(flashAttention, attnLogitsSoftCap);
    return sym.symbolicOp("DotProductAttention", [query, key, value], {
      is_causal: isCausal, flash_attention: flashAttention, attn_logits_soft_cap: attnLogitsSoftCap,
    }, { bias, mask, scale });
  });
