/*
 * CTC negative log-likelihood by the forward-backward (alpha-beta) recursions of Graves et al.
 * (2006), in log space over the extended label sequence (blank, l1, blank, l2, ..., blank), and
 * its gradient with respect to the log-probabilities: d nll / d logp[t, c] =
 * -sum over s with l'[s] = c of exp(alpha_t(s) + beta_t(s) - logp[t, c] - log p).
 */

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * logp: [batch, steps, classes] log-probabilities; targets [batch, maxLabel]. Writes loss[b] (Infinity
 * when no alignment exists) and grad [batch, steps, classes] (zero past outputLengths[b]; NaN for
 * an infinite loss, as there is no gradient).
 */
export function ctcLoss(logp: Float64Array, batch: number, steps: number, classes: number, targets: Int32Array, maxLabel: number,
  targetLengths: Int32Array, outputLengths: Int32Array, blank: number, loss: Float64Array, grad: Float64Array): void {
  grad.fill(0);
  for (let b = 0; b < batch; b++) {
    const len = targetLengths[b], tMax = outputLengths[b];
    const S = 2 * len + 1;
    const ext = new Int32Array(S).fill(blank);
    for (let i = 0; i < len; i++) ext[2 * i + 1] = targets[b * maxLabel + i];
    const lp = (t: number, c: number): number => logp[(b * steps + t) * classes + c];
    const alpha = new Float64Array(tMax * S).fill(-Infinity);
    const beta = new Float64Array(tMax * S).fill(-Infinity);
    if (tMax === 0) {
      loss[b] = len === 0 ? 0 : Infinity;
      continue;
    }
    alpha[0] = lp(0, ext[0]);
    if (S > 1) alpha[1] = lp(0, ext[1]);
    for (let t = 1; t < tMax; t++) {
      for (let s = 0; s < S; s++) {
        let a = alpha[(t - 1) * S + s];
        if (s > 0) a = logAdd(a, alpha[(t - 1) * S + s - 1]);
        if (s > 1 && ext[s] !== blank && ext[s] !== ext[s - 2]) a = logAdd(a, alpha[(t - 1) * S + s - 2]);
        alpha[t * S + s] = a === -Infinity ? a : a + lp(t, ext[s]);
      }
    }
    const last = tMax - 1;
    beta[last * S + S - 1] = lp(last, ext[S - 1]);
    if (S > 1) beta[last * S + S - 2] = lp(last, ext[S - 2]);
    for (let t = last - 1; t >= 0; t--) {
      for (let s = 0; s < S; s++) {
        let v = beta[(t + 1) * S + s];
        if (s < S - 1) v = logAdd(v, beta[(t + 1) * S + s + 1]);
        if (s < S - 2 && ext[s] !== blank && ext[s] !== ext[s + 2]) v = logAdd(v, beta[(t + 1) * S + s + 2]);
        beta[t * S + s] = v === -Infinity ? v : v + lp(t, ext[s]);
      }
    }
    const logLik = S > 1 ? logAdd(alpha[last * S + S - 1], alpha[last * S + S - 2]) : alpha[last * S];
    loss[b] = -logLik;
    const acc = new Float64Array(classes);
    for (let t = 0; t < tMax; t++) {
      acc.fill(-Infinity);
      for (let s = 0; s < S; s++) acc[ext[s]] = logAdd(acc[ext[s]], alpha[t * S + s] + beta[t * S + s]);
      const row = (b * steps + t) * classes;
      for (let c = 0; c < classes; c++) {
        grad[row + c] = logLik === -Infinity ? NaN : acc[c] === -Infinity ? 0 : -Math.exp(acc[c] - lp(t, c) - logLik);
      }
    }
  }
}
