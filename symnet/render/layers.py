"""Printing layer networks and their gradients in Nielsen's notation, with the shape of every quantity.

Names become superscripts: W1 → W¹ (LaTeX W^{1}), z1 → z¹, and the adjoint delta_z1 → δ¹ = ∂C/∂z¹.
The Hadamard product prints ⊙ (``*`` in plain text, where a matrix product prints ``@``), the
transpose ᵀ. Each line carries its shape, e.g. ``z¹ = W¹ x + b¹    (32×1)``; the gradient's lines are
tagged with the equation of backpropagation they are (BP1–BP4).
"""

from __future__ import annotations

import re

from sympy import MatrixSymbol
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symnet.derivation.layers import equation_tag as tag_of

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LAYER_NAME = re.compile(r"^(delta_)?([A-Za-z]+)(\d+)$")
FORMATS = ("text", "unicode", "latex")


def _parts(name: str):
    """'delta_z2' → ('delta', 'z', '2'); 'W1' → ('', 'W', '1'); 'x' → ('', 'x', '')."""
    match = LAYER_NAME.match(name)
    if not match:
        return ("delta" if name.startswith("delta_") else ""), name.removeprefix("delta_"), ""
    return ("delta" if match.group(1) else ""), match.group(2), match.group(3)


class LayerTextPrinter(StrPrinter):
    """ASCII: ``@`` for the matrix product, ``*`` for the Hadamard product, ``.T`` for the transpose."""

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        text = " @ ".join(self.parenthesize(f, 60) for f in factors)
        return text if coeff == 1 else ("-" + text if coeff == -1 else f"{self._print(coeff)}*{text}")

    def _print_HadamardProduct(self, expr):
        return " * ".join(self.parenthesize(a, 60) for a in expr.args)

    def _print_Transpose(self, expr):
        return f"{self.parenthesize(expr.arg, 100)}.T"


def _positive_first(expr):
    """The terms of a sum with the negated ones last: softmax(z) − y rather than −y + softmax(z)."""
    return sorted(expr.args, key=lambda t: t.could_extract_minus_sign())


class LayerUnicodePrinter(LayerTextPrinter):
    """W¹, δ², ⊙, ᵀ, σ′."""

    printmethod = "_layer_unicode"   # our _print_ methods, not the classes' plain-text _sympystr

    def _print_MatAdd(self, expr):
        terms = [self._print(t) for t in _positive_first(expr)]
        text = terms[0]
        for t in terms[1:]:
            text += f" − {t[1:]}" if t.startswith(("-", "−")) else f" + {t}"
        return text

    def _print_MatrixSymbol(self, expr):
        delta, base, layer = _parts(expr.name)
        if delta:
            return f"δ{layer.translate(SUPERSCRIPT)}" if base == "z" else f"∂C/∂{base}{layer.translate(SUPERSCRIPT)}"
        return base + layer.translate(SUPERSCRIPT)

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        text = " ".join(self.parenthesize(f, 60) for f in factors)
        return text if coeff == 1 else ("−" + text if coeff == -1 else f"{self._print(coeff)}·{text}")

    def _print_HadamardProduct(self, expr):
        return " ⊙ ".join(self.parenthesize(a, 60) for a in expr.args)

    def _print_Transpose(self, expr):
        return f"{self.parenthesize(expr.arg, 100)}ᵀ"

    def _print_Softmax(self, expr):
        return f"softmax({self._print(expr.args[0])})"

    def _print_LossStep(self, expr):
        u, y = (self._print(a) for a in expr.args)
        return {"softmax_cross_entropy": f"log Σₖ exp({u}ₖ) − yᵀ{u}",
                "sigmoid_cross_entropy": f"Σₖ softplus({u}ₖ) − yᵀ{u}",
                "squared_error": f"‖{u} − {y}‖²"}[expr.label]

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep

    def _print_Apply(self, expr):
        return f"{'σ' if expr.name == 'sigmoid' else expr.name}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        return f"{'σ' if expr.name == 'sigmoid' else expr.name}′({self._print(expr.args[1])})"


class LayerLatexPrinter(LatexPrinter):
    """W^{1}, \\delta^{2}, \\odot, ^{\\mathsf T}, \\sigma'."""

    def _print_MatrixSymbol(self, expr):
        delta, base, layer = _parts(expr.name)
        sup = f"^{{{layer}}}" if layer else ""
        if delta:
            return rf"\delta{sup}" if base == "z" else rf"\frac{{\partial C}}{{\partial {base}{sup}}}"
        return base + sup

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(self.parenthesize(a, 60) for a in expr.args)

    def _print_MatAdd(self, expr):
        terms = [self._print(t) for t in _positive_first(expr)]
        return " ".join([terms[0]] + [t if t.startswith("-") else f"+ {t}" for t in terms[1:]])

    def _print_Transpose(self, expr):
        inner = self._print(expr.arg)
        if "^" in inner or not isinstance(expr.arg, MatrixSymbol):   # (W^{2})^T, never W^{2}^T
            inner = rf"\left({inner}\right)"
        return rf"{inner}^{{\mathsf T}}"

    def _print_Apply(self, expr):
        return rf"{self._name(expr.name)}\left({self._print(expr.args[1])}\right)"

    def _print_ActivationPrime(self, expr):
        return rf"{self._name(expr.name)}'\left({self._print(expr.args[1])}\right)"

    def _print_Softmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.args[0])}\right)"

    def _print_LossStep(self, expr):
        u, y = (self._print(a) for a in expr.args)
        return {"softmax_cross_entropy": rf"\log \textstyle\sum_k e^{{{u}_k}} - y^{{\mathsf T}} {u}",
                "sigmoid_cross_entropy": rf"\textstyle\sum_k \operatorname{{softplus}}({u}_k) - y^{{\mathsf T}} {u}",
                "squared_error": rf"\lVert {u} - {y} \rVert^2"}[expr.label]

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep

    @staticmethod
    def _name(name):
        return {"sigmoid": r"\sigma", "tanh": r"\tanh"}.get(name, rf"\operatorname{{{name}}}")


PRINTERS = {"text": LayerTextPrinter, "unicode": LayerUnicodePrinter, "latex": LayerLatexPrinter}


def layer_expr(expr, fmt: str = "unicode") -> str:
    """One matrix expression in ``fmt`` (text, unicode, latex)."""
    if fmt not in PRINTERS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return PRINTERS[fmt]().doprint(expr)


def equation_tag(lhs, rhs, gradient) -> str:
    """Which of BP1–BP4 the line ``lhs = rhs`` of a gradient program is ('' for a forward step)."""
    return tag_of(lhs, gradient).replace("_fused", "")


def gradient_lines(gradient, fmt: str = "unicode") -> list[tuple[str, str, str, str]]:
    """(lhs, rhs, shape, tag) for every forward step, every adjoint and every ∂C/∂param."""
    rows = []
    for lhs, rhs in gradient.forward.assignments + gradient.adjoints:
        rows.append((layer_expr(lhs, fmt), layer_expr(rhs, fmt), _shape(lhs), equation_tag(lhs, rhs, gradient)))
    for param, result in zip(gradient.wrt, gradient.results):
        partial = MatrixSymbol(f"delta_{param.name}", *param.shape) if isinstance(param, MatrixSymbol) else param
        if result != partial:
            tag = equation_tag(partial, result, gradient)
            rows.append((layer_expr(partial, fmt), layer_expr(result, fmt), _shape(param), tag))
    return rows


def _shape(symbol) -> str:
    shape = getattr(symbol, "shape", (1, 1))
    return "×".join(str(n) for n in shape)


def layer_text(gradient_or_program, fmt: str = "unicode") -> str:
    """A layer program or gradient as aligned lines with shapes and BP tags (text or unicode)."""
    if hasattr(gradient_or_program, "adjoints"):
        rows = gradient_lines(gradient_or_program, fmt)
    else:
        rows = [(layer_expr(lhs, fmt), layer_expr(rhs, fmt), _shape(lhs), "")
                for lhs, rhs in gradient_or_program.assignments]
    left = max(len(f"{lhs} = {rhs}") for lhs, rhs, _, _ in rows)
    return "\n".join(f"{lhs} = {rhs}".ljust(left) + f"   ({shape})" + (f"   {tag}" if tag else "")
                     for lhs, rhs, shape, tag in rows)


def layer_latex(gradient) -> str:
    """The gradient program as a LaTeX ``aligned`` block, each line tagged with its shape."""
    times = r" \times "
    lines = [rf"{lhs} &= {rhs} && {shape.replace('×', times)}" + (rf" \quad \text{{{tag}}}" if tag else "")
             for lhs, rhs, shape, tag in gradient_lines(gradient, "latex")]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


__all__ = ["layer_expr", "layer_text", "layer_latex", "gradient_lines"]
