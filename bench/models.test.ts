import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import * as tf from "../src/index.js";
import { MODEL_NAMES, REFERENCE_MODELS } from "./models.js";

const README_PARAMS: Record<string, number> = {
  mlp: 300_938, cnn: 411_690, resnet: 955_018, mnist_convnet: 121_930, cifar_cnn: 2_209_098, vgg16: 14_880_202,
};

test("bench models: the six reference models in the README's order, with its parameter counts", () => {
  assert.deepEqual([...MODEL_NAMES], ["mlp", "cnn", "resnet", "mnist_convnet", "cifar_cnn", "vgg16"]);
  for (const name of MODEL_NAMES) {
    const spec = REFERENCE_MODELS[name];
    assert.equal(spec.params, README_PARAMS[name], `${name}: declared count`);
    const model = spec.build();
    assert.equal(model.countParams(), README_PARAMS[name], `${name}: built model's countParams()`);
    // Inputs and outputs: the declared input shape in, 10 softmax probabilities out.
    const out = model.computeOutputShape([null, ...spec.inputShape]);
    assert.deepEqual(out, [null, 10], `${name}: output shape`);
  }
});

test("bench models: resnet holds two residual blocks of conv-BN-ReLU-conv-BN-Add-ReLU (4 BN layers, their moving statistics non-trainable)", () => {
  const model = REFERENCE_MODELS.resnet.build();
  const kinds = model.layers.map((l) => l.constructor.name);
  assert.equal(kinds.filter((k) => k === "BatchNormalization").length, 4);
  assert.equal(kinds.filter((k) => k === "Add").length, 2);
  assert.equal(kinds.filter((k) => k === "Conv2D").length, 5);
  // 4 BN layers x 64 channels x (moving mean + moving variance).
  const nonTrainable = model.nonTrainableWeights.reduce((s, w) => s + w.size, 0);
  assert.equal(nonTrainable, 4 * 64 * 2);
});

test("bench models: vgg16 has 13 convolutions and 5 pools, its flattened features are 512", () => {
  const model = REFERENCE_MODELS.vgg16.build();
  const kinds = model.layers.map((l) => l.constructor.name);
  assert.equal(kinds.filter((k) => k === "Conv2D").length, 13);
  assert.equal(kinds.filter((k) => k === "MaxPooling2D").length, 5);
  const flatten = model.layers.find((l) => l.constructor.name === "Flatten");
  assert.ok(flatten);
  assert.deepEqual(model.layerOutputShapes().get(flatten), [[null, 512]]);
});

test("npm run bench: --model mlp --target-s 0.2 prints one JSON line in the README's format", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", "--model", "mlp", "--target-s", "0.2"], {
    cwd: root, encoding: "utf8", timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, r.stdout);
  const row = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(row), ["engine", "model", "batch", "params", "train_samples_per_s", "infer_samples_per_s", "notes"]);
  assert.equal(row.engine, `lamina-${tf.getBackend()}`);
  assert.equal(row.model, "mlp");
  assert.equal(row.batch, 64);
  assert.equal(row.params, 300_938);
  for (const k of ["train_samples_per_s", "infer_samples_per_s"]) {
    assert.ok(typeof row[k] === "number" && Number.isFinite(row[k]) && (row[k] as number) > 0, `${k}: ${row[k]}`);
  }
  assert.match(String(row.notes), /threads=\d+/);
  assert.match(String(row.notes), /train \d+ steps/);
});

test("npm run bench: unknown flags and models exit with code 2 and say why", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  for (const args of [["--model", "alexnet"], ["--frobnicate"], ["--target-s", "zero"]]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^bench: /m, args.join(" "));
    assert.equal(r.stdout, "");
  }
});
