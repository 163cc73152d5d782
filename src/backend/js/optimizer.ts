import type { NumericArray } from "../../tensor/dtype.js";
import type { OptimizerUpdate } from "../backend.js";

type Round = (v: number) => number;
const identity: Round = (v) => v;

/**
 * One fused optimizer step (see Backend.optimizerUpdate). `r` rounds to the variable's dtype after
 * every operation, exactly where the composite formula's elementwise ops would store a result.
 * Each rule's loop is its own small function: V8 then optimizes each loop once and keeps it, where
 * one function holding all four deoptimized on the first rule it had not seen and stayed slow.
 */
export function optimizerUpdate(
  u: OptimizerUpdate, w: NumericArray, g: NumericArray, slots: readonly NumericArray[], wOut: NumericArray, slotsOut: readonly NumericArray[],
): void {
  const r: Round = w instanceof Float32Array ? Math.fround : identity;
  switch (u.kind) {
    case "sgd":
      sgd(u.lr, w, g, wOut, r);
      return;
    case "momentum":
      momentum(u.lr, u.momentum, u.nesterov, w, g, slots[0], wOut, slotsOut[0], r);
      return;
    case "adam":
      adam(u, w, g, slots, wOut, slotsOut, r);
      return;
    case "rmsprop":
      rmsprop(u, w, g, slots, wOut, slotsOut, r);
      return;
  }
}

function sgd(lr: number, w: NumericArray, g: NumericArray, wOut: NumericArray, r: Round): void {
  if (w instanceof Float32Array && g instanceof Float32Array && wOut instanceof Float32Array) {
    sgdFloat32(lr, w, g, wOut);
    return;
  }
  const n = w.length;
  for (let i = 0; i < n; i++) wOut[i] = r(w[i] - r(g[i] * lr));
}

/** sgd on float32 arrays: Math.fround called directly (inlined), the store into wOut rounds the difference. */
function sgdFloat32(lr: number, w: Float32Array, g: Float32Array, wOut: Float32Array): void {
  const n = w.length;
  for (let i = 0; i < n; i++) wOut[i] = w[i] - Math.fround(g[i] * lr);
}

function momentum(
  lr: number, momentum: number, nesterov: boolean, w: NumericArray, g: NumericArray, v: NumericArray, wOut: NumericArray, vOut: NumericArray, r: Round,
): void {
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gl = r(g[i] * lr);
    const vn = r(r(v[i] * momentum) - gl);
    vOut[i] = vn;
    wOut[i] = nesterov ? r(w[i] + r(r(vn * momentum) - gl)) : r(w[i] + vn);
  }
}

function adam(
  u: Extract<OptimizerUpdate, { kind: "adam" }>, w: NumericArray, g: NumericArray, slots: readonly NumericArray[],
  wOut: NumericArray, slotsOut: readonly NumericArray[], r: Round,
): void {
  const { alpha, oneMinusBeta1: c1, oneMinusBeta2: c2, epsilon, amsgrad } = u;
  const [m, v, vh] = slots;
  const [mOut, vOut, vhOut] = slotsOut;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mn = r(m[i] + r(r(gi - m[i]) * c1));
    let vn = r(v[i] + r(r(r(gi * gi) - v[i]) * c2));
    mOut[i] = mn;
    vOut[i] = vn;
    if (amsgrad) {
      const h = vh[i];
      // tf.maximum's rule: the first operand on ties and when it is NaN.
      vn = h > vn || Number.isNaN(h) ? h : vn;
      vhOut[i] = vn;
    }
    wOut[i] = r(w[i] - r(r(mn * alpha) / r(r(Math.sqrt(vn)) + epsilon)));
  }
}

function rmsprop(
  u: Extract<OptimizerUpdate, { kind: "rmsprop" }>, w: NumericArray, g: NumericArray, slots: readonly NumericArray[],
  wOut: NumericArray, slotsOut: readonly NumericArray[], r: Round,
): void {
  const { lr, rho, oneMinusRho, epsilon, momentum, centered } = u;
  // The momentum slot is present exactly when the optimizer's momentum is above zero.
  const [v, m, a] = slots;
  const [vOut, mOut, aOut] = slotsOut;
  const withMomentum = m.length > 0;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const vn = r(r(rho * v[i]) + r(oneMinusRho * r(gi * gi)));
    vOut[i] = vn;
    let den: number;
    if (centered) {
      const an = r(r(rho * a[i]) + r(oneMinusRho * gi));
      aOut[i] = an;
      den = r(r(vn - r(an * an)) + epsilon);
    } else {
      den = r(vn + epsilon);
    }
    const inc = r(r(lr * gi) / r(Math.sqrt(den)));
    if (withMomentum) {
      const mn = r(r(momentum * m[i]) + inc);
      mOut[i] = mn;
      wOut[i] = r(w[i] - mn);
    } else {
      wOut[i] = r(w[i] - inc);
    }
  }
}
