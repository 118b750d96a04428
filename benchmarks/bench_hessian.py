"""Second derivatives of the seed network (11 parameters) beside JAX and PyTorch, in one run (issue 20).

For the seed network's mean squared error at one batch it times, round by round (rotated, so load on
the shared machine hits all alike; ``bench_backends.rounds_of``):

  Hessian  symnet's default ``compile_hessian(loss)`` (``backend="auto"``: fused LLVM for this network), NumPy
           and ``backend="jax"``; ``jax.jit(jax.hessian(loss))``
           written by hand over a pytree of per-neuron parameters, as a JAX user writes it;
           ``torch.autograd.functional.hessian`` on one thread (when PyTorch is installed)
  hvp      symnet ``hvp(loss)`` (the default, NumPy, JAX); JAX's forward-over-reverse ``jvp(grad(loss))`` jitted;
           PyTorch's ``torch.autograd.functional.hvp``
  gradient symnet ``value_and_grad(loss, backend="numpy")``, the default call ``value_and_grad(loss)`` (fused)
           and ``jax.jit(jax.value_and_grad(loss))``; "hvp ≤ 4× the gradient" divides each system's hvp by its
           own gradient (symnet's default by the default, NumPy by NumPy, JAX by JAX)

Every peer's value is checked equal to symnet's (to 1e-10) before it is timed. The ratios are medians of
per-round ratios within this run; tests never assert times.

    python benchmarks/bench_hessian.py [--rounds 21] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import rounds_of  # noqa: E402

from symnet import seed_network, squared_error, value_and_grad  # noqa: E402
from symnet.numeric.hessian import compile_hessian, hvp  # noqa: E402

NEURONS = (("theta1", 1), ("theta2", 1), ("theta3", 1), ("theta4", 1), ("theta5", 2))   # inputs per neuron


def _flat(tree) -> np.ndarray:
    """The pytree {thetaN: {"w": (k,), "b": ()}} as symnet's θ order (w…, b per neuron)."""
    return np.concatenate([np.append(np.asarray(tree[n]["w"]), np.asarray(tree[n]["b"])) for n, _ in NEURONS])


def _tree(theta, numpy):
    out, start = {}, 0
    for name, k in NEURONS:
        out[name] = {"w": numpy.asarray(theta[start:start + k]), "b": numpy.asarray(theta[start + k])}
        start += k + 1
    return out


def jax_peers(X, y):
    """(hessian, hvp, value_and_grad, to_matrix), jitted, the loss written over a pytree of neurons."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def neuron(p, *inputs):
        return jax.nn.sigmoid(sum(w * u for w, u in zip(p["w"], inputs)) + p["b"])

    def loss(params):
        h1, h2 = neuron(params["theta1"], X[:, 0]), neuron(params["theta2"], X[:, 1])
        h3, h4 = neuron(params["theta3"], h1 + h2), neuron(params["theta4"], h2)
        return jnp.mean((y - neuron(params["theta5"], h3, h4)) ** 2)

    hessian = jax.jit(jax.hessian(loss))
    product = jax.jit(lambda p, v: jax.jvp(jax.grad(loss), (p,), (v,))[1])

    def to_matrix(h):   # h[a][la][b][lb]: the block ∂²L/∂a∂b of two leaves, laid out in symnet's order
        leaves = [(n, leaf, k if leaf == "w" else 1) for n, k in NEURONS for leaf in ("w", "b")]
        return np.vstack([np.hstack([np.asarray(h[a][la][b][lb]).reshape(size, -1) for b, lb, _ in leaves])
                          for a, la, size in leaves])

    return hessian, product, jax.jit(jax.value_and_grad(loss)), to_matrix


def torch_peers(X, y):
    """(hessian, hvp) by ``torch.autograd.functional`` on one thread, the loss over a tuple of tensors."""
    import torch

    torch.set_num_threads(1)
    X, y = torch.as_tensor(X), torch.as_tensor(y)

    def loss(*theta):
        w1, b1, w2, b2, w3, b3, w4, b4, w51, w52, b5 = theta
        h1, h2 = torch.sigmoid(w1 * X[:, 0] + b1), torch.sigmoid(w2 * X[:, 1] + b2)
        h3, h4 = torch.sigmoid(w3 * (h1 + h2) + b3), torch.sigmoid(w4 * h2 + b4)
        return torch.mean((y - torch.sigmoid(w51 * h3 + w52 * h4 + b5)) ** 2)

    def hessian(theta):
        h = torch.autograd.functional.hessian(loss, tuple(torch.tensor(t, dtype=torch.float64) for t in theta))
        return np.array([[float(c) for c in row] for row in h])

    def product(theta, v):
        args = tuple(torch.tensor(t, dtype=torch.float64) for t in theta)
        return np.array([float(c) for c in torch.autograd.functional.hvp(loss, args, tuple(
            torch.tensor(t, dtype=torch.float64) for t in v))[1]])

    return hessian, product


def calls(batch: int, seed: int = 0) -> tuple[dict, list[str]]:
    """{(quantity, system): zero-argument call}, every peer checked against symnet first; notes on skipped peers."""
    loss = squared_error(seed_network())
    rng = np.random.default_rng(seed)
    theta, v = rng.normal(size=11), rng.normal(size=11)
    X, y = rng.normal(size=(batch, 2)), rng.uniform(size=batch)
    H, Hv, G = compile_hessian(loss, backend="numpy"), hvp(loss, backend="numpy"), value_and_grad(loss, backend="numpy")
    HD, HvD, D = compile_hessian(loss), hvp(loss), value_and_grad(loss)   # the default calls (fused here)
    HJ, HvJ = compile_hessian(loss, backend="jax"), hvp(loss, backend="jax")
    reference, product = H(theta, X, y), Hv(theta, v, X, y)
    import jax

    jh, jp, jg, to_matrix = jax_peers(X, y)
    tree, vtree = _tree(theta, jax.numpy), _tree(v, jax.numpy)    # on the device once, as a JAX user keeps θ
    ready = jax.block_until_ready
    _same("JAX's Hessian", to_matrix(jh(tree)), reference)
    _same("JAX's hvp", _flat(jp(tree, vtree)), product)
    _same("symnet's JAX Hessian", HJ(theta, X, y), reference)
    _same("symnet's JAX hvp", HvJ(theta, v, X, y), product)
    _same("the Hessian times v", reference @ v, product)
    _same("symnet's default Hessian", HD(theta, X, y), reference)
    _same("symnet's default hvp", HvD(theta, v, X, y), product)
    value, grads = jg(tree)
    _same("JAX's loss and gradient", np.append(float(value), _flat(grads)), np.append(*G(theta, X, y)))
    out = {("Hessian", f"symnet default ({HD.backend})"): lambda: HD(theta, X, y),
           ("Hessian", "symnet numpy"): lambda: H(theta, X, y), ("Hessian", "symnet jax"): lambda: HJ(theta, X, y),
           ("Hessian", "JAX jit(hessian) by hand"): lambda: ready(jh(tree)),
           ("hvp", f"symnet default ({HvD.backend})"): lambda: HvD(theta, v, X, y),
           ("hvp", "symnet numpy"): lambda: Hv(theta, v, X, y), ("hvp", "symnet jax"): lambda: HvJ(theta, v, X, y),
           ("hvp", "JAX jit(jvp(grad)) by hand"): lambda: ready(jp(tree, vtree)),
           ("gradient", "symnet numpy"): lambda: G(theta, X, y),
           ("gradient", f"symnet default ({D.backend})"): lambda: D(theta, X, y),
           ("gradient", "JAX jit(value_and_grad) by hand"): lambda: ready(jg(tree))}
    notes = []
    if importlib.util.find_spec("torch") is None:
        notes.append("PyTorch is not installed here (`pip install -e '.[bench]'`), so "
                     "`torch.autograd.functional.hessian` is left out.")
    else:
        th, tp = torch_peers(X, y)
        _same("PyTorch's Hessian", th(theta), reference)
        _same("PyTorch's hvp", tp(theta, v), product)
        out[("Hessian", "PyTorch autograd.functional (1 thread)")] = lambda: th(theta)
        out[("hvp", "PyTorch autograd.functional (1 thread)")] = lambda: tp(theta, v)
    return out, notes


def _same(what: str, value, reference) -> None:
    if not np.allclose(np.asarray(value, dtype=float), reference, rtol=1e-10, atol=1e-12):
        raise AssertionError(f"{what} differs from symnet's: max |Δ| = {np.max(np.abs(value - reference)):.3g}")


def table(rounds: int, quick: bool) -> str:
    """One markdown table: µs per call, × symnet's NumPy call of the same quantity, and on the hvp rows
    hvp/gradient of the same system (the target is ≤ 4); then a note for each peer left out."""
    batch = 32 if quick else 1024
    entries, notes = calls(batch)
    times = rounds_of(entries, rounds)
    default = next(system for quantity, system in times
                   if quantity == "gradient" and system.startswith("symnet default"))
    gradient_of = {"symnet numpy": "symnet numpy", "JAX jit(jvp(grad)) by hand": "JAX jit(value_and_grad) by hand",
                   **{system: default for quantity, system in times if system.startswith("symnet default")}}
    lines = [f"| quantity (seed network, batch {batch}) | system | µs per call | × symnet numpy | hvp/gradient × |",
             "|---|---|---:|---:|---:|"]
    for (quantity, system), samples in times.items():
        ratio = _ratio(samples, times[(quantity, "symnet numpy")])
        own = gradient_of.get(system) if quantity == "hvp" else None
        per = "—" if own is None else f"{_ratio(samples, times[('gradient', own)]):.2f}"
        lines.append(f"| {quantity} | {system} | {statistics.median(samples) * 1e6:.1f} | {_digits(ratio)} | {per} |")
    return "\n".join(lines + [""] + notes)


def _digits(ratio: float) -> str:
    """Two decimals, or three significant digits below 0.1 (the targets divide these ratios by each other)."""
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3g}"


def _ratio(samples, base) -> float:
    """The median of the per-round ratios (both timed in the same rounds)."""
    return statistics.median(a / b for a, b in zip(samples, base))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--quick", action="store_true", help="batch 32, few rounds (CI)")
    args = parser.parse_args(argv)
    print(table(5 if args.quick else args.rounds, args.quick))


if __name__ == "__main__":
    main()
