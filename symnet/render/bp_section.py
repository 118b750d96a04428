"""The BP1–BP4 section the document writer (``symnet.render.document``) adds when the program has
matrix steps: text, Markdown (``$$`` math) or LaTeX, in English or Chinese (words ``bp_*`` of the
shared language files ``symnet.render.lang_en``/``lang_zh``).

Parts: the layers and their shapes, the loss, the reverse sweep (each line tagged BP1–BP4 and
explained by the matrix rule that produced it), the four equations, the batch sum
∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹, and (optionally) the four-way check.
"""

from __future__ import annotations

from symnet.core.attention import RowSoftmax
from symnet.render import i18n
from symnet.render.attention import softmax_row_derivation
from symnet.render.check_table import check_table
from symnet.render.matrix import latex_rows, step_rows
from symnet.render.notation import latex, pretty
from symnet.render.tex import escape, preamble

KEYS = ("rows", "rows_text", "title", "network", "network_text", "loss", "loss_text", "sweep", "sweep_text", "equations",
        "equations_text", "batch", "batch_text", "check", "check_text", "rule_bp1", "rule_fused", "rule_bp2",
        "rule_bp3", "rule_bp4")

EQUATIONS = (("BP1", r"\delta^{L} = \nabla_a C \odot \sigma'(z^{L})", "δᴸ = ∇ₐC ⊙ σ′(zᴸ)"),
             ("BP2", r"\delta^{l} = \left((W^{l+1})^{\mathsf T} \delta^{l+1}\right) \odot \sigma'(z^{l})",
              "δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"),
             ("BP3", r"\frac{\partial C}{\partial b^{l}} = \delta^{l}", "∂C/∂bˡ = δˡ"),
             ("BP4", r"\frac{\partial C}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\mathsf T}", "∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ"))
BATCH = (r"\frac{\partial \bar C}{\partial W^{l}} = \frac{1}{N}\sum_x \delta^{l}_x (a^{l-1}_x)^{\mathsf T}"
         r" = \frac{1}{N} (\Delta^{l})^{\mathsf T} A^{l-1}, \qquad "
         r"\frac{\partial \bar C}{\partial b^{l}} = \frac{1}{N}\sum_x \delta^{l}_x",
         "∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹,   ∂C̄/∂bˡ = (1/N) Σₓ δˡₓ")


def words_in(lang: str, fields: dict) -> dict:
    """The section's words in ``lang``, keyed without their ``bp_`` prefix; ``{spec}``… filled in."""
    return {key: i18n.t("bp_" + key, lang, **(fields if key in ("network_text", "loss_text") else {}))
            for key in KEYS}


def bp_document(derivation, fmt: str = "markdown", lang: str | None = None, check: bool = True,
                title: bool = True) -> str:
    """The derivation of a program with matrix steps in ``fmt`` (text, unicode, markdown, or latex: a
    standalone document) in ``lang`` (en, zh; default the derivation's own, ``derive(..., lang=...)``);
    ``title`` False leaves the title out (what ``str`` and ``show`` print)."""
    lang = lang or derivation.lang
    if fmt not in ("unicode", "text", "markdown", "latex"):
        raise ValueError(f"expected fmt text, unicode, markdown or latex; got {fmt!r}")
    net = derivation.loss.network
    fields = {"spec": net.spec, "params": f"{net.n_params:,}", "loss": derivation.loss.name}
    words = words_in(lang, fields)
    sections = [
        (words["network"], words["network_text"], derivation.forward[:-1], False),
        (words["loss"], words["loss_text"], derivation.forward[-1:], False),
        (words["sweep"], words["sweep_text"], derivation.backward, True),
    ]
    check = check and derivation.check is not None
    if fmt == "markdown":
        return _markdown(derivation, words, sections, check, title, lang)
    if fmt == "latex":
        body = _latex(derivation, words, sections, check, lang)
        return preamble(lang, words["title"]) + body + "\n\\end{document}\n" if title else body
    return _unicode(derivation, words, sections, check, title, fmt, lang)


def _math_rows(steps) -> str:
    """``lhs &= rhs && 3 \\times 1 \\quad \\text{BP2}`` rows, the printers' (``symnet.render.matrix``)."""
    return " \\\\\n".join(latex_rows(step_rows(steps), latex))


def _unicode(derivation, words, sections, check, title, fmt, lang) -> str:
    out = [words["title"], "=" * 40] if title else []
    for heading, prose, steps, explain in sections:
        out += ["", heading, "-" * 20, prose]
        lines = [f"{pretty(step.lhs)} = {pretty(step.rhs)}" for step in steps]   # its prose is Unicode, text too
        left = max(map(len, lines), default=0)
        for line, step in zip(lines, steps):
            note = f"   — {words[step.rule]}" if explain and step.rule else ""
            out.append(f"  {line.ljust(left)}   ({step.shape[0]}×{step.shape[1]})" + note)
    if has_row_softmax(derivation):
        out += ["", words["rows"], "-" * 20, words["rows_text"]]
        out += ["  " + line for line in softmax_row_derivation("text", lang).splitlines()]
    out += ["", words["equations"], "-" * 20, words["equations_text"]]
    out += [f"  {name}  {text}" for name, _, text in EQUATIONS]
    out += ["", words["batch"], "-" * 20, words["batch_text"], "  " + BATCH[1]]
    if check:
        out += ["", words["check"], "-" * 20, words["check_text"], check_table(derivation.check, lang)]
    return "\n".join(out).strip("\n") + "\n"


def _markdown(derivation, words, sections, check, title, lang) -> str:
    out = [f"# {words['title']}"] if title else []
    for heading, prose, steps, explain in sections:
        out += ["", f"## {heading}", "", prose, "", "$$", "\\begin{aligned}"]
        out += [_math_rows(steps), "\\end{aligned}", "$$"]
        if explain:
            out += [""] + [f"- {words[rule]}" for rule in _rules(steps)]
    if has_row_softmax(derivation):
        out += ["", f"## {words['rows']}", "", words["rows_text"], "", "$$", softmax_row_derivation("latex", lang), "$$"]
    out += ["", f"## {words['equations']}", "", words["equations_text"], "", "$$", "\\begin{aligned}"]
    out.append(" \\\\\n".join(rf"&\text{{{name}}} && {tex}" for name, tex, _ in EQUATIONS))
    out += ["\\end{aligned}", "$$", "", f"## {words['batch']}", "", words["batch_text"], "", "$$", BATCH[0], "$$"]
    if check:
        out += ["", f"## {words['check']}", "", words["check_text"], "", check_table(derivation.check, lang, "markdown")]
    return "\n".join(out).strip("\n") + "\n"


def _latex(derivation, words, sections, check, lang) -> str:
    out = []
    for heading, prose, steps, explain in sections:
        out += [f"\\section*{{{escape(heading)}}}", _latex_prose(prose), "", "\\begin{align*}"]
        out += [_math_rows(steps), "\\end{align*}"]
        if explain:
            out += ["\\begin{itemize}", *(f"\\item {_latex_prose(words[rule])}" for rule in _rules(steps)),
                    "\\end{itemize}"]
    if has_row_softmax(derivation):
        out += [f"\\section*{{{escape(words['rows'])}}}", _latex_prose(words["rows_text"]), "\\[",
                softmax_row_derivation("latex", lang), "\\]"]
    out += [f"\\section*{{{escape(words['equations'])}}}", _latex_prose(words["equations_text"]), "\\begin{align*}"]
    out.append(" \\\\\n".join(rf"&\text{{{name}}} && {tex}" for name, tex, _ in EQUATIONS))
    out += ["\\end{align*}", f"\\section*{{{escape(words['batch'])}}}", _latex_prose(words["batch_text"]),
            "\\[", BATCH[0], "\\]"]
    if check:
        out += [f"\\section*{{{escape(words['check'])}}}", _latex_prose(words["check_text"]),
                "{\\footnotesize", "\\begin{verbatim}", _ascii(check_table(derivation.check, lang)), "\\end{verbatim}", "}"]
    return "\n".join(out) + "\n"


def has_row_softmax(derivation) -> bool:
    """Whether the program takes a softmax by rows (attention's A = softmax(S)): its derivation gets a section."""
    return any(isinstance(rhs, RowSoftmax) for _, rhs in derivation.loss.program.assignments)


def _rules(steps) -> list[str]:
    """The rules the lines were made by, once each, in the order of the equations (BP1 … BP4)."""
    return sorted(dict.fromkeys(s.rule for s in steps if s.rule), key=lambda rule: rule.replace("fused", "bp1"))


def _ascii(text: str) -> str:
    """The check table for ``verbatim``, which pdflatex can only set in ASCII."""
    return text.translate(str.maketrans({"—": "-", "·": "*", "−": "-", "Δ": "diff"}))


# Unicode math in prose, as LaTeX inline math (pdflatex cannot typeset these characters in text)
PROSE_MATH = {"zˡ": r"$z^l$", "Wˡ⁺¹": r"$W^{l+1}$", "Wˡ": r"$W^l$", "aˡ⁻¹": r"$a^{l-1}$", "aˡ": r"$a^l$",
              "bˡ": r"$b^l$", "σ′(zᴸ)": r"$\sigma'(z^L)$", "σ′(zˡ)": r"$\sigma'(z^l)$", "σ(zˡ)": r"$\sigma(z^l)$",
              "a⁰": r"$a^0$", "δˡ⁺¹": r"$\delta^{l+1}$", "δˡ": r"$\delta^l$", "δᴸ": r"$\delta^L$", "aᴸ": r"$a^L$",
              "∇ₐC": r"$\nabla_a C$", "∂C/∂zˡ": r"$\partial C/\partial z^l$", "Zˡ": r"$Z^l$", "Aˡ": r"$A^l$",
              "Δˡ": r"$\Delta^l$", "n₀": r"$n_0$", "nₗ": r"$n_l$", "×": r"$\times$", "ᵀ": r"$^{\mathsf T}$",
              "−": "$-$", "w_{j,k}": r"$w_{j,k}$"}


def _latex_prose(text: str) -> str:
    out, i = [], 0
    keys = sorted(PROSE_MATH, key=len, reverse=True)
    while i < len(text):
        key = next((k for k in keys if text.startswith(k, i)), None)
        if key:
            out.append(PROSE_MATH[key])
            i += len(key)
        else:
            out.append(escape(text[i]))
            i += 1
    return "".join(out)
