import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../test/support/example-timeout.js";

/** Runs the example offline with QUICK=1, figures into `out`; returns stdout and the exit status. */
function run(out: string, args: string[] = [], quick = true): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/000-cnn-batchnorm.ts", ...args], {
    encoding: "utf8", timeout: exampleTimeout(400_000),
    // A wide terminal, as Keras reads it, so summary() rows stay on one line for the patterns below.
    env: { ...process.env, ...(quick ? { QUICK: "1" } : {}), LAMINA_OFFLINE: "1", LAMINA_OUT: out, COLUMNS: "200" },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A summary row: name (type), output shape, parameter count. */
const row = (layer: string, shape: string, params: string): RegExp =>
  new RegExp(`│ ${layer.replace(/[()]/g, "\\$&")} +│ ${shape.replace(/[()]/g, "\\$&")} +│ +${params} │`);

test("examples/000-cnn-batchnorm.ts (QUICK): every cell of notebook 000, the BatchNormalization study and the three directions", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-000-"));
  try {
    const r = run(out);
    assert.equal(r.status, 0, r.stderr);
    const s = r.stdout;
    // The data cells on the whole bundled Fashion-MNIST: scikit-learn's split with random_state=42
    // puts labels 7, 3, 5, 8, 6 first; the scaled pixels have mean ~0 and std ~1 each.
    assert.match(s, /^train: 48000, validation: 12000, test: 10000$/m);
    assert.match(s, /^X_train \[48000,28,28\] uint8, y_train \[48000\] uint8$/m);
    assert.match(s, /^first training labels: sneaker, dress, sandal, bag, shirt$/m);
    const m = /max \|mean\| per pixel = ([-0-9.e+]+), std per pixel in \[([0-9.]+), ([0-9.]+)\]/.exec(s);
    assert.ok(m, s);
    assert.ok(Number(m[1]) < 1e-5 && Number(m[2]) > 0.999 && Number(m[3]) < 1.001, m[0]);
    assert.match(s, /^X_train \[48000,28,28,1\] float32, X_valid \[12000,28,28,1\], X_test \[10000,28,28,1\]$/m);
    assert.match(s, /^random training images: ([a-z/ -]+, ){10}\.\.\./m);
    // The CNN: parameters by hand and with summary().
    assert.match(s, /dense 6272\*64 \+ 64 = 401472, output 64\*10 \+ 10 = 650: total 411690/);
    assert.match(s, /^summary\(\) agrees: true$/m);
    assert.match(s, row("conv2d (Conv2D)", "(None, 28, 28, 32)", "320"));
    assert.match(s, row("conv2d_1 (Conv2D)", "(None, 28, 28, 32)", "9,248"));
    assert.match(s, row("max_pooling2d (MaxPooling2D)", "(None, 14, 14, 32)", "0"));
    assert.match(s, / Total params: 411,690 \(1\.57 MB\)/);
    const cnn = /^CNN: test loss \d+\.\d+, test accuracy (\d\.\d+) after 1 epochs/m.exec(s);
    assert.ok(cnn && Number(cnn[1]) > 0.3, `the CNN learns something in one epoch of 256 images: ${cnn?.[0]}`);
    // BatchNormalization: 128 more parameters, half of them trained.
    assert.match(s, / Total params: 411,818 \(1\.57 MB\)\n Trainable params: 411,754 \(1\.57 MB\)\n Non-trainable params: 64 \(256\.00 B\)/);
    assert.match(s, /the difference, 128, is 4 x 32 channels: gamma and beta are trained \(64\), the moving mean and variance are not \(64\)/);
    // The study: 2 runs of each type (QUICK), aggregated as (runs, epochs) matrices.
    assert.equal(s.match(/^BatchNormalization study: run [12]\/2, with(out)? BatchNormalization/gm)?.length, 4);
    assert.equal(s.match(/aggregateResults\(results, "with(out)? BatchNormalization", "(accuracy|loss)"\): train \(2, 2\), validation \(2, 2\)/g)?.length, 4);
    assert.match(s, /^ {2}with BatchNormalization +train \d\.\d{4} ± \d+\.\d{4} +validation \d\.\d{4} ± \d+\.\d{4}$/m);
    // Pooling: the three variants, their parameter counts, the table.
    assert.match(s, /^no pooling: 1,615,914 parameters$/m);
    assert.match(s, /^\| MaxPool2D \| 411,690 \| \d\.\d{4} \| \d\.\d{4} \| \d+\.\d \|$/m);
    assert.match(s, /^\| AveragePooling2D \| 411,690 \| \d\.\d{4} \| \d\.\d{4} \| \d+\.\d \|$/m);
    assert.match(s, /^\| no pooling \| 1,615,914 \| \d\.\d{4} \| \d\.\d{4} \| \d+\.\d \|$/m);
    // The ResNet by hand and the sharpened cosine-similarity network.
    assert.match(s, /Model: "resnet_by_hand"/);
    assert.match(s, row("add (Add)", "(None, 28, 28, 32)", "0"));
    assert.match(s, /^ResNet by hand: test loss \d+\.\d+, test accuracy \d\.\d+ after 1 epochs/m);
    assert.match(s, row("cos_sim2d (CosSim2D)", "(None, 28, 28, 32)", "321"));
    assert.match(s, row("cos_sim2d_1 (CosSim2D)", "(None, 14, 14, 64)", "18,497"));
    assert.match(s, row("max_abs_pool2d (MaxAbsPool2D)", "(None, 14, 14, 32)", "0"));
    assert.match(s, / Total params: 61,517 \(240\.30 KB\)/);
    const scs = /^CosSim2D network: test loss \d+\.\d+, test accuracy (\d\.\d+) after 1 epochs/m.exec(s);
    assert.ok(scs && Number(scs[1]) > 0.3, `the CosSim2D network learns something: ${scs?.[0]}`);
    assert.match(s, /^learned exponents \(p = exp\(pVar \/ pScale\), e = 2\.72 at the start\): cos_sim2d: p in \[\d\.\d\d, \d\.\d\d\]/m);
    // The closing table has one row per trained network type.
    assert.equal(s.match(/^\| (CNN|batchnorm|pooling|ResNet|CosSim2D)[^|]* \| [\d,]+ \| \d+ \| \d \| \d\.\d{4} \| \d+\.\d \|$/gm)?.length, 8, s);

    // The notebook's figures, as PNG files; the study's curves also as SVG, with both types and their bands.
    const files = readdirSync(out).sort();
    for (const f of ["random-images", "cnn-history", "batchnorm-accuracy", "batchnorm-loss", "pooling-accuracy", "pooling-loss", "pooling-test-accuracy", "resnet-history", "cossim-history"]) {
      assert.ok(files.includes(`${f}.png`), `${f}.png in ${files.join(", ")}`);
      const png = readFileSync(join(out, `${f}.png`));
      assert.ok(png.length > 5000 && png.subarray(1, 4).toString() === "PNG", `${f}.png holds a figure`);
    }
    const svg = readFileSync(join(out, "batchnorm-accuracy.svg"), "utf8");
    for (const label of ["without BatchNormalization", "without BatchNormalization (validation)", "with BatchNormalization", "with BatchNormalization (validation)"]) {
      assert.ok(svg.includes(`>${label}<`), `legend entry ${label}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("examples/000-cnn-batchnorm.ts refuses bad flags with the usage line", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-000-"));
  try {
    for (const [args, message] of [
      [["--parts", "cnn,foo"], /000: unknown part "foo"; the parts are data, cnn, bn, pooling, resnet, cossim/],
      [["--lr", "fast"], /000: --lr must be a positive number, got "fast"/],
      [["--epoch", "3"], /000: Unknown option '--epoch'/],
    ] as const) {
      const r = run(out, [...args], false);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: npm run example -- 000 \[--parts/);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
