/** Sample and class weights: their checks before any step, and the per-sample weights of a batch. */
import { Tensor, storageOf } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { cast, mul, round } from "../ops/math.js";
import { reshape } from "../ops/shape.js";
import { argMax, argMin, min } from "../ops/reduce.js";
import type { LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";
import { valueText } from "../tensor/value_text.js";
import type { Data } from "./training.js";
import { toTensorData } from "./data_rows.js";
import { checkFinite } from "./label_checks.js";

/**
 * Keras' sample_weight: finite, non-negative weights, one per sample (shape [n]) or, for sequence
 * outputs, one per sample and timestep (Keras' temporal weights, shape [n, steps]).
 */
export function sampleWeightsFor(data: Data, n: number, op: string, what = "sampleWeight"): Tensor {
  const w = toTensorData(data, what, op);
  if (Array.isArray(w) || w.rank < 1 || w.shape[0] !== n) {
    throw new RangeError(`${op}: ${what} needs one weight per sample (shape (${n},)) or per sample and timestep (shape (${n}, steps)), got shape ${Array.isArray(w) ? "a list of tensors" : shapeText(w.shape)}`);
  }
  checkFinite(w, `${op}: ${what}`);
  // A negative weight rewards the loss on its sample (Keras takes it without a word).
  const lowest = n === 0 ? 0 : min(cast(w, "float64")).item();
  if (lowest < 0) {
    throw new RangeError(`${op}: ${what} holds negative weights (the lowest is ${lowest}, in sample ${argMin(cast(w, "float64")).item()}); weights scale each sample's loss and must be >= 0 (0 leaves a sample out)`);
  }
  return w;
}

/**
 * Checks the classWeight of fit (or trainOnBatch, `op`) before any step: Keras' class_weight for a single-output classifier,
 * class index -> finite weight >= 0. Keys it cannot look up (a name, a class the model does not
 * have, say 1-based classes) would leave those classes at weight 1 without a word; a NaN or
 * negative weight turns the loss into NaN or rewards it.
 * `outShape`: the model's output shape, when known. `ignoreClass`: the label the loss leaves out
 * (SparseCategoricalCrossentropy's ignoreClass); a weight keyed by it would change nothing. The
 * other classes keep their weights for the samples the loss counts, and the weighted sum is
 * divided by the number of samples not ignored, as in Keras 3.5.
 */
export function checkClassWeight(classWeight: unknown, outputs: number, outShape: LayerShape | null, op = "fit", ignoreClass: number | null = null): void {
  const w = `${op}: classWeight`;
  if (typeof classWeight !== "object" || classWeight === null || Array.isArray(classWeight)) {
    throw new TypeError(`${w} must be an object mapping class index to weight, e.g. { 0: 1, 1: 5 }, got ${valueText(classWeight)}`);
  }
  if (outputs > 1) {
    throw new RangeError(`${w} is only supported for models with a single output (as in Keras); this model has ${outputs}; weigh the samples with sampleWeight instead`);
  }
  if (outShape !== null && outShape.length > 2) {
    throw new RangeError(`${w} weighs one class label per sample, but the model's output ${layerShapeText(outShape)} holds one prediction per position; weigh the samples with sampleWeight instead`);
  }
  const units = outShape === null ? null : outShape[outShape.length - 1];
  const classes = units === null || units === undefined ? null : Math.max(units, 2);
  for (const [key, value] of Object.entries(classWeight)) {
    const k = Number(key);
    if (ignoreClass !== null && k === ignoreClass) {
      throw new RangeError(`${w} has the key ${JSON.stringify(key)}, the label the loss ignores (ignoreClass ${ignoreClass}): samples labelled ${ignoreClass} are left out of the loss whatever their weight, so the weight would change nothing (Keras 3.5 takes it silently); remove the key`);
    }
    if (!Number.isInteger(k) || k < 0 || String(k) !== key || (classes !== null && k >= classes)) {
      throw new RangeError(`${w} has the key ${JSON.stringify(key)}, which is not a class index ${classes === null ? "(an integer >= 0)" : `of this model (0..${classes - 1})`}; key the weights by class index, e.g. { 0: 1, 1: 5 }`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${w} gives class ${key} the weight ${valueText(value)}; class weights must be finite numbers >= 0`);
    }
  }
}

/**
 * Per-sample weights for a batch: the given sample weights, or Keras' class weights looked up by
 * the class of each label (the index, rounded half to even as Keras' np.round rounds a float label,
 * or the argmax of a one-hot row). Null when neither is set.
 * fit and trainOnBatch refuse the two together, as Keras does; given both, this multiplies them.
 */
export function batchSampleWeights(y: Tensor, sampleWeight: Tensor | null, classWeight: Readonly<Record<number, number>> | null): Tensor | null {
  let w = sampleWeight;
  if (classWeight) {
    const index = y.dtype === "float32" || y.dtype === "float64" ? round(y) : y;
    const classes = y.rank === 2 && y.shape[1] > 1 ? argMax(y, -1) : reshape(cast(index, "int32"), [-1]);
    const ids = storageOf(classes) as Int32Array;
    const cw = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const v = classWeight[ids[i]];
      // Keras gives classes missing from class_weight a weight of 1.
      cw[i] = v === undefined ? 1 : v;
    }
    const t = new Tensor(cw, [ids.length], "float32");
    w = w ? mul(cast(w, "float32"), t) : t;
  }
  return w;
}
