/** keras.losses.ctc: the CTC loss of padded integer labels under per-step logits. */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "../ops/engine.js";
import { ctcLoss, integerInput } from "../ops/ctc.js";

/**
 * keras.losses.ctc(yTrue, yPred): yTrue [batch, maxLength] integer labels padded with 0 (class 0
 * is the blank and never a label), yPred [batch, steps, classes] logits (not softmaxed). Each
 * sample's label length is its count of non-zero labels and every sample uses all steps.
 */
export function ctc(yTrueIn: Input, yPredIn: Input): Tensor {
  const op = "losses.ctc";
  const yPred = toTensor(yPredIn, op, "yPred");
  const { t: yTrue, v } = integerInput(op, yTrueIn, "yTrue");
  if (yTrue.rank !== 2) {
    throw new RangeError(`${op}: yTrue must be integer labels of shape [batch, maxLength] (0 for padding), got ${shapeText(yTrue.shape)}`);
  }
  if (yPred.rank !== 3) throw new RangeError(`${op}: yPred must be logits of shape [batch, steps, classes], got ${shapeText(yPred.shape)}`);
  const [batch, width] = yTrue.shape;
  const labelLength = new Int32Array(batch);
  for (let b = 0; b < batch; b++) for (let i = 0; i < width; i++) if (v[b * width + i] !== 0) labelLength[b]++;
  const inputLength = new Int32Array(batch).fill(yPred.shape[1]);
  return ctcLoss(new Tensor(v, yTrue.shape, "int32"), yPred, new Tensor(labelLength, [batch], "int32"), new Tensor(inputLength, [batch], "int32"), 0);
}
