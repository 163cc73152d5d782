import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { metrics } = tf;
type ThresholdMetric = tf.metrics.Precision | tf.metrics.Recall;

/*
 * Precision and Recall with evenly spaced thresholds (at least 3, i / (n - 1) within Keras'
 * np.allclose tolerance) take Keras 3.5's bucket path: predictions clipped to [0, 1], bucket
 * ceil(p * (n - 1)) - 1 in float32, whatever the thresholds' own values. Predictions on, just
 * above and just below each i / 10, near 1/3 and 2/3, and outside [0, 1]. Keras' values from
 *   m = keras.metrics.Precision(thresholds=...); m.update_state(y_true, y_pred); m.result()
 * (KERAS_BACKEND=torch; the data as printed by numpy float32 -> float).
 */
const Y_PRED_1D = [0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.8999999761581421, 1.0, 1.401298464324817e-45, 0.10000000894069672, 0.20000001788139343, 0.30000004172325134, 0.40000003576278687, 0.5000000596046448, 0.6000000834465027, 0.7000000476837158, 0.8000000715255737, 0.9000000357627869, 1.0000001192092896, -1.401298464324817e-45, 0.09999999403953552, 0.19999998807907104, 0.29999998211860657, 0.3999999761581421, 0.4999999701976776, 0.5999999642372131, 0.6999999284744263, 0.7999999523162842, 0.8999999165534973, 0.9999999403953552, 0.33333319425582886, 0.6666668057441711, 0.33333349227905273, 1.25, -0.5, 1.0];
const Y_TRUE_1D = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0];
const Y_PRED_2D = [[0.8999999761581421, 1.0, 1.401298464324817e-45], [0.10000000894069672, 0.20000001788139343, 0.30000004172325134], [0.40000003576278687, 0.5000000596046448, 0.6000000834465027], [0.7000000476837158, 0.8000000715255737, 0.9000000357627869], [1.0000001192092896, -1.401298464324817e-45, 0.09999999403953552], [0.19999998807907104, 0.29999998211860657, 0.3999999761581421], [0.4999999701976776, 0.5999999642372131, 0.6999999284744263], [0.7999999523162842, 0.8999999165534973, 0.9999999403953552], [0.33333319425582886, 0.6666668057441711, 0.33333349227905273], [1.25, -0.5, 1.0]];
const Y_TRUE_2D = [[1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1]];
const LINSPACE_11 = [0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0];

const CASES: { what: string; make: () => ThresholdMetric; yTrue: number[] | number[][]; yPred: number[] | number[][]; keras: number[] }[] = [
  { what: "Precision, thresholds np.linspace(0, 1, 11)", make: () => metrics.Precision({ thresholds: LINSPACE_11 }), yTrue: Y_TRUE_1D, yPred: Y_PRED_1D, keras: [0.3055555522441864, 0.3030303120613098, 0.3333333432674408, 0.29629629850387573, 0.3181818127632141, 0.3684210479259491, 0.3125, 0.25, 0.3333333432674408, 0.20000000298023224, 0.0] },
  { what: "Precision, thresholds [0, 0.333333, 0.666667, 1] (evenly within Keras' tolerance)", make: () => metrics.Precision({ thresholds: [0, 0.333333, 0.666667, 1] }), yTrue: Y_TRUE_1D, yPred: Y_PRED_1D, keras: [0.3055555522441864, 0.3199999928474426, 0.3333333432674408, 0.0] },
  { what: "Precision, topK 2, thresholds [0, 0.5, 1]", make: () => metrics.Precision({ thresholds: [0, 0.5, 1], topK: 2 }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [0.3499999940395355, 0.3571428656578064, 0.0] },
  { what: "Precision, classId 2, thresholds [0, 0.25, 0.5, 0.75, 1]", make: () => metrics.Precision({ thresholds: [0, 0.25, 0.5, 0.75, 1], classId: 2 }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [0.30000001192092896, 0.375, 0.20000000298023224, 0.3333333432674408, 0.0] },
  { what: "Precision, two thresholds [0.5, 1] (compared with >, predictions unclipped)", make: () => metrics.Precision({ thresholds: [0.5, 1] }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [0.4375, 0.5] },
  { what: "Recall, thresholds np.linspace(0, 1, 11)", make: () => metrics.Recall({ thresholds: LINSPACE_11 }), yTrue: Y_TRUE_1D, yPred: Y_PRED_1D, keras: [0.8461538553237915, 0.7692307829856873, 0.7692307829856873, 0.6153846383094788, 0.5384615659713745, 0.5384615659713745, 0.38461539149284363, 0.23076923191547394, 0.23076923191547394, 0.07692307978868484, 0.0] },
  { what: "Recall, thresholds [0, 0.333333, 0.666667, 1] (evenly within Keras' tolerance)", make: () => metrics.Recall({ thresholds: [0, 0.333333, 0.666667, 1] }), yTrue: Y_TRUE_1D, yPred: Y_PRED_1D, keras: [0.8461538553237915, 0.6153846383094788, 0.38461539149284363, 0.0] },
  { what: "Recall, topK 2, thresholds [0, 0.5, 1]", make: () => metrics.Recall({ thresholds: [0, 0.5, 1], topK: 2 }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [0.699999988079071, 0.5, 0.0] },
  { what: "Recall, classId 2, thresholds [0, 0.25, 0.5, 0.75, 1]", make: () => metrics.Recall({ thresholds: [0, 0.25, 0.5, 0.75, 1], classId: 2 }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [1.0, 1.0, 0.3333333432674408, 0.3333333432674408, 0.0] },
  { what: "Recall, two thresholds [0.5, 1] (compared with >, predictions unclipped)", make: () => metrics.Recall({ thresholds: [0.5, 1] }), yTrue: Y_TRUE_2D, yPred: Y_PRED_2D, keras: [0.699999988079071, 0.10000000149011612] },
];

for (const c of CASES) {
  test(`${c.what}: Keras 3.5's values`, () => {
    const m = c.make();
    m.updateState(tf.constant(c.yTrue, "float32"), tf.constant(c.yPred, "float32"));
    const got = m.resultPerThreshold();
    assert.equal(got.length, c.keras.length);
    got.forEach((g, i) => assert.ok(Math.abs(g - c.keras[i]) <= 1e-6 * Math.abs(c.keras[i]) + 1e-7, `threshold ${i}: got ${g}, Keras ${c.keras[i]}`));
  });
}
