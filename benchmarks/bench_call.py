"""The cost of the public call around the generated code, interleaved in one run.

For each network and batch size it times, round by round (alternating, so load on the machine hits
both alike), the public call ``fn(theta, X, y)`` and the generated function alone
``fn.function(*columns, y, *theta)`` on the same data, and prints the median times and the median
of the per-round ratios. Targets (issue 13): ≤ 1.15× at batch 1024, ≤ 1.5× at batch 1.

    python benchmarks/bench_call.py [--rounds 41] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from symnet import mlp, seed_network, squared_error, value_and_grad


def timed(call, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def measure(fn, batch: int, rounds: int):
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(size=len(fn.params)), rng.normal(size=(batch, len(fn.inputs))), rng.uniform(size=batch)
    columns, values = list(X.T), theta.tolist()

    def public():
        return fn(theta, X, y)

    def generated():
        return fn.function(*columns, y, *values)

    number = max(1, int(0.01 / max(timed(public, 3), 1e-7)))
    t_public, t_generated, ratios = [], [], []
    for _ in range(rounds):
        a, b = timed(public, number), timed(generated, number)
        t_public.append(a)
        t_generated.append(b)
        ratios.append(a / b)
    return statistics.median(t_public), statistics.median(t_generated), statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--quick", action="store_true", help="few rounds (CI)")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else args.rounds
    print(f"{'network':<10} {'batch':>6} {'public µs':>10} {'generated µs':>13} {'ratio':>6}")
    for name, net in (("seed", seed_network()), ("2-8-8-1", mlp([2, 8, 8, 1]))):
        fn = value_and_grad(squared_error(net))
        for batch in (1, 1024):
            public, generated, ratio = measure(fn, batch, rounds)
            print(f"{name:<10} {batch:>6} {public * 1e6:>10.1f} {generated * 1e6:>13.1f} {ratio:>6.3f}")
    print("ratio = median over rounds of (public call / generated function), measured alternately in one run")


if __name__ == "__main__":
    main()
