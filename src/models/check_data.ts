/**
 * The checks fit, evaluate and the on-batch methods run on x and y before any step, so that a
 * mismatch between the data, the model's outputs and the compiled losses is reported in the
 * data's terms rather than as a shape error deep in a loss.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Layer, LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";
import type { CompiledState, Targets } from "./training.js";
import { checkBinaryLabels, checkFinite, checkSparseLabels } from "./label_checks.js";
import { describeShapes, numSamples, targetList } from "./data_rows.js";

/** Checks data before any step: sample counts, output size, sparse label range. */
export function checkData(model: Layer, x: Tensor | Tensor[], y: Targets | null, state: CompiledState, what: string): void {
  const n = numSamples(x, `${what}: x`);
  // Keras stops with "Unexpected result of train_function (Empty logs)"; lamina would report a loss of 0.
  if (n === 0) throw new RangeError(`${what}: x has no samples (${describeShapes(x)}); pass at least one sample`);
  if (y === null) {
    (Array.isArray(x) ? x : [x]).forEach((xk, k) => checkFinite(xk, `${what}: x${Array.isArray(x) ? `[${k}]` : ""}`));
    return;
  }
  const ys = targetList(y);
  if (ys.length !== state.outputs.length) {
    throw new RangeError(`${what}: the model has ${state.outputs.length} output(s) (${state.outputs.map((o) => o.name).join(", ")}) but ${ys.length} label tensor(s) were given`);
  }
  const xs = Array.isArray(x) ? x : [x];
  xs.forEach((xk, k) => checkFinite(xk, `${what}: x${xs.length > 1 ? `[${k}]` : ""}`));
  const outShapes = inferredOutputShapes(model);
  ys.forEach((yk, k) => {
    const label = ys.length > 1 ? ` for output "${state.outputs[k].name}"` : "";
    if (yk.rank === 0 || yk.shape[0] !== n) {
      throw new RangeError(`${what}: x has ${n} samples (${describeShapes(x)}) but y${label} has ${yk.rank === 0 ? "none" : yk.shape[0]} (${describeShapes(yk)}); they must match`);
    }
    checkFinite(yk, `${what}: y${label}`);
    const lossName = state.outputs[k].loss.kind ?? state.outputs[k].loss.name;
    const outShape = outShapes[k] ?? null;
    const out = outShape === null ? null : outShape[outShape.length - 1];
    const sparse = /sparse_categorical/.test(lossName);
    const categorical = /^categorical_crossentropy$|^categorical_crossentropy_/.test(lossName);
    if (/^binary_(focal_)?crossentropy/.test(lossName)) checkBinaryLabels(yk, lossName, what);
    if (ELEMENTWISE_LOSSES.has(lossName) && outShape !== null) checkTargetsMatchOutput(yk, outShape, lossName, `${what}: y${label}`);
    if (!sparse && !categorical) return;
    // A classifier whose output keeps spatial axes (Dense on an image without Flatten) gets one
    // prediction per position: say so here rather than as a shape error deep in the loss.
    // Labels per timestep (sequence tagging: output [n, t, classes], sparse labels [n, t]) are fine.
    const perStep = sparse && outShape !== null && yk.rank === outShape.length - 1 && outShape.slice(1, -1).every((d, i) => d === null || d === yk.shape[i + 1]);
    if (outShape !== null && outShape.length > 2 && yk.rank <= 2 && !perStep) {
      throw new RangeError(`${what}: the model's output has shape ${layerShapeText(outShape)}, one prediction per position, but y${label} has one label per sample (shape ${describeShapes(yk)}); add layers.Flatten() (or GlobalAveragePooling2D()) before the classifier's Dense layers so the output is (None, ${out ?? "classes"})`);
    }
    const perSample = outShape === null ? null : (sparse ? outShape.slice(1, -1) : outShape.slice(1));
    if (sparse) {
      const dims = yk.shape.slice(1);
      const fits = (want: readonly (number | null)[]): boolean => want.length === dims.length && want.every((d, i) => d === null || d === dims[i]);
      const sparseShape = perSample === null ? yk.rank === 1 || (yk.rank === 2 && yk.shape[1] === 1) : fits(perSample) || fits([...perSample, 1]);
      if (!sparseShape) {
        throw new RangeError(`${what}: ${lossName} takes class indices of shape ${layerShapeText([n, ...(perSample ?? [])])} but y${label} has shape ${describeShapes(yk)}; for one-hot labels use loss "categorical_crossentropy", or convert them with tf.argMax(y, -1)`);
      }
      if (typeof out === "number") checkSparseLabels(yk, out, lossName, what, state.outputs[k].loss.ignoreClass ?? null);
    } else if (perSample !== null && typeof out === "number") {
      const want = [n, ...perSample];
      if (yk.rank !== want.length || want.some((d, i) => d !== null && d !== yk.shape[i])) {
        throw new RangeError(`${what}: categorical_crossentropy takes one-hot labels of shape ${layerShapeText(want)} but y${label} has shape ${describeShapes(yk)}; one-hot encode them with utils.toCategorical(y, ${out}) or use loss "sparse_categorical_crossentropy"`);
      }
    }
  });
}

/**
 * Each output's shape (batch axis None) when the model can infer it; empty when it cannot, and
 * for a model not built yet (a subclassed one before its first call): worked out for a guessed
 * input shape, its call would build the layers it reaches for that wrong input.
 */
export function inferredOutputShapes(model: Layer): LayerShape[] {
  if (model.builtInputShape === null) return [];
  try {
    const shape = model.computeOutputShape(model.builtInputShape as LayerShape);
    return (Array.isArray(shape[0]) ? shape : [shape]) as LayerShape[];
  } catch {
    return [];
  }
}

/** Built-in losses that compare y with the output element by element (after Keras' rank alignment). */
const ELEMENTWISE_LOSSES = new Set([
  "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
  "binary_crossentropy", "binary_focal_crossentropy", "kl_divergence", "huber", "log_cosh", "poisson", "hinge",
  "squared_hinge", "categorical_hinge", "cosine_similarity",
  "categorical_focal_crossentropy", "dice", "tversky",
]);

/**
 * y must have the output's per-sample shape, up to Keras' squeeze_or_expand_to_same_rank (a
 * trailing axis of 1 on either side). Anything else would broadcast into a loss over the wrong
 * pairs without a word (Keras computes it; PyTorch warns).
 */
function checkTargetsMatchOutput(y: Tensor, outShape: LayerShape, lossName: string, what: string): void {
  const want = outShape.slice(1), dims = y.shape.slice(1);
  const aligned = dims.length === want.length ? dims
    : dims.length === want.length - 1 && want[want.length - 1] === 1 ? [...dims, 1]
      : dims.length === want.length + 1 && dims[dims.length - 1] === 1 ? dims.slice(0, -1) : null;
  if (aligned !== null && aligned.every((d, i) => want[i] === null || want[i] === d)) return;
  const last = dims.length > 0 ? dims[dims.length - 1] : 1;
  throw new RangeError(`${what} has shape ${describeShapes(y)} but the model's output is ${layerShapeText(outShape)}: ${lossName} compares them element by element, so they would broadcast into a wrong loss; give y the output's shape per sample, or make the last layer output ${last} value(s)`);
}
