"""The ``derive`` and ``graph`` commands: chain-rule derivations and the computational graph.

``derive`` prints (or writes) ``symnet.derive``'s step-by-step derivation: text, Unicode, LaTeX or
Markdown to the terminal; a standalone ``.tex``, a Markdown document ``.md`` or a ``.pdf`` (built with
latexmk; without TeX the ``.tex`` is written and the message names the Debian packages, exit 2).
``graph`` draws the network's computational graph with the paths of one parameter highlighted.
"""

from __future__ import annotations

import click

from .common import (
    EXIT_USAGE,
    FORMATS,
    Command,
    ascii_option,
    echo_err,
    echo_out,
    emit,
    examples,
    handle_errors,
    lang_option,
    layer_notation,
    load_network,
    loss_option,
    make_loss,
    network_options,
    parse_point,
    parse_wrt,
    preload,
    time_limit,
    timeout_option,
    write_output,
    write_outputs,
    wrote,
)
from .derive_typed import typed_shapes
from .records import derivation_record, dumps

GRAPH_DPI = 150
DEFAULT_AT = "random:0"     # a document without --at has numbers at the first sample of `symnet check --seed 0`
DOCUMENT_SUFFIXES = (".tex", ".md", ".pdf", ".txt", ".json")


@click.command(cls=Command, epilog=examples(
    "symnet derive seed --abstract --lang zh",
    "symnet derive mlp:2-2-1 --at random:1 -o derivation.md",
    "symnet derive seed --wrt w2_1",
    "symnet derive seed --order 2 --wrt b5 -o hessian.pdf",
    "symnet derive layers:64-32-10:relu:softmax --lang zh -o bp.pdf",
    'symnet derive --expr "norm2(X*w - y)^2/N + lam*norm2(w)^2" --shapes "X=N x 3, y=N, w=3" -o ridge.pdf'))
@typed_shapes
@network_options
@loss_option
@click.option("--wrt", metavar="NAMES", help="Parameters to derive by, comma-separated (default: all); "
              "θN or thetaN means all of neuron N's parameters; inputs may be named too.")
@click.option("--at", "at", metavar="PAIRS", help="A point: every input, parameter and y, e.g. x1=1,...,y=0.5; "
              "or random (random:SEED): the first sample of `symnet check --seed SEED`. Documents (-o) "
              "default to random:0, so a handout always shows numbers.")
@click.option("--abstract", is_flag=True, help="Keep the neuron f undefined (scalar θ per neuron, like the article).")
@click.option("--expanded", is_flag=True, help="Also write each derivative as one closed formula (size-guarded).")
@click.option("--order", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: also the second derivatives ∂²L/∂θᵢ∂θⱼ by --wrt, as the tangent sweep over the gradient "
                   "program, with their values, eigenvalues and the order-2 check.")
@lang_option(what="prose")
@click.option("--format", "fmt", type=click.Choice(FORMATS + ("json",)), default="unicode", show_default=True,
              help="Terminal format (files take theirs from the suffix); json: the derivation as data.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write a document: .tex (standalone LaTeX), .md (Markdown), .pdf (LaTeX build), .txt, .json.")
@click.option("--no-check", is_flag=True, help="Leave the four-way numeric check out of documents.")
@timeout_option
@ascii_option
@handle_errors
def derive(network, expr, inputs, params, activation, loss_name, wrt, at, abstract, expanded, order, lang, fmt, output,
           no_check, timeout, ascii):
    """Derive ∂L/∂θ step by step with the chain rule: paths, local factors, products, δ-form.

    \b
    NETWORK: seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, a JSON network file,
    or --expr "FORMULA" --inputs x1,x2; layers:64-32-10:relu:softmax gives the matrix form (BP1–BP4);
    --expr "MATRIX LOSS" --shapes "X=N x 3, ..." derives a typed matrix loss (its adjoint sweep).
    --format json prints the derivation as data (see the CLI reference).
    """
    _check_output(output)
    _check_order(order, abstract, fmt, output)
    _check_language(lang, output)
    with time_limit(timeout, "the derivation"):
        loss = make_loss(load_network(network, expr, inputs, params, activation), loss_name)
        numbers = at is None and output is not None and not abstract and not output.lower().endswith(".json")
        derivation = _build(loss, wrt, at, abstract, expanded, output is not None and not no_check, numbers)
        second = _second(derivation, output is not None and not no_check) if order == 2 else None
        if output is None and fmt == "json":
            emit(dumps(derivation_record(derivation)), None, ascii, "json")
            return
        if output is None:
            from symnet.render.document import render

            text = render(derivation, fmt, lang, second).rstrip("\n")
            echo_out(layer_notation(text, ascii) if derivation.matrix else text, ascii=ascii)
            return
        _write_document(derivation, output, lang, not no_check, second)


def _build_pdf(tex: str, output: str, lang: str, files=()) -> None:
    from symnet.render.latexbuild import LatexNotInstalled, build_pdf, engine_for

    try:
        build_pdf(tex, output, engine_for(lang), files=files)
    except LatexNotInstalled as error:
        tex_path = output[:-4] + ".tex"
        write_output(tex_path, tex)
        echo_err(f"{wrote(tex_path)} but no PDF: {error}")
        raise SystemExit(EXIT_USAGE) from None
    echo_err(wrote(output))


def _check_output(output: str | None) -> None:
    if output is not None and not output.lower().endswith(DOCUMENT_SUFFIXES):
        raise click.BadParameter(f"expected a file ending in {', '.join(DOCUMENT_SUFFIXES)}; got {output}",
                                 param_hint="-o/--output")


def _check_order(order: int, abstract: bool, fmt: str, output: str | None) -> None:
    """--order 2 derives a concrete network's Hessian as a document section; say what goes with it."""
    if order == 1:
        return
    if abstract:
        raise click.UsageError("--order 2 differentiates the concrete gradient program; leave out --abstract")
    if fmt == "json" or (output or "").lower().endswith(".json"):
        raise click.UsageError("--order 2 is written as text, Markdown, LaTeX or PDF; for the Hessian as JSON use "
                               "symnet hessian NETWORK --format json")


def _second(derivation, check: bool):
    """The second derivatives by the derivation's parameters, at its point (``symnet.derivation.second``)."""
    from symnet.derivation.second import derive_second

    point = dict(derivation.point) if derivation.point else None
    return derive_second(derivation.loss, [item.param for item in derivation.params], point, check)


def _check_language(lang: str, output: str | None) -> None:
    """Chinese prose on a terminal that cannot show it: refused rather than printed as question marks
    (``--ascii`` with ``--lang zh`` is refused by every command: ``lang.refuse_ascii_chinese``)."""
    import sys

    from .common import encodable

    if lang == "zh" and output is None and not encodable("链式法则", sys.stdout):
        raise ValueError("--lang zh needs UTF-8 output, but this terminal's encoding cannot show Chinese. Write a "
                         "file instead (-o derivation.md, .tex or .pdf), or use --lang en")


def _build(loss, wrt, at, abstract, expanded, check, numbers=False):
    """The derivation of ``loss`` from the options; with ``numbers``, a document's default point (the first
    sample of ``symnet check --seed 0``) where the derivation takes one (the matrix form takes none).

    Options that do not go with the network are refused by ``symnet.derive``'s own messages."""
    from symnet.derivation.derive import derive as build
    from symnet.derivation.numbers import evaluate_derivation, with_check

    symbols = parse_wrt(wrt, loss, abstract=abstract)
    derivation = build(loss, wrt=symbols, at=_point(loss, at), abstract=abstract, expanded=expanded,
                       check=check and not numbers)
    if not numbers:
        return derivation
    if not derivation.matrix:
        derivation = evaluate_derivation(derivation, _point(loss, DEFAULT_AT))
    return with_check(derivation) if check else derivation


def _point(loss, at: str | None):
    """``--at``: name=number pairs (safe-parsed), or ``random`` / ``random:SEED``."""
    if at is None:
        return None
    head, _, seed = at.strip().partition(":")
    if head == "random":
        if seed and not seed.isdigit():
            raise click.BadParameter(f"expected random or random:SEED with an integer SEED; got {at}",
                                     param_hint="--at")
        from symnet.derivation.numbers import random_values

        return random_values(loss, int(seed or 0))
    return parse_point(at, loss)


def _write_document(derivation, output: str, lang: str, check: bool, second=None) -> None:
    from symnet.render.document import document

    suffix = output.lower().rsplit(".", 1)[-1]
    if suffix == "json":
        write_output(output, dumps(derivation_record(derivation)))
        echo_err(wrote(output))
        return
    drawn = suffix in ("md", "tex", "pdf") and not derivation.matrix and not derivation.typed   # drawn as programs
    figure = _graph_beside(derivation, output, lang) if drawn else None
    name = None if figure is None else figure.name
    if suffix != "pdf":
        fmt = {"tex": "latex", "md": "markdown", "txt": "unicode"}[suffix]
        write_output(output, document(derivation, fmt, lang, check, name, second))
        echo_err(wrote(output))
        return
    _build_pdf(document(derivation, "latex", lang, check, name, second), output, lang,
               () if figure is None else (figure,))


def _graph_beside(derivation, output: str, lang: str):
    """The network's graph as ``<output stem>-graph.png`` beside the document, the paths of a single
    parameter highlighted; None when the network is too large to draw."""
    from pathlib import Path

    from symnet.plot.graph import save_graph

    path = Path(output)
    path = path.with_name(path.stem + "-graph.png")
    params = derivation.params
    wrt = params[0].param if len(params) == 1 else None
    try:
        save_graph(derivation.loss, path, wrt=wrt, lang=lang, dpi=GRAPH_DPI)
    except ValueError as error:
        echo_err(f"no graph in the document: {error}")
        return None
    echo_err(wrote(path))
    return path


@click.command(cls=Command, epilog=examples(
    "symnet graph seed --wrt w2_1 -o graph.png",
    "symnet graph mlp:2-3-1 --lang zh -o graph.svg"))
@network_options
@loss_option
@click.option("--wrt", metavar="NAME", help="Highlight the paths of this parameter (or neuron θN / thetaN).")
@lang_option(what="labels")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", required=True,
              help="The image: .png, .svg or .pdf.")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="Resolution of a PNG.")
@timeout_option
@handle_errors
def graph(network, expr, inputs, params, activation, loss_name, wrt, lang, output, dpi, timeout):
    """Draw the computational graph, each edge labelled with its local derivative.

    """
    from symnet.io.options import parse_name

    name = None if wrt is None else parse_name(wrt, "parameter")
    if not output.lower().endswith((".png", ".svg", ".pdf")):
        raise click.BadParameter(f"expected a .png, .svg or .pdf file; got {output}", param_hint="-o/--output")
    import matplotlib

    matplotlib.use("Agg")
    preload(numeric=True, extra=("symnet.plot.graph", "matplotlib.pyplot"))  # no import is cut short by the limit
    with time_limit(timeout, "drawing the graph"):   # drawn under the limit, written after it: never a file cut short
        from symnet.plot.graph import graph_bytes

        data = graph_bytes(make_loss(load_network(network, expr, inputs, params, activation), loss_name), output, name,
                           lang, dpi)
    write_outputs([(output, data)])
    note = _font_note(lang)
    if note:
        echo_err(f"warning: {note}")
    echo_err(wrote(output))


def _font_note(lang: str) -> str:
    """Why the Chinese labels would show as boxes ("" when a CJK font has the glyphs, or in English)."""
    from symnet.plot.fonts import cjk_font

    return cjk_font()[1] if lang == "zh" else ""
