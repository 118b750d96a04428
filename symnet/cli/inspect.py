"""The inspection commands: ``show``, ``grad`` and ``codegen`` (``check`` lives in ``check``).

``show`` prints a network four ways (nested f-form, program, closed formula ŷ(x, Θ), parameters);
``grad`` prints ∂L/∂w for every (or the named) parameter, as the compact δ-program by default or
as one closed formula each with ``--expanded``, and evaluates them with ``--at``; ``codegen`` prints
the generated NumPy source of the loss and its gradient. SymPy and NumPy are imported inside the
commands.
"""

from __future__ import annotations

import sys

import click

from .common import (
    Command,
    ascii_option,
    emit,
    examples,
    format_option,
    handle_errors,
    lang_option,
    load_network,
    loss_option,
    make_loss,
    network_options,
    notation,
    output_option,
    parse_point,
    parse_wrt,
    preload,
    render_sections,
    time_limit,
    timeout_option,
)
from .matrix_views import matrix_options

SHOW_MAX_OPS = 2000      # closed forms larger than this are summarized, not printed
SHOW_MAX_CHARS = 5000    # and nested forms longer than this
DEFAULT_MAX_OPS = 5000   # the size guard of one expanded derivative (symnet.core.program.MAX_EXPANDED_OPS)
MAX_EXPANDED_TOTAL = 200_000   # all expanded derivatives together: printing takes 20-50 µs per operation
OPS_PER_SECOND = 50_000        # a fast machine's printing speed: more than --timeout allows is refused up front


# --- show -------------------------------------------------------------------------------------


@click.command(cls=Command, epilog=examples(
    "symnet show seed --format text",
    'symnet show --expr "tanh(w*x + b)" --inputs x'))
@network_options
@format_option("json")
@output_option
@timeout_option
@ascii_option
@lang_option(expose=False)
@handle_errors
def show(network, expr, inputs, params, activation, fmt, output, timeout, ascii):
    """Print a network: its nested f-form, program, closed formula and parameters.

    \b
    NETWORK: seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, a JSON network file
    (or a model file from symnet train: its network), or --expr "FORMULA" --inputs x1,x2.
    --format json writes the network file format.
    """
    preload()
    with time_limit(timeout, "showing the network"):
        net = load_network(network, expr, inputs, params, activation)
        text = notation(render_network(net, fmt), net, ascii, output)
    emit(text, output, ascii, fmt)


def render_network(net, fmt: str) -> str:
    """The ``show`` text of ``net`` in ``fmt`` (text, unicode, latex, markdown or json): its sections, or for a
    network of matrix steps ``symnet.show``'s view (each step with its shape)."""
    from symnet.render.printing import format_assignments, format_expr, program_pairs, shape_aware
    from symnet.render.show import show as shown

    from .lang import shown_lang

    if shape_aware(net):   # the printers' shape-aware view: the spec, the formula, each step with its shape
        if fmt == "json":
            raise click.UsageError(f"{net.spec} has no JSON network-file form (its spec names it); use --format "
                                   f"text, unicode, latex or markdown")
        return shown(net, fmt, lang=shown_lang(sys.stdout)) + "\n"
    if fmt == "json":
        from symnet.io.netfile import dumps

        return dumps(net)
    closed = closed_form_pair(net)
    words = section_words()
    sections = ((words("network"), nested_text(net, fmt)),
                (words("inputs"), ", ".join(format_expr(s, fmt) for s in net.inputs)),
                (words("parameters", n=len(net.params)), ", ".join(format_expr(s, fmt) for s in net.params)),
                (words("program"), format_assignments(program_pairs(net.program), fmt)),
                (words("closed_form"), closed if isinstance(closed, str) else format_assignments([closed], fmt)))
    return render_sections(sections, fmt)


def section_words():
    """``words(name, **fields)``: a section title of show/grad in the language in force (``--lang``)."""
    from symnet.render.i18n import t

    from .lang import shown_lang

    lang = shown_lang(sys.stdout)
    return lambda name, **fields: t(f"cli_section_{name}", lang, **fields)


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


@click.command(cls=Command, epilog=examples(
    "symnet grad seed --wrt w5_1,b5",
    "symnet grad seed:scalar --wrt theta5 --expanded"))
@matrix_options("grad")
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
@lang_option(expose=False)
@handle_errors
def grad(network, expr, inputs, params, activation, loss_name, wrt, expanded, max_ops, at, fmt, output, timeout, ascii):
    """Print ∂L/∂w for every (or the named) parameter.

    \b
    Compact by default: the forward program, the backward sweep of δ's, and
    each ∂L/∂w in δ symbols. --expanded gives one closed formula per
    parameter (refused when too large). --at x1=1,x2=2,y=1,w1_1=0.5,...
    also prints the numbers. --format json prints them as data.
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
    emit(notation(text, target, ascii, output) if fmt != "json" else text, output, ascii, fmt)


def render_gradient(target, wrt, expanded, point, fmt: str) -> str:
    """The ``grad`` output: the loss, the derivatives (compact, or expanded under the size limits
    ``expanded`` = (max_ops, total) when given), and their values at ``point``."""
    from symnet.core.backprop import grad as symbolic_grad
    from symnet.render.printing import format_assignments
    from symnet.render.show import show

    gradient = symbolic_grad(target, wrt=wrt or None)   # () for a network without parameters: all of none
    values = evaluate(target, wrt, point) if point is not None else None
    pairs = expanded_pairs(gradient, *expanded) if expanded else None
    if fmt == "json":
        return gradient_json(target, gradient, pairs, values)
    body = format_assignments(pairs, fmt) if pairs else show(gradient, fmt)
    words = section_words()
    sections = [(words("loss"), format_assignments([(target.program.outputs[0], target.display)], fmt)),
                (words("expanded" if pairs else "gradient_program"), body)]
    if values is not None:
        sections.append((words("values"), format_values(values, fmt)))
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

    if not target.network.params:  # nothing to differentiate: the loss alone
        from symnet.numeric.codegen import expression_function

        names = (*target.network.inputs, target.target)
        value = expression_function(target.program.closed_form()[0], names)(*(point[s.name] for s in names))
        return {"L": float(value)}
    program = symbolic_grad(target, wrt=wrt).program
    fn = to_function(program, program.inputs + program.params, "value_and_grad")
    with np.errstate(all="ignore"):  # log of a negative number: the value printed is nan, no warning
        values = fn(*(point[s.name] for s in program.inputs + program.params))
    return {"L": float(values[0]), **{p.name: float(v) for p, v in zip(wrt, values[1:])}}


def format_values(values: dict, fmt: str) -> str:
    """``L = …`` and ``∂L/∂w = …`` lines (12 significant digits) in ``fmt``."""
    from sympy import Derivative, Symbol

    from symnet.render.printing import aligned, format_expr

    loss = Symbol("L")
    lhs = [loss] + [Derivative(loss, Symbol(name)) for name in values if name != "L"]
    numbers = [f"{v:.12g}" for v in values.values()]
    if fmt in ("latex", "markdown"):
        return aligned([f"{format_expr(s, 'latex')} &= {n}" for s, n in zip(lhs, numbers)], display=fmt == "markdown")
    return "\n".join(f"{format_expr(s, fmt)} = {n}" for s, n in zip(lhs, numbers))


def gradient_json(target, gradient, pairs, values) -> str:
    """The gradient as JSON: loss, adjoints and derivatives as strings, values as numbers (null
    where not finite, e.g. the log of a negative number: JSON has no nan)."""
    from .records import dumps, number

    data = {"loss": str(target.display), "loss_name": target.name, "wrt": [s.name for s in gradient.wrt],
            "forward": {str(a): str(b) for a, b in gradient.forward.assignments},
            "adjoints": {str(a): str(b) for a, b in gradient.adjoints},
            "derivatives": {s.name: str(r) for s, r in zip(gradient.wrt, gradient.results)}}
    if pairs:
        data["expanded"] = {d.variables[0].name: str(e) for d, e in pairs}
    if values is not None:
        data["values"] = {name: number(value) for name, value in values.items()}
    return dumps(data)


def point_arrays(target, point: dict):
    """(theta, X, y) arrays of one sample from a ``--at`` point."""
    import numpy as np

    net = target.network
    theta = np.array([point[p.name] for p in net.params])
    return theta, np.array([[point[s.name] for s in net.inputs]]), np.array([point[target.target.name]])


# --- codegen ----------------------------------------------------------------------------------


@click.command(cls=Command, epilog=examples(
    "symnet codegen seed -o seed_loss.py"))
@matrix_options("codegen")
@network_options
@loss_option
@output_option
@timeout_option
@ascii_option
@lang_option(expose=False)
@handle_errors
def codegen(network, expr, inputs, params, activation, loss_name, output, timeout, ascii):
    """Print the generated NumPy module of the loss and its gradient: it runs on its own (value_and_grad).

    """
    from symnet.numeric.codegen import value_and_grad

    preload(numeric=True)
    with time_limit(timeout, "code generation"):
        net = load_network(network, expr, inputs, params, activation)
        source = value_and_grad(make_loss(net, loss_name), backend="numpy").module
    emit(source, output, ascii)
