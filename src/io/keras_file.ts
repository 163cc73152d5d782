/**
 * Keras 3's `.keras` file: a zip holding `metadata.json` ({ keras_version, date_saved }),
 * `config.json` (the model serialized as keras.saving.serialize_keras_object writes it, with
 * compile_config and build_config) and `model.weights.h5` (the Keras 3 weight layout of
 * keras_state.ts), in that order and uncompressed, as saving_lib.save_model writes it, then the
 * layers' assets under `assets/` (keras_assets.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../models/model.js";
import { type JsonObject, modelFromConfig, serializeLayer } from "./serialization.js";
import { Hdf5File } from "./h5.js";
import { ModelFileError, errorText } from "./file_error.js";
import { ZipArchive, writeZip } from "./zip.js";
import { writeBytesAtomically } from "./atomic_write.js";
import { type ReadStateOptions, readState, stateEntries, writeState } from "./keras_state.js";
import type { LoadModelOptions, SaveModelOptions } from "./file_options.js";
import { assetEntryNames, collectAssets, restoreAssets } from "./keras_assets.js";

/** The Keras release whose file layout lamina writes (vars groups carry a `name` attribute since 3.6). */
export const KERAS_VERSION = "3.10.0";

export const CONFIG = "config.json";
export const METADATA = "metadata.json";
const WEIGHTS = "model.weights.h5";

/** Python's datetime.now().strftime("%Y-%m-%d@%H:%M:%S"). */
function dateSaved(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Runs `use(dir)` with a private temporary directory, removed afterwards. The HDF5 library works
 * on files, so the weights pass through the system's temporary folder; when that folder is
 * missing, read-only or full, the error names the model file and the fix rather than a bare errno.
 */
async function withTempDir<T>(file: string, use: (dir: string) => Promise<T> | T): Promise<T> {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), "lamina-h5-"));
  } catch (e) {
    throw new ModelFileError(file, `needs a temporary folder for the HDF5 weights, and none can be made in ${tmpdir()} (${errorText(e)}); set TMPDIR to a writable folder with free space`);
  }
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bytes of an HDF5 file holding the Keras 3 weight layout of `model`. */
export async function kerasWeightsBytes(model: Model, includeOptimizer: boolean, display: string): Promise<Uint8Array> {
  return withTempDir(display, async (dir) => {
    const path = join(dir, WEIGHTS);
    const h5 = await Hdf5File.create(path, display);
    try {
      writeState(h5, stateEntries(model, includeOptimizer));
    } finally {
      h5.close();
    }
    return new Uint8Array(readFileSync(path));
  });
}

/** The config.json object of `model` (compile_config dropped without the optimizer). */
export function kerasConfig(model: Model, includeOptimizer: boolean): JsonObject {
  // Without the optimizer the compile settings are not even read: a setting that cannot be
  // written does not stop a save that leaves them out.
  return serializeLayer(model, { compileConfig: includeOptimizer }) as unknown as JsonObject;
}

/** saving_lib.save_model's warning for a model not built yet (it still writes the file). */
export const UNBUILT_SAVE_WARNING =
  "You are saving a model that has not yet been built. It might not contain any weights yet. Consider building the model first by calling it on some data.";

export async function saveKerasFile(model: Model, path: string, opts: SaveModelOptions): Promise<void> {
  if (!model.built) console.warn(`${path}: ${UNBUILT_SAVE_WARNING}`);
  const includeOptimizer = opts.includeOptimizer ?? true;
  let configText: string;
  try {
    configText = JSON.stringify(kerasConfig(model, includeOptimizer));
  } catch (e) {
    throw new ModelFileError(path, `cannot be written: the model's config cannot be serialized (${errorText(e)})`);
  }
  const metadata = JSON.stringify({ keras_version: KERAS_VERSION, date_saved: dateSaved() });
  let weights: Uint8Array;
  try {
    weights = await kerasWeightsBytes(model, includeOptimizer, `${path} (${WEIGHTS})`);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(path, `could not be written: its ${WEIGHTS} failed (${errorText(e)}); any previous file is unchanged`);
  }
  // Keras writes the layers' assets (saveAssets) after the weights, under assets/.
  const entries = stateEntries(model, includeOptimizer);
  const assets = entries.some((e) => e.layer?.saveAssets !== undefined) ? await withTempDir(path, (dir) => collectAssets(entries, dir, path)) : [];
  const encoder = new TextEncoder();
  const zip = writeZip([[METADATA, encoder.encode(metadata)], [CONFIG, encoder.encode(configText)], [WEIGHTS, weights], ...assets]);
  await writeBytesAtomically(path, zip, { overwrite: opts.overwrite });
}

/** The zip of a .keras file, read whole (a clear error when missing or not a zip). */
export function readKerasArchive(path: string): ZipArchive {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a .keras file" : `cannot be read (${errorText(e)})`);
  }
  return ZipArchive.read(bytes, path);
}

/** A JSON entry of the archive, parsed (a ModelFileError naming the entry when it is not JSON). */
export function parseJsonEntry(zip: ZipArchive, name: string, path: string): unknown {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(zip.extract(name));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(path, `its ${name} is not valid JSON (${errorText(e)})`);
  }
}

/** Opens the archive's weights (written to a temporary file for HDF5) and runs `use` on them. */
export async function withArchiveWeights<T>(zip: ZipArchive, path: string, use: (h5: Hdf5File) => T): Promise<T> {
  if (!zip.has(WEIGHTS)) {
    if (zip.has("model.weights.npz")) throw new ModelFileError(path, "stores its weights as model.weights.npz (Keras' npz weights format), which lamina does not read; save it in Keras with the default h5 weights");
    throw new ModelFileError(path, `has no ${WEIGHTS} entry (it has ${[...zip.entries.keys()].join(", ") || "no entries"}); it is not a complete .keras file`);
  }
  const bytes = zip.extract(WEIGHTS);
  return withTempDir(path, async (dir) => {
    const tmp = join(dir, WEIGHTS);
    try {
      writeFileSync(tmp, bytes);
    } catch (e) {
      throw new ModelFileError(path, `cannot unpack its ${WEIGHTS} into ${dir} (${errorText(e)}); free space there or set TMPDIR to a writable folder`);
    }
    const h5 = await Hdf5File.openForReading(tmp, `${path} (${WEIGHTS})`);
    try {
      return use(h5);
    } finally {
      h5.close();
    }
  });
}

/** metadata.json's keras_version (checking the file is a JSON object), if it has one. */
function archiveKerasVersion(zip: ZipArchive, path: string): string | undefined {
  if (!zip.has(METADATA)) return undefined;
  const metadata = parseJsonEntry(zip, METADATA, path);
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) throw new ModelFileError(path, `its ${METADATA} is not a JSON object`);
  const version = (metadata as Record<string, unknown>).keras_version;
  return typeof version === "string" ? version : undefined;
}

export async function loadKerasFile(path: string, opts: LoadModelOptions): Promise<Model> {
  const zip = readKerasArchive(path);
  const config = parseJsonEntry(zip, CONFIG, path);
  if (typeof config !== "object" || config === null || Array.isArray(config) || typeof (config as Record<string, unknown>).class_name !== "string") {
    throw new ModelFileError(path, `its ${CONFIG} is not a serialized model (expected an object with class_name and config)`);
  }
  const kerasVersion = archiveKerasVersion(zip, path);
  let model: Model;
  try {
    model = modelFromConfig(config as Record<string, unknown>, { customObjects: opts.customObjects, safeMode: opts.safeMode ?? true, compile: opts.compile ?? true });
  } catch (e) {
    throw new ModelFileError(path, `its ${CONFIG} cannot be turned into a model: ${errorText(e)}`);
  }
  const includeOptimizer = (opts.compile ?? true) && model.compiled !== null;
  const entries = stateEntries(model, includeOptimizer);
  await withArchiveWeights(zip, path, (h5) => readState(h5, entries, { kerasVersion }));
  // Then the layers' assets (loadAssets), as Keras' _load_state follows load_own_variables with load_assets.
  if (assetEntryNames(zip).length > 0) await withTempDir(path, (dir) => restoreAssets(zip, entries, dir, path));
  return model;
}

/** Loads the weights of a .keras file into an existing model (Keras' load_weights on a .keras). */
export async function loadKerasFileWeights(model: Model, path: string, opts: ReadStateOptions): Promise<void> {
  const zip = readKerasArchive(path);
  const kerasVersion = archiveKerasVersion(zip, path);
  await withArchiveWeights(zip, path, (h5) => readState(h5, stateEntries(model, model.compiled !== null), { ...opts, kerasVersion }));
}
