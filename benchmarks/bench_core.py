"""Core benchmark: symnet's gradient program against naive sympy.diff, side by side in one run.

For the seed network, MLPs 2-2ᵈ-1 (d = 1…10) and 2-4ᵈ-1 (d = 1…5) it prints
  forward ops | backward ops | backward/forward | total/forward   (SymPy count_ops of the programs)
  build+compile seconds of symnet's value_and_grad
  compiled (loss + gradient) time / compiled forward-loss time at batch 1024
  naive: sympy.diff of the closed-form loss per parameter + lambdify(cse=True): seconds and the
         op count after cse, or "timeout" after --timeout seconds (run in a child process).
Only ratios and same-run comparisons are meaningful: the machines are shared and noisy.

    python benchmarks/bench_core.py [--timeout 20] [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
import timeit

import numpy as np
import sympy

from symnet import grad, mlp, seed_network, squared_error, value_and_grad
from symnet.core.activations import rewrite_activations
from symnet.core.program import Program
from symnet.numeric.generation import generate, mean_outputs


def networks(quick: bool):
    yield "seed", seed_network()
    for d in range(1, 4 if quick else 11):
        yield f"2-2^{d}-1", mlp([2] + [2] * d + [1])
    for d in range(1, 3 if quick else 6):
        yield f"2-4^{d}-1", mlp([2] + [4] * d + [1])


def best_time(fn, repeat=5) -> float:
    number = max(1, int(0.02 / max(timeit.timeit(fn, number=1), 1e-6)))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def symnet_row(net, batch=1024):
    loss = squared_error(net)
    start = time.perf_counter()
    fn = value_and_grad(loss)
    build = time.perf_counter() - start
    g = grad(loss)
    forward, total = g.forward.count_ops(), g.program.count_ops()
    program = loss.program
    assignments, outputs = mean_outputs(program)  # the mean loss, as value_and_grad returns it
    forward_fn = generate(program.inputs + program.params, outputs, assignments, "loss").function
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(size=len(net.params)), rng.normal(size=(batch, len(net.inputs))), rng.uniform(size=batch)
    cols = list(X.T)
    t_forward = best_time(lambda: forward_fn(*cols, y, *theta))
    t_grad = best_time(lambda: fn.function(*cols, y, *theta))
    return forward, total - forward, build, t_grad / t_forward


def _naive(loss_program: Program, params, queue):
    start = time.perf_counter()
    closed = rewrite_activations(loss_program.closed_form()[0])
    derivatives = [sympy.diff(closed, p) for p in params]
    replacements, reduced = sympy.cse(derivatives)
    sympy.lambdify(list(loss_program.inputs + loss_program.params), derivatives, modules="numpy", cse=True)
    ops = sum(sympy.count_ops(r) for _, r in replacements) + sum(sympy.count_ops(e) for e in reduced)
    queue.put((time.perf_counter() - start, ops))


def naive_row(net, timeout: float):
    queue = mp.get_context("fork").Queue()
    loss = squared_error(net)
    proc = mp.get_context("fork").Process(target=_naive, args=(loss.program, net.params, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds allowed for naive sympy.diff")
    parser.add_argument("--quick", action="store_true", help="a few small networks only")
    args = parser.parse_args(argv)
    head = (f"{'network':<10} {'params':>6} {'fwd ops':>8} {'bwd ops':>8} {'bwd/fwd':>7} {'tot/fwd':>7} "
            f"{'build s':>8} {'grad/fwd t':>10} | {'naive s':>8} {'naive ops':>9} {'naive/fwd':>9}")
    print(head)
    print("-" * len(head))
    for name, net in networks(args.quick):
        fwd, bwd, build, time_ratio = symnet_row(net)
        naive = naive_row(net, args.timeout)
        naive_cols = (f"{'timeout':>8} {'—':>9} {'—':>9}" if naive is None
                      else f"{naive[0]:8.2f} {naive[1]:9d} {naive[1] / fwd:9.1f}")
        print(f"{name:<10} {len(net.params):6d} {fwd:8d} {bwd:8d} {bwd / fwd:7.2f} {(fwd + bwd) / fwd:7.2f} "
              f"{build:8.3f} {time_ratio:10.2f} | {naive_cols}", flush=True)
    print(f"\nnaive = sympy.diff of the closed-form loss for every parameter + lambdify(cse=True), "
          f"timeout {args.timeout:g} s; ops are SymPy count_ops; times are best of 5 at batch 1024.")


if __name__ == "__main__":
    main()
