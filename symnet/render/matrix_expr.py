"""How a typed matrix expression prints: Unicode (‖Xw − y‖², Xᵀ, ⊙, ⊘), plain text and LaTeX.

The printers add ``_print_<Class>`` methods for ``core.matrix_ops``'s primitives to symnet's Unicode and
LaTeX printers; matrix names print as typed (u1 is u₁, not a layer index), δ_w as ∂L/∂w. ``unicode``,
``text`` and ``latex`` print one expression, ``shape_text`` a declared shape; ``symnet.render.matrix_report``
builds what ``symnet grad --expr … --shapes …`` prints from them.
"""

from __future__ import annotations

from sympy import Float, HadamardPower, HadamardProduct, Integer, MatAdd, MatrixSymbol, Pow, Symbol

from symnet.core.matrix_ops import SquaredNorm
from symnet.render.notation import SUBSCRIPT, SUPERSCRIPT, SymnetLatexPrinter, TextPrinter, UnicodePrinter

NAMES = {"sigmoid": "σ", "lam": "λ", "lambda": "λ"}
LATEX_NAMES = {"sigmoid": r"\sigma", "lam": r"\lambda", "lambda": r"\lambda"}


def _plain_name(name: str) -> str:
    if name.startswith("delta_"):
        return f"∂L/∂{_plain_name(name[6:])}"
    head = name.rstrip("0123456789")
    return NAMES.get(name, head + name[len(head):].translate(SUBSCRIPT)) if head else name


def _coefficient(printer, c) -> str:
    """A scalar factor before a matrix: in parentheses when it is a sum or a fraction, (2/N)·Xᵀ…, 2λ·w."""
    text = printer._print(c)
    return f"({text})" if c.is_Add or c.as_numer_denom()[1] != 1 else text


def _terms(expr):
    """A sum's terms as a textbook orders them: the ones with more matrices first, the negated ones last."""
    return sorted(expr.args, key=lambda t: (t.could_extract_minus_sign(),
                                            -sum(1 for a in t.atoms(MatrixSymbol))))


def _join(printer, expr, minus="−"):
    out = ""
    for i, t in enumerate(_terms(expr)):
        code = printer._print(t)
        if i and code.startswith(("-", "−")):
            out += f" {minus} {code[1:].lstrip()}"
        else:
            out += code if not i else f" + {code}"
    return out


def _minus(text: str) -> str:
    """A scalar's ASCII signs as Unicode minus (−1/N, a − b), the sign the matrix terms print with."""
    text = text.replace(" + −", " − ").replace(" - ", " − ")
    return "−" + text[1:] if text.startswith("-") else text


def _power_of_norm(printer, expr, left="(", right=")"):
    """``(‖u‖²)^p``: a power of a squared norm with its base in parentheses (‖u‖²^p reads as two exponents, and
    LaTeX refuses ``^{2}^{p}``); None for any other power."""
    if not isinstance(expr.base, SquaredNorm):
        return None
    placeholder = Symbol("NORMBASE")
    text, name, base = printer._print(Pow(placeholder, expr.exp, evaluate=False)), printer._print(placeholder), \
        printer._print(expr.base)
    for a, b in (("(", ")"), (r"\left(", r"\right)"), ("{", "}")):      # sqrt(·), \sqrt{·}: already enclosed
        if f"{a}{name}{b}" in text:
            return text.replace(name, base, 1)
    return text.replace(name, f"{left}{base}{right}", 1)


class MatrixExprUnicodePrinter(UnicodePrinter):
    """‖X‖₂, ‖X‖², ‖X‖₁, Σ(X), tr(X), exp(X), A ⊘ B, X.^p as X^∘p; names as typed."""

    printmethod = "_matrix_expr_unicode"   # these methods, never a class's own text form (norm2(X) for ‖X‖)

    def _print__RowWise(self, expr):      # softmax, log_softmax, rowsum of each row (core.attention)
        return f"{expr.label}({self._print(expr.args[0])})"

    def _print_Pow(self, expr, *args, **kwargs):
        return _power_of_norm(self, expr) or super()._print_Pow(expr, *args, **kwargs)

    def _print_MatrixSymbol(self, expr):
        return _plain_name(expr.name)

    def _print_Symbol(self, expr):
        return _plain_name(expr.name)

    def _print_Mul(self, expr):           # a scalar step: ∂L/∂s₁ = −1/N, L = −s₁/N
        return _minus(super()._print_Mul(expr))

    def _print_Add(self, expr, order=None):
        return _minus(super()._print_Add(expr, order))

    def _print_Integer(self, expr):
        return _minus(super()._print_Integer(expr))

    def _print_Rational(self, expr):
        return _minus(super()._print_Rational(expr))

    def _print_Float(self, expr):
        return _minus(super()._print_Float(expr))

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        body = " ".join(self.parenthesize(f, 60) for f in factors)
        if coeff == 1:
            return body
        return ("−" + body) if coeff == -1 else f"{_coefficient(self, coeff).replace('-', '−', 1)}·{body}"

    def _print_MatAdd(self, expr):
        return _join(self, expr)

    def _print_EntrySum(self, expr):
        return f"sum({self._print(expr.arg)})"

    def _print_Norm2(self, expr):
        return f"‖{self._print(expr.arg)}‖"

    def _print_SquaredNorm(self, expr):
        return f"‖{self._print(expr.arg)}‖²"

    def _print_Norm1(self, expr):
        return f"‖{self._print(expr.arg)}‖₁"

    def _print_Trace(self, expr):
        return f"tr({self._print(expr.arg)})"

    def _print_Entrywise(self, expr):
        return f"{expr.name}({self._print(expr.args[1])})"

    def _print_Apply(self, expr):
        return f"{NAMES.get(expr.name, expr.name)}({self._print(expr.args[1])})"

    def _print_Scale(self, expr):
        return f"{self.parenthesize(expr.args[0], 50)}·{self.parenthesize(expr.args[1], 60)}"

    def _print_OneMatrix(self, expr):
        return "𝟙"

    def _print_Identity(self, expr):
        return "I"

    def _print_HadamardPower(self, expr):
        base, p = self.parenthesize(expr.args[0], 100), expr.args[1]
        if p == -1:
            return f"𝟙 ⊘ {base}"
        return base + ("^∘" + str(p).translate(SUPERSCRIPT) if p.is_Integer and p > 0 else f"^∘({self._print(p)})")

    def _print_HadamardProduct(self, expr):
        top = [a for a in expr.args if not (isinstance(a, HadamardPower) and a.args[1] == -1)]
        bottom = [a.args[0] for a in expr.args if a not in top]
        text = " ⊙ ".join(self.parenthesize(a, 60) for a in top) or "𝟙"
        return text + "".join(f" ⊘ {self.parenthesize(b, 100)}" for b in bottom)


class MatrixExprTextPrinter(TextPrinter):
    """ASCII in NumPy's spelling: ``@`` for the product, ``*`` entrywise, ``.T``; norm2(X), sum(X), tr(X)."""

    printmethod = "_matrix_expr_text"

    def _print__RowWise(self, expr):
        return f"{expr.label}({self._print(expr.args[0])})"

    def _print_Pow(self, expr, *args, **kwargs):
        return _power_of_norm(self, expr) or super()._print_Pow(expr, *args, **kwargs)

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        body = " @ ".join(self.parenthesize(f, 60) for f in factors)
        return body if coeff == 1 else ("-" + body) if coeff == -1 else f"{_coefficient(self, coeff)}*{body}"

    def _print_MatAdd(self, expr):
        return _join(self, expr, "-")

    def _print_EntrySum(self, expr):
        return f"sum({self._print(expr.arg)})"

    def _print_Norm2(self, expr):
        return f"norm2({self._print(expr.arg)})"

    def _print_SquaredNorm(self, expr):
        return f"norm2({self._print(expr.arg)})^2"

    def _print_Norm1(self, expr):
        return f"norm1({self._print(expr.arg)})"

    def _print_Trace(self, expr):
        return f"tr({self._print(expr.arg)})"

    def _print_Entrywise(self, expr):
        return f"{expr.name}({self._print(expr.args[1])})"

    def _print_Scale(self, expr):
        return f"{self.parenthesize(expr.args[0], 50)}*{self.parenthesize(expr.args[1], 60)}"

    def _print_OneMatrix(self, expr):
        return "ones"

    def _print_HadamardPower(self, expr):
        return f"{self.parenthesize(expr.args[0], 100)}**{self.parenthesize(expr.args[1], 100)}"


class MatrixExprLatexPrinter(SymnetLatexPrinter):
    """\\lVert X \\rVert, X^{\\mathsf T}, \\odot, \\oslash, \\operatorname{tr}."""

    def _print__RowWise(self, expr):
        return rf"\operatorname{{{expr.latex_label}}}\left({self._print(expr.args[0])}\right)"

    def _print_Pow(self, expr, *args, **kwargs):
        return _power_of_norm(self, expr, r"\left(", r"\right)") or super()._print_Pow(expr, *args, **kwargs)

    def _print_MatrixSymbol(self, expr):
        if expr.name.startswith("delta_"):
            return r"\frac{\partial L}{\partial %s}" % self._print(Symbol(expr.name[6:]))
        return self._print(Symbol(expr.name))

    def _print_Symbol(self, expr, style="plain"):
        if expr.name.startswith("delta_"):      # a scalar step's adjoint, as the matrix ones: ∂L/∂s
            return r"\frac{\partial L}{\partial %s}" % self._print(Symbol(expr.name[6:]))
        return LATEX_NAMES.get(expr.name) or super()._print_Symbol(expr, style)

    def _print_MatAdd(self, expr):
        return _join(self, expr, "-")

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        body = " ".join(rf"\left({self._print(f)}\right)" if isinstance(f, (MatAdd, HadamardProduct))
                        else self._print(f) for f in factors)
        if coeff == 1:
            return body
        if coeff == -1:
            return "- " + body
        c = self._print(coeff)
        return (rf"\left({c}\right) " if coeff.is_Add else c + " ") + body

    def _print_EntrySum(self, expr):
        return r"\operatorname{sum}\left(%s\right)" % self._print(expr.arg)

    def _print_Norm2(self, expr):
        return r"\lVert %s \rVert" % self._print(expr.arg)

    def _print_SquaredNorm(self, expr, exp=None):
        return r"\lVert %s \rVert^{2}" % self._print(expr.arg)

    def _print_Norm1(self, expr):
        return r"\lVert %s \rVert_{1}" % self._print(expr.arg)

    def _print_Trace(self, expr):
        return r"\operatorname{tr}\left(%s\right)" % self._print(expr.arg)

    def _print_Entrywise(self, expr):
        return r"\operatorname{%s}\left(%s\right)" % (expr.name, self._print(expr.args[1]))

    def _print_Scale(self, expr):
        return f"{self.parenthesize(expr.args[0], 50)} {self.parenthesize(expr.args[1], 60)}"

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_HadamardPower(self, expr):
        base = self.parenthesize(expr.args[0], 100)
        if expr.args[1] == -1:
            return r"\mathbf{1} \oslash " + base
        return r"%s^{\circ %s}" % (base, self._print(expr.args[1]))


def _whole_numbers(expr):
    """``expr`` with each decimal that is a whole number as that integer: 0.5·‖W‖² differentiates twice to
    1.0·I, which reads as I (and 2.0·W as 2·W); other decimals stay as the user wrote them."""
    whole = {x: Integer(int(x)) for x in getattr(expr, "atoms", lambda _: ())(Float) if float(x).is_integer()}
    return expr.xreplace(whole) if whole else expr


def unicode(expr) -> str:
    """One-line Unicode of a matrix expression (``‖Xw − y‖²``)."""
    return MatrixExprUnicodePrinter().doprint(_whole_numbers(expr))


def text(expr) -> str:
    """Plain ASCII of a matrix expression (``norm2(X@w - y)^2``)."""
    return MatrixExprTextPrinter().doprint(_whole_numbers(expr))


def latex(expr) -> str:
    """LaTeX of a matrix expression."""
    return MatrixExprLatexPrinter().doprint(_whole_numbers(expr))


def shape_text(symbol, times: str = " × ") -> str:
    """``N × 3`` (a scalar: ``1 × 1``)."""
    rows, cols = getattr(symbol, "shape", (1, 1))
    return f"{unicode(rows)}{times}{unicode(cols)}"
