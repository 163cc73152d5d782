// Batch normalization as one kernel per pass (internal, used by the BatchNormalization layer):
// training computes the batch statistics and normalizes in one op whose backward pass goes through
// the statistics in one kernel; inference applies the per-channel affine map of the moving
// statistics. The channel axis is the last one; values and gradients are those of moments +
// batchNormalization (up to the rounding of intermediate values, which the fused kernels keep in
// double).
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { assertFloat, backend, emptyTensor, isRecording, num, outputTensor, record } from "./engine.js";
import { add, div, mul, rsqrt, square, sub } from "./math.js";
import { mean as meanOp, sum } from "./reduce.js";
import { batchNormalization } from "./norm.js";

function checkParam(op: string, name: string, p: Tensor | null, x: Tensor): void {
  const c = x.shape[x.rank - 1];
  if (p !== null && (p.rank !== 1 || p.shape[0] !== c || p.dtype !== x.dtype)) {
    throw new RangeError(`${op}: ${name} must be ${x.dtype} [${c}] (the size of x's last axis), got ${p.dtype} ${shapeText(p.shape)}`);
  }
}

/**
 * Training-mode batch normalization over every axis but the last: returns y and the batch mean and
 * biased variance (for the moving statistics; they carry no gradient). Gradients flow to x, gamma
 * and beta through the batch statistics.
 */
export function batchNormTraining(x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const op = "batchNormalization";
  assertFloat(op, x);
  if (x.rank < 1) throw new RangeError(`${op}: x must have a channel axis, got a scalar`);
  checkParam(op, "gamma", gamma, x);
  checkParam(op, "beta", beta, x);
  const channels = x.shape[x.rank - 1];
  const rows = channels === 0 ? 0 : x.size / channels;
  const y = outputTensor(x.shape, x.dtype);
  const mean = emptyTensor([channels], x.dtype);
  const variance = emptyTensor([channels], x.dtype);
  const saved = new Float64Array(2 * channels);
  backend().batchNormTraining(num(x), rows, channels, gamma === null ? null : num(gamma), beta === null ? null : num(beta), epsilon,
    num(y), num(mean), num(variance), saved);
  const inputs = [x];
  if (gamma !== null) inputs.push(gamma);
  if (beta !== null) inputs.push(beta);
  record("batchNormTraining", inputs, y, ([dy]) => {
    const [dx, dgamma, dbeta] = isRecording()
      ? compositeGrad(x, dy, gamma, epsilon, rows)
      : fusedGrad(x, dy, gamma, beta, saved, rows, channels);
    const grads: Tensor[] = [dx];
    if (gamma !== null) grads.push(dgamma);
    if (beta !== null) grads.push(dbeta);
    return grads;
  });
  return { y, mean, variance };
}

function fusedGrad(x: Tensor, dy: Tensor, gamma: Tensor | null, beta: Tensor | null, saved: Float64Array, rows: number, channels: number): Tensor[] {
  const dx = outputTensor(x.shape, x.dtype);
  const dgamma = emptyTensor([channels], x.dtype);
  const dbeta = emptyTensor([channels], x.dtype);
  backend().batchNormTrainingGrad(num(x), num(dy), rows, channels, gamma === null ? null : num(gamma), saved, num(dx),
    gamma === null ? null : num(dgamma), beta === null ? null : num(dbeta));
  return [dx, dgamma, dbeta];
}

/** The same gradients from differentiable ops, for a tape recording the backward pass. */
function compositeGrad(x: Tensor, dy: Tensor, gamma: Tensor | null, epsilon: number, rows: number): Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const centered = sub(x, meanOp(x, axes));
  const invStd = rsqrt(add(meanOp(square(centered), axes), epsilon));
  const xhat = mul(centered, invStd);
  const dbeta = sum(dy, axes);
  const dgamma = sum(mul(dy, xhat), axes);
  const k = gamma === null ? invStd : mul(gamma, invStd);
  const dx = mul(k, sub(sub(dy, div(dbeta, rows)), mul(xhat, div(dgamma, rows))));
  return [dx, dgamma, dbeta];
}

/**
 * Inference-mode batch normalization with given statistics over the last axis. Without a
 * recording tape it is one per-channel affine kernel; under a tape it is batchNormalization
 * (differentiable with respect to every argument).
 */
export function batchNormInference(
  x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number,
): Tensor {
  const op = "batchNormalization";
  assertFloat(op, x);
  for (const [name, p] of [["mean", mean], ["variance", variance], ["gamma", gamma], ["beta", beta]] as const) checkParam(op, name, p, x);
  if (isRecording()) return batchNormalization(x, mean, variance, beta, gamma, epsilon);
  const channels = x.shape[x.rank - 1];
  const rows = channels === 0 ? 0 : x.size / channels;
  const m = num(mean), v = num(variance), g = gamma === null ? null : num(gamma), b = beta === null ? null : num(beta);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (g === null ? 1 : g[c]) / Math.sqrt(v[c] + epsilon);
    shift[c] = (b === null ? 0 : b[c]) - m[c] * scale[c];
  }
  const y = outputTensor(x.shape, x.dtype);
  backend().channelAffine(num(x), rows, channels, scale, shift, num(y));
  return y;
}
