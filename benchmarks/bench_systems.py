"""The systems ``run.py`` compares, each built for one network and checked against symnet's gradient.

A ``System`` holds its build+compile seconds, a gradient call and (where the library has one) a
forward call, both on the same θ, X, y. ``scale`` turns a call on a few samples into the batch's
cost (micrograd, one Python object per scalar, is timed on 16 samples).
"""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
import peers
from bench_layers import hand_numpy, torch_step
from bench_training import micro_forward, mlp_forward, seed_forward

from symnet import mlp, seed_network, squared_error, value_and_grad
from symnet.core.layers import layers
from symnet.learn.data import Dataset, make
from symnet.learn.training import LAYER_DEFAULTS, train
from symnet.numeric.generation import generate, mean_outputs

MICRO_SAMPLES = 16


@dataclass
class System:
    build: float
    grad: object
    forward: object = None
    scale: float = 1.0
    traced: bool = True   # its memory is NumPy/Python memory, which tracemalloc sees


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def built(make_it):
    """(object, seconds to make it)."""
    start = time.perf_counter()
    made = make_it()
    return made, time.perf_counter() - start


def check(name, who, value, grad, reference):
    if not (abs(float(value) - reference[0]) <= 1e-9 * max(1, abs(reference[0]))
            and np.allclose(np.asarray(grad, dtype=float).ravel(), reference[1], rtol=1e-7, atol=1e-10)):
        raise SystemExit(f"{who} on {name}: its loss or gradient differs from symnet's; not the same computation")


def scalar_network(sizes):
    return seed_network() if sizes is None else mlp(list(sizes))


def scalar_systems(name, sizes, cfg) -> dict:
    net, batch = scalar_network(sizes), cfg["batch"]
    loss = squared_error(net)
    rng = np.random.default_rng(0)
    theta, X, y = 0.5 * rng.standard_normal(len(net.params)), rng.normal(size=(batch, 2)), rng.uniform(size=batch)
    fn, build = built(lambda: value_and_grad(loss, backend="numpy"))
    reference = fn(theta, X, y)
    program = loss.program
    assignments, outputs = mean_outputs(program)
    forward = generate(program.inputs + program.params, outputs, assignments, "loss").function
    columns, values = list(X.T), theta.tolist()
    out = {"symnet numpy": System(build, lambda: fn(theta, X, y), lambda: forward(*columns, y, *values))}
    dfn, dbuild = built(lambda: value_and_grad(loss))                     # the default call: backend="auto"
    check(name, "symnet default", *dfn(theta, X, y), reference)
    out[f"symnet default ({dfn.backend})"] = System(dbuild, lambda: dfn(theta, X, y))
    jfn, jbuild = built(lambda: (lambda f: (f, f(theta, X, y)))(value_and_grad(loss, backend="jax"))[0])
    check(name, "symnet jax", *jfn(theta, X, y), reference)
    out["symnet jax"] = System(jbuild, lambda: jfn(theta, X, y), traced=False)
    ffn, fbuild = built(lambda: value_and_grad(loss, backend="fused"))   # LLVM: well under 2 s for every net here
    if ffn.backend == "fused":                                            # else it warned and fell back to NumPy
        check(name, "symnet fused", *ffn(theta, X, y), reference)
        out["symnet fused"] = System(fbuild, lambda: ffn(theta, X, y))
    f = (lambda xp, t, x: seed_forward(xp, t, x)) if sizes is None else \
        (lambda xp, t, x: mlp_forward(xp, t, x, tuple(sizes)))
    out.update(_peers(name, f, theta, X, y, reference, sizes))
    return out


def _peers(name, f, theta, X, y, reference, sizes) -> dict:
    """The other libraries that are installed (a missing one is left out: pip install -e '.[bench]')."""
    out = {}
    if installed("autograd"):
        out["HIPS autograd"] = _autograd(name, f, theta, X, y, reference)
    if installed("torch"):
        out["PyTorch"] = _torch(name, theta, X, y, reference, sizes)
    (hand, first), jbuild = built(lambda: _first_call(peers.jax_value_and_grad(theta, X, y, sizes)))
    check(name, "JAX jit", *first, reference)
    out["JAX jit (by hand)"] = System(jbuild, hand, peers.jax_forward(theta, X, y, sizes), traced=False)
    if len(theta) <= 120 and installed("micrograd"):
        out["micrograd"] = _micrograd(name, theta, X, y, sizes)
    return out


def _first_call(pair):
    """(call, its first result): JAX's build time is tracing and compiling, done by the first call."""
    call, check_it = pair
    return call, check_it()


def _autograd(name, f, theta, X, y, reference):
    import autograd.numpy as anp
    from autograd import value_and_grad as ag_value_and_grad

    ag = ag_value_and_grad(lambda t: anp.mean((y - f(anp, t, X)) ** 2))
    check(name, "autograd", *ag(theta), reference)
    return System(0.0, lambda: ag(theta), lambda: np.mean((y - f(np, theta, X)) ** 2))


def _torch(name, theta, X, y, reference, sizes):
    """PyTorch as its users write it: ``nn.Linear`` layers, ``loss.backward()`` (``peers.torch_model``)."""
    import torch

    torch.set_num_threads(1)
    model = peers.torch_model(theta, sizes)
    call = peers.torch_value_and_grad(model, X, y)
    check(name, "PyTorch", call().item(), peers.torch_flat_grad(model), reference)
    return System(0.0, call, peers.torch_forward(model, X, y), traced=False)


def _micrograd(name, theta, X, y, sizes):
    """micrograd on the first 16 samples, scaled to the batch (its cost is per sample)."""
    from micrograd.engine import Value

    rows, targets = X[:MICRO_SAMPLES].tolist(), y[:MICRO_SAMPLES].tolist()

    def loss_of():
        params = [Value(float(t)) for t in theta]
        total = Value(0.0)
        for row, target in zip(rows, targets):
            out = micro_forward("seed" if sizes is None else "mlp", params, row, _sigmoid, tuple(sizes or ()))
            total = total + (out - target) ** 2
        return total * (1.0 / len(rows)), params

    def gradient():
        total, params = loss_of()
        total.backward()
        return total.data, [p.grad for p in params]

    return System(0.0, gradient, lambda: loss_of()[0].data, scale=len(y) / len(rows))


def _sigmoid(v):
    from micrograd.engine import Value

    s = 1.0 / (1.0 + np.exp(-v.data))
    out = Value(s, (v,), "sigmoid")

    def _backward():
        v.grad += s * (1.0 - s) * out.grad
    out._backward = _backward
    return out


def layer_systems(spec, cfg) -> dict:
    net, batch = layers(spec), cfg["batch"]
    rng = np.random.default_rng(0)
    fn, build = built(lambda: value_and_grad(net, backend="numpy"))
    sizes = net.sizes
    theta = rng.normal(scale=0.05, size=net.n_params)
    X, labels = rng.normal(size=(batch, sizes[0])), rng.integers(0, sizes[-1], size=batch)
    Y, arrays = np.eye(sizes[-1])[labels], [a.copy() for a in fn.unflatten(theta)]
    reference = fn(theta, X, labels)
    out = {"symnet numpy": System(build, lambda: fn(theta, X, labels), lambda: fn.predict(theta, X))}
    dfn, dbuild = built(lambda: value_and_grad(net))                      # the default call: backend="auto"
    check(spec, "symnet default", *dfn(theta, X, labels), reference)
    out[f"symnet default ({dfn.backend})"] = System(dbuild, lambda: dfn(theta, X, labels))
    jfn, jbuild = built(lambda: (lambda f: (f, f(theta, X, labels)))(value_and_grad(net, backend="jax"))[0])
    check(spec, "symnet jax", *jfn(theta, X, labels), reference)
    out["symnet jax"] = System(jbuild, lambda: jfn(theta, X, labels), traced=False)
    params, Xj, lj = peers.on_device([a.copy() for a in arrays], X, labels)   # as the JAX peer holds its data
    value, grads = jfn(params, Xj, lj)
    check(spec, "symnet jax, on the device", value, np.concatenate([np.ravel(g) for g in grads]), reference)
    out["symnet jax, on the device"] = System(jbuild, lambda: jfn(params, Xj, lj), traced=False)
    check(spec, "NumPy by hand", *hand_numpy(X, Y, *arrays), reference)
    out["NumPy backprop (by hand)"] = System(0.0, lambda: hand_numpy(X, Y, *arrays))
    if installed("torch"):
        out["PyTorch"] = _torch_layers(spec, X, labels, arrays, reference)
    (hand, first), jbuild = built(lambda: _first_call(peers.jax_layers(arrays, X, labels)))
    check(spec, "JAX jit", *first, reference)
    out["JAX jit (by hand)"] = System(jbuild, hand, traced=False)
    return out


def _torch_layers(spec, X, labels, arrays, reference):
    import torch

    torch.set_num_threads(1)
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    Xt, lt = torch.tensor(X), torch.tensor(labels)
    torch_step(torch, Xt, lt, params)
    check(spec, "PyTorch", torch_step(torch, Xt, lt, params).item(),
          np.concatenate([p.grad.numpy().ravel() for p in params]), reference)
    return System(0.0, lambda: torch_step(torch, Xt, lt, params), traced=False)


def training_memory(name, sizes, steps) -> tuple[float, float]:
    """Traced KiB after 10 and after ``steps`` full-batch steps of training (64 samples); growth is a leak."""
    marks = {}

    def mark(epoch, *_):
        if epoch in (10, steps):
            marks[epoch] = tracemalloc.get_traced_memory()[0] / 1024

    tracemalloc.start()
    try:
        if sizes == "layer":
            n_in, n_out = layers(name).sizes[0], layers(name).sizes[-1]
            rng = np.random.default_rng(0)
            data = Dataset(rng.normal(size=(64, n_in)), rng.integers(0, n_out, size=64).astype(float),
                           tuple(f"x{i}" for i in range(n_in)), "random")
            _layer_memory(layers(name), data, steps, marks)
        else:
            train(scalar_network(sizes), make("moons", n=64, seed=0), optimizer="sgd", epochs=steps, progress=False,
                  callback=mark)
    finally:
        tracemalloc.stop()
    return marks[10], marks[steps]


def _layer_memory(net, data, steps, marks):
    for done in (10, steps):
        train(net, data, **{**LAYER_DEFAULTS, "epochs": done, "batch_size": 64}, progress=False)
        marks[done] = tracemalloc.get_traced_memory()[0] / 1024
