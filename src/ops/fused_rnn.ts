// The elementwise part of an LSTM timestep as one op (internal, used by LSTMCell): after the two
// matmuls, Keras' default cell (sigmoid gates, tanh activations) takes eleven elementwise ops and
// four gate slices per step, each a small tensor whose per-op overhead outweighs its arithmetic.
// Outside a recording tape (inference) one kernel computes h and c with the same roundings; while
// a tape records, the same composite ops run, so gradients (and gradients of gradients) are theirs.
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import { backend, isRecording, num, outputTensor } from "./engine.js";
import { add, mul } from "./math.js";
import { sigmoid, tanh } from "./activation.js";
import { split } from "./shape.js";

/**
 * One LSTM step from the projected inputs xp and the recurrent product hr ([batch, 4 * units], gates
 * i, f, c, o) and the previous carry cPrev [batch, units]: [h, c] with z = xp + hr, c = σ(z_f) *
 * cPrev + σ(z_i) * tanh(z_c), h = σ(z_o) * tanh(c).
 */
export function lstmStep(xp: Tensor, hr: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const [rows, units] = cPrev.shape;
  const ok = cPrev.rank === 2 && isFloatDType(cPrev.dtype) && [xp, hr].every((t) => t.rank === 2 && t.shape[0] === rows && t.shape[1] === 4 * units && t.dtype === cPrev.dtype);
  if (!ok) {
    throw new RangeError(
      `lstmStep: expected xp and hr [batch, 4 * units] and cPrev [batch, units] of one float dtype, got ${xp.dtype} ${shapeText(xp.shape)}, ` +
        `${hr.dtype} ${shapeText(hr.shape)} and ${cPrev.dtype} ${shapeText(cPrev.shape)}`,
    );
  }
  if (isRecording()) {
    const [zi, zf, zc, zo] = split(add(xp, hr), 4, 1);
    const c = add(mul(sigmoid(zf), cPrev), mul(sigmoid(zi), tanh(zc)));
    return [mul(sigmoid(zo), tanh(c)), c];
  }
  const h = outputTensor([rows, units], cPrev.dtype);
  const c = outputTensor([rows, units], cPrev.dtype);
  backend().lstmCell(num(xp), num(hr), num(cPrev), rows, units, num(h), num(c));
  return [h, c];
}
