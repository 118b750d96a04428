"""Matrix-valued steps and their derivative rules: the table the reverse sweep uses on layer networks.

A layer network's steps are matrix expressions of one sample (column vectors), Nielsen's notation:

    zˡ = Wˡ aˡ⁻¹ + bˡ,    aˡ = σ(zˡ) (elementwise),    C = loss(zᴸ or aᴸ, y).

Each rule is a vector–Jacobian product: given the adjoint δ of a node (∂C/∂node, the node's shape)
it returns the adjoint each argument receives,

    sum  A + B        → δ, δ                      product  A B  → δ Bᵀ, Aᵀ δ
    transpose  Aᵀ     → δᵀ                        Hadamard A ⊙ B → δ ⊙ B, δ ⊙ A
    elementwise σ(Z)  → δ ⊙ σ′(Z)                 softmax cross-entropy C(z, y) → softmax(z) − y
    sigmoid cross-entropy C(z, y) → σ(z) − y     squared error C(a, y) → 2 (a − y)        your own C = Σₖ φ(aₖ, yₖ) → φ′(a, y) = ∂φ/∂ŷ, entry by entry

σ′ itself is not typed in: ``ActivationPrime`` takes it from the scalar rule table (``rules``), the
one extended per call by ``rules=`` (``matrix_table``), so your rule for tanh reaches a layer's δ too. σ is a
name from the activation table or your own formula, a ``Lambda`` z ↦ φ(z) (``user_activation`` makes
it from a SymPy function class or a one-argument function); φ′ is then the table's chain rule applied
to the formula (``rules.differentiate``), never ``sympy.diff``.
The batch is not part of these formulas: compiled code carries it along a matrix dimension.
"""

from __future__ import annotations

from collections import ChainMap

from sympy import Basic, Dummy, HadamardProduct, Lambda, MatAdd, MatMul, MatrixSymbol, Mul, Transpose, exp
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr

from symnet.core.attention import ATTENTION_DERIVATIVES
from symnet.core.activations import Z, sigmoid, softplus  # noqa: F401  (Z: re-exported for layer code)
from symnet.core.loss_steps import (FormulaLoss, LossPrime, LossStep, OwnRule, SigmoidCrossEntropy,  # noqa: F401 (re-exported)
                                    SoftmaxCrossEntropy, SquaredError)
from symnet.core.matrix_ops import MATRIX_OP_ROWS
from symnet.core.conv_rules import CONV_DERIVATIVES
from symnet.core.neuron import ACTIVATIONS, activation_formula
from symnet.core.rules import DERIVATIVES, differentiate, lookup

ELEMENTWISE = tuple(name for name in ACTIVATIONS if name != "identity")
USER = "phi"          # the name a user activation goes by in printed and generated code (φ)


def user_activation(activation) -> Lambda:
    """Your own activation as ``Lambda(z, φ(z))``, checked by ``neuron.activation_formula`` (the one validator
    ``mlp`` uses too): a formula in z alone, every function in it with a derivative rule.

    Args:
        activation: a SymPy function class (``erf``), a one-argument function (``lambda z: z * sigmoid(z)``),
            a formula in z, or a ``Lambda`` of one variable.

    >>> from symnet.core.activations import sigmoid
    >>> user_activation(lambda z: z * sigmoid(z))
    Lambda(z, z*sigmoid(z))
    """
    if isinstance(activation, Lambda):
        if len(activation.variables) != 1:
            raise ValueError(f"an activation takes one argument; got {activation}")
        activation = activation.expr.xreplace({activation.variables[0]: Z})
    formula = activation_formula(activation)
    if isinstance(formula, str):       # a table name: not "your own"
        raise TypeError(f"user_activation takes your own activation; {formula!r} is a table name")
    return Lambda(Z, formula)


def _function(fn):
    """The scalar function σ of an ``Apply``'s first argument: a table name (``Str``) or a ``Lambda``."""
    if isinstance(fn, Lambda):
        return fn
    name = str(fn)
    if name not in ELEMENTWISE:
        raise ValueError(f"unknown elementwise activation {name!r}: expected one of {', '.join(ELEMENTWISE)}")
    return ACTIVATIONS[name]


def _tag(fn):
    """A name as ``Str``, a user formula as its ``Lambda``: what an ``Apply`` stores."""
    _function(fn)
    return fn if isinstance(fn, (Lambda, Str)) else Str(str(fn))


class Elementwise(MatrixExpr):
    """A function applied entry by entry to a matrix: args are (the function's tag, the matrix, …)."""

    @property
    def name(self) -> str:
        """The table name, or ``phi`` for your own activation."""
        return USER if isinstance(self.args[0], Lambda) else self.args[0].name

    @property
    def shape(self):
        return self.args[1].shape


class Apply(Elementwise):
    """σ applied entry by entry: ``Apply("relu", z1)`` is relu(z¹), the shape of z¹; ``Apply(Lambda(z, φ), z1)``
    applies your own φ."""

    def __new__(cls, name, arg):
        return Basic.__new__(cls, _tag(name), arg)

    def _entry(self, i, j, **kwargs):
        return _function(self.args[0])(self.args[1][i, j])

    def _sympystr(self, printer):
        return f"{self.name}({printer._print(self.args[1])})"


_T, _S = Dummy("t"), Dummy("s")   # one pair for every σ′, so that the rules of two tables compare equal


class ActivationPrime(OwnRule, Elementwise):
    """σ′(Z) entry by entry; ``ans`` is σ(Z) when a symbol holds it (σ′ = σ(1 − σ) reads it).

    The scalar formula comes from the scalar rule table, so σ′ is derived, never written here. A rule of
    your own for σ (``rules=`` of one call) rides along as a fourth argument, ``rule`` = (t, s) ↦ σ′, so
    that printers and compiled code use it rather than the global table's.
    """

    def __new__(cls, name, arg, ans=None, rule=None):
        extra = () if rule is None else (rule,)
        return Basic.__new__(cls, _tag(name), arg, arg if ans is None else ans, *extra)

    def scalar_rule(self, table=DERIVATIVES) -> Lambda:
        """σ′ as a function of (z, σ(z)): e.g. relu → (t, s) ↦ Heaviside(t), sigmoid → s(1 − s)."""
        if self.rule is not None:
            return self.rule
        node = _function(self.args[0])(_T)
        if isinstance(self.args[0], Lambda) or not ACTIVATIONS[self.name].primitive:   # a formula: chain rule
            return Lambda((_T, _S), differentiate(node, _T, table=table))
        return Lambda((_T, _S), lookup(type(node), table)(_S, _T)[0])

    def _entry(self, i, j, **kwargs):
        return self.scalar_rule()(self.args[1][i, j], self.args[2][i, j])

    def _sympystr(self, printer):
        return f"{self.name}'({printer._print(self.args[1])})"


class Softmax(MatrixExpr):
    """softmax(z)ᵢ = e^{zᵢ} / Σₖ e^{zₖ} for a column z."""

    label = "softmax"      # the name its lowerings are registered and printed under

    def __new__(cls, arg):
        return Basic.__new__(cls, arg)

    @property
    def shape(self):
        return self.args[0].shape

    def _entry(self, i, j, **kwargs):
        z = self.args[0]
        return exp(z[i, j]) / sum(exp(z[k, j]) for k in range(z.shape[0]))

    def _sympystr(self, printer):
        return f"softmax({printer._print(self.args[0])})"


def _formula_loss_rule(table):
    """The row of C = Σ φ(u, y): δ·φ′(u, y), φ′ read from ``table`` (y is data: no adjoint)."""
    def rule(delta, ans, formula, u, y):
        prime = LossPrime(formula, u, y)
        if table is not DERIVATIVES:
            mine = prime.scalar_rule(table)
            if mine != prime.scalar_rule():
                prime = LossPrime(formula, u, y, mine)
        return (None, prime if delta == 1 else delta * prime, None)
    return rule


def _matmul_rule(delta, ans, *args):
    # ∂C/∂Xᵢ = c·(X₁…Xᵢ₋₁)ᵀ δ (Xᵢ₊₁…Xₙ)ᵀ for the matrix factors Xᵢ; the scalar factor c passes through
    coeff = Mul(*(a for a in args if not a.is_Matrix))
    out = []
    for i, arg in enumerate(args):
        if not arg.is_Matrix:
            out.append(None)
            continue
        left = [a for a in args[:i] if a.is_Matrix]
        right = [a for a in args[i + 1:] if a.is_Matrix]
        factors = ([Transpose(MatMul(*left)).doit(deep=False)] if left else []) + [delta] + \
            ([Transpose(MatMul(*right)).doit(deep=False)] if right else [])
        out.append(MatMul(coeff, *factors).doit(deep=False) if coeff != 1 else MatMul(*factors).doit(deep=False))
    return tuple(out)


def _hadamard_rule(delta, ans, *args):
    return tuple(HadamardProduct(delta, *(args[:i] + args[i + 1:])) for i in range(len(args)))


def _apply_rule(table):
    """The row of σ(z) whose σ′ is read from ``table`` (the global one, or one extended by ``rules=``)."""
    def rule(delta, ans, name, z):
        prime = ActivationPrime(name, z, ans)
        if table is not DERIVATIVES:
            mine = prime.scalar_rule(table)
            if mine != prime.scalar_rule():     # your rule for σ (or a function inside your φ) differs
                prime = ActivationPrime(name, z, ans, mine)
        return (None, HadamardProduct(delta, prime))
    return rule


MATRIX_DERIVATIVES: dict[type, object] = {
    **MATRIX_OP_ROWS,                # sum, norms, trace, exp/log/abs/sqrt, .^ of typed losses (core.matrix_ops)
    # ---- linear algebra ------------------------------------------------------------------------
    MatAdd: lambda delta, ans, *args: (delta,) * len(args),                 # sum (and the bias)
    MatMul: _matmul_rule,                                                    # δ Bᵀ and Aᵀ δ
    Transpose: lambda delta, ans, a: (Transpose(delta),),                   # (Aᵀ)′: δᵀ
    HadamardProduct: _hadamard_rule,                                         # δ ⊙ (the others)
    # ---- elementwise activation ------------------------------------------------------------------
    Apply: _apply_rule(DERIVATIVES),                                         # δ ⊙ σ′(z), σ′ from the table
    # ---- losses, each one stable step ----------------------------------------------------------------
    SoftmaxCrossEntropy: lambda delta, ans, z, y: (delta * MatAdd(Softmax(z), -y), -delta * z),
    SigmoidCrossEntropy: lambda delta, ans, z, y: (delta * MatAdd(Apply("sigmoid", z), -y), -delta * z),
    SquaredError: lambda delta, ans, a, y: (2 * delta * MatAdd(a, -y), -2 * delta * MatAdd(a, -y)),
    FormulaLoss: _formula_loss_rule(DERIVATIVES),                            # δ φ′(u, y), φ′ from the table
    **ATTENTION_DERIVATIVES,                                                 # softmax by rows: A ⊙ (G − rowsum(A ⊙ G))
    **CONV_DERIVATIVES,                                                      # conv2d, pooling, reshape
}


def matrix_table(table=DERIVATIVES):
    """The rows the reverse sweep reads on matrix steps: ``table`` (the scalar rules of this call, with
    yours first) over the matrix rows, σ′ of an elementwise step taken from ``table`` too.

    >>> from sympy import tanh
    >>> from symnet.core.rules import rule_table
    >>> d, z = MatrixSymbol("d", 2, 1), MatrixSymbol("z", 2, 1)
    >>> wrong = matrix_table(rule_table({tanh: lambda ans, z: (1 + ans**2,)}))
    >>> matrix_vjp(Apply("tanh", z), z, d, table=wrong).args[1].rule
    Lambda((_t, _s), _s**2 + 1)
    """
    if table is DERIVATIVES:
        return ChainMap(table, MATRIX_DERIVATIVES)
    return ChainMap(table, {Apply: _apply_rule(table), FormulaLoss: _formula_loss_rule(table)}, MATRIX_DERIVATIVES)


def matrix_vjp(expr, wrt, delta, ans=None, table=MATRIX_DERIVATIVES):
    """The adjoint ``wrt`` receives from ``expr`` whose adjoint is ``delta`` (reverse mode inside one step).

    >>> W, a, b = MatrixSymbol("W", 3, 2), MatrixSymbol("a", 2, 1), MatrixSymbol("b", 3, 1)
    >>> d = MatrixSymbol("d", 3, 1)
    >>> matrix_vjp(W * a + b, W, d), matrix_vjp(W * a + b, a, d), matrix_vjp(W * a + b, b, d)
    (d*a.T, W.T*d, d)
    """
    if expr == wrt:
        return delta
    terms = []
    rule = lookup(type(expr), table)
    for arg, adjoint in zip(expr.args, rule(delta, expr if ans is None else ans, *expr.args)):
        if adjoint is not None and isinstance(arg, Basic) and arg.has(wrt):
            terms.append(matrix_vjp(arg, wrt, adjoint, None, table))
    return terms[0] if len(terms) == 1 else MatAdd(*terms)


def is_matrix_step(rhs) -> bool:
    """True when a program step is matrix-valued or reads a matrix (a loss step)."""
    return getattr(rhs, "is_Matrix", False) or any(isinstance(s, MatrixSymbol) for s in rhs.free_symbols)
