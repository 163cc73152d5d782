/**
 * JPEG colour conversion as libjpeg does it (and so PIL, scikit-learn's load_sample_image and
 * TensorFlow's decode_jpeg): YCbCr to RGB in 16-bit fixed point with rounding. jpeg-js converts in
 * floating point and truncates when storing the bytes, leaving its pixels about half a level darker.
 */

import type { ComponentSampling } from "./jpeg_upsample.js";

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.floor(x * (1 << SCALEBITS) + 0.5);
const CR_R = fix(1.402), CB_B = fix(1.772), CR_G = fix(0.71414), CB_G = fix(0.34414);

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** libjpeg's jdcolor.c ycc_rgb_convert: interleaved Y, Cb, Cr bytes of n pixels to RGBA (alpha 255). */
export function yccToRgba(ycc: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(4 * n);
  for (let i = 0, j = 0, k = 0; i < n; i++, j += 3, k += 4) {
    const y = ycc[j], cb = ycc[j + 1] - 128, cr = ycc[j + 2] - 128;
    out[k] = clamp8(y + ((CR_R * cr + ONE_HALF) >> SCALEBITS));
    out[k + 1] = clamp8(y + ((-CB_G * cb - CR_G * cr + ONE_HALF) >> SCALEBITS));
    out[k + 2] = clamp8(y + ((CB_B * cb + ONE_HALF) >> SCALEBITS));
    out[k + 3] = 255;
  }
  return out;
}

/**
 * The sampling factors of a JPEG's three components when they are YCbCr that the decoder would
 * convert by default: a frame of three components and no Adobe APP14 marker (whose transform flag
 * jpeg-js obeys on its own, and which marks RGB or YCCK files); null otherwise. Reads the markers up
 * to the first scan.
 */
export function plainYccSampling(bytes: Uint8Array): ComponentSampling[] | null {
  let sampling: ComponentSampling[] | null = null;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1];
    if (marker === 0xff) { p++; continue; }
    if (marker === 0xda || marker === 0xd9) break;
    const length = (bytes[p + 2] << 8) | bytes[p + 3];
    if (marker === 0xee && String.fromCharCode(...bytes.subarray(p + 4, p + 9)) === "Adobe") return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && p + 9 < bytes.length) {
      const n = bytes[p + 9];
      sampling = [];
      for (let i = 0; i < n && p + 11 + 3 * i < bytes.length; i++) {
        const hv = bytes[p + 11 + 3 * i];
        sampling.push({ h: hv >> 4, v: hv & 15 });
      }
    }
    p += 2 + length;
  }
  return sampling?.length === 3 ? sampling : null;
}
