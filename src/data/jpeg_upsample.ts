/**
 * libjpeg-turbo's "fancy" chroma upsampling (jdsample.c), which PIL and TensorFlow's decode_jpeg use
 * by default: subsampled Cb/Cr planes are widened by a triangle filter, each output sample 3/4 from
 * its nearest input sample and 1/4 from the next nearest. jpeg-js repeats the nearest sample instead,
 * which put 4:2:0 photos up to 30 levels (0.8 on average) away from PIL's pixels at colour edges.
 */

/** A frame component's sampling factors, as the SOF marker gives them. */
export interface ComponentSampling {
  h: number;
  v: number;
}

/**
 * Widens the Cb and Cr planes of `ycc` (interleaved Y, Cb, Cr bytes of a width x height image, as
 * jpeg-js returns them with nearest-neighbour chroma) in place, for the subsamplings libjpeg-turbo
 * filters: 2x1 (4:2:2), 2x2 (4:2:0) and 1x2 (4:4:0). Other ratios stay nearest-neighbour, as libjpeg's
 * int_upsample does too.
 */
export function fancyUpsampleChroma(ycc: Uint8Array, width: number, height: number, sampling: readonly ComponentSampling[]): void {
  if (sampling.length !== 3) return;
  const maxH = Math.max(...sampling.map((s) => s.h)), maxV = Math.max(...sampling.map((s) => s.v));
  for (const c of [1, 2]) {
    const { h, v } = sampling[c];
    const rx = maxH / h, ry = maxV / v;
    if (!((rx === 2 && (ry === 1 || ry === 2)) || (rx === 1 && ry === 2))) continue;
    // libjpeg's downsampled_width/height: ceil(size * factor / max factor).
    const cw = Math.ceil((width * h) / maxH), ch = Math.ceil((height * v) / maxV);
    // libjpeg-turbo keeps plain replication for the horizontal filters on planes 2 samples wide or less.
    if (rx === 2 && cw <= 2) continue;
    // jpeg-js samples chroma at floor(x / rx), so output pixel (rx * i, ry * j) holds sample (i, j).
    const plane = new Uint8Array(cw * ch);
    for (let j = 0; j < ch; j++) for (let i = 0; i < cw; i++) plane[j * cw + i] = ycc[3 * ((ry * j) * width + rx * i) + c];
    const up = rx === 2 && ry === 2 ? h2v2(plane, cw, ch) : rx === 2 ? h2v1(plane, cw, ch) : h1v2(plane, cw, ch);
    const uw = cw * rx;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ycc[3 * (y * width + x) + c] = up[y * uw + x];
  }
}

/** jdsample.c h2v1_fancy_upsample: each row doubled in width; the edge columns repeat their sample. */
function h2v1(p: Uint8Array, w: number, rows: number): Uint8Array {
  const out = new Uint8Array(2 * w * rows);
  for (let r = 0; r < rows; r++) {
    const i0 = r * w, o = 2 * r * w;
    for (let i = 0; i < w; i++) {
      const here = 3 * p[i0 + i];
      const left = p[i0 + Math.max(i - 1, 0)], right = p[i0 + Math.min(i + 1, w - 1)];
      out[o + 2 * i] = i === 0 ? p[i0] : (here + left + 1) >> 2;
      out[o + 2 * i + 1] = i === w - 1 ? p[i0 + i] : (here + right + 2) >> 2;
    }
  }
  return out;
}

/** jdsample.c h1v2_fancy_upsample (libjpeg-turbo): each column doubled in height. */
function h1v2(p: Uint8Array, w: number, rows: number): Uint8Array {
  const out = new Uint8Array(2 * w * rows);
  for (let r = 0; r < rows; r++) {
    // Rows above the first and below the last repeat the edge row, as libjpeg's context rows do.
    const above = Math.max(r - 1, 0) * w, here = r * w, below = Math.min(r + 1, rows - 1) * w;
    for (let i = 0; i < w; i++) {
      out[2 * r * w + i] = (3 * p[here + i] + p[above + i] + 1) >> 2;
      out[(2 * r + 1) * w + i] = (3 * p[here + i] + p[below + i] + 2) >> 2;
    }
  }
  return out;
}

/** jdsample.c h2v2_fancy_upsample: vertical 3:1 column sums, then horizontal 3:1, rounding biases 8 and 7. */
function h2v2(p: Uint8Array, w: number, rows: number): Uint8Array {
  const ow = 2 * w;
  const out = new Uint8Array(ow * 2 * rows);
  const sums = new Int32Array(w);
  for (let r = 0; r < rows; r++) {
    for (const half of [0, 1]) {
      const near = r * w, far = (half === 0 ? Math.max(r - 1, 0) : Math.min(r + 1, rows - 1)) * w;
      for (let i = 0; i < w; i++) sums[i] = 3 * p[near + i] + p[far + i];
      const o = (2 * r + half) * ow;
      for (let i = 0; i < w; i++) {
        out[o + 2 * i] = i === 0 ? (4 * sums[0] + 8) >> 4 : (3 * sums[i] + sums[i - 1] + 8) >> 4;
        out[o + 2 * i + 1] = i === w - 1 ? (4 * sums[i] + 7) >> 4 : (3 * sums[i] + sums[i + 1] + 7) >> 4;
      }
    }
  }
  return out;
}
