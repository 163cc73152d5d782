/*
 * Complex discrete Fourier transforms of rows, in float64, unnormalized both ways:
 * forward X[k] = sum_j x[j] e^(-2 pi i jk / n), inverse the same with +i. Lengths that are powers
 * of two take the iterative radix-2 transform; any other length goes through Bluestein's chirp-z
 * identity jk = (j^2 + k^2 - (k - j)^2) / 2, a circular convolution done with power-of-two
 * transforms, so every length costs O(n log n).
 */

interface Radix2Plan {
  readonly n: number;
  readonly bitrev: Uint32Array;
  /** cos and sin of -2 pi k / n for k < n / 2 (the forward twiddles). */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

interface BluesteinPlan {
  readonly n: number;
  readonly m: number;
  readonly radix: Radix2Plan;
  /** The chirp w[k] = e^(-i pi k^2 / n), k < n. */
  readonly wRe: Float64Array;
  readonly wIm: Float64Array;
  /** The forward transform of the conjugate chirp laid out circularly over m points. */
  readonly bRe: Float64Array;
  readonly bIm: Float64Array;
}

const radixPlans = new Map<number, Radix2Plan>();
const bluesteinPlans = new Map<number, BluesteinPlan>();

function radix2Plan(n: number): Radix2Plan {
  let plan = radixPlans.get(n);
  if (plan !== undefined) return plan;
  const bits = Math.round(Math.log2(n));
  const bitrev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    bitrev[i] = r;
  }
  const half = n >> 1;
  const cos = new Float64Array(half), sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (-2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  plan = { n, bitrev, cos, sin };
  radixPlans.set(n, plan);
  return plan;
}

/** In-place radix-2 transform of one row (re, im of length plan.n). */
function radix2(plan: Radix2Plan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const { n, bitrev, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = bitrev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const sign = inverse ? -1 : 1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1, step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step], wi = sign * sin[k * step];
        const a = start + k, b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr; im[b] = im[a] - ti;
        re[a] += tr; im[a] += ti;
      }
    }
  }
}

function bluesteinPlan(n: number): BluesteinPlan {
  let plan = bluesteinPlans.get(n);
  if (plan !== undefined) return plan;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const radix = radix2Plan(m);
  const wRe = new Float64Array(n), wIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle small, so it stays exact for long rows.
    const a = (-Math.PI * ((k * k) % (2 * n))) / n;
    wRe[k] = Math.cos(a);
    wIm[k] = Math.sin(a);
  }
  const bRe = new Float64Array(m), bIm = new Float64Array(m);
  bRe[0] = wRe[0]; bIm[0] = -wIm[0];
  for (let k = 1; k < n; k++) {
    bRe[k] = bRe[m - k] = wRe[k];
    bIm[k] = bIm[m - k] = -wIm[k];
  }
  radix2(radix, bRe, bIm, false);
  plan = { n, m, radix, wRe, wIm, bRe, bIm };
  bluesteinPlans.set(n, plan);
  return plan;
}

/** One row of any length through Bluestein; the inverse is the conjugate of the forward of the conjugate. */
function bluestein(plan: BluesteinPlan, re: Float64Array, im: Float64Array, inverse: boolean,
  aRe: Float64Array, aIm: Float64Array): void {
  const { n, m, radix, wRe, wIm, bRe, bIm } = plan;
  const s = inverse ? -1 : 1;
  aRe.fill(0);
  aIm.fill(0);
  for (let k = 0; k < n; k++) {
    const xr = re[k], xi = s * im[k];
    aRe[k] = xr * wRe[k] - xi * wIm[k];
    aIm[k] = xr * wIm[k] + xi * wRe[k];
  }
  radix2(radix, aRe, aIm, false);
  for (let k = 0; k < m; k++) {
    const r = aRe[k] * bRe[k] - aIm[k] * bIm[k];
    aIm[k] = aRe[k] * bIm[k] + aIm[k] * bRe[k];
    aRe[k] = r;
  }
  radix2(radix, aRe, aIm, true);
  for (let k = 0; k < n; k++) {
    const cr = aRe[k] / m, ci = aIm[k] / m;
    re[k] = cr * wRe[k] - ci * wIm[k];
    im[k] = s * (cr * wIm[k] + ci * wRe[k]);
  }
}

/**
 * `batch` rows of length n, read from (re, im) and written to (outRe, outIm), which may be the same
 * arrays; unnormalized forward (e^-i) or inverse (e^+i) transform.
 */
export function fft(re: Float64Array, im: Float64Array, batch: number, n: number, inverse: boolean,
  outRe: Float64Array, outIm: Float64Array): void {
  if (outRe !== re) outRe.set(re.subarray(0, batch * n));
  if (outIm !== im) outIm.set(im.subarray(0, batch * n));
  if (n <= 1) return;
  const pow2 = (n & (n - 1)) === 0;
  const plan = pow2 ? null : bluesteinPlan(n);
  const radix = pow2 ? radix2Plan(n) : null;
  const aRe = plan ? new Float64Array(plan.m) : null, aIm = plan ? new Float64Array(plan.m) : null;
  for (let b = 0; b < batch; b++) {
    const r = outRe.subarray(b * n, (b + 1) * n), i = outIm.subarray(b * n, (b + 1) * n);
    if (radix !== null) radix2(radix, r, i, inverse);
    else bluestein(plan!, r, i, inverse, aRe!, aIm!);
  }
}
