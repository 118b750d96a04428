"""How matrix steps print: the ``_print_<Class>`` methods symnet's printers add for matrix expressions.

Nielsen's notation: names become superscripts (W1 → W¹, LaTeX W^{1}; the adjoint delta_z1 → δ¹ =
∂C/∂z¹), the Hadamard product prints ⊙ (``*`` in plain text, where a matrix product prints ``@``), the
transpose ᵀ. A σ′ that comes from a rule of your own (``rules=``) prints under the name the compiled
code gives it, ``d_tanh_rule``. The methods are mixins of the printers in ``symnet.render.notation``,
so one printer prints scalar and matrix steps alike; ``matrix_rows`` gives the lines of a program with
matrix steps with their shapes and BP1–BP4 tags (``symnet.derivation.matrix``).
"""

from __future__ import annotations

import re

from sympy import MatrixSymbol, Symbol

from symnet.core.layers import has_matrix_steps  # noqa: F401  (the one shape-aware test, re-exported for the printers)

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LAYER_NAME = re.compile(r"^(delta_)?([A-Za-z]+)(\d+)$")
UNICODE_NAMES = {"sigmoid": "σ", "phi": "φ"}     # phi: your own activation (``layers(..., activation=f)``)
LATEX_NAMES = {"sigmoid": r"\sigma", "tanh": r"\tanh", "phi": r"\varphi"}
LOSS_TEXT = {"softmax_cross_entropy": "log Σₖ exp({u}ₖ) − yᵀ{u}", "sigmoid_cross_entropy": "Σₖ softplus({u}ₖ) − yᵀ{u}",
             "squared_error": "‖{u} − {y}‖²"}
LOSS_LATEX = {"softmax_cross_entropy": r"\log \textstyle\sum_k e^{{{u}_k}} - y^{{\mathsf T}} {u}",
              "sigmoid_cross_entropy": r"\textstyle\sum_k \operatorname{{softplus}}({u}_k) - y^{{\mathsf T}} {u}",
              "squared_error": r"\lVert {u} - {y} \rVert^2"}


def _parts(name: str):
    """'delta_z2' → ('delta', 'z', '2'); 'W1' → ('', 'W', '1'); 'x' → ('', 'x', '')."""
    match = LAYER_NAME.match(name)
    if not match:
        return ("delta" if name.startswith("delta_") else ""), name.removeprefix("delta_"), ""
    return ("delta" if match.group(1) else ""), match.group(2), match.group(3)


def rule_name(node) -> str | None:
    """The name of your own σ′ (``rules=``) an ``ActivationPrime`` carries, as the compiled code calls it."""
    return None if getattr(node, "rule", None) is None else f"d_{node.name}_rule"


class _Printed(Symbol):
    """An entry of a matrix, z^{2}_k, inside your loss formula: its LaTeX is its name, already printed."""

    def _latex(self, printer):
        return self.name


def _positive_first(expr):
    """The terms of a sum with the negated ones last: softmax(z) − y rather than −y + softmax(z)."""
    return sorted(expr.args, key=lambda t: t.could_extract_minus_sign())


class MatrixTextMethods:
    """ASCII: ``@`` for the matrix product, ``*`` for the Hadamard product, ``.T`` for the transpose."""

    printmethod = "_symnet_text"    # our methods, not the classes' own ``_sympystr``

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        text = " @ ".join(self.parenthesize(f, 60) for f in factors)
        return text if coeff == 1 else ("-" + text if coeff == -1 else f"{self._print(coeff)}*{text}")

    def _print_HadamardProduct(self, expr):
        return " * ".join(self.parenthesize(a, 60) for a in expr.args)

    def _print_Transpose(self, expr):
        return f"{self.parenthesize(expr.arg, 100)}.T"

    def _print_Apply(self, expr):
        return f"{expr.name}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        return f"{rule_name(expr) or expr.name + chr(39)}({self._print(expr.args[1])})"

    def _print_Softmax(self, expr):
        return f"softmax({self._print(expr.args[0])})"

    def _print_LossStep(self, expr):
        return f"{expr.label}({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep
    loss_prime = "ell'"

    def _print_FormulaLoss(self, expr):     # your own C = Σₖ φ(uₖ, yₖ): φ written in the operands' names
        u, y = (Symbol(self._print(a)) for a in expr.args[1:])
        return f"sum({self._print(expr.formula(u, y))})"

    def _print_LossPrime(self, expr):       # BP1: ∇ₐC = ℓ′(aᴸ, y), or the name of your rule's ℓ′
        name = "d_ell_rule" if expr.rule is not None else self.loss_prime
        return f"{name}({self._print(expr.args[1])}, {self._print(expr.args[2])})"


class MatrixUnicodeMethods(MatrixTextMethods):
    """W¹, δ², ⊙, ᵀ, σ′."""

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

    def _print_LossStep(self, expr):
        u, y = (self._print(a) for a in expr.args)
        return LOSS_TEXT[expr.label].format(u=u, y=y)

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep
    loss_prime = "ℓ′"

    def _print_FormulaLoss(self, expr):
        u, y = (Symbol(self._print(a)) for a in expr.args[1:])
        return f"Σₖ {self._print(expr.formula(u, y))}"

    def _print_Apply(self, expr):
        return f"{UNICODE_NAMES.get(expr.name, expr.name)}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        name = rule_name(expr) or UNICODE_NAMES.get(expr.name, expr.name) + "′"
        return f"{name}({self._print(expr.args[1])})"


class MatrixLatexMethods:
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
        return rf"{self._activation(expr.name)}\left({self._print(expr.args[1])}\right)"

    def _print_ActivationPrime(self, expr):
        name = rule_name(expr)
        head = r"\operatorname{%s}" % name.replace("_", r"\_") if name else self._activation(expr.name) + "'"
        return rf"{head}\left({self._print(expr.args[1])}\right)"

    def _print_Softmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.args[0])}\right)"

    def _print_LossStep(self, expr):
        u, y = (self._print(a) for a in expr.args)
        return LOSS_LATEX[expr.label].format(u=u, y=y)

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep

    def _print_FormulaLoss(self, expr):
        u, y = (_Printed(self._print(a) + "_k") for a in expr.args[1:])
        return rf"\sum_k {self._print(expr.formula(u, y))}"

    def _print_LossPrime(self, expr):
        head = r"\operatorname{d\_ell\_rule}" if expr.rule is not None else r"\ell'"
        return rf"{head}\left({self._print(expr.args[1])}, {self._print(expr.args[2])}\right)"

    @staticmethod
    def _activation(name):
        return LATEX_NAMES.get(name, rf"\operatorname{{{name}}}")


def matrix_rows(program_or_gradient) -> list[tuple]:
    """(lhs, rhs, shape, tag) for every line of a program, or of a gradient: its forward steps, its adjoints
    and every ∂C/∂param that is not an adjoint already; tags BP1–BP4 ('' for a forward step)."""
    from symnet.derivation.matrix import forward_steps, matrix_steps

    if not hasattr(program_or_gradient, "adjoints"):
        return step_rows(forward_steps(program_or_gradient))
    forward, backward = matrix_steps(program_or_gradient)
    return step_rows(forward + backward)


def step_rows(steps) -> list[tuple]:
    """(lhs, rhs, shape, tag) of ``MatrixStep`` records (``symnet.derivation.matrix``)."""
    return [(s.lhs, s.rhs, _shape(s.lhs, s.shape), s.tag.replace("_fused", "")) for s in steps]


def latex_rows(rows, show) -> list[str]:
    """``lhs &= rhs && 3 \\times 1 \\quad \\text{BP2}`` lines (``show`` prints a formula as LaTeX)."""
    return [f"{show(lhs)} &= {show(rhs)} && " + shape.replace("×", r" \times ")
            + (rf" \quad \text{{{tag}}}" if tag else "") for lhs, rhs, shape, tag in rows]


def _shape(symbol, shape=None) -> str:
    """``8×6×6``: the shape a learner reads (``MatrixStep.shape``), else the symbol's rows × columns."""
    return "×".join(str(n) for n in (shape or getattr(symbol, "shape", (1, 1))))


def nested(net):
    """A network's output as one formula: its own ``nested`` (scalar networks), or a program's steps
    substituted into its output (softmax(W² relu(W¹ x + b¹) + b²))."""
    if hasattr(net, "nested"):
        return net.nested
    expr = net.program.outputs[0]
    for lhs, rhs in reversed(net.program.assignments):
        expr = expr.xreplace({lhs: rhs})
    return expr


__all__ = ["MatrixTextMethods", "MatrixUnicodeMethods", "MatrixLatexMethods", "matrix_rows", "step_rows",
           "latex_rows", "has_matrix_steps", "nested", "rule_name"]
