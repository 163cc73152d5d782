import * as tf from "../src/index.js";
const { layers, models, datasets } = tf;

tf.random.setSeed(42);
const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
const prep = (x: tf.Tensor, n: number): tf.Tensor => tf.div(tf.cast(tf.slice(x, [0, 0, 0], [n, -1, -1]), "float32"), 255);

const model = new models.Sequential([
  layers.Input({ shape: [28, 28] }),
  layers.Flatten(),
  layers.Dense(128, { activation: "relu" }),
  layers.Dense(10, { activation: "softmax" }),
], { name: "mlp" });
model.summary();
model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
const history = await model.fit(prep(xTrain, 5000), tf.slice(yTrain, [0], [5000]), { epochs: 3, batchSize: 64, validationSplit: 0.2 });
console.log(history.history.val_accuracy);
const [loss, accuracy] = (await model.evaluate(prep(xTest, 2000), tf.slice(yTest, [0], [2000]))) as number[];
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${accuracy.toFixed(4)}`);
