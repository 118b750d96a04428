"""Hessians by a d × k matrix parameter W: the dk × dk matrix in row-major vec(W) order, read in Kronecker form
(least squares, softmax regression), compiled (numpy.kron, one einsum over the batch) and its hvp, checked
against finite differences of the compiled gradient, ``sympy.hessian`` of the lowered loss and a NumPy
hand formula; row softmax and log_softmax tangents; the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings

from symnet.core.attention import LogSoftmax, RowSoftmax
from symnet.core.matrix_hessian import matrix_hessian
from symnet.core.matrix_jvp import matrix_jvp
from symnet.core.matrix_lowering import lower
from symnet.io.matrix_build import matrix_loss
from symnet.io.syntax import ParseError
from symnet.numeric.hessian import gradient_differences
from symnet.numeric.matrix_code import compile_matrix_loss
from symnet.numeric.matrix_hessian import compile_matrix_hessian, compile_matrix_hvp, sample_kron
from symnet.render.matrix_expr import latex, unicode
from tests.cli_helpers import run
from tests.strategies import examples
from tests.strategies_matrix import matrix_parameter_losses

SHAPES = "X=N x 3, Y=N x 2, W=3 x 2"
SOFTMAX = "-sum(Y .* log_softmax(X*W))/N"
LSQ = "norm2(X*W - Y)^2/N"


def data(loss, n=9, seed=0):
    """(W flattened, {data}): X, a one-hot Y and A at random, named as the loss declares them."""
    rng = np.random.default_rng(seed)
    d, k = loss.params[0].shape if loss.params[0].name == "W" else (3, 2)
    arrays = {"X": rng.normal(size=(n, d)), "Y": np.eye(k)[rng.integers(0, k, n)], "A": rng.normal(size=(d, d))}
    return 0.5 * rng.normal(size=d * k), {m.name: arrays[m.name] for m in loss.data}


def agree(text, shapes=SHAPES, seed=0):
    """Assert H symmetric, H = differences of the compiled gradient, hvp(V) = H vec(V) in W's shape; return H."""
    loss = matrix_loss(text, shapes, wrt="W")
    theta, arrays = data(loss, seed=seed)
    H = compile_matrix_hessian(loss)(theta, arrays)
    gradient = compile_matrix_loss(loss, wrt=("W",))
    differences = gradient_differences(lambda t: gradient(t, arrays, None)[1], theta)
    scale = max(1.0, np.abs(H).max())
    np.testing.assert_allclose(H, H.T, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(H, differences, rtol=1e-5, atol=1e-6 * scale)
    V = np.random.default_rng(seed + 1).normal(size=loss.params[0].shape)
    HV = compile_matrix_hvp(loss)(theta, V, arrays)
    assert HV.shape == V.shape
    np.testing.assert_allclose(HV.ravel(), H @ V.ravel(), rtol=1e-9, atol=1e-10 * scale)
    return H


def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_least_squares_hessian_is_a_kronecker_product_in_row_major_order():
    h = matrix_hessian(matrix_loss(LSQ, SHAPES))
    assert unicode(h.matrix) == "(2/N)·Xᵀ X ⊗ I"
    assert latex(h.matrix) == r"\frac{2}{N} X^{\mathsf T} X \otimes \mathbb{I}"
    assert h.size == 6 and h.direction.shape == (3, 2)
    loss = matrix_loss(LSQ, SHAPES)
    theta, arrays = data(loss)
    X = arrays["X"]
    np.testing.assert_allclose(compile_matrix_hessian(loss)(theta, arrays), np.kron(2 * X.T @ X / 9, np.eye(2)),
                               rtol=1e-12)
    assert "numpy.kron" in compile_matrix_hessian(loss).source


def test_softmax_regression_hessian_reads_as_diag_minus_outer_per_sample():
    h = matrix_hessian(matrix_loss(SOFTMAX, SHAPES))
    assert unicode(h.matrix) == "(1/N)·Σₙ rowsum(Y)ₙ·Xₙ Xₙᵀ ⊗ (diag(softmax(X W)ₙ) − softmax(X W)ₙ softmax(X W)ₙᵀ)"
    assert latex(h.matrix).startswith(r"\frac{1}{N} \sum_n \operatorname{rowsum}\left(Y\right)_{n} \, "
                                      r"X_{n} X_{n}^{\mathsf T}")


def test_compiled_softmax_regression_hessian_equals_the_hand_formula_without_a_loop():
    loss = matrix_loss(SOFTMAX, SHAPES)
    theta, arrays = data(loss, n=40)
    X, Y = arrays["X"], arrays["Y"]
    A = softmax_rows(X @ theta.reshape(3, 2))
    expected = sum(np.kron(np.outer(x, x), np.diag(a) - np.outer(a, a)) for x, a in zip(X, A)) / 40
    compiled = compile_matrix_hessian(loss)
    np.testing.assert_allclose(compiled(theta, X, Y), expected, rtol=1e-10, atol=1e-14)
    assert "sample_kron(X, X," in compiled.source and "for " not in compiled.source


def test_sample_kron_is_the_sum_of_kronecker_products():
    rng = np.random.default_rng(1)
    P, R, C = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), rng.normal(size=(5, 2, 4))
    expected = sum(np.kron(np.outer(p, r), c) for p, r, c in zip(P, R, C))
    np.testing.assert_allclose(sample_kron(P, R, C), expected, rtol=1e-12)
    np.testing.assert_allclose(sample_kron(P, R, C[0]), np.kron(P.T @ R, C[0]), rtol=1e-12)


@pytest.mark.parametrize("text", (SOFTMAX, LSQ, "sum(softmax(X*W) .* Y) + norm2(W)^2", "sum(tanh(X*W)) + tr(W'*A*W)",
                                  "norm2(X*W - Y)", "mean(softplus(X*W - Y)) + sum(W)"))
def test_matrix_parameter_hessians_match_differences_and_hvp(text):
    agree(text, SHAPES + (", A=3 x 3" if "A" in text else ""))


@pytest.mark.parametrize("text", (SOFTMAX, LSQ, "sum(softmax(X*W) .* Y)", "sum(tanh(X*W)) + norm2(W)"))
def test_matrix_parameter_hessian_equals_sympy_hessian_of_the_lowered_loss(text):
    loss = matrix_loss(text, "X=N x 2, Y=N x 2, W=2 x 2", wrt="W")
    grids, sizes = {}, {s: 2 for s in loss.sizes}
    scalar = lower(loss.expr, sizes, grids)
    W = list(grids[loss.params[0]])                   # row-major: W[0, 0], W[0, 1], W[1, 0], W[1, 1]
    oracle = sympy.hessian(scalar, W)                 # sympy.diff twice, the oracle
    rng = np.random.default_rng(5)
    arrays = {"X": rng.normal(size=(2, 2)), "Y": np.array([[1.0, 0.0], [0.3, 0.7]])}
    theta = 0.4 * rng.normal(size=4)
    values = {**dict(zip(W, theta)), **sizes}
    for m in loss.data:
        values.update({grids[m][i, j]: arrays[m.name][i, j] for i in range(2) for j in range(2)})
    expected = np.array(oracle.subs(values).evalf(), dtype=float)
    given_data = {m.name: arrays[m.name] for m in loss.data}
    np.testing.assert_allclose(compile_matrix_hessian(loss)(theta, given_data), expected, rtol=1e-9, atol=1e-12)


def test_row_softmax_and_log_softmax_tangents_are_the_jacobian_rows():
    Z, Zdot = sympy.MatrixSymbol("Z", 2, 3), sympy.MatrixSymbol("D", 2, 3)
    rng = np.random.default_rng(2)
    z, dz = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    for op, f in ((RowSoftmax, softmax_rows), (LogSoftmax, lambda m: np.log(softmax_rows(m)))):
        tangent = matrix_jvp(op(Z), {Z: Zdot})
        explicit = sympy.Matrix(tangent.subs({Z: sympy.Matrix(z), Zdot: sympy.Matrix(dz)}).doit())
        a = softmax_rows(z)
        rows = [(np.diag(r) - np.outer(r, r)) @ g for r, g in zip(a, dz)]
        expected = np.array(rows) if op is RowSoftmax else dz - (a * dz).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(np.array(explicit.evalf(), dtype=float), expected, rtol=1e-10)
        h = 1e-6
        np.testing.assert_allclose(expected, (f(z + h * dz) - f(z - h * dz)) / (2 * h), rtol=1e-5, atol=1e-8)


@settings(max_examples=examples(20), deadline=None)
@given(case=matrix_parameter_losses())
def test_random_matrix_parameter_losses_have_symmetric_hessians_that_match_differences(case):
    text, shapes, seed = case
    try:
        matrix_loss(text, shapes, wrt="W")
    except ParseError:
        assume(False)
    agree(text, shapes, seed=seed)


def test_cli_hessian_by_a_matrix_parameter_states_the_vec_order():
    result = run("hessian", "--expr", LSQ, "--shapes", SHAPES)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2] == ("∂²L/∂vec(W)∂vec(W)ᵀ = (2/N)·Xᵀ X ⊗ I    "
                                             "(6 × 6, vec(W) row-major: W[i, a] is entry i*2 + a)")
    data_ = json.loads(run("hessian", "--expr", SOFTMAX, "--shapes", SHAPES, "--format", "json").output)
    assert data_["hessian"]["shape"] == ["6", "6"] and data_["hessian"]["vec_order"] == "row-major"
    assert data_["wrt_shape"] == ["3", "2"] and "Σₙ rowsum(Y)ₙ·Xₙ Xₙᵀ ⊗" in data_["hessian"]["unicode"]
    assert data_["tangents"] and data_["tangents"][-1]["name"] == "d_delta_W"


def test_cli_hessian_without_a_kronecker_form_prints_the_tangent_sweep():
    result = run("hessian", "--expr", "norm2(X*W - Y)", "--shapes", SHAPES)
    assert result.exit_code == 0, result.output
    assert "no Kronecker form" in result.output and "tangent sweep (W\u0307 = V;" in result.output
    assert "d_delta_W = " in result.output
    data_ = json.loads(run("hessian", "--expr", "norm2(X*W - Y)", "--shapes", SHAPES, "--format", "json").output)
    assert data_["hessian"]["unicode"] is None and data_["hessian"]["shape"] == ["6", "6"]


def test_a_column_parameter_through_row_softmax_reads_as_a_sum_over_samples():
    loss = matrix_loss("-sum(Y .* log_softmax(X*w*c))", "X=N x 3, Y=N x 2, w=3, c=1 x 2", wrt="w")
    h = matrix_hessian(loss)
    assert unicode(h.matrix).startswith("Σₙ rowsum(Y)ₙ·Xₙ Xₙᵀ ⊗ (c diag(softmax(X w c)ₙ) cᵀ")
    rng = np.random.default_rng(4)
    X, Y, c, w = rng.normal(size=(7, 3)), rng.random((7, 2)), rng.normal(size=(1, 2)), rng.normal(size=3)
    arrays = {"X": X, "Y": Y, "c": c}
    H = compile_matrix_hessian(loss)(w, arrays)
    gradient = compile_matrix_loss(loss, wrt=("w",))
    np.testing.assert_allclose(H, gradient_differences(lambda t: gradient(t, arrays, None)[1], w), rtol=1e-5, atol=1e-7)
    A = softmax_rows(X @ w[:, None] @ c)
    by_hand = sum(y.sum() * np.outer(x, x) * (c @ (np.diag(a) - np.outer(a, a)) @ c.T)[0, 0]
                  for x, y, a in zip(X, Y, A))
    np.testing.assert_allclose(H, by_hand, rtol=1e-10)


def test_the_hvp_never_forms_the_dk_by_dk_matrix():
    source = compile_matrix_hvp(matrix_loss(SOFTMAX, SHAPES)).source
    assert "kron" not in source and "eye(6)" not in source and "sample_" not in source
    assert "X @ V" in source


def test_cli_hessian_by_a_matrix_parameter_speaks_chinese_with_lang_zh():
    result = run("hessian", "--expr", "norm2(X*W - Y)", "--shapes", SHAPES, "--steps", "--lang", "zh")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("形状: X: N × 3")
    assert "没有 Kronecker 积形式" in lines[2] and lines[2].endswith("(6 × 6，vec(W) 按行优先：W[i, a] 是第 i*2 + a 项)")
    assert "程序（前向各步，然后伴随扫描）:" in lines and "切向扫描（W\u0307 = V；d_u：步骤 u 沿 V 的变化）:" in lines
    for english in ("shapes", "row-major", "tangent sweep", "program (", "Kronecker form"):
        assert english not in result.output


def test_cli_hessian_prints_a_size_in_n_in_the_format_asked():
    by_x = ("hessian", "--expr", SOFTMAX, "--shapes", SHAPES, "--wrt", "X")
    assert "(3·N × 3·N, vec(X) row-major" in run(*by_x).output
    assert "(3*N x 3*N, vec(X) row-major" in run(*by_x, "--ascii").output
    assert r"&& 3 N \times 3 N" in run(*by_x, "--format", "latex").output


def test_hessian_help_says_steps_prints_the_program_too():
    english = " ".join(run("hessian", "--help").output.split())
    assert "also print the program (forward steps, adjoint sweep) and the tangent sweep over it" in english
    chinese = "".join(run("--lang", "zh", "hessian", "--help").output.split())
    assert "同时打印程序（前向各步，然后伴随扫描）及其上给出Hv的切向扫描" in chinese


def test_a_nan_in_the_data_is_refused_by_the_hessian_and_the_hvp_as_by_the_gradient():
    loss = matrix_loss("-sum(Y .* log_softmax(X*W))/N", "X=N x 3, Y=N x 2, W=3 x 2")
    X, Y = np.ones((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    X[1, 1] = np.nan
    for call in (lambda: compile_matrix_hessian(loss)(np.zeros(6), X, Y),
                 lambda: compile_matrix_hvp(loss)(np.zeros(6), np.ones(6), X, Y)):
        with pytest.raises(ValueError, match="X must be finite; row 2"):
            call()


def test_a_sum_of_kronecker_products_reads_term_by_term_and_equals_differences():
    # ‖B W‖² + ‖W C‖²: H·V = 2(Bᵀ B V + V C Cᵀ), two products of different sides (the sum used to fall back to
    # the tangent sweep: a term of the sum nested as 2·(V C Cᵀ) was not read)
    loss = matrix_loss("norm2(B*W - Y)^2 + norm2(W*C)^2", "B=4 x 2, W=2 x 3, C=3 x 5, Y=4 x 3", wrt="W")
    assert unicode(matrix_hessian(loss).matrix) == "2·I ⊗ C Cᵀ + 2·Bᵀ B ⊗ I"
    rng = np.random.default_rng(11)
    arrays = {"B": rng.normal(size=(4, 2)), "C": rng.normal(size=(3, 5)), "Y": rng.normal(size=(4, 3))}
    theta = rng.normal(size=6)
    H = compile_matrix_hessian(loss)(theta, arrays)
    B, C = arrays["B"], arrays["C"]
    np.testing.assert_allclose(H, 2 * np.kron(np.eye(2), C @ C.T) + 2 * np.kron(B.T @ B, np.eye(3)), rtol=1e-12)
    gradient = compile_matrix_loss(loss, wrt=("W",))
    np.testing.assert_allclose(H, gradient_differences(lambda t: gradient(t, arrays, None)[1], theta), rtol=1e-5,
                               atol=1e-6 * np.abs(H).max())
    V = rng.normal(size=(2, 3))
    np.testing.assert_allclose(compile_matrix_hvp(loss)(theta, V, arrays).ravel(), H @ V.ravel(), rtol=1e-10)
