"""The JAX backend: the same generated program in jax.numpy, jitted, equal to the NumPy backend to 1e-12."""

import numpy as np
import pytest
from sympy import Symbol, erf, exp, pi, sqrt

from symnet import binary_cross_entropy, from_expr, mlp, seed_network, squared_error, value_and_grad

RULES = {erf: lambda ans, u: (2 / sqrt(pi) * exp(-u**2),)}


def gelu_loss():
    w, b, x = (Symbol(n) for n in "wbx")
    z = w * x + b
    return squared_error(from_expr(z * (1 + erf(z / sqrt(2))) / 2, inputs=[x], rules=RULES))


LOSSES = {
    "seed": lambda: squared_error(seed_network()),
    "relu-tanh": lambda: squared_error(mlp([2, 3, 1], activation="relu")),
    "bce": lambda: binary_cross_entropy(mlp([2, 2, 1])),
    "softplus": lambda: squared_error(mlp([2, 2, 1], activation="softplus")),
    "gelu": gelu_loss,
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_jax_equals_numpy_to_1e_12(name):
    loss = LOSSES[name]()
    numpy_fn, jax_fn = value_and_grad(loss, rules=RULES), value_and_grad(loss, rules=RULES, backend="jax")
    rng = np.random.default_rng(3)
    for batch in (1, 64):
        theta = rng.normal(size=len(numpy_fn.params))
        X, y = rng.normal(size=(batch, len(numpy_fn.inputs))), rng.uniform(size=batch)
        (a, ga), (b, gb) = numpy_fn(theta, X, y), jax_fn(theta, X, y)
        assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
        np.testing.assert_allclose(gb, ga, rtol=1e-12, atol=1e-12)


def test_jax_source_is_jax_numpy_with_the_same_names():
    fn = value_and_grad(squared_error(seed_network()), backend="jax")
    assert "h5 = sigmoid(z5)" in fn.source and "jax.numpy.mean(L)" in fn.source
    assert "from jax.nn import sigmoid" in fn.generated.imports
    assert "jax.scipy.special.erf(" in value_and_grad(gelu_loss(), rules=RULES, backend="jax").source


def test_jax_takes_names_that_clash_with_its_own():
    e, jax, x = Symbol("e"), Symbol("jax"), Symbol("x")
    loss = squared_error(from_expr(Symbol("E") * x + e * jax, inputs=[x]))
    fn = value_and_grad(loss, backend="jax")
    value, _ = fn(np.array([1.0, 2.0, 0.5]), np.array([[1.0]]), np.array([0.0]))
    reference, _ = value_and_grad(loss)(np.array([1.0, 2.0, 0.5]), np.array([[1.0]]), np.array([0.0]))
    assert value == pytest.approx(reference, rel=1e-12)


def test_an_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown backend 'torch'; expected one of numpy, jax"):
        value_and_grad(squared_error(seed_network()), backend="torch")


def test_the_jax_backend_leaves_the_users_default_dtype_alone():
    # float64 is switched on only while symnet's jitted function is traced and called (jaxgen.float64)
    jax = pytest.importorskip("jax")
    from symnet.core.layers import layers

    before = jax.numpy.ones(1).dtype
    scalar = value_and_grad(squared_error(mlp([2, 2, 1])), backend="jax")
    value, g = scalar(np.full(9, 0.1), np.ones((3, 2)), np.zeros(3))
    layer = value_and_grad(layers("3-2"), backend="jax")
    layer_value, _ = layer(np.zeros(8), np.ones((4, 3)), np.array([0, 1, 1, 0]))
    assert jax.numpy.ones(1).dtype == before
    assert g.dtype == np.float64 and value == pytest.approx(value_and_grad(squared_error(mlp([2, 2, 1])))(
        np.full(9, 0.1), np.ones((3, 2)), np.zeros(3))[0], rel=1e-12)
    assert layer_value == pytest.approx(np.log(2), rel=1e-12)     # float32 would miss by ~1e-8


def test_a_user_who_turned_float64_on_keeps_it_on():
    jax = pytest.importorskip("jax")
    from symnet.numeric.jaxgen import float64

    before = jax.numpy.ones(1).dtype
    with float64(jax):      # the user's own x64 setting, as jax.enable_x64 gives it
        fn = value_and_grad(squared_error(seed_network()), backend="jax")
        fn(np.zeros(11), np.ones((2, 2)), np.zeros(2))
        assert jax.numpy.ones(1).dtype == np.float64
    assert jax.numpy.ones(1).dtype == before


@pytest.mark.parametrize("out, targets", [("softmax", np.array([0, 2, 1, 1, 2])), ("sigmoid", np.linspace(0, 1, 5)),
                                          ("identity", np.arange(15.0).reshape(5, 3) / 7)])
def test_a_layer_networks_jit_takes_the_targets_as_given_and_builds_one_hot_rows_inside(out, targets):
    jax = pytest.importorskip("jax")
    from symnet import layers
    from symnet.numeric.jaxgen import float64

    fn = value_and_grad(layers("4-3-3" if out != "sigmoid" else "4-3-1", "tanh", out), backend="jax")
    theta, X = np.linspace(-1, 1, fn.network.n_params), np.linspace(-2, 2, 20).reshape(5, 4)
    with float64(jax):
        jaxpr = jax.make_jaxpr(fn.run.jitted)(X, targets, theta)
        out_labels = np.asarray(fn.run.jitted(X, targets, theta))[:-1]   # the mean loss, the gradient (then a check)
        out_rows = np.asarray(fn.run.jitted(X, fn.targets(targets, 5), theta))[:-1]   # N × k, as NumPy makes them
    assert jaxpr.in_avals[1].shape == targets.shape      # labels go in as a vector: no N × k array per call
    assert ("eq" in str(jaxpr)) is (out == "softmax")    # labels[:, None] == arange(k), traced
    assert (out_labels == out_rows).all()
    numpy = value_and_grad(layers("4-3-3" if out != "sigmoid" else "4-3-1", "tanh", out), backend="numpy")
    loss, grad = numpy(theta, X, targets)
    assert abs(out_labels[0] - loss) <= 1e-12 and np.allclose(out_labels[1:], grad, rtol=1e-12, atol=1e-12)
