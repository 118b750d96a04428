"""The peers as their users write them: PyTorch with one ``nn.Linear`` per layer (per neuron for the seed
network) and an ordinary ``zero_grad(); backward(); step()`` loop, JAX over a pytree of per-layer arrays
with ``jax.jit(jax.value_and_grad(loss))``, and layer networks' peers with per-layer leaf tensors.

No peer indexes or slices one flat parameter vector inside its graph (a PyTorch graph that does runs
about 2× slower than the code a PyTorch user writes). Each starts from symnet's θ, laid out as symnet
numbers parameters: neuron by neuron, layer by layer, each neuron's weights then its bias; ``flat_*``
turn a peer's gradient back into that order so ``bench_systems.check`` can compare it with symnet's
before anything is timed.
"""

from __future__ import annotations

import os

import numpy as np

# one thread each, as symnet's calls run: NumPy's BLAS, PyTorch (``torch.set_num_threads(1)`` where it is
# used) and XLA's CPU backend (read when JAX starts its backend, so setting it here, before any JAX call, works)
for _name, _value in (("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1"),
                      ("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")):
    os.environ.setdefault(_name, _value)

SEED_WIDTHS = (1, 1, 1, 1, 2)      # inputs of neurons 1…5 of the seed network


def blocks(theta, sizes) -> list:
    """[(W (out, in), b (out,))] per layer from symnet's flat θ (``sizes=None``: the seed network's neurons)."""
    shapes = [(1, k) for k in SEED_WIDTHS] if sizes is None else list(zip(sizes[1:], sizes[:-1]))
    out, start = [], 0
    for n_out, n_in in shapes:
        block = np.asarray(theta[start:start + n_out * (n_in + 1)], dtype=float).reshape(n_out, n_in + 1)
        out.append((block[:, :n_in].copy(), block[:, n_in].copy()))
        start += block.size
    return out


def flat(pairs) -> np.ndarray:
    """symnet's θ order from [(W, b)] per layer: each neuron's weights, then its bias."""
    return np.concatenate([np.hstack([np.asarray(W), np.asarray(b).reshape(-1, 1)]).ravel() for W, b in pairs])


# ---- PyTorch --------------------------------------------------------------------------------------

def torch_model(theta, sizes):
    """An ``nn.Module`` of ``nn.Linear`` layers (float64) holding θ: ``nn.Sequential`` for an MLP, and for the
    seed network a module with one ``nn.Linear`` per neuron wired as the article draws it."""
    import torch

    def linear(W, b):
        layer = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
        return layer

    if sizes is not None:
        parts = []
        for W, b in blocks(theta, sizes):
            parts += [linear(W, b), torch.nn.Sigmoid()]
        return torch.nn.Sequential(*parts)

    class Seed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.f1, self.f2, self.f3, self.f4, self.f5 = (linear(W, b) for W, b in blocks(theta, None))

        def forward(self, x):
            h1, h2 = torch.sigmoid(self.f1(x[:, :1])), torch.sigmoid(self.f2(x[:, 1:2]))
            h3, h4 = torch.sigmoid(self.f3(h1 + h2)), torch.sigmoid(self.f4(h2))
            return torch.sigmoid(self.f5(torch.cat((h3, h4), dim=1)))

    return Seed()


def torch_flat_grad(model) -> np.ndarray:
    """The gradients a backward pass left on the model's ``nn.Linear`` layers, in symnet's θ order."""
    import torch

    layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    return flat([(m.weight.grad.numpy(), m.bias.grad.numpy()) for m in layers])


def torch_value_and_grad(model, X, y):
    """A call that runs forward and backward as a PyTorch user does (gradients left in ``.grad``); its loss."""
    import torch

    loss_fn, Xt, yt = torch.nn.MSELoss(), torch.as_tensor(X), torch.as_tensor(y)

    def call():
        model.zero_grad()
        loss = loss_fn(model(Xt)[:, 0], yt)
        loss.backward()
        return loss
    return call


def torch_forward(model, X, y):
    import torch

    loss_fn, Xt, yt = torch.nn.MSELoss(), torch.as_tensor(X), torch.as_tensor(y)

    def call():
        with torch.no_grad():
            return loss_fn(model(Xt)[:, 0], yt)
    return call


# ---- JAX ------------------------------------------------------------------------------------------

def jax_loss(sizes):
    """The mean squared error over a pytree [(W, b)] per layer (per neuron for the seed network), in jax.numpy."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def mlp(params, X, y):
        a = X
        for W, b in params:
            a = jax.nn.sigmoid(a @ W.T + b)
        return jnp.mean((y - a[:, 0]) ** 2)

    def seed(params, X, y):
        (W1, b1), (W2, b2), (W3, b3), (W4, b4), (W5, b5) = params
        h1, h2 = jax.nn.sigmoid(X[:, :1] @ W1.T + b1), jax.nn.sigmoid(X[:, 1:2] @ W2.T + b2)
        h3, h4 = jax.nn.sigmoid((h1 + h2) @ W3.T + b3), jax.nn.sigmoid(h2 @ W4.T + b4)
        return jnp.mean((y - jax.nn.sigmoid(jnp.concatenate((h3, h4), axis=1) @ W5.T + b5)[:, 0]) ** 2)

    return seed if sizes is None else mlp


def jax_pytree(theta, sizes):
    import jax.numpy as jnp

    return [(jnp.asarray(W), jnp.asarray(b)) for W, b in blocks(theta, sizes)]


def jax_value_and_grad(theta, X, y, sizes):
    """(call, check): ``jax.jit(jax.value_and_grad(loss))`` on a pytree kept on the device with X and y, the call
    waiting for its result; ``check()`` gives (loss, flat gradient) to compare with symnet's."""
    import jax
    import jax.numpy as jnp

    step = jax.jit(jax.value_and_grad(jax_loss(sizes)))
    params, Xj, yj = jax_pytree(theta, sizes), jnp.asarray(X), jnp.asarray(y)

    def call():
        return jax.block_until_ready(step(params, Xj, yj))

    def check():
        value, grads = call()
        return float(value), flat(grads)
    return call, check


def jax_forward(theta, X, y, sizes):
    import jax
    import jax.numpy as jnp

    loss = jax.jit(jax_loss(sizes))
    params, Xj, yj = jax_pytree(theta, sizes), jnp.asarray(X), jnp.asarray(y)
    return lambda: jax.block_until_ready(loss(params, Xj, yj))


def on_device(arrays, X, labels):
    """θ's arrays [W¹, b¹, …], X and the labels as JAX arrays on the default device, in float64: what a JAX user
    holds between calls (and what ``jax_layers``' call takes)."""
    import jax
    import jax.numpy as jnp

    from symnet.numeric.jaxgen import float64

    with float64(jax):
        return [jnp.asarray(a) for a in arrays], jnp.asarray(X), jnp.asarray(labels)


def jax_layers(arrays, X, labels):
    """(call, check) for a ReLU/softmax layer network: a pytree [(W, b)] per layer, softmax cross-entropy."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def loss(params, X, labels):
        a = X
        for W, b in params[:-1]:
            a = jax.nn.relu(a @ W.T + b)
        W, b = params[-1]
        logp = jax.nn.log_softmax(a @ W.T + b)
        return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))

    step = jax.jit(jax.value_and_grad(loss))
    params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in zip(arrays[::2], arrays[1::2])]
    Xj, lj = jnp.asarray(X), jnp.asarray(labels)

    def call():
        return jax.block_until_ready(step(params, Xj, lj))

    def check():
        value, grads = call()
        return float(value), np.concatenate([np.append(np.ravel(W), np.ravel(b)) for W, b in grads])
    return call, check
