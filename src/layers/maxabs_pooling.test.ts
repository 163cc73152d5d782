import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../backend/js/index.js";
import "../io/serialization.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant, ones } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { mul } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { grad } from "../autograd/tape.js";
import { checkGradients } from "../testing/gradcheck.js";
import * as layers from "./index.js";
import type { LayerShape } from "./layer.js";

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; args: layers.MaxAbsPool2DArgs; x: Arr; y: Arr; r: Arr; dx: Arr }
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/cossim.json", import.meta.url), "utf8")) as { maxabs: Case[] };

function same(got: Tensor, want: Arr, what: string, tol = 1e-12): void {
  assert.deepEqual([...got.shape], want.shape, `${what}: shape`);
  const g = got.dataSync();
  want.data.forEach((b, i) => assert.ok(Math.abs(Number(g[i]) - b) <= tol * (1 + Math.abs(b)), `${what}: index ${i}: got ${g[i]}, want ${b}`));
}

test("MaxAbsPool2D matches window-by-window reference values and gradients (ties between +a and -a included)", () => {
  assert.equal(fixture.maxabs.length, 5);
  for (const c of fixture.maxabs) {
    for (const dtype of ["float32", "float64"] as const) {
      const layer = layers.MaxAbsPool2D({ ...c.args, dtype });
      const x = constant(c.x.data, c.x.shape, dtype);
      same(layer(x), c.y, `${c.name} (${dtype})`, dtype === "float32" ? 1e-6 : 1e-10);
      const r = constant(c.r.data, c.r.shape, dtype);
      same(grad((xi) => sum(mul(layer(xi), r)))(x), c.dx, `${c.name}: gradient (${dtype})`, dtype === "float32" ? 1e-6 : 1e-10);
    }
  }
});

test("MaxAbsPool2D by hand: the value of largest magnitude keeps its sign; +a wins a tie with -a", () => {
  const x = constant([1, -3, 2, 0, -1, 1, 5, -5, 0.5, 0, -0.25, 0, 0, -2, 2, 1], [1, 4, 4, 1], "float32");
  // windows: [1, -3, -1, 1] -> -3; [2, 0, 5, -5] -> 5 (tie); [0.5, 0, 0, -2] -> -2; [-0.25, 0, 2, 1] -> 2
  assert.deepEqual([...layers.MaxAbsPool2D(2)(x).dataSync()], [-3, 5, -2, 2]);
  // the gradient reaches only the chosen cells
  const g = grad((xi) => sum(layers.MaxAbsPool2D(2)(xi)))(x);
  assert.deepEqual([...g.dataSync()], [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
});

test("MaxAbsPool2D gradient by central finite differences (float64)", () => {
  for (const [args, shape] of [[{ poolSize: 2 }, [2, 4, 5, 2]], [{ poolSize: 3, strides: 2, padding: "same" }, [1, 5, 6, 3]], [{ poolSize: [2, 3], strides: [1, 2] }, [1, 4, 7, 1]]] as const) {
    const layer = layers.MaxAbsPool2D({ ...(args as layers.MaxAbsPool2DArgs), dtype: "float64" });
    checkGradients((xi) => layer(xi), [normal([...shape], 0, 1, { dtype: "float64", seed: shape[2] })]);
  }
});

test("MaxAbsPool2D output shapes: strides default to the pool size; valid and same; eager = symbolic", () => {
  const cases: [layers.MaxAbsPool2DArgs, number[], number[]][] = [
    [{}, [6, 7, 2], [3, 3, 2]],
    [{ padding: "same" }, [6, 7, 2], [3, 4, 2]],
    [{ poolSize: 3, strides: 2 }, [7, 8, 1], [3, 3, 1]],
    [{ poolSize: 3, strides: 2, padding: "same" }, [7, 8, 1], [4, 4, 1]],
    [{ poolSize: [2, 4], strides: [1, 4] }, [3, 9, 3], [2, 2, 3]],
    [{ poolSize: 4 }, [8, 8, 18], [2, 2, 18]],
  ];
  for (const [args, inShape, outShape] of cases) {
    const layer = layers.MaxAbsPool2D(args);
    assert.deepEqual(layer(layers.Input({ shape: inShape })).shape, [null, ...outShape], JSON.stringify(args));
    assert.deepEqual(layer(normal([2, ...inShape], 0, 1, { seed: 1 })).shape, [2, ...outShape], JSON.stringify(args));
    assert.deepEqual(layer.computeOutputShape([null, ...inShape] as LayerShape), [null, ...outShape]);
  }
});

test("MaxAbsPool2D config round trip and errors", () => {
  const layer = layers.MaxAbsPool2D([3, 2], { strides: [1, 2], padding: "same", name: "abs_pool" });
  const cfg = layer.getConfig();
  assert.deepEqual(cfg, { name: "abs_pool", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, pool_size: [3, 2], padding: "same", strides: [1, 2], data_format: "channels_last" });
  const back = layers.MaxAbsPool2DLayer.fromConfig(JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>);
  assert.ok(back instanceof layers.MaxAbsPool2DLayer);
  assert.deepEqual(back.getConfig(), cfg);
  assert.deepEqual(layers.MaxAbsPool2D().getConfig().pool_size, [2, 2]);

  assert.throws(() => layers.MaxAbsPool2D(0), /MaxAbsPool2D max_abs_pool2d(_\d+)?: poolSize must be a positive integer or a pair of them, got 0/);
  assert.throws(() => layers.MaxAbsPool2D(2, { strides: [1, 0] }), /strides must be a positive integer or a pair of them, got \[1,0\]/);
  assert.throws(() => layers.MaxAbsPool2D(2, { padding: "causal" as "same" }), /padding must be "valid" or "same", got "causal"/);
  assert.throws(() => layers.MaxAbsPool2D(2)(ones([2, 4, 4])), /expects inputs of rank 4 \(batch, height, width, channels\), got shape \(2, 4, 4\)/);
  assert.throws(() => layers.MaxAbsPool2D(4)(layers.Input({ shape: [3, 8, 1] })),
    /input \(None, 3, 8, 1\) is smaller than the pool 4x4 with padding "valid" \(the output would have 0 rows\); use padding "same" or a smaller pool/);
});
