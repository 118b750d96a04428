"""The inspection commands: ``show``, ``grad``, ``check`` and ``codegen``.

``show`` prints a network four ways (nested f-form, program, closed formula ŷ(x, Θ), parameters);
``grad`` prints ∂L/∂w for every (or the named) parameter, as the compact δ-program by default or
as one closed formula each with ``--expanded``, and evaluates them with ``--at``; ``check`` prints
the four-way gradient agreement table (exit 1 on disagreement); ``codegen`` prints the generated
NumPy source of the loss and its gradient. SymPy and NumPy are imported inside the commands.
"""

from __future__ import annotations

import click

from .common import (
    EXIT_CHECK_FAILED,
    Command,
    ascii_option,
    echo_out,
    emit,
    format_option,
    handle_errors,
    load_network,
    loss_option,
    make_loss,
    network_options,
    output_option,
    parse_point,
    parse_wrt,
    preload,
    render_sections,
    time_limit,
    timeout_option,
)

SHOW_MAX_OPS = 2000      # closed forms larger than this are summarized, not printed
SHOW_MAX_CHARS = 5000    # and nested forms longer than this
DEFAULT_MAX_OPS = 5000   # the size guard of one expanded derivative (symnet.core.program.MAX_EXPANDED_OPS)
MAX_EXPANDED_TOTAL = 200_000   # all expanded derivatives together: printing takes 20-50 µs per operation
OPS_PER_SECOND = 50_000        # a fast machine's printing speed: more than --timeout allows is refused up front


# --- show -------------------------------------------------------------------------------------


@click.command(cls=Command)
@network_options
@format_option("json")
@output_option
@timeout_option
@ascii_option
@handle_errors
def show(network, expr, inputs, params, activation, fmt, output, timeout, ascii):
    """Print a network: its nested f-form, program, closed formula and parameters.

    \b
    NETWORK: seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, a JSON network file,
    or --expr "FORMULA" --inputs x1,x2. --format json writes the network file format.
    """
    preload()
    with time_limit(timeout, "showing the network"):
        net = load_network(network, expr, inputs, params, activation)
        text = render_network(net, fmt)
    emit(text, output, ascii, fmt)


def render_network(net, fmt: str) -> str:
    """The ``show`` text of ``net`` in ``fmt`` (text, unicode, latex, markdown or json)."""
    from symnet.render.printing import format_assignments, format_expr, program_pairs

    if fmt == "json":
        from symnet.io.netfile import dumps

        return dumps(net)
    closed = closed_form_pair(net)
    sections = (("network", nested_text(net, fmt)),
                ("inputs", ", ".join(format_expr(s, fmt) for s in net.inputs)),
                (f"parameters ({len(net.params)})", ", ".join(format_expr(s, fmt) for s in net.params)),
                ("program", format_assignments(program_pairs(net.program), fmt)),
                ("closed form", closed if isinstance(closed, str) else format_assignments([closed], fmt)))
    return render_sections(sections, fmt)


def nested_text(net, fmt: str) -> str:
    """The nested f-form in ``fmt``, or a note when repeating shared neurons makes it too long."""
    from symnet.io.netfile import printed_length
    from symnet.render.printing import format_expr

    length = printed_length(net.nested)
    if length > SHOW_MAX_CHARS:
        return (f"(at least {length} characters written out, because shared neurons repeat; the program below "
                f"lists each neuron once)")
    return format_expr(net.nested, fmt)


def closed_form_pair(net):
    """(ŷ, closed formula), or a note when the formula is too large to print."""
    from sympy import Symbol

    size = net.program.tree_size(net.output)
    if size > SHOW_MAX_OPS:
        return f"(about {size} operations: too large to print; the program above computes it step by step)"
    return Symbol("yhat"), net.concrete()


# --- grad -------------------------------------------------------------------------------------


@click.command(cls=Command)
@network_options
@loss_option
@click.option("--wrt", metavar="NAMES", help="Only these, comma-separated, e.g. w1_1,b5; θN or thetaN means all of "
              "neuron N's parameters; inputs may be named too (default: every parameter).")
@click.option("--expanded", is_flag=True, help="One closed formula per parameter instead of the δ-program.")
@click.option("--max-ops", type=click.IntRange(1, 10**6), default=DEFAULT_MAX_OPS, show_default=True,
              help=f"Size limit of one expanded formula (all together: at most {MAX_EXPANDED_TOTAL}).")
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Also evaluate at this point: every input, parameter and y.")
@format_option("json")
@output_option
@timeout_option
@ascii_option
@handle_errors
def grad(network, expr, inputs, params, activation, loss_name, wrt, expanded, max_ops, at, fmt, output, timeout, ascii):
    """Print ∂L/∂w for every (or the named) parameter.

    \b
    Compact by default: the forward program, the backward sweep of δ's, and
    each ∂L/∂w in δ symbols. --expanded gives one closed formula per
    parameter (refused when too large). --at x1=1,x2=2,y=1,w1_1=0.5,...
    also prints the numbers.
    """
    preload(numeric=at is not None)
    hint = ("drop --expanded for the compact form, or give a larger --timeout" if expanded
            else "use a smaller network or a larger --timeout")
    with time_limit(timeout, "the gradient", hint):
        net = load_network(network, expr, inputs, params, activation)
        target = make_loss(net, loss_name)
        point = parse_point(at, target) if at is not None else None
        symbols = parse_wrt(wrt, target)
        limits = (max_ops, min(MAX_EXPANDED_TOTAL, int(timeout * OPS_PER_SECOND))) if expanded else None
        text = render_gradient(target, symbols, limits, point, fmt)
    emit(text, output, ascii, fmt)


def render_gradient(target, wrt, expanded, point, fmt: str) -> str:
    """The ``grad`` output: the loss, the derivatives (compact, or expanded under the size limits
    ``expanded`` = (max_ops, total) when given), and their values at ``point``."""
    from sympy import Symbol

    from symnet.core.backprop import grad as symbolic_grad
    from symnet.render.printing import format_assignments
    from symnet.render.show import show

    gradient = symbolic_grad(target, wrt=wrt)
    values = evaluate(target, wrt, point) if point is not None else None
    pairs = expanded_pairs(gradient, *expanded) if expanded else None
    if fmt == "json":
        return gradient_json(target, gradient, pairs, values)
    body = format_assignments(pairs, fmt) if pairs else show(gradient, fmt)
    sections = [("loss", format_assignments([(Symbol("L"), target.display)], fmt)),
                ("derivatives (expanded)" if pairs else "gradient program", body)]
    if values is not None:
        sections.append(("values", format_values(values, fmt)))
    return render_sections(sections, fmt)


def expanded_pairs(gradient, max_ops: int, total_limit: int = MAX_EXPANDED_TOTAL) -> list:
    """(∂L/∂w, closed formula) for each parameter, refused up front (ValueError) when one formula
    would exceed ``max_ops`` operations or all of them together ``total_limit``."""
    from sympy import Derivative

    sizes = [gradient.program.tree_size(gradient.formula(s)) for s in gradient.wrt]
    fix = "drop --expanded to see the compact δ-program"
    for symbol, size in zip(gradient.wrt, sizes):
        if size > max_ops:
            raise ValueError(f"the expanded derivative ∂L/∂{symbol} would have about {size} operations (limit "
                             f"{max_ops}): {fix}, or raise --max-ops (or --wrt fewer parameters)")
    if sum(sizes) > total_limit:
        raise ValueError(f"the expanded derivatives would have about {sum(sizes)} operations in all, more than "
                         f"can be printed within the limits (at most {total_limit}, less with a short --timeout): "
                         f"{fix}, or --wrt fewer parameters")
    out = gradient.forward.outputs[0]
    return [(Derivative(out, s), gradient.expanded(s, max_ops=max(sizes))) for s in gradient.wrt]


def evaluate(target, wrt, point: dict) -> dict:
    """{'L': loss, 'w': ∂L/∂w, …} at the point, from the compiled gradient program (inputs may be in wrt)."""
    import numpy as np

    from symnet.core.backprop import grad as symbolic_grad
    from symnet.numeric.codegen import to_function

    program = symbolic_grad(target, wrt=wrt).program
    fn = to_function(program, program.inputs + program.params, "value_and_grad")
    with np.errstate(all="ignore"):  # log of a negative number: the value printed is nan, no warning
        values = fn(*(point[s.name] for s in program.inputs + program.params))
    return {"L": float(values[0]), **{p.name: float(v) for p, v in zip(wrt, values[1:])}}


def format_values(values: dict, fmt: str) -> str:
    """``L = …`` and ``∂L/∂w = …`` lines (12 significant digits) in ``fmt``."""
    from sympy import Derivative, Symbol

    from symnet.render.printing import format_expr

    loss = Symbol("L")
    lhs = [loss] + [Derivative(loss, Symbol(name)) for name in values if name != "L"]
    numbers = [f"{v:.12g}" for v in values.values()]
    if fmt in ("latex", "markdown"):
        body = " \\\\\n".join(f"{format_expr(s, 'latex')} &= {n}" for s, n in zip(lhs, numbers))
        block = "\\begin{aligned}\n" + body + "\n\\end{aligned}"
        return f"$$\n{block}\n$$" if fmt == "markdown" else block
    return "\n".join(f"{format_expr(s, fmt)} = {n}" for s, n in zip(lhs, numbers))


def gradient_json(target, gradient, pairs, values) -> str:
    """The gradient as JSON: loss, adjoints and derivatives as strings, values as numbers."""
    import json

    data = {"loss": str(target.display), "wrt": [s.name for s in gradient.wrt],
            "forward": {str(a): str(b) for a, b in gradient.forward.assignments},
            "adjoints": {str(a): str(b) for a, b in gradient.adjoints},
            "derivatives": {s.name: str(r) for s, r in zip(gradient.wrt, gradient.results)}}
    if pairs:
        data["expanded"] = {d.variables[0].name: str(e) for d, e in pairs}
    if values is not None:
        data["values"] = values
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- check ------------------------------------------------------------------------------------


@click.command(cls=Command)
@network_options
@loss_option
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Check at this point (every input, parameter and y).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the random point and batch (0 or more).")
@click.option("--batch", type=click.IntRange(1, 100_000), default=8, show_default=True,
              help="Rows in the random batch.")
@format_option(choices=("unicode", "text", "markdown"))
@timeout_option
@ascii_option
@handle_errors
def check(network, expr, inputs, params, activation, loss_name, at, seed, batch, fmt, timeout, ascii):
    """Compare four gradients (backprop, sympy.diff, numeric reverse mode, finite differences).

    Exit status 1 when any parameter's gradients disagree; 2 when the loss or a gradient is not
    finite at the point.
    """
    from symnet.numeric.gradcheck import random_point

    preload(numeric=True)
    with time_limit(timeout, "the gradient check"):
        net = load_network(network, expr, inputs, params, activation)
        target = make_loss(net, loss_name)
        theta, X, y = point_arrays(target, parse_point(at, target)) if at else random_point(target, seed, batch)
        report = quiet_check(target, theta, X, y, seed)
    require_finite(report)
    echo_out(render_report(report, net.params, fmt), ascii=ascii)
    if not report.ok:
        raise SystemExit(EXIT_CHECK_FAILED)


def quiet_check(target, theta, X, y, seed: int):
    """``check_grads`` with NumPy's warnings (log of a negative number, …) silenced: the report says it."""
    import warnings

    import numpy as np

    from symnet.numeric.gradcheck import check_grads

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_grads(target, theta, X, y, seed=seed)


def require_finite(report) -> None:
    """ValueError (exit 2) when the loss or any gradient in the report is nan or infinite."""
    import math

    values = [("L", report.loss)] + [(f"∂L/∂{r.param}", v) for r in report.rows for v in r.values if v is not None]
    name, value = next(((n, v) for n, v in values if not math.isfinite(v)), (None, None))
    if name is not None:
        what = "the loss" if name == "L" else "its gradient"
        raise ValueError(f"{what} is not finite at this point ({name} = {value}); choose another point with --at "
                         f"or --seed")


def render_report(report, params, fmt: str) -> str:
    """The agreement table, parameter names printed as ``fmt`` prints them (w₁,₁ or w1_1)."""
    from dataclasses import replace

    from symnet.render.printing import format_expr

    names = {p.name: format_expr(p, "text" if fmt == "text" else "unicode") for p in params}
    shown = replace(report, rows=tuple(replace(r, param=names.get(r.param, r.param)) for r in report.rows))
    return shown._repr_markdown_() if fmt == "markdown" else str(shown)


def point_arrays(target, point: dict):
    """(theta, X, y) arrays of one sample from a ``--at`` point."""
    import numpy as np

    net = target.network
    theta = np.array([point[p.name] for p in net.params])
    return theta, np.array([[point[s.name] for s in net.inputs]]), np.array([point[target.target.name]])


# --- codegen ----------------------------------------------------------------------------------


@click.command(cls=Command)
@network_options
@loss_option
@output_option
@timeout_option
@ascii_option
@handle_errors
def codegen(network, expr, inputs, params, activation, loss_name, output, timeout, ascii):
    """Print the generated NumPy source of the loss and its gradient."""
    from symnet.numeric.codegen import value_and_grad

    preload(numeric=True)
    with time_limit(timeout, "code generation"):
        net = load_network(network, expr, inputs, params, activation)
        source = value_and_grad(make_loss(net, loss_name)).source
    emit(source, output, ascii)
