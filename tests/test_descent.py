"""1-D gradient descent x ← x − η·h′(x): the path, the derivative from symnet's rules, divergence flags."""

import math

import pytest
from sympy import Function, Symbol, cos, exp, sin

from symnet.learn.descent import LIMIT, descend, descend_many, format_paths

x = Symbol("x")


def test_quadratic_path_by_hand():
    # h = x² − 2x, h′ = 2x − 2; η = 0.25: x ← x − 0.25(2x − 2) = x/2 + 1/2, so 3 → 2 → 1.5 → 1.25
    path = descend(x**2 - 2 * x, 3, 0.25, steps=3)
    assert path.xs == (3.0, 2.0, 1.5, 1.25)
    assert path.hs == tuple(v * v - 2 * v for v in path.xs)
    assert path.derivative == 2 * x - 2 and path.symbol == x and path.learning_rate == 0.25
    assert not path.diverged and path.steps == 3


def test_good_rate_converges_large_rate_diverges():
    small, good, large = descend_many(x**2 - 2 * x, 3.0, [0.01, 0.5, 1.1], steps=20)
    assert abs(good.xs[-1] - 1) < 1e-12  # η = 1/h″ jumps straight to the minimum
    assert 2.0 < small.xs[-1] < 3.0 and not small.diverged  # crawling
    # η = 1.1: x − 1 is multiplied by 1 − 2.2 = −1.2 each step
    assert large.diverged and large.xs[-1] - 1 == pytest.approx(2 * (-1.2) ** 20)
    assert len(large.xs) == 21


def test_blow_up_stops_early_and_is_flagged():
    path = descend(x**4, 3.0, 1.0, steps=20)
    assert path.diverged and path.steps < 20
    assert all(math.isfinite(v) for v in path.xs + path.hs)
    assert max(abs(v) for v in path.xs) > LIMIT


def test_non_finite_values_are_flagged_not_raised():
    path = descend(exp(x**2), 2.0, 10.0, steps=5)
    assert path.diverged and all(math.isfinite(v) for v in path.xs)


def test_derivative_comes_from_the_rule_table():
    # the chain rule through sin and exp, as symnet.core.rules writes it
    path = descend(sin(x) * exp(x), 0.0, 0.1, steps=1)
    assert (path.derivative - (cos(x) * exp(x) + sin(x) * exp(x))).expand() == 0
    assert path.xs[1] == pytest.approx(-0.1)


def test_strings_go_through_the_safe_parser():
    path = descend("x**2 - 2*x", 3, 0.25, steps=1)
    assert path.xs == (3.0, 2.0)
    from symnet.io.parsing import ParseError

    with pytest.raises(ParseError, match="__import__"):
        descend("__import__('os')", 1.0, 0.1)


def test_numpy_numbers_are_accepted():
    import numpy as np

    paths = descend_many(x**2, np.float32(1.0), np.array([0.25, 0.5]), steps=np.int64(1))
    assert [p.xs for p in paths] == [(1.0, 0.5), (1.0, 0.0)]


def test_symbol_option():
    t = Symbol("t")
    assert descend(t**2, 1.0, 0.25, steps=1, symbol="t").xs == (1.0, 0.5)


@pytest.mark.parametrize("call, match", [
    (lambda: descend(x * Symbol("y"), 1.0, 0.1), "exactly one variable"),
    (lambda: descend(x + Symbol("y"), 1.0, 0.1, symbol="x"), "of x alone; it also uses y"),
    (lambda: descend(x**2 * 0 + 3, 1.0, 0.1), "exactly one variable"),
    (lambda: descend(x**2, float("nan"), 0.1), "x0 must be a finite"),
    (lambda: descend(x**2, 1.0, 0.0), "learning_rate must be positive"),
    (lambda: descend(x**2, 1.0, -1), "learning_rate must be positive"),
    (lambda: descend(x**2, 1.0, 0.1, steps=0), "steps must be"),
    (lambda: descend(x**2, 1.0, 0.1, steps=2.5), "steps must be"),
    (lambda: descend_many(x**2, 1.0, []), "non-empty"),
    (lambda: descend_many(x**2, 1.0, "0.1"), "non-empty"),
    (lambda: descend_many(x**2, 1.0, 0.1), "non-empty"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_unknown_function_has_no_rule():
    class mystery(Function):
        pass

    with pytest.raises(NotImplementedError, match="no derivative rule"):
        descend(mystery(x), 1.0, 0.1)
    with pytest.raises(TypeError):
        descend(42, 1.0, 0.1)


def test_format_paths_table():
    text = format_paths(descend_many(x**2, 1.0, [0.25, 1.5], steps=2))
    lines = text.splitlines()
    assert lines[0].split() == ["step", "x", "(η=0.25)", "h(x)", "x", "(η=1.5)", "h(x)"]
    assert lines[1].split() == ["0", "1", "1", "1", "1"]
    assert lines[2].split() == ["1", "0.5", "0.25", "-2", "4"]
    assert lines[-1] == "η=1.5 diverged after 2 steps (its steps grew and h ended above h(x₀))"


def test_a_blow_up_names_its_step_counted_from_one():
    # exp(x²) at x₀ = 2, η = 10: x₁ = 2 − 10·4e⁴ ≈ −2184 and h(x₁) = exp(4.8·10⁶) overflows at step 1
    path = descend(exp(x**2), 2.0, 10.0, steps=5)
    assert path.blew_up_at == 1 and path.xs == (2.0,)
    assert format_paths([path]).splitlines()[-1].startswith("η=10 diverged at step 1: ")
    # x⁴ from 3 with η = 1: 3 → −105 → 4.6·10⁶ (beyond ±LIMIT at step 2, kept in the path)
    quartic = descend(x**4, 3.0, 1.0, steps=20)
    assert quartic.blew_up_at == 2 == quartic.steps
    settled = descend(x**2, 1.0, 0.1, steps=3)
    assert settled.blew_up_at is None and not settled.diverged


@pytest.mark.parametrize("h, x0, message", [
    ("log(x)", -1.0, "h = log(x) is undefined"),
    ("log(x)", 0.0, "h = log(x) is undefined"),
    ("sqrt(x)", 0.0, "dh/dx = "),
    ("1/x", 0, "h = 1/x is undefined"),
])
def test_an_undefined_start_is_an_error_not_a_divergence(h, x0, message):
    with pytest.raises(ValueError) as info:
        descend_many(h, x0, [0.1, 0.5])
    assert str(info.value).startswith(message) and f"x₀ = {x0:g}" in str(info.value) and "diverged" not in str(info.value)
