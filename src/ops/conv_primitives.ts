// The three convolution primitives shared by the public conv ops (conv.ts) and the fused
// convolution with bias and activation (fused.ts); not part of the public API.
import type { Tensor } from "../tensor/tensor.js";
import type { Conv2DInfo } from "../backend/backend.js";
import { backend, num, outputTensor, record } from "./engine.js";

/**
 * Shapes of a convolution's three tensors; `squeeze` drops the batch axis of x and y when the
 * user passed a rank-3 input (storage is identical, so kernels never notice).
 */
export function convShapes(info: Conv2DInfo, squeeze: boolean): { x: number[]; y: number[]; w: number[] } {
  const x = [info.batch, info.inHeight, info.inWidth, info.inChannels];
  const y = [info.batch, info.outHeight, info.outWidth, info.outChannels];
  const w = [info.filterHeight, info.filterWidth, info.inChannels, info.depthwise ? info.outChannels / info.inChannels : info.outChannels];
  if (!info.depthwise) w[2] = info.inChannels / info.groups;
  return squeeze ? { x: x.slice(1), y: y.slice(1), w } : { x, y, w };
}

/*
 * forward(x, w) = y, input(dy, w) = dx and filter(x, dy) = dw are bilinear and mutually adjoint,
 * so each one's gradient is made of the other two with the same geometry. Recording all three
 * makes gradients of any order exact.
 */

export function convForward(x: Tensor, w: Tensor, info: Conv2DInfo, squeeze: boolean, name: string): Tensor {
  const out = outputTensor(convShapes(info, squeeze).y, x.dtype);
  backend().conv2d(num(x), num(w), num(out), info);
  record(name, [x, w], out, ([dy], needed) => [
    needed[0] ? convInput(dy, w, info, squeeze) : null,
    needed[1] ? convFilter(x, dy, info, squeeze) : null,
  ]);
  return out;
}

export function convInput(dy: Tensor, w: Tensor, info: Conv2DInfo, squeeze: boolean): Tensor {
  const dx = outputTensor(convShapes(info, squeeze).x, dy.dtype);
  backend().conv2dBackpropInput(num(dy), num(w), num(dx), info);
  record("conv2dBackpropInput", [dy, w], dx, ([g]) => [
    convForward(g, w, info, squeeze, "conv2d"),
    convFilter(g, dy, info, squeeze),
  ]);
  return dx;
}

export function convFilter(x: Tensor, dy: Tensor, info: Conv2DInfo, squeeze: boolean): Tensor {
  const dw = outputTensor(convShapes(info, squeeze).w, x.dtype);
  backend().conv2dBackpropFilter(num(x), num(dy), num(dw), info);
  record("conv2dBackpropFilter", [x, dy], dw, ([g]) => [
    convInput(dy, g, info, squeeze),
    convForward(x, g, info, squeeze, "conv2d"),
  ]);
  return dw;
}

