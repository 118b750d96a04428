"""JAX for layer programs, and data-parallel training over several devices, equal to NumPy to 1e-12.

Several devices are CPU host devices: JAX reads ``XLA_FLAGS=--xla_force_host_platform_device_count=4``
when it is imported, so that part runs in a fresh Python process and prints its numbers as JSON.
"""

import inspect

import numpy as np
import pytest
from click.testing import CliRunner

from symnet.cli import main
from symnet.core.layers import layers
from symnet.learn.data import make
from symnet.learn.training import LAYER_DEFAULTS, train
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.lowerings import lowering
from tests.processes import on_host_devices

SPECS = [("4-3-2", "relu", "softmax"), ("4-5-3-1", "tanh", "sigmoid"), ("3-4-2", "softplus", "identity"),
         ("3-4-4-3", "sigmoid", "softmax")]


@pytest.mark.parametrize("spec, act, out", SPECS)
def test_jax_layer_program_equals_numpy_to_1e_12(spec, act, out):
    net = layers(spec, act, out)
    numpy_fn, jax_fn = value_and_grad(net, backend="numpy"), value_and_grad(net, backend="jax")
    rng = np.random.default_rng(1)
    for n in (1, 17):
        theta, X = rng.normal(size=net.n_params), rng.normal(size=(n, net.sizes[0]))
        y = rng.normal(size=(n, net.sizes[-1])) if out == "identity" else rng.integers(0, 2, size=n)
        (a, ga), (b, gb) = numpy_fn(theta, X, y), jax_fn(theta, X, y)
        assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
        np.testing.assert_allclose(gb, ga, rtol=1e-12, atol=1e-12)


def test_jax_layer_code_is_the_same_program_with_jax_helpers():
    fn = value_and_grad(layers("4-3-2"), backend="jax")
    source = value_and_grad(layers("4-3-2"), backend="numpy").source.splitlines()[1:]
    jax_source = inspect.getsource(fn.function).replace("jax.numpy.", "numpy.").splitlines()[1:]
    assert jax_source == source                # the very same lines, up to the module of exp and log
    assert "jax.numpy.exp(z2 - max_z2)" in inspect.getsource(fn.function)
    assert fn.function.__globals__["softmax"] is lowering("softmax", "jax") is not lowering("softmax", "numpy")


def test_the_jitted_layer_program_takes_theta_whole_or_as_arrays():
    """A NumPy θ crosses to the device as one array and is sliced inside the jit (one transfer, measured cheaper
    than four); θ given as its arrays (a pytree) is sliced nowhere. Either way one jitted call, the mean loss and
    the gradient coming back in θ's form."""
    import jax

    from symnet.numeric.jaxgen import float64

    fn = value_and_grad(layers("4-3-2"), backend="jax")
    theta = np.arange(fn.network.n_params, dtype=float) / 10
    params = fn.unflatten(theta)
    labels = np.array([0, 1, 1, 0, 1])
    with float64(jax):
        whole = str(jax.make_jaxpr(fn.run.jitted)(np.ones((5, 4)), labels, theta))
        tree = str(jax.make_jaxpr(fn.run.on_device["tree"])(np.ones((5, 4)), labels, list(params)))
    assert [a.shape for a in params] == [(3, 4), (3,), (2, 3), (2,)]
    assert "slice" in whole and "slice" not in tree
    X = np.linspace(-1, 1, 20).reshape(5, 4)
    with float64(jax):
        out = np.asarray(fn.run.jitted(X, labels, theta))
    loss, grad = fn(theta, X, labels)
    assert out.shape == (2 + fn.network.n_params,) and out[0] == loss and (out[1:-1] == grad).all()
    assert np.isfinite(out[-1])   # the check the call reads: the loss plus Σ (∂C/∂θ + θ²)
    tree_loss, tree_grads = fn(list(params), X, labels)
    assert tree_loss == pytest.approx(loss, abs=1e-15)
    assert np.allclose(np.concatenate([np.ravel(g) for g in tree_grads]), grad, atol=1e-15)


def test_more_devices_than_jax_sees_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match="devices=64, but JAX sees 1 cpu device.*xla_force_host_platform_device_count"):
        value_and_grad(layers("4-3-2"), backend="jax", devices=64)
    with pytest.raises(ValueError, match="devices must be a whole number ≥ 1"):
        value_and_grad(layers("4-3-2"), backend="jax", devices=0)


def test_devices_without_jax_and_unknown_backends_are_refused():
    data = make("moons", n=20, seed=0)
    with pytest.raises(ValueError, match="use it with backend='jax'"):
        train(layers("2-3-2"), data, devices=2, progress=False, **LAYER_DEFAULTS)
    with pytest.raises(ValueError, match="unknown backend 'torch'; expected one of numpy, jax"):
        train(layers("2-3-2"), data, backend="torch", progress=False, **LAYER_DEFAULTS)


def test_cli_refuses_devices_without_jax(tmp_path):
    result = CliRunner().invoke(main, ["train", "seed", "--data", "moons", "--devices", "2", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "--devices splits batches over JAX devices" in result.output


SCRIPT = r"""
import json, sys
import numpy as np
import jax
from symnet import mlp
from symnet.core.layers import layers
from symnet.learn.data import make
from symnet.learn.digits import digits
from symnet.learn.training import LAYER_DEFAULTS, train
from symnet.numeric.codegen import value_and_grad

out = {"devices": len(jax.devices())}
moons = make("moons", n=200, seed=0)                      # 200 = 6 batches of 32 (split) and one of 8 (split)
kw = dict(epochs=4, batch_size=32, seed=0, progress=False)
a, b = train(mlp([2, 4, 1]), moons, **kw), train(mlp([2, 4, 1]), moons, backend="jax", devices=4, **kw)
out["scalar"] = [a.theta.tolist(), b.theta.tolist(), a.history.train_loss, b.history.train_loss, b.settings]
d = digits()                                              # 1437 rows: the last batch of 29 runs replicated
kw = dict(epochs=2, batch_size=32, seed=0, progress=False)
a = train(layers("64-16-10"), d.train, validation=d.test, **{**LAYER_DEFAULTS, **kw})
b = train(layers("64-16-10"), d.train, validation=d.test, backend="jax", devices=4, **{**LAYER_DEFAULTS, **kw})
out["layers"] = [a.theta.tolist(), b.theta.tolist(), a.history.val_loss, b.history.val_loss, b.settings]
fn = value_and_grad(layers("4-3-2"), backend="jax", devices=4)
X = jax.device_put(np.ones((8, 4)), fn.run.split[0])
out["shards"] = len(X.addressable_shards)
Y = jax.device_put(np.ones((8, 2)), fn.run.split[1])
hlo = fn.run.jitted.lower(X, Y, np.zeros(fn.network.n_params)).compile().as_text()   # θ whole, replicated
out["all_reduce"] = "all-reduce" in hlo
theta = np.linspace(-1, 1, fn.network.n_params)
_, tree = fn([a.copy() for a in fn.unflatten(theta)], np.ones((8, 4)), np.array([0, 1] * 4))   # θ's arrays
_, flat = fn(theta, np.ones((8, 4)), np.array([0, 1] * 4))
out["tree"] = [type(tree).__name__, [list(np.shape(g)) for g in tree],
               np.concatenate([np.ravel(g) for g in tree]).tolist(), flat.tolist()]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def four_devices():
    return on_host_devices(SCRIPT, 4)


def test_four_host_devices_split_the_batch_and_all_reduce_the_gradient(four_devices):
    assert four_devices["devices"] == 4
    assert four_devices["shards"] == 4            # X's rows: a quarter on each device
    assert four_devices["all_reduce"]             # the batch sums are reduced across devices
    kind, shapes, tree, flat = four_devices["tree"]   # θ as its arrays on 4 devices: the gradient in that form
    assert kind == "list" and shapes == [[3, 4], [3], [2, 3], [2]] and np.allclose(tree, flat, rtol=0, atol=1e-15)


@pytest.mark.parametrize("kind", ["scalar", "layers"])
def test_data_parallel_training_equals_numpy_to_1e_12(four_devices, kind):
    theta_numpy, theta_jax, loss_numpy, loss_jax, settings = four_devices[kind]
    np.testing.assert_allclose(theta_jax, theta_numpy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(loss_jax, loss_numpy, rtol=1e-12, atol=1e-12)
    assert loss_numpy[-1] < loss_numpy[0]          # a real run: training moved θ
    assert settings["backend"] == "jax" and settings["devices"] == 4
