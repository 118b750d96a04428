"""Each typed-matrix primitive's compiled gradient (NumPy, and the jitted JAX backend) against ``jax.grad`` of the same loss written by hand in
``jax.numpy`` (issue 19: "against JAX where it is installed"), at random small shapes."""

import numpy as np
import pytest

import symnet
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.jaxgen import float64

jax = pytest.importorskip("jax")
jnp = jax.numpy

# (typed text, shapes with n rows and d columns, the parameters, the same loss in jax.numpy over a dict)
CASES = {
    "ridge": ("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x {d}, y=N, w={d}", ["w"],
              lambda v: jnp.sum((v["X"] @ v["w"] - v["y"]) ** 2) / v["N"] + 0.3 * jnp.sum(v["w"] ** 2)),
    "norm2": ("norm2(X*w - y)", "X=N x {d}, y=N, w={d}", ["w"],
              lambda v: jnp.linalg.norm(v["X"] @ v["w"] - v["y"])),
    "norm1": ("norm1(X*w - y)", "X=N x {d}, y=N, w={d}", ["w"],
              lambda v: jnp.sum(jnp.abs(v["X"] @ v["w"] - v["y"]))),
    "logistic": ("sum(log(exp(-y.*(X*w)) + vector(1)))", "X=N x {d}, y=N, w={d}", ["w"],
                 lambda v: jnp.sum(jnp.log(jnp.exp(-v["y"] * (v["X"] @ v["w"])) + 1))),
    "trace": ("tr(A*W'*W)", "A={d} x {d}, W={n} x {d}", ["A", "W"],
              lambda v: jnp.trace(v["A"] @ v["W"].T @ v["W"])),
    "activations": ("sum(tanh(X*W)) + sum(sigmoid(X*W)) + sum(softplus(X*W)) + sum(relu(X*W))",
                    "X=N x {d}, W={d} x 2", ["W"],
                    lambda v: sum(jnp.sum(f(v["X"] @ v["W"])) for f in (jnp.tanh, jax.nn.sigmoid, jax.nn.softplus,
                                                                         jax.nn.relu))),
    "entrywise": ("sum(sqrt(exp(X*w))) + sum(abs(X*w)) + sum(exp(X*w))", "X=N x {d}, w={d}", ["w"],
                  lambda v: jnp.sum(jnp.sqrt(jnp.exp(v["X"] @ v["w"]))) + jnp.sum(jnp.abs(v["X"] @ v["w"]))
                  + jnp.sum(jnp.exp(v["X"] @ v["w"]))),
    "hadamard": ("sum((X*w) .^ 3) + sum(y ./ (exp(X*w) + vector(1))) + sum(y .* (X*w))", "X=N x {d}, y=N, w={d}",
                 ["w"], lambda v: jnp.sum((v["X"] @ v["w"]) ** 3) + jnp.sum(v["y"] / (jnp.exp(v["X"] @ v["w"]) + 1))
                 + jnp.sum(v["y"] * (v["X"] @ v["w"]))),
    "transpose": ("sum(A' * X' * X * B)", "X=N x {d}, A={d} x 2, B={d} x 2", ["A", "B"],
                  lambda v: jnp.sum(v["A"].T @ v["X"].T @ v["X"] @ v["B"])),
    "mean": ("mean((X*W - Y) .^ 2)", "X=N x {d}, Y=N x 2, W={d} x 2", ["W"],
             lambda v: jnp.mean((v["X"] @ v["W"] - v["Y"]) ** 2)),
    "softmax": ("sum(softmax(X*W) .* Y)", "X=N x {d}, Y=N x 3, W={d} x 3", ["W"],
                lambda v: jnp.sum(jax.nn.softmax(v["X"] @ v["W"], axis=1) * v["Y"])),
    "log_softmax": ("-sum(Y .* log_softmax(X*W))/N", "X=N x {d}, Y=N x 3, W={d} x 3", ["W"],
                    lambda v: -jnp.sum(v["Y"] * jax.nn.log_softmax(v["X"] @ v["W"], axis=1)) / v["N"]),
}


def _sizes(seed):
    rng = np.random.default_rng(seed)
    return int(rng.integers(2, 7)), int(rng.integers(2, 5))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_gradient_equals_jax_grad(name, seed):
    text, shapes, params, reference = CASES[name]
    n, d = _sizes(seed)
    loss = matrix_loss(text, shapes.format(n=n, d=d), wrt=params,
                       constants={"lam": 0.3} if "lam" in text else None)
    rng = np.random.default_rng(100 + seed)
    data = {m.name: rng.normal(size=_shape(m, n)) for m in loss.data}
    arrays = {p.name: rng.normal(size=_shape(p, n)) for p in loss.params}
    theta = np.concatenate([arrays[p.name].ravel() for p in loss.params])
    value, gradient = symnet.value_and_grad(loss)(theta, data, None)

    def jax_loss(parameters):
        return reference({**data, **parameters, "N": n})

    with float64(jax):                      # the package's scoped x64 switch, for any JAX version
        expected_value = float(jax_loss({k: jnp.asarray(a) for k, a in arrays.items()}))
        grads = jax.grad(jax_loss)({k: jnp.asarray(a) for k, a in arrays.items()})
        expected = np.concatenate([np.asarray(grads[p.name]).ravel() for p in loss.params])
    assert value == pytest.approx(expected_value, rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(gradient, expected, rtol=1e-9, atol=1e-10)
    jitted = symnet.value_and_grad(loss, backend="jax")     # the same program printed for JAX and jitted
    assert jitted.backend == "jax"
    jax_value, jax_gradient = jitted(theta, data, None)
    assert jax_value == pytest.approx(expected_value, rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(jax_gradient, expected, rtol=1e-9, atol=1e-10)


def test_the_jax_backend_trains_and_refuses_bad_data():
    loss = matrix_loss("sum(log(exp(-y.*(X*w)) + vector(1)))/N", "X=N x 2, y=N, w=2")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.where(X @ np.array([2.0, -1.0]) > 0, 1.0, -1.0)
    fn = symnet.value_and_grad(loss, backend="jax")
    theta = np.zeros(2)
    for _ in range(200):
        value, g = fn(theta, {"X": X, "y": y}, None)
        theta -= 0.5 * g
    assert value < 0.2 and np.mean(np.sign(X @ theta) == y) > 0.97
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite; row 4"):
        fn(theta, {"X": bad, "y": y}, None)


def _shape(m, n):
    return tuple(n if not dim.is_Integer else int(dim) for dim in m.shape)
