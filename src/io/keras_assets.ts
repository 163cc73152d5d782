/**
 * Keras' layer assets in a `.keras` file (saving_lib's DiskIOStore): a layer that defines
 * `saveAssets(dir)` writes files into a folder of its own, stored in the zip under
 * `assets/<the layer's inner path>/`; at load a layer that defines `loadAssets(dir)` gets that
 * folder back (null when the file has none for it). Files pass through a temporary folder, as
 * Keras' do, because a layer writes and reads them with ordinary file calls.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { StateEntry } from "./keras_state.js";
import type { ZipArchive } from "./zip.js";
import { ModelFileError, errorText } from "./file_error.js";

/** The zip folder Keras keeps assets under (saving_lib._ASSETS_DIRNAME). */
export const ASSETS_DIR = "assets";

/** The zip entry names of the archive's asset files (folders left out). */
export function assetEntryNames(zip: ZipArchive): string[] {
  return [...zip.entries.keys()].filter((k) => k.startsWith(`${ASSETS_DIR}/`) && !k.endsWith("/"));
}

/**
 * Runs every saveAssets of the model's layers on its own folder under `workDir` (Keras'
 * `assets_store.make(inner_path)`: created for each such layer, the model's own being `workDir`)
 * and returns the files written, as zip entries `assets/<path>`, in a stable order.
 */
export async function collectAssets(entries: readonly StateEntry[], workDir: string, file: string): Promise<[string, Uint8Array][]> {
  const root = join(workDir, ASSETS_DIR);
  mkdirSync(root, { recursive: true });
  for (const entry of entries) {
    const layer = entry.layer;
    if (layer?.saveAssets === undefined) continue;
    const dir = entry.path === "" ? root : join(root, ...entry.path.split("/"));
    mkdirSync(dir, { recursive: true });
    try {
      await layer.saveAssets(dir);
    } catch (e) {
      throw new ModelFileError(file, `could not be written: ${entry.label}.saveAssets(${JSON.stringify(dir)}) failed (${errorText(e)}); any previous file is unchanged`);
    }
  }
  return filesUnder(root).map((p) => [`${ASSETS_DIR}/${relative(root, p).split(sep).join("/")}`, new Uint8Array(readFileSync(p))]);
}

/** Every regular file under `dir`, sorted by path (links and other special files left out). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/**
 * Unpacks the archive's assets under `workDir` and hands each layer that defines loadAssets its
 * folder (null when the file has none for it), after its weights are loaded. As Keras, nothing is
 * called when the file holds no assets at all. An asset that no layer reads (Keras' adapted
 * StringLookup vocabulary) is refused, naming the file and the fix, rather than silently dropped.
 */
export async function restoreAssets(zip: ZipArchive, entries: readonly StateEntry[], workDir: string, file: string): Promise<void> {
  const names = assetEntryNames(zip);
  if (names.length === 0) return;
  const readers = entries.filter((e) => e.layer?.loadAssets !== undefined);
  const unread = names.filter((n) => !readers.some((e) => ownsAsset(e.path, n)));
  if (unread.length > 0) {
    throw new ModelFileError(
      file,
      `holds layer assets (${unread.slice(0, 3).join(", ")}) that no layer of the model reads with loadAssets, such as the vocabulary of an adapted ` +
        "StringLookup/IntegerLookup/TextVectorization, which lamina keeps in the config; in Keras, pass the vocabulary to the layer " +
        "(vocabulary=layer.get_vocabulary()) before saving, so that it is stored in the config",
    );
  }
  const root = resolve(workDir, ASSETS_DIR);
  for (const name of names) {
    const target = resolve(root, name.slice(ASSETS_DIR.length + 1));
    // Keras' DiskIOStore rejects a path that escapes the asset folder; so does lamina.
    if (!target.startsWith(root + sep)) throw new ModelFileError(file, `its asset entry ${JSON.stringify(name)} escapes the assets folder; the file is corrupted or crafted`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, zip.extract(name));
  }
  for (const entry of readers) {
    const dir = entry.path === "" ? root : join(root, ...entry.path.split("/"));
    const found = names.some((n) => ownsAsset(entry.path, n)) ? dir : null;
    try {
      await entry.layer!.loadAssets!(found);
    } catch (e) {
      throw new ModelFileError(file, `${entry.label}.loadAssets(${JSON.stringify(found)}) failed: ${errorText(e)}`);
    }
  }
}

/** Whether the asset entry `name` lies in the folder of the object at inner path `path`. */
function ownsAsset(path: string, name: string): boolean {
  return path === "" || name.startsWith(`${ASSETS_DIR}/${path}/`);
}
