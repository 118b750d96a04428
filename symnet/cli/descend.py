"""The ``descend`` command: 1-D gradient descent x ← x − η·h′(x) for several η (and Newton's method with
``--newton``), as a table with each η's verdict against the stability limit 2/h″(x*), and a figure.

Only click is imported at module level; NumPy, SymPy and matplotlib load inside the command.
"""

from __future__ import annotations

import click

from .common import (
    Command,
    FiniteFloat,
    ascii_option,
    echo_err,
    echo_out,
    emit,
    examples,
    handle_errors,
    lang_option,
    preload,
    time_limit,
    timeout_option,
    write_outputs,
    wrote,
)
from .figures import figure_bytes_in
from .firstpass import refuse_bad_formula
from .records import descent_record, dumps


@click.command(cls=Command, epilog=examples(
    'symnet descend "x**2 - 2*x" --x0 3 --lr 0.1,0.5,1.1 -o descent.png',
    'symnet descend "x**4 - 3*x**2 + x" --x0 2 --lr 0.05 --newton'))
@click.argument("function", metavar="FORMULA")
@click.option("--x0", type=FiniteFloat(), required=True, help="The starting point x₀.")
@click.option("--lr", "--learning-rate", "rates", default="0.1,0.5,1.1", show_default=True, metavar="ETA,ETA,…",
              help="Learning rates η to compare, comma-separated.")
@click.option("--steps", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Gradient steps for each learning rate.")
@click.option("--var", "symbol", metavar="NAME", help="The variable, if FORMULA has several symbols.")
@click.option("--newton", is_flag=True, help="Also Newton's method x ← x − h′(x)/h″(x) from the same x₀, same steps.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE.png", help="Save the figure here.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text: dh/dx and the path table; json: the paths as data, for scripts.")
@timeout_option(default=60.0, work="the descent and its figure")
@ascii_option
@lang_option(expose=False)
@handle_errors
def descend(function, x0, rates, steps, symbol, newton, output, fmt, timeout, ascii):
    """Gradient descent on a 1-D FORMULA, x ← x − η·h′(x), for each learning rate.

    \b
    Prints dh/dx and d²h/dx² (from symnet's chain-rule table), h'' at the
    minimum x* with the stability limit 2/h''(x*), a verdict for each η
    (stable, oscillating or diverging, and why), and the path table; --newton
    adds Newton's path beside them; -o saves the figure; --format json prints
    the same for scripts.
    """
    from symnet.checks import figure_path

    if output:
        figure_path(output)  # a bad suffix is refused before any work
    refuse_bad_formula(function)   # so is a formula the text shows to be bad, before any heavy import
    from symnet.io.options import parse_numbers

    etas = parse_numbers(rates, "learning rates")
    preload(numeric=True, extra=("symnet.learn.descent", "symnet.plot.training") if output else ("symnet.learn.descent",))
    with time_limit(timeout, "the descent", "use fewer steps or a larger --timeout"):
        text, figure = _descend(function, x0, list(etas), steps, symbol, output, fmt, newton)
    if fmt == "json":
        emit(text, None, ascii, "json")
    else:
        echo_out(text, ascii=ascii)
    if output:
        write_outputs([(output, figure)])
        echo_err(wrote(output), ascii=ascii)


def _descend(function, x0, etas, steps, symbol, output, fmt, newton=False):
    """(the text to print, the figure's bytes or None); with ``newton``, Newton's path is one more column,
    line, JSON entry ("newton") and curve in the figure."""
    from symnet.io.options import parse_name
    from symnet.io.parsing import parse_expr
    from symnet.learn.descent import curvature, descend_many, descend_newton, format_curvature, format_newton, format_paths
    from symnet.render.printing import pretty

    h = parse_expr(function)
    paths = descend_many(h, x0, etas, steps, None if symbol is None else parse_name(symbol, "variable"))
    x, found = paths[0].symbol, curvature(paths)   # h″ at the minimum: the stability limit 2/h″(x*) of each η
    extra = (descend_newton(h, x0, steps, x),) if newton else ()
    if fmt == "json":
        record = descent_record(paths, found)
        if newton:
            record["newton"] = {key: value for key, value in descent_record(extra)["paths"][0].items()
                                if key not in ("learning_rate", "stability")}
        text = dumps(record)
    else:
        second = "" if found is None else f"d²h/d{pretty(x)}² = {pretty(found.second_derivative)}\n"
        text = (f"h({pretty(x)}) = {pretty(h)}\ndh/d{pretty(x)} = {pretty(paths[0].derivative)}\n{second}\n"
                + format_curvature(paths, found) + "".join("\n" + format_newton(p, found) for p in extra)
                + "\n\n" + format_paths(paths + extra))
    figure = None
    if output:
        from symnet.plot.training import plot_descent

        figure = figure_bytes_in(plot_descent(paths + extra).figure, output)
    return text, figure
