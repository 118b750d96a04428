"""Build time (``mlp`` + symbolic gradient + compile) against parameter count, per network family.

Families: 2-h-h-1 (wider), deep 2-2ᵈ-1 (deeper), wide-input n-16-1 (more inputs). The exponent is the
slope of log(build seconds) on log(parameters), fitted over the family: 1 means linear. It is fitted to the
symbolic pipeline on one road (``backend="numpy"``: the gradient program and its NumPy code); the default
build (``backend="auto"``: the fused LLVM loop for small programs, the matrix road for large dense stacks) is
shown beside it, but it changes road with the size, so no exponent is fitted to it. Each size is the best of
three builds (one with ``--quick``).

    python benchmarks/bench_build.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sympy.core.cache import clear_cache

from symnet import mlp, value_and_grad

FAMILIES = {"2-h-h-1": lambda h: [2, h, h, 1], "2-2^d-1": lambda d: [2] + [2] * d + [1],
            "n-16-1": lambda n: [n, 16, 1]}
SIZES = {"2-h-h-1": (4, 8, 16, 32), "2-2^d-1": (4, 8, 16, 32, 64), "n-16-1": (8, 16, 32, 64, 128)}
QUICK_SIZES = {"2-h-h-1": (2, 4), "2-2^d-1": (2, 4), "n-16-1": (2, 4)}


def build_seconds(sizes, repeat: int = 1, backend: str = "numpy") -> tuple[int, float, str]:
    """(parameters, the best of ``repeat`` build times, the road taken): the least-disturbed run on a shared
    machine."""
    best = float("inf")
    for _ in range(repeat):
        clear_cache()            # every build cold: SymPy's cache would otherwise hand the 2nd build the 1st's work
        start = time.perf_counter()
        net = mlp(sizes)
        fn = value_and_grad(net, backend=backend)
        best = min(best, time.perf_counter() - start)
    return len(net.params), best, fn.backend


def table(quick: bool) -> list[str]:
    lines = ["| family | sizes | parameters | build s (numpy) | exponent | default build s (road) |",
             "|---|---|---|---|---:|---|"]
    for family, sizes in (QUICK_SIZES if quick else SIZES).items():
        runs = [build_seconds(FAMILIES[family](s), 1 if quick else 3) for s in sizes]
        params, seconds = np.array([r[0] for r in runs], float), np.array([r[1] for r in runs])
        slope = float(np.polyfit(np.log(params), np.log(seconds), 1)[0])
        default = [build_seconds(FAMILIES[family](s), 1, "auto") for s in sizes]
        lines.append(f"| {family} | {', '.join(map(str, sizes))} | {', '.join(str(int(p)) for p in params)} | "
                     f"{', '.join(f'{s:.3f}' for s in seconds)} | {slope:.2f} | "
                     f"{', '.join(f'{d[1]:.2f} ({d[2]})' for d in default)} |")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print("\n".join(table(parser.parse_args().quick)))
