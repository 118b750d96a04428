"""SymPy functions that SymPy lacks: the sigmoid, ReLU and softplus activations.

    σ(z) = 1 / (1 + e^(−z)),    relu(z) = max(0, z),    softplus(z) = log(1 + e^z).

Symbolic only: no numerics live here (the NumPy forms are in ``codegen`` and ``numeric``).
Each class can ``rewrite(exp)`` (or ``rewrite(Max)``) into SymPy's own functions, which is how
the ``sympy.diff`` oracle in ``testing`` differentiates them without symnet's rule table.
``fdiff`` exists only so that plain ``sympy.diff`` also works on user expressions.
"""

from __future__ import annotations

from sympy import Function, Heaviside, Max, S, Wild, exp, log


class sigmoid(Function):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(−z)).

    >>> from sympy import Symbol
    >>> sigmoid(0)
    1/2
    >>> sigmoid(Symbol("z")).rewrite("exp")
    1/(1 + exp(-z))
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z is S.Zero:
            return S.Half
        return None

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + exp(-z))

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class relu(Function):
    """The rectifier relu(z) = max(0, z).

    >>> relu(-3), relu(2)
    (0, 2)
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_number and z.is_real:
            return Max(S.Zero, z)
        return None

    def fdiff(self, argindex=1):
        return Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return Max(S.Zero, z)

    def _eval_is_real(self):
        return self.args[0].is_real


class softplus(Function):
    """The softplus softplus(z) = log(1 + e^z), a smooth ReLU whose derivative is σ(z).

    >>> softplus(0)
    log(2)
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z is S.Zero:
            return log(2)
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return log(1 + exp(z))

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


def rewrite_activations(expr):
    """Rewrite symnet's activations into SymPy's own exp, log and Max.

    Args:
        expr: any SymPy expression.

    Returns:
        The same expression with no ``sigmoid``, ``relu`` or ``softplus`` left.

    >>> from sympy import Symbol
    >>> rewrite_activations(softplus(Symbol("z")) + relu(Symbol("z")))
    log(exp(z) + 1) + Max(0, z)
    """
    return expr.replace(
        lambda e: isinstance(e, (sigmoid, softplus, relu)),
        lambda e: e.rewrite(Max) if isinstance(e, relu) else e.rewrite(exp),
    )


def stabilize(expr):
    """Rewrite log-sigmoid patterns into equal forms that stay finite in floating point.

        log σ(u) = −softplus(−u),   log(1 − σ(u)) = −softplus(u),   log(1 + eᵘ) = softplus(u).

    Args:
        expr: any SymPy expression.

    Returns:
        An equal expression in which no ``log`` takes a value that can underflow to 0 or overflow.

    >>> from sympy import Symbol, log
    >>> u = Symbol("u")
    >>> stabilize(log(sigmoid(u))), stabilize(log(1 - sigmoid(u))), stabilize(log(1 + exp(u)))
    (-softplus(-u), -softplus(u), softplus(u))
    """
    u = Wild("u")
    for pattern, stable in ((log(sigmoid(u)), -softplus(-u)), (log(1 - sigmoid(u)), -softplus(u)),
                            (log(1 + exp(u)), softplus(u))):
        expr = expr.replace(pattern, stable)
    return expr
