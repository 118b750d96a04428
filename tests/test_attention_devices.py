"""An attention network on several JAX devices: the N sequences (X's first axis, N × T × d, and y) are split over
the devices, θ replicated, and the loss, the gradient and training equal NumPy's to 1e-12 (float64).

Several devices are CPU host devices (``XLA_FLAGS=--xla_force_host_platform_device_count=2``, read when JAX is
imported), so that part runs in one fresh Python process and prints its numbers as JSON, as
``tests/test_data_parallel.py`` does; every assertion below reads that one run.
"""

import json

import numpy as np
import pytest

import symnet
from tests.processes import on_host_devices

pytest.importorskip("jax")

SCRIPT = r"""
import json
import numpy as np
import jax
from click.testing import CliRunner
from symnet.cli import main
from symnet.core.attention_model import attention
from symnet.learn.sequences import match_query_dataset
from symnet.learn.training import train
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.jaxgen import float64

out = {"devices": len(jax.devices()), "gaps": []}
net = attention(4, 6, 2, classes=3)
numpy_fn, jax_fn = value_and_grad(net), value_and_grad(net, backend="jax", devices=2)
out["used"] = [d.id for d in jax_fn.devices]
rng = np.random.default_rng(0)
theta = rng.normal(size=net.n_params)
for n, flat in ((8, False), (7, False), (6, True)):   # 8, 6: 4 and 3 sequences a device; 7: replicated
    X, y = rng.normal(size=(n, 4, 6)), rng.integers(0, 3, n)
    X = X.reshape(n, -1) if flat else X
    (a, ga), (b, gb) = numpy_fn(theta, X, y), jax_fn(theta, X, y)
    out["gaps"].append([abs(a - b) / max(1.0, abs(a)), float(np.abs(ga - gb).max()), a])
with float64(jax):
    X = jax.device_put(np.ones((8, 4, 6)), jax_fn.run.split[0])
    Y = jax.device_put(np.ones((8, 3, 1)), jax_fn.run.split[1])
    out["shards"] = [len(X.addressable_shards), list(X.addressable_shards[0].data.shape)]
    params = jax_fn.layout.unflatten(jax_fn, theta, code=True)   # b_o as the k × 1 column the code takes
    hlo = jax_fn.run.jitted.lower(X, Y, params).compile().as_text()
out["all_reduce"] = "all-reduce" in hlo
data = match_query_dataset(100, tokens=4, key_size=2, classes=3)    # 100 = 3 batches of 32 (split), one of 4 (split)
kw = dict(epochs=3, batch_size=32, learning_rate=0.02, seed=0, progress=False)
a, b = train(net, data, **kw), train(net, data, backend="jax", devices=2, **kw)
out["train"] = [a.theta.tolist(), b.theta.tolist(), a.history.train_loss, b.history.train_loss, b.settings]
args = ["train", "attention:T=4,d=6,dk=2,classes=3", "--data", "sequences", "--samples", "60", "--epochs", "2",
        "--backend", "jax", "--devices", "2", "--quiet", "--out", RUN]
result = CliRunner().invoke(main, args)
out["cli"] = [result.exit_code, result.output[-2000:]]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def two_devices(tmp_path_factory):
    run = tmp_path_factory.mktemp("attention") / "run"
    return {**on_host_devices(f"RUN = {str(run)!r}\n" + SCRIPT, 2), "run": run}


def test_the_gradient_over_two_devices_equals_numpy(two_devices):
    assert two_devices["devices"] == 2 and two_devices["used"] == [0, 1]
    assert len(two_devices["gaps"]) == 3
    for value_gap, grad_gap, value in two_devices["gaps"]:
        assert value_gap <= 1e-12 and grad_gap <= 1e-12, (value_gap, grad_gap)
        assert value > 0.0                      # a real cross-entropy, not an empty batch


def test_the_sequences_are_split_and_the_batch_sums_all_reduced(two_devices):
    assert two_devices["shards"] == [2, [4, 4, 6]]   # X's 8 sequences: 4 on each of the 2 devices, whole
    assert two_devices["all_reduce"]                 # Σ over the sequences per device, then across them


def test_training_on_two_devices_equals_numpy_to_1e_12(two_devices):
    theta_numpy, theta_jax, loss_numpy, loss_jax, settings = two_devices["train"]
    np.testing.assert_allclose(theta_jax, theta_numpy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(loss_jax, loss_numpy, rtol=1e-12, atol=1e-12)
    assert loss_numpy[-1] < loss_numpy[0]            # a real run: training moved θ
    assert settings["backend"] == "jax" and settings["devices"] == 2


def test_the_cli_trains_an_attention_network_on_two_devices(two_devices):
    code, output = two_devices["cli"]
    assert code == 0, output
    model = json.loads((two_devices["run"] / "model.json").read_text(encoding="utf-8"))
    assert model["settings"]["backend"] == "jax" and model["settings"]["devices"] == 2
    assert model["history"]["train_loss"][-1] < model["history"]["train_loss"][0] and "Traceback" not in output


def test_one_device_is_the_default_and_too_many_are_refused():
    net = symnet.attention(3, 2, classes=2)
    fn = symnet.value_and_grad(net, backend="jax")
    assert len(fn.devices) == 1 and fn.run.split is None
    with pytest.raises(ValueError, match="devices=64, but JAX sees 1 cpu device.*xla_force_host_platform_device_count"):
        symnet.value_and_grad(net, backend="jax", devices=64)
    with pytest.raises(ValueError, match="use it with backend='jax'"):
        symnet.value_and_grad(net, devices=2)
