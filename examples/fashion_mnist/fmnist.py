"""Fashion-MNIST from the Debian package dataset-fashion-mnist
(scripts/install-deps.sh installs it): the four IDX files read into NumPy.
Shared by the exhibits (examples/dcsnn, examples/pcn) and the sklearn
baselines (baselines.py)."""
import gzip
import os
import sys

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    """An IDX file (the MNIST format) as a NumPy array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\0\0" or raw[2] != 8:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = int(raw[3])
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist(data=DATA):
    """(train images, train labels, test images, test labels); images as
    float32 rows of 784 intensities in [0, 1]."""
    files = {k: os.path.join(data, f) for k, f in (("xtr", "train-images-idx3-ubyte.gz"),
                                                   ("ytr", "train-labels-idx1-ubyte.gz"),
                                                   ("xte", "t10k-images-idx3-ubyte.gz"),
                                                   ("yte", "t10k-labels-idx1-ubyte.gz"))}
    missing = [p for p in files.values() if not os.path.exists(p)]
    if missing:
        sys.exit(f"Fashion-MNIST not found ({missing[0]}): install the Debian package dataset-fashion-mnist "
                 "(scripts/install-deps.sh does)")
    x = {k: read_idx(p) for k, p in files.items()}
    scale = lambda a: (a.reshape(len(a), -1).astype(np.float32) / np.float32(255.0))
    return scale(x["xtr"]), x["ytr"].astype(np.int64), scale(x["xte"]), x["yte"].astype(np.int64)
