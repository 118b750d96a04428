"""Second derivatives: the symbolic Hessian (forward-over-reverse), its compiled forms and checks.

The oracle is ``sympy.diff`` twice of the closed form (activations rewritten into exp), used here
only; symnet's Hessian never calls it.
"""

import numpy as np
import pytest
from sympy import Derivative, Symbol, diff, lambdify

from symnet import NeuronModel, from_expr, hessian, seed_network, squared_error
from symnet.core.activations import rewrite_activations
from symnet.render.printing import latex, pretty

S = Symbol


def sympy_hessian_at(target, point: dict) -> np.ndarray:
    """∂²L/∂θᵢ∂θⱼ by sympy.diff twice of the closed form, at one point {symbol: value}."""
    closed = rewrite_activations(target.program.closed_form()[0])
    params = target.network.params
    args = sorted(point, key=str)
    fn = lambdify(args, [[diff(closed, a, b) for b in params] for a in params])
    return np.array(fn(*(point[a] for a in args)), dtype=float)


def symnet_hessian_at(h, point: dict) -> np.ndarray:
    """The symbolic Hessian's entries evaluated through its program (compiled by lambdify here)."""
    program = h.program
    args = program.inputs + program.params
    fn = lambdify(args, list(program.outputs[1:]), cse=lambda exprs: (list(program.assignments), exprs),
                  modules=[{"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "softplus": lambda z: np.logaddexp(0, z)},
                           "numpy"])
    values = fn(*(point[a] for a in args))
    n = len(h.wrt)
    return np.array(values, dtype=float).reshape(n, n)


def random_point(target, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    symbols = target.program.inputs + target.program.params
    return {s: float(v) for s, v in zip(symbols, rng.normal(size=len(symbols)))}


@pytest.mark.parametrize("network", [
    from_expr("sigmoid(w*x + b)", inputs="x"),
    from_expr("tanh(a*x) * exp(b*x) + c*x**3", inputs="x"),
    seed_network(NeuronModel(parameterization="scalar")),
])
def test_symbolic_hessian_equals_sympy_diff_twice(network):
    target = squared_error(network)
    h, point = hessian(target), random_point(target)
    got, expected = symnet_hessian_at(h, point), sympy_hessian_at(target, point)
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert np.allclose(got, got.T, rtol=1e-12, atol=1e-14)   # columns derived independently agree


def test_a_one_parameter_hessian_in_closed_form():
    h = hessian(from_expr("w*x", inputs="x"))          # L = (y − w·x)²: ∂²L/∂w² = 2x²
    assert h.expanded("w", "w") == 2 * S("x") ** 2
    assert h.entries == ((h.entry("w", "w"),),)


def test_the_seed_network_hessian_is_11_by_11_and_shares_the_gradient_program():
    h = hessian(squared_error(seed_network()))
    assert len(h.entries) == 11 and all(len(row) == 11 for row in h.entries)
    assert h.program.assignments[:len(h.gradient.program.assignments)] == h.gradient.program.assignments
    assert len(h.program.outputs) == 1 + 121


def test_wrt_restricts_both_indices():
    h = hessian(seed_network(), wrt=["b5", "w5_1"])
    assert h.wrt == (S("b5"), S("w5_1")) and len(h.entries) == 2


def test_the_hessian_prints_entry_by_entry_with_the_chain_rule_factors_named():
    h = hessian(from_expr("sigmoid(w*x + b)", inputs="x"))
    text, unicode, tex = str(h), pretty(h), latex(h)
    assert "d^2L/dbdw = " in text and "d^2L/dw^2 = " in text
    assert "∂²L/∂b∂w = ∂δt₂/∂w" in unicode and "∂t₃/∂b = t₃·(1 - t₃)" in unicode
    assert r"\frac{\partial^{2} L}{\partial w^{2}}" in tex
    assert "d^2L/dwdb" not in text       # the lower triangle is the same matrix: printed once


def test_pairs_name_every_tangent_as_a_derivative():
    h = hessian(from_expr("sigmoid(w*x + b)", inputs="x"))
    lhs = [a for a, _ in h.pairs(everything=True)]
    assert all(isinstance(a, (Symbol, Derivative)) for a in lhs)
    assert Derivative(S("L"), S("w"), S("b")) in lhs and Derivative(S("L"), S("b"), S("w")) in lhs


def test_layer_networks_are_refused_with_what_to_do():
    from symnet import layers

    with pytest.raises(NotImplementedError, match="lower"):
        hessian(layers([2, 3, 1]))
