# Notebook 001's cells 16-20 run by Keras 3 itself: the notebook's code unchanged except the data
# loading (Debian's dataset-fashion-mnist files instead of keras.datasets' download), the seeds and
# verbose=2 (one line per epoch). Prints History's figures, test accuracy and the training time.
#
#   COLUMNS=200 KERAS_BACKEND=torch python3 examples/reference/001_resnet_keras.py --seed N [--split N] [--epochs N] [--limit N] [--save-initial F.keras] [--initial F.keras]
#
# --seed sets keras.utils.set_random_seed (weights, shuffles); --split is train_test_split's
# random_state (default: the seed), the split lamina's `--split-random-state N` reproduces.
# Needs Keras 3 with any backend, numpy and scikit-learn. The runs in examples/RESULTS.md used
# Keras 3.5.0's source (the mirror's v3.5.0 tag) on its torch backend with Debian's torch 1.13,
# which needed stand-ins for packages not installable offline (optree, ml_dtypes, torch._dynamo's
# disable/reset) and three torch-1.13 fixes in Keras' torch backend (squeezing several axes one at
# a time, Module.named_parameters without remove_duplicate, no float8 dtypes); none touches the
# arithmetic.
import argparse, gzip, time
import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
import keras

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=1)
p.add_argument("--split", type=int, default=None)
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--limit", type=int, default=0)
p.add_argument("--save-initial", default=None, help="also save the compiled model before training (a .keras path)")
p.add_argument("--initial", default=None, help="start from this model file's weights (e.g. lamina's initial model) instead of Keras' own")
a = p.parse_args()
keras.utils.set_random_seed(a.seed)

def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

d = "/usr/share/datasets/fashion-mnist/"
X_train_full, y_train_full = idx(d + "train-images-idx3-ubyte.gz"), idx(d + "train-labels-idx1-ubyte.gz")
X_test, y_test = idx(d + "t10k-images-idx3-ubyte.gz"), idx(d + "t10k-labels-idx1-ubyte.gz")
if a.limit:
    X_train_full, y_train_full = X_train_full[:a.limit], y_train_full[:a.limit]
X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, train_size=0.8,
                                                      random_state=a.split if a.split is not None else a.seed)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train.astype(np.float32).reshape(-1, 28 * 28)).reshape(-1, 28, 28, 1)
X_valid = scaler.transform(X_valid.astype(np.float32).reshape(-1, 28 * 28)).reshape(-1, 28, 28, 1)
X_test = scaler.transform(X_test.astype(np.float32).reshape(-1, 28 * 28)).reshape(-1, 28, 28, 1)

def ResidualBlock(input, **kwargs):
    convolution = keras.layers.Conv2D(**kwargs)(input)
    normalization = keras.layers.BatchNormalization()(convolution)
    activation = keras.layers.ReLU()(normalization)
    convolution = keras.layers.Conv2D(**kwargs)(activation)
    normalization = keras.layers.BatchNormalization()(convolution)
    addition = keras.layers.Add()([input, normalization])
    output = keras.layers.ReLU()(addition)
    return output

input = keras.layers.Input(shape=X_train.shape[1:])
hidden = keras.layers.Conv2D(filters=64, kernel_size=3, activation="relu", padding="same", kernel_initializer="he_normal")(input)
starter_output = keras.layers.MaxPooling2D(pool_size=2)(hidden)
block = ResidualBlock(input=starter_output, filters=64, kernel_size=3, padding="same", kernel_initializer="he_normal")
block = ResidualBlock(input=block, filters=64, kernel_size=3, padding="same", kernel_initializer="he_normal")
pooling = keras.layers.MaxPooling2D(pool_size=2)(block)
flatten = keras.layers.Flatten()(pooling)
hidden = keras.layers.Dense(256, activation="relu", kernel_initializer="he_normal")(flatten)
output = keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal")(hidden)
model = keras.models.Model(inputs=[input], outputs=[output])
model.summary()

n_epochs = a.epochs
learning_rate = 1e-3
batch_size = 256
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=learning_rate), metrics=["accuracy"])
if a.save_initial:
    model.save(a.save_initial)
if a.initial:
    model = keras.models.load_model(a.initial, compile=False)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=learning_rate), metrics=["accuracy"])
t0 = time.time()
history = model.fit(X_train, y_train, epochs=n_epochs, batch_size=batch_size, validation_data=(X_valid, y_valid), verbose=2)
t1 = time.time()
test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
print({"seed": a.seed, "split": a.split, "history": {k: [round(float(x), 4) for x in v] for k, v in history.history.items()},
       "test_accuracy": round(float(test_acc), 4), "test_loss": round(float(test_loss), 4), "train_s": round(t1 - t0, 1)})
