"""check_grads: the report, the skip of the sympy oracle, and that it FAILS on a wrong rule."""

import numpy as np
import pytest

from sympy import tanh

from symnet import check_grads, layers, loss, mlp, seed_network, squared_error, value_and_grad
from symnet.core.activations import sigmoid
from symnet.numeric.gradcheck import ATOL, RTOL


def test_seed_network_passes_and_the_report_prints_as_a_table():
    report = check_grads(seed_network(), seed=1)
    assert report.ok and not report.failures
    assert [row.param for row in report.rows][-1] == "b5"
    assert all(None not in row.values for row in report.rows)
    text = str(report)
    assert text.splitlines()[0].split() == ["param", "backprop", "sympy", "numeric", "finite_diff", "max", "diff", "ok"]
    assert "all gradients agree" in text
    assert report._repr_markdown_().startswith("| param | backprop |")


def test_tolerances_are_the_design_rule():
    assert (RTOL, ATOL) == (1e-6, 1e-8)


def test_a_deliberately_wrong_rule_makes_the_check_fail():
    L = squared_error(seed_network())
    wrong = {sigmoid: lambda ans, z: (ans * (1 + ans),)}   # σ′ = σ(1 + σ) is wrong
    report = check_grads(L, compiled=value_and_grad(L, rules=wrong), seed=2)
    assert not report.ok
    assert {row.param for row in report.failures} == {str(p) for p in L.network.params}
    assert "DISAGREE" in str(report)
    # and the oracles still agree with each other: only the backprop column is off
    row = report.failures[0]
    _, sym, num, fd = row.values
    assert sym == pytest.approx(num, rel=1e-9) and sym == pytest.approx(fd, rel=1e-5)


def test_the_sympy_oracle_is_skipped_with_a_reason_for_large_networks():
    report = check_grads(mlp([2, 4, 4, 4, 1]), seed=0, sympy_max_ops=100)
    assert report.ok
    assert report.skipped[0][0] == "sympy" and "operations" in report.skipped[0][1]
    assert all(row.values[1] is None for row in report.rows)


def test_explicit_point():
    net = seed_network()
    theta, X, y = np.linspace(-1, 1, 11), np.array([[0.5, -1.0], [1.5, 2.0]]), np.array([1.0, 0.0])
    report = check_grads(net, theta, X, y)
    assert report.ok and report.loss == pytest.approx(0.376322, abs=1e-6)


def test_relu_networks_check_with_the_sympy_oracle_present():
    from symnet import NeuronModel

    report = check_grads(seed_network(NeuronModel("relu")), seed=0)
    assert not report.skipped
    assert all(row.values[1] is not None for row in report.rows)
    assert report.ok, str(report)


def test_markdown_table_has_one_cell_per_column_in_every_row():
    lines = check_grads(seed_network(), seed=1)._repr_markdown_().splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len({line.count("|") for line in table}) == 1 and len(table) == 2 + 11


# ---- every kind of network (the ``kind`` fixture: scalar neurons, matrix layers) ----------------------------

SMALL = {"mlp": lambda: mlp([2, 3, 1], activation="tanh"), "layers": lambda: layers("3-4-2", "tanh", "softmax"),
         "mixed": lambda: loss(layers("3-4-2", "tanh", "identity"), "log(cosh(yhat - y))")}


def test_a_wrong_rule_fails_the_compiled_column_while_the_oracles_agree(kind):
    report = check_grads(SMALL[kind](), rules={tanh: lambda ans, z: (1 + ans**2,)}, seed=2)   # 1 + tanh², not 1 − tanh²
    assert not report.ok and "DISAGREE" in str(report)
    for row in report.failures:
        _, *oracles = row.values
        assert all(v == pytest.approx(oracles[0], rel=1e-5, abs=1e-8) for v in oracles)


def test_the_column_chosen_by_size_is_skipped_with_a_reason(kind):
    if kind == "mlp":
        report, column = check_grads(mlp([2, 4, 4, 4, 1]), sympy_max_ops=100), "sympy"
    else:
        report, column = check_grads(SMALL[kind](), lower_max_params=10, sample=6), "lowered"
    assert report.ok and report.skipped[0][0] == column
    assert all(row.values[1] is None and row.values[-1] is not None for row in report.rows)
