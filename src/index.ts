/**
 * lamina: Keras-style deep learning for TypeScript.
 * `import * as tf from "lamina"`.
 */
import "./backend/js/index.js";
import "./backend/native/index.js";

export { version } from "./version.js";

export { Tensor, type NestedArray } from "./tensor/tensor.js";
export { Variable, type VariableOptions } from "./tensor/variable.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export { constant, fill, zeros, ones, zerosLike, onesLike, range, linspace, eye, type TensorLike } from "./tensor/creation.js";
export * as random from "./random.js";
export { setBackend, getBackend, listBackends } from "./backend/registry.js";
export type { Backend } from "./backend/backend.js";

export * from "./ops/math.js";
export * from "./ops/reduce.js";
export * from "./ops/shape.js";
export * from "./ops/activation.js";
export * from "./ops/loss.js";
export * from "./ops/norm.js";
export * from "./ops/dropout.js";
export * from "./ops/conv.js";
export * from "./ops/pool.js";
export { conv3d, conv3dTranspose, type Conv3DOptions, type Size3D } from "./ops/conv3d.js";
export { maxPool3d, avgPool3d } from "./ops/pool3d.js";
export { broadcastTo } from "./ops/broadcast.js";
export { matmul } from "./ops/matmul.js";
export { noGrad } from "./ops/engine.js";
export { customGrad, type CustomGradientFunc, type CustomGradFunc, type CustomGradResult, type GradSaveFunc } from "./ops/custom_grad.js";
export { variable } from "./ops/variable.js";
export * as nn from "./ops/nn.js";
export * as image from "./ops/image-namespace.js";
export * from "./ops/sort.js";
export * from "./ops/cumulative.js";
export * from "./ops/arrange.js";
export * from "./ops/linalg.js";
export { einsum } from "./ops/einsum.js";
export * from "./ops/count.js";
export * from "./ops/gradient_stop.js";
export { addN } from "./ops/add_n.js";
export * as linalg from "./linalg_namespace.js";
export { quantile, type QuantileMethod } from "./ops/quantile.js";
export * from "./ops/diag.js";
export * from "./ops/products.js";
export * from "./ops/special.js";
export * from "./ops/sequences.js";
export * from "./ops/search.js";
export * from "./ops/scatter.js";
export * from "./ops/normalize.js";
export * from "./ops/control_flow.js";
export { fft, fft2, rfft, irfft, type ComplexPair } from "./ops/signal.js";
export { extractSequences } from "./ops/signal_frames.js";
export { ctcLoss } from "./ops/ctc.js";
export { ctcDecode, type CtcDecodeOptions } from "./ops/ctc_decode.js";
export * as ops from "./ops_namespace.js";
export { stft, istft, type StftWindow, type StftOptions, type IstftOptions } from "./ops/signal_stft.js";

export { GradientTape, grad, grads, valueAndGrad, valueAndGrads, variableGrads, type GradientTapeOptions } from "./autograd/tape.js";
export { datasets, utils, preprocessing, data } from "./data/index.js";
export * as plot from "./plot/index.js";
export * as optimizers from "./optimizers/index.js";
export * as quantizers from "./quantizers/index.js";
export { initializers, regularizers, constraints, losses, metrics } from "./nn/index.js";
export { activations } from "./nn/index.js";
export * as layers from "./layers/index.js";
export * as models from "./models/index.js";
export * as callbacks from "./models/callbacks/index.js";
export * as applications from "./applications/index.js";
export * as serialization from "./io/serialization.js";
export { clearSession } from "./layers/layer.js";
export * as config from "./config.js";
export * as backend from "./keras_backend.js";
export * as tree from "./tree.js";
export * as saving from "./io/ns-saving.js";
