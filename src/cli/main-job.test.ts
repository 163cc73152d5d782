import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { PNG } from "pngjs";

test("the main job trains, evaluates and writes its run folder (small settings)", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-runs-"));
  const stdout = execFileSync(process.execPath, ["--import", "tsx", "src/cli/main-job.ts", "--epochs", "1", "--train-samples", "1500", "--out", out], { encoding: "utf8" });
  assert.match(stdout, /train 1200, validation 300, test 10000/);
  assert.match(stdout, /Total params: 411,690/);
  const acc = Number(/test accuracy (\d\.\d+)/.exec(stdout)?.[1]);
  assert.ok(acc > 0.6, `test accuracy ${acc}`);
  const [run] = readdirSync(out);
  const dir = join(out, run);
  assert.deepEqual(readdirSync(dir).sort(), ["confusion.png", "history.csv", "history.png", "model.json", "model.keras", "report.html", "run.json", "samples.png"]);
  assert.match(readFileSync(join(dir, "history.csv"), "utf8"), /^epoch,accuracy,loss,val_accuracy,val_loss/);
  for (const f of ["history.png", "samples.png", "confusion.png"]) {
    const png = PNG.sync.read(readFileSync(join(dir, f)));
    const colors = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 97) colors.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
    assert.ok(png.width > 300 && png.height > 200 && colors.size > 10, `${f}: ${png.width}x${png.height}, ${colors.size} colours`);
  }
  const report = readFileSync(join(dir, "report.html"), "utf8");
  assert.match(report, /Test accuracy 0\.\d{4}/);
  assert.match(report, /<a href="model.keras">/);
  // run.json holds the standardization the model was trained with, for lamina evaluate/predict.
  const info = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { preprocessing: { kind: string; mean: number[]; scale: number[] }; classNames: string[] };
  assert.equal(info.preprocessing.kind, "standardize");
  assert.equal(info.preprocessing.mean.length, 784);
  assert.equal(info.classNames.length, 10);
});

test("the main job refuses bad flags with exit code 2", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main-job.ts", "--epochs", "zero"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--epochs must be a positive integer/);
});
