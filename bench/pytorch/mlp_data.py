"""Fashion-MNIST IDX reader for the PyTorch references (numpy only; the same files Neurite's FashionMnist.Load reads)."""
import gzip
import os

import numpy as np
import torch


def idx(folder, name):
    path = os.path.join(folder, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw = f.read()
    else:
        with gzip.open(path + ".gz", "rb") as f:
            raw = f.read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_fashion_mnist(folder="/usr/share/datasets/fashion-mnist", images=False):
    """(x_train, y_train, x_test, y_test): float32 pixels in [0, 1], [N, 784] or [N, 1, 28, 28]; int64 labels."""
    shape = (-1, 1, 28, 28) if images else (-1, 784)
    out = []
    for prefix in ("train", "t10k"):
        x = idx(folder, f"{prefix}-images-idx3-ubyte").reshape(shape).astype(np.float32) / 255
        y = idx(folder, f"{prefix}-labels-idx1-ubyte").astype(np.int64)
        out += [torch.from_numpy(x), torch.from_numpy(y)]
    return tuple(out)
