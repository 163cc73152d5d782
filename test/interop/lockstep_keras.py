"""Keras 3 side of a lockstep check on notebook 001's full-size ResNet (split random_state 1).

    COLUMNS=200 python3 test/interop/lockstep_keras.py <dir> [STEPS] [--epochs E]
    npx tsx test/interop/lockstep_lamina.ts <dir>

Saves the compiled initial model (initial.keras), the standardized split (xtr/ytr/xv/yv.npy), the
batches as rows of training indices (perms.npy: one row per epoch), and Keras' loss at each
train_on_batch, its validation accuracy and loss after each epoch on the whole validation set and
its final predictions for the first 2,000 validation images (keras.json), for lockstep_lamina.ts
to replay. Without --epochs: STEPS batches of 256 (default 30) from one shuffle. With --epochs E:
E shuffles of the whole training set, n // 256 batches each (the last partial batch left out so
both sides take the same steps). Needs Keras 3, numpy, scikit-learn and Debian's
dataset-fashion-mnist.
"""
import gzip
import json
import os
import sys

import numpy as np
import keras
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
if len(sys.argv) < 2:
    sys.exit(__doc__)
args = sys.argv[1:]
EPOCHS = int(args.pop(args.index("--epochs") + 1)) if "--epochs" in args else 0
args = [a for a in args if a != "--epochs"]
out = os.path.join(args[0], "")
os.makedirs(out, exist_ok=True)
STEPS = int(args[1]) if len(args) > 1 else 30
keras.utils.set_random_seed(11)
def idx(path):
    data = gzip.open(path, "rb").read(); ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
d = "/usr/share/datasets/fashion-mnist/"
X, y = idx(d + "train-images-idx3-ubyte.gz"), idx(d + "train-labels-idx1-ubyte.gz")
X_train, X_valid, y_train, y_valid = train_test_split(X, y, train_size=0.8, random_state=1)
sc = StandardScaler()
X_train = sc.fit_transform(X_train.astype(np.float32).reshape(-1, 784)).reshape(-1, 28, 28, 1).astype(np.float32)
X_valid = sc.transform(X_valid.astype(np.float32).reshape(-1, 784)).reshape(-1, 28, 28, 1).astype(np.float32)
def RB(inp, **kw):
    c = keras.layers.Conv2D(**kw)(inp); n = keras.layers.BatchNormalization()(c); a = keras.layers.ReLU()(n)
    c = keras.layers.Conv2D(**kw)(a); n = keras.layers.BatchNormalization()(c)
    return keras.layers.ReLU()(keras.layers.Add()([inp, n]))
inp = keras.layers.Input(shape=(28, 28, 1))
h = keras.layers.Conv2D(filters=64, kernel_size=3, activation="relu", padding="same", kernel_initializer="he_normal")(inp)
b = keras.layers.MaxPooling2D(pool_size=2)(h)
b = RB(b, filters=64, kernel_size=3, padding="same", kernel_initializer="he_normal")
b = RB(b, filters=64, kernel_size=3, padding="same", kernel_initializer="he_normal")
f = keras.layers.Flatten()(keras.layers.MaxPooling2D(pool_size=2)(b))
h = keras.layers.Dense(256, activation="relu", kernel_initializer="he_normal")(f)
o = keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal")(h)
model = keras.models.Model(inputs=[inp], outputs=[o])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-3), metrics=["accuracy"])
model.save(out + "initial.keras")
rng = np.random.default_rng(5)
if EPOCHS:
    STEPS = len(X_train) // 256
perms = np.stack([rng.permutation(len(X_train))[: STEPS * 256] for _ in range(max(EPOCHS, 1))]).astype(np.int32)
np.save(out + "xtr.npy", X_train); np.save(out + "ytr.npy", y_train.astype(np.int32)); np.save(out + "perms.npy", perms)
np.save(out + "xv.npy", X_valid); np.save(out + "yv.npy", y_valid.astype(np.int32))
losses, val_acc, val_loss = [], [], []
for batches in perms:
    for i in range(STEPS):
        rows = batches[i * 256:(i + 1) * 256]
        model.reset_metrics()
        losses.append(float(model.train_on_batch(X_train[rows], y_train[rows])[0]))
    vl, va = model.evaluate(X_valid, y_valid, batch_size=256, verbose=0)
    val_acc.append(float(va)); val_loss.append(float(vl))
    print(f"epoch {len(val_acc)}: mean loss {np.mean(losses[-STEPS:]):.5f}, val_accuracy {va:.4f}, val_loss {vl:.4f}", flush=True)
pv = model.predict(X_valid[:2000], verbose=0)
json.dump({"losses": losses, "val_pred": pv.tolist(), "val_acc": val_acc, "val_loss": val_loss}, open(out + "keras.json", "w"))
print("keras losses", [round(l, 5) for l in losses[:3]], "...", [round(l, 5) for l in losses[-3:]])
