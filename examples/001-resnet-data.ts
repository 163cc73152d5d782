// Notebook 001 (ResNet by hand): the data cell, line for line.
// Run: npm run example -- 001
import * as tf from "../src/index.js";
const { datasets, utils, preprocessing } = tf;

tf.random.setSeed(42); // the notebook's split is unseeded; here tf.random.setSeed makes it repeatable

// (X_train_full, y_train_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
const [[xTrainFull, yTrainFull], [xTest, yTest]] = await datasets.fashionMnist.loadData();
// X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, train_size=0.8)
const [xTrain0, xValid0, yTrain, yValid] = utils.trainTestSplit(xTrainFull, yTrainFull, { trainSize: 0.8 });
console.log(`${xTrain0.shape[0]} ${xValid0.shape[0]}`);

// scaler = StandardScaler()
// X_train = scaler.fit_transform(X_train.astype(np.float32).reshape(-1, 28 * 28)).reshape(-1, 28, 28, 1)
const scaler = new preprocessing.StandardScaler();
const flat = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.cast(x, "float32"), [-1, 28 * 28]);
const xTrain = tf.reshape(scaler.fitTransform(flat(xTrain0)), [-1, 28, 28, 1]);
const xValid = tf.reshape(scaler.transform(flat(xValid0)), [-1, 28, 28, 1]);
const xTestS = tf.reshape(scaler.transform(flat(xTest)), [-1, 28, 28, 1]);

const d = xTrain.dataSync() as Float32Array;
let s = 0, s2 = 0;
for (const v of d) { s += v; s2 += v * v; }
const mean = s / d.length, std = Math.sqrt(s2 / d.length - mean * mean);
console.log(`X_train ${JSON.stringify(xTrain.shape)} ${xTrain.dtype}: mean ${mean.toFixed(4)}, std ${std.toFixed(4)}`);
console.log(`X_valid ${JSON.stringify(xValid.shape)}, X_test ${JSON.stringify(xTestS.shape)}, y_train ${JSON.stringify(yTrain.shape)} ${yTrain.dtype}, y_valid ${JSON.stringify(yValid.shape)}, y_test ${JSON.stringify(yTest.shape)}`);
