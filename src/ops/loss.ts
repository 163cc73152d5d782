import { Tensor, storageOf } from "../tensor/tensor.js";
import { broadcastShapes, normalizeAxis, shapeText, shapesEqual, sizeOf } from "../tensor/shape.js";
import { castValues, constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, assertFloat, backend, emptyTensor, isRecording, noGrad, num, record, toTensor } from "./engine.js";
import {
  abs, add, cast, clipByValue, div, exp, log, log1p, mul, neg, squaredDifference, sub,
} from "./math.js";
import { mean, sum } from "./reduce.js";
import { reshape, transpose } from "./shape.js";
import { kerasLogits, logSoftmax, relu, sigmoid, softmax } from "./activation.js";
// Keras reads backend.epsilon() at every call, so config.setEpsilon changes the clipping of later calls.
import { epsilon } from "../tensor/config.js";
import { booleanOption } from "../tensor/option_checks.js";

function describe(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/** `labels` as a tensor; plain arrays take the dtype of `like` (the logits / predictions). */
function labelsLike(labelsIn: Input, like: Tensor): Tensor {
  return labelsIn instanceof Tensor ? labelsIn : constant(labelsIn, like.dtype);
}

function assertSameShape(op: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new RangeError(
      `${op}: ${aName} ${shapeText(a.shape)} and ${bName} ${shapeText(b.shape)} must have the same shape; ` +
        `reshape one of them (for integer class labels use the sparse version)`,
    );
  }
}

/**
 * yTrue and yPred of an element-wise loss or metric must broadcast (Keras lets [n, 1] meet
 * [n, k]); the error names the loss and both shapes, where the failing op would name only itself.
 */
export function assertBroadcastable(op: string, yTrue: Tensor, yPred: Tensor): void {
  try {
    broadcastShapes(yTrue.shape, yPred.shape, op);
  } catch {
    throw new RangeError(
      `${op}: yTrue ${shapeText(yTrue.shape)} and yPred ${shapeText(yPred.shape)} cannot be broadcast together; ` +
        `give labels of the predictions' shape ${shapeText(yPred.shape)}`,
    );
  }
}

function assertSameDTypeNamed(op: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: ${aName} is ${describe(a)} but ${bName} is ${describe(b)}; cast with tf.cast(${aName}, "${b.dtype}")`);
  }
}

/** [a, b, c] with `ax` moved to the end, the others in order. */
function moveToEndPerm(rank: number, ax: number): number[] {
  const perm: number[] = [];
  for (let i = 0; i < rank; i++) if (i !== ax) perm.push(i);
  perm.push(ax);
  return perm;
}

/** dy of a per-row loss with a trailing axis of size 1, so it broadcasts over the classes. */
function expandLast(dy: Tensor): Tensor {
  return reshape(dy, [...dy.shape, 1]);
}

// ---------------------------------------------------------------- tf.nn cross-entropies on logits

/** Fused forward over the last axis: loss[r] = sum_j labels[r, j] * -logSoftmax(logits)[r, j]. */
function softmaxCrossEntropyLast(labels: Tensor, logits: Tensor): Tensor {
  const cols = logits.shape[logits.rank - 1];
  const lossShape = logits.shape.slice(0, -1);
  const rows = sizeOf(lossShape);
  // -logSoftmax(logits), kept for the labels' gradient
  const negLogSm = emptyTensor(logits.shape, logits.dtype);
  const loss = emptyTensor(lossShape, logits.dtype);
  if (rows * cols > 0) {
    backend().logSoftmax(num(logits), rows, cols, num(negLogSm));
    backend().unary("neg", num(negLogSm), num(negLogSm), 0);
    const prod = emptyTensor(logits.shape, logits.dtype);
    backend().binary("mul", num(labels), labels.shape, num(negLogSm), negLogSm.shape, num(prod), prod.shape);
    backend().reduce("sum", num(prod), [rows, cols], [1], num(loss));
  } else {
    num(loss).fill(0);
  }
  record("softmaxCrossEntropyWithLogits", [labels, logits], loss, ([dy]) => {
    const g = expandLast(dy);
    // While a tape records this backward pass (higher-order gradients), the labels' gradient
    // -logSoftmax(logits) is taken again from recorded ops: the kernel's copy has no gradient.
    const labelsGrad = isRecording() ? neg(logSoftmax(logits)) : negLogSm;
    return [mul(labelsGrad, g), mul(sub(softmax(logits), labels), g)];
  });
  return loss;
}

/**
 * tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis = -1): the per-example
 * cross-entropy -sum(labels * logSoftmax(logits)) along `axis`, where each row of `labels` is a
 * probability distribution. log-softmax is computed once, stably; the gradient is
 * (softmax(logits) - labels) * dy for the logits (exact when each row of labels sums to 1, and
 * what TensorFlow's fused kernel returns in any case) and -logSoftmax(logits) * dy for the labels.
 */
export function softmaxCrossEntropyWithLogits(labelsIn: Input, logitsIn: Input, axis = -1): Tensor {
  const op = "softmaxCrossEntropyWithLogits";
  const logits = toTensor(logitsIn, op, "logits");
  assertFloat(op, logits, "logits");
  const labels = labelsLike(labelsIn, logits);
  assertSameDTypeNamed(op, "labels", labels, "logits", logits);
  assertSameShape(op, "labels", labels, "logits", logits);
  if (logits.rank === 0) {
    throw new RangeError(`${op}: logits must have rank >= 1 (a class axis), got a scalar`);
  }
  const ax = normalizeAxis(axis, logits.rank, op);
  if (ax === logits.rank - 1) return softmaxCrossEntropyLast(labels, logits);
  const perm = moveToEndPerm(logits.rank, ax);
  return softmaxCrossEntropyLast(transpose(labels, perm), transpose(logits, perm));
}

/** Class indices of an int32/int64 tensor, each checked to lie in [0, classes). */
function classIndices(op: string, labels: Tensor, classes: number): Int32Array {
  const src = storageOf(labels);
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (!(v >= 0 && v < classes)) {
      throw new RangeError(
        `${op}: label ${v} at flat index ${i} is out of range for ${classes} classes (valid labels are 0..${classes - 1}); ` +
          `check that the labels are class indices and that the last layer has one unit per class`,
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits): labels are class indices
 * (int32 or int64) of shape logits.shape[:-1]; returns -logSoftmax(logits)[..., label] per example.
 * The gradient w.r.t. the logits is (softmax(logits) - oneHot(labels)) * dy.
 */
export function sparseSoftmaxCrossEntropyWithLogits(labelsIn: Input, logitsIn: Input): Tensor {
  const op = "sparseSoftmaxCrossEntropyWithLogits";
  const logits = toTensor(logitsIn, op, "logits");
  assertFloat(op, logits, "logits");
  const labels = toTensor(labelsIn, op, "labels");
  if (labels.dtype !== "int32" && labels.dtype !== "int64") {
    throw new TypeError(`${op}: labels must be int32 or int64 class indices, got ${describe(labels)}; cast with tf.cast(labels, "int32")`);
  }
  if (logits.rank === 0) throw new RangeError(`${op}: logits must have rank >= 1 (a class axis), got a scalar`);
  return sparseXent({ op, labels: "labels", logits: "logits", oneHot: "softmaxCrossEntropyWithLogits" }, labels, logits);
}

/** How errors name the op the user called and its arguments (the Keras loss reaches sparseXent too). */
interface XentNames { op: string; labels: string; logits: string; oneHot: string }

/** The sparse cross-entropy of checked int labels and float logits (rank >= 1), its errors naming `names`. */
function sparseXent(names: XentNames, labels: Tensor, logits: Tensor): Tensor {
  const op = names.op;
  const lossShape = logits.shape.slice(0, -1);
  if (!shapesEqual(labels.shape, lossShape)) {
    throw new RangeError(
      `${op}: ${names.labels} ${shapeText(labels.shape)} must have the shape of ${names.logits} ${shapeText(logits.shape)} without its last (class) axis, ` +
        `i.e. ${shapeText(lossShape)}; for one-hot labels use ${names.oneHot}`,
    );
  }
  const classes = logits.shape[logits.rank - 1];
  const idx = classIndices(op, labels, classes);
  const rows = idx.length;
  const logSm = emptyTensor(logits.shape, logits.dtype);
  if (rows * classes > 0) backend().logSoftmax(num(logits), rows, classes, num(logSm));
  const ls = num(logSm);
  const loss = emptyTensor(lossShape, logits.dtype);
  const out = num(loss);
  for (let r = 0; r < rows; r++) out[r] = -ls[r * classes + idx[r]];
  record("sparseSoftmaxCrossEntropyWithLogits", [logits], loss, ([dy]) => {
    const oneHot = emptyTensor(logits.shape, logits.dtype);
    backend().oneHot(idx, classes, 1, 0, num(oneHot));
    return [mul(sub(softmax(logits), oneHot), expandLast(dy))];
  });
  return loss;
}

/**
 * tf.nn.sigmoid_cross_entropy_with_logits(labels, logits), elementwise and stable for any logit:
 * max(x, 0) - x * z + log(1 + exp(-|x|)). Gradients: (sigmoid(x) - z) * dy and -x * dy.
 */
export function sigmoidCrossEntropyWithLogits(labelsIn: Input, logitsIn: Input): Tensor {
  const op = "sigmoidCrossEntropyWithLogits";
  const logits = toTensor(logitsIn, op, "logits");
  assertFloat(op, logits, "logits");
  const labels = labelsLike(labelsIn, logits);
  assertSameDTypeNamed(op, "labels", labels, "logits", logits);
  assertSameShape(op, "labels", labels, "logits", logits);
  const loss = noGrad(() => add(sub(relu(logits), mul(logits, labels)), log1p(exp(neg(abs(logits))))));
  record(op, [labels, logits], loss, ([dy]) => [mul(neg(logits), dy), mul(sub(sigmoid(logits), labels), dy)]);
  return loss;
}

// ---------------------------------------------------------------- Keras losses (per example)

export interface CrossentropyOptions {
  /** yPred holds logits instead of probabilities (default false). */
  fromLogits?: boolean;
  /** The class axis (default -1). */
  axis?: number;
}

/**
 * yPred as a float tensor: float32/float64 as given, integers and booleans cast to float32. Keras'
 * loss functions and metrics compute integer inputs in float (ops.mean of ints gives floatx), and
 * its Loss.__call__ converts y_pred to floatx, so they are not refused.
 */
export function floatPrediction(op: string, yPredIn: Input): Tensor {
  const given = toTensor(yPredIn, op, "yPred");
  return isFloatDType(given.dtype) ? given : cast(given, "float32");
}

/** yPred as a float tensor and yTrue cast to its dtype, as Keras' losses do (ops.cast(y_true, y_pred.dtype)). */
export function kerasPair(op: string, yTrueIn: Input, yPredIn: Input): { yTrue: Tensor; yPred: Tensor } {
  const yPred = floatPrediction(op, yPredIn);
  const t = labelsLike(yTrueIn, yPred);
  return { yTrue: t.dtype === yPred.dtype ? t : cast(t, yPred.dtype), yPred };
}

/**
 * Keras' squeeze_or_expand_to_same_rank: when the ranks differ by one and the longer shape ends
 * in 1, that axis is squeezed (or a rank-1 partner gets a trailing axis), so yTrue [n] and
 * yPred [n, 1] line up instead of broadcasting to [n, n].
 */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor): [Tensor, Tensor] {
  let a = x1, b = x2;
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    if (b.rank === 1) b = reshape(b, [...b.shape, 1]);
    else a = reshape(a, a.shape.slice(0, -1));
  } else if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    if (a.rank === 1) a = reshape(a, [...a.shape, 1]);
    else b = reshape(b, b.shape.slice(0, -1));
  }
  return [a, b];
}

/**
 * keras.losses.categorical_crossentropy(yTrue, yPred): per-example loss over `axis`. On
 * probabilities (the default) Keras first rescales each row of yPred to sum to 1, clips it to
 * [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set) and returns -sum(yTrue * log(yPred)); with fromLogits it is
 * softmaxCrossEntropyWithLogits.
 */
export function categoricalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: CrossentropyOptions = {}): Tensor {
  const op = "categoricalCrossentropy";
  const { yTrue, yPred } = kerasPair(op, yTrueIn, yPredIn);
  if (yPred.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have rank >= 1, got scalars`);
  assertSameShape(op, "yTrue", yTrue, "yPred", yPred);
  const axis = normalizeAxis(opts.axis ?? -1, yPred.rank, op);
  if (booleanOption(op, "fromLogits", opts.fromLogits, false)) return softmaxCrossEntropyWithLogits(yTrue, yPred, axis);
  const logits = kerasLogits(yPred, "softmax", axis);
  if (logits) return softmaxCrossEntropyWithLogits(yTrue, logits, axis);
  const p = clipByValue(div(yPred, sum(yPred, axis, true)), epsilon(), 1 - epsilon());
  return neg(sum(mul(yTrue, log(p)), axis));
}

/**
 * keras.losses.sparse_categorical_crossentropy(yTrue, yPred): yTrue holds class indices of
 * shape yPred.shape[:-1] (a trailing axis of size 1 is squeezed; float or uint8 labels are
 * truncated to integers as Keras' cast does). On probabilities Keras clips yPred to
 * [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set), takes the log and applies sparseSoftmaxCrossEntropyWithLogits to that.
 */
export function sparseCategoricalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: CrossentropyOptions = {}): Tensor {
  const op = "sparseCategoricalCrossentropy";
  const yPred = toTensor(yPredIn, op, "yPred");
  assertFloat(op, yPred, "yPred");
  if (yPred.rank === 0) throw new RangeError(`${op}: yPred must have rank >= 1 (a class axis), got a scalar`);
  const axis = opts.axis ?? -1;
  if (axis !== -1 && axis !== yPred.rank - 1) {
    throw new RangeError(`${op}: only the last axis can be the class axis (axis=-1), got axis=${axis} for yPred ${shapeText(yPred.shape)}; transpose yPred first`);
  }
  let labels = toTensor(yTrueIn, op, "yTrue");
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) {
    labels = new Tensor(storageOf(labels), labels.shape.slice(0, -1), labels.dtype);
  }
  if (labels.dtype !== "int32" && labels.dtype !== "int64") {
    labels = new Tensor(castValues(storageOf(labels), labels.dtype, "int32") as Int32Array, labels.shape, "int32");
  }
  const logits = booleanOption(op, "fromLogits", opts.fromLogits, false) ? yPred : kerasLogits(yPred, "softmax", -1) ?? log(clipByValue(yPred, epsilon(), 1 - epsilon()));
  return sparseXent({ op, labels: "yTrue", logits: "yPred", oneHot: "categoricalCrossentropy" }, labels, logits);
}

/**
 * keras.losses.binary_crossentropy(yTrue, yPred): the elementwise binary cross-entropy, averaged
 * over `axis` (default the last). On probabilities yPred is clipped to [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set) and the
 * loss is -(yTrue * log(yPred) + (1 - yTrue) * log(1 - yPred)); with fromLogits it is
 * sigmoidCrossEntropyWithLogits.
 */
export function binaryCrossentropy(yTrueIn: Input, yPredIn: Input, opts: CrossentropyOptions = {}): Tensor {
  const op = "binaryCrossentropy";
  const { yTrue, yPred } = kerasPair(op, yTrueIn, yPredIn);
  assertSameShape(op, "yTrue", yTrue, "yPred", yPred);
  if (yPred.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have rank >= 1, got scalars`);
  const axis = normalizeAxis(opts.axis ?? -1, yPred.rank, op);
  let bce: Tensor;
  const logits = booleanOption(op, "fromLogits", opts.fromLogits, false) ? yPred : kerasLogits(yPred, "sigmoid");
  if (logits) {
    bce = sigmoidCrossEntropyWithLogits(yTrue, logits);
  } else {
    const p = clipByValue(yPred, epsilon(), 1 - epsilon());
    bce = neg(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p)))));
  }
  return mean(bce, axis);
}

/** keras.losses.mean_squared_error: mean((yTrue - yPred)^2) over the last axis, per example. */
export function meanSquaredError(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = kerasPair("meanSquaredError", yTrueIn, yPredIn);
  const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
  assertBroadcastable("meanSquaredError", t, p);
  return mean(squaredDifference(t, p), -1);
}

/** keras.losses.mean_absolute_error: mean(|yTrue - yPred|) over the last axis, per example. */
export function meanAbsoluteError(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = kerasPair("meanAbsoluteError", yTrueIn, yPredIn);
  const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
  assertBroadcastable("meanAbsoluteError", t, p);
  return mean(abs(sub(t, p)), -1);
}
