"""NumPy code for a typed matrix loss (``core.matrix_expr.MatrixLoss``), on the full data at once.

The gradient program's steps are already whole-data matrix expressions (X is the N × d array), so they
print one to one: ``X @ w``, ``X.T @ u``, ``A * B`` for A ⊙ B, ``numpy.sum``, ``numpy.linalg.norm`` (‖·‖₂,
Frobenius on matrices), ``expit`` for σ. Each adjoint step goes through ``core.matrix_simplify.readable``
first (𝟙 ⊙ A is A, eᵘ ⊘ (eᵘ + 𝟙) is σ(u)), so the code does no work the closed form does not. Sizes
(N) are bound from the data's shapes, constants (λ) from ``constants=``. ``MatrixExprLayout`` is the
``layout=`` of the one ``CompiledLoss``: θ is the parameters flattened in order, the data come as arrays
(X, y in declared order) or as a mapping {name: array}.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Mapping

import numpy as np
from sympy import MatrixSymbol, Symbol, lambdify
from sympy.printing.numpy import NumPyPrinter

from symnet.core.matrix_expr import MatrixLoss
from symnet.core.matrix_simplify import readable
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.generation import Generated
from symnet.numeric.layer_codegen import namespace, source
from symnet.numeric.matrix_layout import MatrixExprLayout


class MatrixExprPrinter(NumPyPrinter):
    """Whole-data matrix expressions as NumPy: columns are (n, 1) arrays, products ``@``, ⊙ ``*``."""

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        code = " @ ".join(self._wrap(f) for f in factors)
        return code if coeff == 1 else f"{self._print(coeff)}*({code})"

    def _print_MatAdd(self, expr):
        return " + ".join(self._wrap(a) for a in expr.args)

    def _print_Transpose(self, expr):
        return f"{self._wrap(expr.arg)}.T"

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._wrap(a) for a in expr.args)

    def _print_HadamardPower(self, expr):
        return f"{self._wrap(expr.args[0])}**{self._wrap(expr.args[1])}"

    def _print_OneMatrix(self, expr):
        return f"numpy.ones(({self._print(expr.shape[0])}, {self._print(expr.shape[1])}))"

    def _print_Identity(self, expr):
        return f"numpy.eye({self._print(expr.shape[0])})"

    def _print_Trace(self, expr):
        return f"numpy.trace({self._print(expr.arg)})"

    def _print_EntrySum(self, expr):
        return f"numpy.sum({self._print(expr.arg)})"

    def _print_Norm2(self, expr):
        return f"numpy.linalg.norm({self._print(expr.arg)})"

    def _print_SquaredNorm(self, expr):
        arg = self._print(expr.arg)
        return f"numpy.vdot({arg}, {arg})"

    def _print_Norm1(self, expr):
        return f"numpy.sum(numpy.abs({self._print(expr.arg)}))"

    def _print_Entrywise(self, expr):
        return f"numpy.{'absolute' if expr.name == 'abs' else expr.name}({self._print(expr.args[1])})"

    def _print_Apply(self, expr):
        return f"{expr.name}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        return f"d_{expr.name}({self._print(expr.args[1])}, {self._print(expr.args[2])})"

    def _print_Scale(self, expr):
        return f"{self._wrap(expr.args[0])}*{self._wrap(expr.args[1])}"

    def _wrap(self, expr):
        code = self._print(expr)
        return code if isinstance(expr, (MatrixSymbol, Symbol)) or expr.is_Number and expr >= 0 else f"({code})"


def check_names(loss: MatrixLoss) -> None:
    """Refuse a declared name the generated code would read as something else (``numpy``, ``expit``, ``sum``)."""
    taken = set(namespace()) | {"numpy", "scipy"} | set(dir(builtins)) | set(keyword.kwlist)
    for s in loss.matrices + loss.sizes + loss.constants:
        if s.name in taken or s.name.startswith(("delta_", "d_")):
            raise ValueError(f"the name {s.name!r} is taken by the generated code (a function or module it calls); "
                             f"rename it, e.g. {s.name}0")


def compile_matrix_loss(loss: MatrixLoss, constants: Mapping | None = None, wrt=None) -> CompiledLoss:
    """Compile a typed matrix loss and its gradient to one NumPy function over the whole data.

    Args:
        loss: a ``MatrixLoss`` (``symnet.io.matrix_build.matrix_loss``).
        constants: a value for each constant (``{"lam": 0.1}``); sizes are read from the data.
        wrt: the parameters (default: the loss's).

    Returns:
        A ``CompiledLoss``: ``fn(theta, X, y) -> (loss, gradient)`` with θ the parameters flattened in order.

    >>> from symnet.io.matrix_build import matrix_loss
    >>> fn = compile_matrix_loss(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> fn(np.array([1.0, 0.0]), np.eye(2), np.array([1.0, 1.0]))
    (1.0, array([ 0., -2.]))
    """
    check_names(loss)
    values = dict(constants or {})
    missing = [c.name for c in loss.constants if c.name not in values]
    unknown = sorted(set(values) - {c.name for c in loss.constants})
    if missing or unknown:
        raise ValueError(f"give a number for each constant of the loss ({', '.join(c.name for c in loss.constants)}"
                         f"{'' if loss.constants else 'none'}): " + (f"missing {', '.join(missing)}" if missing
                                                                      else f"{', '.join(unknown)} is not in the loss"))
    gradient = loss.gradient(wrt)
    program = gradient.program
    steps = tuple((lhs, readable(rhs)) for lhs, rhs in program.assignments)
    args = list(program.inputs + program.params)
    fn = lambdify(args, list(program.outputs), modules=[dict(namespace()), "numpy"], printer=MatrixExprPrinter(),
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = "value_and_grad"
    layout = MatrixExprLayout(loss, gradient.wrt, {c.name: float(values[c.name]) for c in loss.constants})
    return CompiledLoss(loss, gradient, Generated(fn, source(fn), ("import numpy",), (), ()), layout=layout,
                        backend="numpy", why="a typed matrix loss compiles to NumPy over the whole data")

