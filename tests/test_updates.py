"""The in-place optimiser step (``numeric.updates`` through ``learn.inplace.fused_step``) against NumPy's.

``opt.step`` is the reference (the textbook formulas of tests/test_optim.py); the machine-code loop must give
the same θ and state after k steps, with and without weight decay, in float64 and float32, and ``train`` must
end at the same θ whichever of the two it used.
"""

import numpy as np
import pytest

import symnet.learn.inplace as inplace
from symnet import mlp
from symnet.core.layers import layers
from symnet.learn.inplace import fused_step
from symnet.learn.optim import SGD, Adam, Momentum
from symnet.learn.training import train
from symnet.numeric.updates import compiled_update

pytestmark = pytest.mark.skipif(compiled_update("sgd", "float64", False) is None, reason="llvmlite is missing")

OPTIMISERS = (SGD(0.1), Momentum(0.05, beta=0.8), Adam(0.01))
STEPS = 7


def both(opt, dtype, decayed):
    """(θ and state by NumPy's opt.step, the same by fused_step) after STEPS steps of random gradients."""
    rng = np.random.default_rng(3)
    theta = rng.standard_normal(1001).astype(dtype)
    decay = (1e-2 * (rng.random(1001) < 0.7)).astype(dtype) if decayed else None
    ours, state, fused_theta, fused_state = theta.copy(), opt.init(theta), theta.copy(), opt.init(theta)
    for _ in range(STEPS):
        g = rng.standard_normal(1001).astype(dtype)
        ours, state = opt.step(ours, g if decay is None else g + decay * ours, state)
        fused_state, bad = fused_step(opt, fused_theta, g, fused_state, decay, 1e12)
        assert bad == 0
    return (ours, state), (fused_theta, fused_state)


def states(state) -> list:
    return [getattr(state, name) for name in ("velocity", "m", "v") if hasattr(state, name)]


@pytest.mark.parametrize("opt", OPTIMISERS, ids=lambda o: type(o).__name__)
@pytest.mark.parametrize("decayed", (False, True))
def test_same_theta_as_numpy_after_k_steps(opt, decayed):
    (theta, state), (fused_theta, fused_state) = both(opt, np.float64, decayed)
    np.testing.assert_allclose(fused_theta, theta, rtol=0, atol=1e-12)
    for ours, theirs in zip(states(fused_state), states(state)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert getattr(fused_state, "t", STEPS) == STEPS


@pytest.mark.parametrize("opt", OPTIMISERS, ids=lambda o: type(o).__name__)
def test_float32_stays_float32_and_agrees(opt):
    (theta, _), (fused_theta, fused_state) = both(opt, np.float32, True)
    assert fused_theta.dtype == np.float32 and all(s.dtype == np.float32 for s in states(fused_state))
    np.testing.assert_allclose(fused_theta, theta, rtol=1e-6, atol=1e-6)


def test_counts_entries_out_of_range():
    theta = np.array([1.0, 2.0, 3.0])
    state, bad = fused_step(SGD(1.0), theta, np.array([0.0, -1e13, np.nan]), (), None, 1e12)
    assert bad == 2 and theta[0] == 1.0 and np.isnan(theta[2])


def test_declines_what_it_cannot_do_in_place():
    theta = np.ones(4)
    assert fused_step(SGD(0.1), theta, np.ones(4, dtype=np.float32), (), None, 1e12) is None   # mixed types
    assert fused_step(SGD(0.1), theta, np.ones(8)[::2], (), None, 1e12) is None                # not contiguous
    assert fused_step(SGD(0.1), theta, np.ones(3), (), None, 1e12) is None                     # wrong length
    assert (theta == 1).all()


def numpy_only(monkeypatch):
    """train as it ran before the in-place step: no machine-code update (as where llvmlite is missing)."""
    monkeypatch.setattr(inplace, "compiled_update", lambda *args: None)


@pytest.mark.parametrize("settings", ({"optimizer": "adam", "batch_size": 16, "weight_decay": 1e-3,
                                       "schedule": "linear"},
                                      {"optimizer": "sgd", "learning_rate": 0.3},
                                      {"optimizer": "momentum", "batch_size": 32}), ids=("adam", "sgd", "momentum"))
def test_train_ends_at_the_same_theta(settings, monkeypatch):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(96, 6)), rng.integers(0, 3, size=96)
    net = layers("6-5-3")
    fused = train(net, (X, y), epochs=5, progress=False, **settings)
    numpy_only(monkeypatch)
    reference = train(net, (X, y), epochs=5, progress=False, **settings)
    np.testing.assert_allclose(fused.theta, reference.theta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fused.history.train_loss, reference.history.train_loss, rtol=1e-12)


def test_train_leaves_the_given_theta_alone():
    net, X = mlp([2, 3, 1]), np.random.default_rng(1).normal(size=(20, 2))
    theta0 = np.linspace(-1, 1, len(net.params))
    kept = theta0.copy()
    result = train(net, (X, X[:, 0] > 0), theta0=theta0, epochs=3, optimizer="sgd", progress=False)
    assert (theta0 == kept).all() and not np.array_equal(result.theta, kept)


def test_epoch_loss_and_accuracy_from_one_forward_pass_match_value_and_predict():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(80, 5)), rng.integers(0, 4, size=80)
    thetas = []
    result = train(layers("5-6-4"), (X, y), epochs=4, batch_size=16, progress=False,
                   callback=lambda epoch, theta, *losses: thetas.append(theta))
    fn = result.compiled
    for epoch, theta in enumerate(thetas, start=1):
        predicted = fn.predict(theta, X).argmax(axis=1)
        assert result.history.train_accuracy[epoch] == np.mean(predicted == y)
        assert result.history.train_loss[epoch] == pytest.approx(fn.value(theta, X, y), rel=1e-13)
