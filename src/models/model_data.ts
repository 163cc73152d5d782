/** fit's, evaluate's and predict's x and y, as given (tensors, arrays, lists, objects keyed by name), turned into the tensors the model takes. */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import type { CompiledState, Data, KeyedData, ModelData, Targets } from "./training.js";
import { isKeyedData, toTensorData } from "./data_rows.js";
import { zeros } from "../tensor/creation.js";
import { EVALUATE_OPTIONS, FIT_OPTIONS } from "./model_args.js";

/** What inputsFor reads of the model: its name and (only for x keyed by name) its inputs' names or keys. */
export interface InputOwner {
  readonly name: string;
  readonly inputs: readonly SymbolicTensor[];
  /** The keys of a model built with `inputs` as an object, in flat order: x is keyed by them rather than by the Inputs' names. */
  readonly inputKeys?: readonly string[] | null;
}

/**
 * Inputs as the model takes them: one tensor, a list in input order, or an object keyed by input
 * name (as Keras accepts). `dtypes` are the model's declared input dtypes, in input order.
 */
export function inputsFor(model: InputOwner, dtypes: readonly DType[], xIn: ModelData, what: string, op: string): Tensor | Tensor[] {
  if (!isKeyedData(xIn)) return toTensorData(xIn, what, op, dtypes);
  const names = inputNames(model);
  const ordered = inInputOrder(model, xIn, what, op).map((v, k) => toTensorData(v, `${what} "${names[k]}"`, op, [dtypes[k]]) as Tensor);
  return ordered.length === 1 ? ordered[0] : ordered;
}

/** The names x may be keyed by: the keys of a model built with keyed inputs, else its Inputs' names. */
function inputNames(model: InputOwner): readonly string[] {
  return model.inputKeys ?? model.inputs.map((t) => t.sourceLayer.name);
}

/**
 * The values of an object keyed by input name, in the model's input order (Keras'
 * Functional._standardize_inputs): what fit/evaluate/predict and a call on the model take. `role`
 * names what the keys stand for in messages ("input", or "output" for predictions keyed by output).
 */
export function inInputOrder<T>(model: InputOwner, rec: Readonly<Record<string, T>>, what: string, op: string, role = "input"): T[] {
  const names = inputNames(model);
  if (names.length === 0) throw new TypeError(`${op}: ${what} is an object keyed by ${role} name, but model ${model.name} has no known ${role}s yet; start it with layers.Input({ shape, name })`);
  const unknown = Object.keys(rec).filter((k) => !names.includes(k));
  const missing = names.filter((n) => rec[n] === undefined);
  if (unknown.length > 0 || missing.length > 0) {
    const named = model.inputKeys ? "keyed" : "named";
    throw new RangeError(`${op}: ${what} is keyed by ${Object.keys(rec).map((k) => `"${k}"`).join(", ")} but the model's ${role}s are ${named} ${names.map((n) => `"${n}"`).join(", ")}` +
      `${missing.length > 0 ? ` (missing ${missing.map((n) => `"${n}"`).join(", ")})` : ""}; use those ${model.inputKeys ? "keys" : "names"}, or pass a list in ${role} order`);
  }
  return names.map((n) => rec[n]);
}

/** Labels as the compiled outputs expect them: one tensor, a list, or an object keyed by output name. */
export function targetsFor(yIn: ModelData | null, state: CompiledState, what: string): Targets | null {
  if (yIn === null) return null;
  const names = state.outputs.map((o) => o.name);
  const keyed = isKeyedData(yIn);
  if (state.outputs.length === 1 && !keyed) return toTensorData(yIn as Data, "y", what) as Tensor;
  if (Array.isArray(yIn) && !(yIn instanceof Tensor)) {
    if (yIn.length !== names.length) throw new RangeError(`${what}: the model has ${names.length} outputs (${names.join(", ")}) but y has ${yIn.length} entries`);
    return (yIn as Data[]).map((v) => toTensorData(v, "y", what) as Tensor);
  }
  if (keyed) {
    const rec = yIn as KeyedData;
    const unknown = Object.keys(rec).filter((k) => !names.includes(k));
    if (unknown.length > 0) {
      throw new RangeError(`${what}: y has labels for ${unknown.map((k) => `"${k}"`).join(", ")}, which is not an output of the model; its outputs are named ${names.map((n) => `"${n}"`).join(", ")}${optionsAsLabelsHint(unknown, what)}`);
    }
    const given = names.map((n) => (rec[n] === undefined ? null : (toTensorData(rec[n], "y", what) as Tensor)));
    const rows = given.find((t) => t !== null && t.rank > 0)?.shape[0];
    // Keras 3.15's CompileLoss reads labels for the outputs that have a loss alone (its compiled
    // metrics, if any, read every output's): the others' labels may be left out. Nothing reads the
    // zeros that stand in for them, which keep the labels one per output.
    const noMetrics = state.metricsResolved && state.metrics.length === 0;
    const list = given.map((t, k) => {
      if (t !== null) return t;
      if (!state.outputs[k].hasLoss && noMetrics && rows !== undefined) return zeros([rows]);
      const why = state.outputs[k].hasLoss ? "which has a loss" : "which the compiled metrics read";
      throw new RangeError(`${what}: y has no labels for output "${names[k]}", ${why}; give an object with keys ${names.join(", ")}`);
    });
    return list.length === 1 ? list[0] : list;
  }
  throw new TypeError(`${what}: the model has ${names.length} outputs; give y as a list in output order or an object keyed by ${names.join(", ")}`);
}

/**
 * fit(x, { epochs: 5 }) reads the options as y keyed by output name (y comes second, as in
 * Keras); when every unknown key is an option name, say where the options go.
 */
function optionsAsLabelsHint(unknown: readonly string[], what: string): string {
  if (!unknown.every((k) => k in FIT_OPTIONS || k in EVALUATE_OPTIONS)) return "";
  const op = /^\w+/.exec(what)?.[0] ?? "fit";
  return `. ${unknown.join(", ")} ${unknown.length === 1 ? "is an option" : "are options"}: the second argument is y, options come third (${op}(x, null, { ${unknown[0]}: ... }) without labels)`;
}
