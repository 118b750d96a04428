"""Each optimiser's update against its textbook formula, on L(θ) = (θ₁ − 1)² + 2θ₂² worked by hand.

At θ = (3, −1) the gradient is g = (2(θ₁ − 1), 4θ₂) = (4, −4); the expected numbers below follow
from the formulas in symnet/optim.py's docstring, written out step by step.
"""

import math

import numpy as np
import pytest

from symnet.learn.optim import OPTIMIZERS, SGD, Adam, Momentum, get_optimizer


def gradient(theta):
    return np.array([2 * (theta[0] - 1), 4 * theta[1]])


def run(opt, steps):
    theta = np.array([3.0, -1.0])
    state = opt.init(theta)
    for _ in range(steps):
        theta, state = opt.step(theta, gradient(theta), state)
    return theta, state


def test_sgd_two_steps_by_hand():
    # θ¹ = (3, −1) − 0.1·(4, −4) = (2.6, −0.6); g¹ = (3.2, −2.4); θ² = (2.28, −0.36)
    assert run(SGD(0.1), 1)[0] == pytest.approx([2.6, -0.6], abs=1e-15)
    assert run(SGD(0.1), 2)[0] == pytest.approx([2.28, -0.36], abs=1e-15)


def test_momentum_two_steps_by_hand():
    # v¹ = g⁰ = (4, −4), θ¹ = (2.6, −0.6); g¹ = (3.2, −2.4), v² = 0.9·v¹ + g¹ = (6.8, −6.0), θ² = (1.92, 0.0)
    theta, state = run(Momentum(0.1, beta=0.9), 2)
    assert theta == pytest.approx([1.92, 0.0], abs=1e-14)
    assert state.velocity == pytest.approx([6.8, -6.0], abs=1e-14)


def test_momentum_with_beta_zero_is_sgd():
    assert (run(Momentum(0.1, beta=0.0), 3)[0] == run(SGD(0.1), 3)[0]).all()


def test_adam_two_steps_by_hand():
    eps = 1e-8
    # step 1: m = 0.1·g = (0.4, −0.4), v = 0.001·g² = (0.016, 0.016); m̂ = (4, −4), v̂ = (16, 16)
    t1 = [3 - 0.1 * 4 / (4 + eps), -1 + 0.1 * 4 / (4 + eps)]
    theta, state = run(Adam(0.1), 1)
    assert theta == pytest.approx(t1, rel=1e-15)
    assert state.t == 1 and state.m == pytest.approx([0.4, -0.4]) and state.v == pytest.approx([0.016, 0.016])
    # step 2: g = (2(t1₁ − 1), 4·t1₂); m = 0.9·m + 0.1·g; v = 0.999·v + 0.001·g²; bias-correct by 1 − β²
    g = [2 * (t1[0] - 1), 4 * t1[1]]
    m = [0.9 * 0.4 + 0.1 * g[0], 0.9 * -0.4 + 0.1 * g[1]]
    v = [0.999 * 0.016 + 0.001 * g[0] ** 2, 0.999 * 0.016 + 0.001 * g[1] ** 2]
    t2 = [t1[i] - 0.1 * (m[i] / (1 - 0.9**2)) / (math.sqrt(v[i] / (1 - 0.999**2)) + eps) for i in range(2)]
    assert run(Adam(0.1), 2)[0] == pytest.approx(t2, rel=1e-13)
    # the numbers, to see them: m̂ = (3.8947, −3.7895), √v̂ = (3.9012, 3.8052)
    assert t2 == pytest.approx([2.80017, -0.80041], abs=1e-5)


def test_adam_first_step_is_lr_times_sign():
    # with bias correction the first Adam step has length η in each coordinate, whatever |g|
    opt = Adam(0.05)
    theta, _ = opt.step(np.array([0.0, 0.0]), np.array([1e-3, -50.0]), opt.init(np.zeros(2)))
    assert theta == pytest.approx([-0.05, 0.05], rel=1e-4)


def test_step_does_not_mutate_inputs():
    theta, g = np.array([1.0, 2.0]), np.array([0.5, 0.5])
    for opt in (SGD(0.1), Momentum(0.1), Adam(0.1)):
        state = opt.init(theta)
        opt.step(theta, g, state)
        assert theta.tolist() == [1.0, 2.0] and g.tolist() == [0.5, 0.5]


def test_registry_and_lookup():
    assert tuple(OPTIMIZERS) == ("sgd", "momentum", "adam", "newton")
    assert get_optimizer("ADAM", 0.3) == Adam(0.3)
    assert get_optimizer(SGD(0.2), 99.0) == SGD(0.2)


@pytest.mark.parametrize("name", ["rmsprop", "", None, 3])
def test_unknown_optimizer(name):
    with pytest.raises(ValueError, match="unknown optimizer"):
        get_optimizer(name, 0.1)


@pytest.mark.parametrize("make, match", [
    (lambda: SGD(0.0), "learning_rate must be positive"), (lambda: SGD(-1), "learning_rate must be positive"),
    (lambda: SGD(float("nan")), "learning_rate must be positive"),
    (lambda: Momentum(0.1, beta=1.0), r"beta must be a number in \[0, 1\)"),
    (lambda: Momentum(0.1, beta=-0.1), r"beta must be a number in \[0, 1\)"),
    (lambda: Adam(0.1, beta2=1.0), "beta2 must be"), (lambda: Adam(0.1, eps=0.0), "eps must be positive"),
    (lambda: Adam(float("inf")), "learning_rate must be positive"),
])
def test_bad_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_hyperparameters_must_be_numbers_but_numpy_numbers_will_do():
    with pytest.raises(TypeError, match="learning_rate must be positive"):
        SGD("0.1")
    assert Adam(np.float32(0.5), beta1=np.float64(0.8)).step(np.zeros(1), np.ones(1), Adam(0.5).init(np.zeros(1)))[0][0] < 0
