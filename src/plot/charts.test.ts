import { test } from "node:test";
import assert from "node:assert/strict";
import { History } from "../models/callbacks/history.js";
import { bar, history, learningCurves } from "./charts.js";
import { decodePng, distinctColors, elements, inkShare, near, pixel, texts } from "./testing.js";

const HIST = {
  loss: [0.9, 0.6, 0.5, 0.45, 0.41, 0.38, 0.36, 0.35, 0.33, 0.32],
  accuracy: [0.68, 0.78, 0.82, 0.84, 0.85, 0.86, 0.87, 0.875, 0.88, 0.885],
  val_loss: [0.65, 0.55, 0.5, 0.48, 0.45, 0.44, 0.43, 0.43, 0.42, 0.42],
  val_accuracy: [0.76, 0.8, 0.82, 0.83, 0.84, 0.845, 0.85, 0.852, 0.855, 0.857],
};

test("plot.history: one line per metric, legend in the history's order, axis labels, title, ticks", () => {
  const svg = history(HIST, { ylim: [0, 1] }).toSVG();
  assert.ok(svg.startsWith("<svg ") && svg.trimEnd().endsWith("</svg>"));
  const lines = elements(svg, "path", 'class="line"');
  assert.deepEqual(lines.map((l) => l["data-series"]), ["loss", "accuracy", "val_loss", "val_accuracy"]);
  assert.deepEqual(lines.map((l) => l.stroke), ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"], "matplotlib's C0..C3, as pandas");
  for (const l of lines) assert.equal(l.d.split("L").length, 10, "ten points per line");
  assert.deepEqual(texts(svg, "legend-label"), ["loss", "accuracy", "val_loss", "val_accuracy"]);
  assert.deepEqual(texts(svg, "title"), ["Training history"]);
  assert.deepEqual(texts(svg, "xlabel"), ["epoch"]);
  assert.deepEqual(texts(svg, "ylabel"), [], "several metrics: no y label, the legend names them");
  const ticks = texts(svg, "tick-label");
  assert.deepEqual(ticks, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
  assert.match(svg, /<title>Training history<\/title>/);
});

test("plot.history takes Keras' History object, metric selection brings the validation curve", () => {
  const h = new History();
  h.onTrainBegin({});
  for (let e = 0; e < 3; e++) h.onEpochEnd(e, { loss: 1 / (e + 1), accuracy: 0.5 + 0.1 * e, val_loss: 1.2 / (e + 1), val_accuracy: 0.4 + 0.1 * e });
  const svg = history(h, { metrics: ["loss"], title: "" }).toSVG();
  assert.deepEqual(elements(svg, "path", 'class="line"').map((l) => l["data-series"]), ["loss", "val_loss"]);
  assert.deepEqual(texts(svg, "title"), []);
  const only = history(h, { metrics: ["val_accuracy"] }).toSVG();
  assert.deepEqual(elements(only, "path", 'class="line"').map((l) => l["data-series"]), ["val_accuracy"]);
  assert.deepEqual(texts(only, "ylabel"), ["val_accuracy"]);
  // a single epoch is drawn as markers (a path of one point shows nothing)
  const one = history({ loss: [0.5] }).toSVG();
  assert.equal(elements(one, "circle", 'class="marker"').length, 1);
});

test("plot.history: bad inputs give clear errors", () => {
  assert.throws(() => history({}), /plot.history: the history has no metrics; it fills in during model.fit/);
  assert.throws(() => history(HIST, { metrics: ["acc"] }), /plot.history: the history has no metric "acc"; it has loss, accuracy, val_loss, val_accuracy/);
  assert.throws(() => history(HIST, { ylim: [1, 0] }), /plot.history: ylim must be \[low, high\] with low < high, e.g. \[0, 1\]; got \[1,0\]/);
  assert.throws(() => history({ loss: ["a" as unknown as number] }), /plot.history: history.loss\[0\] is "a", not a number/);
  assert.throws(() => history(HIST, { width: 5 }), /plot.history: width must be a number of pixels between 100 and 10000, got 5/);
  assert.throws(() => history(null as unknown as Record<string, number[]>), /expected the History returned by model.fit/);
  assert.throws(() => history({ loss: [] }), /hold no values yet/);
});

test("plot.history PNG: requested size, not blank, an increasing series rises left to right", async () => {
  const fig = history({ accuracy: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] }, { ylim: [0, 1], width: 640, height: 400 });
  const img = decodePng(await fig.toPNG());
  assert.equal(img.width, 640);
  assert.equal(img.height, 400);
  assert.ok(distinctColors(img) > 20, `antialiased lines and text: ${distinctColors(img)} colours`);
  const ink = inkShare(img);
  assert.ok(ink > 0.01 && ink < 0.3, `ink share ${ink}`);
  const [box] = elements(fig.toSVG(), "rect", 'class="legend-box"');
  const inLegend = (x: number, y: number): boolean => x >= +box.x - 2 && x <= +box.x + +box.width + 2 && y >= +box.y - 2 && y <= +box.y + +box.height + 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!inLegend(x, y) && near(pixel(img, x, y), [0x1f, 0x77, 0xb4], 40)) { xs.push(x); ys.push(y); }
    }
  }
  assert.ok(xs.length > 500, `line pixels found: ${xs.length}`);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < xs.length; i++) { cov += (xs[i] - mx) * (ys[i] - my); vx += (xs[i] - mx) ** 2; vy += (ys[i] - my) ** 2; }
  const r = cov / Math.sqrt(vx * vy);
  assert.ok(r < -0.99, `the line's pixels go up (smaller y) as x grows: correlation ${r}`);
  // at scale 2 the PNG doubles
  const big = decodePng(await fig.toPNG({ scale: 2 }));
  assert.deepEqual([big.width, big.height], [1280, 800]);
});

test("plot.learningCurves: a mean line and a band per group, validation dashed, labels", () => {
  const runs = {
    "with BN": [[0.6, 0.4, 0.35], [0.62, 0.42, 0.33], [0.58, 0.41, 0.36]],
    "without BN": [[0.9, 0.6, 0.5], [0.8, 0.62, 0.45], [0.95, 0.58, 0.52]],
  };
  const svg = learningCurves(runs, { metric: "loss" }).toSVG();
  assert.deepEqual(elements(svg, "path", 'class="line"').map((l) => l["data-series"]), ["with BN", "without BN"]);
  assert.deepEqual(elements(svg, "path", 'class="band"').map((l) => l["data-series"]), ["with BN", "without BN"]);
  assert.deepEqual(texts(svg, "legend-label"), ["with BN", "without BN"]);
  assert.deepEqual(texts(svg, "title"), ["loss: mean and 95% confidence interval over runs"]);
  assert.deepEqual(texts(svg, "ylabel"), ["loss"]);
  assert.deepEqual(texts(svg, "xlabel"), ["epoch"]);

  const h = (o: number) => ({ history: { loss: [1 - o, 0.7 - o, 0.5 - o], val_loss: [1.1 - o, 0.8 - o, 0.6 - o], accuracy: [0.5, 0.6, 0.7 + o] } });
  const hs = learningCurves({ adam: [h(0), h(0.05), h(0.02)], sgd: [h(-0.1), h(-0.12), h(-0.05)] }, { ci: 0.9 }).toSVG();
  const lines = elements(hs, "path", 'class="line"');
  assert.deepEqual(lines.map((l) => l["data-series"]), ["adam", "adam (validation)", "sgd", "sgd (validation)"]);
  assert.deepEqual(lines.map((l) => l["stroke-dasharray"] ?? ""), ["", "7 4", "", "7 4"]);
  assert.deepEqual(texts(hs, "title"), ["loss: mean and 90% confidence interval over runs"], "default metric: loss");
  const acc = learningCurves({ adam: [h(0), h(0.05)] }, { metric: "accuracy" }).toSVG();
  assert.deepEqual(elements(acc, "path", 'class="line"').map((l) => l["data-series"]), ["adam"], "no val_accuracy: no validation curve");
});

test("plot.learningCurves: the band spans mean ± t·s/√n in pixels", () => {
  // ylim [0, 10] with known values: the band's top at epoch 0 is 2 + 4.3027/√3 = 4.4841
  const fig = learningCurves({ g: [[1, 1], [2, 2], [3, 3]] }, { ylim: [0, 10], title: "" });
  const svg = fig.toSVG();
  const [frame] = elements(svg, "rect", 'class="frame"');
  const [band] = elements(svg, "path", 'class="band"');
  const pts = band.d.replace(/Z$/, "").split(/[ML]/).filter((s) => s.trim() !== "").map((s) => s.trim().split(" ").map(Number));
  const top = +frame.y;
  const h = +frame.height;
  const value = (py: number): number => ((top + h - py) / h) * 10;
  assert.ok(Math.abs(value(pts[0][1]) - (2 + 4.302652729749462 / Math.sqrt(3))) < 0.01, `upper ${value(pts[0][1])}`);
  assert.ok(Math.abs(value(pts[pts.length - 1][1]) - (2 - 4.302652729749462 / Math.sqrt(3))) < 0.01, `lower ${value(pts[pts.length - 1][1])}`);
});

test("plot.learningCurves: bad inputs give clear errors", () => {
  assert.throws(() => learningCurves({}), /plot.learningCurves: no groups given/);
  assert.throws(() => learningCurves({ a: [] }), /group "a" has no runs/);
  assert.throws(() => learningCurves({ a: [[1, 2], { history: { loss: [1] } }] as unknown as number[][] }), /must all be arrays of numbers or all be histories/);
  assert.throws(() => learningCurves({ a: [{ loss: [1] }, { acc: [1] }] }, { metric: "loss" }), /run 1 of group "a" has no metric "loss"; it has acc/);
  assert.throws(() => learningCurves({ a: [[1]] }, { ci: 95 }), /ci must be strictly between 0 and 1 \(e.g. 0.95\), got 95/);
  assert.throws(() => learningCurves([] as unknown as Record<string, number[][]>), /expected a record of groups/);
});

test("plot.learningCurves PNG shows translucent bands", async () => {
  const img = decodePng(await learningCurves({ a: [[1, 2, 3], [1.5, 2.5, 2.8], [0.5, 1.8, 3.3]] }).toPNG());
  assert.deepEqual([img.width, img.height], [800, 500]);
  let band = 0;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (near(pixel(img, x, y), [210, 228, 240], 6)) band++;
  assert.ok(band > 2000, `band pixels (C0 at 20% over white): ${band}`);
});

test("plot.bar: one bar per value with its label, negative values below the zero line", async () => {
  const fig = bar({ mlp: 0.8812, cnn: 0.9134, resnet: 0.9256 }, { title: "Test accuracy", ylabel: "accuracy" });
  const svg = fig.toSVG();
  const bars = elements(svg, "rect", 'class="bar"');
  assert.deepEqual(bars.map((b) => b["data-label"]), ["mlp", "cnn", "resnet"]);
  const heights = bars.map((b) => +b.height);
  assert.ok(heights[0] < heights[1] && heights[1] < heights[2], `heights follow the values: ${heights}`);
  assert.deepEqual(texts(svg, "bar-value"), ["0.8812", "0.9134", "0.9256"]);
  assert.deepEqual(texts(svg, "tick-label").slice(0, 3), ["mlp", "cnn", "resnet"]);
  assert.deepEqual(texts(svg, "ylabel"), ["accuracy"]);
  const neg = bar({ a: -2, b: 3 }).toSVG();
  const [a, b] = elements(neg, "rect", 'class="bar"');
  assert.ok(Math.abs(+a.y - (+b.y + +b.height)) < 0.02, "the negative bar starts where the positive one ends: at zero");
  assert.equal(elements(neg, "path", 'class="zero"').length, 1);
  const img = decodePng(await fig.toPNG());
  const [b0] = bars;
  assert.deepEqual(pixel(img, +b0.x + +b0.width / 2, +b0.y + +b0.height / 2), [0x1f, 0x77, 0xb4]);
  assert.throws(() => bar({}), /plot.bar: no values given/);
  assert.throws(() => bar({ a: NaN }), /plot.bar: the value of "a" is NaN; every value must be a finite number/);
});
