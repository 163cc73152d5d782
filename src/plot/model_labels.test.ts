import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type LabelFlags, cellText, layerLabel } from "./model_labels.js";
import { modelGraph } from "./model_graph.js";
import type { LayoutMember } from "./graph_layout.js";
import { FIXTURE_MODELS, freshModel } from "./model_plot_fixtures.js";
import { clearSession } from "../layers/layer.js";
import * as layers from "../layers/index.js";
import { Model } from "../models/model.js";

interface FixtureNode { layer: string; rows: { text: string; bg: string }[][] }
interface FixtureGraph { nodes: FixtureNode[]; edges: [string, string][]; clusters: { label: string; nodes: FixtureNode[]; edges: [string, string][] }[] }
// What Keras 3.5's model_to_dot built for these models (test/fixtures/make_keras_plot_model.py).
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/keras_plot_model.json", import.meta.url), "utf8")) as { keras: string; models: Record<string, Record<string, FixtureGraph>> };

const FLAGS: Record<string, LabelFlags> = {
  plot_model_defaults: { showShapes: false, showDtype: false, showLayerNames: false, showLayerActivations: false, showTrainable: false },
  names: { showShapes: false, showDtype: false, showLayerNames: true, showLayerActivations: false, showTrainable: false },
  shapes: { showShapes: true, showDtype: false, showLayerNames: true, showLayerActivations: false, showTrainable: false },
  all: { showShapes: true, showDtype: true, showLayerNames: true, showLayerActivations: true, showTrainable: true },
  dtype_trainable: { showShapes: false, showDtype: true, showLayerNames: false, showLayerActivations: false, showTrainable: true },
  expand_nested: { showShapes: true, showDtype: false, showLayerNames: true, showLayerActivations: false, showTrainable: false },
};

/** lamina's graph and labels in the fixture's form: top-level boxes and edges, and each group's own. */
function asKeras(model: Model, flags: LabelFlags, expandNested: boolean): FixtureGraph {
  const g = modelGraph(model, expandNested);
  const node = (i: number): FixtureNode => ({
    layer: g.layers[i].name,
    rows: layerLabel(g.layers[i], flags).map((row) => row.map((c) => ({ text: cellText(c), bg: c.background }))),
  });
  const boxesOf = (ms: readonly LayoutMember[]): number[] => ms.flatMap((m) => ("box" in m ? [m.box] : []));
  const groups = g.members.flatMap((m) => ("group" in m ? [m.group] : []));
  const inGroup = (i: number): number => groups.findIndex((gr) => boxesOf(gr.members).includes(i));
  const name = ([a, b]: [number, number]): [string, string] => [g.layers[a].name, g.layers[b].name];
  return {
    nodes: boxesOf(g.members).map(node),
    edges: g.edges.filter(([a, b]) => inGroup(a) < 0 || inGroup(a) !== inGroup(b)).map(name),
    clusters: groups.map((gr, k) => ({
      label: gr.label,
      nodes: boxesOf(gr.members).map(node),
      edges: g.edges.filter(([a, b]) => inGroup(a) === k && inGroup(b) === k).map(name),
    })),
  };
}

test("model plot: boxes, labels, edges and groups are those Keras 3.5's model_to_dot makes", () => {
  assert.equal(fixture.keras, "3.5.0");
  for (const key of Object.keys(FIXTURE_MODELS)) {
    for (const [flagName, flags] of Object.entries(FLAGS)) {
      const model = freshModel(key);
      const got = asKeras(model, flags, flagName === "expand_nested");
      const want = fixture.models[key][flagName];
      assert.deepEqual(got.nodes, want.nodes, `${key} / ${flagName}: nodes`);
      const sorted = (es: [string, string][]): string[] => es.map((e) => e.join(" -> ")).sort();
      assert.deepEqual(sorted(got.edges), sorted(want.edges), `${key} / ${flagName}: edges`);
      assert.deepEqual(got.clusters.map((c) => ({ ...c, edges: sorted(c.edges) })), want.clusters.map((c) => ({ ...c, edges: sorted(c.edges) })), `${key} / ${flagName}: clusters`);
    }
  }
});

test("model plot labels: a nested model given inputs as a list prints its shapes as a list, as Keras' Functional keeps the structure", () => {
  clearSession();
  const innerIn = layers.Input({ shape: [4] });
  const innerOut = layers.Dense(2).apply(innerIn) as ReturnType<typeof layers.Input>;
  const asList = new Model({ inputs: [innerIn], outputs: [innerOut], name: "as_list" });
  const single = new Model({ inputs: innerIn, outputs: innerOut, name: "single" });
  const flags = { ...FLAGS.all, showLayerActivations: false };
  const cells = (m: Model): string[] => layerLabel(m, flags).flat().map(cellText);
  // Keras: "Input shape: [(None, 4)]" for keras.Model([x], [y]), "(None, 4)" for keras.Model(x, y)
  assert.deepEqual(cells(asList), ["as_list (Functional)", "Input shape: [(None, 4)]", "Output shape: [(None, 2)]", "Output dtype: ['float32']", "Trainable"]);
  assert.deepEqual(cells(single), ["single (Functional)", "Input shape: (None, 4)", "Output shape: (None, 2)", "Output dtype: float32", "Trainable"]);
  // a layer never called on a symbolic tensor: Keras' "?"
  const loose = layers.Dense(3);
  assert.deepEqual(layerLabel(loose, flags).flat().map(cellText), [`${loose.name} (Dense)`, "Input shape: ?", "Output shape: ?", "Output dtype: ?"]);
});

// keras/src/utils/model_visualization.py (3.15.1) maps the shapes over the dict (tree.map_structure
// keeps its key order) and format_shape drops the braces: "Input shape: b: (None, 1), a: (None, 2)";
// the dtype cell is Python's str() of the dict of dtypes.
test("model plot labels: a model with inputs and outputs keyed by name prints them keyed, in the order given", () => {
  clearSession();
  const a = layers.Input({ shape: [2], name: "a" });
  const b = layers.Input({ shape: [1], name: "b" });
  const y = layers.Dense(3).apply(a) as ReturnType<typeof layers.Input>;
  const keyed = new Model({ inputs: { b, a }, outputs: { y }, name: "keyed" });
  const flags = { ...FLAGS.all, showLayerActivations: false };
  assert.deepEqual(layerLabel(keyed, flags).flat().map(cellText), [
    "keyed (Functional)", "Input shape: b: (None, 1), a: (None, 2)", "Output shape: y: (None, 3)", "Output dtype: {'y': 'float32'}", "Trainable",
  ]);
});
