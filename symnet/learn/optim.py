"""Optimisers: how a step turns the gradient g = ∂L/∂θ into a change of θ.

Each optimiser is a frozen dataclass of hyper-parameters; its state is passed explicitly, so a
step is a pure function ``(θ, g, state) -> (θ', state')``:

    SGD (the article's rule)   θ ← θ − η·g
    Momentum (heavy ball)      v ← β·v + g;            θ ← θ − η·v
    Adam                       m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  t ← t + 1
                               m̂ = m / (1 − β₁ᵗ);      v̂ = v / (1 − β₂ᵗ);       θ ← θ − η·m̂ / (√v̂ + ε)
    Newton (damped)            θ ← θ − (H + λI)⁻¹·g,   H = ∂²L/∂θ² on the whole training set

Newton's step needs the Hessian and the loss at a trial θ, so ``train`` binds them to it (``bind_newton``)
and the other optimisers never see a Hessian. λ is adapted Levenberg–Marquardt style by the gain ratio
ρ = (actual fall of L) / (fall predicted by the quadratic model g·Δ − ½ΔᵀHΔ): a trial with ρ < ¼ is
refused and λ multiplied by ``increase``; with ρ > ¾ the next step starts from λ / ``increase``. The ratio
is what keeps the flat directions of a sigmoid network (eigenvalues near 0, where the model promises a
huge fall) from throwing θ onto a saturated plateau. λ = 0 is the undamped Newton step, which lands on
the minimum of a convex quadratic in one step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from symnet.checks import fraction, non_negative, positive

# Newton's method compiles the P × P Hessian: P tangent sweeps over the gradient program. Building it
# took 0.6 s for the seed network (P = 11) and 8 s of CPU for mlp 2-8-8-1 (P = 105), growing like P².
NEWTON_MAX_PARAMS = 128


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
        return MomentumState(np.zeros_like(theta, dtype=state_type(theta)))

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
        zeros = np.zeros_like(theta, dtype=state_type(theta))
        return AdamState(0, zeros, zeros.copy())

    def step(self, theta: np.ndarray, grad: np.ndarray, state: AdamState) -> tuple[np.ndarray, AdamState]:
        """One update: returns the new θ and the new (t, m, v)."""
        t = state.t + 1
        m = self.beta1 * state.m + (1.0 - self.beta1) * grad
        v = self.beta2 * state.v + (1.0 - self.beta2) * grad * grad
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        return theta - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps), AdamState(t, m, v)


@dataclass(frozen=True)
class NewtonState:
    """The damping λ the next step starts from."""

    damping: float


@dataclass(frozen=True)
class Newton:
    """Damped Newton's method, θ ← θ − (H + λI)⁻¹·g, with λ adapted Levenberg–Marquardt style.

    It has no learning rate (the curvature scales the step); ``damping`` is the first λ (0: the undamped
    step). ``train(..., optimizer="newton")`` binds the Hessian of the training loss; used by hand,
    ``bind(curvature, value)`` gives it ``curvature(θ) -> (L, H)`` and ``value(θ) -> L``.

    >>> opt = Newton(damping=0.0).bind(lambda t: (float(t @ t), 2 * np.eye(2)), lambda t: float(t @ t))
    >>> opt.step(np.array([3.0, -1.0]), np.array([6.0, -2.0]), opt.init(np.zeros(2)))[0]   # L = |θ|²
    array([0., 0.])
    """

    damping: float = 1e-3
    increase: float = 10.0
    curvature: Callable | None = field(default=None, repr=False, compare=False)
    value: Callable | None = field(default=None, repr=False, compare=False)
    learning_rate: ClassVar[float] = 1.0     # the full Newton step; recorded in a run's settings

    def __post_init__(self):
        non_negative(self.damping, "damping")
        if positive(self.increase, "increase") <= 1:
            raise ValueError(f"increase must be a number > 1 (λ grows by it after a refused step); got {self.increase}")

    def bind(self, curvature: Callable, value: Callable) -> Newton:
        """This optimiser with ``curvature(θ) -> (L, H)`` and ``value(θ) -> L`` to step with."""
        return replace(self, curvature=curvature, value=value)

    def init(self, theta: np.ndarray) -> NewtonState:
        """λ = ``damping``; refused before any step when no Hessian is bound."""
        if self.curvature is None or self.value is None:
            raise ValueError("Newton's method needs the loss's Hessian: symnet.train(..., optimizer='newton') "
                             f"binds it for scalar networks of at most {NEWTON_MAX_PARAMS} parameters; layer "
                             "networks train with sgd, momentum or adam")
        return NewtonState(self.damping)

    def step(self, theta: np.ndarray, grad: np.ndarray, state: NewtonState) -> tuple[np.ndarray, NewtonState]:
        """One damped Newton step from θ (where the gradient is ``grad``)."""
        loss, H = self.curvature(theta)
        theta, damping = damped_newton(theta, grad, H, loss, self.value, state.damping, self.increase)
        return theta, NewtonState(damping)


def damped_newton(theta, grad, H, loss, value, damping=0.0, increase=10.0, tries=60) -> tuple[np.ndarray, float]:
    """(θ − Δ, the next λ), Δ = (H + λI)⁻¹·g for the first λ = damping·increaseᵏ whose gain ratio is ≥ ¼.

    λ starts above −λ_min(H) when H is not positive definite, so every trial goes downhill; one
    eigendecomposition makes each trial O(P²). A non-finite H or g gives a non-finite θ (the training
    loop reports the divergence); a step whose predicted fall is lost in rounding is taken if L does not
    rise; no accepted step in ``tries`` leaves θ where it is.

    >>> damped_newton(np.array([3.0]), np.array([4.0]), np.array([[2.0]]), 4.0, lambda t: float((t[0] - 1) ** 2))
    (array([1.]), 0.0)
    """
    if not (np.isfinite(H).all() and np.isfinite(grad).all()):
        return np.full_like(theta, np.nan), damping
    w, V = np.linalg.eigh((H + H.T) / 2)
    floor = 1e-9 * max(1.0, float(np.abs(w).max()))
    lam = damping if w.min() + damping > 0 else -w.min() + max(damping, floor)
    along = V.T @ grad
    for _ in range(tries):
        delta = V @ (along / (w + lam))
        predicted = float(grad @ delta - 0.5 * delta @ (H @ delta))
        with np.errstate(all="ignore"):
            fall = loss - value(theta - delta)
        if np.isfinite(fall) and (fall >= 0.25 * predicted or (fall >= 0 and predicted <= 1e-14 * max(1.0, abs(loss)))):
            return theta - delta, lam / increase if fall > 0.75 * predicted else lam
        lam = max(lam * increase, floor)
    return theta, lam


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam, "newton": Newton}


def get_optimizer(optimizer, learning_rate: float = 0.05):
    """An optimiser from a name in ``OPTIMIZERS`` (with ``learning_rate``; "newton" takes none) or an
    optimiser object as is.

    >>> get_optimizer("momentum", 0.1)
    Momentum(learning_rate=0.1, beta=0.9)
    """
    if isinstance(optimizer, tuple(OPTIMIZERS.values())):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.strip().lower() not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}: expected one of {', '.join(OPTIMIZERS)} "
                         f"or an optimizer object such as Adam(0.01)")
    name = optimizer.strip().lower()
    return Newton() if name == "newton" else OPTIMIZERS[name](learning_rate)


def optimizer_name(optimizer) -> str:
    """The ``OPTIMIZERS`` key of an optimiser object ('sgd', 'momentum', 'adam', 'newton')."""
    return next(k for k, cls in OPTIMIZERS.items() if type(optimizer) is cls)


def bind_newton(opt: Newton, loss, fn, train_set, theta0: np.ndarray, mask: np.ndarray, batch_size) -> Newton:
    """``opt`` bound to the compiled Hessian and loss ``fn`` of ``loss`` on the whole training set.

    Only the parameters in ``mask`` move (H restricted to their rows and columns); the others keep their
    values in ``theta0``. Refused (``ValueError``) beyond ``NEWTON_MAX_PARAMS`` parameters or with mini-batches.
    """
    n = len(theta0)
    if n > NEWTON_MAX_PARAMS:
        raise ValueError(f"Newton's method compiles the {n} × {n} Hessian; it is for networks of at most "
                         f"{NEWTON_MAX_PARAMS} parameters, and this one has {n}: use adam, momentum or sgd")
    if batch_size is not None and batch_size < len(train_set):
        raise ValueError(f"Newton's method steps on the whole training set ({len(train_set)} samples); "
                         f"leave batch_size unset (got {batch_size})")
    from symnet.numeric.hessian import compile_hessian

    hessian, columns, y = compile_hessian(loss), np.ascontiguousarray(train_set.X.T), train_set.y
    index = np.ix_(mask, mask)

    def full(part):
        theta = theta0.copy()
        theta[mask] = part
        return theta

    def curvature(part):
        with np.errstate(all="ignore"):
            out = hessian.run(columns, y, full(part))
        return out[0], out[1:].reshape(n, n)[index]

    def value(part):
        return fn.evaluate_columns(columns, y, full(part))[0]

    return opt.bind(curvature, value)


def state_type(theta: np.ndarray):
    """The optimiser's state in θ's own float type (float32 stays float32), float64 for anything else."""
    return np.float32 if np.asarray(theta).dtype == np.float32 else float
