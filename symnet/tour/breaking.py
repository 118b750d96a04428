"""Long formulas broken across lines, at the expression's own joints, so a display fits the page.

KaTeX sets a display formula on one line, and a formula of the seed network (its closed form, an expanded
gradient) runs to 800–2800 px. Here a SymPy expression becomes pieces of LaTeX with a break allowed
between any two: before each term of a sum (``+ b``), before each factor of a product (``· b``), after the
comma between a function's arguments and inside its parentheses (plain ``(`` and ``)``, which KaTeX lets
open on one line and close on another, unlike ``\\left(``). The pieces are filled greedily into lines of
at most ``width`` characters of the formula's Unicode text (its ``pretty`` form, a fair measure of the
typeset width) and set as ``aligned`` rows, the continuation lines indented.

The page shows two settings of each long formula: ``WIDE`` for a desktop column and ``NARROW`` for a
phone (the other hidden by a media query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Add, Dummy, Function, Mul, Pow

WIDE, NARROW = 84, 34          # characters of Unicode text per line: a 960 px column, a 420 px screen
SMALL = 10                     # a sub-expression this short is never cut


@dataclass(frozen=True)
class Piece:
    """LaTeX between two places a line may break; ``glue`` joins it to the piece before on the same line,
    ``lead`` starts a line with it (a product's factor: ``\\cdot`` both ways), ``depth`` is how deep in the
    expression that joint lies (lines break at the shallowest joint they can)."""

    tex: str
    width: int
    glue: str = ""
    lead: str = ""
    depth: int = 0


def pieces(expr, depth: int = 0) -> list[Piece]:
    """The pieces of ``expr``, in printing order.

    >>> from sympy import symbols
    >>> a, b, c, d = symbols("a b c d")
    >>> [p.tex for p in pieces((a + b + c + d) * (a - b + c - d))]
    ['(a', 'b', 'c', 'd)', '(a', 'b', 'c', 'd)']
    """
    from symnet.render.printing import latex, pretty

    width = len(pretty(expr))
    if width <= SMALL or not expr.args:
        return [Piece(latex(expr), width)]
    if isinstance(expr, Add):
        return _sum(expr, depth)
    if isinstance(expr, Mul):
        return _product(expr, depth)
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp > 0:
        return _wrap(pieces(expr.base, depth + 1), "(", ")^{%s}" % latex(expr.exp))
    if isinstance(expr, Function):
        return _call(expr, depth)
    return [Piece(latex(expr), width)]


def _joint(piece: Piece, glue: str, lead: str, depth: int) -> Piece:
    """``piece`` as the first after a joint of the given depth."""
    return Piece(piece.tex, piece.width, glue, lead, depth)


def _sum(expr, depth: int) -> list[Piece]:
    out = []
    for k, term in enumerate(expr.as_ordered_terms()):
        minus = k > 0 and term.could_extract_minus_sign()
        parts = pieces(-term if minus else term, depth + 1)
        if k > 0:
            sign = "- " if minus else "+ "
            parts[0] = _joint(parts[0], " " + sign, sign, depth)
        out += parts
    return out


def _product(expr, depth: int) -> list[Piece]:
    coeff, rest = expr.as_coeff_Mul()
    factors = ([] if coeff in (1, -1) else [coeff]) + list(Mul.make_args(rest))
    out = []
    for k, factor in enumerate(factors):
        parts = pieces(factor, depth + 1)
        if isinstance(factor, Add):
            parts = _wrap(parts, "(", ")")
        if k > 0:
            parts[0] = _joint(parts[0], " \\cdot ", "\\cdot ", depth)
        out += parts
    if coeff == -1:
        out[0] = Piece("-" + out[0].tex, out[0].width + 1, out[0].glue, out[0].lead, out[0].depth)
    return out


def _call(expr, depth: int) -> list[Piece]:
    """f(a, b): the head and ``(`` on the first argument's first piece, ``,`` after each argument but the last,
    ``)`` on the last one's last piece."""
    from symnet.render.printing import latex

    blank = latex(expr.func(*(Dummy() for _ in expr.args)))
    if "\\left(" not in blank:
        return [Piece(latex(expr), len(latex(expr)))]
    out = []
    for k, arg in enumerate(expr.args):
        parts = pieces(arg, depth + 1)
        if k > 0:
            out[-1] = Piece(out[-1].tex + ",", out[-1].width + 1, out[-1].glue, out[-1].lead, out[-1].depth)
            parts[0] = _joint(parts[0], " ", "", depth)
        out += parts
    return _wrap(out, blank.split("\\left(")[0] + "(", ")")


def _wrap(parts: list[Piece], opening: str, closing: str) -> list[Piece]:
    """``opening`` before the first piece, ``closing`` after the last (each a character or two wide)."""
    parts = list(parts)
    first = parts[0]
    parts[0] = Piece(opening + first.tex, first.width + min(len(opening), 2), first.glue, first.lead, first.depth)
    last = parts[-1]
    parts[-1] = Piece(last.tex + closing, last.width + min(len(closing), 2), last.glue, last.lead, last.depth)
    return parts


def fill(parts: list[Piece], width: int) -> list[str]:
    """Lines of at most ``width`` characters: when a line overflows, it breaks at its shallowest joint past
    a third of the width (the latest of equals); a piece wider than that gets a line of its own."""
    lines, line = [], []
    for piece in parts:
        line.append(piece)
        while len(line) > 1 and _width(line) > width:
            joints = [k for k in range(1, len(line)) if _width(line[:k]) >= width / 3] or [len(line) - 1]
            cut = min(joints, key=lambda k: (line[k].depth, -k))
            lines.append(line[:cut])
            line = line[cut:]
    return [_text(line) for line in lines + [line]]


def _width(line: list[Piece]) -> int:
    return _visible(line[0].lead) + line[0].width + sum(_visible(p.glue) + p.width for p in line[1:])


def _visible(glue: str) -> int:
    """How many characters a joint's LaTeX shows: `` \\cdot `` is one dot between two spaces."""
    return len(glue.replace("\\cdot", "·"))


def _text(line: list[Piece]) -> str:
    return line[0].lead + line[0].tex + "".join(p.glue + p.tex for p in line[1:])


def broken(lhs: str, expr, width: int) -> str:
    """``lhs = expr`` in LaTeX, as ``aligned`` rows of at most ``width`` characters when it is longer.

    >>> from sympy import symbols
    >>> a, b, c, d = symbols("a b c d")
    >>> print(broken("y", a + b, 80))
    y = a + b
    >>> print(broken("y", (a + b + c + d) * (a - b + c - d), 20))
    \\begin{aligned}y &= (a + b + c + d) \\\\ &\\qquad \\cdot (a - b + c - d)\\end{aligned}
    """
    from symnet.render.printing import latex

    lines = fill(pieces(expr), width)
    if len(lines) == 1:
        return f"{lhs} = {latex(expr)}"
    return "\\begin{aligned}" + f"{lhs} &= {lines[0]}" + "".join(f" \\\\ &\\qquad {line}" for line in lines[1:]) + \
        "\\end{aligned}"


# ---- LaTeX already written (derivation steps, matrix formulas): cut at its top-level joints -------------------

JOINTS = (" \\cdot ", " + ", " - ", " \\to ", " = ", ",\\qquad ", "\\qquad ", ", \\qquad ", ",\\ ")
FRACTION = re.compile(r"\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}")
WORDS = re.compile(r"\\text\{([^{}]*)\}")


def visible(tex: str) -> int:
    """About how many characters wide ``tex`` is typeset: a fraction as wide as its wider part, a command one.

    >>> visible(r"\\frac{\\partial L}{\\partial \\hat{y}} = 2")
    7
    """
    tex = FRACTION.sub(lambda m: "x" * max(visible(m.group(1)), visible(m.group(2))), tex)
    tex = WORDS.sub(lambda m: m.group(1), tex)
    tex = re.sub(r"\\(left|right|displaystyle|mathsf|mathrm|operatorname|hat|bar|,|;|!)(?![a-zA-Z])", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "x", tex)
    shown = re.sub(r"[{}^_&]|\s+(?=\s)", "", tex).strip()
    return len(shown) + sum(ch >= "\u2e80" for ch in shown)      # a Chinese character is two wide


def split_top(tex: str) -> list[tuple[str, str]]:
    """``tex`` cut at every joint (``JOINTS``) outside braces and ``\\left … \\right``: (joint, text) pairs,
    the first joint empty."""
    out, start, depth, k = [], 0, 0, 0
    joint = ""
    while k < len(tex):
        if tex.startswith("\\left", k) and not tex[k + 5:k + 6].isalpha():
            depth, k = depth + 1, k + 5
            continue
        if tex.startswith("\\right", k) and not tex[k + 6:k + 7].isalpha():
            depth, k = depth - 1, k + 6
            continue
        if tex[k] == "\\" and k + 1 < len(tex) and tex[k + 1] in "{}":
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[k], 0)
        found = next((j for j in JOINTS if depth == 0 and tex.startswith(j, k)), None)
        if found:
            out.append((joint, tex[start:k]))
            joint, start, k = found, k + len(found), k + len(found)
            continue
        k += 1
    return out + [(joint, tex[start:])]


def narrow_row(row: str, width: int) -> list[str]:
    """One ``aligned`` row ``lhs &= rhs && note`` as rows of at most ``width`` characters: the right side cut at
    its joints, the note (a rule's name) on a row of its own."""
    body, _, note = row.partition("&&")
    if visible(row) <= width and not note.strip():
        return [row]
    lhs, mark, rhs = body.partition("&")
    parts = [Piece(text, visible(text), glue, glue.strip() + " " if glue.strip() not in ("", ",") else "")
             for glue, text in split_top(rhs if mark else body)]
    if mark:
        parts[0] = Piece(lhs + "&" + parts[0].tex, visible(lhs) + parts[0].width)
    lines = fill(parts, width)
    rows = [lines[0]] + [("&\\qquad " if mark else "") + line for line in lines[1:]]
    return rows + [f"&\\qquad {line}" for line in _note_lines(note.strip(), width - 4)]


def _note_lines(note: str, width: int) -> list[str]:
    """A rule's name, or several (``\\text{, }`` between them), on as many rows as it needs."""
    if not note:
        return []
    names = re.split(r"(?<=\\text\{, \})|(?<=\\text\{、\})", note)
    return fill([Piece(name, visible(name), "", "") for name in names], width)


def narrow(tex: str, width: int = NARROW) -> str:
    """A display's LaTeX for a narrow screen: each ``aligned`` row cut by ``narrow_row``; a formula of
    several parts joined by ``\\qquad`` set as rows (``gathered``); anything else as it was.

    >>> print(narrow(r"a = 1,\\qquad b = 2", 6))
    \\begin{gathered}a = 1, \\\\ b = 2\\end{gathered}
    """
    inner = re.fullmatch(r"\s*\\begin\{aligned\}(.*)\\end\{aligned\}\s*", tex, re.S)
    if inner and "\\begin{" not in inner.group(1):
        rows = [r for row in re.split(r"\s*\\\\\s*", inner.group(1).strip()) for r in narrow_row(row, width)]
        return "\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}"
    parts = re.split(r"(?<=,)\s*\\qquad\s*", tex.strip())
    if len(parts) > 1 and "\\begin{" not in tex:
        return "\\begin{gathered}" + " \\\\ ".join(parts) + "\\end{gathered}"
    return tex
