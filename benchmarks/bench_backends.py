"""symnet's call beside its generated code, its JAX backend and JAX written by hand, in one run.

For the seed network and MLPs (2-8-8-1, 2-4-4-4-4-1) at batch 1 and 1024 it times, round by round
(alternating, so load on the shared machine hits all alike):

  generated   the generated NumPy function alone, ``fn.function(*columns, y, *theta)``
  public      the public NumPy call ``value_and_grad(loss, backend="numpy")(theta, X, y)`` (checks the batch,
              then runs the generated code)
  jax         ``value_and_grad(loss, backend="jax")(theta, X, y)``
  fused       ``value_and_grad(loss, backend="fused")(theta, X, y)`` (LLVM; its compile time is printed)
  jax-hand    ``jax.jit(jax.value_and_grad(loss))`` written by hand over a pytree of per-layer arrays kept
              on the device (``peers.jax_value_and_grad``), float64

and prints (or with ``--write`` writes ``benchmarks/RESULTS.md``) the median time of each and the
median of the per-round ratios to ``public``. Targets (issue 13): public ≤ 1.15× generated at
batch 1024 and ≤ 1.5× at batch 1. Tests never assert times; only same-run ratios mean anything.

    python benchmarks/bench_backends.py [--rounds 31] [--quick] [--write]
"""

from __future__ import annotations

import argparse
import platform
import sys
import statistics
import time
from pathlib import Path

import numpy as np

from symnet import mlp, seed_network, squared_error, value_and_grad

RESULTS = Path(__file__).with_name("RESULTS.md")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # peers.py beside this script


def timed(call, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def rounds_of(calls: dict, rounds: int, seconds: float = 0.005) -> dict:
    """Seconds per call of each entry in each of ``rounds`` rounds, each turn ≈ ``seconds`` long.

    The entries take turns within a round, so load on the shared machine hits all alike, and the order
    rotates from round to round: a call that always ran right after another library's would run with
    that library's cache leftovers (10–20% at these sizes). Every benchmark here times through this.
    """
    # calls per turn from the best of three single calls: a first call (cold caches, lazy setup) would give the
    # first entry one call per turn and a timing that pays the previous entry's cache leftovers in full
    number = {k: max(1, int(seconds / max(min(timed(c, 1) for _ in range(3)), 1e-7))) for k, c in calls.items()}
    times, keys = {k: [] for k in calls}, list(calls)
    for r in range(rounds):
        for key in keys[r % len(keys):] + keys[:r % len(keys)]:
            times[key].append(timed(calls[key], number[key]))
    return times


def measure(name, net, sizes, batch, rounds):
    loss = squared_error(net)
    import peers

    fn, jfn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="jax")
    start = time.perf_counter()
    ffn = value_and_grad(loss, backend="fused")
    compile_fused = time.perf_counter() - start
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(size=len(fn.params)), rng.normal(size=(batch, len(fn.inputs))), rng.uniform(size=batch)
    columns, values = list(X.T), theta.tolist()
    value, grad = fn(theta, X, y)
    hand, first = peers.jax_value_and_grad(theta, X, y, sizes)   # a pytree of per-layer arrays, on the device
    hand_value, hand_grad = first()
    assert abs(hand_value - value) < 1e-12 and np.allclose(hand_grad, grad, atol=1e-12), "JAX by hand differs"
    calls = {"generated": lambda: fn.function(*columns, y, *values), "public": lambda: fn(theta, X, y),
             "jax": lambda: jfn(theta, X, y), "fused": lambda: ffn(theta, X, y),
             "jax-hand": hand}
    times = rounds_of(calls, rounds)
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratios = {k: statistics.median(a / b for a, b in zip(v, times["public"])) for k, v in times.items()}
    medians["compile"] = compile_fused
    return medians, ratios


def table(rounds, quick) -> str:
    nets = [("seed", seed_network(), None)]
    if not quick:
        nets += [("2-8-8-1", mlp([2, 8, 8, 1]), [2, 8, 8, 1]), ("2-4-4-4-4-1", mlp([2, 4, 4, 4, 4, 1]), [2, 4, 4, 4, 4, 1])]
    keys = ("generated", "public", "jax", "fused", "jax-hand")
    lines = ["| network | batch | " + " | ".join(f"{k} µs" for k in keys) + " | public/generated | "
             "jax/public | fused/public | jax-hand/public | fused compile s |", "|---|---:|" + "---:|" * (len(keys) + 5)]
    for name, net, sizes in nets:
        for batch in (1, 1024):
            med, ratio = measure(name, net, sizes, batch, rounds)
            lines.append(f"| {name} | {batch} | " + " | ".join(f"{med[k] * 1e6:.1f}" for k in keys)
                         + f" | {1 / ratio['generated']:.3f} | {ratio['jax']:.3f} | {ratio['fused']:.3f} | "
                           f"{ratio['jax-hand']:.3f} | {med['compile']:.1f} |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--quick", action="store_true", help="few rounds, the seed network only (CI)")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    import jax
    import scipy
    import sympy

    body = table(5 if args.quick else args.rounds, args.quick)
    machine = (f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}, NumPy "
               f"{np.__version__}, SciPy {scipy.__version__}, SymPy {sympy.__version__}, JAX {jax.__version__}")
    text = (f"# Benchmark results\n\n`python benchmarks/bench_backends.py --write`, {time.strftime('%Y-%m-%d')}; "
            f"{machine}; float64; medians of interleaved rounds; a ratio is the median of per-round ratios "
            f"(public/generated = cost of the checked call around the generated code).\n\n{body}\n")
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
