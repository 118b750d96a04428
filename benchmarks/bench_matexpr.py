"""A typed matrix loss beside the NumPy a person writes by hand: logistic regression at N = 10⁵, d = 100.

    symnet     ``symnet.value_and_grad(matrix_loss("sum(log(exp(-y.*(X*w)) + vector(1)))", …))``: the generated
               function on already checked data (``fn.run``, what a training loop calls), and the public call
               ``fn(theta, X, y)`` (shapes checked first; the data are searched for NaN/inf only when a
               result is not finite)
    hand       z = X @ w; value = logaddexp(0, −y z).sum(); g = −Xᵀ(y ⊙ σ(−y z))

Both are checked equal first, then timed round by round (alternating, so load on the shared machine hits
both alike); the ratio printed is the median of the per-round ratios. Target (issue 19): ≤ 1.2× the hand
gradient. Tests never assert times.

    python benchmarks/bench_matexpr.py [--rounds 15] [--n 100000] [--d 100]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.special import expit

TEXT = "sum(log(exp(-y.*(X*w)) + vector(1)))"
TARGET = 1.2


def hand(w, X, y):
    """The logistic loss and its gradient as a NumPy user writes them (labels ±1)."""
    z = X @ w
    return np.logaddexp(0.0, -y * z).sum(), -(X.T @ (y * expit(-y * z)))


def build(d: int):
    """The compiled typed loss, and the seconds its parse + derive + compile took."""
    from symnet import value_and_grad
    from symnet.io.matrix_build import matrix_loss

    start = time.perf_counter()
    fn = value_and_grad(matrix_loss(TEXT, f"X=N x {d}, y=N, w={d}"))
    return fn, time.perf_counter() - start


def seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--d", type=int, default=100)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    X, w = rng.normal(size=(args.n, args.d)), rng.normal(size=args.d) / np.sqrt(args.d)
    y = np.sign(rng.normal(size=args.n))
    fn, build_seconds = build(args.d)
    _, checked, _ = fn.checker(w, X, y)
    ours, mine, public = hand(w[:, None], X, y[:, None]), fn.run(checked, None, w), fn(w, X, y)
    for value, g in (mine, public):          # peers checked equal before timing
        assert np.isclose(value, ours[0], rtol=1e-12) and np.allclose(g, ours[1].ravel(), rtol=1e-10, atol=1e-12)
    ratios, public_ratios, times = [], [], {"hand": [], "symnet": [], "public": []}
    for _ in range(args.rounds):
        t_hand = seconds(lambda: hand(w[:, None], X, y[:, None]))
        t_run = seconds(lambda: fn.run(checked, None, w))
        t_public = seconds(lambda: fn(w, X, y))
        for key, t in (("hand", t_hand), ("symnet", t_run), ("public", t_public)):
            times[key].append(t)
        ratios.append(t_run / t_hand)
        public_ratios.append(t_public / t_hand)
    result = {"n": args.n, "d": args.d, "build_seconds": build_seconds,
              **{f"{k}_ms": 1e3 * statistics.median(v) for k, v in times.items()},
              "ratio": statistics.median(ratios), "public_ratio": statistics.median(public_ratios)}
    print(f"logistic regression, N = {args.n}, d = {args.d}, float64, {args.rounds} rounds")
    print(f"  build (parse, derive, compile): {build_seconds:.3f} s")
    print(f"  hand NumPy {result['hand_ms']:.2f} ms | symnet generated {result['symnet_ms']:.2f} ms "
          f"| symnet public call {result['public_ms']:.2f} ms")
    print(f"  ratio symnet/hand {result['ratio']:.3f} (target ≤ {TARGET}) | public/hand {result['public_ratio']:.3f}")
    return result


if __name__ == "__main__":
    main()
