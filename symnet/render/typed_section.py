"""The document of a typed matrix loss's derivation (``symnet.derivation.typed``): text, Markdown or LaTeX, in
English or Chinese (words ``typed_*`` of ``symnet.render.lang_en``/``lang_zh``).

Parts: the loss with its declared shapes, the forward steps (each with its shape), the adjoint sweep line by
line (δ_s = ∂L/∂s, each line with the vector–Jacobian rows that made its terms, e.g. ‖u‖² → 2u·δ, Aw → Aᵀδ),
the readable closed form of each ∂L/∂p, and (optionally) the four-way check.
"""

from __future__ import annotations

from sympy import Integer, MatAdd

from symnet.derivation.typed import VJP_ROWS, adjoint_symbol

from symnet.render import i18n
from symnet.render.check_table import check_table
from symnet.render.matrix_expr import _terms, latex, text, unicode
from symnet.render.tex import escape, note_text, preamble

WIDE = 110    # LaTeX characters of a right-hand side beyond which a document breaks it after each term
KEYS = ("title", "loss", "loss_text", "forward", "forward_text", "sweep", "sweep_text", "closed", "closed_text",
        "check", "check_text")


def typed_document(derivation, fmt: str = "markdown", lang: str | None = None, check: bool = True,
                   title: bool = True, more: str = "") -> str:
    """The derivation of a typed loss in ``fmt`` (text, unicode, markdown, or latex: a standalone document);
    ``title`` False leaves the title out (what ``str`` and ``show`` print); ``more`` is what follows
    in the same format (the second derivatives: ``render.typed_second.typed_more``)."""
    lang = lang or derivation.lang
    if fmt not in ("unicode", "text", "markdown", "latex"):
        raise ValueError(f"expected fmt text, unicode, markdown or latex; got {fmt!r}")
    words = {key: i18n.t("typed_" + key, lang) for key in KEYS}
    check = check and derivation.check is not None
    if fmt == "latex":
        body = _latex(derivation, words, check, lang) + more
        return preamble(lang, words["title"]) + body + "\n\\end{document}\n" if title else body
    if fmt == "markdown":
        return _markdown(derivation, words, check, title, lang) + more
    return _unicode(derivation, words, check, title, lang, text if fmt == "text" else unicode) + more


def sections(derivation):
    """(key, lines) per part: each line (lhs, rhs, shape, rules) with the closed form's lines last."""
    loss = derivation.loss
    shapes = tuple((m, None, m.shape, ()) for m in loss.matrices)
    forward = tuple((s.lhs, s.rhs, s.shape, ()) for s in derivation.forward)
    backward = tuple((s.lhs, s.rhs, s.shape, s.rules) for s in derivation.backward)
    closed = tuple((adjoint_symbol(item.param), item.compact, item.param.shape, ()) for item in derivation.params)
    return (("loss", shapes), ("forward", forward), ("sweep", backward), ("closed", closed))


def rule_note(rules, fmt: str, lang: str) -> str:
    """The rows of a line: VJP rows as formulas, scalar rules by name (``symnet.render.tex.note_text``)."""
    tex = fmt in ("latex", "markdown")
    rows = [(VJP_ROWS[r] if isinstance(r, str) else r)[1 if tex else 0] for r in rules if isinstance(r, (str, tuple))]
    scalar = tuple(r for r in rules if not isinstance(r, (str, tuple)))     # a tuple: a JVP row (typed_second)
    parts = rows + ([note_text(scalar, fmt, lang)] if scalar else [])
    return (r",\quad " if tex else ";  ").join(parts)


def _unicode(derivation, words, check, title, lang, show=unicode) -> str:
    """Text: ``show`` is the Unicode printer (‖Xw − y‖²) or, for ``fmt="text"``, the matrix language (X @ w)."""
    out = [words["title"], "=" * 40] if title else []
    out += ["", words["loss"], "-" * 20, words["loss_text"], f"  L = {show(derivation.loss.expr)}"]
    for key, lines in sections(derivation):
        if key != "loss":
            out += ["", words[key], "-" * 20, words[key + "_text"]]
        rows = [(show(lhs) + ("" if rhs is None else f" = {show(rhs)}"), shape, rules)
                for lhs, rhs, shape, rules in lines]
        left = max((len(r[0]) for r in rows), default=0)
        for text, shape, rules in rows:
            note = f"   ← {rule_note(rules, 'unicode', lang)}" if rules else ""
            out.append(f"  {text.ljust(left)}   ({shape_text_of(shape)})" + note)
    if check:
        out += ["", words["check"], "-" * 20, words["check_text"], check_table(derivation.check, lang)]
    return "\n".join(out).strip("\n") + "\n"


def shape_text_of(shape, times: str = " × ", show=unicode) -> str:
    """``N × 3`` of a (rows, columns) pair (LaTeX: ``show=latex``, ``times=r" \\times "``)."""
    return times.join(show(Integer(d) if isinstance(d, int) else d) for d in shape)


def math_rows(lines, lang: str, tags: bool = False) -> list[str]:
    """``lhs &= rhs && N \\times 1 \\quad rows`` for an ``aligned`` block; with ``tags`` (a LaTeX ``align*``) the
    shape and rows go in a ``\\tag*`` (set below a line too long for them) and a wide sum breaks after each term."""
    if lines and lines[0][1] is None:      # the declared shapes: one line, X ∈ ℝ^{N×3}, y ∈ ℝ^{N×1}, …
        return [r",\quad ".join(r"%s \in \mathbb{R}^{%s}" % (latex(m), shape_text_of(shape, r" \times ", latex))
                                 for m, _, shape, _ in lines)]
    rows = []
    for lhs, rhs, shape, rules in lines:
        inline = rules if not tags or len(rules) <= 2 else ()     # more rows than a tag holds: lines of their own
        tail = shape_text_of(shape, r" \times ", latex) + (r" \quad %s" % rule_note(inline, "latex", lang) if inline else "")
        body = broken(rhs) if tags else [latex(rhs)]
        rows.append(f"{latex(lhs)} &= {body[0]}" + (r" \tag*{$%s$}" % tail if tags else f" && {tail}"))
        rows += [r"&\quad " + term for term in body[1:]]
        rows += [r"&\qquad \leftarrow %s" % rule_note(rules[i:i + 2], "latex", lang)
                 for i in range(0, len(rules), 2) if not inline]
    return rows


def broken(expr) -> list[str]:
    """LaTeX of ``expr``, one line per term when it is a sum too wide for a page (``WIDE`` characters)."""
    text = latex(expr)
    if len(text) <= WIDE or not (expr.is_Add or isinstance(expr, MatAdd)):
        return [text]
    terms = [latex(t) for t in _terms(expr)]
    return [terms[0]] + [f"- {t[1:].lstrip()}" if t.startswith("-") else f"+ {t}" for t in terms[1:]]


def _markdown(derivation, words, check, title, lang) -> str:
    out = [f"# {words['title']}"] if title else []
    out += ["", f"## {words['loss']}", "", words["loss_text"], "", "$$", f"L = {latex(derivation.loss.expr)}", "$$"]
    for key, lines in sections(derivation):
        if key != "loss":
            out += ["", f"## {words[key]}", "", words[key + "_text"]]
        out += ["", "$$", "\\begin{aligned}", " \\\\\n".join(math_rows(lines, lang)), "\\end{aligned}", "$$"]
    if check:
        out += ["", f"## {words['check']}", "", words["check_text"], "", check_table(derivation.check, lang, "markdown")]
    return "\n".join(out).strip("\n") + "\n"


def _latex(derivation, words, check, lang) -> str:
    loss = broken(derivation.loss.expr)
    out = [f"\\section*{{{escape(words['loss'])}}}", escape(words["loss_text"]), "\\begin{align*}",
           " \\\\\n".join([f"L &= {loss[0]}"] + [r"&\quad " + term for term in loss[1:]]), "\\end{align*}"]
    for key, lines in sections(derivation):
        if key != "loss":
            out += [f"\\section*{{{escape(words[key])}}}", escape(words[key + "_text"])]
        out += ["\\begin{align*}", " \\\\\n".join(math_rows(lines, lang, tags=True)), "\\end{align*}"]
    if check:
        from symnet.render.bp_section import _ascii

        out += [f"\\section*{{{escape(words['check'])}}}", escape(words["check_text"]),
                "{\\footnotesize", "\\begin{verbatim}", _ascii(check_table(derivation.check, lang)), "\\end{verbatim}", "}"]
    return "\n".join(out) + "\n"


def typed_math(derivation) -> list[str]:
    """Every math line (forward, sweep, closed form) for one ``aligned`` block (Jupyter's ``_repr_latex_``)."""
    return [row for key, lines in sections(derivation) if key != "loss" for row in math_rows(lines, derivation.lang)]


__all__ = ["typed_document", "typed_math"]
