"""NumPy compilation: shapes, per-sample values, the shown source, stable numerics, bad batches."""

import warnings

import numpy as np
import pytest

from symnet import binary_cross_entropy, compile_network, mlp, seed_network, squared_error, value_and_grad
from symnet.numeric.codegen import params_vector


@pytest.fixture(scope="module")
def seed_fn():
    return value_and_grad(squared_error(seed_network()))


def batch(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=11), rng.normal(size=(n, 2)), rng.uniform(size=n)


def test_mean_loss_and_gradient_are_the_means_of_the_per_sample_values(seed_fn):
    theta, X, y = batch()
    loss, g = seed_fn(theta, X, y)
    losses, grads = seed_fn(theta, X, y, per_sample=True)
    assert losses.shape == (5,) and grads.shape == (5, 11) and g.shape == (11,)
    assert loss == pytest.approx(losses.mean(), rel=1e-15)
    np.testing.assert_allclose(g, grads.mean(axis=0), rtol=1e-14)


def test_loss_matches_the_network_prediction(seed_fn):
    theta, X, y = batch()
    predict = compile_network(seed_network())
    assert seed_fn.value(theta, X, y) == pytest.approx(np.mean((y - predict(theta, X)) ** 2), rel=1e-14)


def test_generated_source_reads_like_the_derivation(seed_fn):
    src = seed_fn.source
    for line in ("h5 = sigmoid(z5)", "delta_z5 = delta_h5*h5*(1 - h5)", "delta_h2 = delta_u3_1 + delta_z4*w4_1"):
        assert line in src
    assert src.index("h5 = sigmoid(z5)") < src.index("delta_h5")


@pytest.mark.parametrize("make_loss", [squared_error, binary_cross_entropy])
def test_steep_sigmoids_give_finite_values_and_gradients_with_no_warning(make_loss):
    # the article's tower uses sigmoid(1000*(x - a)) for x in [-5, 5]: no overflow, no NaN
    fn = value_and_grad(make_loss(mlp([1, 1])))
    X = np.linspace(-5, 5, 101)[:, None]
    y = (X[:, 0] > 0.3).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, g = fn(np.array([1000.0, -300.0]), X, y)
        losses, grads = fn(np.array([1000.0, -300.0]), X, y, per_sample=True)
    assert np.isfinite(loss) and np.all(np.isfinite(g)) and np.all(np.isfinite(grads))


@pytest.mark.parametrize("theta, X, y, message", [
    (np.zeros(10), np.zeros((3, 2)), np.zeros(3), r"theta must have shape \(11,\)"),
    (np.zeros(11), np.zeros((3, 3)), np.zeros(3), r"X must have shape \(N, 2\)"),
    (np.zeros(11), np.zeros(3), np.zeros(3), r"X must have shape \(N, 2\)"),
    (np.zeros(11), np.zeros((3, 2)), np.zeros(4), r"y must have shape \(3,\)"),
    (np.zeros(11), np.array([[0, np.nan], [1, 1]]), np.zeros(2), r"X contains nan at index \(0, 1\)"),
    (np.zeros(11), np.zeros((2, 2)), np.array([0, np.inf]), "y contains inf at index 1"),
    (np.zeros(11), [["a", "b"]], np.zeros(1), "X must be numeric"),
    (np.zeros(11), np.zeros((0, 2)), np.zeros(0), "N ≥ 1"),
])
def test_bad_batches_are_refused_with_what_was_expected(seed_fn, theta, X, y, message):
    with pytest.raises(ValueError, match=message):
        seed_fn(theta, X, y)


def test_params_vector_orders_a_mapping_and_reports_missing_and_unknown():
    net = seed_network()
    values = {str(p): i for i, p in enumerate(net.params)}
    np.testing.assert_array_equal(params_vector(net.params, values), np.arange(11.0))
    with pytest.raises(ValueError, match="unknown name q; missing b5"):
        params_vector(net.params, {**{k: v for k, v in values.items() if k != "b5"}, "q": 1})


def test_log_sigmoid_written_by_a_user_is_evaluated_stably():
    import warnings

    from sympy import log, symbols

    from symnet import from_expr
    from symnet.core.activations import sigmoid, softplus

    x, w = symbols("x w")
    net = from_expr(log(sigmoid(w * x)) + log(1 - sigmoid(w * x)), inputs=[x])
    assert net.program.rhs(net.program.symbols[-1]).has(softplus) or any(
        rhs.has(softplus) for _, rhs in net.program.assignments)
    fn = value_and_grad(squared_error(net))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, g = fn(np.array([1000.0]), np.array([[-5.0], [5.0]]), np.zeros(2))
    assert np.isfinite(loss) and np.all(np.isfinite(g))
