"""``symnet check``: the four-way gradient agreement table (backprop, sympy.diff, the numeric
reverse mode, finite differences), or the same as JSON; exit status 1 on disagreement.

SymPy and NumPy are imported inside the command.
"""

from __future__ import annotations

import sys

import click

from .common import (
    EXIT_CHECK_FAILED,
    Command,
    ascii_option,
    dtype_option,
    echo_out,
    emit,
    examples,
    format_option,
    handle_errors,
    lang_option,
    load_network,
    loss_option,
    make_loss,
    network_options,
    parse_point,
    parse_wrt,
    preload,
    time_limit,
    timeout_option,
)
from .inspect import point_arrays
from .lang import shown_lang
from .matrix_views import matrix_options
from .records import check_record, dumps, number


@click.command(cls=Command, epilog=examples(
    "symnet check mlp:2-3-1:tanh --seed 3",
    "symnet check seed --order 2 --wrt theta5"))
@matrix_options("check")
@network_options
@loss_option
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Check at this point (every input, parameter and y).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the random point and batch (0 or more).")
@click.option("--batch", type=click.IntRange(1, 100_000), default=8, show_default=True,
              help="Rows in the random batch.")
@click.option("--wrt", metavar="NAMES", help="Only these parameters, comma-separated (θN or thetaN: all of neuron N's); "
              "with --order 2, the entries among them.")
@click.option("--order", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: compare every second derivative ∂²L/∂θᵢ∂θⱼ (i ≤ j) instead: compiled Hessian, "
                   "Hessian-vector products, sympy.diff twice, differences of the gradient.")
@dtype_option
@format_option("json", choices=("unicode", "text", "markdown"))
@timeout_option
@ascii_option
@lang_option(expose=False)
@handle_errors
def check(network, expr, inputs, params, activation, loss_name, at, seed, batch, wrt, order, dtype, fmt, timeout,
          ascii):
    """Compare four gradients (backprop, sympy.diff, numeric reverse mode, finite differences).

    \b
    Exit status 1 when any parameter's gradients disagree; 2 when the loss or a
    gradient is not finite at the point. --order 2 compares the Hessian's entries
    four ways instead (sympy.diff twice is the slow one: the seed network's 66
    entries take about half a minute; --wrt theta5 checks six). --format json
    prints the table for scripts. --dtype float32 checks the float32 backprop
    against the float64 oracles, with float32's tolerances.
    """
    if at and click.get_current_context().get_parameter_source("batch") == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--batch does not go with --at: --at names the one point to check (drop one of them)")
    preload(numeric=True)
    with time_limit(timeout, "the gradient check", "name fewer parameters with --wrt, or give a larger --timeout"):
        net = load_network(network, expr, inputs, params, activation)
        target = make_loss(net, loss_name)
        theta, X, y = point_arrays(target, parse_point(at, target)) if at else random_check_point(target, seed, batch)
        report = quiet_check(target, theta, X, y, seed, order, parse_wrt(wrt, target) or None, dtype)
    require_finite(report)
    if fmt == "json":
        emit(dumps(check_record(report, target, theta, X)), None, ascii, "json")
    else:
        echo_out(render_report(report, net.params, fmt, shown_lang(sys.stdout)), ascii=ascii)
    if not report.ok:
        raise SystemExit(EXIT_CHECK_FAILED)


def random_check_point(target, seed: int, batch: int):
    """A reproducible (θ, X, y) of ``batch`` samples for any network, by the shapes of its program: θ entry by entry
    (a scalar parameter N(0, 1), an array's entries N(0, 1/fan-in)), X one row of the inputs' entries per sample,
    y a number in [0, 1] per target entry, or a class label for a softmax output. A scalar network's is
    ``symnet.numeric.gradcheck.random_point``'s, number for number (what ``derive --at random:SEED`` reads)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    program, network = target.program, target.network
    theta = np.concatenate([rng.normal(scale=1 / np.sqrt(_cols(p)), size=_size(p)) for p in program.params] or
                           [np.zeros(0)])
    X = rng.normal(size=(batch, sum(_size(m) for m in program.inputs if m != target.target)))
    k = _size(target.target)
    if getattr(network, "output_activation", None) == "softmax":
        return theta, X, rng.integers(0, k, size=batch)
    return theta, X, rng.uniform(size=batch if k == 1 and not hasattr(target.target, "shape") else (batch, k))


def _size(symbol) -> int:
    """The number of entries of a symbol: 1 for a scalar, rows × columns for a matrix."""
    rows, cols = getattr(symbol, "shape", (1, 1))
    return int(rows * cols)


def _cols(symbol) -> int:
    return int(getattr(symbol, "shape", (1, 1))[1])


def quiet_check(target, theta, X, y, seed: int, order: int = 1, wrt=None, dtype="float64"):
    """``check_grads`` with NumPy's warnings (log of a negative number, …) silenced: the report says it."""
    import warnings

    import numpy as np

    from symnet.numeric.gradcheck import check_grads

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_grads(target, theta, X, y, seed=seed, order=order, wrt=wrt, dtype=dtype)


def require_finite(report) -> None:
    """ValueError (exit 2) when the loss or any gradient in the report is nan or infinite."""
    import math

    entry = "∂²L/∂{}" if getattr(report, "order", 1) == 2 else "∂L/∂{}"
    values = [("L", report.loss)] + [(entry.format(r.param.replace(",", "∂")), v)
                                     for r in report.rows for v in r.values if v is not None]
    name, value = next(((n, v) for n, v in values if not math.isfinite(v)), (None, None))
    if name is not None:
        what = "the loss" if name == "L" else ("its Hessian" if name.startswith("∂²") else "its gradient")
        raise ValueError(f"{what} is not finite at this point ({name} = {value}); choose another point with --at "
                         f"or --seed")


def render_report(report, params, fmt: str, lang: str = "en") -> str:
    """The agreement table, parameter names printed as ``fmt`` prints them (w₁,₁ or w1_1), words in ``lang``."""
    from dataclasses import replace

    from symnet.render.check_table import check_table
    from symnet.render.printing import format_expr

    names = {p.name: format_expr(p, "text" if fmt == "text" else "unicode") for p in params}
    shown = replace(report, rows=tuple(replace(r, param=names.get(r.param, r.param)) for r in report.rows))
    if lang != "en":
        return check_table(shown, lang, "markdown" if fmt == "markdown" else "text")
    return shown._repr_markdown_() if fmt == "markdown" else str(shown)
