"""The per-sample loss steps of a program with matrix steps: scalars C(u, y) of a column u and the target y.

    softmax cross-entropy  C = log Σₖ e^{zₖ} − yᵀz        sigmoid cross-entropy  C = Σₖ softplus(zₖ) − yₖ zₖ
    squared error          C = Σₖ (aₖ − yₖ)²              your own               C = Σₖ φ(aₖ, yₖ)

Your own φ is a ``Lambda((yhat, y), φ)``; its derivative φ′ = ∂φ/∂ŷ (``LossPrime``, entry by entry) is the
scalar rule table's chain rule applied to φ (``rules.differentiate``), never ``sympy.diff``. The rows of the
rule table (their vector–Jacobian products) are in ``symnet.core.matrix_rules``; ``scalar`` writes each loss
on explicit entries for the lowering to scalars.
"""

from __future__ import annotations

from sympy import Basic, Dummy, Expr, Lambda, exp, log
from sympy.matrices.expressions import MatrixExpr

from symnet.core.activations import softplus
from symnet.core.rules import DERIVATIVES, differentiate

_T, _S = Dummy("t"), Dummy("s")   # one pair for every φ′, so that the rules of two tables compare equal


class LossStep(Expr):
    """A per-sample loss C(u, y) of a column u and the target column y; a scalar."""

    is_commutative = True
    label = "loss"

    def __new__(cls, u, y):
        return Expr.__new__(cls, u, y)

    def scalar(self, u, y):
        """C as a formula in explicit entries (sympy matrices ``u`` and ``y``)."""
        raise NotImplementedError

    def _sympystr(self, printer):
        return f"{self.label}({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class SoftmaxCrossEntropy(LossStep):
    """C = log Σₖ e^{zₖ} − yᵀz, which is −Σ yₖ log softmax(z)ₖ for a one-hot y (log-sum-exp form)."""

    label = "softmax_cross_entropy"

    def scalar(self, u, y):
        return log(sum(exp(v) for v in u)) - sum(a * b for a, b in zip(y, u))


class SigmoidCrossEntropy(LossStep):
    """C = Σₖ softplus(zₖ) − yₖ zₖ, which is binary cross-entropy of σ(z), finite for any z."""

    label = "sigmoid_cross_entropy"

    def scalar(self, u, y):
        return sum(softplus(a) - b * a for a, b in zip(u, y))


class SquaredError(LossStep):
    """C = Σₖ (aₖ − yₖ)², the article's (y − ŷ)² summed over outputs."""

    label = "squared_error"

    def scalar(self, u, y):
        return sum((a - b) ** 2 for a, b in zip(u, y))


class FormulaLoss(LossStep):
    """C = Σₖ φ(uₖ, yₖ), your own per-sample loss φ, a ``Lambda((yhat, y), φ)`` (for one output: φ(ŷ, y))."""

    label = "ell"          # its formula's identifier in generated code (ℓ), its derivative ``d_ell``

    def __new__(cls, formula, u, y):
        return Expr.__new__(cls, formula, u, y)

    @property
    def formula(self) -> Lambda:
        return self.args[0]

    def scalar(self, u, y):
        return sum(self.formula(a, b) for a, b in zip(u, y))

    def _sympystr(self, printer):
        return f"sum({printer._print(self.formula.expr)})"


class OwnRule:
    """A derivative node (σ′ of an activation, φ′ of a loss formula) that may carry the rule of one call's
    ``rules=`` as its fourth argument, so printers and compiled code use it rather than the global table's."""

    @property
    def rule(self) -> Lambda | None:
        """The derivative of a ``rules=`` table that differs from the global one (None: the global table's)."""
        return self.args[3] if len(self.args) > 3 else None


class LossPrime(OwnRule, MatrixExpr):
    """φ′(u, y) = ∂φ/∂ŷ entry by entry, derived by the scalar rule table; a rule of your own (``rules=``) for a
    function inside φ rides along as a fourth argument, as ``ActivationPrime`` carries one."""

    def __new__(cls, formula, u, y, rule=None):
        return Basic.__new__(cls, formula, u, y, *(() if rule is None else (rule,)))

    name = "ell"

    @property
    def shape(self):
        return self.args[1].shape

    def scalar_rule(self, table=DERIVATIVES) -> Lambda:
        """φ′ as a function of (ŷ, y), by the chain rule of ``table`` (never ``sympy.diff``)."""
        if self.rule is not None:
            return self.rule
        return Lambda((_T, _S), differentiate(self.args[0](_T, _S), _T, table=table))

    def _entry(self, i, j, **kwargs):
        return self.scalar_rule()(self.args[1][i, j], self.args[2][i, j])

    def _sympystr(self, printer):
        return f"ell'({printer._print(self.args[1])}, {printer._print(self.args[2])})"
