"""Writers of derivation documents: blocks to text/Unicode, Markdown (``$$`` math) and LaTeX (``align*``).

The LaTeX preamble is pdflatex-ready for English and uses ``ctexart`` (xelatex) for Chinese; math
is the same in both. Also runs the numeric check (``symnet.check_grads``) a document shows.
"""

from __future__ import annotations

import textwrap

from . import i18n
from .derivation_layout import BUDGET, Heading, Math, Prose, Table, math_lines, prose

PREAMBLE_EN = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.2cm]{geometry}
"""
PREAMBLE_ZH = r"""\documentclass[11pt,UTF8]{ctexart}
\usepackage[a4paper,margin=2.2cm]{geometry}
\ctexset{section={format=\Large\bfseries\raggedright}}
"""
PREAMBLE_COMMON = r"""\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{booktabs}
\usepackage{array}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\allowdisplaybreaks
\setlength{\jot}{6pt}
"""


def preamble(lang: str, title: str) -> str:
    """The document head up to ``\\maketitle``."""
    from .derivation_layout import escape

    head = PREAMBLE_ZH if lang == "zh" else PREAMBLE_EN
    return (head + PREAMBLE_COMMON + "\\title{%s}\n\\author{symnet}\n\\date{}\n\\begin{document}\n\\maketitle\n\n"
            % escape(title))


def _rule(lang):
    return lambda name: i18n.rule(name, lang)


def emit_text(blocks, fmt: str, lang: str) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            text = prose(block, fmt)
            bar = "=" if block.level <= 1 else "-"
            out += ["", text, bar * _display_width(text)] if block.level else [text, "=" * _display_width(text)]
        elif isinstance(block, Prose):
            out += textwrap.wrap(prose(block, fmt), BUDGET[fmt] + 4, break_long_words=False) or [""]
        elif isinstance(block, Math):
            out += ["  " + line for line in math_lines(block, fmt, _rule(lang))]
        elif isinstance(block, Table):
            out += _text_table(block, fmt)
    return "\n".join(out).strip("\n") + "\n"


def _display_width(text: str) -> int:
    return sum(2 if "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" else 1 for c in text)


def _text_table(block: Table, fmt: str) -> list[str]:
    from .document import cell

    rows = [[cell(c, fmt) for c in block.header]] + [[cell(c, fmt) for c in row] for row in block.rows]
    widths = [max(_display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    pad = lambda s, w: s + " " * (w - _display_width(s))  # noqa: E731
    lines = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return [lines[0], "  ".join("-" * w for w in widths)] + lines[1:]


def emit_markdown(blocks, fmt: str, lang: str) -> str:
    from .document import cell

    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + prose(block, fmt), ""]
        elif isinstance(block, Prose):
            out += [prose(block, fmt), ""]
        elif isinstance(block, Math):
            body = " \\\\\n".join(math_lines(block, fmt, _rule(lang)))
            out += ["$$", "\\begin{aligned}", body, "\\end{aligned}", "$$", ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(cell(c, fmt) for c in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out += ["| " + " | ".join(cell(c, fmt) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def emit_latex(blocks, fmt: str, lang: str) -> str:
    from .document import cell

    out = []
    for block in blocks:
        if isinstance(block, Heading):
            command = {0: "section*", 1: "section*", 2: "subsection*"}.get(block.level, "paragraph")
            out += ["\\%s{%s}" % (command, prose(block, fmt)), ""]
        elif isinstance(block, Prose):
            out += [prose(block, fmt), ""]
        elif isinstance(block, Math):
            out += ["\\begin{align*}", " \\\\\n".join(math_lines(block, fmt, _rule(lang))), "\\end{align*}", ""]
        elif isinstance(block, Table):
            out += _latex_table(block, cell)
    return "\n".join(out).rstrip("\n") + "\n"


def _latex_table(block: Table, cell) -> list[str]:
    columns = "l" + "r" * (len(block.header) - 1)
    body = [" & ".join(cell(c, "latex") for c in row) + r" \\" for row in block.rows]
    table = ["\\begin{tabular}{%s}" % columns, "\\toprule", " & ".join(cell(c, "latex") for c in block.header)
             + r" \\", "\\midrule", *body, "\\bottomrule", "\\end{tabular}"]
    return ["\\begin{center}", "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%",
            *table, "}", "\\end{center}", ""]


def check_report(derivation):
    """``check_grads`` at the derivation's point (a batch of one), or at a seeded random batch."""
    import numpy as np

    from .testing import check_grads

    loss = derivation.loss
    if not derivation.point:
        return check_grads(loss, seed=0)
    point = dict(derivation.point)
    theta = np.array([point[p] for p in loss.network.params])
    X = np.array([[point[s] for s in loss.network.inputs]])
    return check_grads(loss, theta, X, np.array([point[loss.target]]))


__all__ = ["BUDGET", "preamble", "emit_text", "emit_markdown", "emit_latex", "check_report"]
