import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { model as plotModelFigure, plotModel } from "./model_plot.js";
import { Figure } from "./figure.js";
import { decodePng, elements, inkShare } from "./testing.js";
import { freshModel } from "./model_plot_fixtures.js";
import * as plotNs from "./index.js";
import * as utilsNs from "../data/ns-utils.js";
import { clearSession } from "../layers/layer.js";
import * as layers from "../layers/index.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "lamina-plotmodel-"));
}

/** The text of every label cell, in document order. */
function labelTexts(svg: string): string[] {
  return elements(svg, "text", 'class="node-label"').map((a) => a["data-text"].replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
}

test("utils.plotModel writes a PNG of dpi/72 pixels per point, with a PNG header, and returns the figure", async () => {
  const dir = tempDir();
  try {
    const model = freshModel("resnet");
    for (const dpi of [200, 96, 72]) {
      const file = join(dir, `resnet-${dpi}.png`);
      const fig = await plotModel(model, { toFile: file, showShapes: true, dpi });
      assert.ok(fig instanceof Figure);
      const bytes = readFileSync(file);
      assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);
      const svgWidth = Number(/<svg[^>]* width="([\d.]+)"/.exec(fig.toSVG())![1]);
      const svgHeight = Number(/<svg[^>]* height="([\d.]+)"/.exec(fig.toSVG())![1]);
      const png = decodePng(bytes);
      // Graphviz's rule: points are 1/72 inch, so an inch of drawing is `dpi` pixels
      assert.deepEqual([png.width, png.height], [Math.round((svgWidth * dpi) / 72), Math.round((svgHeight * dpi) / 72)], `dpi ${dpi}`);
      if (dpi === 72) assert.deepEqual([png.width, png.height], [svgWidth, svgHeight]);
      assert.ok(inkShare(png) > 0.1, "boxes and edges are drawn");
    }
    // the default resolution is Keras' 200 dpi
    const fig = await plotModel(model, { toFile: join(dir, "default.png") });
    assert.equal(decodePng(readFileSync(join(dir, "default.png"))).width, Math.round((fig.width * 200) / 72));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("utils.plotModel writes SVG by extension, holding every layer's name; PNG without an extension; nothing with toFile: null", async () => {
  const dir = tempDir();
  try {
    const model = freshModel("two_inputs");
    const fig = await plotModel(model, { toFile: join(dir, "m.svg"), showLayerNames: true, showShapes: true });
    const svg = readFileSync(join(dir, "m.svg"), "utf8");
    assert.equal(svg, fig.toSVG());
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const name of ["wide", "deep", "hidden", "concat", "main", "aux"]) {
      assert.ok(svg.includes(`>${name}</tspan>`), `${name} is written in its box`);
      assert.equal(elements(svg, "rect", `data-layer="${name}"`).length, 1, `one box for ${name}`);
    }
    assert.equal(elements(svg, "g", 'class="edge"').length, 5);
    assert.deepEqual(labelTexts(svg).slice(0, 3), ["deep (InputLayer)", "Output shape: (None, 6)", "wide (InputLayer)"]);
    // Keras writes PNG to a name without an extension
    await plotModel(model, { toFile: join(dir, "noext") });
    assert.deepEqual([...readFileSync(join(dir, "noext")).subarray(0, 8)], PNG_SIGNATURE);
    const before = existsSync(join(dir, "model.png"));
    const quiet = await plotModel(model, { toFile: null });
    assert.ok(quiet instanceof Figure);
    assert.equal(existsSync(join(dir, "model.png")), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("utils.plotModel takes the file second, as Keras' plot_model(model, \"model.png\", show_shapes=True)", async () => {
  const dir = tempDir();
  try {
    const model = freshModel("two_inputs");
    const positional = await plotModel(model, join(dir, "p.svg"), { showShapes: true, showLayerNames: true });
    const keyword = await plotModel(model, { toFile: join(dir, "k.svg"), showShapes: true, showLayerNames: true });
    assert.equal(readFileSync(join(dir, "p.svg"), "utf8"), keyword.toSVG());
    assert.equal(positional.toSVG(), keyword.toSVG());
    // without options: Keras' defaults (no shapes), PNG by the extension
    const bare = await plotModel(model, join(dir, "p.png"));
    assert.deepEqual([...readFileSync(join(dir, "p.png")).subarray(0, 8)], PNG_SIGNATURE);
    assert.ok(!labelTexts(bare.toSVG()).some((t) => t.startsWith("Output shape")));
    await assert.rejects(plotModel(model, join(dir, "q.png"), { toFile: join(dir, "r.png") } as object), /utils\.plotModel: the file is given twice, as ".*q\.png" and as toFile ".*r\.png"; give one/);
    await assert.rejects(plotModel(model, join(dir, "q.png"), "LR" as unknown as object), /utils\.plotModel: options must be an object, e\.g\. \{ showShapes: true \}, got "LR"/);
    await assert.rejects((plotModel as (...a: unknown[]) => Promise<unknown>)(model, {}, { showShapes: true }), /utils\.plotModel: a third argument is taken only after a file name/);
    await assert.rejects(plotModel(model, "", {}), /toFile must be a file path ending in \.png or \.svg \(or null to write nothing\), got ""/);
    assert.ok(!existsSync(join(dir, "q.png")) && !existsSync(join(dir, "r.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("utils.plotModel writes model.png by default, as Keras", async () => {
  const dir = tempDir();
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    await plotModel(freshModel("cnn"), { dpi: 72 });
    assert.deepEqual([...readFileSync(join(dir, "model.png")).subarray(0, 8)], PNG_SIGNATURE);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("defaults: plotModel shows classes only (Keras 3.5's plot_model), plot.model names too (model_to_dot)", async () => {
  const model = freshModel("cnn");
  const headers = (svg: string): string[] => labelTexts(svg);
  const bare = headers((await plotModel(model, { toFile: null })).toSVG());
  assert.deepEqual(bare, ["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dropout", "Dense"]);
  const named = headers(plotModelFigure(model).toSVG());
  assert.deepEqual(named, ["conv2d (Conv2D)", "batch_normalization (BatchNormalization)", "max_pooling2d (MaxPooling2D)", "flatten (Flatten)", "dropout (Dropout)", "dense (Dense)"]);
  // the flags add Keras' rows: activation, shapes, dtype, trainable (colours as Graphviz' forestgreen / firebrick)
  const full = plotModelFigure(model, { showShapes: true, showDtype: true, showLayerActivations: true, showTrainable: true }).toSVG();
  assert.deepEqual(labelTexts(full).slice(0, 6), ["conv2d (Conv2D)", "Activation: relu", "Input shape: (None, 28, 28, 1)", "Output shape: (None, 28, 28, 32)", "Output dtype: float32", "Trainable"]);
  assert.equal(elements(full, "rect", 'fill="#228b22"').length, 2);
  assert.equal(elements(full, "rect", 'fill="#b22222"').length, 1);
  // the figure renders at the chosen dpi unless told otherwise
  const fig = plotModelFigure(model, { dpi: 144 });
  assert.equal(fig.pngScale, 2);
  assert.equal(decodePng(await fig.toPNG()).width, fig.width * 2);
  assert.equal(decodePng(await fig.toPNG({ scale: 1 })).width, fig.width);
});

test("expandNested draws the nested functional model's layers in a labelled frame", () => {
  const model = freshModel("nested");
  const flat = plotModelFigure(model).toSVG();
  assert.equal(elements(flat, "g", 'class="cluster"').length, 0);
  assert.deepEqual(elements(flat, "rect", 'class="node-box"').map((a) => a["data-layer"]), ["x", "inner", "head", "final"]);
  const expanded = plotModelFigure(model, { expandNested: true }).toSVG();
  assert.deepEqual(elements(expanded, "g", 'class="cluster"').map((a) => a["data-model"]), ["inner"]);
  assert.match(expanded, /<text class="cluster-label"[^>]*>inner<\/text>/);
  assert.deepEqual(elements(expanded, "rect", 'class="node-box"').map((a) => a["data-layer"]).sort(), ["final", "head", "inner_dense", "inner_in", "inner_out", "x"]);
});

test("plot model: bad models and options are refused with the fix", async () => {
  clearSession();
  const unbuilt = new Sequential([layers.Dense(3)]);
  await assert.rejects(plotModel(unbuilt, { toFile: null }), /utils\.plotModel: model sequential: This model has not yet been built\. .*layers\.Input\(\{ shape \}\)/);
  assert.throws(() => plotModelFigure(unbuilt), /plot\.model: model sequential: This model has not yet been built/);
  assert.throws(() => plotModelFigure(layers.Dense(2) as unknown as Model), /plot\.model: expected a model \(models\.Sequential or models\.Model\), got the layer dense_1; wrap it in a model first/);
  assert.throws(() => plotModelFigure({} as Model), /plot\.model: expected a model/);
  const model = freshModel("cnn");
  const bad = async (opts: object, re: RegExp): Promise<void> => {
    await assert.rejects(plotModel(model, { toFile: null, ...opts }), re);
  };
  await bad({ rankdir: "TD" }, /utils\.plotModel: rankdir must be "TB" \(top to bottom\) or "LR" \(left to right\) \(or "BT", "RL"\), got "TD"/);
  await bad({ dpi: 0 }, /dpi must be a number of dots per inch above 0 and at most 1152 .*got 0/);
  await bad({ dpi: -96 }, /dpi must be .*got -96/);
  await bad({ dpi: Number.NaN }, /dpi must be .*got NaN/);
  await bad({ dpi: 2000 }, /at most 1152 \(16 pixels per point\).*got 2000/);
  await bad({ dpi: "200" }, /dpi must be .*got "200"/);
  await bad({ showShapes: "yes" }, /utils\.plotModel: showShapes must be true or false, got "yes"/);
  await bad({ show_shapes: true }, /utils\.plotModel: unknown option show_shapes; lamina spells Keras' show_shapes as showShapes/);
  await bad({ to_file: "m.png" }, /unknown option to_file; lamina spells Keras' to_file as toFile/);
  await bad({ layerRange: ["a", "b"] }, /unknown option layerRange; valid options are/);
  await assert.rejects(plotModel(model, { toFile: "model.pdf" }), /utils\.plotModel: cannot write "model\.pdf": lamina draws model plots as \.png or \.svg \(Keras' other Graphviz formats, such as \.pdf, need Graphviz\)/);
  await assert.rejects(plotModel(model, { toFile: "" }), /toFile must be a file path ending in \.png or \.svg \(or null to write nothing\), got ""/);
  assert.throws(() => plotModelFigure(model, { toFile: "x.png" } as object), /plot\.model: unknown option toFile/);
  assert.throws(() => plotModelFigure(model, "TB" as unknown as object), /plot\.model: options must be an object/);
});

test("plot.model and utils.plotModel are exported", () => {
  assert.equal(plotNs.model, plotModelFigure);
  assert.equal(utilsNs.plotModel, plotModel);
});
