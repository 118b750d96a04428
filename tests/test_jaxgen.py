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
