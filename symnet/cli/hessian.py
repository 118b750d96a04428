"""``symnet hessian``: the second derivatives ∂²L/∂θᵢ∂θⱼ of a loss, entry by entry.

The Hessian is derived by ``symnet.core.hessian`` (a tangent sweep over the gradient program per
parameter), printed as the gradient program followed by the tangents ∂s/∂θⱼ and the entries (i ≤ j:
the matrix is symmetric). ``--at`` evaluates it at one point and adds its eigenvalues and the
largest stable learning rate 2/λ_max of gradient descent there. SymPy and NumPy load inside.
"""

from __future__ import annotations

import click

from .matrix_views import matrix_options
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
    output_option,
    parse_point,
    parse_wrt,
    preload,
    render_sections,
    time_limit,
    timeout_option,
)


@click.command(cls=Command, epilog=examples(
    'symnet hessian --expr "sigmoid(w*x + b)" --inputs x',
    'symnet hessian --expr "mean(softplus(X*w) - y.*(X*w))" --shapes "X=N x 3, y=N, w=3" --wrt w',
    "symnet hessian seed --wrt theta5 --at x1=1,x2=2,y=1,w1_1=0.5,b1=0,w2_1=-0.5,b2=0,w3_1=1,b3=0,"
    "w4_1=1,b4=0,w5_1=1,w5_2=-1,b5=0"))
@matrix_options("hessian")
@network_options
@loss_option
@click.option("--wrt", metavar="NAMES", help="Only these, comma-separated (rows and columns), e.g. w5_1,b5; θN or "
              "thetaN means all of neuron N's parameters (default: every parameter).")
@click.option("--at", "at", metavar="NAME=VALUE,...", help="Also evaluate at this point (every input, parameter and "
              "y): the entries, the eigenvalues and the largest stable learning rate 2/λ_max.")
@format_option("json")
@output_option
@timeout_option
@ascii_option
@lang_option(expose=False)
@handle_errors
def hessian(network, expr, inputs, params, activation, loss_name, wrt, at, fmt, output, timeout, ascii):
    """Print ∂²L/∂θᵢ∂θⱼ: the Hessian of the loss, entry by entry.

    \b
    Derived by differentiating the gradient program once more (forward over
    reverse, symnet's own rule table): the tangents ∂s/∂θⱼ, then each entry
    for i ≤ j (the matrix is symmetric). --at x1=1,...,y=1,w1_1=0.5,...
    also prints the numbers, the eigenvalues λ and 2/λ_max, the largest
    learning rate for which gradient descent does not diverge there.
    With --shapes, --expr is a typed matrix loss and the Hessian by its
    parameter prints as one d × d formula, e.g. logistic regression's
    (1/N)·Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X; by a d × k matrix W, dk × dk in
    row-major vec(W) order with Kronecker products; --steps adds the program and its tangent sweep.
    """
    preload(numeric=at is not None)
    with time_limit(timeout, "the Hessian", "name fewer parameters with --wrt, or give a larger --timeout"):
        target = make_loss(load_network(network, expr, inputs, params, activation), loss_name)
        point = parse_point(at, target) if at is not None else None
        text = render_hessian(target, parse_wrt(wrt, target), point, fmt, _lang(output))
    emit(text, output, ascii, fmt)


def _lang(output) -> str:
    """The language of the view: ``--lang`` in a file, and on stdout where it can show Chinese."""
    import sys

    from .lang import current_lang, shown_lang

    return current_lang() if output else shown_lang(sys.stdout)


def render_hessian(target, wrt, point, fmt: str, lang: str = "en") -> str:
    """The ``hessian`` output: the loss, the derivation, and with ``point`` the values and eigenvalues (titles and
    sentences in ``lang``)."""
    from sympy import Symbol

    from symnet.core.hessian import hessian as symbolic_hessian
    from symnet.render.i18n import t
    from symnet.render.printing import format_assignments
    from symnet.render.show import show

    if not target.network.params:
        raise ValueError(f"the network {target.network} has no parameters, so there is no Hessian; give it "
                         f"parameters (e.g. --expr \"w*x\" --inputs x)")
    h = symbolic_hessian(target, wrt=wrt or None)
    values = evaluate(h, point) if point is not None else None
    if fmt == "json":
        return hessian_json(target, h, values)
    sections = [(t("cli_section_loss", lang), format_assignments([(Symbol("L"), target.display)], fmt)),
                (t("hessian_second", lang), show(h, fmt))]
    if values is not None:
        sections += [(t("cli_section_values", lang), format_entries(h, values, fmt)),
                     (t("hessian_curvature", lang), curvature_text(values, fmt, lang))]
    return render_sections(sections, fmt)


def evaluate(h, point: dict):
    """The Hessian's entries at ``point`` (one sample) as a NumPy matrix, from its compiled program."""
    import numpy as np

    from symnet.numeric.codegen import to_function

    program = h.program
    fn = to_function(program, program.inputs + program.params, "hessian")
    with np.errstate(all="ignore"):  # the log of a negative number: nan is printed, with no warning
        out = fn(*(point[s.name] for s in program.inputs + program.params))
    n = len(h.wrt)
    return np.array([float(v) for v in out[1:]]).reshape(n, n)


def spectrum(matrix):
    """(eigenvalues in ascending order, 2/λ_max or None when λ_max ≤ 0 or the entries are not finite)."""
    import numpy as np

    if not np.all(np.isfinite(matrix)):
        return None, None
    eigenvalues = np.linalg.eigvalsh((matrix + matrix.T) / 2)
    return eigenvalues, (2 / eigenvalues[-1] if eigenvalues[-1] > 0 else None)


def curvature_text(matrix, fmt: str = "unicode", lang: str = "en") -> str:
    """The eigenvalues and the largest stable learning rate, in words in ``lang`` (LaTeX comments in ``latex``,
    Markdown lines with hard breaks in ``markdown``)."""
    from symnet.render.i18n import t

    eigenvalues, limit = spectrum(matrix)
    if eigenvalues is None:
        lines = [t("hessian_not_finite", lang)]
    else:
        lines = _curvature_lines(eigenvalues, limit, lang)
    if fmt == "latex":
        return "\n".join("% " + line for line in lines)
    return ("  \n" if fmt == "markdown" else "\n").join(lines)


def _curvature_lines(eigenvalues, limit, lang: str = "en") -> list:
    from symnet.render.i18n import t

    lines = [t("hessian_eigenvalues", lang, eigenvalues=", ".join(f"{v:.6g}" for v in eigenvalues))]
    lines.append(t("hessian_no_limit", lang) if limit is None else t("hessian_limit", lang, limit=f"{limit:.6g}"))
    return lines


def format_entries(h, matrix, fmt: str) -> str:
    """``∂²L/∂a∂b = value`` lines (i ≤ j, 12 significant digits) in ``fmt``."""
    from sympy import Derivative, Symbol

    from symnet.render.printing import aligned, format_expr

    n, loss = len(h.wrt), Symbol("L")
    pairs = [(Derivative(loss, h.wrt[i], h.wrt[j]), f"{matrix[i, j]:.12g}") for i in range(n) for j in range(i, n)]
    if fmt in ("latex", "markdown"):
        return aligned([f"{format_expr(d, 'latex')} &= {v}" for d, v in pairs], display=fmt == "markdown")
    return "\n".join(f"{format_expr(d, fmt)} = {v}" for d, v in pairs)


def hessian_json(target, h, matrix) -> str:
    """The Hessian as JSON: the loss, the gradient and tangent steps and the entries as strings (keys
    ``"a,b"``, i ≤ j); with a point, the matrix, its eigenvalues and 2/λ_max (null where not finite)."""
    from symnet.render.printing import text

    from .records import dumps, number

    pairs = h.pairs()
    n, steps = len(h.wrt), len(h.gradient.forward.assignments) + len(h.gradient.adjoints)
    data = {"loss": str(target.display), "loss_name": target.name, "wrt": [s.name for s in h.wrt],
            "forward": {str(a): str(b) for a, b in h.gradient.forward.assignments},
            "adjoints": {str(a): str(b) for a, b in h.gradient.adjoints},
            "tangents": {text(a): text(b) for a, b in pairs[steps:len(pairs) - n * (n + 1) // 2]},
            "entries": {f"{h.wrt[i]},{h.wrt[j]}": text(pairs[-n * (n + 1) // 2:][k][1])
                        for k, (i, j) in enumerate((i, j) for i in range(n) for j in range(i, n))}}
    if matrix is not None:
        eigenvalues, limit = spectrum(matrix)
        data["values"] = [[number(v) for v in row] for row in matrix]
        data["eigenvalues"] = None if eigenvalues is None else [number(v) for v in eigenvalues]
        data["largest_stable_learning_rate"] = number(limit)
    return dumps(data)
