"""The default call beside PyTorch and JAX as their users write them, at batch 1, 32, 1024 and 65536 (issue 23).

For the seed network, 2-8-8-1, 2-4-4-4-4-1 and 2-16-16-1 (sigmoid, mean squared error, float64) it times,
round by round (rotated, ``bench_backends.rounds_of``):

  symnet    ``value_and_grad(loss)(theta, X, y)``: the default call, ``backend="auto"`` (its choice is printed)
  PyTorch   ``nn.Linear`` layers, ``model.zero_grad(); loss.backward()`` on one thread (``peers.torch_model``)
  JAX       ``jax.jit(jax.value_and_grad(loss))`` over a pytree of per-layer arrays kept on the device

Each peer's loss and gradient are checked against symnet's before it is timed. The ratios are medians of
per-round ratios (symnet's time over the peer's: below 1, symnet is faster). Targets: ≤ 1.0× PyTorch and
≤ 1.5× ``jax.jit`` at every batch.

    python benchmarks/bench_default.py [--rounds 11] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from bench_backends import rounds_of  # noqa: E402
from bench_systems import check, installed  # noqa: E402

from symnet import mlp, seed_network, squared_error, value_and_grad  # noqa: E402

NETWORKS = (("seed", None), ("2-8-8-1", [2, 8, 8, 1]), ("2-4-4-4-4-1", [2, 4, 4, 4, 4, 1]),
            ("2-16-16-1", [2, 16, 16, 1]))
BATCHES = (1, 32, 1024, 65536)


def calls(name, sizes, batch, fn) -> dict:
    """{system: zero-argument call} on one batch, every peer checked against symnet's default call first."""
    rng = np.random.default_rng(0)
    theta = 0.5 * rng.standard_normal(len(fn.params))
    X, y = rng.normal(size=(batch, 2)), rng.uniform(size=batch)
    reference = fn(theta, X, y)
    out = {"symnet": lambda: fn(theta, X, y)}
    if installed("torch"):
        model = peers.torch_model(theta, sizes)
        step = peers.torch_value_and_grad(model, X, y)
        check(name, "PyTorch", step().item(), peers.torch_flat_grad(model), reference)
        out["PyTorch"] = step
    hand, first = peers.jax_value_and_grad(theta, X, y, sizes)
    check(name, "JAX jit", *first(), reference)
    out["JAX"] = hand
    return out


def table(rounds: int, quick: bool) -> str:
    if installed("torch"):
        import torch

        torch.set_num_threads(1)
    lines = ["| network | batch | symnet backend | symnet µs | PyTorch µs | JAX jit µs | symnet/PyTorch × | "
             "symnet/JAX × |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for name, sizes in NETWORKS[:1] if quick else NETWORKS:
        fn = value_and_grad(squared_error(seed_network() if sizes is None else mlp(sizes)))
        for batch in BATCHES[:2] if quick else BATCHES:
            times = rounds_of(calls(name, sizes, batch, fn), rounds)
            med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
            ratio = {k: statistics.median(a / b for a, b in zip(times["symnet"], v)) for k, v in times.items()}
            torch_us, torch_ratio = ((f"{med['PyTorch']:.1f}", f"{ratio['PyTorch']:.3g}") if "PyTorch" in med
                                     else ("—", "—"))
            lines.append(f"| {name} | {batch} | {fn.backend} | {med['symnet']:.1f} | {torch_us} | {med['JAX']:.1f} | "
                         f"{torch_ratio} | {ratio['JAX']:.3g} |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="the seed network at batch 1 and 32 (CI)")
    args = parser.parse_args(argv)
    print(table(3 if args.quick else args.rounds, args.quick))


if __name__ == "__main__":
    main()
