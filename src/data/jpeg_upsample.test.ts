import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fancyUpsampleChroma } from "./jpeg_upsample.js";
import { loadImage } from "./image.js";

/** Interleaved Y, Cb, Cr of a w x h image whose Cb and Cr repeat `plane` (pw wide) by nearest neighbour, as jpeg-js returns it. */
function nearest(plane: number[], pw: number, w: number, h: number, rx: number, ry: number): Uint8Array {
  const ycc = new Uint8Array(3 * w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const s = plane[Math.floor(y / ry) * pw + Math.floor(x / rx)];
    ycc.set([7, s, 255 - s], 3 * (y * w + x));
  }
  return ycc;
}
const channel = (ycc: Uint8Array, c: number): number[] => Array.from(ycc.filter((_, i) => i % 3 === c));

test("4:2:2 (h2v1): each output 3/4 nearest + 1/4 next sample, rounding biases 1 and 2, edges repeat (worked by hand)", () => {
  // Row [10, 50, 90]: 10, (30+50+2)>>2 = 20, (150+10+1)>>2 = 40, (150+90+2)>>2 = 60, (270+50+1)>>2 = 80, 90.
  const ycc = nearest([10, 50, 90], 3, 6, 1, 2, 1);
  fancyUpsampleChroma(ycc, 6, 1, [{ h: 2, v: 1 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.deepEqual(channel(ycc, 1), [10, 20, 40, 60, 80, 90]);
  assert.deepEqual(channel(ycc, 2), [245, 235, 215, 195, 175, 165]);
  assert.deepEqual(channel(ycc, 0), [7, 7, 7, 7, 7, 7]);
});

test("4:2:0 (h2v2): 3:1 column sums then 3:1 across, (.. + 8) >> 4 and (.. + 7) >> 4, on a 5 x 3 image (worked by hand)", () => {
  // Plane [[0, 40, 80], [80, 120, 160]] widened to 6 x 4 by hand with jdsample.c's formulas; the
  // image is 5 x 3, so the last column and row of that are cut off.
  const full = [
    [0, 10, 30, 50, 70, 80],
    [20, 30, 50, 70, 90, 100],
    [60, 70, 90, 110, 130, 140],
  ];
  const ycc = nearest([0, 40, 80, 80, 120, 160], 3, 5, 3, 2, 2);
  fancyUpsampleChroma(ycc, 5, 3, [{ h: 2, v: 2 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.deepEqual(channel(ycc, 1), full.flatMap((row) => row.slice(0, 5)));
  // On a 6 x 4 image the bottom row group is whole: [80, 90, 110, 130, 150, 160] last.
  const ycc4 = nearest([0, 40, 80, 80, 120, 160], 3, 6, 4, 2, 2);
  fancyUpsampleChroma(ycc4, 6, 4, [{ h: 2, v: 2 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.deepEqual(channel(ycc4, 1).slice(18), [80, 90, 110, 130, 150, 160]);
});

test("4:4:0 (h1v2): vertical 3:1 with biases 1 and 2; 2-sample-wide planes of 4:2:x stay replicated", () => {
  // Columns [0, 80] and [40, 120]: rows 0, (0+80+2)>>2 = 20 | (120+120+2)>>2 = 60, then 60 | 100, then 80 | 120.
  const ycc = nearest([0, 40, 80, 120], 2, 2, 4, 1, 2);
  fancyUpsampleChroma(ycc, 2, 4, [{ h: 1, v: 2 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.deepEqual(channel(ycc, 1), [0, 40, 20, 60, 60, 100, 80, 120]);
  // libjpeg-turbo's h2v1/h2v2 fancy filters need downsampled_width > 2.
  const narrow = nearest([10, 90], 2, 4, 1, 2, 1);
  fancyUpsampleChroma(narrow, 4, 1, [{ h: 2, v: 1 }, { h: 1, v: 1 }, { h: 1, v: 1 }]);
  assert.deepEqual(channel(narrow, 1), [10, 10, 90, 90]);
});

test("subsampled JPEGs decode as PIL (libjpeg-turbo) decodes them: within 3 levels, mean under 0.3", () => {
  // Fixtures from test/fixtures/data/make_jpeg_fixtures.py; with jpeg-js' nearest chroma these were
  // up to 30 levels off at the petals' edges (mean about 1).
  for (const name of ["420", "422"]) {
    const dir = new URL("../../test/fixtures/data/", import.meta.url);
    const ref = readFileSync(new URL(`flower_crop_${name}.rgb`, dir));
    const img = loadImage(readFileSync(new URL(`flower_crop_${name}.jpg`, dir)));
    assert.deepEqual(img.shape, [27, 41, 3]);
    const d = img.dataSync() as Uint8Array;
    let max = 0, sum = 0;
    for (let i = 0; i < ref.length; i++) { const e = Math.abs(d[i] - ref[i]); max = Math.max(max, e); sum += e; }
    assert.ok(max <= 3 && sum / ref.length < 0.3, `${name}: max ${max}, mean ${sum / ref.length}`);
  }
});
