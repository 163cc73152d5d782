/** 3-D max and average pooling of NDHWC volumes, TF.js argument order and TF's padding rules. */
import type { Tensor } from "../tensor/tensor.js";
import type { Pool3DInfo } from "../backend/backend.js";
import { type Input, assertFloat, backend, num, outputTensor, record, toTensor } from "./engine.js";
import type { PaddingMode } from "./conv.js";
import { type Size3D, computePool3DInfo } from "./conv3d.js";
import { gather, reshape } from "./shape.js";
import { poolDataFormat } from "./pool.js";

function pooledShape(x: Tensor, info: Pool3DInfo): number[] {
  const shape = [info.batch, info.outDepth, info.outHeight, info.outWidth, info.channels];
  return x.rank === 4 ? shape.slice(1) : shape;
}

function poolInput(op: string, xIn: Input): Tensor {
  const x = toTensor(xIn, op, "x");
  assertFloat(op, x, "x");
  return x;
}

/**
 * Max pooling of an NDHWC input [batch, d, h, w, c] (or [d, h, w, c]); `strides` defaults to the
 * pool size (Keras' MaxPooling3D) and padding cells never win. The kernel finds each window's
 * first maximal cell (its last NaN if it holds one, as torch's max_pool3d), and the values are a
 * gather at those cells, so the gradient is gather's scatter, exact to any order.
 */
export function maxPool3d(xIn: Input, poolSize: Size3D, strides?: Size3D | null, padding: PaddingMode = "VALID", dataFormat: "NDHWC" | null = null): Tensor {
  poolDataFormat("maxPool3d", dataFormat, "NDHWC");
  const x = poolInput("maxPool3d", xIn);
  const info = computePool3DInfo(x.shape, poolSize, strides, padding, "maxPool3d");
  const argmax = outputTensor(pooledShape(x, info), "int32");
  backend().maxPool3dArgmax(num(x), num(argmax) as Int32Array, info);
  return gather(reshape(x, [x.size]), argmax);
}

/**
 * Average pooling of an NDHWC input; `strides` defaults to the pool size. With "same" padding each
 * window is divided by its number of real (non-padding) cells, as in TF.
 */
export function avgPool3d(xIn: Input, poolSize: Size3D, strides?: Size3D | null, padding: PaddingMode = "VALID", dataFormat: "NDHWC" | null = null): Tensor {
  poolDataFormat("avgPool3d", dataFormat, "NDHWC");
  const x = poolInput("avgPool3d", xIn);
  return avgForward(x, computePool3DInfo(x.shape, poolSize, strides, padding, "avgPool3d"));
}

// Average pooling is linear with avgPool3dGrad its adjoint: each is the other's gradient.

function avgForward(x: Tensor, info: Pool3DInfo): Tensor {
  const out = outputTensor(pooledShape(x, info), x.dtype);
  backend().avgPool3d(num(x), num(out), info);
  record("avgPool3d", [x], out, ([dy]) => [avgBackprop(dy, x.shape, info)]);
  return out;
}

function avgBackprop(dy: Tensor, xShape: readonly number[], info: Pool3DInfo): Tensor {
  const dx = outputTensor(xShape, dy.dtype);
  backend().avgPool3dGrad(num(dy), num(dx), info);
  record("avgPool3dGrad", [dy], dx, ([g]) => [avgForward(g, info)]);
  return dx;
}
