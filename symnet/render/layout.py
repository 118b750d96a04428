"""Layout of derivation documents: the blocks (headings, prose, math lines, tables) and line breaking.

A document is a tuple of blocks; ``symnet.render.tex`` writes them as text, Unicode, LaTeX or
Markdown. Long formulas break across lines at top-level +, · and → within a width budget (widths
are estimated from the one-line Unicode form, each subtree printed once: ``printing.measure``);
a single piece still wider than the budget is scaled down in LaTeX with ``\\scalebox``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sympy import Basic, Derivative, Symbol

from symnet.derivation.records import OrderedProduct, OrderedSum
from symnet.render.notation import factor, measure, printer

BUDGET = {"text": 96, "unicode": 96, "latex": 78, "markdown": 80}
SEPARATORS = {",": (",", ","), "+": ("+", "+"), "·": ("·", r"\cdot"), "→": ("→", r"\to"), "−": ("-", "-"), "=": ("=", "=")}
TEXT_SEPARATORS = {"·": "*", "→": "->"}
GLUE = "\x00"      # joins two glued pieces; replaced by the format's multiplication sign
LATEX_WEIGHT = {**{c: 0.7 for c in "₀₁₂₃₄₅₆₇₈₉,"}, "·": 0.4, "(": 1.15, ")": 1.15}
@dataclass(frozen=True)
class Label:
    """A word used as the left side of a math line (e.g. 'path 1')."""

    text: str


@dataclass(frozen=True)
class Arrows:
    """A path drawn as s₀ → s₁ → … (for display)."""

    nodes: tuple


@dataclass(frozen=True)
class Num:
    """A number shown in prose or formulas (printed as given, as math where math is typeset)."""

    value: float

    def latex(self) -> str:
        mantissa, _, exponent = number(self.value).partition("e")
        return mantissa + (r"\times 10^{%d}" % int(exponent) if exponent else "")


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs`` inside prose."""

    lhs: object
    rhs: object


@dataclass(frozen=True)
class Heading:
    """A title (level 0), section (1) or subsection (2); ``text`` may hold ``{fields}`` like ``Prose``."""

    level: int
    text: str
    fields: tuple = ()


@dataclass(frozen=True)
class Prose:
    """A sentence from i18n: ``template`` with ``fields`` (formulas or plain strings)."""

    template: str
    fields: tuple = ()


@dataclass(frozen=True)
class Line:
    """``lhs = rhs`` in a display, with an optional note (a rule name or Rules) and value."""

    lhs: object
    rhs: object
    note: str | None = None
    value: float | None = None


@dataclass(frozen=True)
class Math:
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Figure:
    """A picture beside the document (``path`` relative to it) with a caption."""

    path: str
    caption: str


@dataclass(frozen=True)
class Table:
    header: tuple
    rows: tuple


def number(value: float) -> str:
    return f"{value:.6g}"


# ---- formulas -----------------------------------------------------------------------------------

class Piece(NamedTuple):
    """A breakable piece of a formula: the separator before it, its text, width and paren depth."""

    sep: str
    text: str
    width: int
    depth: int = 0


FUNCTION_NAMES = {"sigmoid": ("σ", r"\sigma"), "tanh": ("tanh", r"\tanh"), "exp": ("exp", r"\exp"),
                  "log": ("log", r"\log"), "sin": ("sin", r"\sin"), "cos": ("cos", r"\cos")}


def tokens(obj, fmt: str, first: str = "") -> list[Piece]:
    """``obj`` as pieces at which a long formula may break (top-level +, ·, → and inside wide factors)."""
    if isinstance(obj, OrderedSum):
        out = []
        for i, term in enumerate(obj.terms):
            out += tokens(term, fmt, first if i == 0 else "+")
        return out
    if isinstance(obj, OrderedProduct):
        out = []
        for i, item in enumerate(obj.factors):
            sep = first if i == 0 else "·"
            if isinstance(item, OrderedSum) and len(item.terms) == 1:
                out += tokens(item, fmt, sep)
            elif isinstance(item, OrderedSum):
                out += _wrap(tokens(item, fmt), fmt, sep, big=True)
            else:
                out += _deep(item, fmt, sep, BUDGET[fmt], 0, as_factor=len(obj.factors) > 1)
        return out
    if isinstance(obj, Arrows):
        return [Piece("" if i == 0 else "→", printer(fmt)(n), width(n, fmt)) for i, n in enumerate(obj.nodes)]
    if isinstance(obj, Basic):
        return _deep(obj, fmt, first, BUDGET[fmt], 0)
    if isinstance(obj, Num):
        text = obj.latex() if fmt in ("latex", "markdown") else number(obj.value)
        return [Piece(first, text, len(number(obj.value)))]
    return [Piece(first, str(obj), width(obj, fmt))]


def _deep(expr, fmt, sep, budget, depth, as_factor=False) -> list[Piece]:
    """Pieces of a SymPy expression, split inside sums, products and functions wider than ``budget``."""
    w = width(expr, fmt)
    if w <= budget or expr.is_Atom:
        return [Piece(sep, factor(expr, fmt) if as_factor else printer(fmt)(expr), w, depth)]
    if expr.is_Add:
        out = []
        for i, term in enumerate(expr.as_ordered_terms()):
            negative = i > 0 and term.could_extract_minus_sign()
            out += _deep(-term if negative else term, fmt, "−" if negative else (sep if i == 0 else "+"),
                         budget, depth)
        return _wrap(out, fmt, sep, depth=depth) if as_factor else out
    if expr.is_Mul:
        out = []
        for i, item in enumerate(expr.as_ordered_factors()):
            out += _deep(item, fmt, sep if i == 0 else "·", budget, depth, as_factor=True)
        return out
    name = FUNCTION_NAMES.get(type(expr).__name__)
    if name and len(expr.args) == 1:
        inner = _wrap(_deep(expr.args[0], fmt, "", budget, depth + 1), fmt, sep, depth=depth)
        head = name[fmt in ("latex", "markdown")]
        return [inner[0]._replace(text=head + inner[0].text)] + inner[1:]
    if expr.is_Function and len(expr.args) > 1:      # a neuron f(θ, u, …): break between arguments
        args = [p for i, arg in enumerate(expr.args) for p in _deep(arg, fmt, "," if i else "", budget, depth + 1)]
        inner = _wrap(args, fmt, sep, depth=depth)
        return [inner[0]._replace(text=printer(fmt)(Symbol(expr.func.__name__)) + inner[0].text)] + inner[1:]
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        inner = _wrap(_deep(expr.base, fmt, "", budget, depth + 1), fmt, sep, depth=depth)
        power = "^{%s}" % expr.exp if fmt in ("latex", "markdown") else "^%s" % expr.exp
        return inner[:-1] + [inner[-1]._replace(text=inner[-1].text + power)]
    return [Piece(sep, factor(expr, fmt) if as_factor else printer(fmt)(expr), w, depth)]


def _wrap(pieces, fmt, sep, depth=0, big=False) -> list[Piece]:
    """``pieces`` in parentheses (LaTeX: \\bigl( … \\bigr), safe across line breaks)."""
    tex = fmt in ("latex", "markdown")
    left, right = (r"\Biggl(", r"\Biggr)") if big else (r"\bigl(", r"\bigr)")
    left, right = (left, right) if tex else ("(", ")")
    pieces = [p._replace(depth=max(p.depth, depth + 1)) for p in pieces]
    pieces[0] = pieces[0]._replace(sep=sep, text=left + pieces[0].text, width=pieces[0].width + 1)
    pieces[-1] = pieces[-1]._replace(text=pieces[-1].text + right, width=pieces[-1].width + 1)
    return pieces


def width(obj, fmt: str = "unicode") -> int:
    """Estimated printed width in characters of the one-line Unicode form; for LaTeX, subscripts and
    the · of juxtaposed factors count less (they are small or absent there), a ∂a/∂b fraction 3."""
    if isinstance(obj, Derivative):
        return 3
    if isinstance(obj, (OrderedSum, OrderedProduct, Arrows)):
        return sum(p.width + 3 for p in tokens(obj, fmt))
    text = measure(obj) if isinstance(obj, Basic) else str(obj)
    if fmt not in ("latex", "markdown"):
        return len(text)
    return round(len(text) + sum(text.count(c) * (w - 1.0) for c, w in LATEX_WEIGHT.items()))


def pack(pieces, budget: int) -> list[list[Piece]]:
    """Line breaking: a formula wider than ``budget`` starts each top-level term on a new line,
    and pieces fill a line greedily until the next would pass ``budget``."""
    pieces = _glue(pieces)
    total = sum(p.width + 3 for p in pieces)
    lines, current, used = [], [], 0
    for piece in pieces:
        term_start = total > budget and piece.depth == 0 and piece.sep in ("+", "−")
        if current and (used + piece.width + 3 > budget or term_start):
            if piece.sep == ",":        # the comma ends the line, it does not start the next
                current[-1], piece = current[-1]._replace(text=current[-1].text + ","), piece._replace(sep="")
            lines.append(current)
            current, used = [], 4
        current.append(piece)
        used += piece.width + 3
    return lines + [current] if current else lines


def _glue(pieces) -> list[Piece]:
    """A short factor (like w₇,₃) stays on the line of the factor it multiplies."""
    out: list[Piece] = []
    for piece in pieces:
        if out and piece.sep == "·" and out[-1].width < 8 and out[-1].text[-1:] not in ")(":
            last = out.pop()
            piece = Piece(last.sep, last.text + GLUE + piece.text, last.width + 3 + piece.width,
                          min(last.depth, piece.depth))
        out.append(piece)
    return out


def join(pieces, fmt: str, budget: int) -> str:
    """Pieces of one line as text (LaTeX: a piece still wider than the page is scaled down)."""
    out = []
    for piece in pieces:
        text = piece.text
        text = text.replace(GLUE, " %s " % (r"\cdot" if fmt in ("latex", "markdown") else
                                            TEXT_SEPARATORS["·"] if fmt == "text" else "·"))
        if fmt == "latex" and piece.width > budget:
            text = r"\scalebox{%.2f}{$\displaystyle %s$}" % (max(0.4, budget / piece.width), text)
        if piece.sep == "," and out:        # an argument list: the comma stays on the argument before it
            out[-1] += ","
        elif piece.sep:
            sep = SEPARATORS[piece.sep][fmt in ("latex", "markdown")]
            out.append(TEXT_SEPARATORS.get(piece.sep, sep) if fmt == "text" else sep)
        out.append(text)
    return " ".join(out)
