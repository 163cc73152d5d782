import { test } from "node:test";
import assert from "node:assert/strict";
import { plainYccSampling, yccToRgba } from "./jpeg_color.js";
import { loadSampleImage } from "./image.js";

test("YCbCr to RGB with libjpeg's fixed-point rounding, worked by hand", () => {
  // Y 100, Cb 200, Cr 50 (cb = 72, cr = -78), FIX(x) = floor(x * 65536 + 0.5):
  // R = 100 + ((91881 * -78 + 32768) >> 16) = 100 + floor(-108.85) = -9 -> 0
  // G = 100 + ((-22554 * 72 - 46802 * -78 + 32768) >> 16) = 100 + floor(31.4) = 131
  // B = 100 + ((116130 * 72 + 32768) >> 16) = 100 + floor(128.08) = 228
  // Y 128, Cb 128, Cr 128 is gray 128; Y 76, Cb 85, Cr 255 (red-ish): R = 76 + floor(178.55) = 254,
  // G = 76 + floor((-22554 * -43 - 46802 * 127 + 32768) / 65536) = 76 + floor(-75.40) -> 0, B = 76 + floor(-75.70) -> 0.
  const rgba = yccToRgba(Uint8Array.from([100, 200, 50, 128, 128, 128, 76, 85, 255]), 3);
  assert.deepEqual(Array.from(rgba), [0, 131, 228, 255, 128, 128, 128, 255, 254, 0, 0, 255]);
});

test("plainYccSampling: the factors of a three-component frame without an Adobe marker; null for grayscale or Adobe-marked files", () => {
  const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  // Component i has id i + 1, sampling byte 0x22 for luma and 0x11 for chroma, table 0.
  const sof = (nf: number): number[] => segment(0xc0, [8, 0, 1, 0, 1, nf, ...Array.from({ length: nf }, (_, i) => [i + 1, i === 0 ? 0x22 : 0x11, 0]).flat()]);
  const jpegOf = (...segments: number[][]): Uint8Array => Uint8Array.from([0xff, 0xd8, ...segments.flat(), 0xff, 0xda, 0, 2]);
  const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0]);
  assert.deepEqual(plainYccSampling(jpegOf(jfif, sof(3))), [{ h: 2, v: 2 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.equal(plainYccSampling(jpegOf(jfif, sof(1))), null);
  assert.equal(plainYccSampling(jpegOf(segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 1]), sof(3))), null);
});

test("the sample images decode without jpeg-js' truncation bias: per-channel means within 0.2 of PIL's", () => {
  // PIL 9.4 (libjpeg), np.asarray(Image.open(f).convert("RGB")).reshape(-1, 3).sum(0), and two pixels.
  const pil: Record<"flower.jpg" | "china.jpg", { sums: number[]; p00: number[]; p200_300: number[] }> = {
    "flower.jpg": { sums: [15067061, 20107708, 15577018], p00: [2, 19, 13], p200_300: [104, 0, 13] },
    "china.jpg": { sums: [39548995, 39753680, 38510237], p00: [174, 201, 231], p200_300: [44, 24, 23] },
  };
  for (const [name, ref] of Object.entries(pil) as [keyof typeof pil, (typeof pil)[keyof typeof pil]][]) {
    const img = loadSampleImage(name);
    const d = img.dataSync() as Uint8Array;
    const n = d.length / 3;
    const sums = [0, 0, 0];
    for (let i = 0; i < d.length; i++) sums[i % 3] += d[i];
    // jpeg-js' own conversion, which truncates, left these means 0.32 to 0.50 below PIL's.
    sums.forEach((s, c) => assert.ok(Math.abs(s - ref.sums[c]) / n < 0.2, `${name} channel ${c}: mean off by ${(s - ref.sums[c]) / n}`));
    assert.deepEqual(Array.from(d.subarray(0, 3)), ref.p00);
    const at = (200 * 640 + 300) * 3;
    assert.deepEqual(Array.from(d.subarray(at, at + 3)), ref.p200_300);
  }
});
