import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { setOutputWriter } from "../models/callbacks/output.js";
import { main, type CliIo } from "./cli.js";
import { COMMANDS, TOP_USAGE } from "./commands.js";

interface Result {
  code: number;
  out: string;
  err: string;
}

async function lamina(...argv: string[]): Promise<Result> {
  let out = "", err = "";
  const io: CliIo = { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } };
  let progress = "";
  setOutputWriter({ write: (s) => { progress += s; }, isTTY: false });
  try {
    const code = await main(argv, io);
    return { code, out: out + progress, err };
  } finally {
    setOutputWriter(null);
  }
}

/** Runs `f` with environment variables set, restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test("lamina --help, help <command> and every command's --help print usage (listing each of its flags) and exit 0", async () => {
  for (const argv of [["--help"], ["-h"], ["help"]]) {
    const r = await lamina(...argv);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), TOP_USAGE);
    for (const c of COMMANDS) assert.match(r.out, new RegExp(`^  ${c.name} `, "m"), c.name);
  }
  assert.equal((await lamina("--version")).out.trim(), tf.version);
  for (const c of COMMANDS) {
    for (const argv of [[c.name, "--help"], [c.name, "-h"], ["help", c.name]]) {
      const r = await lamina(...argv);
      assert.equal(r.code, 0, argv.join(" "));
      assert.equal(r.err, "");
      assert.match(r.out, new RegExp(`^usage: lamina ${c.name}`), argv.join(" "));
    }
    const usage = (await lamina(c.name, "--help")).out;
    for (const [flag, spec] of Object.entries(c.flags)) {
      assert.match(usage, new RegExp(`--${flag}\\b`), `${c.name} --help documents --${flag}`);
      if (spec.short) assert.match(usage, new RegExp(`-${spec.short}, --${flag}\\b`), `${c.name} --help documents -${spec.short}`);
    }
  }
});

test("lamina: unknown commands and flags, bad values, missing operands and missing files exit 2 with one message", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^usage: lamina <command>/],
    [["frob"], /^lamina: unknown command "frob"; the commands are train, summary, evaluate, predict, bench, dashboard/],
    [["--frob"], /^lamina: unknown flag --frob; flags go after the command/],
    [["help", "frob"], /^lamina: unknown command "frob"/],
    [["train", "--epochs", "0"], /^lamina train: --epochs must be a positive integer, got "0"/],
    [["train", "--epochs"], /^lamina train: --epochs needs a value/],
    [["train", "--epoch", "3"], /^lamina train: unknown flag --epoch; did you mean --epochs\?/],
    [["train", "--batch-size", "2.5"], /^lamina train: --batch-size must be a positive integer, got "2\.5"/],
    [["train", "--dataset", "imagenet"], /^lamina train: --dataset must be one of fashion_mnist, mnist, cifar10, cifar100, california_housing; got "imagenet"/],
    [["train", "--optimizer", "lbfgs"], /^lamina train: --optimizer must be one of sgd, adam, rmsprop/],
    [["train", "--lr", "-1"], /^lamina train: --lr must be a positive number, got "-1"/],
    [["train", "--validation-split", "1"], /^lamina train: --validation-split must be a fraction from 0 up to \(not including\) 1, got "1"/],
    [["train", "--port", "8080"], /^lamina train: --port only make sense with --dashboard/],
    [["train", "--dashboard", "--port", "70000"], /^lamina train: --port must be at most 65535/],
    [["train", "--dashboard=yes"], /^lamina train: --dashboard takes no value/],
    [["train", "extra"], /^lamina train: unexpected argument "extra"/],
    [["train", "--model", "alexnet"], /^lamina train: unknown model "alexnet"; expected a built-in model \(mlp, cnn, resnet, mnist_convnet, cifar_cnn, vgg16\) or a model file/],
    [["train", "--model", "missing.keras"], /^lamina train: model file missing\.keras does not exist/],
    [["summary"], /^lamina summary: missing <model>/],
    [["summary", "a", "b"], /^lamina summary: unexpected argument "b"/],
    [["summary", "missing.json"], /^lamina summary: model file missing\.json does not exist/],
    [["evaluate", "missing.keras", "--dataset", "mnist"], /^lamina evaluate: model file missing\.keras does not exist/],
    [["evaluate", "cnn"], /^lamina evaluate: "cnn" is a built-in architecture without trained weights/],
    [["predict", "missing.keras"], /^lamina predict: missing <image file>/],
    [["predict", "missing.keras", "x.png", "--top", "0"], /^lamina predict: --top must be a positive integer/],
    [["predict", "missing.keras", "x.png", "--classes", "a,,b"], /^lamina predict: --classes "a,,b" has an empty class name \(entry 2 of 3\); give comma-separated class names, none empty, e\.g\. --classes cat,dog,bird\n/],
    [["predict", "missing.keras", "x.png", "--classes", "a,b,"], /^lamina predict: --classes "a,b," has an empty class name \(entry 3 of 3\)/],
    [["bench", "--model", "alexnet"], /^lamina bench: unknown model "alexnet"; the reference models are mlp, cnn/],
    [["bench", "--model", "mlp,,cnn"], /^lamina bench: --model "mlp,,cnn" has an empty model name \(entry 2 of 3\); give comma-separated model names, none empty, e\.g\. --model mlp,cnn\n/],
    [["bench", "--model", "mlp,"], /^lamina bench: --model "mlp," has an empty model name \(entry 2 of 2\)/],
    [["bench", "--model", ""], /^lamina bench: --model needs at least one name: mlp, cnn/],
    [["bench", "--target-s", "zero"], /^lamina bench: --target-s must be a positive number of seconds/],
    [["dashboard"], /^lamina dashboard: missing <runs dir>/],
    [["dashboard", "/nonexistent/runs"], /^lamina dashboard: runs folder \/nonexistent\/runs does not exist/],
    [["dashboard", ".", "--port", "http"], /^lamina dashboard: --port must be a non-negative integer/],
  ];
  for (const [argv, message] of cases) {
    const r = await lamina(...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
    assert.match(r.err, message, argv.join(" "));
    assert.equal(r.out, "", argv.join(" "));
    if (argv.length > 0) assert.match(r.err, /\nRun "lamina( \w+)? --help" for usage\.\n$/, argv.join(" "));
  }
});

test("lamina train: a dataset that is absent says where it was looked for and how to get it (exit 2)", async () => {
  const empty = mkdtempSync(join(tmpdir(), "lamina-empty-"));
  try {
    const r = await withEnv({ LAMINA_DATASETS: empty, HOME: empty, KERAS_HOME: empty, LAMINA_OFFLINE: "1" }, () => lamina("train", "--model", "cifar_cnn", "--dataset", "cifar100"));
    assert.equal(r.code, 2);
    assert.match(r.err, /^lamina train: dataset cifar100 is not available on this machine\./);
    assert.match(r.err, /Tried, in order:\n {2}- .*cifar-100-python: no such folder\n[\s\S]*cifar-100-binary: no such folder/);
    assert.match(r.err, /To fix: download Keras' file https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-100-python\.tar\.gz/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

// A tiny Fashion-MNIST look-alike: class k is a bright 6x6 block at its own place on a dim noisy
// background, written as the four IDX files the loader reads.
const SPOTS = [[2, 1], [2, 8], [2, 15], [2, 22], [11, 1], [11, 8], [11, 15], [11, 22], [20, 1], [20, 8]];

function syntheticImages(n: number, seed: number, noise = true): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784), labels = new Uint8Array(n);
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    labels[i] = k;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = noise ? Math.floor(rand() * 60) : 0;
    const [r0, c0] = SPOTS[k];
    for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 6; c++) images[i * 784 + r * 28 + c] = 200 + (noise ? Math.floor(rand() * 55) : 55);
  }
  return { images, labels };
}

function idx(data: Uint8Array, dims: number[]): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.byteLength + data.length);
  out.set(new Uint8Array(head.buffer), 0);
  out.set(data, head.byteLength);
  return out;
}

function writeTinyFashionMnist(root: string): void {
  const dir = join(root, "fashion-mnist");
  mkdirSync(dir, { recursive: true });
  const train = syntheticImages(400, 1), testSet = syntheticImages(100, 2);
  writeFileSync(join(dir, "train-images-idx3-ubyte"), idx(train.images, [400, 28, 28]));
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), idx(train.labels, [400]));
  writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idx(testSet.images, [100, 28, 28]));
  writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idx(testSet.labels, [100]));
}

test("lamina train, summary, evaluate and predict on a tiny generated dataset", { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "lamina-cli-"));
  try {
    writeTinyFashionMnist(join(root, "datasets"));
    await withEnv({ LAMINA_DATASETS: join(root, "datasets") }, async () => {
      const out = join(root, "runs");
      const r = await lamina("train", "--model", "mlp", "--dataset", "fashion_mnist", "--epochs", "4", "--optimizer", "adam", "--lr", "0.003", "--seed", "1", "--out", out);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Total params: 300,938/);
      assert.match(r.out, /train 320, validation 80, test 100 \(fashion_mnist\)/);
      assert.match(r.out, /Epoch 4\/4/);
      const accuracy = Number(/^test accuracy (\d\.\d{4})/m.exec(r.out)?.[1]);
      assert.ok(accuracy >= 0.9, `test accuracy ${accuracy} on separable classes`);
      const [run] = readdirSync(out);
      const dir = join(out, run);
      assert.deepEqual(readdirSync(dir).sort(), ["confusion.png", "history.csv", "history.png", "model.json", "model.keras", "report.html", "run.json", "samples.png"]);
      assert.match(readFileSync(join(dir, "report.html"), "utf8"), new RegExp(`Test accuracy ${accuracy.toFixed(4)}`));
      assert.match(readFileSync(join(dir, "report.html"), "utf8"), /Adam lr 0\.003/);
      assert.equal(readFileSync(join(dir, "history.csv"), "utf8").split("\r\n").filter((l) => l).length, 5);
      const info = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { inputShape: number[]; preprocessing: { kind: string; scale: number }; classNames: string[] };
      assert.deepEqual(info.inputShape, [784]);
      assert.deepEqual(info.preprocessing, { kind: "rescale", scale: 1 / 255 });
      assert.equal(info.classNames[3], "Dress");

      const summary = await lamina("summary", join(dir, "model.keras"));
      assert.equal(summary.code, 0, summary.err);
      assert.match(summary.out, /^Model: "mlp"/);
      assert.match(summary.out, /Total params: 300,938/);
      assert.match((await lamina("summary", join(dir, "model.json"))).out, /Total params: 300,938/);

      // The saved model with run.json's preprocessing scores exactly what training reported.
      const ev = await lamina("evaluate", join(dir, "model.keras"));
      assert.equal(ev.code, 0, ev.err);
      assert.match(ev.out, /^mlp on 100 test samples of fashion_mnist:/);
      assert.match(ev.out, new RegExp(`^  accuracy ${accuracy.toFixed(4)}$`, "m"));

      // A clean class-3 image (28x28 PNG), and the same image at 56x56 (resized back by predict).
      const clean = syntheticImages(10, 3, false);
      const img = tf.constant(clean.images.subarray(3 * 784, 4 * 784), [28, 28, 1], "uint8");
      tf.utils.saveImage(img, join(root, "dress.png"));
      // As a colour JPEG twice the size: predict converts it to grayscale and resizes it.
      const big = tf.cast(tf.image.resize(tf.cast(img, "float32"), [56, 56], { method: "nearest" }), "uint8");
      tf.utils.saveImage(tf.concat([big, big, big], -1), join(root, "dress56.jpg"), { quality: 95 });
      for (const file of ["dress.png", "dress56.jpg"]) {
        const p = await lamina("predict", join(dir, "model.keras"), join(root, file), "--top", "2");
        assert.equal(p.code, 0, p.err);
        const lines = p.out.trim().split("\n");
        assert.match(lines[0], new RegExp(`${file} \\(${file === "dress.png" ? "28x28" : "56x56"}, as 28x28x1\\): probability by class`));
        assert.equal(lines.length, 3);
        assert.match(lines[1], /^ {2}1\. Dress +[01]\.\d{4} {2}\(class 3\)$/);
      }
      const named = await lamina("predict", join(dir, "model.keras"), join(root, "dress.png"), "--classes", "mnist", "--top", "1");
      assert.match(named.out, /1\. 3 /);
      const wrong = await lamina("predict", join(dir, "model.keras"), join(root, "dress.png"), "--classes", "a,b");
      assert.equal(wrong.code, 2);
      assert.match(wrong.err, /the model gives 10 scores but 2 class names were given/);
      const missing = await lamina("predict", join(dir, "model.keras"), join(root, "nope.png"));
      assert.equal(missing.code, 2);
      assert.match(missing.err, /image file .*nope\.png does not exist/);
      const notImage = await lamina("predict", join(dir, "model.keras"), join(dir, "run.json"));
      assert.equal(notImage.code, 1);
      assert.match(notImage.err, /neither a JPEG nor a PNG/);

      // A legacy Keras 2 .h5 copy of the model, without run.json beside it: --dataset is needed.
      const h5 = join(root, "model.h5");
      await (await tf.models.loadModel(join(dir, "model.keras"))).save(h5);
      assert.match((await lamina("summary", h5)).out, /Total params: 300,938/);
      const noDataset = await lamina("evaluate", h5);
      assert.equal(noDataset.code, 2);
      assert.match(noDataset.err, /--dataset is required: there is no run\.json beside/);
      const evH5 = await lamina("evaluate", h5, "--dataset", "fashion_mnist", "--batch-size", "32");
      assert.equal(evH5.code, 0, evH5.err);
      assert.match(evH5.out, new RegExp(`^  accuracy ${accuracy.toFixed(4)}$`, "m"));

      // A model that does not fit the data says which built-in ones do.
      const mismatch = await lamina("train", "--model", "cifar_cnn", "--dataset", "fashion_mnist", "--out", out);
      assert.equal(mismatch.code, 2);
      assert.match(mismatch.err, /the model takes inputs of shape \(32, 32, 3\) \(3072 values\) but fashion_mnist has samples of shape \(28, 28\) \(784 values\); built-in models for fashion_mnist: mlp, cnn, resnet, mnist_convnet/);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("lamina summary reads a module whose default export is (tf) => model", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-module-"));
  try {
    const file = join(dir, "net.mjs");
    writeFileSync(file, `export default (tf) => new tf.models.Sequential([
  tf.layers.Input({ shape: [4] }), tf.layers.Dense(3, { activation: "relu" }), tf.layers.Dense(1),
], { name: "from_module" });\n`);
    const r = await lamina("summary", file);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Model: "from_module"/);
    assert.match(r.out, /Total params: 19 /);
    writeFileSync(join(dir, "bad.mjs"), "export default 42;\n");
    const bad = await lamina("summary", join(dir, "bad.mjs"));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /the module's default export must be a lamina model or a function \(tf\) => model; got number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lamina summary takes Keras' summary options: --expand-nested, --show-trainable, --layer-range, --line-length", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-summary-"));
  try {
    const file = join(dir, "nested.mjs");
    writeFileSync(file, `export default (tf) => {
  const base = new tf.models.Sequential([tf.layers.Input({ shape: [4] }), tf.layers.Dense(3, { name: "inner_dense" })], { name: "base" });
  base.trainable = false;
  return new tf.models.Sequential([tf.layers.Input({ shape: [4] }), base, tf.layers.Dense(2, { name: "head" }), tf.layers.Dense(1, { name: "out" })], { name: "outer" });
};\n`);
    const plain = await lamina("summary", file);
    assert.equal(plain.code, 0, plain.err);
    assert.doesNotMatch(plain.out, /inner_dense/);
    const expanded = await lamina("summary", file, "--expand-nested", "--show-trainable", "--line-length", "90");
    assert.equal(expanded.code, 0, expanded.err);
    assert.match(expanded.out, /│ {4}└ inner_dense \(Dense\) +│ \(None, 3\) +│ +15 │ +N +│/);
    assert.ok(expanded.out.split("\n").every((line) => [...line].length <= 90), expanded.out);
    const ranged = await lamina("summary", file, "--layer-range", "head,out");
    assert.equal(ranged.code, 0, ranged.err);
    assert.doesNotMatch(ranged.out, /base \(Sequential\)/);
    assert.match(ranged.out, /head \(Dense\)[\s\S]*out \(Dense\)/);
    assert.match(ranged.out, /Total params: 26 /);
    const bad = await lamina("summary", file, "--layer-range", "head");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--layer-range takes two layer names, START,END; got 1: head/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lamina train --test-samples: run.json keeps the count, so lamina evaluate scores the saved model on the same samples; an empty training split is refused before any output", { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "lamina-cli-"));
  try {
    writeTinyFashionMnist(join(root, "datasets"));
    await withEnv({ LAMINA_DATASETS: join(root, "datasets") }, async () => {
      const out = join(root, "runs");
      const r = await lamina("train", "--model", "mlp", "--epochs", "1", "--test-samples", "37", "--out", out);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /test 37 \(fashion_mnist\)/);
      const trained = /^test accuracy (\d\.\d{4}), loss (\d+\.\d{4})/m.exec(r.out);
      assert.ok(trained, r.out);
      const model = join(out, readdirSync(out)[0], "model.keras");
      const ev = await lamina("evaluate", model);
      assert.equal(ev.code, 0, ev.err);
      assert.match(ev.out, /^mlp on 37 test samples of fashion_mnist:/);
      assert.match(ev.out, new RegExp(`^  accuracy ${trained[1]}$`, "m"));
      assert.match(ev.out, new RegExp(`^  loss ${trained[2]}$`, "m"));
      // A split that leaves no training sample is a usage error before anything is printed.
      const empty = await lamina("train", "--model", "mlp", "--train-samples", "1", "--out", out);
      assert.equal(empty.code, 2);
      assert.equal(empty.out, "");
      assert.match(empty.err, /^lamina train: --validation-split 0\.2 of 1 samples leaves 0 for training and 1 for validation; both need at least one\n/);
      // --test-samples still chooses.
      assert.match((await lamina("evaluate", model, "--test-samples", "100")).out, /^mlp on 100 test samples/);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("lamina train on a compiled model file: --lr changes the file's optimizer's rate only; a file without an accuracy metric reports its loss", { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "lamina-cli-"));
  try {
    writeTinyFashionMnist(join(root, "datasets"));
    const file = join(root, "net.keras");
    const net = new tf.models.Sequential([tf.layers.Input({ shape: [28, 28] }), tf.layers.Flatten(), tf.layers.Dense(10, { activation: "softmax" })], { name: "net" });
    net.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }) });
    await net.save(file);
    await withEnv({ LAMINA_DATASETS: join(root, "datasets") }, async () => {
      const out = join(root, "runs");
      const r = await lamina("train", "--model", file, "--epochs", "1", "--lr", "0.01", "--out", out);
      assert.equal(r.code, 0, r.err);
      const [first] = readdirSync(out);
      assert.match(readFileSync(join(out, first, "report.html"), "utf8"), /SGD lr 0\.01 \(the model file's\)/);
      const saved = await tf.models.loadModel(join(out, first, "model.keras"));
      const config = saved.optimizer instanceof tf.optimizers.Optimizer ? saved.optimizer.getConfig() : {};
      assert.equal(config.momentum, 0.9);
      assert.ok(Math.abs(Number(config.learning_rate) - 0.01) < 1e-7, String(config.learning_rate));

      const plain = await lamina("train", "--model", file, "--epochs", "1", "--out", join(root, "runs2"));
      assert.equal(plain.code, 0, plain.err);
      const loss = /^test loss (\d+\.\d{4})$/m.exec(plain.out)?.[1];
      assert.ok(loss, plain.out);
      const report = readFileSync(join(root, "runs2", readdirSync(join(root, "runs2"))[0], "report.html"), "utf8");
      assert.match(report, new RegExp(`<b>Test loss ${loss}</b> on 100 samples\\.`));
      assert.doesNotMatch(report, /NaN/);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("--port taken by another program: lamina dashboard and lamina train --dashboard exit 2 naming --port, once prefixed, and train leaves no run folder", { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "lamina-cli-"));
  const blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const expected = `--port ${port}: port ${port} on 127.0.0.1 is already in use; choose another, or --port 0 for a free one\nRun "lamina $1 --help" for usage.\n`;
    const d = await lamina("dashboard", root, "--port", String(port));
    assert.equal(d.code, 2);
    assert.equal(d.err, `lamina dashboard: ${expected.replace("$1", "dashboard")}`);
    writeTinyFashionMnist(join(root, "datasets"));
    await withEnv({ LAMINA_DATASETS: join(root, "datasets") }, async () => {
      const out = join(root, "runs");
      const t = await lamina("train", "--model", "mlp", "--epochs", "1", "--out", out, "--dashboard", "--port", String(port));
      assert.equal(t.code, 2);
      assert.equal(t.err, `lamina train: ${expected.replace("$1", "train")}`);
      assert.deepEqual(readdirSync(out), []);
    });
  } finally {
    await new Promise<void>((done) => blocker.close(() => done()));
    rmSync(root, { recursive: true, force: true });
  }
});

test("lamina predict --top 12 lines up its columns: ranks 1-12 and scores of mixed sign and size right-aligned", async () => {
  const root = mkdtempSync(join(tmpdir(), "lamina-cli-"));
  try {
    // Zero kernel: the scores are the biases, whatever the image.
    const net = new tf.models.Sequential([tf.layers.Input({ shape: [4, 4, 1] }), tf.layers.Flatten(), tf.layers.Dense(12)], { name: "scores" });
    net.layers[1].setWeights([tf.zeros([16, 12]), tf.constant([1, -2.5, 0.125, 30, -100, 0, 7, 8, 9, 10, 11, 0.001])]);
    await net.save(join(root, "scores.keras"));
    tf.utils.saveImage(tf.zeros([4, 4, 1], "uint8"), join(root, "img.png"));
    const r = await lamina("predict", join(root, "scores.keras"), join(root, "img.png"), "--top", "12");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out.split("\n").slice(1, -1), [
      "   1. 3      30.000",
      "   2. 10     11.000",
      "   3. 9      10.000",
      "   4. 8      9.0000",
      "   5. 7      8.0000",
      "   6. 6      7.0000",
      "   7. 0      1.0000",
      "   8. 2     0.12500",
      "   9. 11  0.0010000",
      "  10. 5      0.0000",
      "  11. 1     -2.5000",
      "  12. 4     -100.00",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
