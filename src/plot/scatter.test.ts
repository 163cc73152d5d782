import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../tensor/tensor.js";
import { image } from "./images.js";
import { scatter } from "./scatter.js";
import { decodePng, elements, pixel, texts } from "./testing.js";

test("plot.scatter: one disc per point where the data puts it, matplotlib's viridis for c, a colorbar", () => {
  const fig = scatter([0, 1, 2, 3], [0, 3, 1, 2], { c: [0, 1, 2, 1], xlabel: "z[0]", ylabel: "z[1]", title: "clusters" });
  const svg = fig.toSVG();
  const pts = elements(svg, "circle", 'class="point"');
  assert.equal(pts.length, 4);
  // x increases left to right, y upwards (SVG y downwards): the second point is the highest.
  const cx = pts.map((p) => +p.cx);
  const cy = pts.map((p) => +p.cy);
  assert.ok(cx[0] < cx[1] && cx[1] < cx[2] && cx[2] < cx[3], `cx ${cx}`);
  assert.ok(cy[1] < cy[3] && cy[3] < cy[2] && cy[2] < cy[0], `cy ${cy}`);
  // Equal steps in data are equal steps on screen.
  assert.ok(Math.abs((cx[1] - cx[0]) - (cx[3] - cx[2])) < 0.02);
  // c = 0, 1, 2 normalized to 0, 0.5, 1: viridis entries 0, 128 (floor(256 * 0.5)) and 255, i.e.
  // matplotlib's viridis(0.0) = #440154, viridis(0.5) = #21918c, viridis(1.0) = #fde725.
  assert.deepEqual(pts.map((p) => p.fill), ["#440154", "#21918c", "#fde725", "#21918c"]);
  // s = 36 points²: a disc 6 points wide, 6 * 100 / 72 = 8.33 px.
  assert.equal(+pts[0].r, 4.17);
  assert.equal(elements(svg, "g", 'class="colorbar"').length, 1);
  assert.deepEqual(texts(svg, "colorbar-label"), ["0.0", "0.5", "1.0", "1.5", "2.0"]);
  assert.deepEqual(texts(svg, "xlabel"), ["z[0]"]);
  assert.deepEqual(texts(svg, "ylabel"), ["z[1]"]);
  assert.deepEqual(texts(svg, "title"), ["clusters"]);
});

test("plot.scatter: tensors [n] and [n, 1], no c means C0 blue and no colorbar, non-finite points left out", async () => {
  const x = makeTensor(Float32Array.from([0, 1, NaN, 2]), [4, 1], "float32");
  const y = makeTensor(Float32Array.from([0, 1, 5, 2]), [4], "float32");
  const fig = scatter(x, y, { width: 400, height: 300, s: 400 });
  const svg = fig.toSVG();
  const pts = elements(svg, "circle", 'class="point"');
  assert.equal(pts.length, 3);
  assert.ok(pts.every((p) => p.fill === "#1f77b4"));
  assert.equal(elements(svg, "g", 'class="colorbar"').length, 0);
  const png = decodePng(await fig.toPNG());
  assert.equal(png.width, 400);
  assert.deepEqual(pixel(png, +pts[1].cx, +pts[1].cy), [0x1f, 0x77, 0xb4], "the disc's centre is C0 blue");
});

test("plot.scatter: bad inputs give clear errors", () => {
  assert.throws(() => scatter([1, 2], [1]), /plot.scatter: x has 2 values and y has 1; give one x and one y per point/);
  assert.throws(() => scatter([], []), /plot.scatter: no points to draw/);
  assert.throws(() => scatter([1, 2], [1, 2], { c: [1] }), /plot.scatter: c has 1 values for 2 points/);
  assert.throws(() => scatter(makeTensor(new Float32Array(4), [2, 2], "float32"), [1, 2]), /plot.scatter: x must be 1-D \(\[n\] or \[n, 1\]\), got shape \[2, 2\]; take one column/);
  assert.throws(() => scatter([1, "a" as unknown as number], [1, 2]), /plot.scatter: x\[1\] is "a", not a number/);
  assert.throws(() => scatter([1], [1], { cmap: "jet" as "gray" }), /plot.scatter: unknown cmap "jet"/);
  assert.throws(() => scatter([1], [1], { s: 0 }), /s \(marker area in points²\) must be a positive number, got 0/);
  assert.throws(() => scatter([1], [1], { xlim: [1, 0] }), /plot.scatter: xlim must be \[low, high\] with low < high/);
});

test("plot.image: ticks placed and labelled by the caller (plt.xticks(ticks, labels)), axis labels", () => {
  const t = makeTensor(new Float32Array(56 * 56), [56, 56], "float32");
  const svg = image(t, { cmap: "gray", xticks: [14, 42], xtickLabels: ["-1.0", "1.0"], yticks: [14, 42], ytickLabels: ["1.0", "-1.0"], xlabel: "z[0]", ylabel: "z[1]" }).toSVG();
  assert.deepEqual(texts(svg, "tick-label"), ["-1.0", "1.0", "1.0", "-1.0"]);
  assert.deepEqual(texts(svg, "xlabel"), ["z[0]"]);
  assert.deepEqual(texts(svg, "ylabel"), ["z[1]"]);
  const plain = image(t, { yticks: [0, 55] }).toSVG();
  assert.deepEqual(texts(plain, "tick-label").slice(-2), ["0", "55"], "positions label themselves without labels");
  assert.throws(() => image(t, { xticks: [1, 2], xtickLabels: ["a"] }), /plot.image: xtickLabels must have one label per tick: 2 ticks, got \["a"\]/);
  assert.throws(() => image(t, { ytickLabels: ["a"] }), /plot.image: ytickLabels needs yticks/);
  assert.throws(() => image(t, { xticks: [NaN] }), /plot.image: xticks must be an array of finite pixel positions/);
});
