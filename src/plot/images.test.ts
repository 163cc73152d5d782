import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../tensor/tensor.js";
import { confusionCounts, confusionMatrix } from "./confusion.js";
import { image, images } from "./images.js";
import { decodePng, elements, near, pixel, texts } from "./testing.js";
import type { Figure } from "./figure.js";

const NAMES = ["t-shirt/top", "trouser", "pullover", "dress"];

/** Four 8×8 float images, all zero except a white 4×4 square (rows 2..5, columns 1..4) in image 2. */
function squares() {
  const d = new Float32Array(4 * 8 * 8);
  for (let y = 2; y < 6; y++) for (let x = 1; x < 5; x++) d[2 * 64 + y * 8 + x] = 1;
  return makeTensor(d, [4, 8, 8], "float32");
}

test("plot.images: a grid of rows × cols images titled with their class names", () => {
  const svg = images(squares(), { labels: [3, 0, 1, 2], classNames: NAMES, rows: 2, cols: 2, cmap: "gray" }).toSVG();
  const imgs = elements(svg, "image", 'class="img"');
  assert.equal(imgs.length, 4);
  assert.deepEqual(texts(svg, "cell-title"), ["dress", "t-shirt/top", "trouser", "pullover"]);
  const [a, b, c] = imgs;
  assert.equal(a.y, b.y, "first row");
  assert.ok(+c.y > +a.y && c.x === a.x, "third image starts the second row");
  assert.ok(imgs.every((i) => i["xlink:href"].startsWith("data:image/png;base64,")));
  // fewer cells than images: the first rows·cols are shown; no labels: no titles
  const two = images(squares(), { rows: 1, cols: 2 }).toSVG();
  assert.equal(elements(two, "image", 'class="img"').length, 2);
  assert.deepEqual(texts(two, "cell-title"), []);
  // labels as a tensor [n, 1] (CIFAR's y) and one-hot [n, k]
  const y1 = makeTensor(Int32Array.from([1, 1, 0, 3]), [4, 1], "int32");
  assert.deepEqual(texts(images(squares(), { labels: y1, classNames: NAMES }).toSVG(), "cell-title"), ["trouser", "trouser", "t-shirt/top", "dress"]);
  const oneHot = makeTensor(Float32Array.from([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]), [4, 4], "float32");
  assert.deepEqual(texts(images(squares(), { labels: oneHot }).toSVG(), "cell-title"), ["2", "0", "3", "1"]);
});

test("plot.images PNG: the white square lands where the layout puts image 2", async () => {
  const fig = images(squares(), { rows: 2, cols: 2, cmap: "gray", cellSize: 64 });
  const imgs = elements(fig.toSVG(), "image", 'class="img"');
  const png = decodePng(await fig.toPNG());
  assert.deepEqual([png.width, png.height], [fig.width, fig.height]);
  const cell = imgs[2];
  const k = +cell.width / 8;
  assert.equal(k, 8, "8×8 pixels enlarged 8 times for a 64 px cell");
  const at = (i: number, px: number, py: number) => pixel(png, +imgs[i].x + (px + 0.5) * k, +imgs[i].y + (py + 0.5) * k);
  for (let py = 0; py < 8; py++) {
    for (let px = 0; px < 8; px++) {
      const inside = py >= 2 && py < 6 && px >= 1 && px < 5;
      assert.deepEqual(at(2, px, py), inside ? [255, 255, 255] : [0, 0, 0], `image 2 pixel (${px}, ${py})`);
      assert.deepEqual(at(0, px, py), [0, 0, 0], `image 0 pixel (${px}, ${py}) is black`);
    }
  }
  // between cells: the white figure background
  assert.deepEqual(pixel(png, +imgs[0].x + +imgs[0].width + 3, +imgs[0].y + 10), [255, 255, 255]);
});

test("plot.images: uint8 as it is (binary cmap by default), RGB, and floats min-max scaled", async () => {
  const u8 = makeTensor(Uint8Array.from([0, 255, 128, 0]), [1, 2, 2, 1], "uint8");
  let fig = images(u8, { cellSize: 20 });
  let png = decodePng(await fig.toPNG());
  let [im] = elements(fig.toSVG(), "image", 'class="img"');
  const q = (dx: number, dy: number) => pixel(png, +im.x + dx * +im.width, +im.y + dy * +im.height);
  assert.deepEqual(q(0.25, 0.25), [255, 255, 255], "binary: 0 is white");
  assert.deepEqual(q(0.75, 0.25), [0, 0, 0], "binary: 255 is black");
  assert.deepEqual(q(0.25, 0.75), [127, 127, 127]);
  const rgb = makeTensor(Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), [1, 2, 2, 3], "uint8");
  fig = images(rgb, { cellSize: 20 });
  png = decodePng(await fig.toPNG());
  [im] = elements(fig.toSVG(), "image", 'class="img"');
  assert.deepEqual([q(0.25, 0.25), q(0.75, 0.25), q(0.25, 0.75), q(0.75, 0.75)], [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]);
  const f = makeTensor(Float32Array.from([-3, -1, 1, 3]), [1, 2, 2], "float32");
  fig = images(f, { cellSize: 20, cmap: "gray" });
  png = decodePng(await fig.toPNG());
  [im] = elements(fig.toSVG(), "image", 'class="img"');
  assert.deepEqual([q(0.25, 0.25), q(0.75, 0.75)], [[0, 0, 0], [255, 255, 255]], "min black, max white");
  assert.deepEqual(q(0.75, 0.25), [85, 85, 85], "-1 is a third of the way");
  fig = images(f, { cellSize: 20, cmap: "gray", vmin: -1, vmax: 1 });
  png = decodePng(await fig.toPNG());
  [im] = elements(fig.toSVG(), "image", 'class="img"');
  assert.deepEqual([q(0.25, 0.25), q(0.75, 0.25), q(0.25, 0.75)], [[0, 0, 0], [0, 0, 0], [255, 255, 255]], "vmin/vmax clip");
});

test("plot.images: bad inputs give clear errors", () => {
  const x = squares();
  assert.throws(() => images(makeTensor(new Float32Array(4), [2, 2], "float32")), /plot.images: expected a batch of images \[n, height, width\] or \[n, height, width, 1 \| 3 \| 4\], got shape \[2, 2\]; for one image use plot.image\(x\)/);
  assert.throws(() => images([1, 2] as unknown as typeof x), /expected a tensor .* got an array \(wrap it with tf.constant\)/);
  assert.throws(() => images(x, { labels: [0, 1] }), /2 labels for 4 images shown; pass one label per image/);
  assert.throws(() => images(x, { labels: [0, 1, 2, 7], classNames: NAMES }), /label 7 of image 3 has no entry in classNames \(4 names, indices 0..3\)/);
  assert.throws(() => images(x, { classNames: NAMES }), /classNames given without labels/);
  assert.throws(() => images(x, { cmap: "jet" as "gray" }), /plot.images: unknown cmap "jet"; use one of "gray", "binary", "viridis"/);
  assert.throws(() => images(x, { rows: 0 }), /rows must be a positive whole number, got 0/);
  assert.throws(() => images(x, { vmin: 1, vmax: 0 }), /vmax \(0\) must be greater than vmin \(1\)/);
});

test("plot.image: pixel axes, colorbar for one channel, RGB without, channel choice", async () => {
  const d = new Float32Array(10 * 20);
  for (let y = 0; y < 10; y++) for (let x = 10; x < 20; x++) d[y * 20 + x] = 5;
  const fig = image(makeTensor(d, [1, 10, 20, 1], "float32"), { cmap: "gray", title: "edges" });
  const svg = fig.toSVG();
  assert.deepEqual(texts(svg, "title"), ["edges"]);
  assert.equal(elements(svg, "g", 'class="colorbar"').length, 1);
  assert.deepEqual(texts(svg, "colorbar-label"), ["0", "1", "2", "3", "4", "5"]);
  const ticks = texts(svg, "tick-label");
  assert.ok(ticks.includes("0") && ticks.includes("15") && !ticks.includes("20"), `pixel ticks ${ticks}`);
  const [im] = elements(svg, "image", 'class="img"');
  assert.equal(+im.width, 480, "the longer side enlarged to 480 px (24×)");
  const png = decodePng(await fig.toPNG());
  assert.deepEqual(pixel(png, +im.x + 0.25 * +im.width, +im.y + 0.5 * +im.height), [0, 0, 0]);
  assert.deepEqual(pixel(png, +im.x + 0.75 * +im.width, +im.y + 0.5 * +im.height), [255, 255, 255]);

  const rgb = image(makeTensor(new Uint8Array(4 * 4 * 3).fill(200), [4, 4, 3], "uint8")).toSVG();
  assert.equal(elements(rgb, "g", 'class="colorbar"').length, 0);
  // 32 feature maps: channel 5 holds a ramp, the others zeros
  const maps = new Float32Array(6 * 6 * 32);
  for (let i = 0; i < 36; i++) maps[i * 32 + 5] = i;
  const ch = image(makeTensor(maps, [6, 6, 32], "float32"), { channel: 5 }).toSVG();
  assert.deepEqual(texts(ch, "colorbar-label"), ["0", "10", "20", "30"], "the range of channel 5 (0..35), not of channel 0 (zeros)");
  assert.throws(() => image(makeTensor(maps, [6, 6, 32], "float32"), { channel: 40 }), /plot.image: channel 40 does not exist; the image has 32 channels \(0..31\)/);
  assert.throws(() => image(makeTensor(new Float32Array(8), [2, 2, 2, 1], "float32")), /plot.image: got a batch of 2 images/);
  assert.throws(() => image(makeTensor(new Float32Array(8), [8], "float32")), /expected \[height, width\], \[height, width, channels\] or \[1, height, width, channels\], got shape \[8\]/);
});

test("plot.confusionMatrix: counts per (true, predicted) cell, normalization, class names", async () => {
  const yTrue = [0, 0, 1, 1, 2];
  const yPred = [0, 1, 1, 1, 0];
  assert.deepEqual(confusionCounts(yTrue, yPred, 3), [[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
  const fig = confusionMatrix(yTrue, yPred, { classNames: ["cat", "dog", "bird"] });
  const svg = fig.toSVG();
  assert.deepEqual(texts(svg, "cell-value"), ["1", "1", "0", "0", "2", "0", "1", "0", "0"]);
  assert.deepEqual(texts(svg, "tick-label"), ["cat", "dog", "bird", "cat", "dog", "bird"]);
  assert.deepEqual(texts(svg, "xlabel"), ["Predicted label"]);
  assert.deepEqual(texts(svg, "ylabel"), ["True label"]);
  assert.deepEqual(texts(svg, "title"), ["Confusion matrix"]);
  const norm = confusionMatrix(yTrue, yPred, { normalize: true }).toSVG();
  assert.deepEqual(texts(norm, "cell-value"), ["0.50", "0.50", "0", "0", "1.00", "0", "1.00", "0", "0"]);
  const pred = confusionMatrix(yTrue, yPred, { normalize: "pred" }).toSVG();
  assert.deepEqual(texts(pred, "cell-value"), ["0.50", "0.33", "0", "0", "0.67", "0", "0.50", "0", "0"]);
  // predictions as probabilities [n, k] (model.predict) and labels as a tensor
  const probs = makeTensor(Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.6, 0.3, 0.3, 0.3, 0.4, 0.5, 0.2, 0.3]), [5, 3], "float32");
  const t = makeTensor(Int32Array.from(yTrue), [5], "int32");
  assert.deepEqual(texts(confusionMatrix(t, probs).toSVG(), "cell-value"), ["1", "1", "0", "0", "1", "1", "1", "0", "0"]);
  // the darkest cell is the largest count, with white text
  const cells = elements(svg, "rect", 'class="cell"');
  const darkest = cells.reduce((a, b) => (parseInt(a.fill.slice(1), 16) < parseInt(b.fill.slice(1), 16) ? a : b));
  assert.deepEqual([darkest["data-row"], darkest["data-col"]], ["1", "1"]);
  const png = decodePng(await fig.toPNG());
  assert.deepEqual([png.width, png.height], [fig.width, fig.height]);
  const c11 = cells.find((c) => c["data-row"] === "1" && c["data-col"] === "1")!;
  assert.deepEqual(pixel(png, +c11.x + 3, +c11.y + 3), [8, 48, 107], "Blues' darkest");
  assert.throws(() => confusionMatrix([0, 1], [0]), /yTrue has 2 samples but yPred has 1/);
  assert.throws(() => confusionMatrix([0, -1], [0, 0]), /yTrue\[1\] is -1; class indices must be whole numbers ≥ 0/);
  assert.throws(() => confusionMatrix([0, 5], [0, 0], { classNames: ["a", "b"] }), /class 5 appears in the labels but classNames has only 2 names/);
  assert.throws(() => confusionMatrix([0], [0], { normalize: "rows" as "true" }), /normalize must be "true", "pred", "all" or a boolean/);
});

/** The colour at the centre of every pixel of the `index`-th drawn image (h × w), row by row, from the PNG. */
async function drawnPixels(fig: Figure, h: number, w: number, index = 0): Promise<[number, number, number][]> {
  const im = elements(fig.toSVG(), "image", 'class="img"')[index];
  const png = decodePng(await fig.toPNG());
  const out: [number, number, number][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(pixel(png, +im.x + ((x + 0.5) * +im.width) / w, +im.y + ((y + 0.5) * +im.height) / h));
  return out;
}
const grays = (...v: number[]): [number, number, number][] => v.map((g) => [g, g, g]);

// Expected colours below are worked out by hand from matplotlib's rules (lib/matplotlib/colors.py):
// Normalize x = (v - vmin) / (vmax - vmin) with vmin/vmax the image's min/max unless given,
// Colormap index floor(256 x) clamped to 0..255, and the "gray" lookup table whose bytes are
// trunc(255 * lut) (entry i is i except 24 entries one below, e.g. 33 -> 32).
test("plot.image: a uint8 single-channel image is scaled from its own min to max, as matplotlib's imshow", async () => {
  const u8 = (shape: number[]) => makeTensor(Uint8Array.from([50, 100, 150, 200]), shape, "uint8");
  // min 50, max 200: 100 -> floor(256 * 50 / 150) = 85, 150 -> floor(256 * 100 / 150) = 170, 200 -> 255
  for (const shape of [[2, 2], [2, 2, 1], [1, 2, 2, 1]]) {
    assert.deepEqual(await drawnPixels(image(u8(shape), { cmap: "gray" }), 2, 2), grays(0, 85, 170, 255), `shape [${shape}]`);
  }
  const bar = texts(image(u8([2, 2]), { cmap: "gray" }).toSVG(), "colorbar-label");
  assert.deepEqual([bar[0], bar[bar.length - 1]], ["50", "200"], "the colorbar spans 50..200");
  // a fixed 0..255 scale is asked for with vmin/vmax: floor(256 v / 255) = v for v < 255
  assert.deepEqual(await drawnPixels(image(u8([2, 2]), { cmap: "gray", vmin: 0, vmax: 255 }), 2, 2), grays(50, 100, 150, 200));
  // matplotlib's gray table: entry 33 is 32, entry 66 is 65; below vmin the lowest colour, above vmax the highest
  const lut = makeTensor(Uint8Array.from([33, 66, 0, 255]), [2, 2], "uint8");
  assert.deepEqual(await drawnPixels(image(lut, { cmap: "gray", vmin: 0, vmax: 255 }), 2, 2), grays(32, 65, 0, 255));
  assert.deepEqual(await drawnPixels(image(lut, { cmap: "gray", vmin: 40, vmax: 60 }), 2, 2), grays(0, 255, 0, 255));
  // one value everywhere: vmin == vmax, Normalize gives 0, the lowest colour
  assert.deepEqual(await drawnPixels(image(makeTensor(new Uint8Array(4).fill(9), [2, 2], "uint8"), { cmap: "gray" }), 2, 2), grays(0, 0, 0, 0));
  // bool: False..True is 0..1
  assert.deepEqual(await drawnPixels(image(makeTensor(Uint8Array.from([0, 1, 1, 0]), [2, 2], "bool"), { cmap: "gray" }), 2, 2), grays(0, 255, 255, 0));
});

test("plot.image: NaN and infinities are left out of the range and drawn as the white background", async () => {
  const f = makeTensor(Float64Array.from([NaN, 0, 1, Infinity, 4, 2]), [2, 3], "float64");
  // range 0..4 from the finite values: 1 -> floor(256 / 4) = 64, 2 -> 128, 4 -> 255
  assert.deepEqual(await drawnPixels(image(f, { cmap: "gray" }), 2, 3), grays(255, 0, 64, 255, 255, 128));
});

test("plot.image: RGB(A) is clipped, not scaled: uint8 as it is, floats in [0, 1] written as trunc(255 v), alpha over white", async () => {
  const rgb8 = makeTensor(Uint8Array.from([10, 20, 30, 200, 100, 0]), [1, 2, 3], "uint8");
  assert.deepEqual(await drawnPixels(image(rgb8), 1, 2), [[10, 20, 30], [200, 100, 0]], "uint8 RGB is not stretched to its min..max");
  const f = makeTensor(Float32Array.from([0.5, 1.5, -0.2, 0.25, 1, 0]), [1, 2, 3], "float32");
  assert.deepEqual(await drawnPixels(image(f), 1, 2), [[127, 255, 0], [63, 255, 0]]);
  const i32 = makeTensor(Int32Array.from([300, -5, 128, 0, 0, 255]), [1, 2, 3], "int32");
  assert.deepEqual(await drawnPixels(image(i32), 1, 2), [[255, 0, 128], [0, 0, 255]], "integers clipped to 0..255");
  const rgba = makeTensor(Uint8Array.from([200, 0, 0, 255, 200, 0, 0, 0]), [1, 2, 4], "uint8");
  assert.deepEqual(await drawnPixels(image(rgba), 1, 2), [[200, 0, 0], [255, 255, 255]], "opaque as it is, transparent shows the background");
  // lamina's extension: vmin/vmax on RGB stretch that range (matplotlib ignores them), e.g. floats in 0..255
  const f255 = makeTensor(Float32Array.from([127.5, 255, 0, 300, 51, -1]), [1, 2, 3], "float32");
  assert.deepEqual(await drawnPixels(image(f255, { vmin: 0, vmax: 255 }), 1, 2), [[128, 255, 0], [255, 51, 0]]);
});

test("plot.images: each image of the grid is normalized on its own (matplotlib's imshow per subplot)", async () => {
  const x = makeTensor(Uint8Array.from([0, 10, 20, 30, 7, 7, 7, 7]), [2, 2, 2], "uint8");
  const fig = images(x, { cellSize: 20 });
  // binary (the grid's default) is 255 - gray: 10 -> floor(256 / 3) = 85 -> 170, 20 -> 170 -> 85
  assert.deepEqual(await drawnPixels(fig, 2, 2, 0), grays(255, 170, 85, 0));
  assert.deepEqual(await drawnPixels(fig, 2, 2, 1), grays(255, 255, 255, 255), "a constant image is the colormap's low end");
});

test("plot.images: a batch is [n, h, w] or [n, h, w, 1 | 3 | 4]; a rank-3 shape that also reads as one image is refused with both readings", async () => {
  assert.throws(() => images(makeTensor(new Uint8Array(5 * 8 * 4), [5, 8, 4], "uint8")), /^RangeError: plot\.images: shape \[5, 8, 4\] is ambiguous: 5 single-channel images of 8×4, or one 5×8 RGBA image; say which: tf\.expandDims\(x, -1\) \(shape \[5, 8, 4, 1\]\) for 5 images, or plot\.image\(x\) for one image/);
  assert.throws(() => images(makeTensor(new Float32Array(12), [2, 2, 3], "float32")), /shape \[2, 2, 3\] is ambiguous: 2 single-channel images of 2×3, or one 2×2 RGB image/);
  assert.throws(() => images(makeTensor(new Float32Array(6), [3, 2, 1], "float32")), /shape \[3, 2, 1\] is ambiguous: 3 single-channel images of 2×1, or one 3×2 single-channel image/);
  assert.throws(() => images(makeTensor(new Float32Array(16), [2, 2, 2, 2], "float32")), /need 1, 3 \(RGB\) or 4 \(RGBA\) channels, got shape \[2, 2, 2, 2\]/);
  // the explicit forms: [n, h, w, 1] is n single-channel images of h×w, whatever w is
  const strips = new Uint8Array(5 * 8 * 4);
  for (let i = 0; i < strips.length; i++) strips[i] = i % 4 === 0 ? 255 : 0; // first column of each row white
  const fig = images(makeTensor(strips, [5, 8, 4, 1], "uint8"), { cmap: "gray" });
  assert.equal(elements(fig.toSVG(), "image", 'class="img"').length, 5);
  assert.deepEqual((await drawnPixels(fig, 8, 4, 4)).slice(0, 4), grays(255, 0, 0, 0));
  // [n, h, w] with w not 1, 3 or 4 needs no channel axis; [n, h, w, 4] is RGBA
  assert.equal(elements(images(makeTensor(new Float32Array(5 * 8 * 6), [5, 8, 6], "float32")).toSVG(), "image", 'class="img"').length, 5);
  const rgba = makeTensor(Uint8Array.from([0, 0, 255, 255]), [1, 1, 1, 4], "uint8");
  assert.deepEqual(await drawnPixels(images(rgba, { cellSize: 10 }), 1, 1), [[0, 0, 255]]);
});
