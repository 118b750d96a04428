"""``symnet derive --expr "…" --shapes "…"``: the derivation of a typed matrix loss (``symnet.derivation.typed``).

    symnet derive --expr "norm2(X*w - y)^2/N + lam*norm2(w)^2" --shapes "X=N x 3, y=N, w=3" --lang zh -o ridge.pdf

``typed_shapes`` adds ``--shapes`` to ``derive``; with it the loss is read by the matrix parser (never the scalar
first pass) and derived here: the forward steps, the adjoint sweep row by row, the closed form and, in a document,
the four-way check; with ``--order 2`` the Hessian in vectorized form, its tangent sweep line by line and the
order-2 check. Options that belong to networks of neurons are refused with one message each.
"""

from __future__ import annotations

import functools
import sys

import click

from .common import echo_out, handle_errors, time_limit
from .matrix_views import SHAPES_HELP, _loss, _refuse_other_options


def typed_shapes(func):
    """Add ``--shapes`` to ``derive``; with it the command derives the typed loss, else it runs as before."""
    @functools.wraps(func)
    def command(*args, shapes=None, **kwargs):
        if shapes is None:
            return func(*args, **kwargs)
        with handle_errors():
            derive_typed(kwargs, shapes, sys.modules[func.__module__])   # derive's own output checks
    return click.option("--shapes", metavar="SHAPES", help=SHAPES_HELP)(command)


def _refuse(kwargs) -> None:
    """One message for each option that goes with networks of neurons only."""
    _refuse_other_options(kwargs)
    if kwargs.get("abstract"):
        raise click.UsageError("--abstract does not go with --shapes: a typed matrix loss has no neurons f to keep "
                               "undefined")
    if kwargs.get("loss_name", "squared_error") != "squared_error":
        raise click.UsageError("--loss does not go with --shapes: the typed expression is the loss")
    output = (kwargs.get("output") or "").lower()
    if kwargs.get("fmt") == "json" or output.endswith(".json"):
        raise click.UsageError("a typed loss's derivation is written as text, Markdown, LaTeX or PDF; for its "
                               "gradient as JSON use symnet grad --expr … --shapes … --format json")


def derive_typed(kwargs, shapes: str, command) -> None:
    """Print the derivation, or write it as a document (``-o``: .md, .tex, .pdf, .txt); ``command`` is the module
    of ``derive`` (its output and language checks and its document writer, passed in: no import cycle)."""
    _check_language, _check_output, _write_document = (command._check_language, command._check_output,
                                                       command._write_document)
    _refuse(kwargs)
    output, lang, ascii = kwargs.get("output"), kwargs.get("lang", "en"), kwargs.get("ascii", False)
    _check_output(output)
    _check_language(lang, output)
    check = output is not None and not kwargs.get("no_check")
    with time_limit(kwargs.get("timeout"), "the derivation", "use a smaller expression or a larger --timeout"):
        from symnet.derivation.derive import derive

        loss = _loss(kwargs, shapes)
        derivation = derive(loss, check=check, lang=lang)
        second = _second(loss, check) if kwargs.get("order", 1) == 2 else None
        if output is None:
            from symnet.render.document import render

            fmt = kwargs.get("fmt", "unicode")
            text = render(derivation, "text" if ascii and fmt == "unicode" else fmt, lang, second)   # --ascii: X.T @ u
    if output is None:
        echo_out(text.rstrip("\n"), ascii=ascii)
        return
    _write_document(derivation, output, lang, check, second)


def _second(loss, check: bool):
    """--order 2: the Hessian by the loss's one parameter, its tangent sweep and (in a document) the order-2 check."""
    from symnet.derivation.typed_second import derive_typed_second

    return derive_typed_second(loss, check=check)
