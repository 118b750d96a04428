"""Hessians of typed matrix losses: the readable d × d formula, the compiled H and Hv against finite
differences of the compiled gradient, ``sympy.diff`` twice of the loss lowered to scalars, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import symnet
from symnet.core.matrix_hessian import linear_map, matrix_hessian
from symnet.core.matrix_lowering import lower
from symnet.io.matrix_build import matrix_loss
from symnet.io.syntax import ParseError
from symnet.numeric.hessian import compile_hessian, gradient_differences, hvp
from symnet.numeric.hessian_forms import GRAM_SYRK, weighted_gram
from symnet.numeric.matrix_code import compile_matrix_loss
from symnet.render.matrix_expr import latex, unicode
from tests.cli_helpers import refused, run
from tests.strategies import examples
from tests.strategies_matrix import smooth_matrix_losses

SHAPES = "X=N x 3, y=N, w=3"
RIDGE = "norm2(X*w - y)^2/N + lam*norm2(w)^2"
LOGISTIC = "mean(softplus(X*w) - y.*(X*w))"
COMPOSED = ("sum(tanh(X*w)) + norm2(w)", "sum(exp(X*w)) + norm2(w)^2", "norm2(sigmoid(X*w) - y)^2",
            "sum(log(exp(-y.*(X*w)) + vector(1)))", "(w'*exp(X'*(X*w))) + sum(swish(X*w))")


def problem(loss, n=7, seed=0):
    """(w, {data}) at random, the data named as the loss declares them."""
    rng = np.random.default_rng(seed)
    arrays = {"X": 0.6 * rng.normal(size=(n, 3)), "y": (rng.random(n) > 0.5).astype(float)}
    return 0.5 * rng.normal(size=3), {d.name: arrays[d.name] for d in loss.data}


def agree(text, shapes=SHAPES, seed=0):
    """Assert H symmetric, H = differences of the compiled gradient, Hv = H v; return H."""
    loss = matrix_loss(text, shapes, wrt="w", constants={"lam": 0.3} if "lam" in text else None)
    w, data = problem(loss, seed=seed)
    H = compile_hessian(loss)(w, data)
    gradient = compile_matrix_loss(loss)
    differences = gradient_differences(lambda t: gradient(t, data, None)[1], w)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(H, differences, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(H).max()))
    v = np.random.default_rng(seed + 1).normal(size=3)
    np.testing.assert_allclose(hvp(loss)(w, v, data), H @ v, rtol=1e-10, atol=1e-12)
    return H


def test_ridge_hessian_reads_as_the_textbook_formula():
    h = symnet.hessian(matrix_loss(RIDGE, SHAPES))
    assert unicode(h.matrix) == "(2/N)·Xᵀ X + 2·λ·I"
    assert latex(h.matrix) == r"\frac{2}{N} X^{\mathsf T} X + 2 \lambda \mathbb{I}"


def test_logistic_hessian_is_vectorized_with_diag():
    h = symnet.hessian(matrix_loss(LOGISTIC, SHAPES))
    assert unicode(h.matrix) == "(1/N)·Xᵀ diag(σ(X w) ⊙ (𝟙 − σ(X w))) X"
    assert unicode(h.product_formula()) == "(1/N)·Xᵀ (σ(X w) ⊙ (𝟙 − σ(X w)) ⊙ (X v))"


def test_compiled_logistic_hessian_equals_the_hand_formula_and_uses_one_product():
    loss = matrix_loss(LOGISTIC, SHAPES)
    w, data = problem(loss, n=40)
    X, y = data["X"], data["y"]
    c = expit(X @ w) * (1 - expit(X @ w))
    compiled = compile_hessian(loss)
    np.testing.assert_allclose(compiled(w, X, y), (X.T * c) @ X / 40, rtol=1e-12)
    assert "diagflat" not in compiled.source        # Xᵀ (c ⊙ X): no N × N matrix, one product
    # Xᵀ diag(c) X is a Gram matrix: one syrk (half a product) where c ≥ 0 and X is wide enough
    assert compiled.source.splitlines()[-1].strip() == "return (N**(-1.0))*(weighted_gram(X, t2 * (1.0 - (t2))))"
    assert "X.T" in hvp(loss).source and "@ v" in hvp(loss).source


@pytest.mark.parametrize("d", [3, GRAM_SYRK, 150])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_weighted_gram_matrix_equals_the_general_product_whatever_the_weights(d, dtype):
    rng = np.random.default_rng(d)
    A = rng.normal(size=(90, d)).astype(dtype)
    for c in (rng.uniform(size=(90, 1)), rng.uniform(size=90), rng.normal(size=(90, 1)), np.zeros((90, 1))):
        c = c.astype(dtype)
        G = weighted_gram(A, c)
        reference = A.T @ (c.reshape(-1, 1) * A)
        assert G.dtype == dtype and G.shape == (d, d)
        np.testing.assert_allclose(G, reference, rtol=1e-4 if dtype == np.float32 else 1e-12,
                                   atol=1e-3 if dtype == np.float32 else 1e-10)
        if d >= GRAM_SYRK and (c >= 0).all():
            assert (G == G.T).all()                # one triangle by syrk, mirrored
    c = np.full((90, 1), 0.5, dtype)
    c[7] = np.nan                                  # a NaN weight takes the general product: NaN where it belongs
    assert np.isnan(weighted_gram(A, c)).all()


def test_the_compiled_gram_hessian_is_right_at_a_width_that_takes_syrk():
    d = GRAM_SYRK + 6
    loss = matrix_loss(LOGISTIC, f"X=N x {d}, y=N, w={d}")
    rng = np.random.default_rng(1)
    X, y, w = rng.normal(size=(200, d)), (rng.random(200) > 0.5).astype(float), rng.normal(size=d) / np.sqrt(d)
    c = expit(X @ w) * (1 - expit(X @ w))
    np.testing.assert_allclose(compile_hessian(loss)(w, X, y), (X.T * c) @ X / 200, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("text", (RIDGE, LOGISTIC) + COMPOSED)
def test_hessian_matches_differences_of_the_gradient_and_hvp(text):
    agree(text)


@pytest.mark.parametrize("text", (RIDGE, LOGISTIC, COMPOSED[0], COMPOSED[2]))
def test_hessian_equals_sympy_diff_twice_of_the_lowered_loss(text):
    loss = matrix_loss(text, SHAPES, wrt="w", constants={"lam": 0.3} if "lam" in text else None)
    grids, sizes = {}, {s: 2 for s in loss.sizes}
    scalar = lower(loss.expr, sizes, grids).subs({c: 0.3 for c in loss.constants})
    w = [grids[loss.params[0]][i, 0] for i in range(3)]
    oracle = sympy.hessian(scalar, w)                                       # sympy.diff twice, the oracle
    rng = np.random.default_rng(3)
    X, y, theta = rng.normal(size=(2, 3)), np.array([1.0, 0.0]), 0.4 * rng.normal(size=3)
    values = {**dict(zip(w, theta)), **sizes}
    for d in loss.data:
        grid = grids[d]
        array = X if d.name == "X" else y[:, None]
        values.update({grid[i, j]: array[i, j] for i in range(grid.rows) for j in range(grid.cols)})
    expected = np.array(oracle.subs(values).evalf(), dtype=float)
    data = {d.name: {"X": X, "y": y}[d.name] for d in loss.data}
    np.testing.assert_allclose(compile_hessian(loss)(theta, data), expected, rtol=1e-10, atol=1e-12)


@settings(max_examples=examples(25), deadline=None)
@given(text=smooth_matrix_losses(), seed=st.integers(0, 2**16))
def test_random_smooth_losses_have_symmetric_hessians_that_match_differences(text, seed):
    text += " + 0.1*norm2(w)^2"
    try:
        matrix_loss(text, SHAPES, wrt="w")
    except ParseError:
        assume(False)
    if "lam" in text:
        text = text.replace("lam", "0.7")
    agree(text, seed=seed)


def test_named_steps_of_the_compiled_hessian_never_take_a_declared_name():
    loss = matrix_loss("mean(softplus(t1*w) - y.*(t1*w))", "t1=N x 3, y=N, w=3")
    compiled = compile_hessian(loss)
    assert "t2 = t1 @ w" in compiled.source
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_allclose(compiled(np.zeros(3), X, np.ones(6)), X.T @ X / 24, rtol=1e-12)   # σ(0)(1 − σ(0)) = 1/4


def test_a_linear_loss_has_a_zero_hessian_of_the_right_shape():
    loss = matrix_loss("sum(X*w)", "X=N x 3, w=3")
    X = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_array_equal(compile_hessian(loss)(np.ones(3), X), np.zeros((3, 3)))
    np.testing.assert_array_equal(hvp(loss)(np.ones(3), np.ones(3), X), np.zeros(3))


def test_linear_map_reads_diag_and_outer_products():
    from sympy import HadamardProduct, MatrixSymbol

    X, v, c, a = (MatrixSymbol("X", 5, 3), MatrixSymbol("v", 3, 1), MatrixSymbol("c", 5, 1),
                  MatrixSymbol("a", 3, 1))
    assert str(linear_map(X.T * HadamardProduct(c, X * v), v)) == "X.T*diag(c)*X"
    assert str(linear_map(a * (a.T * v), v)) == "a*a.T"
    with pytest.raises(NotImplementedError, match="cannot read the Hessian"):
        linear_map(HadamardProduct(X * v, X * v), v)


def test_matrix_parameters_and_missing_rows_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="one parameter"):
        matrix_hessian(matrix_loss("norm2(X*W)^2 + norm2(w)^2", "X=N x 3, W=3 x 2, w=3"))
    with pytest.raises(NotImplementedError, match="NumPy or JAX"):
        compile_hessian(matrix_loss(RIDGE, SHAPES), backend="fused")
    with pytest.raises(ValueError, match="cannot differentiate by 'X'"):
        matrix_hessian(matrix_loss(RIDGE, SHAPES), wrt="X")


def test_cli_hessian_prints_the_vectorized_logistic_hessian():
    result = run("hessian", "--expr", LOGISTIC, "--shapes", SHAPES, "--wrt", "w")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2] == "∂²L/∂w∂wᵀ = (1/N)·Xᵀ diag(σ(X w) ⊙ (𝟙 − σ(X w))) X    (3 × 3)"
    steps = run("hessian", "--expr", RIDGE, "--shapes", SHAPES, "--steps")
    assert steps.exit_code == 0 and "d_u₁ = X v" in steps.output, steps.output


def test_cli_hessian_json_and_refusals():
    result = run("hessian", "--expr", RIDGE, "--shapes", SHAPES, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["hessian"]["text"] == "(2/N)*X.T @ X + (2*lam)*I" or "X.T @ X" in data["hessian"]["text"]
    assert data["hessian"]["shape"] == ["3", "3"] and data["wrt"] == "w"
    refused(run("hessian", "--expr", "norm2(X*W)^2 + norm2(w)^2", "--shapes", "X=N x 3, W=3 x 2, w=3"), "one parameter")
    refused(run("hessian", "--expr", RIDGE, "--shapes", SHAPES, "--at", "w=1"), "--at does not go with --shapes")


@pytest.mark.parametrize("expr", [RIDGE, LOGISTIC])
def test_cli_hessian_steps_define_every_name_a_tangent_reads(expr):
    """--steps prints the program (forward, adjoint sweep) before the tangents: every name is defined above."""
    import re

    result = run("hessian", "--expr", expr, "--shapes", SHAPES, "--steps", "--format", "text")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start, sweep = lines.index("program (forward, then the adjoint sweep):"), \
        next(i for i, line in enumerate(lines) if line.startswith("tangent sweep"))
    defined = {"X", "y", "w", "v", "N", "lam", "ones", "sigmoid", "softplus", "T"}
    assert start < sweep and sweep - start > 1
    for line in lines[start + 1:]:
        if line.startswith("tangent sweep"):
            continue
        lhs, rhs = line.split(" = ", 1)
        assert set(re.findall(r"[A-Za-z_]\w*", rhs)) <= defined, (line, defined)
        if lhs.startswith("d_"):
            assert lhs[2:] in defined, f"{lhs} names {lhs[2:]}, which the program does not define"
        defined.add(lhs)
