"""The BP1–BP4 section the document writer (``symnet.render.document``) adds when the program has
matrix steps: text, Markdown (``$$`` math) or LaTeX, in English or Chinese (words ``bp_*`` of the
shared language files ``symnet.render.lang_en``/``lang_zh``).

Parts: the layers and their shapes, the loss, the reverse sweep (each line tagged BP1–BP4 and
explained by the matrix rules that produced it; a convolution's, pooling's, flatten's or attention's line by
its own rows, ``symnet.render.step_words``), the four equations, the batch sum
∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹, and (optionally) the four-way check.
"""

from __future__ import annotations

from symnet.core.attention import RowSoftmax
from symnet.render import i18n
from symnet.render.attention import softmax_row_derivation
from symnet.render.check_table import check_table
from symnet.render.matrix import latex_rows, step_rows
from symnet.render.notation import latex, pretty
from symnet.render.step_words import distinct_notes, kind_key, network_kind, step_note
from symnet.render.tex import escape, preamble

KEYS = ("rows", "rows_text", "title", "network", "network_text", "loss", "loss_text", "sweep", "sweep_text", "equations",
        "equations_text", "batch", "batch_text", "check", "check_text")

EQUATIONS = (("BP1", r"\delta^{L} = \nabla_a C \odot \sigma'(z^{L})", "δᴸ = ∇ₐC ⊙ σ′(zᴸ)"),
             ("BP2", r"\delta^{l} = \left((W^{l+1})^{\mathsf T} \delta^{l+1}\right) \odot \sigma'(z^{l})",
              "δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"),
             ("BP3", r"\frac{\partial C}{\partial b^{l}} = \delta^{l}", "∂C/∂bˡ = δˡ"),
             ("BP4", r"\frac{\partial C}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\mathsf T}", "∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ"))
BATCH = (r"\frac{\partial \bar C}{\partial W^{l}} = \frac{1}{N}\sum_x \delta^{l}_x (a^{l-1}_x)^{\mathsf T}"
         r" = \frac{1}{N} (\Delta^{l})^{\mathsf T} A^{l-1}, \qquad "
         r"\frac{\partial \bar C}{\partial b^{l}} = \frac{1}{N}\sum_x \delta^{l}_x",
         "∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹,   ∂C̄/∂bˡ = (1/N) Σₓ δˡₓ")


def words_in(lang: str, fields: dict, kind: str = "dense") -> dict:
    """The section's words in ``lang`` for a network of ``kind`` (dense, conv, attention), keyed without their
    ``bp_`` prefix; ``{spec}``… filled in."""
    return {key: i18n.t(kind_key(key, kind), lang, **(fields if key in ("network_text", "loss_text") else {}))
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
    words = words_in(lang, fields, network_kind(derivation.loss.program))
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
        shapes = ["(" + "×".join(map(str, step.shape)) + ")" for step in steps]
        left, middle = max(map(len, lines), default=0), max(map(len, shapes), default=0)
        for line, shape, step in zip(lines, shapes, steps):
            note = f"   — {step_note(step, lang)}" if step.rules else ""
            out.append((f"  {line.ljust(left)}   {shape.ljust(middle)}" + note).rstrip())
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
        notes = _notes(steps, explain, lang, lambda lhs: f"${latex(lhs)}$")
        out += [""] + [f"- {note}" for note in notes] if notes else []
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
        notes = _notes(steps, explain, lang, lambda lhs: f"${latex(lhs)}$", _latex_prose)
        out += ["\\begin{itemize}", *(f"\\item {note}" for note in notes), "\\end{itemize}"] if notes else []
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


def _notes(steps, backward: bool, lang: str, math, words=lambda text: text) -> list[str]:
    """The notes under a block: the reverse sweep's rules once each (BP1 … BP4, then a convolution's, …); for the
    forward steps, each step that is not a dense layer's with what it computes (``z¹: cross-correlation …``)."""
    if backward:
        return [words(note) for note in distinct_notes(steps, lang)]
    return [f"{math(step.lhs)}: {words(step_note(step, lang))}" for step in steps if step.rules]


def _ascii(text: str) -> str:
    """The check table for ``verbatim``, which pdflatex can only set in ASCII."""
    return text.translate(str.maketrans({"—": "-", "·": "*", "−": "-", "Δ": "diff"}))


# Unicode math in prose, as LaTeX inline math (pdflatex cannot typeset these characters in text)
PROSE_MATH = {"zˡ": r"$z^l$", "Wˡ⁺¹": r"$W^{l+1}$", "Wˡ": r"$W^l$", "aˡ⁻¹": r"$a^{l-1}$", "aˡ": r"$a^l$",
              "bˡ": r"$b^l$", "σ′(zᴸ)": r"$\sigma'(z^L)$", "σ′(zˡ)": r"$\sigma'(z^l)$", "σ(zˡ)": r"$\sigma(z^l)$",
              "a⁰": r"$a^0$", "δˡ⁺¹": r"$\delta^{l+1}$", "δˡ": r"$\delta^l$", "δᴸ": r"$\delta^L$", "aᴸ": r"$a^L$",
              "∇ₐC": r"$\nabla_a C$", "∂C/∂zˡ": r"$\partial C/\partial z^l$", "Zˡ": r"$Z^l$", "Aˡ": r"$A^l$",
              "Δˡ": r"$\Delta^l$", "n₀": r"$n_0$", "nₗ": r"$n_l$", "×": r"$\times$", "ᵀ": r"$^{\mathsf T}$",
              "−": "$-$", "w_{j,k}": r"$w_{j,k}$",
              # a convolution's and an attention head's words (symnet.render.step_words)
              "∂C/∂K = X ⋆ δ": r"$\partial C/\partial K = X \star \delta$", "Kˡ": r"$K^l$",
              "∂C/∂X = δ ∗full rot180(K)":
                  r"$\partial C/\partial X = \delta \ast_{\mathrm{full}} \operatorname{rot180}(K)$",
              "∂C/∂b = Σ δ": r"$\partial C/\partial b = \sum \delta$", "δ aᵀ": r"$\delta a^{\mathsf T}$",
              "Wᵀ δ": r"$W^{\mathsf T} \delta$", "δ/k²": r"$\delta/k^2$", "Ḡ": r"$\bar G$", "⋆": r"$\star$",
              "∗": r"$\ast$", "Σ": r"$\Sigma$", "⊙": r"$\odot$",
              "diag(a) − aaᵀ": r"$\operatorname{diag}(a) - aa^{\mathsf T}$",
              "a ⊙ (g − rowsum(a ⊙ g))": r"$a \odot (g - \operatorname{rowsum}(a \odot g))$",
              "softmax(QKᵀ/√d_k)V": r"$\operatorname{softmax}(QK^{\mathsf T}/\sqrt{d_k})V$",
              "QKᵀ/√d_k": r"$QK^{\mathsf T}/\sqrt{d_k}$", "XW_Q": "$XW_Q$", "XW_K": "$XW_K$", "XW_V": "$XW_V$",
              "W_o h + b_o": "$W_o h + b_o$", "Oᵀr": r"$O^{\mathsf T} r$"}


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
