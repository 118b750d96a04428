"""The digits split kept beside ``symnet.learn.digits`` is scikit-learn's, image for image and in order,
and reading it imports no scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from symnet.learn import digits as module


def test_the_kept_split_is_scikit_learns():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    X, y = bunch.data.astype(float), bunch.target.astype(float)
    X_train, X_test, y_train, y_test, _, images = train_test_split(
        X, y, bunch.images, test_size=module.N_TEST, random_state=module.SPLIT_SEED, stratify=y)
    split = module.digits()
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale < 1e-8] = 1.0
    assert np.array_equal(split.mean, mean) and np.array_equal(split.scale, scale)
    assert np.array_equal(split.train.X, (X_train - mean) / scale) and np.array_equal(split.train.y, y_train)
    assert np.array_equal(split.test.X, (X_test - mean) / scale) and np.array_equal(split.test.y, y_test)
    assert np.array_equal(split.test_images, images)


def test_the_split_uses_every_image_once():
    test, train = module.split_rows()
    assert len(test) == module.N_TEST and len(train) + len(test) == 1797
    assert sorted(np.concatenate([test, train]).tolist()) == list(range(1797))


def test_reading_the_digits_imports_no_scikit_learn():
    code = "import sys; from symnet.learn.digits import digits; digits(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
