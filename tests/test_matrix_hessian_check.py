"""check_grads(..., order=2) and ``symnet check --order 2 --shapes`` for a typed matrix loss: every entry of the
Hessian four ways (compiled formula, hvp on unit vectors, sympy.diff twice of the lowering, differences of the
compiled gradient)."""

import json

import numpy as np
import pytest
from sympy import tanh

import symnet
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.hessian import compile_hessian
from tests.cli_helpers import run

LOSSES = {
    "ridge": ("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3", {"lam": 0.3}),
    "logistic": ("mean(softplus(X*w) - y.*(X*w))", "X=N x 3, y=N, w=3", None),
    "softmax": ("-sum(Y .* log_softmax(X*W))/N", "X=N x 3, Y=N x 2, W=3 x 2", None),
    "no kronecker": ("norm2(X*W - Y)", "X=N x 3, Y=N x 2, W=3 x 2", None),
}
WRONG_TANH = {tanh: lambda ans, z: (1 + ans**2,)}      # tanh′ = 1 − tanh², sign flipped
TANH = ("norm2(tanh(X*w) - y)^2/N", "X=N x 3, y=N, w=3")


@pytest.mark.parametrize("name", LOSSES)
def test_every_entry_of_a_typed_hessian_agrees_four_ways(name):
    text, shapes, constants = LOSSES[name]
    report = symnet.check_grads(matrix_loss(text, shapes, constants=constants), order=2, seed=3)
    size = 3 if shapes.endswith("w=3") else 6
    assert report.order == 2 and report.methods == ("hessian", "hvp", "sympy", "finite_diff")
    assert len(report.rows) == size * (size + 1) // 2 and not report.skipped
    assert report.ok, str(report)
    assert all(None not in row.values for row in report.rows)      # the sympy oracle ran on every entry


def test_the_rows_are_the_upper_triangle_of_a_symmetric_hessian():
    text, shapes, _ = LOSSES["softmax"]
    loss = matrix_loss(text, shapes)
    rng = np.random.default_rng(5)
    data = {"X": rng.normal(size=(4, 3)), "Y": rng.random((4, 2))}
    W = rng.normal(size=6)
    report = symnet.check_grads(loss, W, data, order=2)
    H = compile_hessian(loss)(W, data)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-14)
    upper = [H[i, j] for i in range(6) for j in range(i, 6)]
    np.testing.assert_allclose([row.values[0] for row in report.rows], upper, rtol=1e-12)
    assert report.rows[1].param == "W_1_1,W_1_2"


def test_a_wrong_rule_is_caught_at_order_2_and_a_right_one_passes():
    loss = matrix_loss(*TANH)
    wrong = symnet.check_grads(loss, order=2, rules=WRONG_TANH)
    assert not wrong.ok and len(wrong.failures) == len(wrong.rows)
    assert symnet.check_grads(loss, order=2, rules={tanh: lambda ans, z: (1 - ans**2,)}).ok


def test_large_data_skip_the_sympy_oracle_with_the_reason():
    text, shapes, _ = LOSSES["logistic"]
    report = symnet.check_grads(matrix_loss(text, shapes), order=2, batch=200)
    assert report.ok and [m for m, _ in report.skipped] == ["sympy"] and "entries" in report.skipped[0][1]


def test_two_parameters_are_refused_with_the_way_out():
    with pytest.raises(NotImplementedError, match="one parameter.*W, w: name one with wrt="):
        symnet.check_grads(matrix_loss("norm2(X*W)^2 + norm2(w)^2", "X=N x 3, W=3 x 2, w=3"), order=2)


def test_cli_check_order_2_with_shapes_prints_the_table_and_json():
    text, shapes, _ = LOSSES["logistic"]
    result = run("check", "--expr", text, "--shapes", shapes, "--order", "2")
    assert result.exit_code == 0, result.output
    assert "hessian" in result.output and "d^2L/dw_1_1dw_2_1" in result.output
    assert "all second derivatives agree" in result.output
    data = json.loads(run("check", "--expr", text, "--shapes", shapes, "--order", "2", "--format", "json").output)
    assert data["order"] == 2 and data["ok"] and len(data["second_derivatives"]) == 6
    assert set(data["second_derivatives"]["w_1_1,w_3_1"]["values"]) == {"hessian", "hvp", "sympy", "finite_diff"}
    refused = run("check", "--expr", "norm2(X*W)^2 + norm2(w)^2", "--shapes", "X=N x 3, W=3 x 2, w=3", "--order", "2")
    assert refused.exit_code == 2 and "Traceback" not in refused.output and "one parameter" in refused.output
