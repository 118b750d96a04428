"""One attention head learns the match-the-query task (≥ 95% on a test set, fixed seed); its heat map and example."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symnet
from symnet.core.attention_model import attention
from symnet.learn.sequences import match_query, match_query_dataset
from symnet.plot.attention import plot_attention

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trained():
    data = match_query_dataset(2000, seed=0)
    result = symnet.train(attention(6, 9, 8, classes=4), data, epochs=20, batch_size=64, learning_rate=0.02,
                          seed=0, progress=False)
    return result


def test_the_task_needs_the_query():
    X, y = match_query(500, seed=3)
    # the class of a fixed candidate, or the commonest class in the sequence, is right about 1/k of the time
    assert np.mean(X[:, 1, 4:8].argmax(axis=1) == y) < 0.45
    assert np.mean(X[:, 1:, 4:8].sum(axis=1).argmax(axis=1) == y) < 0.6


def test_one_attention_layer_reaches_95_percent(trained):
    X, y = match_query(1000, seed=1)
    predicted = trained.compiled.predict(trained.theta, X).argmax(axis=1)
    assert np.mean(predicted == y) >= 0.95
    assert trained.history.train_accuracy[-1] > trained.history.train_accuracy[0]


def test_query_attends_to_the_match(trained):
    X, _ = match_query(200, seed=2)
    fn = trained.compiled
    A = fn.layout.attention_weights(fn, trained.theta, X)
    assert np.allclose(A.sum(axis=2), 1.0)
    nearest = 1 + np.einsum("nk,nmk->nm", X[:, 0, :4], X[:, 1:, :4]).argmax(axis=1)
    assert np.mean(A[:, 0].argmax(axis=1) == nearest) >= 0.95


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_heat_map(lang):
    weights = np.tile(np.eye(3), (2, 1, 1))
    fig = plot_attention(weights, [0, 1], [0, 0], [1, 2], lang=lang)
    assert len(fig.axes) == 3 and fig.axes[1].images[0].get_array().shape == (3, 3)
    with pytest.raises(ValueError, match="n × T × T"):
        plot_attention(np.ones((2, 3)))


def test_example_runs(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "attention_match_query.py"), str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    accuracy = float(run.stdout.split("test accuracy ")[1].split()[0])
    assert accuracy >= 0.95 and "A = softmax(S)" in run.stdout
    assert (tmp_path / "attention_weights.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
