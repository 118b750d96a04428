"""Scalar MLPs: the fused LLVM loop beside the matrix road (the layer twin's BLAS code), issue 23 item 2.

For 2-8-8-1, 2-16-16-1, 2-32-32-1 (with ``--wide`` also 2-64-64-1 and 8-64-64-1, whose fused loops take
minutes to compile) (sigmoid, mean squared error, float64; ``mlp`` has
one output, so the issue's 8-64-64-3 is 8-64-64-1 here) it builds ``value_and_grad(loss, backend=…)`` for
``"fused"`` and ``"matrix"`` (build seconds: symbolic gradient plus compilation), checks that the two
agree (loss and gradient to 1e-12), then times both round by round (rotated, ``bench_backends.rounds_of``) at
batch 1, 32, 1024 and 65536. The ratio is the median of per-round ratios matrix/fused: below 1, the matrix
road is faster. ``backend="auto"`` takes the road ``symnet.numeric.mlp_road.prefer_matrix`` names (last column).

    python benchmarks/bench_mlp_road.py [--rounds 7] [--quick] [--wide]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")         # one BLAS thread, as every table here: set before NumPy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from bench_backends import rounds_of  # noqa: E402

from symnet import mlp, squared_error, value_and_grad  # noqa: E402
from symnet.core.dense import dense_stack  # noqa: E402
from symnet.numeric.mlp_road import prefer_matrix  # noqa: E402

NETWORKS = ([2, 8, 8, 1], [2, 16, 16, 1], [2, 32, 32, 1])
WIDE = ([2, 64, 64, 1], [8, 64, 64, 1])    # --wide: their fused loops take minutes each to compile
BATCHES = (1, 32, 1024, 65536)


def built(loss, backend):
    """(compiled loss, seconds to build it)."""
    start = time.perf_counter()
    fn = value_and_grad(loss, backend=backend)
    return fn, time.perf_counter() - start


def agree(fused, matrix, sizes) -> None:
    """The two roads' loss and gradient equal to 1e-12 on one batch, or ``AssertionError``."""
    rng = np.random.default_rng(1)
    theta, X, y = 0.5 * rng.standard_normal(len(fused.params)), rng.normal(size=(64, sizes[0])), rng.uniform(size=64)
    (a, ga), (b, gb) = fused(theta, X, y), matrix(theta, X, y)
    scale = max(1.0, abs(a), float(np.max(np.abs(ga))))
    if abs(a - b) > 1e-12 * scale or np.max(np.abs(ga - gb)) > 1e-12 * scale:
        raise AssertionError(f"{sizes}: fused and matrix roads disagree ({a} vs {b})")


def rows(sizes, rounds: int, batches) -> list[str]:
    loss = squared_error(mlp(sizes))
    (fused, fused_s), (matrix, matrix_s) = built(loss, "fused"), built(loss, "matrix")
    agree(fused, matrix, sizes)
    auto = "matrix" if prefer_matrix(dense_stack(loss.network)[0], np.float64)[0] else "fused"
    name, rng, out = "-".join(map(str, sizes)), np.random.default_rng(0), []
    theta = 0.5 * rng.standard_normal(len(fused.params))
    for batch in batches:
        X, y = rng.normal(size=(batch, sizes[0])), rng.uniform(size=batch)
        times = rounds_of({"fused": lambda: fused(theta, X, y), "matrix": lambda: matrix(theta, X, y)}, rounds)
        med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
        ratio = statistics.median(m / f for m, f in zip(times["matrix"], times["fused"]))
        out.append(f"| {name} | {batch} | {fused_s:.1f} | {matrix_s:.1f} | {med['fused']:.1f} | {med['matrix']:.1f} | "
                   f"{ratio:.3g} | {auto} |")
        print(out[-1], flush=True)
    return out


def table(rounds: int, quick: bool, wide: bool = False) -> str:
    lines = ["| network | batch | fused build s | matrix build s | fused µs | matrix µs | matrix/fused × | auto |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for sizes in NETWORKS[:1] if quick else NETWORKS + (WIDE if wide else ()):
        lines += rows(sizes, rounds, BATCHES[:2] if quick else BATCHES)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="2-8-8-1 at batch 1 and 32")
    parser.add_argument("--wide", action="store_true", help="also 2-64-64-1 and 8-64-64-1 (minutes of LLVM compile)")
    args = parser.parse_args(argv)
    print(table(3 if args.quick else args.rounds, args.quick, args.wide))


if __name__ == "__main__":
    main()
