/** tf.nn: the neural-network ops under TensorFlow's names (also exported at the top level). */
export { relu, relu6, leakyRelu, elu, selu, gelu, sigmoid, tanh, softplus, softsign, swish, silu, softmax, logSoftmax } from "./activation.js";
export {
  softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits,
} from "./loss.js";
export { batchNormalization } from "./norm.js";
export { moments } from "./reduce.js";
export { dropout } from "./dropout.js";
export { conv2d, depthwiseConv2d, conv2dTranspose } from "./conv.js";
export { maxPool, avgPool } from "./pool.js";
export { ctcLoss } from "./ctc.js";
export { ctcDecode, type CtcDecodeOptions } from "./ctc_decode.js";
export { conv3d, conv3dTranspose } from "./conv3d.js";
export { maxPool3d, avgPool3d } from "./pool3d.js";
