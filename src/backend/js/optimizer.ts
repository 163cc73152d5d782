import type { NumericArray } from "../../tensor/dtype.js";
import type { OptimizerUpdate } from "../backend.js";

const identity = (v: number): number => v;

/**
 * One fused optimizer step (see Backend.optimizerUpdate). `r` rounds to the variable's dtype after
 * every operation, exactly where the composite formula's elementwise ops would store a result.
 */
export function optimizerUpdate(
  u: OptimizerUpdate, w: NumericArray, g: NumericArray, slots: readonly NumericArray[], wOut: NumericArray, slotsOut: readonly NumericArray[],
): void {
  const r = w instanceof Float32Array ? Math.fround : identity;
  const n = w.length;
  switch (u.kind) {
    case "sgd": {
      const lr = u.lr;
      for (let i = 0; i < n; i++) wOut[i] = r(w[i] - r(g[i] * lr));
      return;
    }
    case "momentum": {
      const { lr, momentum } = u;
      const v = slots[0], vOut = slotsOut[0];
      for (let i = 0; i < n; i++) {
        const gl = r(g[i] * lr);
        const vn = r(r(v[i] * momentum) - gl);
        vOut[i] = vn;
        wOut[i] = u.nesterov ? r(w[i] + r(r(vn * momentum) - gl)) : r(w[i] + vn);
      }
      return;
    }
    case "adam": {
      const { alpha, oneMinusBeta1: c1, oneMinusBeta2: c2, epsilon } = u;
      const [m, v, vh] = slots;
      const [mOut, vOut, vhOut] = slotsOut;
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mn = r(m[i] + r(r(gi - m[i]) * c1));
        let vn = r(v[i] + r(r(r(gi * gi) - v[i]) * c2));
        mOut[i] = mn;
        vOut[i] = vn;
        if (u.amsgrad) {
          const h = vh[i];
          // tf.maximum's rule: the first operand on ties and when it is NaN.
          vn = h > vn || Number.isNaN(h) ? h : vn;
          vhOut[i] = vn;
        }
        wOut[i] = r(w[i] - r(r(mn * alpha) / r(r(Math.sqrt(vn)) + epsilon)));
      }
      return;
    }
    case "rmsprop": {
      const { lr, rho, oneMinusRho, epsilon, momentum, centered } = u;
      // The momentum slot is present exactly when the optimizer's momentum is above zero.
      const [v, m, a] = slots;
      const [vOut, mOut, aOut] = slotsOut;
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
        if (m.length > 0) {
          const mn = r(r(momentum * m[i]) + inc);
          mOut[i] = mn;
          wOut[i] = r(w[i] - mn);
        } else {
          wOut[i] = r(w[i] - inc);
        }
      }
      return;
    }
  }
}
