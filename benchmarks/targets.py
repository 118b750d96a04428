"""The issues' performance targets, read back from the tables of one run and marked met or not.

``run.py`` appends this table to ``RESULTS.md``, so the verdict always comes from the numbers printed
above it, measured side by side in the same run (never from an older note). A target whose rows the
run did not measure (``--quick`` leaves most networks out) says so.
"""

from __future__ import annotations

import re

SCALAR_TARGETS = ("seed", "2-4-4-4-4-1")          # issue 13's fused-backend networks
LAYER_TARGETS = ("64-32-10", "784-128-10")        # issue 12's layer networks
DEFAULT_TARGETS = ("seed", "2-8-8-1", "2-4-4-4-4-1", "2-16-16-1")   # issue 23's default-call networks


def tables(text: str) -> dict:
    """{section title: (header cells, rows of cells)} for every markdown table under a ## heading."""
    found = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        lines = [line for line in body.splitlines() if line.startswith("|")]
        if len(lines) > 2:
            cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
            found[title] = (cells[0], cells[2:])
    return found


def _section(found: dict, prefix: str):
    return next((v for t, v in found.items() if t.startswith(prefix)), (None, []))


def _column(header, rows, name, **where) -> dict:
    """{key of the row: float value of column ``name``} for rows matching ``where`` ({column: value})."""
    if header is None or name not in header:
        return {}
    out = {}
    for row in rows:
        if all(row[header.index(k)] == v for k, v in where.items()):
            try:
                out[tuple(row[:2])] = float(row[header.index(name)])
            except ValueError:
                continue
    return out


def _starting(header, rows, name, prefix) -> list[float]:
    """Values of column ``name`` in the rows whose first cell starts with ``prefix``."""
    if header is None or name not in header:
        return []
    return [float(row[header.index(name)]) for row in rows if row[0].startswith(prefix)
            and row[header.index(name)] not in ("—", "")]


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.2g}"


def _verdict(values, limit, at_most=True) -> tuple[str, str]:
    if not values:
        return "not measured in this run", "—"
    worst = max(values) if at_most else min(values)
    met = worst <= limit if at_most else worst >= limit
    low, high = min(values), max(values)
    measured = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
    return measured, "met" if met else "**not met**"


def _time_ratios(found, numerator, denominator, networks) -> list[float]:
    """numerator's time over denominator's per network, from the × symnet numpy column (medians of per-round
    ratios); a system named by its prefix ("symnet default" for "symnet default (fused)")."""
    header, rows = _section(found, "Time per gradient")
    if header is None or "× symnet numpy" not in header:
        return []
    system, ratio = header.index("system"), header.index("× symnet numpy")
    top = {r[0]: float(r[ratio]) for r in rows if r[system].startswith(numerator)}
    bottom = {r[0]: float(r[ratio]) for r in rows if r[system] == denominator}
    return [top[n] / bottom[n] for n in networks if n in top and n in bottom]


def _row(target, values, limit, at_most=True) -> str:
    measured, verdict = _verdict(values, limit, at_most)
    return f"| {target} | {measured} | {verdict} |"


def _issue_20(found) -> list[str]:
    """The seed rows read symnet's default call (``backend="auto"``), the Hessian as a user gets it."""
    header, body = _section(found, "Second derivatives")
    hessian = [r for r in body if r[0] == "Hessian"]
    by = {r[1]: float(r[header.index("× symnet numpy")]) for r in hessian} if header else {}   # per-round ratios
    default = next((s for s in by if s.startswith("symnet default")), None)
    jax, torch = "JAX jit(hessian) by hand", "PyTorch autograd.functional (1 thread)"
    over = lambda peer: [by[default] / by[peer]] if default and peer in by else []   # noqa: E731
    hvp = [float(r[header.index("hvp/gradient ×")]) for r in body if r[0] == "hvp"
           and r[1].startswith("symnet default") and r[header.index("hvp/gradient ×")] != "—"] if header else []
    log_header, log_body = _section(found, "The logistic-regression Hessian")
    return [_row("20 · seed Hessian (symnet's default call) ≤ 1× `jax.jit(jax.hessian)`", over(jax), 1.0),
            _row("20 · seed Hessian ≥ 10× faster than `torch.autograd.functional.hessian` (≤ 0.1×)",
                 over(torch), 0.1),
            _row("20 · seed hvp ≤ 4× the gradient's time (symnet's default calls)", hvp, 4.0),
            _row("20 · logistic-regression Hessian ≤ 1× `jax.jit(jax.hessian)` (d = 10, 100; N = 1000)",
                 _starting(log_header, log_body, "symnet/JAX ×", "d = "), 1.0),
            _row("20 · logistic-regression Hessian ≥ 10× faster than PyTorch's (≤ 0.1×)",
                 _starting(log_header, log_body, "symnet/PyTorch ×", "d = "), 0.1)]


def _issue_23(found) -> list[str]:
    header, body = _section(found, "The default call")
    on = [r for r in body if r[0] in DEFAULT_TARGETS]
    pick = (lambda name: [float(r[header.index(name)]) for r in on if r[header.index(name)] != "—"]) if header \
        else (lambda name: [])
    train_header, train_body = _section(found, "Training loop")
    return [_row("23 · default call ≤ 1.0× PyTorch (batch 1, 32, 1024, 65536; seed, 2-8-8-1, 2-4-4-4-4-1, "
                 "2-16-16-1)",
                 pick("symnet/PyTorch ×"), 1.0),
            _row("23 · default call ≤ 1.5× `jax.jit(value_and_grad)` (same batches and networks)",
                 pick("symnet/JAX ×"), 1.5),
            _row("23 · `train` with defaults ≥ 1.5× an ordinary PyTorch loop's throughput (2-8-8-1)",
                 _starting(train_header, train_body, "symnet/PyTorch throughput ×", "2-8-8-1 · train's"), 1.5,
                 at_most=False),
            _row("23 · `train` with defaults ≥ 1.0× an ordinary PyTorch loop's throughput (784-128-10)",
                 _starting(train_header, train_body, "symnet/PyTorch throughput ×", "784-128-10"), 1.0,
                 at_most=False),
            _row("23 · layer networks' default call ≤ 1.1× NumPy backprop by hand (64-32-10, 784-128-10)",
                 _time_ratios(found, "symnet default", "NumPy backprop (by hand)", LAYER_TARGETS), 1.1),
            _row("23 · layer networks' default call ≤ 1.0× PyTorch",
                 _time_ratios(found, "symnet default", "PyTorch", LAYER_TARGETS), 1.0),
            _row("23 · layer networks on JAX (θ's arrays, X and labels on the device, as the peer holds them) ≤ 1.1× "
                 "`jax.jit(value_and_grad)` by hand",
                 _time_ratios(found, "symnet jax, on the device", "JAX jit (by hand)", LAYER_TARGETS), 1.1)]


def targets_table(text: str) -> list[str]:
    found = tables(text)
    rows = []

    def add(target, values, limit, at_most=True):
        rows.append(_row(target, values, limit, at_most))

    add("12 · layer gradient ≤ 1.2× NumPy backprop by hand (64-32-10, 784-128-10; batch above)",
        _time_ratios(found, "symnet numpy", "NumPy backprop (by hand)", LAYER_TARGETS), 1.2)
    add("12 · layer gradient ≤ 1.5× PyTorch, one thread",
        _time_ratios(found, "symnet numpy", "PyTorch", LAYER_TARGETS), 1.5)
    header, body = _section(found, "Time per gradient")
    builds = _column(header, body, "build+compile s", system="symnet numpy")
    add("12 · layer build + compile ≤ 0.5 s", [builds[k] for k in builds if k[0] in LAYER_TARGETS], 0.5)

    header, body = _section(found, "The public call")
    thin = {b: list(_column(header, body, "public/generated", batch=b).values()) for b in ("1024", "1")}
    add("13 · public call ≤ 1.15× the generated function, batch 1024", thin["1024"], 1.15)
    add("13 · public call ≤ 1.5× the generated function, batch 1", thin["1"], 1.5)
    fused = _column(header, body, "fused µs", batch="1024")
    hand = _column(header, body, "jax-hand µs", batch="1024")
    add("13 · fused ≤ 1× hand-written `jax.jit(value_and_grad)`, batch 1024 (seed, 2-4-4-4-4-1)",
        [fused[k] / hand[k] for k in fused if k[0] in SCALAR_TARGETS and k in hand], 1.0)
    compile_s = _column(header, body, "fused compile s", batch="1024")
    add("13 · fused backend compiles in ≤ 2 s (seed, 2-4-4-4-4-1)",
        [v for k, v in compile_s.items() if k[0] in SCALAR_TARGETS], 2.0)

    header, body = _section(found, "Training loop")
    add("13 · `train` ≥ 1× a one-thread PyTorch loop's throughput (2-8-8-1, SGD)",
        _starting(header, body, "symnet/PyTorch throughput ×", "2-8-8-1 · SGD"), 1.0, at_most=False)
    header, body = _section(found, "Build time vs parameters")
    add("13 · builds linear in the parameters (symbolic pipeline, NumPy road; fitted exponent ≤ 1.15: timings "
        "are noisy)",
        list(_column(header, body, "exponent").values()), 1.15)
    rows += _issue_20(found) + _issue_23(found)
    return ["| target (issue) | measured in this run | |", "|---|---|---|", *rows]
