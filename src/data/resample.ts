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
function coefficients(inSize: number, in0: number, in1: number, outSize: number, kernel: Kernel): Coefficients {
  const scale = (in1 - in0) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let o = 0; o < outSize; o++) {
    const center = in0 + (o + 0.5) * scale;
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

/**
 * Source indices of Pillow's NEAREST (ImagingScaleAffine): the position of each output pixel's
 * center, accumulated step by step in float64 as Pillow does (a product would round differently
 * at exact boundaries), truncated; -1 where it falls outside the image.
 */
function nearestIndex(start: number, end: number, outSize: number, inSize: number): Int32Array {
  const step = (end - start) / outSize;
  const idx = new Int32Array(outSize);
  let pos = start + step * 0.5;
  for (let o = 0; o < outSize; o++) {
    const i = pos < 0 ? -1 : Math.trunc(pos);
    idx[o] = i < inSize ? i : -1;
    pos += step;
  }
  return idx;
}

/** Pillow's NEAREST: the source pixel under each output pixel's center (zero outside the image). */
function nearest(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number, box: Box): Uint8Array {
  const out = new Uint8Array(outH * outW * c);
  const [x0, y0, x1, y1] = box;
  const xs = nearestIndex(x0, x1, outW, w), ys = nearestIndex(y0, y1, outH, h);
  for (let y = 0; y < outH; y++) {
    if (ys[y] < 0) continue;
    for (let x = 0; x < outW; x++) {
      if (xs[x] < 0) continue;
      for (let ch = 0; ch < c; ch++) out[(y * outW + x) * c + ch] = src[(ys[y] * w + xs[x]) * c + ch];
    }
  }
  return out;
}

/** A source region [left, top, right, bottom] in pixels, as Pillow's resize(box=...). */
export type Box = readonly [number, number, number, number];

/**
 * Resizes interleaved 8-bit pixels [h, w, c] (the region `box` of them, the whole image by default)
 * to [outH, outW, c] as Pillow 9 does; filters near the box's edges read the pixels beyond it.
 */
export function resampleUint8(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number, filter: ResampleFilter, box: Box = [0, 0, w, h]): Uint8Array {
  if (filter === "nearest") return nearest(src, h, w, c, outH, outW, box);
  const kernel = KERNELS[filter];
  const [x0, y0, x1, y1] = box;
  const needH = outW !== w || x0 !== 0 || x1 !== outW, needV = outH !== h || y0 !== 0 || y1 !== outH;
  if (!needH && !needV) return src.slice();
  const vert = coefficients(h, y0, y1, outH, kernel);
  let pixels = src, rows = h;
  if (needH) {
    // Only the source rows the vertical pass will read, as Pillow does.
    const first = vert.bounds[0];
    const last = vert.bounds[2 * outH - 2] + vert.bounds[2 * outH - 1];
    rows = needV ? last - first : h;
    const firstRow = needV ? first : 0;
    pixels = resamplePass(src, h, w, c, 1, outW, coefficients(w, x0, x1, outW, kernel), firstRow, rows);
    if (needV) for (let o = 0; o < outH; o++) vert.bounds[2 * o] -= first;
  }
  if (!needV) return pixels;
  return resamplePass(pixels, rows, outW, c, 0, outH, vert, 0, outH);
}
