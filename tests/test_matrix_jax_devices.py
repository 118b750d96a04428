"""A typed matrix loss on JAX honours ``devices=``: the data's rows (the N axis) are split over the devices, as
the other kinds split their batch, and the loss and gradient equal NumPy's (issue 19).

Several devices are CPU host devices (``XLA_FLAGS=--xla_force_host_platform_device_count=2``, read when JAX
is imported), so that part runs in a fresh Python process and prints its numbers as JSON, as
``tests/test_data_parallel.py`` does.
"""

import numpy as np
import pytest

from symnet.io.matrix_build import matrix_loss
from symnet.numeric.codegen import value_and_grad
from tests.processes import on_host_devices

pytest.importorskip("jax")

SCRIPT = r"""
import json
import numpy as np
import jax
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.jaxgen import float64

CASES = [("sum(log(exp(-y.*(X*w)) + vector(1)))/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3", ["w"]),
         ("-sum(Y .* log_softmax(X*W))/N", "X=N x 3, Y=N x 4, W=3 x 4", ["W"]),
         ("tr(A*Z'*Z) + norm2(X*B)^2", "A=3 x 3, Z=N x 3, X=N x 3, B=3 x 2", ["A", "B"])]
rng = np.random.default_rng(0)
out = {"devices": len(jax.devices()), "gaps": []}
for text, shapes, wrt in CASES:
    loss = matrix_loss(text, shapes, wrt=wrt, constants={"lam": 0.3} if "lam" in text else None)
    numpy_fn, jax_fn = value_and_grad(loss), value_and_grad(loss, backend="jax", devices=2)
    out["used"] = len(jax_fn.devices)
    for n in (8, 7):           # 8 rows: 4 on each device; 7: replicated, as a batch the devices do not divide
        data = {m.name: rng.normal(size=(n, int(m.shape[1]))) for m in loss.data}
        size = sum(int(np.prod([int(d) for d in p.shape])) for p in numpy_fn.layout.params)
        theta = rng.normal(size=size)
        (a, ga), (b, gb) = numpy_fn(theta, data, None), jax_fn(theta, data, None)
        out["gaps"].append([abs(a - b) / max(1.0, abs(a)), float(np.abs(ga - gb).max()), a])
place = jax_fn.run.place
with float64(jax):
    Z, X = place([np.ones((8, 3)), np.ones((8, 3))])
    out["shards"] = [len(Z.addressable_shards), Z.addressable_shards[0].data.shape[0]]
    A, B = jax_fn.layout.split(np.zeros(15), jax_fn.layout.param_shapes({"N": 8}))
    hlo = jax_fn.run.jitted.lower(Z, X, 8, A, B).compile().as_text()
out["all_reduce"] = "all-reduce" in hlo
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def two_devices():
    return on_host_devices(SCRIPT, 2)


def test_a_typed_loss_over_two_devices_equals_numpy(two_devices):
    assert two_devices["devices"] == 2 and two_devices["used"] == 2
    for value_gap, grad_gap, value in two_devices["gaps"]:
        assert value_gap <= 1e-12 and grad_gap <= 1e-12, (value_gap, grad_gap)
        assert value != 0.0                     # a real loss, not an empty one


def test_the_rows_are_split_and_the_sums_all_reduced(two_devices):
    assert two_devices["shards"] == [2, 4]      # Z's 8 rows: 4 on each of the 2 devices
    assert two_devices["all_reduce"]            # Zᵀ Z and ‖X B‖² summed per device, then across them


def test_one_device_is_the_default_and_too_many_are_refused():
    loss = matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2")
    fn = value_and_grad(loss, backend="jax")
    assert len(fn.devices) == 1 and fn.run.place is None
    with pytest.raises(ValueError, match="devices=64, but JAX sees 1 cpu device.*xla_force_host_platform_device_count"):
        value_and_grad(loss, backend="jax", devices=64)
    with pytest.raises(ValueError, match="use it with backend='jax'"):
        value_and_grad(loss, devices=2)
