/**
 * How losses and metrics read their two arguments: integer and boolean predictions become float32
 * (Keras' Loss.__call__ converts y_pred to floatx, and its metric functions compute integer inputs
 * in float), labels take the predictions' dtype.
 */
import { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { type Input, toTensor } from "../ops/engine.js";
import { cast } from "../ops/math.js";

/** yPred as a float tensor: float32/float64 as given, integers and booleans cast to float32. */
export function floatPred(who: string, yPredIn: Input): Tensor {
  const p = toTensor(yPredIn, who, "yPred");
  return isFloatDType(p.dtype) ? p : cast(p, "float32");
}

/** yPred as a float tensor and yTrue cast to its dtype (Keras' ops.cast(y_true, y_pred.dtype)). */
export function floatPair(op: string, yTrueIn: Input, yPredIn: Input): { yTrue: Tensor; yPred: Tensor } {
  const yPred = floatPred(op, yPredIn);
  const t = yTrueIn instanceof Tensor ? yTrueIn : constant(yTrueIn, yPred.dtype);
  return { yTrue: t.dtype === yPred.dtype ? t : cast(t, yPred.dtype), yPred };
}
