import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadImage, saveImage, loadSampleImage } from "./image.js";
import { makeTensor } from "../tensor/tensor.js";

interface SampleFixture { shape: number[]; dtype: string; mean: number[]; pixels: [number, number, number[]][] }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/data/sklearn.json", import.meta.url), "utf8")) as { sample_images: Record<string, SampleFixture> };

test("loadSampleImage gives scikit-learn's uint8 [427, 640, 3] images (within jpeg decoders' few levels)", () => {
  for (const name of ["china.jpg", "flower.jpg"] as const) {
    const ref = fx.sample_images[name];
    const img = loadSampleImage(name);
    assert.deepEqual(img.shape, ref.shape);
    assert.equal(img.dtype, ref.dtype);
    const d = img.dataSync() as Uint8Array;
    const mean = [0, 0, 0];
    for (let i = 0; i < d.length; i++) mean[i % 3] += d[i];
    mean.forEach((m, k) => assert.ok(Math.abs(m / (d.length / 3) - ref.mean[k]) < 0.6, `${name} channel ${k} mean ${m / (d.length / 3)} vs PIL ${ref.mean[k]}`));
    for (const [r, c, rgb] of ref.pixels) {
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(d[(r * 640 + c) * 3 + k] - rgb[k]) <= 4, `${name} pixel (${r}, ${c}) channel ${k}`);
    }
  }
  assert.throws(() => loadSampleImage("dog.jpg" as "china.jpg"), /datasets.loadSampleImage: unknown image "dog.jpg"; the sample images are "china.jpg" and "flower.jpg"/);
});

test("saveImage writes through a temporary file: a folder as the target is named with the fix, and nothing is left behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-image-"));
  try {
    const rgb = makeTensor(Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 14), [2, 3, 3], "uint8");
    mkdirSync(join(dir, "plots.png"));
    assert.throws(() => saveImage(rgb, join(dir, "plots.png")), /^Error: saveImage: .*plots\.png: could not be written \(.*EISDIR.*\): it is a folder; name a file inside it; any previous file is unchanged$/);
    // A file in the way of the folder the target needs.
    writeFileSync(join(dir, "notafolder"), "x");
    assert.throws(() => saveImage(rgb, join(dir, "notafolder", "a.png")), /^Error: saveImage: .*notafolder\/a\.png: cannot create its directory .*notafolder/);
    saveImage(rgb, join(dir, "new", "a.png")); // a missing folder is made
    assert.deepEqual(loadImage(join(dir, "new", "a.png")).arraySync(), rgb.arraySync());
    assert.deepEqual(readdirSync(dir).sort(), ["new", "notafolder", "plots.png"]);
    assert.deepEqual(readdirSync(join(dir, "new")), ["a.png"]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("saveImage then loadImage round-trips PNG exactly (RGB, grayscale, float in [0, 1])", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-image-"));
  try {
    const rgb = makeTensor(Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 14), [2, 3, 3], "uint8");
    saveImage(rgb, join(dir, "a.png"));
    assert.deepEqual(loadImage(join(dir, "a.png")).arraySync(), rgb.arraySync());
    assert.deepEqual(loadImage(join(dir, "a.png"), { colorMode: "rgba" }).shape, [2, 3, 4]);
    // PIL's luma: (R*19595 + G*38470 + B*7471 + 32768) >> 16; pixel 1 is (42, 56, 70) -> 53, as PIL 9.4 gives
    assert.equal(loadImage(join(dir, "a.png"), { colorMode: "grayscale" }).dataSync()[1], 53);
    const gray = makeTensor(Float32Array.from([0, 0.5, 1, 2]), [2, 2], "float32");
    saveImage(gray, join(dir, "g.png"));
    assert.deepEqual(loadImage(join(dir, "g.png"), { colorMode: "grayscale" }).arraySync(), [[[0], [128]], [[255], [255]]]);
    saveImage(rgb, join(dir, "a.jpg"), { quality: 95 });
    const back = loadImage(join(dir, "a.jpg"));
    assert.deepEqual(back.shape, [2, 3, 3]);
    assert.throws(() => saveImage(rgb, join(dir, "a.bmp")), /saveImage: cannot tell the format of .*a.bmp from its extension ".bmp"; use .png or .jpg/);
    assert.throws(() => saveImage(makeTensor(new Uint8Array(24), [2, 2, 2, 3], "uint8"), join(dir, "b.png")), /for a batch, save one image/);
    writeFileSync(join(dir, "bad.png"), readFileSync(join(dir, "a.png")).subarray(0, 40));
    assert.throws(() => loadImage(join(dir, "bad.png")), /loadImage: cannot decode .*bad.png as PNG/);
    assert.throws(() => loadImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), /neither a JPEG nor a PNG/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

interface ResizeFixture {
  cases: { mode: "RGB" | "L"; shape: number[]; png_base64: string; results: { size: [number, number]; interpolation: string; keep_aspect_ratio?: boolean; pixels_base64: string }[] }[];
}
const resizeFx = JSON.parse(readFileSync(new URL("../../test/fixtures/pil_resize.json", import.meta.url), "utf8")) as ResizeFixture;

test("loadImage targetSize (and keepAspectRatio) equals Pillow 9.4's resize (Keras' load_img) for every filter, to the pixel", () => {
  let compared = 0;
  for (const c of resizeFx.cases) {
    const bytes = Uint8Array.from(Buffer.from(c.png_base64, "base64"));
    const colorMode = c.mode === "RGB" ? "rgb" : "grayscale";
    assert.deepEqual(loadImage(bytes, { colorMode }).shape, c.shape);
    for (const r of c.results) {
      const img = loadImage(bytes, { colorMode, targetSize: r.size, interpolation: r.interpolation as "nearest", keepAspectRatio: r.keep_aspect_ratio ?? false });
      assert.deepEqual(img.shape, [...r.size, c.shape[2]]);
      const got = img.dataSync() as Uint8Array;
      const want = Uint8Array.from(Buffer.from(r.pixels_base64, "base64"));
      assert.equal(got.length, want.length);
      const bad = want.findIndex((v, i) => got[i] !== v);
      assert.equal(bad, -1, `${c.mode} ${c.shape} -> ${r.size} ${r.interpolation}${r.keep_aspect_ratio ? " keeping the aspect ratio" : ""}: value ${bad} is ${got[bad]}, Pillow ${want[bad]}`);
      compared++;
    }
  }
  assert.equal(compared, 91);
});

test("loadImage refuses a bad targetSize or interpolation, and RGBA resizing other than nearest", () => {
  const png = Uint8Array.from(Buffer.from(resizeFx.cases[0].png_base64, "base64"));
  assert.throws(() => loadImage(png, { targetSize: [0, 5] }), /^RangeError: loadImage: targetSize must be two positive integers \[height, width\], got \[0,5\]/);
  assert.throws(() => loadImage(png, { targetSize: [NaN, 5] }), /got \[NaN,5\]/);
  assert.throws(() => loadImage(png, { targetSize: [4, 5], interpolation: "cubic" as "bicubic" }),
    /^RangeError: loadImage: interpolation must be one of "nearest", "bilinear", "bicubic", "hamming", "box", "lanczos", got "cubic"/);
  assert.throws(() => loadImage(png, { colorMode: "rgba", targetSize: [4, 5], interpolation: "bilinear" }), /resizing an "rgba" image supports interpolation "nearest" only/);
  assert.deepEqual(loadImage(png, { colorMode: "rgba", targetSize: [4, 5] }).shape, [4, 5, 4]);
});
