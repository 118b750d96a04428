"""Notation: how symnet's formulas look in plain text, one-line Unicode, LaTeX and Markdown.

The expression-level printers (SymPy printer subclasses) and the helpers the documents build on:
one factor of a product, one ``lhs = rhs`` block, one LaTeX ``aligned`` display. Printers of whole
symnet objects (networks, gradients, reports…) build on these in ``symnet.render.printing``.

Symbols keep Python-identifier names (``w3_1``, ``delta_z5``, ``θ1``); the printer decides how they
look: w₃,₁ / w_{3,1}, δ_{z₅}, θ₁ / \\theta_{1}, ŷ / \\hat{y}. Printers subclass SymPy's and add
``_print_<Class>`` methods; they call ``self._print`` on sub-expressions, never ``str``.
"""

from __future__ import annotations

import re

from sympy import Basic, Symbol
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symnet.render.greek import GREEK, NOT_LATEX_COMMANDS
from symnet.render.matrix import MatrixLatexMethods, MatrixTextMethods, MatrixUnicodeMethods

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
INDEXED = re.compile(r"^([A-Za-zα-ωΑ-Ω]+?)(\d+(?:_\d+)*)$")
FORMATS = ("text", "unicode", "latex", "markdown")


def _name_parts(name: str):
    """('delta', rest) | ('hat', 'y') | (base, [indices]) | (name, [])."""
    if name.startswith("delta_"):
        return "delta", name[len("delta_"):]
    if name in ("yhat", "ŷ"):
        return "hat", "y"
    match = INDEXED.match(name)
    if match:
        return match.group(1), match.group(2).split("_")
    return name, []


_LATIN_LOOKALIKE = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")  # no LaTeX command of their own


def _roman(name: str) -> str:
    """A multi-letter name upright; its Greek letters as LaTeX commands, which pdfLaTeX can typeset
    (``w_θ`` → ``\\mathrm{w\\_}\\theta``, not a raw θ that stops the PDF build)."""
    return "".join(_roman_part(part) for part in re.split(r"([α-ωΑ-Ω])", name) if part).rstrip()


def _roman_part(part: str) -> str:
    if part in GREEK and GREEK[part] not in NOT_LATEX_COMMANDS:
        return "\\" + GREEK[part] + " "
    part = NOT_LATEX_COMMANDS.get(GREEK.get(part), part)
    return r"\mathrm{%s}" % part.translate(_LATIN_LOOKALIKE).replace("_", r"\_")


class SymnetLatexPrinter(MatrixLatexMethods, LatexPrinter):
    """LaTeX with symnet's symbol names, σ for sigmoid and f(θ, …) neurons, Nielsen's W^{1} for matrix steps."""

    def _print_Symbol(self, expr, style="plain"):
        base, rest = _name_parts(expr.name)
        if base == "delta":
            return r"\delta_{%s}" % self._print(Symbol(rest))
        if base == "hat":
            return r"\hat{%s}" % rest
        if base in GREEK.values() or base in GREEK:
            name = GREEK.get(base, base)
            base = NOT_LATEX_COMMANDS.get(name, "\\" + name)
        elif len(base) > 1 or not base.isascii():
            base = _roman(base)
        return base + ("_{%s}" % ",".join(rest) if rest else "")

    def _print_Derivative(self, expr):   # ∂²L/∂b∂w and ∂²L/∂b² for second derivatives (Hessians)
        n = expr.derivative_count
        variables = " ".join(r"\partial %s" % self._print(v) + ("" if k == 1 else "^{%d}" % k)
                             for v, k in expr.variable_count)
        return r"\frac{\partial%s %s}{%s}" % ("" if n == 1 else "^{%d}" % n, self._print(expr.expr), variables)

    def _print_sigmoid(self, expr, exp=None):
        return self._function(r"\sigma", expr, exp)

    def _print_relu(self, expr, exp=None):
        return self._function(r"\operatorname{ReLU}", expr, exp)

    def _print_softplus(self, expr, exp=None):
        return self._function(r"\operatorname{softplus}", expr, exp)

    def _print_f(self, expr, exp=None):
        return self._function("f", expr, exp)

    def _function(self, name, expr, exp):
        body = r"%s\left(%s\right)" % (name, ", ".join(self._print(a) for a in expr.args))
        return body if exp is None else r"%s^{%s}" % (body, exp)


class UnicodePrinter(MatrixUnicodeMethods, StrPrinter):
    """One-line Unicode: θ₁, w₃,₁, δz₅, ŷ, σ(z₅); matrix steps W¹, δ², ⊙, ᵀ."""

    def _print_Symbol(self, expr):
        base, rest = _name_parts(expr.name)
        if base == "delta":
            return "δ" + self._print(Symbol(rest))
        if base == "hat":
            return "ŷ"
        return base + ",".join(i.translate(SUBSCRIPT) for i in rest)

    def _print_Derivative(self, expr):
        n, powers = expr.derivative_count, [(self._print(v), str(k).translate(SUPERSCRIPT)) for v, k in expr.variable_count]
        if n == 1:
            return "∂%s/∂%s" % (self._print(expr.expr), powers[0][0])
        return "∂%s%s/%s" % (str(n).translate(SUPERSCRIPT), self._print(expr.expr),
                             "".join("∂" + v + ("" if k == "¹" else k) for v, k in powers))

    def _print_sigmoid(self, expr):
        return "σ(%s)" % self._print(expr.args[0])

    def _print_AppliedUndef(self, expr):     # f5(θ5, h3) -> f₅(θ₅, h₃)
        return "%s(%s)" % (self._print(Symbol(expr.func.__name__)), ", ".join(self._print(a) for a in expr.args))

    def _print_relu(self, expr):
        return "ReLU(%s)" % self._print(expr.args[0])

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr, rational=False):
        if expr.exp.is_Integer and expr.exp > 1:     # x², x⁴: one notation for every whole power
            return self.parenthesize(expr.base, 60) + str(expr.exp).translate(SUPERSCRIPT)
        return super()._print_Pow(expr, rational).replace("**", "^")


class MeasuringPrinter(UnicodePrinter):
    """``UnicodePrinter`` that remembers what it printed: printing a tree once prints every subtree,
    so the widths of all subtrees cost one pass (line breaking asks for many of them)."""

    MAX_MEMO = 200_000

    def __init__(self, settings=None):
        super().__init__(settings)
        self.memo: dict = {}

    def _print(self, expr, **kwargs):
        if kwargs or not isinstance(expr, Basic) or expr.is_Atom:
            return super()._print(expr, **kwargs)
        out = self.memo.get(expr)
        if out is None:
            if len(self.memo) > self.MAX_MEMO:
                self.memo.clear()
            out = self.memo[expr] = super()._print(expr)
        return out


_MEASURING = MeasuringPrinter()


def measure(expr) -> str:
    """``pretty(expr)``, remembered with the text of every subexpression (for repeated width queries).

    >>> from sympy import Symbol
    >>> measure(Symbol("w3_1") + 1)
    'w₃,₁ + 1'
    """
    return _MEASURING.doprint(expr)


def latex(expr) -> str:
    """LaTeX for a SymPy expression (or a symnet object with ``latex_lines``).

    >>> from sympy import Symbol
    >>> latex(Symbol("w3_1") * Symbol("delta_z5"))
    '\\\\delta_{z_{5}} w_{3,1}'
    """
    return SymnetLatexPrinter().doprint(expr)


def pretty(expr) -> str:
    """One-line Unicode for a SymPy expression.

    >>> from sympy import Symbol
    >>> pretty(Symbol("delta_z5") * Symbol("w3_1"))
    'δz₅·w₃,₁'
    """
    return UnicodePrinter().doprint(expr)


class TextPrinter(MatrixTextMethods, StrPrinter):
    """SymPy's str, with derivatives written dL/dw (also inside larger expressions); matrix steps with ``@``."""

    def _print_Derivative(self, expr):
        n = expr.derivative_count
        if n == 1:
            return "d%s/d%s" % (self._print(expr.expr), self._print(expr.variables[0]))
        return "d^%d%s/%s" % (n, self._print(expr.expr), "".join(
            "d" + self._print(v) + ("" if k == 1 else "^%d" % k) for v, k in expr.variable_count))


def text(expr) -> str:
    """Plain text (SymPy's str), with derivatives written dL/dw.

    >>> from sympy import Derivative, Symbol
    >>> text(Derivative(Symbol("L"), Symbol("w3_1")))
    'dL/dw3_1'
    """
    return TextPrinter().doprint(expr)


PRINTERS = {"text": text, "unicode": pretty, "latex": latex, "markdown": latex}


def check_format(fmt: str) -> str:
    """Return ``fmt`` if it is one of ``FORMATS``, else raise ``ValueError``."""
    if fmt not in PRINTERS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


def printer(fmt: str):
    """The one-expression printer of ``fmt`` (LaTeX for both latex and markdown, without ``$``)."""
    return PRINTERS[check_format(fmt)]


def factor(expr: Basic, fmt: str) -> str:
    """``expr`` printed as one factor of a product: sums and negative terms get parentheses.

    >>> from sympy import Symbol
    >>> factor(1 - Symbol("h5"), "unicode")
    '(1 - h₅)'
    """
    out = printer(fmt)(expr)
    if expr.is_Add or (expr.could_extract_minus_sign() and not expr.is_Atom) or (expr.is_Number and expr < 0):
        return r"\left(%s\right)" % out if fmt in ("latex", "markdown") else f"({out})"
    return out


def format_expr(expr: Basic, fmt: str) -> str:
    """An expression in one of ``FORMATS`` (Markdown wraps LaTeX in ``$…$``)."""
    check_format(fmt)
    out = PRINTERS[fmt](expr)
    return f"${out}$" if fmt == "markdown" else out


def aligned(lines, display: bool = False) -> str:
    """LaTeX lines ``lhs &= rhs`` as one ``aligned`` block; ``display`` wraps it in ``$$`` (Markdown, Jupyter).

    The one builder of ``aligned`` blocks: gradients, programs, derivations and CLI values all use it.

    >>> print(aligned(["a &= 1", "b &= 2"]))
    \\begin{aligned}
    a &= 1 \\\\
    b &= 2
    \\end{aligned}
    """
    block = "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    return f"$$\n{block}\n$$" if display else block


def format_assignments(pairs, fmt: str) -> str:
    """``lhs = rhs`` lines; LaTeX gets an ``aligned`` block, Markdown a ``$$`` display."""
    if fmt in ("latex", "markdown"):
        return aligned([f"{latex(lhs)} &= {latex(rhs)}" for lhs, rhs in pairs], display=fmt == "markdown")
    printer = PRINTERS[check_format(fmt)]
    return "\n".join(f"{printer(lhs)} = {printer(rhs)}" for lhs, rhs in pairs)


def program_pairs(program) -> list:
    """A program's assignments plus its outputs as (ŷ or out, expr) pairs."""
    pairs = list(program.assignments)
    out = program.outputs[0]
    if out.is_Symbol and out.name not in ("yhat", "L"):
        pairs.append((Symbol("yhat"), out))
    return pairs
