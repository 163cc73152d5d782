import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { modelToDot } from "./model_dot.js";

// Labels written by Keras 3.5's make_layer_label inside model_to_dot (run with a recorder in place
// of pydot, which is not installed), in the order Keras adds the nodes.
const KERAS_FUNCTIONAL = [
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>a</b> (InputLayer)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 3)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>b</b> (InputLayer)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 2)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>cat</b> (Concatenate)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>[(None, 3), (None, 2)]</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 5)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>hidden</b> (Dense)</font></td></tr><tr><td bgcolor="white" colspan="4"><font point-size="14">Activation: <b>relu</b></font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>(None, 5)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 4)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td><td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>out</b> (Dense)</font></td></tr><tr><td bgcolor="white" colspan="4"><font point-size="14">Activation: <b>linear</b></font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>(None, 4)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 1)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td><td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td></tr></table>>',
  ];
const KERAS_SEQUENTIAL = [
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>d1</b> (Dense)</font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>d2</b> (Dense)</font></td></tr></table>>',
  ];
const KERAS_NESTED = [
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>o</b> (InputLayer)</font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>i</b> (InputLayer)</font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>id</b> (Dense)</font></td></tr></table>>',
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="1" bgcolor="black"><font point-size="16" color="white"><b>od</b> (Dense)</font></td></tr></table>>',
  ];

interface ParsedDot { graph: string[]; labels: string[]; ids: string[]; edges: [string, string][]; clusters: string[] }

function parse(dot: string): ParsedDot {
  const lines = dot.trim().split("\n");
  assert.equal(lines[0], "digraph G {");
  assert.equal(lines[lines.length - 1], "}");
  const out: ParsedDot = { graph: [], labels: [], ids: [], edges: [], clusters: [] };
  for (const line of lines.slice(1, -1)) {
    const node = /^(\d+) \[label=(<<.*>>), fontname=Helvetica, border=0, margin=0\];$/.exec(line);
    const edge = /^(\d+) -> (\d+)  \[penwidth=2\];$/.exec(line);
    const cluster = /^subgraph (\S+) \{$/.exec(line);
    if (node) { out.ids.push(node[1]); out.labels.push(node[2]); }
    else if (edge) out.edges.push([edge[1], edge[2]]);
    else if (cluster) out.clusters.push(cluster[1]);
    else out.graph.push(line);
  }
  return out;
}

test("modelToDot writes Keras' model_to_dot graph: attributes, one labelled node per layer, an edge per connection", () => {
  const a = tf.layers.Input({ shape: [3], name: "a" });
  const b = tf.layers.Input({ shape: [2], name: "b" });
  let x = tf.layers.Concatenate({ name: "cat" })([a, b]);
  x = tf.layers.Dense(4, { activation: "relu", name: "hidden" })(x);
  const head = tf.layers.Dense(1, { name: "out" });
  head.trainable = false;
  const model = new tf.models.Model({ inputs: [a, b], outputs: head(x), name: "two" });
  const dot = parse(modelToDot(model, { showShapes: true, showDtype: true, showLayerActivations: true, showTrainable: true, rankdir: "LR", dpi: 96 }));
  assert.deepEqual(dot.graph, ["rankdir=LR;", "concentrate=True;", "dpi=96;", "splines=ortho;", "node [shape=record];"]);
  assert.deepEqual(dot.labels, KERAS_FUNCTIONAL);
  assert.deepEqual(dot.ids, ["0", "1", "2", "3", "4"]);
  assert.deepEqual(dot.edges, [["0", "2"], ["1", "2"], ["2", "3"], ["3", "4"]]);
});

test("modelToDot: a Sequential's layers in a chain with Keras' defaults (names shown, TB, dpi 200)", () => {
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(2, { name: "d1" }), tf.layers.Dense(1, { name: "d2" })], { name: "seq" });
  const dot = parse(modelToDot(model));
  assert.deepEqual(dot.graph, ["rankdir=TB;", "concentrate=True;", "dpi=200;", "splines=ortho;", "node [shape=record];"]);
  assert.deepEqual(dot.labels, KERAS_SEQUENTIAL);
  assert.deepEqual(dot.edges, [["0", "1"]]);
  assert.match(modelToDot(model, { showLayerNames: false }), /<b>Dense<\/b><\/font>/);
});

test("modelToDot with expandNested puts a nested functional model's layers in a dashed cluster", () => {
  const i = tf.layers.Input({ shape: [3], name: "i" });
  const inner = new tf.models.Model({ inputs: i, outputs: tf.layers.Dense(2, { name: "id" })(i), name: "inner" });
  const o = tf.layers.Input({ shape: [3], name: "o" });
  const outer = new tf.models.Model({ inputs: o, outputs: tf.layers.Dense(1, { name: "od" })(inner(o)), name: "outer" });
  const text = modelToDot(outer, { expandNested: true });
  const dot = parse(text);
  assert.deepEqual(dot.labels, KERAS_NESTED);
  assert.deepEqual(dot.clusters, ["cluster_inner"]);
  assert.match(text, /subgraph cluster_inner \{\nstyle=dashed;\nlabel=inner;\nlabeljust=l;\n1 \[label=[^\n]*\n2 \[label=[^\n]*\n\}/);
  // Keras' edges (its cluster's edge is written inside the cluster; the set is the same).
  assert.deepEqual(new Set(dot.edges.map((e) => e.join(">"))), new Set(["0>1", "2>3", "1>2"]));
  // Unexpanded, the nested model is one node.
  assert.equal(parse(modelToDot(outer)).labels.length, 3);
});

test("modelToDot refuses what Keras refuses, saying how to fix it", () => {
  const unbuilt = new tf.models.Sequential([tf.layers.Dense(2)]);
  assert.throws(() => modelToDot(unbuilt), /has not yet been built/);
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(2)]);
  assert.throws(() => modelToDot(model, { rankdir: "XY" as never }), /rankdir must be "TB"/);
  assert.throws(() => modelToDot(model, { layerRange: [0, 1] } as never), /layerRange/);
});
