/**
 * How losses and metrics read their two arguments: integer and boolean predictions become float32
 * (Keras' Loss.__call__ converts y_pred to floatx, and its metric functions compute integer inputs
 * in float), labels take the predictions' dtype. The ops' loss functions read them the same way.
 */
export { floatPrediction as floatPred, kerasPair as floatPair } from "../ops/loss.js";
