"""The Hessian of a typed matrix loss compiled to NumPy, and its Hessian-vector product.

``compile_matrix_hessian`` prints the readable d × d formula (``core.matrix_hessian``) as NumPy, with
Xᵀ diag(c) X printed as ``weighted_gram(X, c)`` (``hessian_forms``): c is an N × 1 column, and the d × d matrix is
written once, by BLAS's ``syrk`` on √c ⊙ X (one triangle, N d²/2 multiply–adds) where every cₙ ≥ 0 and d ≥ 64, else
as ``X.T @ (c * X)`` (one broadcast and one matrix product). ``compile_matrix_hvp`` prints
the gradient program and its tangent sweep ẇ = v, so Hv costs a small constant times one gradient
(Xᵀ (c ⊙ (X v)): two matrix–vector products) and never forms the d × d matrix.

By a d × k matrix W, H is dk × dk in row-major vec(W) order (``W.ravel()``): P ⊗ Q prints as ``numpy.kron``,
Σₙ Pₙ Rₙᵀ ⊗ Cₙ as ``sample_kron(P, R, C)``, one BLAS product over the batch (the N × d² outer products
with the N × k² factors Cₙ, no Python loop over samples), where a row Mₙ is printed as the
batch of columns ``M[:, :, None]``. Its hvp takes V shaped like W and never forms the dk × dk matrix.

θ (w flattened), the data and the constants meet the code through the loss's ``MatrixExprLayout``.
``backend="jax"`` prints the same formula with the one JAX printer (``jaxgen.JaxCodePrinter``) and the same Hessian
print methods (``hessian_forms.HessianForms``: ``jax.numpy.kron``, ``sample_kron`` over ``jax.numpy``), jitted with
the sizes static and called in float64 (``jaxgen.float64``); it agrees with NumPy to ~1e-15.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from collections import Counter
from types import SimpleNamespace

from sympy import Identity, MatrixSymbol, OneMatrix, Transpose, lambdify, preorder_traversal

from symnet.core.matrix_hessian import MatrixHessian, matrix_hessian, read_by
from symnet.core.kron_forms import RowOf
from symnet.core.matrix_simplify import readable
from symnet.numeric.attention import NAMESPACE as ROW_FUNCTIONS
from symnet.numeric.batch import real_array
from symnet.numeric.bindings import bindings, rule_functions, user_functions
from symnet.numeric.generation import source
from symnet.numeric.hessian_forms import HessianForms, forms_for
from symnet.numeric.matrix_code import compile_matrix_loss
from symnet.numeric.matrix_printer import MatrixExprPrinter


class HessianPrinter(HessianForms, MatrixExprPrinter):
    """NumPy for Hessian formulas: the one NumPy printer's whole-data setting with the Hessian forms."""


NUMPY_FORMS = forms_for(np)
sample_kron = NUMPY_FORMS["sample_kron"]


@dataclass(frozen=True)
class CompiledMatrixHessian:
    """``(theta, X, y) -> H``: the d × d Hessian of a typed loss by its vector parameter (dk × dk by a
    d × k matrix W, row-major: entry (i·k + a, j·k + b) is ∂²L/∂Wᵢₐ∂Wⱼᵦ)."""

    hessian: MatrixHessian
    layout: object                 # the loss's MatrixExprLayout (θ, data, sizes and constants)
    function: Callable = field(repr=False)
    source: str = field(repr=False)
    backend: str = "numpy"         # "jax": the same formula in jax.numpy, jitted, float64

    def __call__(self, theta, X, y=None) -> np.ndarray:
        theta, (values, shapes), _ = self.layout.full_check(theta, X, y)
        size = theta.size
        with np.errstate(all="ignore"):
            H = self.function(*values, theta.reshape(shapes[0]))
        H = np.broadcast_to(np.asarray(H, dtype=float), (size, size)).copy() if np.ndim(H) < 2 else H
        return _finite(self.layout, values, np.asarray(H))


@dataclass(frozen=True)
class CompiledMatrixHVP:
    """``(theta, v, X, y) -> H v``: the Hessian times a direction v (d numbers; by a d × k matrix W, V shaped
    like W or its dk numbers in row-major order, the answer in the same shape), without forming H."""

    hessian: MatrixHessian
    layout: object
    function: Callable = field(repr=False)
    source: str = field(repr=False)
    backend: str = "numpy"

    def __call__(self, theta, v, X, y=None) -> np.ndarray:
        theta, (values, shapes), _ = self.layout.full_check(theta, X, y)
        v = real_array(v, "v")
        if v.size != theta.size or not np.isfinite(v).all():
            raise ValueError(f"v must hold {theta.size} finite numbers, one per entry of "
                             f"{self.hessian.wrt.name}; got shape {v.shape}")
        with np.errstate(all="ignore"):
            out = self.function(*values, theta.reshape(shapes[0]), v.reshape(shapes[0]))
        out = _finite(self.layout, values, np.asarray(out, dtype=float).ravel())
        out = np.broadcast_to(out, theta.shape).copy() if out.size == 1 else out      # a linear loss: Hv = 0
        return out.reshape(v.shape) if v.ndim == 2 else out


def _finite(layout, values, result):
    """``result``, or the layout's one message where a NaN or inf in the data made it not finite (the data are
    looked at only then, as for the gradient)."""
    if not np.isfinite(result).all():
        layout.check_finite(values)
    return result


def compile_matrix_hessian(loss, wrt=None, rules: Mapping | None = None, constants: Mapping | None = None,
                           backend: str = "numpy") -> CompiledMatrixHessian:
    """Compile the Hessian of a typed loss by its parameter: ``(theta, X, y) -> (d, d) array`` ((dk, dk) by a
    d × k matrix W, row-major vec(W); without a Kronecker form, column by column from the hvp).

    Args:
        loss: a ``MatrixLoss``; wrt: its parameter (default: the only one); rules: extra scalar rules;
        constants: a number for each constant (λ), over the loss's own; backend: ``"numpy"`` or ``"jax"`` (the
        same formula printed by the one JAX printer, jitted, float64).

    Returns:
        A ``CompiledMatrixHessian`` (``.source`` shows the generated code).

    >>> from symnet.io.matrix_build import matrix_loss
    >>> H = compile_matrix_hessian(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> H([0.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], [0.0, 0.0])        # 2 XᵀX
    array([[4., 2.],
           [2., 2.]])
    """
    h = matrix_hessian(loss, wrt=wrt, rules=rules)
    layout = compile_matrix_loss(loss, constants, wrt=(h.wrt.name,)).layout      # names and constants checked
    if h.matrix is None:                # no Kronecker form: H column by column, H eⱼ from the compiled hvp
        hvp = compile_matrix_hvp(loss, wrt=wrt, rules=rules, constants=constants, backend=backend)
        return CompiledMatrixHessian(h, layout, _columns(hvp.function), hvp.source, backend)
    args = list(h.program.inputs) + [h.wrt]
    steps, matrix = shared_steps(h.matrix, args)
    fn = _lambdify(args, matrix, steps, "hessian", backend)
    return CompiledMatrixHessian(h, layout, _jitted(fn, loss, backend), source(fn), backend)


def compile_matrix_hvp(loss, wrt=None, rules: Mapping | None = None, constants: Mapping | None = None,
                       backend: str = "numpy") -> CompiledMatrixHVP:
    """Compile the Hessian-vector product of a typed loss: ``(theta, v, X, y) -> H v``, one tangent sweep
    (``backend="jax"``: in jax.numpy, jitted).

    >>> from symnet.io.matrix_build import matrix_loss
    >>> Hv = compile_matrix_hvp(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> Hv([0.0, 0.0], [1.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], [0.0, 0.0])
    array([4., 2.])
    """
    h = matrix_hessian(loss, wrt=wrt, rules=rules)
    layout = compile_matrix_loss(loss, constants, wrt=(h.wrt.name,)).layout
    program = read_by(h.program, (h.product,))
    steps = tuple((lhs, readable(rhs)) for lhs, rhs in program.assignments)
    fn = _lambdify(list(program.inputs) + [h.wrt, h.direction], h.product, steps, "hvp", backend)
    return CompiledMatrixHVP(h, layout, _jitted(fn, loss, backend), source(fn), backend)


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


def _lambdify(args, output, steps, name: str, backend: str = "numpy"):
    """The formula as a function printed for ``backend``: NumPy's or the one JAX printer with the Hessian forms;
    your activations and the σ′ of your rules= print by name, bound as in the gradient's code."""
    read = SimpleNamespace(assignments=tuple(steps) + ((None, output),))
    own = user_functions(read)
    functions = {**own, **rule_functions(read, own)}
    if backend == "jax":
        printer, modules = _jax_printing(own, functions)
    else:
        bound = {**bindings(own, {r: n for r, n in functions.items() if r not in own}), **ROW_FUNCTIONS}
        printer = HessianPrinter(functions=functions)
        modules = [{**bound, **NUMPY_FORMS}, "numpy"]
    fn = lambdify(args, output, modules=modules, printer=printer, cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn


def _jax_printing(own, functions):
    """(printer, modules) for JAX: the one JAX printer with the Hessian forms, JAX's bindings and its forms."""
    from symnet.numeric.attention_jax import jax_namespace
    from symnet.numeric.jaxgen import _jax, jax_target

    jax, target = _jax(), jax_target()
    printer = type("JaxHessianPrinter", (HessianForms, target.printer), {})(functions=functions)
    rules = {r: n for r, n in functions.items() if r not in own}
    helpers = {**bindings(own, rules, target), **jax_namespace(jax), **forms_for(jax.numpy)}
    return printer, [helpers, target.modules]


def _jitted(fn, loss, backend: str):
    """``fn`` as it is (NumPy), or under ``jax.jit`` (the sizes static), called in float64, answering NumPy."""
    if backend != "jax":
        return fn
    from symnet.numeric.jaxgen import _jax, float64

    jax, data = _jax(), len(loss.data)
    jitted = jax.jit(fn, static_argnums=tuple(range(data, data + len(loss.sizes))))

    def run(*args):
        with float64(jax):
            return np.asarray(jitted(*args), dtype=float)

    run.jitted = jitted
    return run
