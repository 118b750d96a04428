"""Named Hypothesis strategies: random neuron DAGs, random expressions, random points."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from sympy import Abs, Add, Integer, Max, Rational, Symbol, cos, cosh, exp, log, sin, symbols, tanh

from symnet import NeuronModel, f, from_expr, from_neurons
from symnet.core.activations import relu, sigmoid, softplus

SMOOTH_ACTIVATIONS = ("sigmoid", "tanh", "softplus", "identity")


@st.composite
def neuron_networks(draw, max_neurons: int = 5, activations=SMOOTH_ACTIVATIONS):
    """A random DAG of neurons: random fan-in, inputs that are sums of earlier nodes, shared nodes."""
    n_inputs = draw(st.integers(1, 3))
    nodes = list(symbols(f"x1:{n_inputs + 1}"))
    for i in range(1, draw(st.integers(1, max_neurons)) + 1):
        fan_in = draw(st.integers(1, 3))
        args = [Add(*draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=2, unique=True)))
                for _ in range(fan_in)]
        nodes.append(f(Symbol(f"θ{i}"), *args))
    model = NeuronModel(draw(st.sampled_from(activations)), draw(st.sampled_from(("affine", "scalar"))))
    return from_neurons(nodes[-1], model=model)


X, A, B, C = symbols("x a b c")


def smooth_expressions():
    """Random smooth expressions of an input x and parameters a, b, c (finite for bounded values)."""
    leaves = st.sampled_from([X, A, B, C, Integer(2), Rational(1, 2)])
    unary = [sin, cos, tanh, sigmoid, softplus, lambda u: exp(sin(u)), lambda u: log(1 + u**2),
             lambda u: u**2, lambda u: u**3, lambda u: 1 / (2 + sin(u))]
    binary = [lambda u, v: u + v, lambda u, v: u * v, lambda u, v: u - v]

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(unary), children).map(lambda t: t[0](t[1])),
            st.tuples(st.sampled_from(binary), children, children).map(lambda t: t[0](t[1], t[2])),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@st.composite
def expression_networks(draw):
    """A network from a random smooth expression with x as input and at least one parameter."""
    expr = draw(smooth_expressions().filter(lambda e: X in e.free_symbols and len(e.free_symbols) > 1))
    return from_expr(expr, inputs=[X])


@st.composite
def points(draw, network, batch: int = 4, scale: float = 1.0):
    """Parameters in [−scale, scale], inputs in [−1, 1], targets in [0, 1], as float arrays."""
    floats = st.floats(-scale, scale, allow_nan=False, allow_infinity=False)
    theta = np.array(draw(st.lists(floats, min_size=len(network.params), max_size=len(network.params))))
    unit = st.floats(-1, 1, allow_nan=False)
    X = np.array(draw(st.lists(st.lists(unit, min_size=len(network.inputs), max_size=len(network.inputs)),
                                min_size=batch, max_size=batch)))
    y = np.array(draw(st.lists(st.floats(0, 1), min_size=batch, max_size=batch)))
    return theta, X, y


U, V, W = symbols("u v w")


def expressions_over_symbols():
    """Random expressions of u, v, w and small numbers, finite on [−1, 1]³: every primitive ``from_expr``
    turns into a step (sums, products, powers, quotients, exp, log, sin, cos, tanh, σ, softplus, ReLU,
    Abs, Max), nested, with repeated sub-expressions so the program is a DAG."""
    leaves = st.sampled_from([U, V, W, Integer(2), Integer(-3), Rational(1, 2)])
    unary = [sin, cos, tanh, sigmoid, softplus, relu, Abs, lambda e: exp(sin(e)), lambda e: log(2 + cos(e)),
             lambda e: e**2, lambda e: 1 / (3 + sin(e)), lambda e: e * sin(e)]
    binary = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: Max(a, b),
              lambda a, b: a * tanh(b)]

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(unary), children).map(lambda t: t[0](t[1])),
            st.tuples(st.sampled_from(binary), children, children).map(lambda t: t[0](t[1], t[2])),
        )

    return st.recursive(leaves, extend, max_leaves=10).filter(lambda e: bool(e.free_symbols))


@st.composite
def symbol_values(draw, names=(U, V, W)):
    """A value in [−1, 1] for each symbol."""
    unit = st.floats(-1, 1, allow_nan=False, allow_infinity=False)
    return {s: draw(unit) for s in names}


def examples(n: int) -> int:
    """``n`` examples under the ``ci`` profile (100 per property), proportionally fewer under ``dev`` (25): for
    the tests that name their own ``max_examples``; never fewer than min(n, 5)."""
    from hypothesis import settings

    return max(min(n, 5), n * settings.default.max_examples // 100)


@st.composite
def layer_shapes(draw, max_depth: int = 3, max_width: int = 3):
    """A small layer network's (sizes, activation, output) and a seed for its point: widths 1…``max_width``,
    a smooth hidden activation, and an output that fits the last width (softmax over two or more)."""
    sizes = tuple(draw(st.lists(st.integers(1, max_width), min_size=2, max_size=max_depth)))
    activation = draw(st.sampled_from(("sigmoid", "tanh", "softplus")))
    outputs = ("sigmoid", "identity") + (("softmax",) if sizes[-1] > 1 else ())
    return (sizes, activation, draw(st.sampled_from(outputs))), draw(st.integers(0, 2**16))


@st.composite
def mlp_shapes(draw, max_hidden: int = 2, max_width: int = 4):
    """A small ``mlp``'s (sizes, activation, output activation, loss) and a seed for its point: 1–3 inputs,
    0…``max_hidden`` hidden layers of 1…``max_width``, a named or a formula activation, a loss that fits the
    output (binary cross-entropy after a sigmoid)."""
    sizes = [draw(st.integers(1, 3))] + draw(st.lists(st.integers(1, max_width), max_size=max_hidden)) + [1]
    z = Symbol("z")
    activation = draw(st.sampled_from(("sigmoid", "tanh", "softplus", "relu", "gelu", "softsign", z / (1 + z**2))))
    output = draw(st.sampled_from(("sigmoid", "identity", "tanh")))
    losses = ("squared_error", log(cosh(Symbol("yhat") - Symbol("y"))))
    losses += ("binary_cross_entropy",) * (output == "sigmoid")
    return (sizes, activation, output, draw(st.sampled_from(losses))), draw(st.integers(0, 2**16))
