"""Layer networks: symnet's compiled matrix gradient beside hand-written NumPy backprop and PyTorch.

For 784-128-10 and 64-32-10 (ReLU, softmax cross-entropy) at batch 256, float64 (then float32), one BLAS thread:
  build s     symnet's layers() + grad + compile (the whole symbolic pipeline)
  symnet ms   one mean loss + gradient through the public call ``fn(theta, X, y)`` (checks, flat θ in,
              flat gradient out)
  numpy ms    the same loss and gradient written by hand in NumPy (the textbook BP1–BP4)
  torch ms    PyTorch (one thread) forward + backward, if torch is importable
and the ratios symnet/numpy and symnet/torch: the median of per-round ratios, the calls alternating
round by round. Only ratios measured in one run mean anything: the machine is shared and noisy.
A second table does the same in float32 (``value_and_grad(..., dtype="float32")`` beside hand NumPy on float32
arrays and PyTorch float32), each peer's loss and gradient checked against symnet's within float32's tolerance
(``gradcheck.tolerances``) first. With ``--jax``, a third table: symnet's ``backend="jax"`` beside
``jax.jit(jax.value_and_grad(loss))`` over a pytree written by hand, float64, twice (``jax_row``): from NumPy
(flat θ, X, y in; the hand call's results brought to NumPy, as symnet's are) and on the device (θ as its arrays,
X and labels as JAX arrays, for symnet and by hand; ``block_until_ready``).
Run from the repository root:

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_layers.py [--repeat 7] [--jax]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")  # JAX too

import numpy as np  # noqa: E402

from bench_backends import rounds_of  # noqa: E402

from symnet.core.layers import layers  # noqa: E402
from symnet.numeric.codegen import value_and_grad  # noqa: E402
from symnet.numeric.gradcheck import tolerances  # noqa: E402

BATCH = 256
SIZES = ("784-128-10", "64-32-10")


def interleaved_ms(calls: dict, repeat: int) -> tuple[dict, dict]:
    """Best ms per call of each entry, and the median per-round ratio to ``symnet``'s (rotated rounds,
    ``bench_backends.rounds_of``; ≈ 0.1 s a turn, so the cold first call of a turn is amortised)."""
    times = rounds_of(calls, repeat, seconds=0.1)
    ratios = {k: statistics.median(s / t for s, t in zip(times["symnet"], v)) for k, v in times.items()}
    return {k: 1e3 * min(v) for k, v in times.items()}, ratios


def hand_numpy(X, Y, W1, b1, W2, b2):
    """Textbook backprop for one hidden ReLU layer and softmax cross-entropy (mean over the batch)."""
    n = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2.T + b2
    m = Z2.max(axis=1, keepdims=True)
    E = np.exp(Z2 - m)
    S = E.sum(axis=1, keepdims=True)
    loss = float(np.mean(m[:, 0] + np.log(S[:, 0]) - (Y * Z2).sum(axis=1)))
    D2 = (E / S - Y) / n
    D1 = (D2 @ W2) * (Z1 > 0)
    return loss, np.concatenate([(D1.T @ X).ravel(), D1.sum(axis=0), (D2.T @ A1).ravel(), D2.sum(axis=0)])


def torch_step(torch, X, labels, params):
    for p in params:
        p.grad = None
    W1, b1, W2, b2 = params
    z2 = torch.relu(X @ W1.T + b1) @ W2.T + b2
    loss = torch.nn.functional.cross_entropy(z2, labels)
    loss.backward()
    return loss


def row(spec: str, repeat: int, rng, dtype: str = "float64") -> dict:
    start = time.perf_counter()
    fn = value_and_grad(layers(spec), backend="numpy", dtype=dtype)
    build = time.perf_counter() - start
    sizes = fn.network.sizes
    theta = rng.normal(scale=0.05, size=fn.network.n_params).astype(dtype)
    X = rng.normal(size=(BATCH, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=BATCH)
    Y = np.eye(sizes[-1], dtype=dtype)[y]
    arrays = [a.copy() for a in fn.unflatten(theta)]
    ours, hand = fn.evaluate_batch(X, y, theta), hand_numpy(X, Y, *arrays)
    rtol, atol = (1e-10, 1e-12) if dtype == "float64" else tolerances(dtype)
    assert ours[1].dtype == hand[1].dtype == np.dtype(dtype), "a peer left the dtype"
    assert abs(ours[0] - hand[0]) < atol and np.allclose(ours[1], hand[1], rtol=rtol, atol=atol), "gradients differ"
    calls = {"symnet": lambda: fn(theta, X, y), "numpy": lambda: hand_numpy(X, Y, *arrays)}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)
        params = [torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True) for a in arrays]
        Xt, labels = torch.tensor(X), torch.tensor(y)
        assert abs(torch_step(torch, Xt, labels, params).item() - ours[0]) < (1e-10 if dtype == "float64" else atol)
        grads = np.concatenate([p.grad.numpy().ravel() for p in params])
        assert np.allclose(grads, ours[1], rtol=rtol, atol=max(atol, 1e-12)), "torch's gradient differs"
        calls["torch"] = lambda: torch_step(torch, Xt, labels, params)
    ms, ratios = interleaved_ms(calls, repeat)
    return {"network": spec, "params": fn.network.n_params, "build": build, "ms": ms, "ratios": ratios}


def hand_jax(jax):
    """``jax.jit(jax.value_and_grad(loss))`` over params [W1, b1, W2, b2], as a JAX user writes it."""
    jnp = jax.numpy

    def loss(params, X, Y):
        W1, b1, W2, b2 = params
        z2 = jnp.maximum(X @ W1.T + b1, 0.0) @ W2.T + b2
        return jnp.mean(jax.scipy.special.logsumexp(z2, axis=1) - (Y * z2).sum(axis=1))

    return jax.jit(jax.value_and_grad(loss))


def jax_row(spec: str, repeat: int, rng) -> dict:
    """symnet's ``backend="jax"`` beside ``jax.jit(jax.value_and_grad)`` by hand, twice: called as symnet is called
    from NumPy (flat θ, X and labels as NumPy arrays; the hand call's results brought to NumPy, ``jax→np``), and with
    everything on the device as a JAX user holds it (θ as its arrays, X and labels as JAX arrays; results left
    there, ``block_until_ready``). Median per-round ratios, the calls rotating round by round."""
    import jax

    import peers
    from symnet.numeric.jaxgen import float64

    fn = value_and_grad(layers(spec), backend="jax")
    sizes = fn.network.sizes
    theta = rng.normal(scale=0.05, size=fn.network.n_params)
    X, y = rng.normal(size=(BATCH, sizes[0])), rng.integers(0, sizes[-1], size=BATCH)
    Y, params = np.eye(sizes[-1])[y], [a.copy() for a in fn.unflatten(theta)]
    step = hand_jax(jax)
    tree, Xj, yj = peers.on_device(params, X, y)
    with float64(jax):
        Yj = jax.numpy.asarray(Y)
        value, grads = step(params, X, Y)
        ours, (on_value, on_grads) = fn(theta, X, y), fn(tree, Xj, yj)
        flat = [np.concatenate([np.ravel(g) for g in gs]) for gs in (grads, on_grads)]
        assert abs(float(value) - ours[0]) < 1e-10 and np.allclose(flat[0], ours[1], atol=1e-12), "gradients differ"
        assert abs(on_value - ours[0]) < 1e-12 and np.allclose(flat[1], ours[1], atol=1e-12), "on the device differs"
        calls = {"symnet": lambda: fn(theta, X, y),
                 "jax→np": lambda: [np.asarray(a) for a in jax.tree_util.tree_leaves(step(params, X, Y))],
                 "symnet on device": lambda: fn(tree, Xj, yj),
                 "jax on device": lambda: jax.block_until_ready(step(tree, Xj, Yj))}
        times = rounds_of(calls, repeat, seconds=0.1)
    ratio = lambda a, b: statistics.median(s / t for s, t in zip(times[a], times[b]))  # noqa: E731
    return {"network": spec, "ms": {k: 1e3 * min(v) for k, v in times.items()},
            "numpy": ratio("symnet", "jax→np"), "device": ratio("symnet on device", "jax on device")}


def print_row(r: dict) -> None:
    ms, ratios = r["ms"], r["ratios"]
    torch_ms = f"{ms['torch']:.3f}" if "torch" in ms else "—"
    ratio = f"{ratios['torch']:.2f}" if "torch" in ratios else "—"
    print(f"{r['network']:<12} {r['params']:>7} {r['build']:>8.3f} {ms['symnet']:>10.3f} {ms['numpy']:>9.3f} "
          f"{torch_ms:>9} {ratios['numpy']:>7.2f} {ratio:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--jax", action="store_true", help="also symnet's JAX backend beside jax.jit by hand")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    head = f"{'network':<12} {'params':>7} {'build s':>8} {'symnet ms':>10} {'numpy ms':>9} {'torch ms':>9} " \
           f"{'sym/np':>7} {'sym/torch':>9}"
    for dtype in ("float64", "float32"):
        print(f"{'' if dtype == 'float64' else chr(10)}batch {BATCH}, {dtype}, one thread\n{head}\n{'-' * len(head)}")
        for spec in SIZES:
            print_row(row(spec, args.repeat, rng, dtype))
    if args.jax:
        print(f"\nbackend='jax' beside jax.jit(value_and_grad) by hand, batch {BATCH}, float64, one thread\n"
              f"{'network':<12} {'symnet ms':>9} {'jax→np ms':>9} {'sym/hand':>8} {'on device':>9} {'hand ms':>8} "
              f"{'sym/hand':>8}")
        for spec in SIZES:
            r = jax_row(spec, args.repeat, rng)
            ms = r["ms"]
            print(f"{r['network']:<12} {ms['symnet']:>9.3f} {ms['jax→np']:>9.3f} {r['numpy']:>8.2f} "
                  f"{ms['symnet on device']:>9.3f} {ms['jax on device']:>8.3f} {r['device']:>8.2f}")


if __name__ == "__main__":
    main()
