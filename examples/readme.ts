import * as tf from "../src/index.js";

tf.random.setSeed(42);
const b = tf.constant([[1, 2, 3], [4, 5, 6]], "int64");
console.log(tf.reshape(b, [3, 2]).toString());     // tf.Tensor([[1 2] [3 4] [5 6]], shape=(3, 2), dtype=int64)

// Fit y = 2x - 1 with plain gradient descent.
const x = tf.constant([[0], [1], [2], [3]], "float32");
const y = tf.constant([[-1], [1], [3], [5]], "float32");
const w = tf.variable(tf.random.normal([1, 1]), { name: "w" });
const bias = tf.variable(tf.zeros([1]), { name: "b" });
for (let step = 0; step < 200; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.run(() => tf.mean(tf.square(tf.sub(tf.add(tf.matmul(x, w), bias), y))));
  const [gw, gb] = tape.gradient(loss, [w, bias]);
  w.assign(tf.sub(w, tf.mul(gw!, 0.1)));
  bias.assign(tf.sub(bias, tf.mul(gb!, 0.1)));
}
console.log(w.toString(), bias.toString());          // about 2 and -1
