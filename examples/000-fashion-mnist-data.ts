// Notebook 000 (Fashion-MNIST, CNN): the data cells, line for line.
// Run: npm run example -- 000
import * as tf from "../src/index.js";
const { datasets, utils, preprocessing } = tf;

// (X_train_full, y_train_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
const [[xTrainFull, yTrainFull], [xTest, yTest]] = await datasets.fashionMnist.loadData();

// Split the full training set into training and validation sets, and print their sizes.
const [xTrain, xValid, yTrain, yValid] = utils.trainTestSplit(xTrainFull, yTrainFull, { trainSize: 0.8, randomState: 42 });
console.log(`train: ${xTrain.shape[0]}, validation: ${xValid.shape[0]}, test: ${xTest.shape[0]}`);
console.log(`X_train ${JSON.stringify(xTrain.shape)} ${xTrain.dtype}, y_train ${JSON.stringify(yTrain.shape)} ${yTrain.dtype}`);

const labelMap: Record<number, string> = {
  0: "t-shirt/top", 1: "trouser", 2: "pullover", 3: "dress", 4: "coat",
  5: "sandal", 6: "shirt", 7: "sneaker", 8: "bag", 9: "ankle boot",
};
console.log(`first training labels: ${(yTrain.arraySync() as number[]).slice(0, 5).map((v) => labelMap[v]).join(", ")}`);

// Standardize: flatten the images (reshape(-1, 28 * 28)), scale, reshape back to (-1, 28, 28).
const scaler = new preprocessing.StandardScaler();
const flat = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.cast(x, "float32"), [-1, 28 * 28]);
const back = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [-1, 28, 28]);
const xTrainScaled = back(scaler.fitTransform(flat(xTrain)));
const xValidScaled = back(scaler.transform(flat(xValid)));
const xTestScaled = back(scaler.transform(flat(xTest)));

// Per pixel, the scaled training data has mean ~0 and standard deviation ~1.
const check = new preprocessing.StandardScaler().fit(flat(xTrainScaled));
const means = Array.from(check.mean.dataSync() as Float64Array), stds = Array.from(check.scale.dataSync() as Float64Array);
console.log(`scaled train: max |mean| per pixel = ${Math.max(...means.map(Math.abs)).toExponential(1)}, std per pixel in [${Math.min(...stds).toFixed(4)}, ${Math.max(...stds).toFixed(4)}]`);
console.log(`X_train ${JSON.stringify(xTrainScaled.shape)} ${xTrainScaled.dtype}, X_valid ${JSON.stringify(xValidScaled.shape)}, X_test ${JSON.stringify(xTestScaled.shape)}`);
