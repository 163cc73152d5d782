// Fused ops for the layers' hot paths (internal, not part of the public API): a convolution or a
// matrix product followed by a bias and an activation, computed by one backend kernel whose
// output the activation overwrites in place, and whose backward pass turns the output gradient
// into the pre-activation gradient and the bias gradient in one pass. Values and gradients are
// those of the composite ops they replace (conv2d/matmul, add, relu). signedPower does the same
// for CosSim2D's sharpening.
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import type { FusedActivation } from "../backend/backend.js";
import { backend, isRecording, num, outputTensor, record } from "./engine.js";
import { abs, add, div, lessEqual, log, mul, where } from "./math.js";
import { sumTo } from "./broadcast.js";
import { computeConv2DInfo, type Conv2DOptions } from "./conv.js";
import { convFilter, convInput, convShapes } from "./conv_primitives.js";
import { matmul } from "./matmul.js";
import { valueText } from "../tensor/value_text.js";

export type { FusedActivation };

/** Whether an activation (by its Keras name) has a fused kernel. */
export function isFusedActivation(name: string): name is FusedActivation {
  return name === "linear" || name === "relu";
}

function checkBias(op: string, bias: Tensor | null, channels: number, y: Tensor): void {
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== channels || bias.dtype !== y.dtype)) {
    throw new RangeError(`${op}: bias must be ${y.dtype} [${channels}] to match the output's last axis, got ${bias.dtype} ${shapeText(bias.shape)}`);
  }
}

/**
 * The gradients of z (the pre-activation sum) and of the bias from dy, the gradient of y =
 * act(z + bias). While a tape records the backward pass (higher-order gradients) they are built
 * from differentiable ops instead of the fused kernel.
 */
function biasActivationBackward(dy: Tensor, y: Tensor, bias: Tensor | null, activation: FusedActivation): [Tensor, Tensor | null] {
  if (isRecording()) {
    const dz = activation === "relu" ? where(lessEqual(y, 0), 0, dy) : dy;
    return [dz, bias === null ? null : sumTo(dz, bias.shape)];
  }
  if (activation === "linear" && bias === null) return [dy, null];
  const channels = y.shape[y.rank - 1];
  const rows = channels === 0 ? 0 : y.size / channels;
  const dz = activation === "linear" ? dy : outputTensor(y.shape, y.dtype);
  const db = bias === null ? null : outputTensor(bias.shape, bias.dtype);
  backend().biasActivationGrad(num(dy), num(y), rows, channels, activation, num(dz), db === null ? null : num(db));
  return [dz, db];
}

/** act(conv2d(x, filter, opts) + bias): Keras' Conv2D call in one kernel. */
export function fusedConv2d(x: Tensor, filter: Tensor, bias: Tensor | null, opts: Conv2DOptions, activation: FusedActivation): Tensor {
  const info = computeConv2DInfo(x.shape, filter.shape, opts, "conv2d", false);
  const squeeze = x.rank === 3;
  checkBias("conv2d", bias, info.outChannels, x);
  if (filter.dtype !== x.dtype) throw new TypeError(`conv2d: x is ${x.dtype} but the filter is ${filter.dtype}; cast one of them`);
  const out = outputTensor(convShapes(info, squeeze).y, x.dtype);
  backend().conv2dBiasActivation(num(x), num(filter), bias === null ? null : num(bias), activation, num(out), info);
  record("fusedConv2d", bias === null ? [x, filter] : [x, filter, bias], out, ([dy], needed) => {
    if (!needed[0] && needed[1] && !isRecording()) {
      // A first layer's input (the data) needs no gradient: the filter's and the bias' in one kernel,
      // which need not write the pre-activation gradient out.
      const dw = outputTensor(convShapes(info, squeeze).w, x.dtype);
      const db = bias === null ? null : outputTensor(bias.shape, bias.dtype);
      backend().conv2dBackpropFilterBiasActivation(num(x), num(dy), num(out), activation, num(dw), db === null ? null : num(db), info);
      return db === null ? [null, dw] : [null, dw, db];
    }
    const [dz, db] = biasActivationBackward(dy, out, bias, activation);
    // A first layer's input (the data) needs no gradient: skip that convolution.
    const grads = [needed[0] ? convInput(dz, filter, info, squeeze) : null, needed[1] ? convFilter(x, dz, info, squeeze) : null];
    return db === null ? grads : [...grads, db];
  });
  return out;
}

/** act(a @ b + bias) for a [m, k] and b [k, n]: Keras' Dense call in one kernel. */
export function fusedMatMul(a: Tensor, b: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0] || a.dtype !== b.dtype) {
    throw new RangeError(`matmul: expected a [m, k] and b [k, n] of one dtype, got ${a.dtype} ${shapeText(a.shape)} and ${b.dtype} ${shapeText(b.shape)}`);
  }
  const [m, k] = a.shape;
  const n = b.shape[1];
  checkBias("matmul", bias, n, a);
  const out = outputTensor([m, n], a.dtype);
  backend().matmulBiasActivation(num(a), num(b), bias === null ? null : num(bias), activation, num(out), m, k, n, false, false);
  record("fusedMatMul", bias === null ? [a, b] : [a, b, bias], out, ([dy], needed) => {
    const [dz, db] = biasActivationBackward(dy, out, bias, activation);
    const grads = [needed[0] ? matmul(dz, b, false, true) : null, needed[1] ? matmul(a, dz, true, false) : null];
    return db === null ? grads : [...grads, db];
  });
  return out;
}

/**
 * sign(x) * (|x| + eps)^p with p [channels] along x's last axis: the sharpening step of sharpened
 * cosine similarity (layers.CosSim2D) in one kernel each way, where the composite ops took nine
 * elementwise passes forward and more back. Gradients: dx = dy * p * |y| / (|x| + eps), 0 at x = 0
 * (sign(x) is held constant, as a step function's gradient is); dp = sum of dy * y * log(|x| + eps).
 */
export function signedPower(x: Tensor, p: Tensor, eps: number): Tensor {
  if (x.rank === 0 || !isFloatDType(x.dtype)) {
    throw new TypeError(`signedPower: x must be a float tensor with at least one axis (p applies along the last), got ${x.dtype} ${shapeText(x.shape)}`);
  }
  const channels = x.shape[x.rank - 1];
  if (p.rank !== 1 || p.shape[0] !== channels || p.dtype !== x.dtype) {
    throw new RangeError(`signedPower: p must be ${x.dtype} [${channels}] to match the last axis of x ${shapeText(x.shape)}, got ${p.dtype} ${shapeText(p.shape)}`);
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`signedPower: eps must be a positive number, got ${valueText(eps)}`);
  const rows = channels === 0 ? 0 : x.size / channels;
  const out = outputTensor(x.shape, x.dtype);
  backend().signedPower(num(x), rows, channels, num(p), eps, num(out));
  record("signedPower", [x, p], out, ([dy], needed) => {
    if (isRecording()) {
      // Differentiable form of the same gradients, for higher-order derivatives.
      const a = add(abs(x), eps);
      return [mul(dy, div(mul(p, abs(out)), a)), sumTo(mul(mul(dy, out), log(a)), p.shape)];
    }
    const dx = outputTensor(x.shape, x.dtype);
    const dp = needed[1] ? outputTensor(p.shape, p.dtype) : null;
    backend().signedPowerGrad(num(x), num(out), num(dy), rows, channels, num(p), eps, num(dx), dp === null ? null : num(dp));
    return [needed[0] ? dx : null, dp];
  });
  return out;
}
