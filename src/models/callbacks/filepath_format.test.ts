import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFilepath } from "./filepath_format.js";

// Expected strings printed by CPython 3 (Debian's /usr/bin/python3) for `template.format(**values)`:
//   print(repr(template.format(**values)))
const CASES: [string, Record<string, number>, string][] = [
  ["model-{epoch:02d}-{val_loss:.2f}.keras", { epoch: 3, val_loss: 0.41499999 }, "model-03-0.41.keras"],
  ["w.{epoch:03d}-{loss:.4f}-{val_accuracy:.3%}.weights.h5", { epoch: 12, loss: 1.23456789, val_accuracy: 0.87654 }, "w.012-1.2346-87.654%.weights.h5"],
  ["{epoch}_{loss}_{loss:e}_{loss:.3e}_{loss:g}_{loss:.3}", { epoch: 7, loss: 0.000123456 }, "7_0.000123456_1.234560e-04_1.235e-04_0.000123456_0.000123"],
  ["{epoch:>5}|{epoch:<5}|{epoch:^5}|{epoch:*^6}|{epoch:+d}|{loss:+08.3f}|{loss: .1f}", { epoch: 42, loss: -3.14159 }, "   42|42   | 42  |**42**|+42|-003.142|-3.1"],
  ["{big:,.1f}_{big:_.0f}_{epoch:,d}", { big: 1234567.891, epoch: 1234567 }, "1,234,567.9_1_234_568_1,234,567"],
  ["{loss:.2f}_{loss:g}_{acc:.2}_{acc}", { loss: NaN, acc: 1.0 }, "nan_nan_1.0_1.0"],
  ["{{literal}}-{epoch:02d}", { epoch: 1 }, "{literal}-01"],
  ["{loss:.1f}-{loss:.0f}-{x:.2f}", { loss: 0.25, x: 2.675 }, "0.2-0-2.67"], // round half to even on the exact binary value
  ["{x:g}-{y:g}-{z:G}-{w:.2g}", { x: 1234567.0, y: 100000.0, z: 1e-5, w: 0.0001234 }, "1.23457e+06-100000-1E-05-0.00012"],
];

test("formatFilepath: Python's str.format on checkpoint names, character for character", () => {
  for (const [template, values, want] of CASES) {
    const ints: Record<string, number> = {}, floats: Record<string, number> = {};
    for (const [k, v] of Object.entries(values)) (k === "epoch" ? ints : floats)[k] = v;
    assert.equal(formatFilepath(template, { ints, floats }, "ModelCheckpoint"), want, template);
  }
});

test("formatFilepath: clear errors for unknown fields, 'd' on a float, stray braces", () => {
  const values = { ints: { epoch: 1 }, floats: { loss: 0.5 } };
  assert.throws(() => formatFilepath("m-{val_loss:.2f}.keras", values, "ModelCheckpoint"), /ModelCheckpoint: failed to format the file path "m-\{val_loss:\.2f\}\.keras": no value named 'val_loss' \(available: epoch, loss\)/);
  assert.throws(() => formatFilepath("m-{loss:02d}.keras", values, "ModelCheckpoint"), /unknown format code 'd' for the float field "loss"/);
  assert.throws(() => formatFilepath("m-{epoch.keras", values, "ModelCheckpoint"), /single '\{' encountered/);
  assert.throws(() => formatFilepath("m-}.keras", values, "ModelCheckpoint"), /single '\}' encountered/);
  assert.throws(() => formatFilepath("m-{0}.keras", values, "ModelCheckpoint"), /only named fields/);
  assert.throws(() => formatFilepath("m-{epoch:.2}.keras", values, "ModelCheckpoint"), /precision not allowed in integer format specifier/);
});
