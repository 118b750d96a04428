"""``symnet hessian --expr "…" --shapes "…"``: the Hessian of a typed matrix loss in vectorized form (d × d;
dk × dk by a d × k matrix W, in row-major vec(W) order, written with Kronecker products).

``core.matrix_hessian`` derives it (a tangent sweep over the gradient program read as a linear map v ↦ Hv);
this module prints it: the loss, the shapes, ∂²L/∂w∂wᵀ with its shape, H v, and with ``--steps`` the program the
tangents refer to (its forward steps and the adjoint sweep of the gradient) followed by the tangent sweep, so that
every name a tangent line reads is defined above it.
"""

from __future__ import annotations

import sys

from .common import time_limit
from .lang import shown_lang


def matrix_view(kwargs, loss, steps: bool):
    """``--shapes``: the typed loss, its shapes, H (d × d, vectorized) and Hv; the tangent sweep with ``steps``."""
    fmt = kwargs.get("fmt", "unicode")
    fmt = "text" if kwargs.get("ascii") and fmt == "unicode" else fmt
    with time_limit(kwargs.get("timeout"), "the Hessian", "use a smaller expression or a larger --timeout"):
        from symnet.core.matrix_hessian import matrix_hessian

        h = matrix_hessian(loss)
        if fmt == "json":
            return matrix_json(loss, h), 0
        return matrix_text(loss, h, fmt, steps, shown_lang(sys.stdout)), 0


def matrix_text(loss, h, fmt: str, steps: bool, lang: str = "en") -> str:
    """The loss, the shapes, ∂²L/∂w∂wᵀ = H (d × d) and H v, in ``fmt`` (markdown: LaTeX in $$); the words
    of the text formats in ``lang`` (LaTeX keeps English, as ``grad``'s)."""
    from symnet.render.matrix_expr import latex, shape_text, text, unicode
    from symnet.render.matrix_report import WORDS

    if fmt == "markdown":
        return "$$\n" + matrix_text(loss, h, "latex", steps, lang) + "\n$$"
    words = WORDS.get(lang, WORDS["en"])
    show = {"latex": latex, "text": text}.get(fmt, unicode)
    eq, times = (" &= ", r" \times ") if fmt == "latex" else (" = ", {"text": " x "}.get(fmt, " × "))
    w, v, d = show(h.wrt), show(h.direction), show(h.size)    # 3·N, not 3*N
    w = w if h.wrt.shape[1] == 1 else rf"\operatorname{{vec}}({w})" if fmt == "latex" else f"vec({w})"
    head = {"latex": rf"\frac{{\partial^2 L}}{{\partial {w}\,\partial {w}^{{\mathsf T}}}}",
            "text": f"d2L/d{w}d{w}^T"}.get(fmt, f"∂²L/∂{w}∂{w}ᵀ")
    shapes = ", ".join(f"{show(m)}: {shape_text(m, times)}" for m in loss.matrices)
    lines = [f"L{eq}{show(loss.expr)}", (r"\text{shapes: }" if fmt == "latex" else words["shapes"] + ": ") + shapes,
             f"{head}{eq}{_matrix(h, show, fmt, words)}" + (" && " if fmt == "latex" else "    (") + f"{d}{times}{d}"
             + _order(h, fmt, words) + ("" if fmt == "latex" else ")"),
             f"H {v}{eq}{show(h.product_formula())}"]
    if steps or h.matrix is None:
        lines += step_lines(h, show, eq, fmt, words)
    if fmt == "latex":
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    return "\n".join(lines)


def _matrix(h, show, fmt, words):
    if h.matrix is not None:
        return show(h.matrix)
    return r"\text{(no Kronecker form: the tangent sweep below)}" if fmt == "latex" else words["no_kron"]


def _order(h, fmt: str, words) -> str:
    """The vec order of a matrix parameter W (d × k): row-major, W[i, a] is entry i·k + a (NumPy's W.ravel())."""
    if h.wrt.shape[1] == 1:
        return ""
    k = h.wrt.shape[1]
    return (rf"\text{{, vec row-major: }} W_{{ia}} \to i \cdot {k} + a" if fmt == "latex"
            else words["vec_order"].format(W=h.wrt.name, k=k))


def step_lines(h, show, eq: str, fmt: str, words) -> list[str]:
    """The gradient's program (forward steps, then the adjoint sweep) and the tangent sweep over it: d_u is the
    change of the step u along v, so each tangent line reads names the program defines."""
    from symnet.core.matrix_simplify import readable

    w, v = show(h.wrt), show(h.direction)
    program = h.program.assignments[:len(h.program.assignments) - len(h.tangents)]
    latex = fmt == "latex"
    lines = [r"\text{program (forward, then the adjoint sweep)}" if latex else words["program"] + ":"]
    lines += [f"{show(lhs)}{eq}{show(readable(rhs))}" for lhs, rhs in program]
    lines.append(rf"\text{{tangent sweep (}}\dot {w} = {v}\text{{; d\_u: the change of u along }}{v}\text{{)}}"
                 if latex else words["tangents"].format(w="d_" + w if fmt == "text" else w + chr(0x307), v=v) + ":")
    return lines + [f"{show(lhs)}{eq}{show(rhs)}" for lhs, rhs in h.tangents]


def matrix_json(loss, h) -> str:
    """H and Hv as data: text (the matrix language), Unicode, LaTeX, and the shapes."""
    import json

    from symnet.render.matrix_expr import latex, text, unicode

    def entry(expr):
        return {"text": text(expr), "unicode": unicode(expr), "latex": latex(expr)}
    d = str(h.size)
    hessian = {**(entry(h.matrix) if h.matrix is not None else {"text": None, "unicode": None, "latex": None}),
               "shape": [d, d], "vec_order": "row-major" if h.wrt.shape[1] > 1 else None}
    return json.dumps({"loss": entry(loss.expr), "shapes": {m.name: [str(n) for n in m.shape] for m in loss.matrices},
                       "wrt": h.wrt.name, "wrt_shape": [str(n) for n in h.wrt.shape], "hessian": hessian,
                       "direction": h.direction.name, "hvp": entry(h.product_formula()),
                       "tangents": [{"name": lhs.name, **entry(rhs)} for lhs, rhs in h.tangents]},
                      ensure_ascii=False, indent=2)
