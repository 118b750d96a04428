"""``--shapes``: ``grad`` and ``codegen`` of a loss typed as a matrix expression.

    symnet grad --expr "norm2(X*w - y)^2/N + lam*norm2(w)^2" --shapes "X=N x 3, y=N, w=3" --wrt w
    symnet codegen --expr "sum(log(exp(-y.*(X*w)) + vector(1)))" --shapes "X=N x 3, y=N, w=3"

``matrix_options(kind)`` adds ``--shapes`` (and ``--steps`` to ``grad``) to ``grad``, ``codegen`` or ``check``; when ``--shapes`` is
given the typed loss is read by the matrix parser (``symnet.io.matrix_syntax``, never the scalar first pass)
and printed here, else the command runs as before. SymPy is imported inside.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import replace

import click

from .common import emit, handle_errors, time_limit
from .lang import shown_lang

SHAPES_HELP = ('Read --expr as a matrix expression with these shapes, e.g. "X=N x 3, y=N, w=3" (a vector is a '
               "column; sizes are numbers or names such as N).")
STEPS_HELP = "With --shapes: also print the program and its adjoint sweep."


def matrix_options(kind: str):
    """Add ``--shapes`` (and for ``grad`` ``--steps``); with ``--shapes`` the command prints the typed loss's view."""
    def decorate(func):
        @functools.wraps(func)
        def command(*args, shapes=None, steps=False, **kwargs):
            if shapes is None:
                if steps:
                    with handle_errors():
                        raise click.UsageError("--steps goes with --shapes (a typed matrix loss)")
                return func(*args, **kwargs)
            with handle_errors():
                _refuse_other_options(kwargs)
                text, status = VIEWS[kind](kwargs, shapes, steps)
                output = None if kind == "train" else kwargs.get("output")
                emit(text, output, kwargs.get("ascii", False), kwargs.get("fmt", "text"))
            if status:
                raise SystemExit(status)
        command = click.option("--shapes", metavar="SHAPES", help=SHAPES_HELP)(command)
        if kind in ("grad", "hessian"):
            command = click.option("--steps", is_flag=True, help=STEPS_HELP if kind == "grad" else
                                   "With --shapes: also print the program (forward steps, adjoint sweep) and the "
                                   "tangent sweep over it (ẇ = v) that gives H v.")(command)
        return command
    return decorate


def _refuse_other_options(kwargs) -> None:
    if kwargs.get("expr") is None:
        raise click.UsageError('--shapes goes with --expr, e.g. --expr "norm2(X*w - y)^2" --shapes "X=N x 3, y=N, w=3"')
    for name in ("network", "inputs", "params", "activation", "at"):
        if kwargs.get(name) is not None:
            option = "NETWORK" if name == "network" else f"--{name}"
            raise click.UsageError(f"{option} does not go with --shapes: a typed matrix loss names its parameters "
                                   f"with --wrt and its data by their shapes")
    if kwargs.get("expanded"):
        raise click.UsageError("--expanded does not go with --shapes: the gradient is printed in closed form already")


def _loss(kwargs, shapes):
    from symnet.io.matrix_build import matrix_loss

    wrt = kwargs.get("wrt")
    names = None if wrt is None else [w.strip() for w in wrt.split(",") if w.strip()]
    return matrix_loss(kwargs["expr"], shapes, wrt=names)


def grad_view(kwargs, shapes: str, steps: bool) -> str:
    """The loss, the shapes, each ∂L/∂p in closed form (and the program with ``steps``)."""
    fmt = kwargs.get("fmt", "unicode")
    fmt = "text" if kwargs.get("ascii") and fmt == "unicode" else fmt     # --ascii: the matrix language itself
    with time_limit(kwargs.get("timeout"), "the gradient", "use a smaller expression or a larger --timeout"):
        from symnet.render.matrix_report import gradient_json, report

        loss = _loss(kwargs, shapes)
        gradient = loss.gradient()
        if fmt == "json":
            return gradient_json(loss, gradient), 0
        return report(loss, gradient, fmt, steps, shown_lang(sys.stdout)), 0


def codegen_view(kwargs, shapes: str, steps: bool) -> str:
    """The generated NumPy source of the typed loss and its gradient."""
    with time_limit(kwargs.get("timeout"), "code generation"):
        from symnet.numeric.matrix_code import compile_matrix_loss

        loss = _loss(kwargs, shapes)
        return compile_matrix_loss(loss, {c.name: 0.0 for c in loss.constants}).module, 0


def check_view(kwargs, shapes: str, steps: bool):
    """The four-way check at a random point: sizes such as N are ``--batch``, data and constants random (``--seed``);
    ``--order 2``: every entry of the Hessian (compiled, hvp, sympy.diff twice, differences of the gradient)."""
    import json

    import numpy as np

    from .common import EXIT_CHECK_FAILED

    with time_limit(kwargs.get("timeout"), "the gradient check", "use smaller sizes or a larger --timeout"):
        from symnet.io.matrix_build import constant_values
        from symnet.numeric.matrix_check import check_matrix_loss

        seed, loss = kwargs.get("seed", 0), _loss(kwargs, shapes)
        values = dict(zip((c.name for c in loss.constants), np.random.default_rng(seed + 2).uniform(0.1, 1.0, 9)))
        loss = replace(loss, values=constant_values(loss.constants, values))
        sizes = {s.name: kwargs.get("batch", 8) for s in loss.sizes}
        report = check_matrix_loss(loss, sizes=sizes, seed=seed, order=kwargs.get("order", 1))
    if not np.isfinite([report.loss, *(v for r in report.rows for v in r.values if v is not None)]).all():
        raise ValueError(f"the loss or its gradient is not finite at this random point (L = {report.loss:g}): choose "
                         f"another with --seed, or check where the loss is defined (sqrt, log of a negative…)")
    status = 0 if report.ok else EXIT_CHECK_FAILED
    if kwargs.get("fmt") == "json":
        rows = {r.param: {"values": dict(zip(report.methods, r.values)), "max_error": r.max_error, "ok": r.ok}
                for r in report.rows}
        key = "gradients" if report.order == 1 else "second_derivatives"     # order 2: entries "a,b" (i ≤ j)
        return json.dumps({"ok": report.ok, "loss": report.loss, "order": report.order, "methods": list(report.methods),
                           "constants": dict(loss.values), "sizes": sizes, key: rows}, indent=2), status
    return (report._repr_markdown_() if kwargs.get("fmt") == "markdown" else str(report)), status


def train_view(kwargs, shapes: str, steps: bool):
    """``symnet train --shapes``: ``symnet.cli.matrix_train``."""
    from .matrix_train import train_view as view

    return view(kwargs, shapes, steps)


def hessian_view(kwargs, shapes: str, steps: bool):
    """``symnet hessian --shapes``: the d × d Hessian in vectorized form (``symnet.cli.matrix_hessian``)."""
    from .matrix_hessian import matrix_view

    return matrix_view(kwargs, _loss(kwargs, shapes), steps)


VIEWS = {"grad": grad_view, "codegen": codegen_view, "check": check_view, "train": train_view, "hessian": hessian_view}
