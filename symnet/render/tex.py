"""Writers of derivation documents: blocks to text/Unicode, Markdown (``$$`` math) and LaTeX (``align*``).

Prose comes from ``symnet.render.i18n`` with its ``{fields}`` set as inline formulas; a math block becomes
aligned lines, rule notes beside them, the rows of one broken formula kept on one page. The LaTeX preamble is pdflatex-ready for English and uses ``ctexart`` (xelatex) for Chinese; math
is the same in both. Also runs the numeric check (``symnet.check_grads``) a document shows.
"""

from __future__ import annotations

import re
import textwrap
from string import Formatter

from symnet.derivation.rules import Rule
from symnet.render.i18n import rule as rule_words
from symnet.render.layout import (
    BUDGET,
    Equation,
    Figure,
    Heading,
    Label,
    Math,
    Num,
    Piece,
    Prose,
    Table,
    join,
    number,
    pack,
    tokens,
)
from symnet.render.notation import aligned, printer

UNICODE_TO_LATEX = {
    "ŷ": r"\(\hat{y}\)", "θ": r"\(\theta\)", "δ": r"\(\delta\)", "∂": r"\(\partial\)", "σ": r"\(\sigma\)",
    "′": r"\('\)", "·": r"\(\cdot\)", "−": r"\(-\)", "→": r"\(\to\)", "Δ": r"\(\Delta\)", "|": r"\(|\)",
    "—": "---", "²": r"\(^2\)", "≈": r"\(\approx\)",
}
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}

PREAMBLE_EN = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.2cm]{geometry}
"""
PREAMBLE_ZH = r"""\documentclass[11pt,UTF8]{ctexart}
\usepackage[a4paper,margin=2.2cm]{geometry}
\ctexset{section={format=\Large\bfseries\raggedright}}
"""
PREAMBLE_COMMON = r"""\pagestyle{plain}
\usepackage{amsmath,amssymb}
\usepackage{needspace}
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
    head = PREAMBLE_ZH if lang == "zh" else PREAMBLE_EN
    return (head + PREAMBLE_COMMON + "\\title{%s}\n\\author{symnet}\n\\date{}\n\\begin{document}\n\\maketitle\n\n"
            % escape(title))


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
            out += ["  " + line for line in math_lines(block, fmt, lang)]
        elif isinstance(block, Table):
            out += _text_table(block, fmt)
        elif isinstance(block, Figure):
            out += textwrap.wrap(f"[{block.path}] {block.caption}", BUDGET[fmt] + 4, break_long_words=False)
    return "\n".join(out).strip("\n") + "\n"


def _display_width(text: str) -> int:
    return sum(2 if "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" else 1 for c in text)


def _text_table(block: Table, fmt: str) -> list[str]:
    rows = [[cell(c, fmt) for c in block.header]] + [[cell(c, fmt) for c in row] for row in block.rows]
    widths = [max(_display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    pad = lambda s, w: s + " " * (w - _display_width(s))  # noqa: E731
    lines = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return [lines[0], "  ".join("-" * w for w in widths)] + lines[1:]


def emit_markdown(blocks, fmt: str, lang: str) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + prose(block, fmt), ""]
        elif isinstance(block, Prose):
            out += [prose(block, fmt), ""]
        elif isinstance(block, Math):
            out += [aligned(math_lines(block, fmt, lang), display=True), ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(cell(c, fmt) for c in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out += ["| " + " | ".join(cell(c, fmt) for c in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Figure):
            out += [f"![{block.caption}]({block.path})", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def emit_latex(blocks, fmt: str, lang: str) -> str:
    """Blocks as the body of a LaTeX document; a sentence stays on the page of the display it introduces."""
    out = []
    for block, following in zip(blocks, list(blocks[1:]) + [None]):
        if isinstance(block, Heading):
            command = {0: "section*", 1: "section*", 2: "subsection*"}.get(block.level, "paragraph")
            out += ["\\needspace{12\\baselineskip}", "\\%s{%s}" % (command, prose(block, fmt)), ""]
        elif isinstance(block, Prose) and isinstance(following, (Math, Table)):
            out += ["\\needspace{5\\baselineskip}", prose(block, fmt), "\\nopagebreak"]
        elif isinstance(block, Prose):
            out += [prose(block, fmt), ""]
        elif isinstance(block, Math):
            out += ["\\begin{align*}", " \\\\\n".join(math_lines(block, fmt, lang)), "\\end{align*}", ""]
        elif isinstance(block, Table):
            out += _latex_table(block, cell)
        elif isinstance(block, Figure):
            out += ["\\begin{figure}[!htbp]\\centering", "\\includegraphics[width=\\linewidth]{%s}" % block.path,
                    "\\par\\smallskip{\\small %s}" % escape(block.caption), "\\end{figure}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _latex_table(block: Table, cell) -> list[str]:
    columns = "l" + "r" * (len(block.header) - 1)
    body = [" & ".join(cell(c, "latex") for c in row) + r" \\" for row in block.rows]
    table = ["\\begin{tabular}{%s}" % columns, "\\toprule", " & ".join(cell(c, "latex") for c in block.header)
             + r" \\", "\\midrule", *body, "\\bottomrule", "\\end{tabular}"]
    return ["\\begin{center}\\small\\setlength{\\tabcolsep}{4pt}", *table, "\\end{center}", ""]


def inline(obj, fmt: str) -> str:
    """A formula inside prose."""
    if isinstance(obj, str):
        return escape(obj) if fmt == "latex" else obj
    if isinstance(obj, tuple):
        return ", ".join(inline(item, fmt) for item in obj)
    if isinstance(obj, Num) and fmt not in ("latex", "markdown"):
        return number(obj.value)
    if isinstance(obj, Equation):
        body = join(tokens(obj.lhs, fmt) + tokens(obj.rhs, fmt, "="), fmt, 10**6)
    else:
        body = join(tokens(obj, fmt), fmt, 10**6)
    return {"latex": r"\(%s\)", "markdown": "$%s$"}.get(fmt, "%s") % body


def escape(text: str) -> str:
    """Prose for LaTeX: special characters escaped, Unicode math symbols as inline math."""
    return "".join(LATEX_SPECIAL.get(c, UNICODE_TO_LATEX.get(c, c)) for c in text)


def prose(block, fmt: str) -> str:
    """A ``Prose`` or ``Heading`` block's text with its formulas inline."""
    parts = []
    fields = dict(block.fields)
    template = block.template if isinstance(block, Prose) else block.text
    for literal, field, _, _ in Formatter().parse(template):
        parts.append(escape(literal) if fmt == "latex" else literal)
        if field is not None:
            parts.append(inline(fields[field], fmt))
    return "".join(parts)


def lhs_text(obj, fmt: str) -> str:
    if isinstance(obj, Label):
        return r"\text{%s}" % escape(obj.text) if fmt in ("latex", "markdown") else obj.text
    return printer(fmt)(obj)


def math_lines(block: Math, fmt: str, lang: str = "en") -> list[str]:
    """Rendered lines of a math block; rule notes in ``lang`` (formulas as written, words translated)."""
    budget, tex = BUDGET[fmt], fmt in ("latex", "markdown")
    out = []
    for line in block.lines:
        pieces = tokens(line.rhs, fmt)
        if line.value is not None:
            pieces.append(Piece("=", number(line.value), len(number(line.value))))
        lhs = lhs_text(line.lhs, fmt)
        rows = pack(pieces, budget if tex else budget - len(lhs) - 5)
        note = note_text(line.note, fmt, lang) if line.note else ""
        texts = []
        for i, row in enumerate(rows):
            body = join(row, fmt, budget)
            if tex:
                head = f"{lhs} &= " if i == 0 else r"&\quad "
                tail = (r" && %s" % note) if note and i == len(rows) - 1 else ""
                texts.append(head + body + tail)
            else:
                head = f"{lhs} = " if i == 0 else " " * (len(lhs) + 3)
                tail = f"    [{note}]" if note and i == len(rows) - 1 else ""
                out.append(head + body + tail)
        if texts:
            out.append(_keep_together(texts) if fmt == "latex" else " \\\\\n".join(texts))
    return out


def _keep_together(rows: list[str]) -> str:
    """The rows of one formula joined so that a page break never strands its first or last two rows."""
    out = rows[0]
    for i, row in enumerate(rows[1:], start=1):
        glue = r" \\*" if len(rows) <= 6 or i <= 1 or i >= len(rows) - 2 else r" \\"
        out += glue + "\n" + row
    return out


__all__ = ["preamble", "emit_text", "emit_markdown", "emit_latex", "escape", "inline", "prose", "math_lines", "cell"]


def note_text(rules, fmt: str, lang: str = "en") -> str:
    """Rules as a note in ``fmt``: formulas as written, names translated (LaTeX: math with \\text words).

    >>> from sympy import Add, Mul
    >>> from symnet.derivation.rules import RULES
    >>> note_text((RULES[Add], RULES[Mul]), "unicode", "zh")
    '加法法则、乘法法则'
    """
    rules = (Rule(rules),) if isinstance(rules, str) else tuple(rules)
    tex = fmt in ("latex", "markdown")
    parts = []
    for rule in rules:
        formula = {"latex": rule.latex, "markdown": rule.latex, "text": rule.text}.get(fmt, rule.unicode)
        if formula is not None:
            parts.append(formula)
        else:
            words = rule_words(rule.name, lang)   # a function's own rule (erf rule) has no entry: kept
            parts.append(r"\text{%s}" % escape(words) if tex else words)
    separator = "、" if lang == "zh" else ", "
    return (r"\text{%s}" % separator).join(parts) if tex else separator.join(parts)


NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$")


def cell(value, fmt: str) -> str:
    """A table cell: formulas printed as math, numbers as math in LaTeX, words as text."""
    if isinstance(value, str) and fmt == "latex" and NUMBER.match(value.strip()):
        mantissa, _, exponent = value.strip().partition("e")
        return "$%s$" % (mantissa + (r"\times 10^{%d}" % int(exponent) if exponent else ""))
    if isinstance(value, str):
        return {"latex": escape(value), "markdown": value.replace("|", "\\|")}.get(fmt, value)
    text = printer(fmt)(value)
    return f"${text}$" if fmt in ("latex", "markdown") else text
