"""Matrix primitives a typed loss needs beyond SymPy's own (MatMul, MatAdd, Transpose, HadamardProduct, Trace),
each with its vector–Jacobian row (``vjp(delta, ans, *args)``, the convention of ``matrix_rules``):

    sum  Σᵢⱼ Xᵢⱼ        → δ·𝟙                     norm2  ‖X‖ = √(Σ Xᵢⱼ²) → (δ/‖X‖)·X
    ‖X‖² (``SquaredNorm``) → 2δ·X
    norm1  Σ |Xᵢⱼ|       → δ·sign(X)               trace  tr X → δ·I
    exp(X) entrywise     → δ ⊙ exp(X)              log(X)  → δ ⊘ X
    |X| entrywise        → δ ⊙ sign(X)             √X      → δ ⊘ (2√X)
    X.^p (HadamardPower) → p·δ ⊙ X.^(p−1)          c·X with c a scalar step (``Scale``) → Σ δ ⊙ X, c·δ

The activations (σ, tanh, relu, …) applied entry by entry are ``matrix_rules.Apply``, whose row reads σ′
from the scalar rule table. ``MATRIX_OP_ROWS`` is merged into ``matrix_rules.MATRIX_DERIVATIVES``, the one
table. SymPy only; no printing (printers add ``_print_<Class>`` methods in ``symnet.render.matrix_expr``).
"""

from __future__ import annotations

from sympy import Basic, Expr, HadamardPower, HadamardProduct, Identity, MatMul, OneMatrix, S, Trace
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr

ENTRYWISE = ("exp", "log", "abs", "sqrt", "sign")     # entrywise functions that are not activations


class Entrywise(MatrixExpr):
    """exp, log, abs, sqrt or sign applied entry by entry: ``Entrywise("exp", X)``, the shape of X."""

    def __new__(cls, name, arg):
        if str(name) not in ENTRYWISE:
            raise ValueError(f"unknown entrywise function {name!r}: expected one of {', '.join(ENTRYWISE)}")
        return Basic.__new__(cls, Str(str(name)), arg)

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def shape(self):
        return self.args[1].shape

    def _entry(self, i, j, **kwargs):
        return entrywise_scalar(self.name, self.args[1][i, j])

    def _sympystr(self, printer):
        return f"{self.name}({printer._print(self.args[1])})"

    _symnet_text = _sympystr         # symnet's text printer (programs, gradients) asks for this method


def entrywise_scalar(name: str, value):
    """``name`` (exp, log, abs, sqrt, sign) applied to one scalar ``value``: an entry of ``Entrywise``."""
    from sympy import Abs, exp, log, sign, sqrt
    return {"exp": exp, "log": log, "abs": Abs, "sqrt": sqrt, "sign": sign}[name](value)


class MatrixToScalar(Expr):
    """A number made of a matrix (its entries' sum, a norm): a scalar step of the program."""

    is_commutative = True
    is_real = True

    def __new__(cls, arg):
        return Expr.__new__(cls, arg)

    @property
    def arg(self):
        return self.args[0]

    def explicit(self, entries):
        """The value from the explicit entries (a list of SymPy scalars): the lowering to scalars."""
        raise NotImplementedError

    def _sympystr(self, printer):     # as the matrix language writes it: sum(X), norm2(X), norm2(X)^2, norm1(X)
        return self.spelling.format(printer._print(self.arg))

    _symnet_text = _sympystr


class EntrySum(MatrixToScalar):
    """Σᵢⱼ Xᵢⱼ, the sum of every entry (``sum(X)``; a 1 × 1 product such as wᵀw is its one entry)."""

    spelling = "sum({})"

    def explicit(self, entries):
        return S.Zero + sum(entries)


class Norm2(MatrixToScalar):
    """‖X‖₂ = √(Σᵢⱼ Xᵢⱼ²): the Euclidean norm of a vector, the Frobenius norm of a matrix."""

    spelling = "norm2({})"

    def explicit(self, entries):
        from sympy import sqrt
        return sqrt(S.Zero + sum(e ** 2 for e in entries))


class SquaredNorm(MatrixToScalar):
    """‖X‖₂² = Σᵢⱼ Xᵢⱼ²: what ``norm2(X)^2`` reads as, so that its gradient 2X has no 0/0 at X = 0."""

    spelling = "norm2({})^2"

    def explicit(self, entries):
        return S.Zero + sum(e ** 2 for e in entries)


class Norm1(MatrixToScalar):
    """‖X‖₁ = Σᵢⱼ |Xᵢⱼ| (entrywise)."""

    spelling = "norm1({})"

    def explicit(self, entries):
        from sympy import Abs
        return S.Zero + sum(Abs(e) for e in entries)


class Scale(MatrixExpr):
    """c·X where the scalar c is itself computed from the parameters (‖w‖·w): its adjoint is Σ δ ⊙ X."""

    def __new__(cls, c, arg):
        return Basic.__new__(cls, c, arg)

    @property
    def shape(self):
        return self.args[1].shape

    def _entry(self, i, j, **kwargs):
        return self.args[0] * self.args[1][i, j]

    def _sympystr(self, printer):
        return f"{printer._print(self.args[0])}*{printer._print(self.args[1])}"

    _symnet_text = _sympystr


def ones_like(X):
    """𝟙, the all-ones matrix of X's shape."""
    return OneMatrix(*X.shape)


def _entrywise_rule(delta, ans, name, X):
    f = name.name
    if f == "exp":
        return None, HadamardProduct(delta, ans)
    if f == "log":
        return None, HadamardProduct(delta, HadamardPower(X, -1))
    if f == "abs":
        return None, HadamardProduct(delta, Entrywise("sign", X))
    if f == "sqrt":
        return None, MatMul(S.Half, HadamardProduct(delta, HadamardPower(ans, -1)))
    return None, None                                              # sign′ = 0 almost everywhere


def _power_rule(delta, ans, X, p):
    if p == 2:
        return MatMul(2, HadamardProduct(delta, X)), None
    return MatMul(p, HadamardProduct(delta, HadamardPower(X, p - 1))), None


MATRIX_OP_ROWS: dict[type, object] = {
    # ---- matrix → number ---------------------------------------------------------------------------
    EntrySum: lambda delta, ans, X: (MatMul(delta, ones_like(X)),),            # δ·𝟙
    Norm2: lambda delta, ans, X: (MatMul(delta / ans, X),),                    # (δ/‖X‖)·X
    SquaredNorm: lambda delta, ans, X: (MatMul(2 * delta, X),),                # 2δ·X
    Norm1: lambda delta, ans, X: (MatMul(delta, Entrywise("sign", X)),),       # δ·sign(X)
    Trace: lambda delta, ans, X: (MatMul(delta, Identity(X.rows)),),           # δ·I
    # ---- entrywise ---------------------------------------------------------------------------------
    Entrywise: _entrywise_rule,                                                # δ ⊙ f′(X)
    HadamardPower: _power_rule,                                                # p δ ⊙ X.^(p−1)
    Scale: lambda delta, ans, c, X: (EntrySum(HadamardProduct(delta, X)), MatMul(c, delta)),
}
