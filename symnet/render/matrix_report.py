"""What ``symnet grad --expr … --shapes …`` prints of a typed matrix loss: the loss, the declared shapes, each
∂L/∂p in its readable closed form with its shape, and with ``steps`` the program and its adjoint sweep
(``report``); the same as data (``gradient_json``); the words of these views in English and Chinese (``WORDS``).

Expressions print through ``symnet.render.matrix_expr``.
"""

from __future__ import annotations

from sympy import MatrixSymbol

from symnet.core.matrix_expr import closed_gradient
from symnet.core.matrix_simplify import readable
from symnet.render.matrix_expr import latex, shape_text, text, unicode


def gradient_rows(loss, gradient):
    """(∂L/∂p symbol, readable closed form, shape) for each parameter of ``gradient``."""
    return [(MatrixSymbol(f"delta_{p.name}", *p.shape), closed_gradient(gradient, p), p)
            for p in gradient.wrt]


WORDS = {"en": {"shapes": "shapes", "program": "program (forward, then the adjoint sweep)",
                "tangents": "tangent sweep ({w} = {v}; d_u: the change of u along {v})",
                "vec_order": ", vec({W}) row-major: {W}[i, a] is entry i*{k} + a",
                "no_kron": "(no Kronecker form: H V is the tangent sweep below)"},
         "zh": {"shapes": "形状", "program": "程序（前向各步，然后伴随扫描）",
                "tangents": "切向扫描（{w} = {v}；d_u：步骤 u 沿 {v} 的变化）",
                "vec_order": "，vec({W}) 按行优先：{W}[i, a] 是第 i*{k} + a 项",
                "no_kron": "（没有 Kronecker 积形式：H V 即下面的切向扫描）"}}


def report(loss, gradient, fmt: str = "unicode", steps: bool = False, lang: str = "en") -> str:
    """What ``symnet grad --expr … --shapes …`` prints (``fmt``: unicode, text, latex; markdown: LaTeX in $$)."""
    if fmt == "markdown":
        return "$$\n" + report(loss, gradient, "latex", steps, lang) + "\n$$"
    words = WORDS.get(lang, WORDS["en"])
    show = {"latex": latex, "text": text}.get(fmt, unicode)
    eq = " &= " if fmt == "latex" else " = "
    times = {"latex": r" \times ", "text": " x "}.get(fmt, " × ")
    if fmt == "latex":
        shapes = r",\ ".join(rf"{show(m)} \in \mathbb{{R}}^{{{shape_text(m, times)}}}" for m in loss.matrices)
    else:
        shapes = words["shapes"] + ": " + ", ".join(f"{show(m)}: {shape_text(m, times)}" for m in loss.matrices)
    lines = [f"L{eq}{show(loss.expr)}", shapes]
    lines += [f"{show(d)}{eq}{show(rhs)}" + (" && " if fmt == "latex" else "    (") + shape_text(p, times)
              + ("" if fmt == "latex" else ")") for d, rhs, p in gradient_rows(loss, gradient)]
    if steps:
        lines.append(words["program"] + ":" if fmt != "latex" else r"\text{program}")
        program = gradient.program
        lines += [f"{show(lhs)}{eq}{show(readable(rhs))}" for lhs, rhs in program.assignments]
    if fmt == "latex":
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    return "\n".join(lines)


def gradient_json(loss, gradient) -> str:
    """The loss and each derivative as data: text (the matrix language), Unicode, LaTeX and shape."""
    import json

    def entry(expr, symbol):
        return {"text": text(expr), "unicode": unicode(expr), "latex": latex(expr),
                "shape": [str(d) for d in getattr(symbol, "shape", (1, 1))]}
    return json.dumps({
        "loss": entry(loss.expr, None),
        "shapes": {m.name: [str(d) for d in m.shape] for m in loss.matrices},
        "params": [p.name for p in gradient.wrt],
        "gradient": {p.name: entry(rhs, p) for _, rhs, p in gradient_rows(loss, gradient)},
    }, ensure_ascii=False, indent=2)
