/**
 * `tf.config`: Keras 3.5's keras.config, plus Keras 3.x's debugging caps setMaxEpochs and
 * setMaxStepsPerEpoch. Traceback filtering is left out: Keras documents it as
 * filtering its own Python frames, which has no counterpart in lamina's stack traces.
 */
export {
  epsilon, setEpsilon, floatx, setFloatx, imageDataFormat, setImageDataFormat, dtypePolicy, setDtypePolicy,
  type DTypePolicy, type ImageDataFormat,
} from "./tensor/config.js";
export { enableInteractiveLogging, disableInteractiveLogging, isInteractiveLoggingEnabled } from "./models/callbacks/output.js";
export { enableUnsafeDeserialization } from "./io/custom_objects.js";
export { getBackend as backend, setBackend } from "./backend/registry.js";
export { setMaxEpochs, maxEpochs, setMaxStepsPerEpoch, maxStepsPerEpoch } from "./models/debug_limits.js";
/** keras.config.is_nnx_enabled: Flax NNX integration is a JAX-backend feature lamina does not have, so always false. */
export function isNnxEnabled(): boolean {
  return false;
}
