/**
 * OP_SPECS entries for the keras.ops operations Keras 3.6-3.15 added to its nn and core modules
 * (Celu ... Threshold, Sparsemax, LayerNorm, RMSNorm, DotProductAttention, DepthToSpace,
 * SpaceToDepth, SaturateCast). Keras 3.15's operations take `name`, so their configs hold it
 * beside the init arguments (nameKey).
 */
import type { Tensor } from "../tensor/tensor.js";
import * as a315 from "../ops/activation315.js";
import { layerNormalization, rmsNormalization } from "../ops/norm315.js";
import { dotProductAttention } from "../ops/attention315.js";
import { depthToSpace, spaceToDepth } from "../ops/depth_space.js";
import { saturateCast } from "../ops/saturate_cast.js";
import { call } from "./op_specs_keras_ops.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const NN = "keras.src.ops.nn";
const CORE = "keras.src.ops.core";

type AnyOp = Parameters<typeof call>[1];
type T = Tensor;
type Axes = number | number[];

/** An operation run as `fn(...args, ...config[keys])`, its config `{ name, ...keys }`. */
const named = (module: string, fn: AnyOp, keys: readonly string[] = []): OpSpec => ({ ...call(module, fn, keys), nameKey: true });
const spec = (keys: readonly string[], run: OpSpec["run"]): OpSpec => ({ module: NN, keys, nameKey: true, run });

/** Unknown sizes that are multiples of block_size^power (DepthToSpace's channels, SpaceToDepth's height and width). */
const blockProbes = (power: number) => (c: OpConfig): readonly [number, number] => {
  const unit = (c.block_size as number) ** power;
  return [unit, 2 * unit];
};

export const K315_NN_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  ["Celu", named(NN, a315.celu, ["alpha"])],
  ["Glu", { ...named(NN, a315.glu, ["axis"]), probeSizes: () => [2, 4] }],
  ["HardShrink", named(NN, a315.hardShrink, ["threshold"])],
  ["HardTanh", named(NN, a315.hardTanh)],
  ["SoftShrink", named(NN, a315.softShrink, ["threshold"])],
  ["SparsePlus", named(NN, a315.sparsePlus)],
  ["SparseSigmoid", named(NN, a315.sparseSigmoid)],
  ["Sparsemax", named(NN, a315.sparsemax, ["axis"])],
  ["Squareplus", named(NN, a315.squareplus, ["b"])],
  ["TanhShrink", named(NN, a315.tanhShrink)],
  ["Threshold", named(NN, a315.threshold, ["threshold", "default_value"])],
  // Keras calls LayerNorm on (x, gamma, beta) and RMSNorm on x with scale as a keyword.
  ["LayerNorm", spec(["axis", "epsilon", "rms_scaling"], (a, c) =>
    layerNormalization(a[0] as T, (a[1] ?? null) as T | null, (a[2] ?? null) as T | null, c.axis as Axes, (c.epsilon ?? null) as number | null,
      { rmsScaling: c.rms_scaling === true }))],
  ["RMSNorm", spec(["axis", "epsilon"], (a, c, _w, kw) =>
    rmsNormalization(a[0] as T, (kw.scale ?? null) as T | null, c.axis as Axes, (c.epsilon ?? null) as number | null))],
  ["DotProductAttention", spec(["is_causal", "flash_attention", "attn_logits_soft_cap"], (a, c, _w, kw) =>
    dotProductAttention(a[0] as T, a[1] as T, a[2] as T, (kw.bias ?? null) as T | null, (kw.mask ?? null) as T | null, (kw.scale ?? null) as number | null,
      c.is_causal === true, (c.flash_attention ?? null) as boolean | null, (c.attn_logits_soft_cap ?? null) as number | null))],
  ["DepthToSpace", { ...named(NN, depthToSpace, ["block_size", "data_format"]), probeSizes: blockProbes(2) }],
  ["SpaceToDepth", { ...named(NN, spaceToDepth, ["block_size", "data_format"]), probeSizes: blockProbes(1) }],
  ["SaturateCast", named(CORE, saturateCast, ["dtype"])],
];
