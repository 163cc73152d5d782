import type { Backend } from "../backend.js";
import { registerBackend } from "../registry.js";
import { binary, clip, unary, unaryGrad } from "./elementwise.js";
import { select } from "./select.js";
import { argReduce, reduce } from "./reduce.js";
import { bincount, cumulative, sortIndices } from "./sort.js";
import { broadcastTo, concat, gather, gatherGrad, oneHot, pad, stridedSlice, stridedSliceGrad, tile, transpose } from "./shape.js";
import { matmul } from "./matmul.js";
import { logSoftmax, softmax, softmaxGrad } from "./softmax.js";
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from "./conv.js";
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad, maxPoolGradFromArgmax, maxPoolWithArgmax } from "./pool.js";
import { conv3d, conv3dBackpropFilter, conv3dBackpropInput } from "./conv3d.js";
import { avgPool3d, avgPool3dGrad, maxPool3dArgmax } from "./pool3d.js";
import {
  batchNormTraining, batchNormTrainingGrad, biasActivation, biasActivationGrad, channelAffine, conv2dBiasActivation,
  conv2dBackpropFilterBiasActivation, matmulBiasActivation,
  signedPower, signedPowerGrad, lstmCell, gruCell, gruResetGate,
} from "./fused.js";
import { optimizerUpdate } from "./optimizer.js";
import { imageTransform, imageTransformGrad } from "./image.js";
import { cholesky, luFactor, luSolve, qr, triangularSolve } from "./linalg_factor.js";
import { eigh, svd } from "./linalg_spectral.js";
import { fft } from "./fft.js";
import { ctcLoss } from "./ctc.js";

/** The reference backend: plain TypeScript on typed arrays, runs everywhere. */
export function createJsBackend(): Backend {
  return {
    name: "js",
    unary, unaryGrad, binary, select, clip,
    reduce, argReduce, sortIndices, cumulative, bincount,
    transpose, stridedSlice, stridedSliceGrad, pad, concat, gather, gatherGrad, tile, broadcastTo, oneHot,
    matmul,
    softmax, logSoftmax, softmaxGrad,
    conv2d, conv2dBackpropInput, conv2dBackpropFilter,
    maxPool, maxPoolGrad, maxPoolWithArgmax, maxPoolGradFromArgmax, avgPool, avgPoolGrad,
    conv3d, conv3dBackpropInput, conv3dBackpropFilter, maxPool3dArgmax, avgPool3d, avgPool3dGrad,
    imageTransform, imageTransformGrad,
    biasActivation, biasActivationGrad, conv2dBiasActivation, conv2dBackpropFilterBiasActivation, matmulBiasActivation,
    batchNormTraining, batchNormTrainingGrad, channelAffine, signedPower, signedPowerGrad, lstmCell, gruCell, gruResetGate,
    optimizerUpdate,
    cholesky, luFactor, luSolve, triangularSolve, qr, eigh, svd,
    fft, ctcLoss,
  };
}

registerBackend("js", createJsBackend);
