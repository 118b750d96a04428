"""Towers: the article's §2 proof that sums of sigmoid neurons approximate any continuous function.

A steep sigmoid is a step, σ(k·(x − a)) ≈ [x > a] (steepness k = 1000). Two steps make a bump,
σ(k(x − l)) − σ(k(x − r)) ≈ [l < x < r]. A bump in x plus a bump in y is ≈ 2 inside the box,
≈ 1 on the cross-shaped bands beside it and ≈ 0 elsewhere; a fifth neuron thresholds that sum,

    T(x, y) = σ(s·(σ(k(x−x₀)) − σ(k(x−x₁)) + σ(k(y−y₀)) − σ(k(y−y₁)) − t)),

the article's "tower" with sharpness s = 30 and threshold t = 1.1. A weighted sum of towers,
ŷ = Σₖ cₖ·Tₖ(x, y), approximates a 2-D function; in 1-D a sum of bumps does the same.

Everything here is symbolic (networks of neurons ``f(θ, …)`` with parameter values): the numbers
live in ``symnet.towers.approximation`` and the figures in ``symnet.plot.towers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sympy import Add, Integer, Mul, Rational, Symbol, symbols

from symnet.checks import finite, integer, interval, positive
from symnet.core.activations import sigmoid
from symnet.core.display import Displayed
from symnet.core.network import OUTPUT, Network, from_neurons
from symnet.core.neuron import check_name, f, neuron_index
from symnet.core.program import Program
from symnet.numeric.codegen import compile_network

# The article's numbers; each name has one meaning everywhere in symnet.
STEEPNESS = 1000        # k of a step neuron σ(k·(x − a)): the article's 1000
SHARPNESS = 30          # s of a tower neuron σ(s·(z − t)): the article's 30 (approximation uses it too)
THRESHOLD = 1.1         # t of the article's lone tower; sums of towers use PARTITION_THRESHOLD (approximation)
ARTICLE_BOUNDS = (-0.3, 0.7, -0.2, 0.8)                  # the article's first figure
NESTED_BOUNDS = ((-0.5, 0.5, -0.5, 0.5), (-1, 1, -1, 1), (-2, 2, -2, 2), (-4, 4, -4, 4))
NESTED_SHARPNESS = 4                                     # the article's second figure


def _number(value, what: str):
    """A finite real as an exact SymPy number (so 0.3 prints as 3/10, not 0.299999…)."""
    value = finite(value, what)
    return Integer(int(value)) if value.is_integer() else Rational(repr(value))


def _symbol(x) -> Symbol:
    if isinstance(x, Symbol):
        return x
    if isinstance(x, str):
        return Symbol(check_name(x, "input name"))
    raise TypeError(f"expected an input symbol or its name (e.g. 'x'); got {type(x).__name__}")


def step(x, at, steepness=STEEPNESS):
    """One sigmoid neuron as a step at ``at``: σ(steepness·(x − at)).

    Args:
        x: the input symbol (or its name).
        at: where the step rises from 0 to 1.
        steepness: how sharp the rise is (the article's 1000).

    Returns:
        The SymPy expression.

    >>> step("x", 0.7)
    sigmoid(1000*(x - 7/10))
    """
    k = positive(steepness, "steepness")
    return sigmoid(Mul(_number(k, "steepness"), _symbol(x) - _number(at, "at"), evaluate=False))


def bump(x, left, right, steepness=STEEPNESS):
    """Two step neurons as a bump, ≈ 1 on (left, right) and ≈ 0 outside: step(left) − step(right).

    Args:
        x: the input symbol (or its name).
        left, right: the edges, ``left < right``.
        steepness: how sharp the edges are.

    Returns:
        The SymPy expression.

    >>> print(bump("x", -1, 1))
    -sigmoid(1000*(x - 1)) + sigmoid(1000*(x + 1))
    """
    interval(left, right, "bump")
    return step(x, left, steepness) - step(x, right, steepness)


@dataclass(frozen=True)
class Tower(Displayed):
    """A network of sigmoid neurons and the parameter values that make it a tower (or a sum of them).

    ``values`` maps every parameter name of ``network`` to a float; ``boxes`` lists the towers'
    boxes ((x_min, x_max), (y_min, y_max)) — one interval per input — in the order of c1, c2, ….
    """

    network: Network
    values: Mapping[str, float]
    boxes: tuple[tuple[tuple[float, float], ...], ...]
    steepness: float
    sharpness: float
    threshold: float

    @property
    def theta(self) -> tuple[float, ...]:
        """The parameter values ordered like ``network.params`` (pass to compiled functions)."""
        return tuple(self.values[str(p)] for p in self.network.params)

    @property
    def heights(self) -> tuple[str, ...]:
        """The names of the output weights c1, c2, … (the tower heights), empty for a lone tower."""
        return tuple(str(p) for p in self.network.params if str(p).startswith("c"))

    def formula(self):
        """The closed form with the values substituted (exact numbers), e.g. σ(30σ(1000x + 300) − … − 33).

        >>> print(tower(0, 1, 0, 1).formula())
        sigmoid(30*sigmoid(1000*x) + 30*sigmoid(1000*y) - 30*sigmoid(1000*x - 1000) - 30*sigmoid(1000*y - 1000) - 33)
        """
        values = {p: _number(self.values[str(p)], str(p)) for p in self.network.params}
        return self.network.concrete().xreplace(values)

    def evaluate(self, X):
        """ŷ at the rows of X (N, inputs) with these parameter values; see ``symnet.towers.approximation``."""
        return evaluate(self, X)

    def __repr__(self) -> str:
        return (f"<Tower: {len(self.boxes)} box{'es' if len(self.boxes) != 1 else ''}, {len(self.values)} params, "
                f"steepness {self.steepness:g}, sharpness {self.sharpness:g}, threshold {self.threshold:g}>")


    def _repr_png_(self) -> bytes | None:
        """The tower as a 3-D surface (two inputs only), for Jupyter."""
        from symnet.plot.towers import tower_png

        return tower_png(self) if len(self.network.inputs) == 2 else None


def tower(x_min=ARTICLE_BOUNDS[0], x_max=ARTICLE_BOUNDS[1], y_min=ARTICLE_BOUNDS[2], y_max=ARTICLE_BOUNDS[3],
          steepness=STEEPNESS, sharpness=SHARPNESS, threshold=THRESHOLD, inputs=("x", "y")) -> Tower:
    """The article's tower: four step neurons and one output neuron, f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y)).

    Step neuron i is σ(k·x + bᵢ) with bᵢ = −k·edge; the output neuron has weights (s, −s, s, −s)
    and bias −s·t, so h5 = σ(s·(h1 − h2 + h3 − h4 − t)) exactly as the article writes it.

    Args:
        x_min, x_max, y_min, y_max: the box (the article's first figure: −0.3, 0.7, −0.2, 0.8).
        steepness, sharpness, threshold: k (1000), s (30) and t (1.1).
        inputs: the names of the two inputs.

    Returns:
        A ``Tower``: the network, its parameter values, and ``theta`` ordered like ``network.params``.

    >>> t = tower()
    >>> print(t.network)
    f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y))
    >>> t.values["w1_1"], t.values["b1"], t.values["w5_2"], t.values["b5"]
    (1000.0, 300.0, -30.0, -33.0)
    """
    x, y = _inputs(inputs, 2)
    k, s, t = _shape(steepness, sharpness, threshold)
    box = (interval(x_min, x_max, "tower x"), interval(y_min, y_max, "tower y"))
    θ1, θ2, θ3, θ4, θ5 = symbols("θ1:6")
    network = from_neurons(f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y)), inputs=(x, y))
    values = {}
    for i, edge in enumerate(box[0] + box[1], start=1):
        values[f"w{i}_1"], values[f"b{i}"] = k, -k * edge + 0.0    # + 0.0: no −0.0
    return Tower(network, {**values, **_tower_neuron(5, s, t)}, (box,), k, s, t)


def _tower_neuron(i: int, s: float, t: float) -> dict[str, float]:
    """Tower neuron i: weights (s, −s, s, −s) on the steps at x₀, x₁, y₀, y₁, and bias −s·t."""
    return {f"w{i}_1": s, f"w{i}_2": -s, f"w{i}_3": s, f"w{i}_4": -s, f"b{i}": -s * t}


def tower_sum(boxes: Sequence, heights: Sequence[float] | None = None, steepness=STEEPNESS,
              sharpness=SHARPNESS, threshold=THRESHOLD, inputs=("x", "y")) -> Tower:
    """A weighted sum of towers ŷ = Σₖ cₖ·Tₖ(x, y) (or of bumps in 1-D) whose boxes share step neurons.

    One step neuron per distinct edge (x edges, then y edges, increasing), then one tower neuron per
    box: an n×n grid has 2(n+1) step neurons and n² tower neurons, not 5n². With one input a "box"
    is an interval whose bump is h_left − h_right (no tower neuron; sharpness and threshold unused).
    The heights are parameters c1, c2, … so they can be trained.

    Args:
        boxes: per box ``(x_min, x_max, y_min, y_max)``, or ``(left, right)`` in 1-D.
        heights: cₖ per box; default all 1.
        steepness, sharpness, threshold, inputs: as in ``tower`` (one input name for bumps).

    Returns:
        A ``Tower`` whose network has output Σₖ cₖ·hₖ.

    >>> t = tower_sum([(-1, 0, -1, 1), (0, 1, -1, 1)], heights=[2, 3])
    >>> print(t.network)
    c1*f(θ6, f(θ1, x), f(θ2, x), f(θ4, y), f(θ5, y)) + c2*f(θ7, f(θ2, x), f(θ3, x), f(θ4, y), f(θ5, y))
    >>> len(t.network.params), t.values["c2"]
    (22, 3.0)
    """
    names = _inputs(inputs, 1 if isinstance(inputs, str) else len(inputs))
    dims, (k, s, t) = len(names), _shape(steepness, sharpness, threshold)
    boxes = _check_boxes(boxes, dims)
    heights = _check_heights(heights, len(boxes))
    steps, values = _step_neurons(names, boxes, k)
    terms = _box_terms(boxes, steps, dims, s, t, values)
    values.update({f"c{j}": c for j, c in enumerate(heights, start=1)})
    return Tower(_weighted_network(terms, names), values, boxes, k, s, t)


def _box_terms(boxes, steps, dims, s, t, values) -> list:
    """Per box its bump h_left − h_right (1-D) or a tower neuron f(θᵢ, …) reading four steps (its values
    go into ``values``); tower neurons are numbered after the step neurons."""
    terms, first = [], len(steps) + 1
    for index, box in enumerate(boxes):
        reads = [steps[(axis, edge)] for axis, edges in enumerate(box) for edge in edges]
        if dims == 1:
            terms.append(reads[0] - reads[1])
            continue
        terms.append(f(Symbol(f"θ{first + index}"), *reads))
        values.update(_tower_neuron(first + index, s, t))
    return terms


def _step_neurons(names, boxes, k):
    """One neuron f(θᵢ, input) per distinct (axis, edge), numbered axis by axis in increasing order."""
    steps, values = {}, {}
    for axis, name in enumerate(names):
        for edge in sorted({edge for box in boxes for edge in box[axis]}):
            i = len(steps) + 1
            steps[(axis, edge)] = f(Symbol(f"θ{i}"), name)
            values[f"w{i}_1"], values[f"b{i}"] = k, -k * edge + 0.0   # + 0.0: no −0.0
    return steps, values


def _weighted_network(terms, inputs) -> Network:
    """Σₖ cₖ·termₖ as a network: the neurons' program plus one output step with the heights as params."""
    heights = symbols(f"c1:{len(terms) + 1}")
    # the outermost neurons, each once (a plain Add of 1-D bumps would telescope them away)
    top = tuple(dict.fromkeys(n for term in terms for n in ((term,) if isinstance(term, f) else term.atoms(f))))
    neurons = from_neurons(Add(*top), inputs=inputs)
    program = neurons.program
    h = {n: Symbol(f"h{neuron_index(n.args[0])}") for n in top}
    out = Add(*(c * term.xreplace(h) for c, term in zip(heights, terms)))
    steps = tuple((lhs, rhs) for lhs, rhs in program.assignments if lhs != OUTPUT)
    params = tuple(sorted(program.params, key=lambda p: int(p.name[1:].split("_")[0])))  # θ1's first
    new = Program(program.inputs, params + heights, steps + ((OUTPUT, out),), (OUTPUT,))
    nested = Add(*(c * term for c, term in zip(heights, terms)))
    return Network(nested, new, neurons.models)


def _inputs(inputs, count: int) -> tuple[Symbol, ...]:
    names = (inputs,) if isinstance(inputs, (str, Symbol)) else tuple(inputs)
    if len(names) != count or count not in (1, 2):
        raise ValueError(f"expected {count} input name(s) (1 for bumps, 2 for towers), e.g. ('x', 'y'); got {inputs!r}")
    symbols_ = tuple(_symbol(name) for name in names)
    if len(set(symbols_)) != len(symbols_):
        raise ValueError(f"input names must differ; got {inputs!r}")
    return symbols_


def _shape(steepness, sharpness, threshold) -> tuple[float, float, float]:
    return positive(steepness, "steepness"), positive(sharpness, "sharpness"), finite(threshold, "threshold")


def _check_boxes(boxes, dims: int) -> tuple:
    boxes = tuple(tuple(box) for box in boxes)
    if not boxes:
        raise ValueError("expected at least one box")
    names = "x_min, x_max, y_min, y_max" if dims == 2 else "left, right"
    for box in boxes:
        if len(box) != 2 * dims:
            raise ValueError(f"each box needs {2 * dims} numbers ({names}); got {box!r}")
    return tuple(tuple(interval(box[2 * a], box[2 * a + 1], f"box {'xy'[a]}") for a in range(dims))
                 for box in boxes)


def _check_heights(heights, count: int) -> tuple[float, ...]:
    heights = (1.0,) * count if heights is None else tuple(heights)
    if len(heights) != count:
        raise ValueError(f"expected one height per box ({count}); got {len(heights)}")
    return tuple(finite(c, "height") for c in heights)


def grid_boxes(domain: Sequence[float], n: int) -> tuple[tuple[float, ...], ...]:
    """The n×n (or n in 1-D) equal cells of ``domain`` = (x0, x1[, y0, y1]), row by row in y, then x.

    >>> grid_boxes((0, 1), 2)
    ((0.0, 0.5), (0.5, 1.0))
    """
    n = integer(n, "n (cells per axis)", at_least=1)
    if len(domain) not in (2, 4):
        raise ValueError(f"domain must be (a, b) or (x0, x1, y0, y1); got {domain!r}")
    axes = []
    for a in range(len(domain) // 2):
        low, high = interval(domain[2 * a], domain[2 * a + 1], f"domain {'xy'[a]}")
        axes.append([low + (high - low) * i / n for i in range(n + 1)])
    if len(axes) == 1:
        return tuple((axes[0][i], axes[0][i + 1]) for i in range(n))
    xs, ys = axes
    return tuple((xs[i], xs[i + 1], ys[j], ys[j + 1]) for j in range(n) for i in range(n))


def nested_towers(bounds=NESTED_BOUNDS, sharpness=NESTED_SHARPNESS, steepness=STEEPNESS,
                  threshold=THRESHOLD) -> Tower:
    """The article's second figure: four nested towers (±0.5, ±1, ±2, ±4) with sharpness 4, summed.

    >>> t = nested_towers()
    >>> len(t.boxes), t.sharpness, t.values["c4"]
    (4, 4.0, 1.0)
    """
    return tower_sum(bounds, None, steepness, sharpness, threshold)


@lru_cache(maxsize=32)
def _predictor(network):
    return compile_network(network)


def evaluate(model: Tower, X) -> np.ndarray:
    """ŷ at each row of X (N, inputs) for a tower network with its parameter values.

    >>> from symnet.towers.tower import tower
    >>> evaluate(tower(), [[0.2, 0.3], [2.0, 2.0]]).round(3)
    array([1., 0.])
    """
    return _predictor(model.network)(np.asarray(model.theta), X)
