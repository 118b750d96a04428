"""The independent numeric reverse mode and finite differences."""

import numpy as np
import pytest
from sympy import Max, exp, sin, symbols

from symnet.core.activations import sigmoid
from symnet.numeric.reverse import backprop, finite_differences, is_close, step_size

x, a, b = symbols("x a b")


def test_reverse_mode_on_a_shared_node():
    u = a * x
    expr = sin(u) * exp(u)            # u is one node used twice
    xs = np.array([0.5, -1.0])
    value, (da,) = backprop(expr, {x: xs, a: 0.7}, [a])
    np.testing.assert_allclose(value, np.sin(0.7 * xs) * np.exp(0.7 * xs))
    np.testing.assert_allclose(da, xs * np.exp(0.7 * xs) * (np.cos(0.7 * xs) + np.sin(0.7 * xs)))


def test_reverse_mode_max_sends_the_gradient_to_the_winner():
    _, (da, db) = backprop(Max(a, b), {a: 2.0, b: 1.0}, [a, b])
    assert (float(da), float(db)) == (1.0, 0.0)


def test_steep_sigmoid_is_finite():
    xs = np.linspace(-5, 5, 11)
    value, (dx,) = backprop(sigmoid(1000 * (x - 0.3)), {x: xs}, [x])
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(dx))


def test_unknown_symbol_and_unknown_function():
    with pytest.raises(ValueError, match="no value given for b"):
        backprop(a + b, {a: 1.0}, [a])


def test_step_size_follows_the_rule_and_is_exactly_representable():
    eps = np.finfo(float).eps
    assert step_size(0.0) == pytest.approx(eps ** (1 / 3))
    assert step_size(1e4) == pytest.approx(eps ** (1 / 3) * 1e4, rel=1e-6)
    t = 0.1
    h = step_size(t)
    assert (t + h) - t == h


def test_finite_differences_of_a_cubic_are_accurate():
    g = finite_differences(lambda t: float(t[0] ** 3 + np.sin(t[1])), [2.0, 0.5])
    np.testing.assert_allclose(g, [12.0, np.cos(0.5)], rtol=1e-9)


def test_is_close_rule():
    assert is_close(1.0, 1.0 + 5e-7, 0.0, 1e-6, 1e-8)
    assert not is_close(1.0, 1.0 + 5e-6, 0.0, 1e-6, 1e-8)
    assert is_close(1e-298, 0.0, 1.0, 1e-6, 1e-8)          # tiny gradients: the absolute part
    assert not is_close(float("nan"), 0.0, 1.0, 1e-6, 1e-8)
