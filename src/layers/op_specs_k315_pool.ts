/**
 * OP_SPECS entries for Keras 3.15's adaptive pooling operations (keras.src.ops.nn AdaptiveAveragePool
 * and AdaptiveMaxPool): the config keys Keras writes (output_size, data_format) and how lamina runs
 * each on tensors.
 */
import type { Tensor } from "../tensor/tensor.js";
import { adaptiveAveragePool, adaptiveMaxPool } from "../ops/adaptive_pool.js";
import type { KerasDataFormat, SpatialSize } from "../ops/keras_conv.js";
import type { OpConfig, OpSpec } from "./op_specs.js";

const NN = "keras.src.ops.nn";

function adaptive(fn: (x: Tensor, outputSize: SpatialSize, dataFormat: KerasDataFormat) => Tensor): OpSpec {
  return {
    module: NN, keys: ["output_size", "data_format"],
    run: (a: readonly unknown[], c: OpConfig) => fn(a[0] as Tensor, c.output_size as SpatialSize, (c.data_format ?? null) as KerasDataFormat),
  };
}

export const K315_POOL_OP_SPECS: readonly (readonly [string, OpSpec])[] = [
  ["AdaptiveAveragePool", adaptive(adaptiveAveragePool)],
  ["AdaptiveMaxPool", adaptive(adaptiveMaxPool)],
];
