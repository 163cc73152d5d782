import { Tensor, storageOf } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, backend, emptyTensor, record, toTensor } from "./engine.js";
import { cast, mul } from "./math.js";
import { reshape } from "./shape.js";
import { logSoftmax } from "./activation.js";
import { valueText } from "../tensor/value_text.js";
import { noGradient } from "./linalg_util.js";

/*
 * keras.ops.ctc_loss (as Keras 3.5 computes it on torch: log_softmax of the logits, then
 * torch.nn.functional.ctc_loss with reduction "none") with its analytic alpha-beta gradient.
 */

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/** Integer values of labels or lengths (float tensors holding integers are accepted, as fit's yTrue). */
export function integerInput(op: string, xIn: Input, what: string): { t: Tensor; v: Int32Array } {
  const t = toTensor(xIn, op, what);
  if (t.dtype === "bool") throw new TypeError(`${op}: ${what} must hold integers, got ${text(t)}`);
  const data = storageOf(t);
  const v = new Int32Array(t.size);
  for (let i = 0; i < v.length; i++) {
    const x = Number(data[i]);
    if (!Number.isInteger(x)) {
      throw new TypeError(`${op}: ${what} must hold integers, got ${valueText(x)} at flat position ${i} of ${text(t)}`);
    }
    v[i] = x;
  }
  return { t, v };
}

/** Checks lengths [batch] within [0, max]. */
function lengths(op: string, xIn: Input, what: string, batch: number, max: number, axisText: string): Int32Array {
  const { t, v } = integerInput(op, xIn, what);
  if (t.rank !== 1 || t.shape[0] !== batch) throw new RangeError(`${op}: ${what} must have shape [batch] = [${batch}], got ${shapeText(t.shape)}`);
  v.forEach((n, b) => {
    if (n < 0 || n > max) throw new RangeError(`${op}: ${what}[${b}] = ${n} is outside [0, ${max}] (${axisText})`);
  });
  return v;
}

/**
 * The CTC negative log-likelihood of each sample from log-probabilities [batch, steps, classes]
 * (float64), recorded with its gradient (computed with the loss).
 */
function ctcNll(op: string, logp: Tensor, targets: Int32Array, maxLabel: number, targetLengths: Int32Array, outputLengths: Int32Array, blank: number): Tensor {
  const [batch, steps, classes] = logp.shape;
  const loss = emptyTensor([batch], "float64");
  const g = emptyTensor(logp.shape, "float64");
  backend().ctcLoss(storageOf(logp) as Float64Array, batch, steps, classes, targets, maxLabel, targetLengths, outputLengths, blank,
    storageOf(loss) as Float64Array, storageOf(g) as Float64Array);
  // g comes with the loss, so it has no gradient of its own: a second derivative through it is refused rather than read as zero.
  record(`${op} gradient`, [logp], g, () => noGradient(op, "a second derivative through the CTC loss (its first derivative is computed with the loss, not from differentiable ops)"));
  record(op, [logp], loss, ([dy]) => [mul(g, reshape(cast(dy, "float64"), [batch, 1, 1]))]);
  return loss;
}

/**
 * keras.ops.ctc_loss(target, output, target_length, output_length, mask_index=0): per-sample CTC
 * losses [batch] of integer targets [batch, maxLabelLength] (the first targetLength[b] of each row)
 * under logits output [batch, steps, classes] (log-softmaxed here; only the first
 * outputLength[b] steps count); maskIndex is the blank class. An impossible alignment (too few
 * steps) gives Infinity, as torch does. Float32 logits give float32 losses (computed in float64);
 * differentiable with respect to output.
 */
export function ctcLoss(target: Input, output: Input, targetLength: Input, outputLength: Input, maskIndex = 0): Tensor {
  const op = "ctcLoss";
  const y = toTensor(output, op, "output");
  if (!isFloatDType(y.dtype)) throw new TypeError(`${op}: output must be float logits, got ${text(y)}; cast it with tf.cast(output, "float32")`);
  if (y.rank !== 3) throw new RangeError(`${op}: output must be logits of shape [batch, steps, classes], got ${shapeText(y.shape)}`);
  const [batch, steps, classes] = y.shape;
  const { t, v: labels } = integerInput(op, target, "target");
  if (t.rank !== 2 || t.shape[0] !== batch) {
    throw new RangeError(`${op}: target must be integer labels of shape [batch, maxLabelLength] with batch ${batch} (as output ${shapeText(y.shape)}), got ${shapeText(t.shape)}`);
  }
  if (!Number.isInteger(maskIndex) || maskIndex < 0 || maskIndex >= classes) {
    throw new RangeError(`${op}: maskIndex ${valueText(maskIndex)} must be a class index in [0, ${classes - 1}]`);
  }
  const maxLabel = t.shape[1];
  const tl = lengths(op, targetLength, "targetLength", batch, maxLabel, `target has ${maxLabel} labels per row`);
  const ol = lengths(op, outputLength, "outputLength", batch, steps, `output has ${steps} steps`);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < tl[b]; i++) {
      const c = labels[b * maxLabel + i];
      if (c < 0 || c >= classes) {
        throw new RangeError(`${op}: target[${b}, ${i}] = ${c} is not a class of output's ${classes} (valid: 0..${classes - 1})`);
      }
    }
  }
  const logp = logSoftmax(cast(y, "float64"), -1);
  const loss = ctcNll(op, logp, labels, maxLabel, tl, ol, maskIndex);
  return y.dtype === "float64" ? loss : cast(loss, y.dtype);
}
