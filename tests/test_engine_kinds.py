"""The numeric verbs take every kind of network alike: ``rules=`` reaches matrix steps, ``value_and_grad``
returns one ``CompiledLoss``, ``check_grads`` honours every argument and catches a wrong rule."""

from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from sympy import tanh

from symnet import check_grads, grad, loss, mlp, value_and_grad
from symnet.core.layers import flat_params, layers, lower
from symnet.numeric.codegen import to_function
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.reverse import finite_differences
from symnet.numeric.gradcheck import random_layer_point
from symnet.numeric.gradreport import ATOL, RTOL
from tests.strategies import layer_shapes

WRONG = {tanh: lambda ans, z: (1 + ans**2,)}      # tanh′ = 1 − tanh², with the sign flipped
RIGHT = {tanh: lambda ans, z: (1 - ans**2,)}      # your own rule, the correct one
NETWORKS = {"mlp": lambda: mlp([2, 3, 1], activation="tanh"), "layers": lambda: layers("3-4-2", "tanh", "softmax"),
            "mixed": lambda: loss(layers("3-4-2", "tanh", "identity"), "log(cosh(yhat - y))")}


def network(kind):
    return NETWORKS[kind]()


def batch(kind, seed=0):
    """(theta, X, y) for the kind's network: targets in [0, 1] for the scalar one, labels for the softmax, real
    targets (one per output) for the mixed program's regression."""
    rng = np.random.default_rng(seed)
    if kind == "mlp":
        return rng.normal(size=len(network(kind).params)), rng.normal(size=(5, 2)), rng.uniform(size=5)
    theta, X = rng.normal(size=26), rng.normal(size=(5, 3))     # 3-4-2: W1 4×3, b1 4, W2 2×4, b2 2
    return theta, X, rng.integers(0, 2, size=5) if kind == "layers" else rng.normal(size=(5, 2))


# ---- rules= reaches every kind of step ----------------------------------------------------------------------

def test_a_wrong_rule_changes_the_compiled_gradient_and_a_right_one_does_not(kind):
    theta, X, y = batch(kind)
    plain = value_and_grad(network(kind))(theta, X, y)[1]
    wrong = value_and_grad(network(kind), rules=WRONG)(theta, X, y)[1]
    right = value_and_grad(network(kind), rules=RIGHT)(theta, X, y)[1]
    assert np.abs(plain - wrong).max() > 1e-3
    np.testing.assert_allclose(right, plain, rtol=1e-12, atol=1e-14)


def test_check_grads_catches_a_wrong_rule(kind):
    report = check_grads(network(kind), rules=WRONG)
    assert not report.ok
    assert report.failures and all(row.values[0] is not None for row in report.failures)


def test_check_grads_passes_your_correct_rule(kind):
    assert check_grads(network(kind), rules=RIGHT).ok


def test_check_grads_checks_the_compiled_loss_it_is_given(kind):
    wrong = value_and_grad(network(kind), rules=WRONG)
    assert not check_grads(network(kind), compiled=wrong).ok


def test_a_layer_gradient_shows_your_rule():
    net = layers("3-4-2", "tanh", "softmax")
    assert "d_tanh_rule(z1, a1)" in value_and_grad(net, rules=WRONG).source
    assert "d_tanh_rule" not in value_and_grad(net, rules=RIGHT).source   # the same rule as the table's
    primes = [node for _, rhs in grad(net, rules=WRONG).adjoints for node in rhs.atoms() if hasattr(node, "rule")]
    assert all(p.rule is not None for p in primes)


# ---- check_grads honours wrt= and at= for every kind ------------------------------------------------------

@pytest.mark.parametrize("kind, wrt, expected", [("mlp", "b4", ["b4"]),
                                                 ("layers", "b2", ["b2_1", "b2_2"]),
                                                 ("mixed", "W2", [f"W2_{i}_{j}" for i in (1, 2) for j in range(1, 5)])])
def test_check_grads_reports_only_wrt(kind, wrt, expected):
    report = check_grads(network(kind), wrt=wrt)
    assert report.ok and [row.param for row in report.rows] == expected


def test_check_grads_of_a_layer_network_at_one_point():
    net = layers("3-4-2", "tanh", "softmax")
    point = {"x_1": 0.5, "x_2": -1.0, "x_3": 2.0, "y_1": 1.0, "y_2": 0.0}
    point.update({s.name: 0.1 * (i % 7 - 3) for i, s in enumerate(flat_params(net.loss().program))})
    report = check_grads(net, at=point)
    theta = np.array([point[s.name] for s in flat_params(net.loss().program)])
    expected = value_and_grad(net)(theta, np.array([[0.5, -1.0, 2.0]]), np.array([0]))
    assert report.ok and report.loss == pytest.approx(expected[0], rel=1e-12)
    with pytest.raises(ValueError, match="missing"):
        check_grads(net, at={"x_1": 1.0})


def test_check_grads_refuses_an_input_as_wrt(kind):
    with pytest.raises(ValueError, match="is an input"):
        check_grads(network(kind), wrt="x1" if kind == "mlp" else "x")


# ---- one compiled type -------------------------------------------------------------------------------------

def test_value_and_grad_returns_one_compiled_type(kind):
    fn = value_and_grad(network(kind))
    theta, X, y = batch(kind)
    value, g = fn(theta, X, y)
    assert type(fn) is CompiledLoss and callable(fn.function) and "def value_and_grad(" in fn.source
    assert g.shape == theta.shape and fn.value(theta, X, y) == pytest.approx(value, rel=1e-12)
    assert fn.evaluate_batch(X, y, theta)[0] == pytest.approx(value, rel=1e-12)
    namespace: dict = {}
    exec(compile(fn.module, "<module>", "exec"), namespace)   # noqa: S102 (our own generated module)
    written = namespace["value_and_grad"](theta, X, y)
    assert written[0] == pytest.approx(value, rel=1e-12) and np.allclose(written[1], g, rtol=1e-10)


def test_unflatten_gives_each_kind_its_parameters_by_name_or_array(kind):
    fn = value_and_grad(network(kind))
    theta = np.arange(len(batch(kind)[0]), dtype=float)
    parts = fn.unflatten(theta)
    if kind == "mlp":
        assert list(parts) == [p.name for p in fn.params] and parts["b4"] == theta[-1]
    else:
        assert [a.shape for a in parts] == [(4, 3), (4,), (2, 4), (2,)] and parts[1][0] == 12.0


def test_predict_gives_the_network_output(kind):
    fn = value_and_grad(network(kind))
    theta, X, _ = batch(kind)
    out = fn.predict(theta, X)
    if kind == "mlp":
        assert out.shape == (5,) and np.all(np.abs(out) < 10)
    elif kind == "layers":
        assert out.shape == (5, 2) and np.allclose(out.sum(axis=1), 1.0)
    else:                   # the mixed program's network output, identity: ŷ = W² tanh(W¹x + b¹) + b²
        W1, b1, W2, b2 = fn.unflatten(theta)
        np.testing.assert_allclose(out, np.tanh(X @ W1.T + b1) @ W2.T + b2, rtol=1e-12)


def test_per_sample_rows_of_a_layer_network_are_refused_with_a_reason():
    theta, X, y = batch("layers")
    with pytest.raises(ValueError, match="per_sample=True gives each row's gradient of a scalar network"):
        value_and_grad(network("layers"))(theta, X, y, per_sample=True)


@pytest.mark.parametrize("options, message", [({"backend": "fused"}, "backend='fused' runs scalar programs"),
                                              ({"numpy": {"f": abs}}, "drop numpy=")])
def test_a_layer_network_refuses_scalar_only_options_saying_which(options, message):
    with pytest.raises(ValueError, match=message) as info:
        value_and_grad(network("layers"), **options)
    assert ("drop numpy=" in str(info.value)) == ("numpy" in options)


# ---- Hypothesis: matrix gradient = lowered scalar gradient = finite differences ---------------------------

@lru_cache(maxsize=None)
def built(sizes, activation, output):
    """The matrix program compiled and the lowered scalar gradient compiled, once per shape: Hypothesis varies
    the point."""
    net = layers("-".join(map(str, sizes)), activation, output)
    low = grad(lower(net.loss())).program
    return net, value_and_grad(net), to_function(low, low.inputs + low.params)


@settings(max_examples=20)
@given(layer_shapes())
def test_matrix_gradient_equals_the_lowered_and_the_finite_differences(shape):
    (sizes, activation, output), seed = shape
    net, fn, lowered = built(sizes, activation, output)
    theta, X, y = random_layer_point(net.loss(), seed, batch=3)
    value, matrix = fn(theta, X, y)
    Y = fn.targets(y, 3)
    scalar = [np.mean(np.broadcast_to(v, (3,))) for v in lowered(*X.T, *Y.T, *theta)]
    finite = finite_differences(lambda t: fn.value(t, X, y), theta)
    np.testing.assert_allclose(scalar[0], value, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(matrix, scalar[1:], rtol=RTOL, atol=ATOL * max(1.0, abs(value)))
    np.testing.assert_allclose(matrix, finite, rtol=1e-5, atol=1e-7 * max(1.0, abs(value)))


def test_a_layer_of_width_one_keeps_its_weights_a_matrix():
    net = layers("3-1-1", "softplus", "sigmoid")   # W² is 1 × 1: a matrix by its name, not a vector by its shape
    fn = value_and_grad(net)
    assert fn.shapes == ((1, 3), (1,), (1, 1), (1,))
    assert check_grads(net).ok


@pytest.mark.parametrize("activation, rules", [("tanh", WRONG), (lambda z: z * tanh(z), None)])
def test_jax_layer_code_runs_your_rule_and_your_activation_as_numpy_does(activation, rules):
    pytest.importorskip("jax")
    net = layers("3-4-2", activation, "softmax")
    theta, X, y = batch("layers", seed=3)
    expected = value_and_grad(net, rules=rules)(theta, X, y)
    value, g = value_and_grad(net, rules=rules, backend="jax")(theta, X, y)
    assert value == pytest.approx(expected[0], rel=1e-12) and np.allclose(g, expected[1], rtol=1e-10, atol=1e-12)


def test_your_rule_reaches_a_function_inside_your_own_activation():
    net = layers("3-4-2", activation=lambda z: z * tanh(z))   # φ′ = tanh z + z·tanh′(z), tanh′ from the table
    assert not check_grads(net, rules=WRONG).ok
    assert check_grads(net, rules=RIGHT).ok
    assert "d_phi_rule(z1, a1)" in value_and_grad(net, rules=WRONG).source


def test_the_written_module_carries_your_rule():
    fn = value_and_grad(network("layers"), rules=WRONG)
    theta, X, y = batch("layers", seed=4)
    namespace: dict = {}
    exec(compile(fn.module, "<module>", "exec"), namespace)   # noqa: S102 (our own generated module)
    value, g = fn(theta, X, y)
    written = namespace["value_and_grad"](theta, X, y)
    assert "def d_tanh_rule(" in fn.module and np.allclose(written[1], g, rtol=1e-10)
