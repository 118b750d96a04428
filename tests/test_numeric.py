"""The independent numeric reverse mode and finite differences."""

import numpy as np
import pytest
from click.testing import CliRunner
from sympy import Max, exp, log, sin, symbols

from symnet import check_grads, from_expr, value_and_grad
from symnet.cli import main
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


# --- stable forms: log σ, log(1 − σ), log(1 + eᵘ) and log-sum-exp at any steepness --------------------------
k = symbols("k")
STEEP = [1.0, 30.0, 1e3, 1e5, 1e8]
PATTERNS = {   # the loss, and its value in NumPy's own stable functions (an independent reference)
    "-log σ": (-log(sigmoid(k * (x - a))), lambda u: np.logaddexp(0, -u)),
    "-log(1 − σ)": (-log(1 - sigmoid(k * (x - a))), lambda u: np.logaddexp(0, u)),
    "log(1 + e^u)": (log(1 + exp(k * (x - a))), lambda u: np.logaddexp(0, u)),
}


@pytest.mark.parametrize("steepness", STEEP)
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_log_sigmoid_patterns_stay_finite_and_exact_at_any_steepness(name, steepness):
    expr, reference = PATTERNS[name]
    xs = np.array([-3.0, -0.2, 0.5, 0.7, 4.0])
    value, (da, dk) = backprop(expr, {x: xs, a: 0.5, k: steepness}, [a, k])
    u = steepness * (xs - 0.5)
    np.testing.assert_allclose(value, reference(u), rtol=1e-13, atol=1e-300)
    h = 1e-7 * max(1.0, steepness)      # the same value by differences of the reference, in k
    np.testing.assert_allclose(dk, (reference((steepness + h) * (xs - 0.5)) - reference((steepness - h) * (xs - 0.5)))
                               / (2 * h), rtol=1e-5, atol=1e-9)
    assert np.all(np.isfinite(da)) and np.all(np.isfinite(dk))


@pytest.mark.parametrize("steepness", STEEP)
def test_the_numeric_mode_agrees_with_the_compiled_gradient_at_any_steepness(steepness):
    # the network as the user writes it (from_expr rewrites it), the numeric mode on the raw formula
    expr = -log(sigmoid(k * (x - a)))
    compiled = value_and_grad(from_expr(expr, inputs=[x, k]))
    X = np.column_stack([np.linspace(-3, 3, 7), np.full(7, steepness)])
    y = np.zeros(7)
    loss, (g,) = compiled(np.array([0.5]), X, y)
    value, (da,) = backprop((symbols("y") - expr) ** 2, {x: X[:, 0], k: steepness, a: 0.5, symbols("y"): y}, [a])
    assert float(np.mean(value)) == pytest.approx(loss, rel=1e-12)
    assert float(np.mean(da)) == pytest.approx(g, rel=1e-9, abs=1e-12)


def test_log_sum_exp_is_finite_where_each_exponential_overflows():
    expr = log(exp(k * x) + exp(a * x) + 1)
    xs = np.array([-3.0, 0.0, 2.0])
    value, (dk, da) = backprop(expr, {x: xs, k: 1000.0, a: 0.5}, [k, a])
    exponents = np.stack([1000.0 * xs, 0.5 * xs, np.zeros(3)])
    np.testing.assert_allclose(value, np.logaddexp.reduce(exponents), rtol=1e-14)
    softmax = np.exp(exponents - np.logaddexp.reduce(exponents))        # ∂ log Σ eᵘ / ∂uᵢ
    np.testing.assert_allclose(dk, softmax[0] * xs, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(da, softmax[1] * xs, rtol=1e-12, atol=1e-300)


def test_written_as_is_the_naive_evaluation_overflows():
    # stable=False walks every node as written: σ(−1000) underflows to 0 and log 0 = −inf
    u = symbols("u")
    naive, _ = backprop(-log(sigmoid(u)), {u: np.array([-1000.0])}, [u], stable=False)
    stable, (du,) = backprop(-log(sigmoid(u)), {u: np.array([-1000.0])}, [u])
    assert naive[0] == np.inf and stable[0] == 1000.0 and du[0] == -1.0


@pytest.mark.parametrize("steepness", [1e3, 1e5])
def test_check_grads_agrees_in_all_four_columns_on_a_steep_log_sigmoid(steepness):
    net = from_expr(-log(sigmoid(k * (x - a))), inputs=[x, k])
    report = check_grads(net, at={"x": -3.0, "a": 0.5, "k": steepness, "y": 0.0})
    assert report.ok and not report.skipped
    assert all(np.isfinite(v) for row in report.rows for v in row.values)


def test_the_issue_s_check_command_succeeds_with_every_column_agreeing():
    result = CliRunner().invoke(main, ["check", "--expr", "-log(sigmoid(k*(x - a)))", "--inputs", "x,k",
                                       "--at", "x=-3,a=0.5,k=1000,y=0"])
    assert result.exit_code == 0, result.output
    assert "all gradients agree" in result.output and "nan" not in result.output
    row = next(line.split() for line in result.output.splitlines() if line.split()[:1] == ["a"])
    assert [float(v) for v in row[1:5]] == pytest.approx([7e6] * 4, rel=1e-9)


def test_the_lowered_softmax_cross_entropy_is_finite_where_its_logits_overflow():
    # a layer network's numeric column walks log Σₖ e^{zₖ} − yᵀz; logits of ~±5000 overflow e^z
    from symnet.core.layers import layers, lower
    from symnet.numeric.codegen import value_and_grad

    target = layers("2-3", output="softmax").loss()
    low, compiled = lower(target), value_and_grad(target, backend="numpy")
    rng = np.random.default_rng(0)
    theta, X, labels = 2000 * rng.normal(size=len(low.params)), rng.normal(size=(5, 2)), np.array([0, 1, 2, 1, 0])
    loss, g = compiled(theta, X, labels)
    env = dict(zip(low.inputs, list(X.T) + list(compiled.targets(labels, 5).T)))
    env.update({p: float(t) for p, t in zip(low.params, theta)})
    value, grads = backprop(low.closed_form()[0], env, low.params)
    assert float(np.mean(value)) == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose([np.mean(d) for d in grads], g, rtol=1e-9, atol=1e-9)
    naive, _ = backprop(low.closed_form()[0], env, low.params, stable=False)
    assert not np.all(np.isfinite(naive))         # written as is, e^z overflows
