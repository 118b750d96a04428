"""A function symnet does not know works per call — rule, NumPy form, numeric VJP — with no global edited."""

import numpy as np
import pytest
from scipy.special import expit
from sympy import Function, symbols

from symnet import check_grads, from_expr, squared_error, value_and_grad
from symnet.core import rules
from symnet.core.activations import sigmoid
from symnet.numeric import codegen
from symnet.numeric import reverse as numeric


class swish(Function):
    """swish(z) = z·σ(z), unknown to symnet."""


RULES = {swish: lambda ans, z: (sigmoid(z) + ans * (1 - sigmoid(z)),)}
NUMPY = {"swish": lambda z: z * expit(z)}
VJP = {swish: lambda g, ans, z: [g * (expit(z) + ans * (1 - expit(z)))]}
x, w, b = symbols("x w b")


def tables():
    return (dict(codegen.NUMPY_FUNCTIONS), dict(numeric.FORWARD), dict(numeric.VJP), dict(rules.DERIVATIVES))


def test_a_user_function_compiles_and_checks_per_call_without_touching_any_table():
    before = tables()
    loss = squared_error(from_expr(swish(w * x + b), inputs=[x], rules=RULES))
    fn = value_and_grad(loss, rules=RULES, numpy=NUMPY)
    value, grad = fn(np.array([0.1, 0.5]), np.array([[1.0], [2.0]]), np.array([0.0, 1.0]))
    assert np.isfinite(value) and grad.shape == (2,)
    report = check_grads(loss, rules=RULES, numpy=NUMPY, vjp=VJP)
    assert report.ok and [method for method, _ in report.skipped] == ["sympy"]   # swish has no fdiff for sympy.diff
    assert all(row.values[2] is not None for row in report.rows)
    assert tables() == before


def test_without_a_vjp_the_numeric_column_is_skipped_with_the_reason_and_the_rest_still_agrees():
    loss = squared_error(from_expr(swish(w * x + b), inputs=[x], rules=RULES))
    report = check_grads(loss, rules=RULES, numpy=NUMPY)
    assert report.ok
    reasons = dict(report.skipped)
    assert "no NumPy vjp rule for 'swish'" in reasons["numeric"]
    assert all(row.values[3] is not None for row in report.rows)   # finite differences ran


def test_an_imp_on_the_class_is_enough_for_the_numpy_side():
    class cube(Function):
        _imp_ = staticmethod(lambda z: z**3)

    cube_rules = {cube: lambda ans, z: (3 * z**2,)}
    loss = squared_error(from_expr(cube(w * x), inputs=[x], rules=cube_rules))
    report = check_grads(loss, rules=cube_rules, vjp={cube: lambda g, ans, z: [g * 3 * z**2]})
    assert report.ok


def test_a_missing_numpy_form_says_how_to_give_one():
    loss = squared_error(from_expr(swish(w * x), inputs=[x], rules=RULES))
    fn = value_and_grad(loss, rules=RULES)
    with pytest.raises(NameError, match=r"numpy=\{'swish': f\}"):
        fn(np.array([0.1]), np.array([[1.0]]), np.array([0.0]))
