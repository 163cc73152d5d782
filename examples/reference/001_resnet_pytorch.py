# Notebook 001's ResNet in PyTorch, as an independent reference for what the notebook's recipe
# reaches on a CPU framework other than lamina: the same data preparation (train_test_split 0.8,
# per-pixel StandardScaler), the same network (Keras' he_normal: a normal truncated at two standard
# deviations with stddev sqrt(2 / fan_in) / 0.8796, zero biases; BatchNormalization with Keras'
# momentum 0.99 and epsilon 1e-3), SGD 1e-3, batch 256, 5 epochs, a fresh shuffle every epoch.
# Prints Keras' per-epoch figures (training accuracy and loss averaged over the epoch).
#
#   /usr/bin/python3 examples/reference/001_resnet_pytorch.py [SEED] [--epochs N] [--keras30-bn] [--clipped-loss]
#
# THREADS=N sets PyTorch's threads (default 2).
# --keras30-bn: BatchNormalization's variance as Keras 3.0.0-3.0.3's TensorFlow backend computed it,
#   max(E[x^2] - stop_gradient(E[x])^2, 0) (its gradient differs from tf.nn.moments').
# --clipped-loss: cross-entropy from probabilities clipped to [1e-7, 1 - 1e-7] (no gradient beyond),
#   Keras' path when a softmax's logits are not available.
# Needs Debian's python3-torch, python3-numpy and python3-sklearn; reads the Fashion-MNIST of
# Debian's dataset-fashion-mnist package.
import gzip, os, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

argv = sys.argv[1:]
EPOCHS = int(argv[argv.index("--epochs") + 1]) if "--epochs" in argv else 5
args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--epochs")]
seed = int(args[0]) if args else 42
KERAS30_BN = "--keras30-bn" in sys.argv
CLIPPED_LOSS = "--clipped-loss" in sys.argv
torch.manual_seed(seed)
torch.set_num_threads(int(os.environ.get("THREADS", "2")))

def idx(path, offset):
    return np.frombuffer(gzip.open(path).read(), np.uint8, offset=offset)

d = "/usr/share/datasets/fashion-mnist/"
X = idx(d + "train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32)
y = idx(d + "train-labels-idx1-ubyte.gz", 8).astype(np.int64)
Xtr, Xva, ytr, yva = train_test_split(X, y, train_size=0.8, random_state=seed)
sc = StandardScaler()
Xtr = sc.fit_transform(Xtr).reshape(-1, 1, 28, 28)
Xva = sc.transform(Xva).reshape(-1, 1, 28, 28)

def he_normal(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        std = (2 / m.weight[0].numel()) ** 0.5 / 0.87962566103423978
        nn.init.trunc_normal_(m.weight, 0, std, -2 * std, 2 * std)
        nn.init.zeros_(m.bias)

class Keras30BatchNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(c)); self.beta = nn.Parameter(torch.zeros(c))
        self.register_buffer("moving_mean", torch.zeros(c)); self.register_buffer("moving_var", torch.ones(c))
    def forward(self, x):
        if self.training:
            m = x.mean((0, 2, 3)); v = torch.clamp((x * x).mean((0, 2, 3)) - m.detach() ** 2, min=0)
            with torch.no_grad():
                self.moving_mean.mul_(0.99).add_(0.01 * m); self.moving_var.mul_(0.99).add_(0.01 * v)
        else:
            m, v = self.moving_mean, self.moving_var
        shape = (1, -1, 1, 1)
        return (x - m.view(shape)) * torch.rsqrt(v.view(shape) + 1e-3) * self.gamma.view(shape) + self.beta.view(shape)

def batch_norm(c):
    return Keras30BatchNorm(c) if KERAS30_BN else nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)

class ResidualBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(64, 64, 3, padding=1); self.b1 = batch_norm(64)
        self.c2 = nn.Conv2d(64, 64, 3, padding=1); self.b2 = batch_norm(64)
    def forward(self, x):
        return F.relu(x + self.b2(self.c2(F.relu(self.b1(self.c1(x))))))

class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 64, 3, padding=1); self.r1 = ResidualBlock(); self.r2 = ResidualBlock()
        self.d1 = nn.Linear(64 * 7 * 7, 256); self.d2 = nn.Linear(256, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = F.max_pool2d(self.r2(self.r1(x)), 2)
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras' Flatten of NHWC
        return self.d2(F.relu(self.d1(x)))

def loss_of(logits, labels):
    if CLIPPED_LOSS:
        p = torch.clamp(F.softmax(logits, 1), 1e-7, 1 - 1e-7)
        return -torch.log(p)[torch.arange(len(labels)), labels].mean()
    return F.cross_entropy(logits, labels)

net = ResNet(); net.apply(he_normal)
opt = torch.optim.SGD(net.parameters(), lr=1e-3)
Xt, yt, Xv, yv = map(torch.tensor, (Xtr, ytr, Xva, yva))
t0 = time.time()
for epoch in range(EPOCHS):
    net.train(); perm = torch.randperm(len(Xt)); correct = 0; total_loss = 0.0
    for i in range(0, len(Xt), 256):
        b = perm[i:i + 256]; out = net(Xt[b]); loss = loss_of(out, yt[b])
        opt.zero_grad(); loss.backward(); opt.step()
        correct += (out.argmax(1) == yt[b]).sum().item(); total_loss += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        out = torch.cat([net(Xv[i:i + 1024]) for i in range(0, len(Xv), 1024)])
        va = (out.argmax(1) == yv).float().mean().item(); vl = F.cross_entropy(out, yv).item()
    print(f"epoch {epoch + 1}: accuracy {correct / len(Xt):.4f} loss {total_loss / len(Xt):.4f} "
          f"val_accuracy {va:.4f} val_loss {vl:.4f} ({time.time() - t0:.0f}s)", flush=True)
