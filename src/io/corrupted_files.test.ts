import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ZipArchive, writeZip } from "./zip.js";
import { Hdf5File } from "./h5.js";

const { layers, models } = tf;

const dir = mkdtempSync(join(tmpdir(), "lamina-corrupted-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

function model(units: number): tf.models.Sequential {
  return new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(units, { name: "d" }), layers.Dense(3, { name: "out" })]);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function flipped(bytes: Uint8Array, at: number, mask = 0xff): Uint8Array {
  const out = bytes.slice();
  out[at] ^= mask;
  return out;
}

/** A legacy .h5 written by hand: model_config text and the weights of `weightsOf` (each layer's kernel and bias). */
async function handMadeH5(path: string, modelConfig: string | null, weightsOf: tf.models.Sequential | null): Promise<void> {
  const h5 = await Hdf5File.create(path);
  try {
    if (modelConfig !== null) h5.writeTextAttr("", "model_config", modelConfig, "ascii");
    if (weightsOf) {
      h5.ensureGroup("model_weights");
      h5.writeTextAttr("model_weights", "layer_names", weightsOf.layers.map((l) => l.name), "ascii");
      for (const l of weightsOf.layers) {
        // Keras 2's names: the layer's own scope, without the Sequential's (dense/kernel:0).
        const names = l.weights.map((w) => `${l.name}/${w.name.split("/").at(-1)}:0`);
        h5.ensureGroup(`model_weights/${l.name}`);
        h5.writeTextAttr(`model_weights/${l.name}`, "weight_names", names, "ascii");
        l.weights.forEach((w, i) => h5.writeArray(`model_weights/${l.name}/${names[i]}`, { shape: [...w.shape], dtype: "float32", data: w.dataSync() as Float32Array }));
      }
    }
  } finally {
    h5.close();
  }
}

test("20+ corrupted, truncated, foreign and mismatched files give clear errors naming the file, and nothing on stderr", async () => {
  const good = model(5);
  const goodKeras = join(dir, "good.keras");
  const goodH5 = join(dir, "good.h5");
  await good.save(goodKeras);
  await good.save(goodH5);
  const other = model(7);
  const otherKeras = join(dir, "other.keras");
  await other.save(otherKeras);
  const K = new Uint8Array(readFileSync(goodKeras));
  const H = new Uint8Array(readFileSync(goodH5));
  const zip = ZipArchive.read(K, goodKeras);
  const [meta, config, weights] = ["metadata.json", "config.json", "model.weights.h5"].map((n) => zip.extract(n));
  const otherWeights = ZipArchive.read(new Uint8Array(readFileSync(otherKeras)), otherKeras).extract("model.weights.h5");
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const goodConfigText = new TextDecoder().decode(config);

  const variants: [string, Uint8Array | null, RegExp][] = [
    ["empty.keras", new Uint8Array(0), /is not a \.keras file \(a zip archive\): the file is empty/],
    ["truncated-half.keras", K.slice(0, K.length >> 1), /end-of-central-directory record is missing/],
    ["truncated-tail.keras", K.slice(0, K.length - 10), /end-of-central-directory record is missing/],
    ["truncated-head.keras", K.slice(0, 12), /is a damaged zip archive: 12 bytes, shorter than a zip.s end record \(the file is truncated\?\)/],
    ["flip-config.keras", flipped(K, indexOf(K, text('"class_name"')) + 3), /entry "config\.json" is corrupted \(CRC-32 mismatch\)/],
    ["flip-weights.keras", flipped(K, indexOf(K, new Uint8Array([0x89, 0x48, 0x44, 0x46])) + 300, 0x01), /entry "model\.weights\.h5" is corrupted \(CRC-32 mismatch\)/],
    ["flip-directory.keras", flipped(K, indexOf(K, new Uint8Array([0x50, 0x4b, 0x01, 0x02])) + 2), /central directory entry 0 is corrupted/],
    ["no-config.keras", writeZip([["metadata.json", meta], ["model.weights.h5", weights]]), /has no "config\.json" entry/],
    ["no-weights.keras", writeZip([["metadata.json", meta], ["config.json", config]]), /has no model\.weights\.h5 entry/],
    ["bad-json.keras", writeZip([["metadata.json", meta], ["config.json", text("{not json")], ["model.weights.h5", weights]]), /its config\.json is not valid JSON/],
    ["not-a-model.keras", writeZip([["metadata.json", meta], ["config.json", text('{"hello": 1}')], ["model.weights.h5", weights]]), /its config\.json is not a serialized model/],
    ["unknown-class.keras", writeZip([["metadata.json", meta], ["config.json", text(goodConfigText.replace('"class_name":"Dense"', '"class_name":"FancyLayer"'))], ["model.weights.h5", weights]]), /its config\.json cannot be turned into a model: .*unknown layer class "FancyLayer"/],
    ["text-weights.keras", writeZip([["metadata.json", meta], ["config.json", config], ["model.weights.h5", text("these are not weights")]]), /\(model\.weights\.h5\): is not an HDF5 file: it is a text file/],
    ["truncated-weights.keras", writeZip([["metadata.json", meta], ["config.json", config], ["model.weights.h5", weights.slice(0, weights.length >> 1)]]), /\(model\.weights\.h5\): the file is truncated: it has \d+ bytes but its HDF5 superblock says it ends at byte \d+/],
    ["wrong-shapes.keras", writeZip([["metadata.json", meta], ["config.json", config], ["model.weights.h5", otherWeights]]), /does not match the model: layer "d" \(Dense\): weight 0 \(d\/kernel\) has shape \(4, 5\) in the model but \(4, 7\) in the file/],
    ["png.keras", PNG, /is not a \.keras file \(a zip archive\): it is a PNG image/],
    ["hdf5.keras", H, /it is an HDF5 file; name it \.h5/],
    ["empty.h5", new Uint8Array(0), /is not an HDF5 file: the file is empty/],
    ["truncated.h5", H.slice(0, H.length >> 1), /the file is truncated: it has \d+ bytes but its HDF5 superblock says it ends at byte \d+/],
    ["png.h5", PNG, /is not an HDF5 file: it is a PNG image/],
    ["zip.h5", K, /is not an HDF5 file: it is a zip archive \(a \.keras file is a zip: name it \.keras\)/],
    ["bad-superblock-version.h5", flipped(H, 8, H[8] ^ 127), /its HDF5 superblock has version 127/],
    ["flip-superblock.h5", flipped(H, 13, 0x10), /its HDF5 superblock is corrupted \(checksum mismatch\)/],
    ["bad-config.h5", null, /its model_config attribute is not valid JSON/],
    ["wrong-shapes.h5", null, /does not match the model: layer #0 \("d"\): layer "d" weight d\/kernel has shape \(4, 5\) in the model but the file's "d\/kernel:0" has shape \(4, 7\)/],
    ["no-weights.h5", null, /has no model_weights group/],
  ];
  for (const [name, bytes] of variants) if (bytes !== null) writeFileSync(join(dir, name), bytes);
  const configH5 = JSON.stringify(JSON.parse(new TextDecoder().decode(config)));
  await handMadeH5(join(dir, "bad-config.h5"), "{oops", good);
  await handMadeH5(join(dir, "wrong-shapes.h5"), configH5, other);
  await handMadeH5(join(dir, "no-weights.h5"), configH5, null);
  assert.ok(variants.length >= 20);

  const child = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/load_model_files.ts", ...variants.map(([n]) => join(dir, n))], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.doesNotMatch(child.stderr.replace(/^npm warn.*$/gm, ""), /\S/, `nothing may reach stderr, got: ${child.stderr}`);
  const results = JSON.parse(child.stdout.trim().split("\n").at(-1) as string) as { file: string; ok: boolean; name?: string; message?: string }[];
  results.forEach((r, i) => {
    const [name, , expected] = variants[i];
    assert.equal(r.ok, false, `${name} loaded without error`);
    assert.equal(r.name, "ModelFileError", `${name}: ${r.message}`);
    assert.ok(r.message?.startsWith(`${join(dir, name)}`), `${name}: the message names the file: ${r.message}`);
    assert.match(r.message as string, expected, name);
  });
});
