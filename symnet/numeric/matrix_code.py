"""NumPy code for a typed matrix loss (``core.matrix_expr.MatrixLoss``), on the full data at once.

The gradient program's steps are already whole-data matrix expressions (X is the N × d array), so the one
NumPy printer, in its stacked batch form with nothing per sample (``batchfirst``), prints them one to one:
``X @ w``, ``X.T @ u``, ``A * B`` for A ⊙ B, ``numpy.sum``, ``numpy.linalg.norm`` (‖·‖₂, Frobenius on
matrices), ``sigmoid`` for σ. Each adjoint step goes through ``core.matrix_simplify.readable``
first (𝟙 ⊙ A is A, eᵘ ⊘ (eᵘ + 𝟙) is σ(u)), so the code does no work the closed form does not. Sizes
(N) are bound from the data's shapes, constants (λ) from ``constants=``. ``MatrixExprLayout`` is the
``layout=`` of the one ``CompiledLoss``: θ is the parameters flattened in order, the data come as arrays
(X, y in declared order) or as a mapping {name: array}.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Mapping

import numpy as np  # noqa: F401  (the doctest)
from sympy import lambdify

from symnet.core.matrix_expr import MatrixLoss
from symnet.core.matrix_simplify import readable
from symnet.numeric.attention import NAMESPACE as ROW_FUNCTIONS
from symnet.numeric.batchfirst import STACKED
from symnet.numeric.bindings import bindings, namespace, rule_functions, user_functions
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.generation import NUMPY, Generated, Target, source
from symnet.numeric.matrix_layout import MatrixExprLayout


def check_names(loss: MatrixLoss) -> None:
    """Refuse a declared name the generated code would read as something else (``numpy``, ``expit``, ``sum``)."""
    taken = set(namespace()) | set(ROW_FUNCTIONS) | {"numpy", "scipy"} | set(dir(builtins)) | set(keyword.kwlist)
    for s in loss.matrices + loss.sizes + loss.constants:
        if s.name in taken or s.name.startswith(("delta_", "d_")):
            raise ValueError(f"the name {s.name!r} is taken by the generated code (a function or module it calls); "
                             f"rename it, e.g. {s.name}0")


def whole_data_function(program, target: Target = NUMPY, helpers=ROW_FUNCTIONS):
    """``value_and_grad(data…, sizes…, constants…, parameters…)``: ``program`` (each step made ``readable``)
    printed by ``target``'s printer over the whole data (the stacked batch form, nothing per sample)."""
    steps = tuple((lhs, readable(rhs)) for lhs, rhs in program.assignments)
    own = user_functions(program)
    rules = rule_functions(program, own)            # your rules= print by name, as in every other program
    fn = lambdify(list(program.inputs + program.params), list(program.outputs),
                  modules=[{**bindings(own, rules, target), **helpers}, target.modules],
                  printer=target.printer(batch_form=STACKED, functions={**own, **rules}),
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = "value_and_grad"
    return fn


def compile_matrix_loss(loss: MatrixLoss, constants: Mapping | None = None, wrt=None,
                        rules: Mapping | None = None) -> CompiledLoss:
    """Compile a typed matrix loss and its gradient to one NumPy function over the whole data.

    Args:
        loss: a ``MatrixLoss`` (``symnet.io.matrix_build.matrix_loss``).
        constants: a value for each constant (``{"lam": 0.1}``), over the loss's own ``values``; sizes are
            read from the data.
        wrt: the parameters (default: the loss's).
        rules: extra derivative rules, as for ``grad`` (``check_grads`` catches a wrong one).

    Returns:
        A ``CompiledLoss``: ``fn(theta, X, y) -> (loss, gradient)`` with θ the parameters flattened in order.

    >>> from symnet.io.matrix_build import matrix_loss
    >>> fn = compile_matrix_loss(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2"))
    >>> fn(np.array([1.0, 0.0]), np.eye(2), np.array([1.0, 1.0]))
    (1.0, array([ 0., -2.]))
    """
    check_names(loss)
    values = {**dict(loss.values), **dict(constants or {})}
    missing = [c.name for c in loss.constants if c.name not in values]
    unknown = sorted(set(values) - {c.name for c in loss.constants})
    if missing or unknown:
        raise ValueError(f"give a number for each constant of the loss ({', '.join(c.name for c in loss.constants)}"
                         f"{'' if loss.constants else 'none'}): " + (f"missing {', '.join(missing)}" if missing
                                                                      else f"{', '.join(unknown)} is not in the loss"))
    gradient = loss.gradient(wrt, rules)
    fn = whole_data_function(gradient.program)
    layout = MatrixExprLayout(loss, gradient.wrt, {c.name: float(values[c.name]) for c in loss.constants})
    return CompiledLoss(loss, gradient, Generated(fn, source(fn), ("import numpy",), (), ()), layout=layout,
                        backend="numpy", why="a typed matrix loss compiles to NumPy over the whole data")

