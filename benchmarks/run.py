"""One benchmark command: every system side by side in one run, written to ``benchmarks/RESULTS.md``.

Networks: the seed network, 2-3-3-3-1, 2-4-4-4-4-1, 2-8-8-1, 2-16-16-1, 2-2¹⁰-1 (sigmoid, squared
error) and the layer networks 64-32-10 and 784-128-10 (ReLU, softmax cross-entropy). Systems: symnet
(NumPy, JAX, fused), naive ``sympy.diff`` + ``lambdify(cse=True)`` under a timeout, micrograd, HIPS
autograd, PyTorch (one thread), JAX ``jit`` written by hand, hand-written NumPy backprop (layers);
the seed network's Hessian and Hessian-vector product beside ``jax.jit(jax.hessian)`` and PyTorch's.
Every system's loss and gradient are checked against symnet's before it is timed. Times are medians
of interleaved rounds; ratios are taken within one run. ``--quick`` uses tiny sizes (CI runs it).

    python -m benchmarks.run [--quick] [--rounds 11] [--out benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* scripts beside this one


import bench_backends  # noqa: E402
import bench_build  # noqa: E402
import bench_core  # noqa: E402
import bench_hessian  # noqa: E402
import bench_systems  # noqa: E402
import bench_training  # noqa: E402
import targets  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
SCALAR = (("seed", None), ("2-3-3-3-1", [2, 3, 3, 3, 1]), ("2-4-4-4-4-1", [2, 4, 4, 4, 4, 1]),
          ("2-8-8-1", [2, 8, 8, 1]), ("2-16-16-1", [2, 16, 16, 1]), ("2-2^10-1", [2] + [2] * 10 + [1]))
LAYER = ("64-32-10", "784-128-10")
QUICK = {"scalar": (("seed", None),), "layer": ("8-4-3",), "batch": 32, "rounds": 3,
         "timeout": 3.0, "steps": 50, "quick": True}
FULL = {"scalar": SCALAR, "layer": LAYER, "batch": 1024, "rounds": 11, "timeout": 20.0, "steps": 1000, "quick": False}


def interleaved(calls: dict, rounds: int) -> dict:
    """Median seconds per call of each entry over rotated rounds (``bench_backends.rounds_of``)."""
    return {k: statistics.median(v) for k, v in bench_backends.rounds_of(calls, rounds).items()}


def peak_kib(call) -> float:
    """Peak memory traced during one call (NumPy and Python allocations; native JAX/PyTorch buffers are not seen)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def network_rows(name, systems, rounds):
    """Rows (network, system, build s, µs per gradient, × symnet NumPy, grad/forward ×, peak KiB)."""
    grads = interleaved({k: s.grad for k, s in systems.items()}, rounds)
    forwards = interleaved({k: s.forward for k, s in systems.items() if s.forward}, rounds)
    base = grads["symnet numpy"]
    rows = []
    for key, s in systems.items():
        ratio = f"{grads[key] / forwards[key]:.2f}" if key in forwards else "—"  # both on the same samples
        peak = f"{peak_kib(s.grad):.0f}" if s.traced else "n/a"
        rows.append(f"| {name} | {key} | {s.build:.3f} | {grads[key] * s.scale * 1e6:.1f} | "
                    f"{grads[key] * s.scale / base:.2f} | {ratio} | {peak} |")
    return rows


def main_table(cfg) -> list[str]:
    head = ["| network | system | build+compile s | µs per gradient | × symnet numpy | gradient/forward × | "
            "peak KiB |", "|---|---|---:|---:|---:|---:|---:|"]
    rows = []
    for name, sizes in cfg["scalar"]:
        rows += network_rows(name, bench_systems.scalar_systems(name, sizes, cfg), cfg["rounds"])
        print(rows[-1], flush=True)
    for spec in cfg["layer"]:
        rows += network_rows(spec, bench_systems.layer_systems(spec, cfg), cfg["rounds"])
        print(rows[-1], flush=True)
    return head + rows


def ops_table(cfg) -> list[str]:
    """Op counts: symnet's gradient program beside naive sympy.diff + cse (build time too), timeout shown."""
    lines = ["| network | forward ops | symnet gradient ops | gradient/forward ops × | naive build s | "
             "naive ops | naive/forward ops × |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, sizes in cfg["scalar"]:
        net = bench_systems.scalar_network(sizes)
        fwd, bwd, _, _ = bench_core.symnet_row(net, batch=cfg["batch"])
        naive = bench_core.naive_row(net, cfg["timeout"])
        tail = (f"> {cfg['timeout']:g} (timeout) | — | —" if naive is None
                else f"{naive[0]:.2f} | {naive[1]} | {naive[1] / fwd:.2f}")
        lines.append(f"| {name} | {fwd} | {fwd + bwd} | {(fwd + bwd) / fwd:.2f} | {tail} |")
    return lines


def training_table(cfg) -> list[str]:
    lines = ["| 2-8-8-1, 256 samples, SGD | symnet train s | PyTorch loop s | symnet/PyTorch throughput × |",
             "|---|---:|---:|---:|"]
    if not bench_systems.installed("torch"):   # the bench extra brings it; CI's test extra does not
        return ["PyTorch is not installed here (`pip install -e '.[bench]'`), so this comparison is left out."]
    epochs = 16 if cfg["quick"] else 320
    for label, batch in (("full batch", None), ("batch 32", 32)):
        ours, theirs = bench_training.train_vs_torch(epochs // (8 if batch else 1) or 1, batch,
                                                     3 if cfg["quick"] else 7)
        lines.append(f"| {label} | {ours:.3f} | {theirs:.3f} | {theirs / ours:.2f} |")
    return lines


def memory_table(cfg) -> list[str]:
    lines = [f"| network | traced KiB after 10 steps | after {cfg['steps']} steps | growth KiB |", "|---|---:|---:|---:|"]
    for name, sizes in cfg["scalar"][:2] + tuple((spec, "layer") for spec in cfg["layer"]):
        early, late = bench_systems.training_memory(name, sizes, cfg["steps"])
        lines.append(f"| {name} | {early:.0f} | {late:.0f} | {late - early:.0f} |")
    return lines


def machine() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    libraries = ", ".join(f"{label} {of(name)}" for label, name in (
        ("NumPy", "numpy"), ("SciPy", "scipy"), ("SymPy", "sympy"), ("JAX", "jax"), ("llvmlite", "llvmlite"),
        ("PyTorch", "torch"), ("autograd", "autograd"), ("micrograd", "micrograd")))
    return (f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, {libraries}; PyTorch on 1 thread, float64")


def report(cfg, quick: bool) -> str:
    ops = ops_table(cfg)  # first: its naive sympy.diff runs in forked children, before JAX starts threads
    parts = [f"# Benchmark results\n\n`python -m benchmarks.run{' --quick' if quick else ''}`, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}; batch {cfg['batch']}; medians of "
             f"{cfg['rounds']} interleaved rounds. A × column is a ratio within this run; `—`: not applicable; "
             f"peak KiB is what tracemalloc sees (NumPy/Python, `n/a` for native JAX/PyTorch buffers).",
             "## Operation counts (symnet vs naive sympy.diff + lambdify(cse=True))", "\n".join(ops),
             "## Time per gradient", "\n".join(main_table(cfg)),
             "## Training loop (issue 13, target ≥ 1)", "\n".join(training_table(cfg)),
             "## Memory while training (symnet, NumPy backend)", "\n".join(memory_table(cfg)),
             "## Build time vs parameters (fitted exponent; 1 = linear)", "\n".join(bench_build.table(quick))]
    parts += ["## The public call, its generated code and the backends (batch 1 and 1024; × public)",
              bench_backends.table(cfg["rounds"], quick),
              "## Second derivatives of the seed network (issue 20; × symnet's NumPy call)",
              bench_hessian.table(cfg["rounds"], quick)]
    text = "\n\n".join(parts)
    return "\n\n".join([text, "## Targets (issues 12 and 13), read from the tables above",
                          "\n".join(targets.targets_table(text))]) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few rounds (CI)")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    cfg["rounds"] = args.rounds or cfg["rounds"]
    text = report(cfg, args.quick)
    args.out.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
