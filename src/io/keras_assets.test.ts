// Keras' save_assets / load_assets: a layer's own files, kept under assets/<layer path>/ in a .keras file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ZipArchive, writeZip } from "./zip.js";

const { layers, models, saving } = tf;

/** Keras' guide's LayerWithCustomAssets: a Dense with a vocabulary kept in a text file. */
class VocabDense extends layers.classes.Dense {
  vocab: string | null;
  loadedFrom: string | null | undefined = undefined;
  constructor(args: ConstructorParameters<typeof layers.classes.Dense>[0] & { vocab?: string | null }) {
    super(args);
    this.vocab = args.vocab ?? null;
  }
  override async saveAssets(dir: string): Promise<void> {
    writeFileSync(join(dir, "vocabulary.txt"), this.vocab ?? "");
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "extra.bin"), new Uint8Array([1, 2, 3]));
  }
  override loadAssets(dir: string | null): void {
    this.loadedFrom = dir;
    if (dir !== null) this.vocab = readFileSync(join(dir, "vocabulary.txt"), "utf8").replace("<unk>", "little");
  }
}
saving.registerKerasSerializable({ package: "AssetsTest" })(VocabDense);

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lamina-assets-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test("saveAssets files are stored under assets/<the layer's Keras path>/ after the weights, and loadAssets gets them back", () =>
  withDir(async (dir) => {
    const model = new models.Sequential([layers.Input({ shape: [3] }), new VocabDense({ units: 2, vocab: "Mary had a <unk> lamb.", name: "vocab_dense" }), layers.Dense(1)]);
    const path = join(dir, "m.keras");
    await model.save(path);
    const zip = ZipArchive.read(new Uint8Array(readFileSync(path)), path);
    // saving_lib: metadata.json, config.json, model.weights.h5, then the asset store's files.
    assert.deepEqual([...zip.entries.keys()], [
      "metadata.json", "config.json", "model.weights.h5",
      "assets/layers/vocab_dense/sub/extra.bin", "assets/layers/vocab_dense/vocabulary.txt",
    ]);
    assert.equal(new TextDecoder().decode(zip.extract("assets/layers/vocab_dense/vocabulary.txt")), "Mary had a <unk> lamb.");

    const loaded = await models.loadModel(path);
    const layer = loaded.layers[0] as VocabDense;
    assert.equal(layer.vocab, "Mary had a little lamb.");
    // The folder was a temporary one, gone once loadModel returns.
    assert.ok(layer.loadedFrom !== null && layer.loadedFrom !== undefined && !existsSync(layer.loadedFrom));
    assert.deepEqual(loaded.getWeights().map((w) => w.arraySync()), model.getWeights().map((w) => w.arraySync()));
  }));

test("a model without saveAssets writes no assets/ entries; loadAssets is not called for a file without assets, and gets null when the file has none for its layer", () =>
  withDir(async (dir) => {
    const plain = join(dir, "plain.keras");
    await new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]).save(plain);
    assert.deepEqual([...ZipArchive.read(new Uint8Array(readFileSync(plain)), plain).entries.keys()], ["metadata.json", "config.json", "model.weights.h5"]);

    // A file written by a model whose layer had no assets to save: loadAssets is not called (Keras: no asset store).
    class Quiet extends VocabDense {
      override async saveAssets(): Promise<void> {}
    }
    saving.registerKerasSerializable({ package: "AssetsTest" })(Quiet);
    const quietPath = join(dir, "quiet.keras");
    await new models.Sequential([layers.Input({ shape: [3] }), new Quiet({ units: 2, name: "q" })]).save(quietPath);
    const loadedQuiet = await models.loadModel(quietPath);
    assert.equal((loadedQuiet.layers[0] as Quiet).loadedFrom, undefined);

    // Two asset layers, one with files and one without: the second gets null (Keras' assets_store.get -> None).
    const both = join(dir, "both.keras");
    await new models.Sequential([layers.Input({ shape: [3] }), new VocabDense({ units: 2, vocab: "a", name: "a" }), new Quiet({ units: 2, name: "b" })]).save(both);
    const loadedBoth = await models.loadModel(both);
    assert.equal((loadedBoth.layers[0] as VocabDense).vocab, "a");
    assert.equal((loadedBoth.layers[1] as Quiet).loadedFrom, null);
  }));

test("assets no layer reads, an entry escaping the assets folder and a failing saveAssets/loadAssets give file errors naming the fault", () =>
  withDir(async (dir) => {
    const path = join(dir, "m.keras");
    await new models.Sequential([layers.Input({ shape: [3] }), new VocabDense({ units: 2, vocab: "x", name: "v" })]).save(path);
    const zip = ZipArchive.read(new Uint8Array(readFileSync(path)), path);
    const entries = (extra: [string, Uint8Array][]): [string, Uint8Array][] => [...[...zip.entries.keys()].map((k): [string, Uint8Array] => [k, zip.extract(k)]), ...extra];

    const unread = join(dir, "unread.keras");
    writeFileSync(unread, writeZip(entries([["assets/layers/string_lookup/vocabulary.txt", new TextEncoder().encode("a\nb")]])));
    await assert.rejects(models.loadModel(unread), /holds layer assets \(assets\/layers\/string_lookup\/vocabulary\.txt\) that no layer of the model reads with loadAssets/);

    const escaping = join(dir, "escaping.keras");
    writeFileSync(escaping, writeZip(entries([["assets/layers/vocab_dense/../../../evil.txt", new Uint8Array([1])]])));
    await assert.rejects(models.loadModel(escaping), /asset entry "assets\/layers\/vocab_dense\/\.\.\/\.\.\/\.\.\/evil\.txt" escapes the assets folder/);

    class Broken extends VocabDense {
      override async saveAssets(): Promise<void> {
        throw new Error("disk on fire");
      }
    }
    saving.registerKerasSerializable({ package: "AssetsTest" })(Broken);
    const broken = join(dir, "broken.keras");
    await assert.rejects(new models.Sequential([layers.Input({ shape: [3] }), new Broken({ units: 1, name: "br" })]).save(broken), /broken\.keras: could not be written: layer "br" \(Broken\)\.saveAssets\(.*\) failed \(disk on fire\)/);
    assert.ok(!existsSync(broken), "nothing is written when an asset fails");

    class BadLoad extends VocabDense {
      override loadAssets(): void {
        throw new Error("bad vocabulary");
      }
    }
    saving.registerKerasSerializable({ package: "AssetsTest" })(BadLoad);
    const badPath = join(dir, "bad.keras");
    await new models.Sequential([layers.Input({ shape: [3] }), new BadLoad({ units: 1, name: "bl", vocab: "v" })]).save(badPath);
    await assert.rejects(models.loadModel(badPath), /layer "bl" \(BadLoad\)\.loadAssets\(.*\) failed: bad vocabulary/);
  }));
