"""``check_grads(..., order=2)`` for a typed matrix loss: every entry of its Hessian four independent ways.

    hessian      the compiled vectorized formula (``numeric.matrix_hessian``: Xᵀ diag(c) X, Σₙ Pₙ Rₙᵀ ⊗ Cₙ, …);
    hvp          the compiled Hessian-vector product applied to each unit vector eⱼ (one tangent sweep each);
    sympy        ``sympy.diff`` twice of the loss lowered to scalars (``core.matrix_lowering``), small sizes only:
                 the oracle that shares no rule with symnet, so a wrong ``rules=`` shows here;
    finite_diff  central differences of the compiled gradient (``hessian.gradient_differences``).

One row per entry (i ≤ j) of the vec(W) Hessian (row-major), named ``W_1_2,W_3_1``; the agreement rule is the
package's (``gradreport.agreement_row``).
"""

from __future__ import annotations

import numpy as np

from symnet.numeric.gradreport import SECOND_ORDER_METHODS, GradCheckReport, agreement_row
from symnet.numeric.matrix_lowered import _namespace, _real, lowering


def check_matrix_hessian(loss, compiled, theta, checked, names, rules=None) -> GradCheckReport:
    """The order-2 report of ``loss`` at the checked point (``compiled``: its gradient, compiled with ``rules``)."""
    from symnet.numeric.hessian import compile_hessian, gradient_differences, hvp

    if len(compiled.layout.params) != 1:
        raise NotImplementedError(f"check_grads(order=2) of a typed loss takes one parameter (its Hessian is by one "
                                  f"vector or matrix); this loss has {', '.join(p.name for p in compiled.layout.params)}"
                                  f": name one with wrt= (--wrt on the command line)")
    values, shapes = checked
    data = dict(zip((d.name for d in loss.data), values[:len(loss.data)]))
    matrix = compile_hessian(loss, rules=rules, backend="numpy")(theta, data)
    product = hvp(loss, rules=rules, backend="numpy")
    by_hvp = np.column_stack([np.ravel(product(theta, e, data)) for e in np.eye(theta.size)])
    value = compiled.run(checked, None, theta)[0]
    differences = gradient_differences(lambda t: compiled.run(checked, None, t)[1], theta)
    pairs = [(i, j) for i in range(theta.size) for j in range(i, theta.size)]
    skipped: list = []
    exact = _sympy_hessian(loss, compiled, theta, checked, pairs, skipped)
    rows = tuple(agreement_row(f"{names[i]},{names[j]}", [float(matrix[i, j]), float(by_hvp[i, j]),
                                                          None if exact is None else float(exact[k]),
                                                          float(differences[i, j])], value)
                 for k, (i, j) in enumerate(pairs))
    return GradCheckReport(rows, float(value), tuple(skipped), SECOND_ORDER_METHODS, order=2)


def _sympy_hessian(loss, compiled, theta, checked, pairs, skipped):
    """∂²L/∂θᵢ∂θⱼ for each pair by ``sympy.diff`` twice of the scalar lowering (None with a reason when too big)."""
    from sympy import diff, lambdify

    lowered = lowering(loss, compiled, theta, checked, skipped, ("sympy",))
    if lowered is None:
        return None
    formula, params, args, point = lowered
    try:
        fn = lambdify(args, [diff(formula, params[i], params[j]) for i, j in pairs], modules=[_namespace(), "numpy"])
        with np.errstate(all="ignore"):
            return _real(fn(*point))
    except (TypeError, KeyError, ZeroDivisionError, OverflowError, NameError) as err:   # no NumPy form here
        skipped.append(("sympy", f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"))
        return None
