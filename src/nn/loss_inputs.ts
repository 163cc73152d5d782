/**
 * How losses and metrics read their two arguments: predictions must already be floats (a loss of
 * integer predictions is almost always a forgotten cast), labels take the predictions' dtype.
 */
import { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { constant } from "../tensor/creation.js";
import { type Input, toTensor } from "../ops/engine.js";
import { cast } from "../ops/math.js";

/** yPred as a float tensor; integer and boolean predictions are refused, naming the cast to add. */
export function floatPred(who: string, yPredIn: Input): Tensor {
  const p = toTensor(yPredIn, who, "yPred");
  if (!isFloatDType(p.dtype)) {
    throw new TypeError(`${who}: yPred must be float32 or float64, got ${p.dtype} ${shapeText(p.shape)}; cast it with tf.cast(yPred, "float32")`);
  }
  return p;
}

/** yPred as a float tensor and yTrue cast to its dtype (Keras' ops.cast(y_true, y_pred.dtype)). */
export function floatPair(op: string, yTrueIn: Input, yPredIn: Input): { yTrue: Tensor; yPred: Tensor } {
  const yPred = floatPred(op, yPredIn);
  const t = yTrueIn instanceof Tensor ? yTrueIn : constant(yTrueIn, yPred.dtype);
  return { yTrue: t.dtype === yPred.dtype ? t : cast(t, yPred.dtype), yPred };
}
