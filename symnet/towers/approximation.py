"""Universal approximation by towers: ŷ = Σₖ cₖ·Tₖ(x, y) with cₖ = G(centre of cell k), and its error.

The domain is cut into n×n equal cells; tower k is ≈ 1 on cell k and ≈ 0 elsewhere, and its height
cₖ is G at the cell's centre, so ŷ is a piecewise-constant G and |G − ŷ| ≲ |∇G|·(cell width)/√2,
halving each time n doubles. Adjacent cells share their edge step neurons (2(n+1) step neurons,
n² tower neurons). In 1-D, bumps replace towers: ŷ = Σₖ cₖ·(σ(k(x − eₖ)) − σ(k(x − eₖ₊₁))).

Why threshold 1.5, not the article's 1.1. The tower neuron sees a = bump_x + bump_y: 2 inside its
cell, 1.5 on a side edge (one bump is ½ there), 1 on the bands beside the cell. With t = 1.1 and
s = 30, a band point still gives σ(30·(1 − 1.1)) = σ(−3) ≈ 0.047, and every one of the 2(n − 1)
towers in the same row and column adds that much: the error GROWS with n. On a shared edge both
neighbours give σ(30·0.4) ≈ 1, so the sum doubles there. With t = 1.5 a band point gives
σ(−15) ≈ 3·10⁻⁷ and an edge point gives ½ to each neighbour (a partition of unity). What t cannot
fix: at an interior corner a = ½ + ½ = 1, the same as on a band, so all four towers read ≈ 0
there; the sum dips within ≈ 5/steepness of each corner. The errors are therefore measured at the
centres of a samples×samples grid of sub-cells (for n dividing ``samples`` these stay half a
sub-cell away from every edge); the RMS error is hardly touched by those tiny windows.

Measured for sin x·cos y on [−2, 2]², n = 2, 4, 8, 16: with t = 1.5 the max error is 0.86, 0.48,
0.24, 0.115 and the RMS error 0.39, 0.20, 0.10, 0.052; with t = 1.1 the RMS error is 0.39, 0.21,
0.15, 0.24 (it turns back up).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from symnet.checks import INPUT_NAMES, integer, positive
from symnet.learn.data import target_function
from symnet.towers.tower import SHARPNESS, STEEPNESS, Tower, evaluate, grid_boxes, tower_sum

# t of the tower neurons in a sum of towers: 1.5, not the article's lone-tower THRESHOLD = 1.1, so that
# neighbouring towers split a shared edge ½ : ½ and the bands beside a cell read ≈ 0 (see the docstring)
PARTITION_THRESHOLD = 1.5
SAMPLES = 200             # sub-cells per axis where the error is measured
MARGIN = 10.0             # outer edges pushed out by MARGIN/steepness, so ŷ ≈ G up to the border


@dataclass(frozen=True, eq=False)
class Approximation:
    """A sum of towers (or of bumps in 1-D) fitted to G on ``domain``, and its measured error."""

    model: Tower
    target: str
    function: Callable
    domain: tuple[float, ...]
    n: int
    max_error: float
    rms_error: float
    samples: int = SAMPLES

    def evaluate(self, X) -> np.ndarray:
        """ŷ at the rows of X."""
        return evaluate(self.model, X)

    def grid(self, samples: int | None = None) -> tuple[np.ndarray, ...]:
        """The error grid: coordinate arrays (one per input, shape (m, m) or (m,)), G and ŷ on it."""
        coords = dense_grid(self.domain, samples or self.samples)
        X = np.column_stack([c.ravel() for c in coords])
        shape = coords[0].shape
        return (*coords, _values(self.function, X).reshape(shape), self.evaluate(X).reshape(shape))

    @property
    def towers(self) -> int:
        return len(self.model.boxes)

    def __str__(self) -> str:
        kind = "towers" if len(self.domain) == 4 else "bumps"
        return (f"{self.target} on {_domain_text(self.domain)}: {self.towers} {kind}, "
                f"{len(self.model.network.params)} params, max error {self.max_error:.4g}, "
                f"RMS error {self.rms_error:.4g}")


def dense_grid(domain: Sequence[float], samples: int = SAMPLES) -> tuple[np.ndarray, ...]:
    """Centres of a samples×samples (or samples in 1-D) grid of sub-cells of ``domain``.

    >>> dense_grid((0.0, 1.0), 4)[0]
    array([0.125, 0.375, 0.625, 0.875])
    """
    axes = [domain[2 * a] + (np.arange(samples) + 0.5) * (domain[2 * a + 1] - domain[2 * a]) / samples
            for a in range(len(domain) // 2)]
    return tuple(axes) if len(axes) == 1 else tuple(np.meshgrid(*axes))


def approximate(G, domain=(-2.0, 2.0, -2.0, 2.0), n: int = 8, steepness=STEEPNESS, sharpness=SHARPNESS,
                threshold=PARTITION_THRESHOLD, inputs=None, samples: int = SAMPLES) -> Approximation:
    """Approximate a continuous G(x, y) on ``domain`` by an n×n grid of towers.

    Tower k's height cₖ is G at the centre of cell k. The default threshold is 1.5, not the
    article's 1.1 (which makes the error grow with n): see this module's docstring.

    Args:
        G: a formula in x, y or in x1, x2 (read by ``symnet.io.parsing``, as for ``function:`` data)
            or a callable G(x, y) on arrays.
        domain: (x0, x1, y0, y1).
        n: cells per axis (n² towers).
        steepness, sharpness, threshold: the step and tower neurons' shape.
        inputs: the two input names; default the formula's (x, y or x1, x2), or x, y for a callable.
        samples: the error is measured at the centres of a samples×samples grid of sub-cells
            (rounded up to a multiple of n).

    Returns:
        An ``Approximation`` with its max and RMS error.

    >>> a = approximate("sin(x)*cos(y)", n=8)
    >>> a.towers, round(a.max_error, 2), round(a.rms_error, 2)
    (64, 0.24, 0.1)
    """
    return _approximate(G, domain, n, steepness, sharpness, threshold, inputs, samples, dims=2)


def approximate_1d(g, domain=(-2.0, 2.0), n: int = 8, steepness=STEEPNESS, inputs=None,
                   samples: int = SAMPLES) -> Approximation:
    """Approximate a continuous g(x) on (a, b) by n bumps, ŷ = Σₖ cₖ·(step(eₖ) − step(eₖ₊₁)), cₖ = g(centre).

    Args:
        g: a formula in x or in x1 (read by ``symnet.io.parsing``) or a callable g(x) on arrays.
        domain: (a, b).
        n: the number of bumps (n + 1 shared step neurons).
        steepness: the step neurons' steepness.
        inputs: the input name; default the formula's (x or x1), or x for a callable.
        samples: the error is measured at the centres of ``samples`` sub-intervals (a multiple of n).

    Returns:
        An ``Approximation``.

    >>> a = approximate_1d("x**2", (0, 1), n=10)
    >>> round(a.max_error, 3)
    0.093
    """
    return _approximate(g, domain, n, steepness, SHARPNESS, PARTITION_THRESHOLD, inputs, samples, dims=1)


def _approximate(G, domain, n, steepness, sharpness, threshold, inputs, samples, dims) -> Approximation:
    domain, n = _check_domain(domain, dims), integer(n, "n (cells per axis)", at_least=1)
    samples = integer(samples, "samples", at_least=2)
    samples = -(-samples // n) * n   # a multiple of n: sub-cell centres never sit on a tower edge
    margin = MARGIN / positive(steepness, "steepness")
    function, target, inputs = _target(G, inputs, dims)
    cells = grid_boxes(domain, n)
    centres = np.array([[(box[2 * a] + box[2 * a + 1]) / 2 for a in range(dims)] for box in cells])
    heights = _values(function, centres)
    boxes = [_widen(box, domain, margin) for box in cells]
    model = tower_sum(boxes, heights, steepness, sharpness, threshold, inputs)
    draft = Approximation(model, target, function, domain, n, math.nan, math.nan, samples)
    return _with_errors(draft)


def _widen(box, domain, margin):
    """Push edges that lie on the domain's border out by ``margin``."""
    return tuple(edge - margin if edge == domain[i] and i % 2 == 0 else
                 edge + margin if edge == domain[i] and i % 2 == 1 else edge for i, edge in enumerate(box))


def _with_errors(approximation: Approximation) -> Approximation:
    *_, G, yhat = approximation.grid()
    error = np.abs(G - yhat)
    with np.errstate(over="ignore"):  # a target near 1e308 has an error whose square is inf: reported as such
        rms = float(np.sqrt(np.mean(error ** 2)))
    return replace(approximation, max_error=float(error.max()), rms_error=rms)


def _target(G, inputs, dims: int) -> tuple[Callable, str, tuple[str, ...]]:
    """(G as a NumPy function of the input columns, its label, the input names) for a formula or a callable."""
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, str) else tuple(inputs)
    if isinstance(G, str):
        function = target_function(G, inputs, dims)
        return function, function.text, function.inputs     # the parsed formula, not the raw text
    if callable(G):
        return G, getattr(G, "__name__", "G"), inputs or INPUT_NAMES[0][:dims]
    raise TypeError(f"G must be an expression string (e.g. 'sin(x)*cos(y)') or a callable; got {type(G).__name__}")


def _values(function: Callable, X: np.ndarray) -> np.ndarray:
    """G at the rows of X, checked: one finite float per row."""
    with np.errstate(all="ignore"):
        values = np.asarray(function(*X.T), dtype=float)
    if values.shape not in ((), (X.shape[0],)):
        raise ValueError(f"the function must return one number per point ({X.shape[0]}); got shape {values.shape}")
    values = np.broadcast_to(values, (X.shape[0],)).astype(float)
    if not np.isfinite(values).all():
        where = X[np.argmin(np.isfinite(values))]
        raise ValueError(f"the function is not finite at {tuple(map(float, where))}; expected a continuous "
                         f"function on the whole domain (choose another domain)")
    return values


def _check_domain(domain, dims: int) -> tuple[float, ...]:
    domain = tuple(domain)
    if len(domain) != 2 * dims:
        want = "(x0, x1, y0, y1)" if dims == 2 else "(a, b)"
        raise ValueError(f"domain must be {want}: {2 * dims} numbers; got {len(domain)}")
    grid_boxes(domain, 1)        # each axis: finite numbers, min < max
    return tuple(float(v) for v in domain)


def _domain_text(domain) -> str:
    return " × ".join(f"[{domain[2 * a]:g}, {domain[2 * a + 1]:g}]" for a in range(len(domain) // 2))
