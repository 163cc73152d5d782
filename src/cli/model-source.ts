/**
 * Where the CLI's models come from: a built-in reference model by name, a saved model (`.keras`,
 * `.h5` through models.loadModel), an architecture (`.json` through models.modelFromJSON, fresh
 * weights), or an ES module (`.js`/`.mjs`) whose default export is a model or a function
 * `(tf) => model` (given lamina itself, so the module needs no import of its own).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "../index.js";
import { UsageError } from "./args.js";
import { MODEL_NAMES, REFERENCE_MODELS, isModelName, type ReferenceModel } from "./reference-models.js";

type Model = tf.models.Model;

export interface LoadedModel {
  model: Model;
  /** The reference model's spec when the name was a built-in one. */
  reference: ReferenceModel | null;
  /** The built-in name or the resolved file path. */
  source: string;
  /** True for files holding trained weights (.keras, .h5). */
  trained: boolean;
}

export const SAVED_MODEL_EXTENSIONS = [".keras", ".h5", ".hdf5"] as const;
const MODULE_EXTENSIONS = [".js", ".mjs", ".ts", ".mts"];

function isModel(v: unknown): v is Model {
  if (v instanceof tf.models.Model) return true;
  // A module that imported another copy of lamina gives a model of that copy; it still trains.
  const m = v as Partial<Record<"fit" | "compile" | "summary" | "predict", unknown>> | null;
  return typeof m === "object" && m !== null && ["fit", "compile", "summary", "predict"].every((k) => typeof m[k as keyof typeof m] === "function");
}

/** Checks that `path` names a readable file; UsageError (exit code 2) otherwise. */
export function requireFile(path: string, what: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UsageError(`${what} ${path} does not exist`);
  if (!statSync(abs).isFile()) throw new UsageError(`${what} ${path} is not a file`);
  return abs;
}

const KINDS = `a built-in model (${MODEL_NAMES.join(", ")}) or a model file: .keras or .h5 (saved model), .json (architecture), .js or .mjs (module whose default export is a model or (tf) => model)`;

/**
 * The model `spec` names. `builtIn: false` refuses built-in names (evaluate and predict need
 * trained weights). Missing files and unknown kinds are UsageErrors.
 */
export async function loadModelSpec(spec: string, opts: { builtIn: boolean; compile?: boolean }): Promise<LoadedModel> {
  if (isModelName(spec)) {
    if (!opts.builtIn) throw new UsageError(`"${spec}" is a built-in architecture without trained weights; give a saved model file (.keras or .h5) written by lamina train`);
    const reference = REFERENCE_MODELS[spec];
    return { model: reference.build(), reference, source: spec, trained: false };
  }
  const ext = extname(spec).toLowerCase();
  const known = [...SAVED_MODEL_EXTENSIONS, ".json", ...MODULE_EXTENSIONS] as string[];
  if (!known.includes(ext)) {
    if (!existsSync(spec)) throw new UsageError(`unknown model "${spec}"; expected ${KINDS}`);
    throw new UsageError(`cannot read a model from ${spec} (extension "${ext || "none"}"); expected ${KINDS}`);
  }
  const path = requireFile(spec, "model file");
  if ((SAVED_MODEL_EXTENSIONS as readonly string[]).includes(ext)) {
    return { model: await tf.models.loadModel(path, { compile: opts.compile ?? true }), reference: null, source: path, trained: true };
  }
  if (ext === ".json") {
    return { model: tf.models.modelFromJSON(readFileSync(path, "utf8"), { compile: opts.compile ?? true }), reference: null, source: path, trained: false };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw new UsageError(`${spec}: Node cannot import TypeScript by itself; compile it to .js (tsc) or run lamina through tsx`);
    }
    throw new Error(`${spec}: importing the model module failed: ${err.message}`);
  }
  let exported = mod.default ?? mod.model;
  if (typeof exported === "function" && !isModel(exported)) exported = await (exported as (lib: typeof tf) => unknown)(tf);
  if (!isModel(exported)) {
    throw new UsageError(`${spec}: the module's default export must be a lamina model or a function (tf) => model; got ${exported === null ? "null" : typeof exported}`);
  }
  return { model: exported, reference: null, source: path, trained: false };
}

/** The input shape of a one-input model, without the batch axis. */
export function modelInputShape(model: Model, where: string): number[] {
  const shape = model.builtInputShape;
  if (!model.built || shape === null || shape === undefined) {
    throw new UsageError(`${where}: model "${model.name}" has no known input shape; start it with layers.Input({ shape })`);
  }
  if (Array.isArray(shape[0])) throw new UsageError(`${where}: model "${model.name}" has several inputs; the lamina command handles models with one input`);
  const dims = (shape as readonly (number | null)[]).slice(1);
  if (dims.some((d) => d === null)) throw new UsageError(`${where}: model "${model.name}" has an input shape with unknown sizes (${dims.join(", ")}); give every size in layers.Input({ shape })`);
  return dims as number[];
}

/** The size of the last axis of a one-output model (the number of classes of a classifier). */
export function modelOutputUnits(model: Model, inputShape: readonly number[]): number | null {
  const out = model.computeOutputShape([null, ...inputShape]);
  if (Array.isArray(out[0])) return null;
  const last = (out as readonly (number | null)[])[out.length - 1];
  return typeof last === "number" ? last : null;
}
