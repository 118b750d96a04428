"""Handwritten digits: scikit-learn's bundled 8×8 images (1,797 of them, no download), split once.

Each image is 64 pixels with grey levels 0–16 and a label 0–9. The split is fixed, whatever seed a
run uses: 360 test images (36 per digit, ``train_test_split`` with ``random_state=0``, stratified),
the other 1,437 for training. Inputs are standardised per pixel with the training set's mean and
standard deviation (pixels that never vary keep a scale of 1), the usual preparation for a network
whose first layer sums 64 inputs.

The split never changes, so its row numbers are kept beside this module (``digits_split.txt``), and
the images are read from scikit-learn's bundled CSV without importing scikit-learn (about a second
of imports); ``tests/test_digits.py`` checks both against scikit-learn's own functions.
"""

from __future__ import annotations

import gzip
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from symnet.learn.data import Dataset

N_TEST = 360
SPLIT_SEED = 0
CLASSES = tuple(range(10))
SPLIT_FILE = Path(__file__).with_name("digits_split.txt")


@dataclass(frozen=True, eq=False)
class Split:
    """The fixed digits split: standardised train and test sets, and the raw test images for figures."""

    train: Dataset
    test: Dataset
    test_images: np.ndarray        # (N_TEST, 8, 8) grey levels 0–16
    mean: np.ndarray
    scale: np.ndarray


@lru_cache(maxsize=1)
def digits() -> Split:
    """The digits split (cached: one load per process).

    >>> d = digits()
    >>> d.train.X.shape, d.test.X.shape, sorted(set(d.test.y.astype(int))) == list(range(10))
    ((1437, 64), (360, 64), True)
    """
    X, y = load_images()
    test, train = split_rows()
    X_train, X_test, y_train, y_test, img_test = X[train], X[test], y[train], y[test], X[test].reshape(-1, 8, 8)
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale < 1e-8] = 1.0
    names = tuple(f"p{i + 1}" for i in range(64))
    return Split(Dataset((X_train - mean) / scale, y_train, names, "digits (train)"),
                 Dataset((X_test - mean) / scale, y_test, names, "digits (test)"), img_test, mean, scale)


def load_images() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): the 1,797 images as rows of 64 grey levels, and their labels, as float64 (``load_digits``'s
    data and target), read from scikit-learn's bundled ``digits.csv.gz``."""
    spec = importlib.util.find_spec("sklearn")      # finds the package without importing it
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz" if spec and spec.origin else None
    if path is None or not path.is_file():          # a scikit-learn that keeps its data elsewhere
        from sklearn.datasets import load_digits

        bunch = load_digits()
        return bunch.data.astype(float), bunch.target.astype(float)
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        data = np.loadtxt(rows, delimiter=",")
    return data[:, :-1], data[:, -1]


def split_rows() -> tuple[np.ndarray, np.ndarray]:
    """(test rows, train rows) of the fixed split, in the order ``train_test_split`` returns them."""
    lines = [line for line in SPLIT_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    test, train = (np.array(line.split(), dtype=int) for line in lines)
    return test, train
