"""The second-order section of a typed loss's document (``derive --expr … --shapes … --order 2``): the Hessian in
vectorized form with its shape and vec order (as ``symnet hessian --shapes`` prints it), H v, the tangent sweep
line by line with the Jacobian–vector row of each line, and (optionally) the order-2 four-way check. The data come
from ``symnet.derivation.typed_second``; words are the ``typed_second*`` keys of the language files.
"""

from __future__ import annotations

from symnet.render import i18n
from symnet.render.check_table import check_table
from symnet.render.matrix_expr import latex, unicode
from symnet.render.tex import escape

KEYS = ("", "_text", "_sweep", "_sweep_text", "_check", "_check_text")



def shape_note(second, lang: str = "en") -> str:
    """``3 × 3``, or ``6 × 6, vec(W) row-major: W[i, a] is entry i*2 + a`` (in ``lang``)."""
    h = second.hessian
    k = h.wrt.shape[1]
    note = f"{h.size} × {h.size}"
    return note if k == 1 else note + ", " + i18n.t("typed_second_vec", lang, w=h.wrt.name, k=k)

def second_section(second, fmt: str, lang: str, check: bool, show=unicode) -> str:
    """The section in ``fmt`` (text/unicode with ``show``, markdown, latex), appended to the typed document."""
    words = {key: i18n.t("typed_second" + key, lang) for key in KEYS}
    check = check and second.check is not None
    head, product = _hessian_lines(second, fmt, show, lang)
    lines = tuple((s.lhs, s.rhs, s.shape, s.rules) for s in second.tangents)
    writer = {"latex": _latex, "markdown": _markdown}.get(fmt)
    if writer is not None:
        return writer(second, words, head, product, lines, check, lang)
    return _text(second, words, head, product, check, lang, show)


def _latex(second, words, head, product, lines, check, lang) -> str:
    from symnet.render.bp_section import _ascii
    from symnet.render.typed_section import math_rows

    out = [f"\\section*{{{escape(words[''])}}}", escape(words["_text"]), "\\begin{gather*}", head + r" \\", product,
           "\\end{gather*}", f"\\section*{{{escape(words['_sweep'])}}}", escape(words["_sweep_text"]),
           "\\begin{align*}", " \\\\\n".join(math_rows(lines, lang, tags=True)), "\\end{align*}"]
    if check:
        out += [f"\\section*{{{escape(words['_check'])}}}", escape(words["_check_text"]), "{\\footnotesize",
                "\\begin{verbatim}", _ascii(check_table(second.check, lang)), "\\end{verbatim}", "}"]
    return "\n".join(out) + "\n"


def _markdown(second, words, head, product, lines, check, lang) -> str:
    from symnet.render.typed_section import math_rows

    out = ["", f"## {words['']}", "", words["_text"], "", "$$", "\\begin{gathered}", head + r" \\", product,
           "\\end{gathered}", "$$", "", f"## {words['_sweep']}", "", words["_sweep_text"], "", "$$",
           "\\begin{aligned}", " \\\\\n".join(math_rows(lines, lang)), "\\end{aligned}", "$$"]
    if check:
        out += ["", f"## {words['_check']}", "", words["_check_text"], "", check_table(second.check, lang, "markdown")]
    return "\n".join(out) + "\n"


def _text(second, words, head, product, check, lang, show) -> str:
    from symnet.render.typed_section import rule_note, shape_text_of

    rows = [(f"{show(s.lhs)} = {show(s.rhs)}", s.shape, s.rules) for s in second.tangents]
    left = max((len(r[0]) for r in rows), default=0)
    out = ["", words[""], "-" * 20, words["_text"], f"  {head}", f"  {product}", "", words["_sweep"], "-" * 20,
           words["_sweep_text"]]
    out += [f"  {text.ljust(left)}   ({shape_text_of(shape)})" + (f"   ← {rule_note(rules, 'unicode', lang)}"
                                                                  if rules else "") for text, shape, rules in rows]
    if check:
        out += ["", words["_check"], "-" * 20, words["_check_text"], check_table(second.check, lang)]
    return "\n".join(out) + "\n"


def _hessian_lines(second, fmt: str, show, lang: str) -> tuple[str, str]:
    """(∂²L/∂w∂wᵀ = H   (d × d[, vec order]), H v = …) as ``symnet hessian --shapes`` prints them."""
    h = second.hessian
    tex = fmt in ("latex", "markdown")
    show = latex if tex else show
    w = show(h.wrt)
    if h.wrt.shape[1] != 1:
        w = rf"\operatorname{{vec}}({w})" if tex else f"vec({w})"
    if h.matrix is not None:
        matrix = show(h.matrix)
    else:
        matrix = r"\text{(no Kronecker form: the tangent sweep)}" if tex else "(no Kronecker form: H v is the tangent sweep)"
    note = shape_note(second, lang)
    if tex:       # the formula on a line of its own (a Kronecker form is wide), then the shape and vec order
        size, _, order = note.partition(", ")
        order = rf"\text{{, {order}}}" if order else ""
        lhs = rf"\frac{{\partial^2 L}}{{\partial {w}\,\partial {w}^{{\mathsf T}}}}"
        size = size.replace("×", r"\times")
        return f"{lhs} = \\\\\n{matrix} \\\\\n({size}{order})", rf"H {show(h.direction)} = {show(h.product_formula())}"
    head = f"d2L/d{w}d{w}^T" if show is not unicode else f"∂²L/∂{w}∂{w}ᵀ"
    note = note if show is unicode else note.replace(" × ", " x ")
    return f"{head} = {matrix}    ({note})", f"H {show(h.direction)} = {show(h.product_formula())}"


def typed_more(second, fmt: str, lang: str | None, check: bool) -> str:
    """The second-derivative section in ``fmt`` that ``typed_section.typed_document`` appends, or ""."""
    if second is None:
        return ""
    from symnet.render.matrix_expr import text

    return second_section(second, fmt, lang or "en", check, text if fmt == "text" else unicode)
