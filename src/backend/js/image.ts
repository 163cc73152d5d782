import type { NumericArray } from "../../tensor/dtype.js";
import type { ImageTransformInfo } from "../backend.js";

/**
 * The input index that integer sample position i (along an axis of n pixels) reads under a fill
 * mode, or -1 for "constant" outside the image. "reflect" is half-sample symmetric
 * (d c b a | a b c d | d c b a), "wrap" periodic (a b c d | a b c d), "nearest" repeats the edge.
 */
function mapIndex(i: number, n: number, mode: ImageTransformInfo["fillMode"]): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "wrap": {
      const m = i % n;
      return m < 0 ? m + n : m;
    }
    case "reflect": {
      const p = 2 * n;
      let m = i % p;
      if (m < 0) m += p;
      return m < n ? m : p - 1 - m;
    }
  }
}

/**
 * Visits every output sample: `visit(outBase, k, inBase_k, weight_k)` for each input pixel that
 * contributes (up to 4 for bilinear, 1 for nearest), and `fill(outBase, weight)` for the share read
 * from outside the image in "constant" mode (or the whole sample when the projection is 0 or the
 * coordinates are not finite). Bases are offsets of the pixel's first channel.
 */
function forEachSample(
  transforms: Float64Array, info: ImageTransformInfo,
  visit: (outBase: number, inBase: number, w: number) => void,
  fill: (outBase: number, w: number) => void,
): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW, perImage, interpolation, fillMode } = info;
  // Sample positions stay doubles: an Int32Array would wrap a far-away coordinate (2^32 + 1) back into the image.
  const xs = new Float64Array(2), ys = new Float64Array(2), wx = new Float64Array(2), wy = new Float64Array(2);
  for (let b = 0; b < batch; b++) {
    const t = perImage ? b * 8 : 0;
    const a0 = transforms[t], a1 = transforms[t + 1], a2 = transforms[t + 2];
    const b0 = transforms[t + 3], b1 = transforms[t + 4], b2 = transforms[t + 5];
    const c0 = transforms[t + 6], c1 = transforms[t + 7];
    const imageBase = b * H * W * C;
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        const outBase = ((b * OH + y) * OW + x) * C;
        const k = c0 * x + c1 * y + 1;
        const sx = (a0 * x + a1 * y + a2) / k, sy = (b0 * x + b1 * y + b2) / k;
        if (k === 0 || !Number.isFinite(sx) || !Number.isFinite(sy)) {
          fill(outBase, 1);
          continue;
        }
        let nx: number, ny: number;
        if (interpolation === "nearest") {
          xs[0] = Math.floor(sx + 0.5); ys[0] = Math.floor(sy + 0.5);
          wx[0] = 1; wy[0] = 1; nx = 1; ny = 1;
        } else {
          const fx = Math.floor(sx), fy = Math.floor(sy);
          xs[0] = fx; xs[1] = fx + 1; wx[1] = sx - fx; wx[0] = 1 - wx[1];
          ys[0] = fy; ys[1] = fy + 1; wy[1] = sy - fy; wy[0] = 1 - wy[1];
          nx = wx[1] === 0 ? 1 : 2; ny = wy[1] === 0 ? 1 : 2;
        }
        for (let j = 0; j < ny; j++) {
          const iy = mapIndex(ys[j], H, fillMode);
          for (let i = 0; i < nx; i++) {
            const w = wy[j] * wx[i];
            const ix = mapIndex(xs[i], W, fillMode);
            if (iy < 0 || ix < 0) fill(outBase, w);
            else visit(outBase, imageBase + (iy * W + ix) * C, w);
          }
        }
      }
    }
  }
}

/** tf.image.transform's kernel: each output sample interpolates the input pixels its transform points at. */
export function imageTransform(x: NumericArray, transforms: Float64Array, out: NumericArray, info: ImageTransformInfo): void {
  const C = info.channels, fv = info.fillValue;
  const acc = new Float64Array(out.length);
  forEachSample(
    transforms, info,
    (o, i, w) => { for (let c = 0; c < C; c++) acc[o + c] += w * x[i + c]; },
    (o, w) => { for (let c = 0; c < C; c++) acc[o + c] += w * fv; },
  );
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

/** dx = the transpose of imageTransform applied to dy (fill-value samples contribute nothing). */
export function imageTransformGrad(dy: NumericArray, transforms: Float64Array, dx: NumericArray, info: ImageTransformInfo): void {
  const C = info.channels;
  const acc = new Float64Array(dx.length);
  forEachSample(
    transforms, info,
    (o, i, w) => { for (let c = 0; c < C; c++) acc[i + c] += w * dy[o + c]; },
    () => undefined,
  );
  for (let i = 0; i < dx.length; i++) dx[i] = acc[i];
}
