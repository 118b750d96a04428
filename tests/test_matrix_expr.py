"""Typed matrix losses end to end: the readable closed forms, the compiled NumPy against hand-written NumPy,
and the verbs (value_and_grad, check_grads, train) on the ridge and logistic examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

import symnet
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.matrix_code import compile_matrix_loss
from symnet.numeric.matrix_check import check_matrix_loss
from symnet.render.matrix_expr import latex, text, unicode
from symnet.render.matrix_report import report
from tests.strategies import examples
from tests.strategies_matrix import smooth_matrix_losses

SHAPES = "X=N x 3, y=N, w=3"
RIDGE = "norm2(X*w - y)^2/N + lam*norm2(w)^2"
LOGISTIC = "sum(log(exp(-y.*(X*w)) + vector(1)))"
CROSS_ENTROPY = "mean(softplus(X@w) - y.*(X@w))"


def closed(text_, wrt="w", shapes=SHAPES):
    from symnet.core.matrix_expr import closed_gradient

    loss = matrix_loss(text_, shapes)
    return closed_gradient(loss.gradient(wrt), loss.resolve(wrt)[0])


def test_ridge_reads_as_the_textbook_gradient():
    assert unicode(closed(RIDGE)) == "(2/N)·Xᵀ (X w − y) + 2·λ·w"
    assert latex(closed(RIDGE)) == r"\frac{2}{N} X^{\mathsf T} \left(X w - y\right) + 2 \lambda w"


def test_logistic_regression_reads_with_sigma():
    assert unicode(closed(LOGISTIC)) == "−Xᵀ (σ(−(y ⊙ (X w))) ⊙ y)"
    assert unicode(closed(CROSS_ENTROPY)) == "(1/N)·Xᵀ (σ(X w) − y)"
    assert text(closed(CROSS_ENTROPY)) == "(1/N)*X.T @ (sigmoid(X @ w) - y)"


def test_trace_of_a_product_by_each_factor():
    shapes = "A=2 x 2, X=3 x 2, B=3 x 3, C=2 x 2"
    assert unicode(closed("tr(A*X'*B*X*C)", "X", shapes)) == "B X C A + Bᵀ X Aᵀ Cᵀ"


def test_report_shows_shapes_and_the_adjoint_program():
    loss = matrix_loss(RIDGE, SHAPES)
    out = report(loss, loss.gradient(), steps=True)
    assert "shapes: X: N × 3, y: N × 1, w: 3 × 1" in out
    assert "∂L/∂w = (2/N)·Xᵀ (X w − y) + 2·λ·w    (3 × 1)" in out
    assert "u₁ = X w − y" in out and "s₂ = ‖u₁‖²" in out


def test_train_of_a_typed_loss_honours_backend_jax_and_refuses_what_it_cannot_run_on():
    pytest.importorskip("jax")
    X, y, _ = data(30)
    loss = matrix_loss("norm2(X*w - y)^2/N", SHAPES)
    numpy_fit = symnet.train(loss, (X, y), epochs=20, progress=False)
    jax_fit = symnet.train(loss, (X, y), epochs=20, progress=False, backend="jax", devices=1)
    assert jax_fit.compiled.backend == "jax" and jax_fit.settings["backend"] == "jax"
    assert numpy_fit.compiled.backend == "numpy" and np.allclose(jax_fit.theta, numpy_fit.theta, rtol=1e-9)
    with pytest.raises(ValueError, match="trains on 'auto', 'numpy', 'jax'.*got backend='fused'"):
        symnet.train(loss, (X, y), epochs=1, progress=False, backend="fused")
    with pytest.raises(ValueError, match="use it with backend='jax'"):
        symnet.train(loss, (X, y), epochs=1, progress=False, devices=2)


def test_a_whole_decimal_prints_as_an_integer():
    shapes = "X=N x 3, W=3 x 2"
    loss = matrix_loss("sum(softplus(X*W))/N + 0.5*norm2(W)^2", shapes)
    out = report(loss, loss.gradient())
    assert "∂L/∂W = (1/N)·Xᵀ σ(X W) + W    (3 × 2)" in out and "0.5·‖W‖²" in out    # 2·0.5 is 1, 0.5 stays
    assert text(closed("1.5*norm2(W)^2", "W", shapes)) == "3*W"
    assert latex(closed("1.5*norm2(W)^2", "W", shapes)) == "3 W"
    assert unicode(closed("0.25*norm2(W)^2", "W", shapes)) == "0.5·W"


def test_scalar_steps_print_the_unicode_minus():
    loss = matrix_loss("-sum(Y .* log_softmax(X*W))/N", "X=N x 3, W=3 x 2, Y=N x 2")
    out = report(loss, loss.gradient(), steps=True)
    assert "∂L/∂s₁ = −1/N" in out and "L = −s₁/N" in out and "L = −sum(Y ⊙ log_softmax(X W))/N" in out
    assert "-" not in out.replace("log_softmax", "")
    ridge = matrix_loss("norm2(X*w - y)^2/N + (1 - lam)*sum(w)", SHAPES)
    assert "∂L/∂s₂ = 1 − λ" in report(ridge, ridge.gradient(), steps=True)
    assert "1 - lam" in text(ridge.expr)                         # plain text keeps ASCII


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=n), rng.normal(size=3)


def test_compiled_ridge_equals_hand_numpy():
    X, y, w = data()
    fn = compile_matrix_loss(matrix_loss(RIDGE, SHAPES, constants={"lam": 0.3}))
    value, g = fn(w, X, y)
    r = X @ w - y
    assert np.isclose(value, r @ r / len(y) + 0.3 * w @ w)
    assert np.allclose(g, 2 / len(y) * X.T @ r + 0.6 * w)
    assert np.all(np.isfinite(fn(np.zeros(3), X, y)[1]))      # ‖w‖² has no 0/0 at w = 0


def test_compiled_logistic_equals_hand_numpy_and_stays_finite():
    X, y, w = data()
    y = np.sign(y)
    fn = symnet.value_and_grad(matrix_loss(LOGISTIC, SHAPES))
    value, g = fn(w, X, y)
    assert np.isclose(value, np.logaddexp(0, -y * (X @ w)).sum())
    assert np.allclose(g, -X.T @ (y * expit(-y * (X @ w))))
    big, gbig = fn(1e4 * w, X, y)                         # e^(10⁴·margin) would overflow; softplus does not
    assert np.isfinite(big) and np.all(np.isfinite(gbig))
    assert "exp(" not in fn.source and "softplus(" in fn.source


def test_data_by_name_and_sizes_bound_from_the_data():
    X, y, w = data(7)
    fn = compile_matrix_loss(matrix_loss(CROSS_ENTROPY, SHAPES))
    (v1, g1), (v2, g2) = fn(w, {"X": X, "y": y}, None), fn(w, X, y)
    assert v1 == v2 and np.array_equal(g1, g2)
    assert fn(w, X[:3], y[:3])[0] != v1                    # N is 3 now, not 7


def test_data_by_name_needs_no_separate_y():
    X, y, w = data(7)
    fn = symnet.value_and_grad(matrix_loss(CROSS_ENTROPY, SHAPES))
    v, g = fn(w, {"X": X, "y": y})
    assert v == fn(w, X, y)[0] and np.array_equal(g, fn(w, X, y)[1]) and fn.value(w, {"X": X, "y": y}) == v
    with pytest.raises(ValueError, match="no array for y"):
        fn(w, {"X": X})


@pytest.mark.parametrize("net, n_params", [(symnet.mlp([3, 2, 1]), 11), (symnet.layers("3-2-2"), 14)],
                         ids=["neurons", "layers"])
def test_a_network_called_without_y_says_y_is_missing(net, n_params):
    fn, X, theta = symnet.value_and_grad(net), np.zeros((4, 3)), np.zeros(n_params)
    assert np.isfinite(fn(theta, X, np.zeros(4) if n_params == 11 else np.array([0, 1, 0, 1]))[0])
    for call in (lambda: fn(theta, X), lambda: fn.value(theta, X)):
        with pytest.raises(ValueError, match="y is missing: .* f\\(theta, X, y\\)"):
            call()


@pytest.mark.parametrize("call, words", [
    (lambda fn, X, y: fn(np.zeros(4), X, y), "theta must hold 3 finite numbers: w (3 × 1)"),
    (lambda fn, X, y: fn(np.zeros(3), X[:, :2], y), "X must be N × 3"),
    (lambda fn, X, y: fn(np.zeros(3), X, y[:5]), "y must be N × 1 (N = 40)"),
    (lambda fn, X, y: fn(np.zeros(3), X, None), "reads 2 data arrays"),
    (lambda fn, X, y: fn(np.zeros(3), {"X": X}, None), "no array for y"),
    (lambda fn, X, y: fn(np.full(3, np.nan), X, y), "finite"),
    (lambda fn, X, y: fn(np.zeros(3), np.where(np.arange(40)[:, None] == 6, np.inf, X), y), "X must be finite; row 7"),
    (lambda fn, X, y: fn(np.zeros(3), X, np.where(np.arange(40) == 2, np.nan, y)), "y must be finite; row 3"),
])
def test_bad_calls_are_refused_with_what_to_do(call, words):
    X, y, _ = data()
    fn = compile_matrix_loss(matrix_loss(CROSS_ENTROPY, SHAPES))
    with pytest.raises(ValueError, match=None) as info:
        call(fn, X, y)
    assert words in str(info.value)


def test_a_constant_needs_a_value_to_compile():
    with pytest.raises(ValueError, match="missing lam"):
        compile_matrix_loss(matrix_loss(RIDGE, SHAPES))
    with pytest.raises(ValueError, match="mu is not a constant"):
        matrix_loss(RIDGE, SHAPES, constants={"mu": 1})


@pytest.mark.parametrize("name", ["numpy", "row_softmax", "lambda", "print"])
def test_a_name_the_generated_code_reads_is_refused(name):
    with pytest.raises(ValueError, match=f"'{name}' is taken"):
        compile_matrix_loss(matrix_loss(f"norm2({name})", f"{name}=3"))


def test_check_grads_agrees_and_names_entries():
    report_ = symnet.check_grads(matrix_loss(RIDGE, SHAPES, constants={"lam": 0.1}))
    assert report_.ok and [r.param for r in report_.rows] == ["w_1_1", "w_2_1", "w_3_1"]
    assert report_.methods == ("matrix", "lowered", "sympy", "finite_diff")


def test_train_fits_logistic_regression():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(float)
    result = symnet.train(matrix_loss(CROSS_ENTROPY, SHAPES), (X, y), epochs=150, learning_rate=0.1)
    assert result.history.train_loss[-1] < 0.5 * result.history.train_loss[0]
    assert np.mean((X @ result.theta > 0) == y) > 0.95
    assert result.params == ("w_1_1", "w_2_1", "w_3_1")


def test_train_in_row_batches_keeps_the_mean():
    X, y, _ = data(64)
    loss = matrix_loss(RIDGE, SHAPES, constants={"lam": 0.0})
    whole = symnet.train(loss, (X, y), epochs=60, learning_rate=0.05, optimizer="sgd")
    batched = symnet.train(loss, (X, y), epochs=60, learning_rate=0.05, optimizer="sgd", batch_size=16)
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.linalg.norm(batched.theta - best) < 0.2 and np.linalg.norm(whole.theta - best) < 0.2


@pytest.mark.parametrize("text, shapes", [
    ("norm2(X*w + b - y)^2", "X=N x 3, y=N, w=3, b=1"),
    ("norm2(X*w + b*vector(1) - y)^2", "X=N x 3, y=N, w=3, b=1"),
    ("norm2(W2*tanh(W1*x) - y)^2", "x=3, W1=4 x 3, W2=2 x 4, y=2"),
    ("-sum(y .* log(sigmoid(X*w)) + (vector(1) - y) .* log(vector(1) - sigmoid(X*w)))", "X=N x 3, y=N, w=3"),
    ("sum(X*A*X') + tr(A)^2", "X=2 x 3, A=3 x 3"),
    ("-sum(Y .* log_softmax(X*W))/N", "X=N x 4, Y=N x 3, W=4 x 3"),          # multinomial logistic regression
    ("sum(softmax(X*W) .* Y)", "X=N x 2, Y=N x 3, W=2 x 3"),
])
def test_models_people_type_check_four_ways(text, shapes):
    assert symnet.check_grads(matrix_loss(text, shapes)).ok


def test_softmax_by_rows_reads_and_compiles():
    loss = matrix_loss("-sum(Y .* log_softmax(X*W))/N", "X=N x 4, Y=N x 3, W=4 x 3")
    assert unicode(loss.expr) == "−sum(Y ⊙ log_softmax(X W))/N"
    assert "softmax(X W)" in unicode(closed("-sum(Y .* log_softmax(X*W))/N", "W", "X=N x 4, Y=N x 3, W=4 x 3"))
    rng = np.random.default_rng(3)
    X, W = rng.normal(size=(50, 4)), rng.normal(size=(4, 3))
    Y = np.eye(3)[rng.integers(0, 3, 50)]
    value, g = symnet.value_and_grad(loss)(W.ravel(), X, Y)
    P = np.exp(X @ W)
    P /= P.sum(axis=1, keepdims=True)
    assert value == pytest.approx(-np.sum(Y * np.log(P)) / 50, rel=1e-12)
    np.testing.assert_allclose(g, (X.T @ (P - Y) / 50).ravel(), rtol=1e-10, atol=1e-12)


def test_a_two_layer_network_reads_with_the_factor_two_outside():
    assert unicode(closed("norm2(W2*tanh(W1*x) - y)^2", "W2", "x=3, W1=4 x 3, W2=2 x 4, y=2")) == \
        "2·(W₂ tanh(W₁ x) − y) tanh(W₁ x)ᵀ"


@settings(max_examples=examples(40), deadline=None)
@given(text=smooth_matrix_losses(), seed=st.integers(0, 2**16))
def test_random_smooth_losses_agree_four_ways(text, seed):
    text += " + 0.1*norm2(w)^2"                      # w in every loss, even when the draw left it out
    loss = matrix_loss(text, SHAPES, wrt="w")
    loss = matrix_loss(text, SHAPES, wrt="w", constants={c.name: 0.7 for c in loss.constants})
    report_ = check_matrix_loss(loss, sizes={"N": 3}, seed=seed)
    assert report_.ok, (text, report_.table())


def test_a_loss_and_its_program_print_in_the_matrix_language():
    loss = matrix_loss(RIDGE, SHAPES)
    assert str(loss) == "lam*norm2(w)^2 + norm2(X*w - y)^2/N"
    assert "s2 = norm2(u1)^2" in str(loss.program).splitlines()


def test_check_grads_of_a_typed_loss_goes_to_second_order():
    report = symnet.check_grads(matrix_loss(CROSS_ENTROPY, SHAPES), order=2)
    assert report.ok and report.order == 2 and report.methods[0] == "hessian"
    with pytest.raises(ValueError, match="order must be 1"):
        symnet.check_grads(matrix_loss(CROSS_ENTROPY, SHAPES), order=3)


def test_symnet_loss_takes_matrix_text_with_its_shapes():
    typed = symnet.loss(RIDGE, shapes=SHAPES, constants={"lam": 0.1})
    assert typed.params == matrix_loss(RIDGE, SHAPES).params and symnet.check_grads(typed).ok
    with pytest.raises(TypeError, match="takes its shapes"):
        symnet.loss(RIDGE)
    with pytest.raises(TypeError, match="go with a loss typed as matrix text"):
        symnet.loss(symnet.seed_network(), wrt="w")


def test_a_power_of_a_norm_prints_with_its_base_in_parentheses():
    loss = matrix_loss("norm2(X*w - y)^3/N", SHAPES)
    assert unicode(loss.expr) == "(‖X w − y‖²)^(3/2)/N"
    assert r"\left(\lVert X w - y \rVert^{2}\right)^{\frac{3}{2}}" in latex(loss.expr)    # not ^{2}^{3/2}
    assert "sqrt(‖X w − y‖²)" in unicode(closed("norm2(X*w - y)^3/N"))                  # no doubled parentheses


@pytest.mark.parametrize("text", ["sum(X*w)/0", "sum(X*w)*(0/0)", "norm2(w)^2 + 1/0"])
def test_a_division_by_zero_is_refused_when_read(text):
    with pytest.raises(ValueError, match="divides by zero"):
        matrix_loss(text, "X=N x 3, w=3")
