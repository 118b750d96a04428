"""NumPy compilation: shapes, per-sample values, the shown source, stable numerics, bad batches."""

import warnings

import numpy as np
import pytest

from symnet import binary_cross_entropy, mlp, seed_network, squared_error, value_and_grad
from symnet.numeric.codegen import compile_network, params_vector


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


# --- SymPy's NumPy/SciPy printers: any SymPy function, stable activations --------------------


def gelu(u):
    from sympy import erf, sqrt

    return u * (1 + erf(u / sqrt(2))) / 2


def test_gelu_with_erf_compiles_to_scipy_and_runs_on_arrays():
    from scipy.special import erf as scipy_erf
    from sympy import Symbol, erf, exp, pi, sqrt

    from symnet import from_expr
    from symnet.numeric.codegen import expression_function

    z = Symbol("z")
    values = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(expression_function(gelu(z), [z])(values),
                               values * (1 + scipy_erf(values / np.sqrt(2))) / 2, rtol=1e-14)
    rules = {erf: lambda ans, u: (2 / sqrt(pi) * exp(-u**2),)}
    w, b, x = (Symbol(n) for n in "wbx")
    fn = value_and_grad(squared_error(from_expr(gelu(w * x + b), inputs=[x], rules=rules)), rules=rules)
    assert "scipy.special.erf(" in fn.source and "math." not in fn.source
    X, y, theta = values[:, None], np.cos(values), np.array([0.3, 0.7])
    value, g = fn(theta, X, y)
    h = 1e-6
    numeric = [(fn.value(theta + h * e, X, y) - fn.value(theta - h * e, X, y)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(g, numeric, rtol=1e-6)


def test_sigmoid_is_bound_to_scipy_expit():
    from scipy.special import expit

    fn = value_and_grad(squared_error(mlp([1, 1])))
    assert "from scipy.special import expit as sigmoid" in fn.generated.imports
    assert fn.function.__globals__["sigmoid"] is expit


def test_the_mean_is_taken_inside_the_generated_code(seed_fn):
    theta, X, y = batch(n=7)
    values = seed_fn.function(*X.T, y, *theta)
    assert all(np.ndim(v) == 0 for v in values) and len(values) == 12
    assert "numpy.add.reduce(L)/L.size" in seed_fn.source


def test_only_outputs_that_vary_with_the_data_are_averaged():
    from sympy import symbols

    from symnet.core.program import Program
    from symnet.numeric.codegen import generate, mean_outputs
    from symnet.numeric.printer import batch_mean

    x, c, t = symbols("x c t")
    program = Program((x,), (c,), ((t, c * x),), (t, c**2, t + c))
    assignments, outputs = mean_outputs(program)
    assert outputs[0] == batch_mean(t) and outputs[1] == c**2
    named, = [lhs for lhs, rhs in assignments if rhs == t + c]
    assert outputs[2] == batch_mean(named)
    values = generate((x, c), outputs, assignments).function(np.array([1.0, 2.0, 6.0]), 0.5)
    assert values == pytest.approx([1.5, 0.25, 2.0])


# --- the checked call --------------------------------------------------------------------------


def test_a_bad_batch_after_a_good_one_of_the_same_shape_is_still_refused(seed_fn):
    theta, X, y = batch()
    seed_fn(theta, X, y)
    X[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"X contains inf at index \(2, 1\)"):
        seed_fn(theta, X, y)
    with pytest.raises(ValueError, match="theta contains nan at index 4"):
        seed_fn(np.where(np.arange(11) == 4, np.nan, theta), np.zeros_like(X), y)


def test_huge_finite_values_are_not_mistaken_for_infinite_ones(seed_fn):
    theta, X, y = batch()
    seed_fn(theta, X, y)
    loss, g = seed_fn(theta, np.full_like(X, 1e308), y)
    assert np.isfinite(loss)


def test_lists_and_integers_are_converted_and_one_input_may_be_a_vector():
    fn = value_and_grad(squared_error(mlp([1, 1])))
    a = fn([0.5, 0.1], [[1], [2]], [0, 1])
    b = fn(np.array([0.5, 0.1]), np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    with pytest.raises(TypeError, match="not a mapping"):
        fn({"w1_1": 0.5, "b1": 0.1}, [[1.0]], [0.0])


# --- a standalone module -----------------------------------------------------------------------


def test_the_written_module_runs_on_its_own_and_equals_the_library(tmp_path):
    import json
    import subprocess
    import sys

    from symnet import binary_cross_entropy

    for name, loss in (("seed_loss", squared_error(seed_network())), ("bce", binary_cross_entropy(mlp([2, 3, 1])))):
        fn = value_and_grad(loss)
        (tmp_path / f"{name}.py").write_text(fn.module, encoding="utf-8")
        rng = np.random.default_rng(1)
        theta, X, y = rng.normal(size=len(fn.params)), rng.normal(size=(6, 2)), rng.uniform(size=6)
        script = (f"import sys, json; sys.modules['symnet'] = None; import {name} as m; "   # symnet cannot be imported
                  f"v, g = m.value_and_grad({theta.tolist()}, {X.tolist()}, {y.tolist()}); "
                  f"print(json.dumps([v, g.tolist(), m.PARAMS]))")
        out = subprocess.run([sys.executable, "-E", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        value, grad, params = json.loads(out.stdout)
        expected_value, expected_grad = fn(theta, X, y)
        assert value == pytest.approx(expected_value, rel=1e-14)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-13, atol=1e-15)
        assert params == [str(p) for p in fn.params]


def test_a_module_cannot_carry_a_user_function_and_says_so():
    from sympy import Function, symbols

    from symnet import from_expr

    class cube(Function):
        _imp_ = staticmethod(lambda z: z**3)

    x, w = symbols("x w")
    rules = {cube: lambda ans, z: (3 * z**2,)}
    fn = value_and_grad(squared_error(from_expr(cube(w * x), inputs=[x], rules=rules)), rules=rules)
    assert fn(np.array([2.0]), np.array([[1.0]]), np.array([0.0]))[0] == pytest.approx(64.0)
    with pytest.raises(ValueError, match="calls cube, given to symnet as a Python function"):
        fn.module
