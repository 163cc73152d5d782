/**
 * Pillow's Image.resize on 8-bit pixels, which keras.utils.load_img(target_size, interpolation)
 * calls: the same filters, supports, fixed-point coefficients and two passes (horizontal first,
 * rounded to 8 bits in between), so a resized image equals the one Keras gives pixel for pixel.
 */

export type ResampleFilter = "nearest" | "bilinear" | "bicubic" | "hamming" | "box" | "lanczos";

export const RESAMPLE_FILTERS: readonly ResampleFilter[] = ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"];

interface Kernel { support: number; weight: (x: number) => number }

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

const KERNELS: Record<Exclude<ResampleFilter, "nearest">, Kernel> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  hamming: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const p = a * Math.PI;
      return (Math.sin(p) / p) * (0.54 + 0.46 * Math.cos(p));
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5, t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Pillow's PRECISION_BITS for 8-bit images: coefficients are integers scaled by 2^22. */
const PRECISION_BITS = 22;

interface Coefficients { ksize: number; bounds: Int32Array; weights: Int32Array }

/** For each output position: the first source index, how many are used, and their fixed-point weights. */
function coefficients(inSize: number, outSize: number, kernel: Kernel): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let i = 0; i < count; i++) {
      k[i] = kernel.weight((i + xmin - center + 0.5) / filterScale);
      total += k[i];
    }
    for (let i = 0; i < count; i++) {
      const w = total !== 0 ? k[i] / total : k[i];
      weights[o * ksize + i] = Math.trunc(w < 0 ? -0.5 + w * 2 ** PRECISION_BITS : 0.5 + w * 2 ** PRECISION_BITS);
    }
    bounds[2 * o] = xmin;
    bounds[2 * o + 1] = count;
  }
  return { ksize, bounds, weights };
}

const clip8 = (acc: number): number => {
  const v = Math.floor(acc / 2 ** PRECISION_BITS);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/**
 * One separable pass along rows (axis 1 of [h, w, c]) or columns (axis 0). `stride`/`step` walk
 * the resampled axis; the sums are exact in float64 (at most 2^8 * 2^22 * a few terms).
 */
function resamplePass(src: Uint8Array, h: number, w: number, c: number, axis: 0 | 1, outSize: number, co: Coefficients, firstRow: number, rows: number): Uint8Array {
  const outH = axis === 0 ? outSize : rows, outW = axis === 1 ? outSize : w;
  const out = new Uint8Array(outH * outW * c);
  const half = 2 ** (PRECISION_BITS - 1);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = axis === 1 ? x : y;
      const start = co.bounds[2 * o], count = co.bounds[2 * o + 1], kOff = o * co.ksize;
      for (let ch = 0; ch < c; ch++) {
        let acc = half;
        for (let i = 0; i < count; i++) {
          const sy = axis === 0 ? start + i : y + firstRow, sx = axis === 1 ? start + i : x;
          acc += src[(sy * w + sx) * c + ch] * co.weights[kOff + i];
        }
        out[(y * outW + x) * c + ch] = clip8(acc);
      }
    }
  }
  return out;
}

/** Pillow's NEAREST: the source pixel under each output pixel's center, floor((o + 0.5) * scale). */
function nearest(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  const out = new Uint8Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(Math.floor((y + 0.5) * (h / outH)), h - 1);
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(Math.floor((x + 0.5) * (w / outW)), w - 1);
      for (let ch = 0; ch < c; ch++) out[(y * outW + x) * c + ch] = src[(sy * w + sx) * c + ch];
    }
  }
  return out;
}

/** Resizes interleaved 8-bit pixels [h, w, c] to [outH, outW, c] as Pillow 9 does. */
export function resampleUint8(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number, filter: ResampleFilter): Uint8Array {
  if (filter === "nearest") return nearest(src, h, w, c, outH, outW);
  const kernel = KERNELS[filter];
  const needH = outW !== w, needV = outH !== h;
  if (!needH && !needV) return src.slice();
  const vert = coefficients(h, outH, kernel);
  let pixels = src, rows = h;
  if (needH) {
    // Only the source rows the vertical pass will read, as Pillow does.
    const first = vert.bounds[0];
    const last = vert.bounds[2 * outH - 2] + vert.bounds[2 * outH - 1];
    rows = needV ? last - first : h;
    const firstRow = needV ? first : 0;
    pixels = resamplePass(src, h, w, c, 1, outW, coefficients(w, outW, kernel), firstRow, rows);
    if (needV) for (let o = 0; o < outH; o++) vert.bounds[2 * o] -= first;
  }
  if (!needV) return pixels;
  return resamplePass(pixels, rows, outW, c, 0, outH, vert, 0, outH);
}
