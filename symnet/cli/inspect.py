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
    EXIT_CHECK_FAILED, FORMATS, ascii_option, echo_err, echo_out, handle_errors, load_network, loss_option,
    make_loss, network_options, preload, time_limit, timeout_option, write_output,
)

SHOW_MAX_OPS = 2000      # closed forms larger than this are summarized, not printed
SHOW_MAX_CHARS = 5000    # and nested forms longer than this
DEFAULT_MAX_OPS = 5000   # the size guard of an expanded derivative


def output_option(func):
    """Add ``-o/--output FILE``; the command receives ``output`` (None: print)."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
                        help="Write to FILE (atomically) instead of printing.")(func)


def format_option(*extra: str):
    """Add ``--format`` with the printer formats plus ``extra``; the command receives ``fmt``."""
    choices = FORMATS + extra
    return click.option("--format", "fmt", type=click.Choice(choices), default="unicode", show_default=True,
                        help="Output format.")


def emit(text: str, output: str | None, ascii: bool, fmt: str = "text") -> None:
    """Print ``text``, or write it to ``output`` (ASCII only when ``--ascii``).

    JSON is never transliterated (θ5 → theta5 would change the network): it is escaped (\\u03b8).
    """
    import sys

    from .common import ascii_fallback, encodable

    stream_ok = output is not None or encodable(text, sys.stdout)
    if fmt == "json" and (ascii or not stream_ok):
        import json

        text, ascii = json.dumps(json.loads(text), ensure_ascii=True, indent=2) + "\n", False
    if output is None:
        echo_out(text.rstrip("\n"), ascii=ascii)
        return
    write_output(output, (ascii_fallback(text) if ascii else text).rstrip("\n") + "\n")
    echo_err(f"wrote {output}", ascii=ascii)


# --- show -------------------------------------------------------------------------------------


@click.command()
@network_options
@format_option("json")
@output_option
@timeout_option
@ascii_option
@handle_errors
def show(network, expr, inputs, params, fmt, output, timeout, ascii):
    """Print a network: its nested f-form, program, closed formula and parameters.

    \b
    NETWORK: seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, a JSON network file,
    or --expr "FORMULA" --inputs x1,x2. --format json writes the network file format.
    """
    preload()
    with time_limit(timeout, "showing the network"):
        net = load_network(network, expr, inputs, params)
        text = render_network(net, fmt)
    emit(text, output, ascii, fmt)


def render_network(net, fmt: str) -> str:
    """The ``show`` text of ``net`` in ``fmt`` (text, unicode, latex, markdown or json)."""
    from symnet.printing import format_assignments, format_expr, program_pairs

    if fmt == "json":
        from symnet.netfile import dumps

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
    from symnet.netfile import printed_length
    from symnet.printing import format_expr

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


def render_sections(sections, fmt: str) -> str:
    """Titled blocks: ``## title`` in Markdown, ``% title`` in LaTeX, ``title:`` otherwise."""
    blocks = []
    for title, body in sections:
        if fmt == "markdown":
            blocks.append(f"## {title.capitalize()}\n\n{body}")
        elif fmt == "latex":
            blocks.append(f"% {title}\n{body}")
        else:
            blocks.append(f"{title}:\n{_indent(body)}")
    return "\n\n".join(blocks) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


# --- grad -------------------------------------------------------------------------------------


@click.command()
@network_options
@loss_option
@click.option("--wrt", metavar="NAMES", help="Only these parameters, comma-separated (default: all).")
@click.option("--expanded", is_flag=True, help="One closed formula per parameter instead of the delta program.")
@click.option("--max-ops", type=click.IntRange(1, 10**6), default=DEFAULT_MAX_OPS, show_default=True,
              help="Size limit of an expanded formula.")
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Also evaluate at this point: every input, parameter and y.")
@format_option("json")
@output_option
@timeout_option
@ascii_option
@handle_errors
def grad(network, expr, inputs, params, loss_name, wrt, expanded, max_ops, at, fmt, output, timeout, ascii):
    """Print dL/dw for every (or the named) parameter.

    \b
    Compact by default: the forward program, the backward sweep of deltas, and
    each dL/dw in delta symbols. --expanded gives one closed formula per
    parameter (refused when too large). --at x1=1,x2=2,y=1,w1_1=0.5,...
    also prints the numbers.
    """
    preload(numeric=at is not None)
    hint = ("drop --expanded for the compact form, or give a larger --timeout" if expanded
            else "use a smaller network or a larger --timeout")
    with time_limit(timeout, "the gradient", hint):
        net = load_network(network, expr, inputs, params)
        target = make_loss(net, loss_name)
        point = parse_point(at, target) if at is not None else None
        symbols = parse_wrt(wrt, net)
        text = render_gradient(target, symbols, expanded, max_ops, point, fmt)
    emit(text, output, ascii, fmt)


def parse_wrt(text: str | None, net):
    """The parameters named by ``--wrt`` (all when None), checked against the network."""
    if text is None:
        return net.params
    from symnet.parsing import parse_names

    names = tuple(parse_names(text, "--wrt"))
    unknown = [str(s) for s in names if s not in net.params]
    if unknown:
        raise ValueError(f"--wrt: {', '.join(unknown)} is not a parameter of this network; its parameters are "
                         f"{', '.join(map(str, net.params))}")
    return tuple(dict.fromkeys(names))


def parse_point(text: str, target) -> dict:
    """``--at`` as {name: float}; every input, every parameter and the target must be given."""
    from symnet.parsing import parse_assignments

    values = {str(k): float(v) for k, v in parse_assignments(text).items()}
    needed = [str(s) for s in target.network.inputs + (target.target,) + target.network.params]
    missing = [n for n in needed if n not in values]
    unknown = [n for n in values if n not in needed]
    if missing:
        raise ValueError(f"--at is missing {', '.join(missing)}: give every input, every parameter and the "
                         f"target {target.target}, e.g. --at {','.join(f'{n}=0.5' for n in needed[:3])},...")
    if unknown:
        raise ValueError(f"--at names {', '.join(unknown)}, which this network does not have; expected "
                         f"{', '.join(needed)}")
    return values


def render_gradient(target, wrt, expanded: bool, max_ops: int, point, fmt: str) -> str:
    """The ``grad`` output: the loss, the derivatives (compact or expanded), and their values."""
    from symnet import grad as symbolic_grad
    from symnet.printing import format_assignments, show

    gradient = symbolic_grad(target, wrt=wrt)
    values = evaluate(target, wrt, point) if point is not None else None
    if fmt == "json":
        return gradient_json(target, gradient, expanded, max_ops, values)
    if expanded:
        body = format_assignments(expanded_pairs(gradient, max_ops), fmt)
    else:
        body = show(gradient, fmt)
    sections = [("loss", format_assignments([(_symbol("L"), target.display)], fmt)),
                ("derivatives (expanded)" if expanded else "gradient program", body)]
    if values is not None:
        sections.append(("values", format_values(values, fmt)))
    return render_sections(sections, fmt)


def _symbol(name: str):
    from sympy import Symbol

    return Symbol(name)


def expanded_pairs(gradient, max_ops: int) -> list:
    """(∂L/∂w, closed formula) for each parameter; ExpressionTooLarge becomes a clear ValueError."""
    from sympy import Derivative

    from symnet.errors import ExpressionTooLarge

    out = gradient.forward.outputs[0]
    pairs = []
    for symbol in gradient.wrt:
        try:
            pairs.append((Derivative(out, symbol), gradient.expanded(symbol, max_ops=max_ops)))
        except ExpressionTooLarge as error:
            size = str(error).split(";")[0]
            raise ValueError(f"{size}: drop --expanded to see the compact δ-program, or raise --max-ops "
                             f"(or --wrt fewer parameters)") from None
    return pairs


def evaluate(target, wrt, point: dict) -> dict:
    """{'L': loss, 'w': ∂L/∂w, …} at the point, from the compiled loss and gradient."""
    import numpy as np

    from symnet.codegen import params_vector, value_and_grad

    fn = value_and_grad(target)
    theta = params_vector(fn.params, {p.name: point[p.name] for p in fn.params})
    X = np.array([[point[s.name] for s in fn.inputs]])
    loss, gradient = fn(theta, X, np.array([point[target.target.name]]))
    by_name = dict(zip((p.name for p in fn.params), map(float, gradient)))
    return {"L": float(loss), **{p.name: by_name[p.name] for p in wrt}}


def format_values(values: dict, fmt: str) -> str:
    """``L = …`` and ``∂L/∂w = …`` lines (12 significant digits) in ``fmt``."""
    from sympy import Derivative

    from symnet.printing import format_expr

    loss = _symbol("L")
    lhs = [loss] + [Derivative(loss, _symbol(name)) for name in values if name != "L"]
    numbers = [f"{v:.12g}" for v in values.values()]
    if fmt in ("latex", "markdown"):
        body = " \\\\\n".join(f"{format_expr(s, 'latex')} &= {n}" for s, n in zip(lhs, numbers))
        block = "\\begin{aligned}\n" + body + "\n\\end{aligned}"
        return f"$$\n{block}\n$$" if fmt == "markdown" else block
    return "\n".join(f"{format_expr(s, fmt)} = {n}" for s, n in zip(lhs, numbers))


def gradient_json(target, gradient, expanded: bool, max_ops: int, values) -> str:
    """The gradient as JSON: loss, adjoints and derivatives as strings, values as numbers."""
    import json

    data = {"loss": str(target.display), "wrt": [s.name for s in gradient.wrt],
            "forward": {str(a): str(b) for a, b in gradient.forward.assignments},
            "adjoints": {str(a): str(b) for a, b in gradient.adjoints},
            "derivatives": {s.name: str(r) for s, r in zip(gradient.wrt, gradient.results)}}
    if expanded:
        data["expanded"] = {d.variables[0].name: str(e) for d, e in expanded_pairs(gradient, max_ops)}
    if values is not None:
        data["values"] = values
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- check ------------------------------------------------------------------------------------


@click.command()
@network_options
@loss_option
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Check at this point (every input, parameter and y).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random point and batch.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=8, show_default=True,
              help="Rows in the random batch.")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown")), default="text", show_default=True)
@timeout_option
@ascii_option
@handle_errors
def check(network, expr, inputs, params, loss_name, at, seed, batch, fmt, timeout, ascii):
    """Compare four gradients (backprop, sympy.diff, numeric reverse mode, finite differences).

    Exit status 1 when any parameter's gradients disagree.
    """
    from symnet.testing import check_grads, random_point

    preload(numeric=True)
    with time_limit(timeout, "the gradient check"):
        net = load_network(network, expr, inputs, params)
        target = make_loss(net, loss_name)
        theta, X, y = point_arrays(target, parse_point(at, target)) if at else random_point(target, seed, batch)
        report = check_grads(target, theta, X, y, seed=seed)
    echo_out(report._repr_markdown_() if fmt == "markdown" else str(report), ascii=ascii)
    if not report.ok:
        raise SystemExit(EXIT_CHECK_FAILED)


def point_arrays(target, point: dict):
    """(theta, X, y) arrays of one sample from a ``--at`` point."""
    import numpy as np

    net = target.network
    theta = np.array([point[p.name] for p in net.params])
    return theta, np.array([[point[s.name] for s in net.inputs]]), np.array([point[target.target.name]])


# --- codegen ----------------------------------------------------------------------------------


@click.command()
@network_options
@loss_option
@output_option
@timeout_option
@ascii_option
@handle_errors
def codegen(network, expr, inputs, params, loss_name, output, timeout, ascii):
    """Print the generated NumPy source of the loss and its gradient."""
    from symnet.codegen import value_and_grad

    preload(numeric=True)
    with time_limit(timeout, "code generation"):
        net = load_network(network, expr, inputs, params)
        source = value_and_grad(make_loss(net, loss_name)).source
    emit(source, output, ascii)
