"""The tower commands: ``tower`` draws the article's tower; ``approx`` approximates a function by towers.

``symnet tower --bounds -0.3,0.7,-0.2,0.8 -o tower.png`` draws one tower (``--nested``: the article's
four nested towers with sharpness 4); ``--show-formula`` prints its network and formula.
``symnet approx "sin(x)*cos(y)" --domain -2,2,-2,2 --n 4,8,16 --out DIR`` prints the error-versus-n
table and writes it (CSV, Markdown) with the figures; ``--refine`` also trains the heights.
NumPy, SymPy and matplotlib are imported inside the commands.
"""

from __future__ import annotations

import click

from symnet.limits import MAX_REFINE_N, MAX_TOWERS
from symnet.limits import MAX_TOWER_N as MAX_N

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
from .firstpass import refuse_bad_formula
from .figures import figure_bytes_in
from .records import approx_record, dumps, tower_record

POSITIVE = FiniteFloat(min=0, min_open=True)


@click.command(cls=Command, epilog=examples(
    "symnet tower --bounds -0.3,0.7,-0.2,0.8 --show-formula -o tower.png"))
@click.option("--bounds", default="-0.3,0.7,-0.2,0.8", show_default=True, metavar="X0,X1,Y0,Y1",
              help="The tower's box: x_min,x_max,y_min,y_max.")
@click.option("--steepness", type=POSITIVE, default=1000.0, show_default=True, help="Step neurons' steepness.")
@click.option("--sharpness", type=POSITIVE, default=None, help="Tower neuron's sharpness [30; 4 with --nested].")
@click.option("--threshold", type=FiniteFloat(), default=1.1, show_default=True, help="Tower neuron's threshold.")
@click.option("--nested", is_flag=True, help="The article's second figure: four nested towers (±0.5, ±1, ±2, ±4).")
@click.option("--show-formula", is_flag=True, help="Print the network, its formula and its parameter values.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", help="Write the 3-D figure (.png, .svg, .pdf).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text: a summary (and --show-formula); json: the tower as data, with its formula and values.")
@timeout_option(default=60.0, work="building and drawing the tower")
@ascii_option
@lang_option(expose=False)
@handle_errors
def tower(bounds, steepness, sharpness, threshold, nested, show_formula, output, fmt, timeout, ascii):
    """Build the article's tower of five sigmoid neurons and draw it in 3-D.

    \b
    T(x, y) = σ(s·(σ(k(x−x0)) − σ(k(x−x1)) + σ(k(y−y0)) − σ(k(y−y1)) − t))
    with steepness k = 1000, sharpness s = 30, threshold t = 1.1.
    """
    from symnet.checks import figure_path
    from symnet.io.options import parse_numbers

    if output:
        try:
            figure_path(output)      # a bad suffix is refused before any work or output
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="-o/--output") from None
    box = _bounds(parse_numbers(bounds, "bounds"), 4, "--bounds", "x_min,x_max,y_min,y_max")
    preload(numeric=True, extra=("symnet.towers.tower",) + (("symnet.plot.towers",) if output else ()))
    with time_limit(timeout, "the tower", "use a larger --timeout"):
        texts, figure = _tower(box, steepness, sharpness, threshold, nested, show_formula, output, fmt)
    for text in texts:
        emit(text, None, ascii, "json") if fmt == "json" else echo_out(text, ascii=ascii)
    if output:
        write_outputs([(output, figure)])
        echo_err(wrote(output), ascii=ascii)


def _tower(box, steepness, sharpness, threshold, nested, show_formula, output, fmt):
    """(the texts to print, the figure's bytes or None)."""
    from symnet.towers.tower import NESTED_BOUNDS, NESTED_SHARPNESS, nested_towers
    from symnet.towers.tower import tower as build_tower

    if nested:
        model = nested_towers(NESTED_BOUNDS, NESTED_SHARPNESS if sharpness is None else sharpness, steepness, threshold)
    else:
        model = build_tower(*box, steepness=steepness, sharpness=30.0 if sharpness is None else sharpness,
                            threshold=threshold)
    if fmt == "json":
        texts = [dumps(tower_record(model, nested))]
    else:
        texts = [_tower_summary(model, nested)] + ([_formula_text(model)] if show_formula else [])
    figure = None
    if output:
        from symnet.plot.towers import plot_nested_towers, plot_tower

        figure = figure_bytes_in((plot_nested_towers if nested else plot_tower)(model).figure, output)
    return texts, figure


def _bounds(numbers, count, option, names):
    """``numbers`` if they are ``count`` finite numbers making (min, max) pairs with min < max, per axis x, y."""
    from symnet.checks import interval

    if len(numbers) != count:
        raise click.BadParameter(f"expected {count} numbers ({names}); got {len(numbers)}", param_hint=option)
    try:
        for i in range(0, count, 2):
            interval(numbers[i], numbers[i + 1], "xy"[i // 2])
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=option) from None
    return numbers


def study_table(study) -> str:
    """The error-versus-n table in the language in force (``symnet.towers.study`` writes it in English)."""
    import sys

    from symnet.render.check_table import aligned
    from symnet.render.i18n import t

    from .lang import shown_lang

    lang = shown_lang(sys.stdout)
    if lang == "en":
        return study.table()
    target, _, domain = study.table().splitlines()[0].rpartition(" on ")
    header = [t("cli_study_" + word.replace(" ", "_"), lang) for word in study.header()]
    return t("cli_study_title", lang, target=target, domain=domain) + "\n" + aligned([header, *study.cells()], rule=True)


def _tower_summary(model, nested) -> str:
    import sys

    from symnet.render.i18n import t

    from .lang import shown_lang

    lang = shown_lang(sys.stdout)
    kind = t("cli_nested_towers", lang, n=len(model.boxes)) if nested else t("cli_tower", lang)
    boxes = "; ".join(f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]" for (x0, x1), (y0, y1) in model.boxes)
    return t("cli_tower_summary", lang, kind=kind, boxes=boxes, neurons=len(model.network.neurons),
             params=len(model.network.params), steepness=f"{model.steepness:g}", sharpness=f"{model.sharpness:g}",
             threshold=f"{model.threshold:g}")


def _formula_text(model) -> str:
    from sympy import Symbol

    from symnet.render.printing import pretty

    # names printed as in the formula (w₅,₁); --ascii turns them into w5_1, as typed
    values = "\n".join(f"  {pretty(Symbol(name))} = {value:g}" for name, value in model.values.items())
    return (f"network:  {pretty(model.network.nested)}\n"
            f"formula:  {pretty(model.network.concrete())}\n"
            f"article:  {pretty(model.formula())}\n"
            f"values:\n{values}")


@click.command(cls=Command, epilog=examples(
    'symnet approx "sin(x)*cos(y)" --domain -2,2,-2,2 --n 2,4 --out towers/'))
@click.argument("expression")
@click.option("--domain", default="-2,2,-2,2", show_default=True, metavar="X0,X1,Y0,Y1",
              help="The square to approximate on (two numbers A,B: a 1-D function of x, with bumps).")
@click.option("--n", "ns", default="2,4,8,16", show_default=True, metavar="N,N,…",
              help=f"Cells per axis to try (n² towers each; at most {MAX_N}).")
@click.option("--threshold", type=FiniteFloat(), default=1.5, show_default=True,
              help="Tower neuron's threshold (1.5: neighbours meet at ½ + ½; the article's 1.1 double-counts).")
@click.option("--sharpness", type=POSITIVE, default=30.0, show_default=True, help="Tower neuron's sharpness.")
@click.option("--steepness", type=POSITIVE, default=1000.0, show_default=True, help="Step neurons' steepness.")
@click.option("--refine", is_flag=True, help="Then train the heights by gradient descent (Adam) and report the new errors.")
@click.option("--epochs", type=click.IntRange(min=1, max=100_000), default=200, show_default=True, help="Epochs for --refine.")
@click.option("--lr", "--learning-rate", "learning_rate", type=POSITIVE, default=0.01, show_default=True,
              help="Step size η for --refine.")
@click.option("--out", "out", type=click.Path(file_okay=False), metavar="DIR",
              help="Write errors.csv, errors.md and the figures (PNG) here.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text: the error table; json: the same numbers for scripts.")
@timeout_option(default=120.0, work="building, measuring and drawing the towers")
@ascii_option
@lang_option(expose=False)
@handle_errors
def approx(expression, domain, ns, threshold, sharpness, steepness, refine, epochs, learning_rate, out, fmt, timeout,
           ascii):
    """Approximate EXPRESSION, a function of x and y (or of x1 and x2), by sums of towers; print the error versus n.

    \b
    With two --domain numbers, EXPRESSION is a function of x (or x1), approximated by bumps.
    --format json prints the errors for scripts (see the CLI reference).
    """
    refuse_bad_formula(expression)     # a formula the text shows to be bad: refused before any import
    from symnet.io.options import parse_numbers
    from symnet.io.parsing import parse_expr

    parse_expr(expression)          # a bad formula is reported before any work
    numbers = parse_numbers(domain, "domain")
    if len(numbers) not in (2, 4):
        raise click.BadParameter(f"expected 4 numbers (x0,x1,y0,y1) or 2 (a,b); got {len(numbers)}", param_hint="--domain")
    box = _bounds(numbers, len(numbers), "--domain", "x0,x1,y0,y1")
    sizes = _sizes(parse_numbers(ns, "n"), MAX_REFINE_N if refine else MAX_N)
    options = {"steepness": steepness}
    if len(box) == 4:
        options.update(threshold=threshold, sharpness=sharpness)
    preload(numeric=True, extra=("symnet.towers.study", "symnet.learn.training") + (("symnet.plot.towers",) if out else ()))
    with time_limit(timeout, "the approximation", "use fewer or smaller --n, fewer --epochs or a larger --timeout"):
        study, refined, files = _approx(expression, box, sizes, options, refine, epochs, learning_rate, out)
    if fmt == "json":
        emit(dumps(approx_record(study, refined)), None, ascii, "json")
    else:
        echo_out(study_table(study), ascii=ascii)
        for r in refined:
            echo_out(f"n = {r.before.n}: {r}", ascii=ascii)
    for path in write_outputs(files):
        echo_err(wrote(path), ascii=ascii)


def _approx(expression, box, sizes, options, refine, epochs, learning_rate, out):
    """(the study, its refinements, the files to write as (path, data) pairs)."""
    from symnet.towers.study import error_study

    study = error_study(expression, box, sizes, **options)
    refined = [_refine(a, epochs, learning_rate) for a in study.approximations] if refine else []
    return study, refined, (_results(study, refined, out) if out else [])


def _sizes(numbers, limit):
    if not numbers or any(n != int(n) or not 1 <= n <= limit for n in numbers):
        raise click.BadParameter(f"expected whole numbers from 1 to {limit}, e.g. 4,8,16; got "
                                 f"{','.join(f'{n:g}' for n in numbers)}", param_hint="--n")
    sizes = tuple(sorted(dict.fromkeys(int(n) for n in numbers)))
    towers = sum(n * n for n in sizes)
    if towers > MAX_TOWERS * (limit * limit) // (MAX_N * MAX_N):
        raise click.BadParameter(f"{','.join(map(str, sizes))} build {towers:,} towers in all; at most "
                                 f"{MAX_TOWERS * (limit * limit) // (MAX_N * MAX_N):,} (about 20 s): "
                                 f"give fewer or smaller sizes, e.g. 4,8,16,32", param_hint="--n")
    return sizes


def _refine(approximation, epochs, learning_rate):
    from symnet.towers.study import refine

    return refine(approximation, epochs=epochs, learning_rate=learning_rate)


def _results(study, refined, out) -> list:
    """errors.csv, errors.md and the three figures, as (path, data) pairs."""
    from pathlib import Path

    from symnet.plot.towers import plot_approximation, plot_error_map, plot_error_study

    out = Path(out)
    csv, markdown = study.csv(), f"# {study.target}\n\n{study.markdown()}"
    if refined:
        csv = _refined_csv(csv, refined)
        markdown += "\nAfter refinement (heights trained by Adam):\n\n" + "\n".join(f"- n = {r.before.n}: {r}" for r in refined) + "\n"
    files = [(out / "errors.csv", csv), (out / "errors.md", markdown)]
    best = refined[-1].after if refined else study.approximations[-1]
    first = plot_approximation(best)
    figures = {"approximation.png": (first[0] if isinstance(first, tuple) else first).figure,
               "error_map.png": plot_error_map(best).figure, "error_vs_n.png": plot_error_study(study).figure}
    return files + [(out / name, figure_bytes_in(figure, name)) for name, figure in figures.items()]


def _refined_csv(csv, refined):
    lines = csv.rstrip("\n").split("\n")
    lines[0] += ",refined_max_error,refined_rms_error"
    for i, r in enumerate(refined, start=1):
        lines[i] += f",{r.after.max_error!r},{r.after.rms_error!r}"
    return "\n".join(lines) + "\n"
