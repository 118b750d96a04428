"""Printer methods for matrix steps, batch first: what the NumPy and JAX printers add to print ``@`` code.

A matrix program is per sample (columns): zˡ = Wˡ aˡ⁻¹ + bˡ. The generated code carries a batch of N
samples as rows, so a column v becomes an N × n array V, and each product is printed accordingly:

    Wˡ aˡ⁻¹   → A @ W.T            (Wˡ⁺¹)ᵀ δˡ⁺¹ → Δ @ W
    δˡ (aˡ⁻¹)ᵀ → Δ.T @ A = Σₓ δₓ aₓᵀ    (BP4: the batch sum of the per-sample outer products)
    ∂C/∂bˡ = δˡ → Δ.sum(axis=0)          (BP3, summed over the batch: ``passes.BatchSum``)

so no per-sample N × P gradient is ever formed. ``batch`` names the per-sample symbols (the inputs, then
``mark_batch`` adds every step that depends on them). Primitives print as calls by their registered name
(``symnet.numeric.lowerings``): σ(Z) as ``relu(Z)``, σ′ as ``d_relu(Z, A)``, a loss as its label; a new
matrix primitive with no method of its own prints the same way, so registering its lowerings is enough.

That is the ``rows`` batch form (layer and conv networks). Per-sample matrices (attention: a sequence is T × d)
use the ``stacked`` batch form, one N × r × c array per per-sample matrix, and keep the formulas' shape:

    A B → A @ B  (``@`` broadcasts over the batch; a parameter W is one 2-D array for every sample)
    Aᵀ  → A.swapaxes(-1, -2)        rowsum(M) → M.sum(axis=-1, keepdims=True)   softmax by rows → over axis −1
    Σₙ Xₙᵀ Δₙ → tensordot(X, Δ, axes=([0, 1], [0, 1]))   (``BatchSum``: one BLAS product, the batch inside)

With nothing per sample (``batch`` empty) the stacked form is whole-data code, as a typed matrix loss
(``symnet.core.matrix_expr``) wants it: ``X @ w``, ``X.T``, ``A * B`` for A ⊙ B, ``numpy.sum``,
``numpy.linalg.norm``, ``numpy.vdot(u, u)`` for ‖u‖². The batch form is a setting of the one printer per backend
(``printer.NumPyCodePrinter``, ``jaxgen.JaxCodePrinter``), not a printer of its own.
"""

from __future__ import annotations

from sympy import Basic, Lambda, MatMul, MatrixSymbol, Symbol, Transpose

from symnet.core.attention import LogSoftmax, RowSoftmax
from symnet.core.conv import ChannelSum, ConvKernelGrad
from symnet.core.loss_steps import LossPrime
from symnet.core.matrix_rules import ActivationPrime, Apply, Softmax
from symnet.numeric.lowerings import primitive_name
from symnet.numeric.passes import BatchSum

ROWS, STACKED = "rows", "stacked"   # a per-sample column: a row of N × n; a per-sample matrix: a slice of N × r × c
CALLS = (MatrixSymbol, Symbol, Apply, ActivationPrime, LossPrime, Softmax, RowSoftmax, LogSoftmax)  # never wrapped


# the conv nodes (symnet.core.conv, core.pooling) print as calls of their registered lowerings
# (symnet.numeric.conv_numpy): node -> (name, how many leading args are operands)
CONV_CALLS = {"Conv2d": ("conv2d", 3), "ConvKernelGrad": ("conv_kernel_grad", 2), "ConvInputGrad": ("conv_input_grad", 2),
              "ChannelSum": ("channel_sum", 1), "MaxPool2d": ("maxpool2d", 1), "AvgPool2d": ("avgpool2d", 1),
              "MaxPoolGrad": ("maxpool_grad", 2), "AvgPoolGrad": ("avgpool_grad", 1)}


def signed_sum(expr, operand) -> str:
    """A sum of matrices as array code, the negated terms last and written ``a - b`` (``operand`` prints a term,
    parenthesized where it needs to be): the batch-first printers' one ``MatAdd``."""
    terms = sorted(expr.args, key=lambda t: t.could_extract_minus_sign())
    code = operand(terms[0])
    for t in terms[1:]:
        code += f" - {operand(-t)}" if t.could_extract_minus_sign() else f" + {operand(t)}"
    return code


class BatchFirst:
    """Methods printing per-sample matrix expressions as batch-first array code (needs ``batch``, ``functions``,
    ``batch_form``: ``ROWS`` or ``STACKED``).

    ``functions`` maps your own activations and rules (``Lambda``) to their identifiers (``phi``, ``d_tanh_rule``).
    """

    batch: set
    functions: dict
    batch_form: str = ROWS

    def _function_name(self, expr) -> str:
        return self.functions[expr.args[0]] if isinstance(expr.args[0], Lambda) else expr.name

    def is_batch(self, expr) -> bool:
        """True when ``expr`` has one row per sample in compiled form (an outer product sums them away)."""
        if isinstance(expr, MatrixSymbol):
            return expr.name in self.batch
        if is_outer(expr, self) or isinstance(expr, (ConvKernelGrad, ChannelSum, BatchSum)):   # batch summed
            return False
        return any(self.is_batch(a) for a in expr.args if isinstance(a, Basic))

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_ConvNode(self, expr):     # conv2d, pooling and their gradients: a call, the geometry last
        name, count = CONV_CALLS[type(expr).__name__]
        args = ", ".join(self._print(a) for a in expr.args[:count])
        return f"{name}({args}, {tuple(int(v) for v in expr.args[-1])!r})"

    def _print_Reshape(self, expr):
        return f"reshape({self._print(expr.args[0])}, {expr.dims[1]!r})"

    def _print_MatAdd(self, expr):
        return signed_sum(expr, self._operand)

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        if len(factors) == 1:
            code = self._operand(factors[0])
            return code if coeff == 1 else f"{self._coefficient(coeff)}*{code}"
        code = self._rows_product(expr, factors) if self.batch_form == ROWS else " @ ".join(map(self._operand, factors))
        return code if coeff == 1 else f"{self._coefficient(coeff)}*({code})"

    def _rows_product(self, expr, factors) -> str:
        if len(factors) != 2:
            raise NotImplementedError(f"symnet compiles products of two matrices; got {expr}")
        A, B = factors
        if is_outer(expr, self):                                   # δ aᵀ summed over samples: Δᵀ A
            return f"{self._operand(A)}.T @ {self._operand(B.arg)}"
        if self.is_batch(B) and not self.is_batch(A):             # W v → V @ W.T, Wᵀ v → V @ W
            return f"{self._operand(B)} @ " + (self._operand(A.arg) if isinstance(A, Transpose)
                                                else f"{self._operand(A)}.T")
        raise NotImplementedError(f"no batch form for the product {expr}")

    def _print_Transpose(self, expr):     # a stack of per-sample matrices swaps its last two axes
        if self.batch_form == STACKED and self.is_batch(expr.arg):
            return f"{self._operand(expr.arg)}.swapaxes(-1, -2)"
        return f"{self._operand(expr.arg)}.T"

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._operand(a) for a in expr.args)

    def _print_Apply(self, expr):
        return f"{self._function_name(expr)}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        name = self.functions[expr.rule] if expr.rule is not None else f"d_{self._function_name(expr)}"
        return f"{name}({self._print(expr.args[1])}, {self._print(expr.args[2])})"

    def _print_FormulaLoss(self, expr):       # your own C = Σ φ(u, y): φ entry by entry, summed over the batch
        return f"{self._function_name(expr)}({self._print(expr.args[1])}, {self._print(expr.args[2])}).sum()"

    def _print_LossPrime(self, expr):         # φ′(u, y) entry by entry: d_ell, or your rule's d_ell_rule
        name = self.functions[expr.rule] if expr.rule is not None else f"d_{self._function_name(expr)}"
        return f"{name}({self._print(expr.args[1])}, {self._print(expr.args[2])})"

    def _print_MatrixExpr(self, expr):
        """Any other matrix primitive (softmax, one of your own): a call by its registered name."""
        return f"{primitive_name(type(expr))}({', '.join(self._print(a) for a in expr.args)})"

    _print_LossStep = _print_MatrixExpr          # a per-sample loss C(u, y), by its label

    def _print_RowMax(self, expr):
        return f"{self._operand(expr.args[0])}.max(axis=1, keepdims=True)"

    def _print_ShiftedExp(self, expr):
        z, m = (self._print(a) for a in expr.args)
        return f"{self._module_format(self._module + '.exp')}({z} - {m})"

    def _print_RowSum(self, expr):
        return f"{self._operand(expr.args[0])}.sum(axis=1, keepdims=True)"

    def _print_SharedSoftmax(self, expr):
        return f"{self._operand(expr.args[0])} / {self._operand(expr.args[1])}"

    def _print_LogSumExpLoss(self, expr):
        m, s, z, y = (self._print(a) for a in expr.args)
        return f"{m}.sum() + {self._module_format(self._module + '.log')}({s}).sum() - ({y} * {z}).sum()"

    def _print_RowSoftmax(self, expr):       # softmax, log softmax and sums along each row (the last axis)
        return f"row_softmax({self._print(expr.args[0])})"

    def _print_LogSoftmax(self, expr):
        return f"log_softmax({self._print(expr.args[0])})"

    def _print_RowTotal(self, expr):         # broadcasts along the row wherever it is added
        return f"{self._operand(expr.args[0])}.sum(axis=-1, keepdims=True)"

    def _print_BatchSum(self, expr):
        arg = expr.args[0]
        coeff, factors = arg.as_coeff_matrices() if isinstance(arg, MatMul) else (1, ())
        if self.batch_form == ROWS or len(factors) < 2 or not all(map(self.is_batch, factors)):
            return f"{self._operand(arg)}.sum(axis=0)"
        if isinstance(factors[0], Transpose):                     # Σₙ Aₙᵀ Rₙ: contract samples and rows
            code = self._tensordot(factors[0].arg, " @ ".join(map(self._operand, factors[1:])), 1)
        elif isinstance(factors[-1], Transpose):                  # Σₙ Fₙ Bₙᵀ: samples and columns
            code = self._tensordot(" @ ".join(map(self._operand, factors[:-1])), factors[-1].arg, 2)
        else:
            return f"{self._operand(arg)}.sum(axis=0)"
        return code if coeff == 1 else f"{self._coefficient(coeff)}*{code}"

    def _tensordot(self, left, right, axis: int) -> str:
        left, right = (self._operand(x) if isinstance(x, Basic) else x for x in (left, right))
        return f"{self._module_format(self._module + '.tensordot')}({left}, {right}, axes=([0, {axis}], [0, {axis}]))"

    # whole-data steps of typed matrix losses (``symnet.core.matrix_ops``): one library call each
    def _print_HadamardPower(self, expr):
        return f"{self._operand(expr.args[0])}**{self._operand(expr.args[1])}"

    def _print_Trace(self, expr):
        return self._call("trace", expr.arg)

    def _print_EntrySum(self, expr):
        return self._call("sum", expr.arg)

    def _print_Norm2(self, expr):
        return self._call("linalg.norm", expr.arg)

    def _print_SquaredNorm(self, expr):
        return self._call("vdot", expr.arg, expr.arg)

    def _print_Norm1(self, expr):
        return f"{self._module_format(self._module + '.sum')}({self._call('abs', expr.arg)})"

    def _print_Entrywise(self, expr):
        return self._call("absolute" if expr.name == "abs" else expr.name, expr.args[1])

    def _print_Scale(self, expr):
        return f"{self._operand(expr.args[0])}*{self._operand(expr.args[1])}"

    def _coefficient(self, coeff) -> str:
        """A scalar factor of a matrix: in parentheses where it is a sum."""
        return f"({self._print(coeff)})" if coeff.is_Add else self._print(coeff)

    def _operand(self, expr):
        """``expr`` printed as an operand: in parentheses unless it is a name, a call or a number ≥ 0."""
        code = self._print(expr)
        plain = isinstance(expr, CALLS) or (getattr(expr, "is_Number", False) and expr >= 0)
        return code if plain else f"({code})"


def is_outer(expr, printer) -> bool:
    """True for δ aᵀ with both per sample, in the rows form: printed as the batch sum Δᵀ A."""
    factors = expr.as_coeff_matrices()[1] if expr.is_MatMul and printer.batch_form == ROWS else ()
    return (len(factors) == 2 and isinstance(factors[1], Transpose) and printer.is_batch(factors[0])
            and printer.is_batch(factors[1].arg))


def mark_batch(assignments, printer) -> None:
    """Mark every step whose value has one row per sample (it depends on x or y and is not a batch sum)."""
    for lhs, rhs in assignments:
        if isinstance(lhs, MatrixSymbol) and printer.is_batch(rhs):
            printer.batch.add(lhs.name)
