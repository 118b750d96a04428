"""Handwritten digits: scikit-learn's bundled 8×8 images (1,797 of them, no download), split once.

Each image is 64 pixels with grey levels 0–16 and a label 0–9. The split is fixed, whatever seed a
run uses: 360 test images (36 per digit, ``train_test_split`` with ``random_state=0``, stratified),
the other 1,437 for training. Inputs are standardised per pixel with the training set's mean and
standard deviation (pixels that never vary keep a scale of 1), the usual preparation for a network
whose first layer sums 64 inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from symnet.learn.data import Dataset

N_TEST = 360
SPLIT_SEED = 0
CLASSES = tuple(range(10))


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
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    X, y = bunch.data.astype(float), bunch.target.astype(float)
    X_train, X_test, y_train, y_test, _, img_test = train_test_split(
        X, y, bunch.images, test_size=N_TEST, random_state=SPLIT_SEED, stratify=y)
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale < 1e-8] = 1.0
    names = tuple(f"p{i + 1}" for i in range(64))
    return Split(Dataset((X_train - mean) / scale, y_train, names, "digits (train)"),
                 Dataset((X_test - mean) / scale, y_test, names, "digits (test)"), img_test, mean, scale)
