"""The Hessian of a typed matrix loss compiled to NumPy, and its Hessian-vector product.

``compile_matrix_hessian`` prints the readable d × d formula (``core.matrix_hessian``) as NumPy, with
Xᵀ diag(c) X printed as ``X.T @ (c * X)``: c is an N × 1 column, so the product is one broadcast and one
BLAS matrix product (N d² multiply–adds), the d × d matrix written once. ``compile_matrix_hvp`` prints
the gradient program and its tangent sweep ẇ = v, so Hv costs a small constant times one gradient
(Xᵀ (c ⊙ (X v)): two matrix–vector products) and never forms the d × d matrix.

By a d × k matrix W, H is dk × dk in row-major vec(W) order (``W.ravel()``): P ⊗ Q prints as ``numpy.kron``,
Σₙ Pₙ Rₙᵀ ⊗ Cₙ as ``sample_kron(P, R, C)``, one BLAS product over the batch (the N × d² outer products
with the N × k² factors Cₙ, no Python loop over samples), where a row Mₙ is printed as the
batch of columns ``M[:, :, None]``. Its hvp takes V shaped like W and never forms the dk × dk matrix.

θ (w flattened), the data and the constants meet the code through the loss's ``MatrixExprLayout``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from collections import Counter

from sympy import Identity, MatMul, MatrixSymbol, OneMatrix, Transpose, lambdify, preorder_traversal

from symnet.core.matrix_hessian import MatrixHessian, matrix_hessian, read_by
from symnet.core.kron_forms import Diag, RowOf, RowScalar
from symnet.core.matrix_simplify import readable
from symnet.numeric.attention import NAMESPACE as ROW_FUNCTIONS
from symnet.numeric.batch import real_array
from symnet.numeric.bindings import namespace
from symnet.numeric.generation import source
from symnet.numeric.matrix_code import compile_matrix_loss
from symnet.numeric.matrix_printer import MatrixExprPrinter


class HessianPrinter(MatrixExprPrinter):
    """NumPy for Hessian formulas: A diag(c) B as ``A @ (c * B)``, never an N × N diagonal matrix."""

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        k = next((i for i, f in enumerate(factors) if isinstance(f, Diag)), None)
        if k is None or k == len(factors) - 1:
            return super()._print_MatMul(expr)
        right = " @ ".join(self._wrap(f) for f in factors[k + 1:])
        inner = f"({self._wrap(factors[k].args[0])} * {right if len(factors) - k == 2 else f'({right})'})"
        code = " @ ".join([self._wrap(f) for f in factors[:k]] + [inner])
        return code if coeff == 1 else f"{self._wrap(coeff)}*({code})"

    def _print_MatAdd(self, expr):      # 𝟙 − S as ``1.0 - S``: broadcast, no N × 1 array of ones
        if any(not isinstance(a, OneMatrix) for a in expr.args):
            terms = sorted(expr.args, key=lambda a: not isinstance(a, OneMatrix))
            code = ""
            for a in terms:
                negated = isinstance(a, MatMul) and a.args[0] == -1
                text = "1.0" if isinstance(a, OneMatrix) else self._wrap(MatMul(*a.args[1:]) if negated else a)
                code += (" - " if negated else " + " if code else "") + text
            return "-" + code[3:] if code.startswith(" - ") else code
        return super()._print_MatAdd(expr)

    def _print_Diag(self, expr):
        if isinstance(expr.args[0], RowOf):                      # diag(Mₙ) for every n: (N, k, k)
            return f"({self._wrap(expr.args[0])} * numpy.eye({self._print(expr.shape[0])}))"
        return f"numpy.diagflat({self._print(expr.args[0])})"

    def _print_RowOf(self, expr):                             # Mₙ for every n: (N, k, 1)
        return f"{self._wrap(expr.args[0])}[:, :, None]"

    def _print_Transpose(self, expr):
        if expr.arg.has(RowOf, RowScalar):
            return f"{self._wrap(expr.arg)}.swapaxes(-1, -2)"
        return super()._print_Transpose(expr)

    def _print_RowScalar(self, expr):                         # rowsum(Q)ₙ for every n: (N, 1, 1)
        return f"{self._wrap(expr.args[0])}.sum(axis=-1)[:, None, None]"

    def _print_Kron(self, expr):
        return f"numpy.kron({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_SampleKron(self, expr):
        return "sample_kron({}, {}, {})".format(*(self._print(a) for a in expr.args))


def sample_kron(P, R, C):
    """Σₙ Pₙ Rₙᵀ ⊗ Cₙ (row-major): entry (i·k + a, j·k + b) = Σₙ P[n, i] R[n, j] C[n, a, b]; C may be one k × k.

    One BLAS product: the N × de outer products Pₙ Rₙᵀ, transposed, times the N × km factors Cₙ."""
    C = np.asarray(C, dtype=float)
    n, d, e, k, m = P.shape[0], P.shape[1], R.shape[1], C.shape[-2], C.shape[-1]
    if C.ndim == 2:
        return np.kron(P.T @ R, C)
    outer = (P[:, :, None] * R[:, None, :]).reshape(n, d * e)
    G = outer.T @ np.broadcast_to(C, (n, k, m)).reshape(n, k * m)
    return G.reshape(d, e, k, m).transpose(0, 2, 1, 3).reshape(d * k, e * m)


@dataclass(frozen=True)
class CompiledMatrixHessian:
    """``(theta, X, y) -> H``: the d × d Hessian of a typed loss by its vector parameter (dk × dk by a
    d × k matrix W, row-major: entry (i·k + a, j·k + b) is ∂²L/∂Wᵢₐ∂Wⱼᵦ)."""

    hessian: MatrixHessian
    layout: object                 # the loss's MatrixExprLayout (θ, data, sizes and constants)
    function: Callable = field(repr=False)
    source: str = field(repr=False)

    def __call__(self, theta, X, y=None) -> np.ndarray:
        theta, (values, shapes), _ = self.layout.full_check(theta, X, y)
        size = theta.size
        with np.errstate(all="ignore"):
            H = self.function(*values, theta.reshape(shapes[0]))
        return np.broadcast_to(np.asarray(H, dtype=float), (size, size)).copy() if np.ndim(H) < 2 else H


@dataclass(frozen=True)
class CompiledMatrixHVP:
    """``(theta, v, X, y) -> H v``: the Hessian times a direction v (d numbers; by a d × k matrix W, V shaped
    like W or its dk numbers in row-major order, the answer in the same shape), without forming H."""

    hessian: MatrixHessian
    layout: object
    function: Callable = field(repr=False)
    source: str = field(repr=False)

    def __call__(self, theta, v, X, y=None) -> np.ndarray:
        theta, (values, shapes), _ = self.layout.full_check(theta, X, y)
        v = real_array(v, "v")
        if v.size != theta.size or not np.isfinite(v).all():
            raise ValueError(f"v must hold {theta.size} finite numbers, one per entry of "
                             f"{self.hessian.wrt.name}; got shape {v.shape}")
        with np.errstate(all="ignore"):
            out = self.function(*values, theta.reshape(shapes[0]), v.reshape(shapes[0]))
        out = np.asarray(out, dtype=float).ravel()
        out = np.broadcast_to(out, theta.shape).copy() if out.size == 1 else out      # a linear loss: Hv = 0
        return out.reshape(v.shape) if v.ndim == 2 else out


def compile_matrix_hessian(loss, wrt=None, rules: Mapping | None = None,
                           constants: Mapping | None = None) -> CompiledMatrixHessian:
    """Compile the Hessian of a typed loss by its parameter: ``(theta, X, y) -> (d, d) array`` ((dk, dk) by a
    d × k matrix W, row-major vec(W); without a Kronecker form, column by column from the hvp).

    Args:
        loss: a ``MatrixLoss``; wrt: its parameter (default: the only one); rules: extra scalar rules;
        constants: a number for each constant (λ), over the loss's own.

    Returns:
        A ``CompiledMatrixHessian`` (``.source`` shows the generated NumPy).

    >>> from symnet.io.matrix_build import matrix_loss
    >>> H = compile_matrix_hessian(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> H([0.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], [0.0, 0.0])        # 2 XᵀX
    array([[4., 2.],
           [2., 2.]])
    """
    h = matrix_hessian(loss, wrt=wrt, rules=rules)
    layout = compile_matrix_loss(loss, constants, wrt=(h.wrt.name,)).layout      # names and constants checked
    if h.matrix is None:                # no Kronecker form: H column by column, H eⱼ from the compiled hvp
        hvp = compile_matrix_hvp(loss, wrt=wrt, rules=rules, constants=constants)
        return CompiledMatrixHessian(h, layout, _columns(hvp.function), hvp.source)
    args = list(h.program.inputs) + [h.wrt]
    steps, matrix = shared_steps(h.matrix, args)
    fn = _lambdify(args, matrix, steps, "hessian")
    return CompiledMatrixHessian(h, layout, fn, source(fn))


def compile_matrix_hvp(loss, wrt=None, rules: Mapping | None = None,
                       constants: Mapping | None = None) -> CompiledMatrixHVP:
    """Compile the Hessian-vector product of a typed loss: ``(theta, v, X, y) -> H v``, one tangent sweep.

    >>> from symnet.io.matrix_build import matrix_loss
    >>> Hv = compile_matrix_hvp(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> Hv([0.0, 0.0], [1.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], [0.0, 0.0])
    array([4., 2.])
    """
    h = matrix_hessian(loss, wrt=wrt, rules=rules)
    layout = compile_matrix_loss(loss, constants, wrt=(h.wrt.name,)).layout
    program = read_by(h.program, (h.product,))
    steps = tuple((lhs, readable(rhs)) for lhs, rhs in program.assignments)
    fn = _lambdify(list(program.inputs) + [h.wrt, h.direction], h.product, steps, "hvp")
    return CompiledMatrixHVP(h, layout, fn, source(fn))


def _columns(hvp: Callable) -> Callable:
    """(…, W) -> H with column j the Hessian-vector product of the j-th unit direction (dk products)."""
    def hessian(*args):
        W = args[-1]
        units = np.eye(W.size).reshape((W.size,) + W.shape)
        return np.stack([np.asarray(hvp(*args, e), dtype=float).ravel() for e in units], axis=1)
    return hessian


def shared_steps(expr, taken=()):
    """(steps, expr): every matrix subexpression ``expr`` computes more than once (σ(Xw) in σ(Xw) ⊙ (𝟙 − σ(Xw)))
    named once, as t1, t2, … (largest replaced first, steps listed smallest first)."""
    counts = Counter(n for n in preorder_traversal(expr) if _worth_naming(n))
    steps = []
    for node in sorted((n for n, c in counts.items() if c > 1), key=lambda n: -sum(1 for _ in preorder_traversal(n))):
        symbol = MatrixSymbol(f"shared{len(steps)}", *node.shape)
        expr = expr.xreplace({node: symbol})
        steps = [(lhs, rhs.xreplace({node: symbol})) for lhs, rhs in steps] + [(symbol, node)]
    steps = steps[::-1]
    taken = set(map(str, taken))
    free = (f"t{i}" for i in range(1, 10**6) if f"t{i}" not in taken)      # t1, t2, … in order, no name of yours
    names = {lhs: MatrixSymbol(next(free), *lhs.shape) for lhs, _ in steps}
    return tuple((names[lhs], rhs.xreplace(names)) for lhs, rhs in steps), expr.xreplace(names)


def _worth_naming(node) -> bool:
    return getattr(node, "is_Matrix", False) and bool(node.args) and not isinstance(
        node, (MatrixSymbol, OneMatrix, Identity, Transpose, RowOf))      # Mₙ stays: diag(Mₙ) reads it


def _lambdify(args, output, steps, name: str):
    fn = lambdify(args, output, modules=[{**namespace(), **ROW_FUNCTIONS, "sample_kron": sample_kron}, "numpy"],
                  printer=HessianPrinter(),
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn
