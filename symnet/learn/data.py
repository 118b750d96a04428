"""Small data sets to train on: toy classification sets, 1-D and 2-D regression, teacher data, CSV.

A data set is inputs X (N, d) and targets y (N,). Classification sets have labels y ∈ {0, 1}
(XOR, moons, circles, spiral); regression sets have y = G(x) + noise·ε with ε ~ N(0, 1), where G is
the "ground truth" the article's §0 asks a network F to approach: sin x ("sine"), a 2-D formula
("function:sin(x)*cos(y)" or "function:sin(x1)*cos(x2)", read by the safe parser), or the seed
network itself with hidden, known parameters ("seed": teacher data, so a student seed network can
reach the noise floor). ``target_function`` compiles such formulas for ``symnet.towers.approximation`` too.

Moons and circles are scikit-learn's ``make_moons`` and ``make_circles`` (a dependency already, for
the digits): the same two shapes every course draws, points evenly spaced along each curve and
shuffled, seeded from ``seed``. XOR and the spiral are written here; scikit-learn has neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symnet.checks import formula_inputs, fraction, integer, non_negative
from symnet.learn.csvfile import load_csv, read_columns, read_header  # noqa: F401  (re-exported)
from symnet.learn.dataset import Dataset
from symnet.limits import MAX_ROWS

DATASETS = ("xor", "moons", "circles", "spiral", "sine", "seed", "function:<expr>")
# The teacher behind "seed": σ-neurons with these weights make an output that varies across the square.
SEED_TEACHER = {"w1_1": 2.5, "b1": -0.5, "w2_1": -3.0, "b2": 1.0, "w3_1": 4.0, "b3": -3.0,
                "w4_1": 5.0, "b4": -2.0, "w5_1": 4.0, "w5_2": -3.5, "b5": 0.2}
FUNCTION_DOMAIN = (-2.0, 2.0)
CIRCLES_FACTOR = 0.5   # the inner circle's radius, the outer one's being 1
MAX_NOISE = 100.0      # a standard deviation in the data's units: the sets lie within a few units of 0


def make(name: str, n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """A built-in data set of ``n`` samples.

    Args:
        name: xor, moons, circles, spiral (labels 0/1), sine (x1 → sin x1), seed (teacher data of the
            article's network), or ``function:<expr>``: a formula in x and y, or in x1 and x2
            (e.g. ``function:x*y``), sampled on [−2, 2]²; the data's inputs take the formula's names.
        n: number of samples (≥ 4).
        noise: jitter of the points (classification) or std of the target noise (regression), at most
            ``MAX_NOISE`` (100).
        seed: random seed; the same seed gives the same data, bit for bit.

    Returns:
        A ``Dataset``.

    >>> make("sine", n=5, noise=0.0).y.round(3)
    array([ 0.758, -0.992, -0.255, -0.104,  0.922])
    """
    if not isinstance(name, str):
        raise TypeError(f"a data set name must be a string, one of {', '.join(DATASETS)}; got {type(name).__name__}")
    n, noise = integer(n, "n", at_least=4, at_most=MAX_ROWS), non_negative(noise, "noise")
    if noise > MAX_NOISE:
        raise ValueError(f"noise must be at most {MAX_NOISE:g} (a standard deviation in the data's units: the built-in "
                         f"sets lie within a few units of 0, so more leaves only noise); got {noise:g}")
    rng = np.random.default_rng(integer(seed, "seed", at_least=0))
    key = name.strip().lower()
    if key.startswith("function:"):
        return _function(name.strip()[len("function:"):], n, noise, rng)
    if key not in _MAKERS:
        raise ValueError(f"unknown data set {name!r}: expected one of {', '.join(DATASETS)} or a path ending .csv")
    X, y, inputs = _MAKERS[key](n, noise, rng)
    return Dataset(X, y, inputs, key)


def _xor(n, noise, rng):
    # four clusters at the corners (±1, ±1); label 1 where the signs differ
    corners = rng.integers(0, 2, size=(n, 2))
    X = (2.0 * corners - 1.0) + noise * rng.standard_normal((n, 2))
    return X, (corners[:, 0] != corners[:, 1]).astype(float), ("x1", "x2")


def _sklearn_seed(rng) -> int:
    """An integer seed for scikit-learn, drawn from ``rng`` (scikit-learn takes no NumPy ``Generator``)."""
    return int(rng.integers(2**31 - 1))


def _moons(n, noise, rng):
    # scikit-learn's two half circles: label 0 on (cos t, sin t), label 1 on (1 − cos t, ½ − sin t)
    from sklearn.datasets import make_moons

    X, y = make_moons(n, noise=noise or None, random_state=_sklearn_seed(rng))
    return X, y.astype(float), ("x1", "x2")


def _circles(n, noise, rng):
    # scikit-learn's two rings: label 1 the inner circle (radius 0.5), 0 the outer (radius 1)
    from sklearn.datasets import make_circles

    X, y = make_circles(n, noise=noise or None, random_state=_sklearn_seed(rng), factor=CIRCLES_FACTOR)
    return X, y.astype(float), ("x1", "x2")


def _spiral(n, noise, rng):
    label = np.arange(n) % 2  # two interleaved arms, the second turned by π
    t = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3 * np.pi
    angle = t + np.pi * label
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) / (3 * np.pi)
    return X + noise * rng.standard_normal((n, 2)), label.astype(float), ("x1", "x2")


def _sine(n, noise, rng):
    x = rng.uniform(-np.pi, np.pi, n)
    return x[:, None], np.sin(x) + noise * rng.standard_normal(n), ("x1",)


def _seed(n, noise, rng):
    from symnet.core.network import seed_network
    from symnet.numeric.codegen import compile_network, params_vector

    net = seed_network()
    X = rng.uniform(-2.0, 2.0, (n, 2))
    y = compile_network(net)(params_vector(net.params, SEED_TEACHER), X)
    return X, y + noise * rng.standard_normal(n), ("x1", "x2")


_MAKERS = {"xor": _xor, "moons": _moons, "circles": _circles, "spiral": _spiral, "sine": _sine, "seed": _seed}


@dataclass(frozen=True, eq=False)
class TargetFunction:
    """A ground truth G read from a formula: its text, its input names in column order, and G in NumPy.

    Calling it on arrays, one per input, gives G there, broadcast to the shape of the first array.
    """

    text: str
    inputs: tuple[str, ...]
    function: Callable

    def __call__(self, *columns) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.function(*columns), dtype=float), np.shape(columns[0]))


def target_function(text: str, inputs=None, dims: int = 2) -> TargetFunction:
    """G from a formula, read by the safe parser: for ``function:<expr>`` data and ``symnet.towers.approximation``.

    Args:
        text: the formula, in x, y or in x1, x2 (see ``symnet.checks.formula_inputs``).
        inputs: the input names in column order; None: the formula's own.
        dims: how many inputs when ``inputs`` is None (1 or 2).

    Returns:
        A ``TargetFunction``; it is called with one array per input.

    >>> G = target_function("x1*x2")
    >>> G.inputs, float(G(np.array([2.0]), np.array([3.0]))[0])
    (('x1', 'x2'), 6.0)
    """
    from sympy import Symbol

    from symnet.io.parsing import parse_expr
    from symnet.numeric.codegen import expression_function

    expr = parse_expr(text)
    names = formula_inputs(text, {s.name for s in expr.free_symbols}, inputs, dims)
    # labelled by the parsed formula, never by the raw text: a label reaches files, headings and plots
    return TargetFunction(str(expr), names, expression_function(expr, [Symbol(name) for name in names]))


def _function(text, n, noise, rng):
    G = target_function(text)
    X = rng.uniform(*FUNCTION_DOMAIN, (n, 2))
    with np.errstate(all="ignore"):
        y = G(X[:, 0], X[:, 1])
    bad = ~np.isfinite(y)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"function:{text} is not finite at {G.inputs[0]}={X[i, 0]:.3g}, {G.inputs[1]}={X[i, 1]:.3g}; "
                         f"use a formula defined on the square [{FUNCTION_DOMAIN[0]:g}, {FUNCTION_DOMAIN[1]:g}]²")
    return Dataset(X, y + noise * rng.standard_normal(n), G.inputs, f"function:{text}")


def as_arrays(data) -> tuple:
    """(X, y) of a ``Dataset`` or of a pair (X, y), as given."""
    if isinstance(data, Dataset):
        return data.X, data.y
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data
    raise TypeError(f"expected a Dataset or a pair (X, y); got {type(data).__name__}")


def split(data: Dataset, validation: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Shuffle and split into (train, validation); ``validation`` is the held-out fraction.

    >>> train, val = split(make("xor", n=10), validation=0.2)
    >>> len(train), len(val)
    (8, 2)
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"split expects a Dataset; got {type(data).__name__}")
    validation = fraction(validation, "validation")
    n_val = int(round(len(data) * validation))
    if not 1 <= n_val < len(data):
        raise ValueError(f"a validation fraction of {validation} of {len(data)} samples leaves an empty part; "
                         f"use more data or another fraction")
    order = np.random.default_rng(seed).permutation(len(data))
    pick = lambda idx, tag: Dataset(data.X[idx], data.y[idx], data.inputs, f"{data.name} ({tag})")  # noqa: E731
    return pick(order[n_val:], "train"), pick(order[:n_val], "validation")


def load(spec: str, **kw) -> Dataset:
    """A data set by name (see ``make``) or from a ``.csv`` file (see ``load_csv``).

    >>> load("circles", n=6).name
    'circles'
    """
    if isinstance(spec, Path) or (isinstance(spec, str) and spec.strip().lower().endswith(".csv")):
        unknown = sorted(set(kw) - {"target"})
        if unknown:
            raise TypeError(f"a CSV data set takes only target=; got {', '.join(unknown)}")
        return load_csv(spec, **kw)
    return make(spec, **kw)
