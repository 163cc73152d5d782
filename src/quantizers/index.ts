/**
 * `tf.quantizers` (keras.quantizers, Keras 3.15) for int8 and int4: the quantizer classes
 * (callable with or without `new`), the quantization configs, the quantize/pack functions, and
 * serialize/deserialize/get.
 */
import { callableClass } from "../nn/common.js";
import * as q from "./quantizers.js";
import * as c from "./quantization_config.js";

export const Quantizer = callableClass(q.Quantizer);
export type Quantizer = q.Quantizer;
export const AbsMaxQuantizer = callableClass(q.AbsMaxQuantizer);
export type AbsMaxQuantizer = q.AbsMaxQuantizer;
export const Int8QuantizationConfig = callableClass(c.Int8QuantizationConfig);
export type Int8QuantizationConfig = c.Int8QuantizationConfig;
export const Int4QuantizationConfig = callableClass(c.Int4QuantizationConfig);
export type Int4QuantizationConfig = c.Int4QuantizationConfig;
export { QuantizationConfig, QUANTIZATION_MODES, serialize, deserialize, get } from "./quantization_config.js";
export type { QuantizationMode, QuantizerObject, Int8QuantizationConfigArgs, Int4QuantizationConfigArgs } from "./quantization_config.js";
export { absMaxQuantize, absMaxQuantizeGroupedWithZeroPoint, dequantizeWithSzMap, packInt4, unpackInt4 } from "./quantizers.js";
export type { AbsMaxQuantizerArgs, QuantizedDType } from "./quantizers.js";
