/**
 * Sample images for the dashboard page: each image of a batch becomes a small PNG data URL. The
 * browser enlarges them with `image-rendering: pixelated`, so 28×28 digits stay sharp.
 */
import { PNG } from "pngjs";
import type { Tensor } from "../tensor/tensor.js";

/** [h, w, channels] of an image batch ([n, h, w], [n, h, w, 1|3|4]), or null when it holds no images. */
export function imageLayout(shape: readonly number[]): { h: number; w: number; c: number } | null {
  if (shape.length === 3 && shape[1] >= 2 && shape[2] >= 2) return { h: shape[1], w: shape[2], c: 1 };
  if (shape.length === 4 && shape[1] >= 2 && shape[2] >= 2 && [1, 3, 4].includes(shape[3])) return { h: shape[1], w: shape[2], c: shape[3] };
  return null;
}

/**
 * The first `count` images of `images` as PNG data URLs, or null when the tensor does not hold
 * images. uint8 pixels are drawn as they are; other dtypes are stretched from each image's
 * minimum to its maximum (standardized inputs have no fixed range).
 */
export function imageDataUrls(images: Tensor, count: number): string[] | null {
  const layout = imageLayout(images.shape);
  if (layout === null) return null;
  const { h, w, c } = layout;
  const n = Math.min(count, images.shape[0]);
  const size = h * w * c;
  const all = images.dataSync();
  const values = all instanceof BigInt64Array ? Float64Array.from(all, Number) : all;
  const raw = images.dtype === "uint8";
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const src = values.subarray(i * size, (i + 1) * size);
    let lo = 0, hi = 255;
    if (!raw) {
      lo = Infinity;
      hi = -Infinity;
      for (let k = 0; k < size; k++) {
        const v = Number(src[k]);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (!(hi > lo)) hi = lo + 1;
    }
    const png = new PNG({ width: w, height: h });
    for (let p = 0; p < h * w; p++) {
      const px = (k: number): number => Math.round(Math.min(255, Math.max(0, ((Number(src[p * c + k]) - lo) / (hi - lo)) * 255)));
      const gray = c === 1 ? px(0) : 0;
      png.data[4 * p] = c === 1 ? gray : px(0);
      png.data[4 * p + 1] = c === 1 ? gray : px(1);
      png.data[4 * p + 2] = c === 1 ? gray : px(2);
      png.data[4 * p + 3] = c === 4 ? px(3) : 255;
    }
    urls.push(`data:image/png;base64,${PNG.sync.write(png).toString("base64")}`);
  }
  return urls;
}
