# Are two sets of initial weights for notebook 001's ResNet drawn from the same distribution?
# Compares every kernel of the .keras files in two folders (e.g. Keras' from
# `001_resnet_keras.py --seed N --save-initial DIR_A/N.keras`, lamina's from
# `npm run example -- 001 --seed N --save-initial DIR_B/N.keras`), pooled over the files of each
# folder: standard deviation, largest |w| in standard deviations, excess kurtosis, and two-sample
# Kolmogorov-Smirnov tests on the values, on each unit's norm (sensitive to dependence between a
# unit's incoming weights) and on the kernel matrices' singular values. Biases must be zeros and
# BatchNormalization at (1, 0, 0, 1) in every file.
#
#   /usr/bin/python3 examples/reference/001_compare_initial_weights.py DIR_A DIR_B
#
# Needs numpy, scipy and h5py (Debian: python3-numpy, python3-scipy, python3-h5py).
import glob, io, os, sys, zipfile
import h5py, numpy as np
from scipy import stats


def kernels(path):
    """{dataset path: array} of one .keras file's weights."""
    with zipfile.ZipFile(path) as z, h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
        out = {}
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) and name.startswith("layers/") else None)
        return out


def load(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.keras")))
    if not files:
        sys.exit(f"001_compare_initial_weights: no .keras files in {folder}")
    return [kernels(f) for f in files]


if len(sys.argv) != 3:
    sys.exit("usage: 001_compare_initial_weights.py DIR_A DIR_B")
a_dir, b_dir = sys.argv[1:3]
A, B = load(a_dir), load(b_dir)
print(f"A: {len(A)} files from {a_dir}; B: {len(B)} files from {b_dir}")
for side, files in (("A", A), ("B", B)):
    for weights in files:
        for name, w in weights.items():
            if name.startswith("layers/batch_normalization"):
                want = {"0": 1, "1": 0, "2": 0, "3": 1}[name.rsplit("/", 1)[1]]
                assert np.all(w == want), f"{side}: {name} is not at its initial value {want}"
            elif w.ndim == 1:
                assert np.all(w == 0), f"{side}: bias {name} is not zeros"
for name in sorted(k for k, v in A[0].items() if v.ndim > 1):
    a = np.stack([f[name] for f in A]).astype(np.float64)
    b = np.stack([f[name] for f in B]).astype(np.float64)
    shape = a.shape[1:]
    fan_in = int(np.prod(shape[:-1]))
    sd = np.sqrt(2 / fan_in) / 0.87962566103423978  # he_normal's stddev before truncation at 2 sd
    af, bf = a.ravel(), b.ravel()
    step = max(1, af.size // 200_000)
    print(f"{name} {shape} (he_normal sd {sd:.5f}):")
    print(f"  std A {af.std():.5f} B {bf.std():.5f}; max |w|/sd A {np.abs(af).max() / sd:.3f} B {np.abs(bf).max() / sd:.3f}; "
          f"excess kurtosis A {stats.kurtosis(af):.4f} B {stats.kurtosis(bf):.4f}; values KS p = {stats.ks_2samp(af[::step], bf[::step]).pvalue:.3f}")
    an = np.sqrt((a.reshape(len(A), fan_in, -1) ** 2).sum(1)).ravel()
    bn = np.sqrt((b.reshape(len(B), fan_in, -1) ** 2).sum(1)).ravel()
    asv = np.concatenate([np.linalg.svd(x.reshape(fan_in, -1), compute_uv=False) for x in a])
    bsv = np.concatenate([np.linalg.svd(x.reshape(fan_in, -1), compute_uv=False) for x in b])
    print(f"  unit norms mean A {an.mean():.5f} B {bn.mean():.5f}, KS p = {stats.ks_2samp(an, bn).pvalue:.3f}; "
          f"largest singular value mean A {asv.reshape(len(A), -1).max(1).mean():.4f} B {bsv.reshape(len(B), -1).max(1).mean():.4f}, "
          f"singular values KS p = {stats.ks_2samp(asv, bsv, method='asymp').pvalue:.3f}")
