"""Optimisers: how a step turns the gradient g = ∂L/∂θ into a change of θ.

Each optimiser is a frozen dataclass of hyper-parameters; its state is passed explicitly, so a
step is a pure function ``(θ, g, state) -> (θ', state')``:

    SGD (the article's rule)   θ ← θ − η·g
    Momentum (heavy ball)      v ← β·v + g;            θ ← θ − η·v
    Adam                       m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  t ← t + 1
                               m̂ = m / (1 − β₁ᵗ);      v̂ = v / (1 − β₂ᵗ);       θ ← θ − η·m̂ / (√v̂ + ε)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symnet.checks import fraction, positive


@dataclass(frozen=True)
class SGD:
    """Plain gradient descent, θ ← θ − η·g.

    >>> theta, state = SGD(0.1).step(np.array([1.0]), np.array([2.0]), SGD(0.1).init(np.array([1.0])))
    >>> theta
    array([0.8])
    """

    learning_rate: float

    def __post_init__(self):
        positive(self.learning_rate, "learning_rate")

    def init(self, theta: np.ndarray) -> tuple:
        """SGD keeps no state."""
        return ()

    def step(self, theta: np.ndarray, grad: np.ndarray, state: tuple) -> tuple[np.ndarray, tuple]:
        """One update: returns the new θ and the (empty) state."""
        return theta - self.learning_rate * grad, state


@dataclass(frozen=True)
class MomentumState:
    """The velocity v (a running sum of past gradients)."""

    velocity: np.ndarray


@dataclass(frozen=True)
class Momentum:
    """Heavy-ball momentum, v ← β·v + g, θ ← θ − η·v (v starts at 0).

    >>> opt = Momentum(0.1, beta=0.5)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> theta, state.velocity
    (array([0.8]), array([2.]))
    """

    learning_rate: float
    beta: float = 0.9

    def __post_init__(self):
        positive(self.learning_rate, "learning_rate")
        fraction(self.beta, "beta", include_zero=True)

    def init(self, theta: np.ndarray) -> MomentumState:
        """v = 0."""
        return MomentumState(np.zeros_like(theta, dtype=float))

    def step(self, theta: np.ndarray, grad: np.ndarray, state: MomentumState) -> tuple[np.ndarray, MomentumState]:
        """One update: returns the new θ and the new velocity."""
        velocity = self.beta * state.velocity + grad
        return theta - self.learning_rate * velocity, MomentumState(velocity)


@dataclass(frozen=True)
class AdamState:
    """Step count t and the running first and second moments m, v of the gradient."""

    t: int
    m: np.ndarray
    v: np.ndarray


@dataclass(frozen=True)
class Adam:
    """Adam (Kingma & Ba 2015) with bias-corrected moments.

    >>> opt = Adam(0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> theta.round(6), state.t
    (array([0.9]), 1)
    """

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        positive(self.learning_rate, "learning_rate")
        fraction(self.beta1, "beta1", include_zero=True)
        fraction(self.beta2, "beta2", include_zero=True)
        positive(self.eps, "eps")

    def init(self, theta: np.ndarray) -> AdamState:
        """t = 0, m = v = 0."""
        zeros = np.zeros_like(theta, dtype=float)
        return AdamState(0, zeros, zeros.copy())

    def step(self, theta: np.ndarray, grad: np.ndarray, state: AdamState) -> tuple[np.ndarray, AdamState]:
        """One update: returns the new θ and the new (t, m, v)."""
        t = state.t + 1
        m = self.beta1 * state.m + (1.0 - self.beta1) * grad
        v = self.beta2 * state.v + (1.0 - self.beta2) * grad * grad
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        return theta - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps), AdamState(t, m, v)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def get_optimizer(optimizer, learning_rate: float = 0.05):
    """An optimiser from a name in ``OPTIMIZERS`` (with ``learning_rate``) or an optimiser object as is.

    >>> get_optimizer("momentum", 0.1)
    Momentum(learning_rate=0.1, beta=0.9)
    """
    if isinstance(optimizer, (SGD, Momentum, Adam)):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.strip().lower() not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}: expected one of {', '.join(OPTIMIZERS)} "
                         f"or an optimizer object such as Adam(0.01)")
    return OPTIMIZERS[optimizer.strip().lower()](learning_rate)


def optimizer_name(optimizer) -> str:
    """The ``OPTIMIZERS`` key of an optimiser object ('sgd', 'momentum', 'adam')."""
    return next(k for k, cls in OPTIMIZERS.items() if type(optimizer) is cls)
