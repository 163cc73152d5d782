// The elementwise part of an LSTM or GRU timestep as one op (internal, used by LSTMCell and
// GRUCell): after the matmuls, Keras' default cells (sigmoid gates, tanh activations) take nine to
// eleven elementwise ops and three to six gate slices per step, each a small tensor whose per-op
// overhead outweighs its arithmetic. Outside a recording tape (inference) one kernel computes the
// new state with the same roundings; while a tape records, the same composite ops run, so
// gradients (and gradients of gradients) are theirs.
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import { backend, isRecording, num, outputTensor } from "./engine.js";
import { add, mul, sub } from "./math.js";
import { sigmoid, tanh } from "./activation.js";
import { slice, split } from "./shape.js";

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

function gruShapeError(what: string, expected: string, ts: readonly Tensor[]): RangeError {
  return new RangeError(`${what}: expected ${expected} of one float dtype, got ${ts.map((t) => `${t.dtype} ${shapeText(t.shape)}`).join(", ")}`);
}

function isMatrix(t: Tensor, rows: number, cols: number, dtype: Tensor["dtype"]): boolean {
  return t.rank === 2 && t.shape[0] === rows && t.shape[1] === cols && t.dtype === dtype;
}

/**
 * One reset-after GRU step (Keras 3's default) from the projected inputs xp [batch, 3 * units]
 * (blocks z, r, h), hr = hPrev @ recurrent_kernel + recurrent bias [batch, 3 * units] and hPrev
 * [batch, units]: z = σ(xp_z + hr_z), r = σ(xp_r + hr_r), h = z * hPrev + (1 - z) * tanh(xp_h +
 * r * hr_h).
 */
export function gruStep(xp: Tensor, hr: Tensor, hPrev: Tensor): Tensor {
  const [rows, units] = hPrev.shape;
  if (!(hPrev.rank === 2 && isFloatDType(hPrev.dtype) && isMatrix(xp, rows, 3 * units, hPrev.dtype) && isMatrix(hr, rows, 3 * units, hPrev.dtype))) {
    throw gruShapeError("gruStep", "xp and hr [batch, 3 * units] and hPrev [batch, units]", [xp, hr, hPrev]);
  }
  if (isRecording()) {
    const [xz, xr, xh] = split(xp, 3, 1);
    const [hz, hrr, hh] = split(hr, 3, 1);
    const z = sigmoid(add(xz, hz));
    const candidate = tanh(add(xh, mul(sigmoid(add(xr, hrr)), hh)));
    return gruOutput(z, hPrev, candidate);
  }
  const h = outputTensor([rows, units], hPrev.dtype);
  backend().gruCell(num(xp), num(hr), null, num(hPrev), rows, units, num(h));
  return h;
}

/** h = z * hPrev + (1 - z) * candidate, as the composite ops GRUCell wrote. */
function gruOutput(z: Tensor, hPrev: Tensor, candidate: Tensor): Tensor {
  return add(mul(z, hPrev), mul(sub(1, z), candidate));
}

/**
 * The reset-before GRU's first half: r * hPrev with r = σ(xp_r + hr_r), from xp [batch, 3 * units]
 * and hr = hPrev @ recurrent_kernel[:, :2 * units] [batch, 2 * units]; its product with the
 * kernel's h block goes to gruStepResetBefore.
 */
export function gruResetGate(xp: Tensor, hr: Tensor, hPrev: Tensor): Tensor {
  const [rows, units] = hPrev.shape;
  if (!(hPrev.rank === 2 && isFloatDType(hPrev.dtype) && isMatrix(xp, rows, 3 * units, hPrev.dtype) && isMatrix(hr, rows, 2 * units, hPrev.dtype))) {
    throw gruShapeError("gruResetGate", "xp [batch, 3 * units], hr [batch, 2 * units] and hPrev [batch, units]", [xp, hr, hPrev]);
  }
  if (isRecording()) return mul(sigmoid(add(slice(xp, [0, units], [-1, units]), slice(hr, [0, units], [-1, units]))), hPrev);
  const rh = outputTensor([rows, units], hPrev.dtype);
  backend().gruResetGate(num(xp), num(hr), num(hPrev), rows, units, num(rh));
  return rh;
}

/**
 * The reset-before GRU's second half: h = z * hPrev + (1 - z) * tanh(xp_h + hh), z = σ(xp_z +
 * hr_z), with hh = (r * hPrev) @ recurrent_kernel[:, 2 * units:] [batch, units] and xp, hr as
 * gruResetGate takes them.
 */
export function gruStepResetBefore(xp: Tensor, hr: Tensor, hh: Tensor, hPrev: Tensor): Tensor {
  const [rows, units] = hPrev.shape;
  const ok = hPrev.rank === 2 && isFloatDType(hPrev.dtype) && isMatrix(xp, rows, 3 * units, hPrev.dtype) &&
    isMatrix(hr, rows, 2 * units, hPrev.dtype) && isMatrix(hh, rows, units, hPrev.dtype);
  if (!ok) throw gruShapeError("gruStepResetBefore", "xp [batch, 3 * units], hr [batch, 2 * units], hh and hPrev [batch, units]", [xp, hr, hh, hPrev]);
  if (isRecording()) {
    const z = sigmoid(add(slice(xp, [0, 0], [-1, units]), slice(hr, [0, 0], [-1, units])));
    return gruOutput(z, hPrev, tanh(add(slice(xp, [0, 2 * units], [-1, units]), hh)));
  }
  const h = outputTensor([rows, units], hPrev.dtype);
  backend().gruCell(num(xp), num(hr), num(hh), num(hPrev), rows, units, num(h));
  return h;
}
