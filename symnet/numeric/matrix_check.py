"""``check_grads`` for a typed matrix loss: its compiled matrix gradient against three independent ones.

    matrix       symnet's reverse sweep over the matrix steps, compiled to NumPy (what training runs);
    lowered      the loss lowered to scalars (``core.matrix_lowering``: every entry a symbol), differentiated
                 by symnet's scalar rule table and evaluated (small sizes only);
    sympy        ``sympy.diff`` of the same scalar formula: the oracle that shares no rule with symnet;
    finite_diff  central differences of the compiled loss, step h = ε^(1/3)·max(1, |θᵢ|).

Data are random (from ``seed``) of the given sizes unless given. The agreement rule is the package's
(``gradreport.agreement_row``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from symnet.numeric.gradreport import GradCheckReport, agreement_row
from symnet.numeric.matrix_lowered import _namespace, _real, lowering
from symnet.numeric.reverse import finite_differences

METHODS = ("matrix", "lowered", "sympy", "finite_diff")
DEFAULT_SIZE = 4          # a size symbol (N) with no data and no value: N = 4


def random_data(loss, sizes: Mapping | None = None, seed: int = 0) -> dict:
    """{name: array} for every data matrix of ``loss``: normal entries, sizes from ``sizes`` (default 4)."""
    rng = np.random.default_rng(seed)
    bound = {s.name: int((sizes or {}).get(s.name, DEFAULT_SIZE)) for s in loss.sizes}
    return {d.name: rng.normal(size=tuple(bound.get(str(k), k) for k in map(_int_or_name, d.shape)))
            for d in loss.data}


def _int_or_name(d):
    return int(d) if d.is_Integer else str(d)


def check_matrix_loss(loss, theta=None, X=None, y=None, *, compiled=None, sizes: Mapping | None = None,
                      seed: int = 0, order: int = 1, rules=None) -> GradCheckReport:
    """Compare the four gradients of ``loss`` at one point (theta and data random from ``seed`` where not given).

    ``X`` (and ``y``) are the data arrays in declared order, or ``X`` a mapping {name: array}; ``sizes``
    the sizes of random data ({"N": 6}; default 4). ``order=2`` compares every entry of the Hessian instead
    (``numeric.matrix_hessian_check``), with your ``rules=`` in its compiled Hessian and hvp.

    >>> from symnet.io.matrix_build import matrix_loss
    >>> check_matrix_loss(matrix_loss("norm2(X*w - y)^2/N", "X=N x 2, y=N, w=2")).ok
    True
    """
    from symnet.numeric.matrix_code import compile_matrix_loss

    if order not in (1, 2):
        raise ValueError(f"order must be 1 (gradients) or 2 (the Hessian); got {order!r}")
    compiled = compiled or compile_matrix_loss(loss, rules=rules)
    data = random_data(loss, sizes, seed) if X is None else compiled.layout.as_mapping(X, y)
    shapes = compiled.layout.full_check(None, data, None)[1][1]
    if theta is None:
        theta = np.random.default_rng(seed + 1).normal(size=sum(int(np.prod(s)) for s in shapes))
    theta, checked, _ = compiled.checker(theta, data, None)
    names = _entry_names(compiled.layout.params, shapes)
    if order == 2:
        from symnet.numeric.matrix_hessian_check import check_matrix_hessian
        return check_matrix_hessian(loss, compiled, theta, checked, names, rules)
    value, gradient = compiled(theta, data, None)
    skipped: list = []
    lowered, exact = _lowered_columns(loss, compiled, theta, checked, skipped)
    differences = finite_differences(lambda t: compiled.run(checked, None, t)[0], theta)
    rows = tuple(agreement_row(names[k], [float(gradient[k]), _at(lowered, k), _at(exact, k), float(differences[k])],
                               value) for k in range(len(theta)))
    return GradCheckReport(rows, float(value), tuple(skipped), METHODS)


def _at(column, k):
    return None if column is None else float(column[k])


def _entry_names(params, shapes) -> list[str]:
    return [f"{p.name}_{i + 1}_{j + 1}" for p, s in zip(params, shapes) for i in range(s[0]) for j in range(s[1])]


def _lowered_columns(loss, compiled, theta, checked, skipped):
    """The scalar-lowered gradient by symnet's rule table and by ``sympy.diff`` (None with a reason when too big)."""
    from sympy import diff, lambdify

    from symnet.core.rules import differentiate

    lowered = lowering(loss, compiled, theta, checked, skipped, ("lowered", "sympy"))
    if lowered is None:
        return None, None
    formula, params, args, point = lowered
    namespace = _namespace()
    columns = []
    for method, derivative in (("lowered", differentiate), ("sympy", diff)):
        try:
            fn = lambdify(args, [derivative(formula, p) for p in params], modules=[namespace, "numpy"])
            with np.errstate(all="ignore"):
                columns.append(_real(fn(*point)))
        except (TypeError, KeyError, ZeroDivisionError, OverflowError, NameError) as err:   # no NumPy form here
            skipped.append((method, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"))
            columns.append(None)
    return tuple(columns)
