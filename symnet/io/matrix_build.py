"""The matrix language's second pass: a syntax tree (``matrix_syntax``) to SymPy matrix expressions, shapes checked.

Two readings keep the numbers finite: ``norm2(X)^2`` is ‖X‖² (its gradient 2X, no 0/0 at X = 0) and
``log(exp(u) + vector(1))`` is softplus(u) (no overflow of eᵘ).

Each node becomes a SymPy object directly (``MatMul``, ``MatAdd``, ``HadamardProduct``, ``Transpose`` and
symnet's primitives of ``core.matrix_ops``); a shape that does not fit is refused with the operands and their
shapes. ``vector(c)``/``ones(c)`` is c·𝟙 of the shape of the other operand of ``+ - .* ./``. A 1 × 1 result
(wᵀw) is a number. ``FUNCTIONS`` is the one table of callable names: add a row to add a function.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import (S, Abs, Float, HadamardPower, HadamardProduct, Integer, MatAdd, MatMul, MatrixSymbol, OneMatrix,
                   Rational, Symbol, Trace, Transpose, exp, log, sqrt)

from symnet.core.attention import LogSoftmax, RowSoftmax
from symnet.core.matrix_expr import MatrixLoss
from symnet.core.matrix_ops import EntrySum, Entrywise, Norm1, Norm2, Scale, SquaredNorm
from symnet.core.matrix_rules import ELEMENTWISE, Apply
from symnet.core.matrix_simplify import exp_plus_one as _is_exp_plus_one
from symnet.core.neuron import ACTIVATIONS
from symnet.io.matrix_syntax import ALLOWED, parse_shapes, parse_tree
from symnet.io.syntax import ParseError

SCALAR_FUNCTIONS = {"exp": exp, "log": log, "abs": Abs, "sqrt": sqrt}


@dataclass(frozen=True)
class Fill:
    """c·𝟙 whose shape comes from the other operand (``vector(1)``)."""

    value: object


def _shape_text(x) -> str:
    return "a number" if not _is_matrix(x) else f"{x.shape[0]} × {x.shape[1]}"


def _operand(x) -> str:
    """``X (N × 3)``: an operand as the parser built it, with its shape (shortened when long)."""
    text = str(x)
    return f"{text if len(text) <= 40 else text[:37] + '...'} ({_shape_text(x)})"


def _is_matrix(x) -> bool:
    return getattr(x, "is_Matrix", False)


def _scalar(x):
    """A 1 × 1 matrix as its one entry; numbers unchanged."""
    return EntrySum(x) if _is_matrix(x) and x.shape == (1, 1) else x


def _scale(c, X):
    """c·X: a product when c is a constant, a ``Scale`` step when c is computed from matrices."""
    if c == 1:
        return X
    return Scale(c, X) if any(isinstance(s, MatrixSymbol) for s in c.free_symbols) else MatMul(c, X)


def _entrywise(name):
    def build(x):
        if not _is_matrix(x):
            return SCALAR_FUNCTIONS[name](x) if name in SCALAR_FUNCTIONS else ACTIVATIONS[name](x)
        if name == "log" and _is_exp_plus_one(x) is not None:    # log(eᵘ + 𝟙) is softplus(u), finite for any u
            return Apply("softplus", _is_exp_plus_one(x))
        return Apply(name, x) if name in ELEMENTWISE else Entrywise(name, x)
    return build


def _reduction(cls, square=False):
    def build(x):
        if not _is_matrix(x):
            return {EntrySum: x, Trace: x, Norm2: Abs(x), Norm1: Abs(x)}[cls]
        if square and x.shape[0] != x.shape[1]:
            raise ValueError(f"tr needs a square matrix; its argument is {_shape_text(x)}")
        return cls(x)
    return build


def _mean(x):
    return EntrySum(x) / (x.shape[0] * x.shape[1]) if _is_matrix(x) else x


def _by_rows(cls):
    def build(x):
        if not _is_matrix(x):
            raise ValueError(f"{'softmax' if cls is RowSoftmax else 'log_softmax'} works on the rows of a matrix; "
                             f"its argument is a number")
        return cls(x)
    return build


def _ones(c):
    if _is_matrix(c):
        raise ValueError("vector(c) takes a number c; its shape comes from the other operand of + or .*")
    return Fill(c)


# The callable names with (builder, argument count): activations and exp/log/abs/sqrt entry by entry,
# reductions to a number, vector(c)/ones(c), softmax and log_softmax of each row (core.attention's primitives).
FUNCTIONS = {
    **{name: (_entrywise(name), 1) for name in (*ELEMENTWISE, "exp", "log", "abs", "sqrt")},
    "sum": (_reduction(EntrySum), 1), "norm2": (_reduction(Norm2), 1), "norm1": (_reduction(Norm1), 1),
    "tr": (_reduction(Trace, square=True), 1), "mean": (_mean, 1), "vector": (_ones, 1), "ones": (_ones, 1),
    "softmax": (_by_rows(RowSoftmax), 1), "log_softmax": (_by_rows(LogSoftmax), 1),
}


def _add(a, b, sign):
    a, b = _filled(a, b), _filled(b, a)
    if _is_matrix(a) != _is_matrix(b) or (_is_matrix(a) and (a.shape == (1, 1)) != (b.shape == (1, 1))):
        a, b = _scalar(a), _scalar(b)          # wᵀw + 1, Xw + b with b 1 × 1: a 1 × 1 matrix is a number
    if _is_matrix(a) != _is_matrix(b):          # a number added to every entry
        a, b = (a, _scale(b, OneMatrix(*a.shape))) if _is_matrix(a) else (_scale(a, OneMatrix(*b.shape)), b)
    if _is_matrix(a) and a.shape != b.shape:
        raise ValueError(f"cannot add {_operand(a)} and {_operand(b)}: a sum needs equal shapes")
    b = b if sign > 0 else (MatMul(-1, b) if _is_matrix(b) else -b)
    return MatAdd(a, b) if _is_matrix(a) else a + b


def _filled(x, other):
    if not isinstance(x, Fill):
        return x
    if isinstance(other, Fill) or not _is_matrix(other):
        raise ValueError("vector(c) takes its shape from a matrix on the other side of + - .* or ./")
    return _scale(x.value, OneMatrix(*other.shape))


def _product(a, b):
    if isinstance(a, Fill) or isinstance(b, Fill):     # b*vector(1): still ones, scaled
        fill, other = (a, _scalar(b)) if isinstance(a, Fill) else (b, _scalar(a))
        if _is_matrix(other) or isinstance(other, Fill):
            raise ValueError("vector(c) takes its shape from a matrix on the other side of + - .* or ./")
        return Fill(fill.value * other)
    if not (_is_matrix(a) and _is_matrix(b)):
        return _scale(a, b) if _is_matrix(b) else _scale(b, a) if _is_matrix(a) else a * b
    if a.shape[1] != b.shape[0]:
        if a.shape == (1, 1) or b.shape == (1, 1):     # a number written as a 1 × 1 product (wᵀw · X)
            return _product(_scalar(a), _scalar(b))
        raise ValueError(f"shape mismatch in the product of {_operand(a)} and {_operand(b)}: the columns of the "
                         f"left must equal the rows of the right")
    return MatMul(*_factors(a, MatMul), *_factors(b, MatMul))


def _factors(x, cls):
    """The factors of a product of kind ``cls``, so that A*B*C is one product, not ((A B) C)."""
    return x.args if isinstance(x, cls) else (x,)


def _hadamard(a, b, divide=False):
    a, b = _filled(a, b), _filled(b, a)
    if not (_is_matrix(a) and _is_matrix(b)):
        return _divide(a, b) if divide else _product(a, b)
    if a.shape != b.shape:
        raise ValueError(f"entrywise {'./' if divide else '.*'} needs equal shapes; got {_operand(a)} and "
                         f"{_operand(b)}")
    return HadamardProduct(*_factors(a, HadamardProduct), *(
        (HadamardPower(b, -1),) if divide else _factors(b, HadamardProduct)))


def _divide(a, b):
    if isinstance(b, Fill) or (isinstance(a, Fill) and _is_matrix(b)):
        raise ValueError("vector(c) takes its shape from a matrix on the other side of + - .* or ./")
    if isinstance(a, Fill):
        return Fill(a.value / _scalar(b))
    if _is_matrix(b):
        raise ValueError(f"cannot divide by a {_shape_text(b)} matrix: use ./ to divide entry by entry")
    return _scale(1 / b, a) if _is_matrix(a) else a / b


def _power(a, b, entrywise):
    if isinstance(a, Fill) and entrywise and not _is_matrix(b) and not isinstance(b, Fill):
        return Fill(a.value ** b)                 # (c·𝟙).^p = cᵖ·𝟙
    if isinstance(a, Fill) or isinstance(b, Fill):
        raise ValueError("vector(c) takes its shape from a matrix on the other side of + - .* or ./")
    if _is_matrix(b):
        raise ValueError(f"an exponent is a number; got a {_shape_text(b)} matrix")
    if isinstance(a, Norm2) and b.is_number:     # ‖X‖^p = (‖X‖²)^(p/2): no 0/0 in the gradient at X = 0
        return SquaredNorm(a.arg) ** (b / 2)
    if not _is_matrix(a):
        return a ** b
    if not entrywise and a.shape != (1, 1):
        raise ValueError(f"^ of a {_shape_text(a)} matrix: use .^ for entrywise powers (or A*A for a product)")
    if not b.is_number:
        raise ValueError("an entrywise power .^ takes a number as exponent")
    return _scalar(a) ** b if a.shape == (1, 1) else HadamardPower(a, b)


BINARY = {"+": lambda a, b: _add(a, b, 1), "-": lambda a, b: _add(a, b, -1), "*": _product, "@": _product,
          ".*": _hadamard, "./": lambda a, b: _hadamard(a, b, divide=True), "/": _divide,
          "^": lambda a, b: _power(_scalar(a), b, False), ".^": lambda a, b: _power(a, b, True)}


class _Builder:
    """Turns a syntax tree into SymPy objects; ``ParseError`` with the column of the node that failed."""

    def __init__(self, text, matrices, scalars):
        self.text, self.matrices, self.scalars = text, matrices, scalars

    def build(self, node):
        kind, value, children, column = node
        try:
            if kind == "number":
                return Rational(value) if "." not in value and "e" not in value.lower() else Float(value)
            if kind == "name":
                return self.name(value, column)
            args = [self.build(c) for c in children]
            if kind == "neg":
                return MatMul(-1, args[0]) if _is_matrix(args[0]) else _product(-1, args[0])
            if kind == "transpose":
                return Transpose(args[0]) if _is_matrix(args[0]) else args[0]
            if kind == "binary":
                return BINARY[value](*args)
            return self.call(value, args, column)
        except ValueError as err:
            if isinstance(err, ParseError):
                raise
            raise ParseError(str(err), self.text, column, "") from None

    def name(self, name, column):
        if name in FUNCTIONS:
            raise ParseError(f"{name} is a function: call it, e.g. {name}(X)", self.text, column, "")
        if name in self.matrices:
            return self.matrices[name]
        return self.scalars.setdefault(name, Symbol(name, real=True))

    def call(self, name, args, column):
        if name not in FUNCTIONS:
            raise ParseError(f"unknown function {name!r}", self.text, column,
                             f"expected one of {', '.join(sorted(FUNCTIONS))}")
        builder, count = FUNCTIONS[name]
        if len(args) != count:
            raise ParseError(f"{name} takes {count} argument{'s' if count > 1 else ''}; got {len(args)}",
                             self.text, column, "")
        if any(isinstance(a, Fill) for a in args) and name not in ("vector", "ones"):
            raise ParseError("vector(c) takes its shape from a matrix on the other side of + - .* or ./",
                             self.text, column, "")
        return builder(*args)


def declared(shapes) -> tuple[dict, dict]:
    """({name: MatrixSymbol}, {size name: Symbol}) from a shapes text or mapping {name: (rows, cols)}."""
    table = parse_shapes(shapes) if isinstance(shapes, str) else dict(shapes)
    sizes: dict = {}
    matrices = {}
    for name, dims in table.items():
        dims = tuple(dims) + (1,) * (2 - len(tuple(dims)))
        dims = tuple(sizes.setdefault(d, Symbol(d, integer=True, positive=True)) if isinstance(d, str) else Integer(d)
                     for d in dims)
        matrices[name] = MatrixSymbol(name, *dims)
    clash = set(matrices) & set(sizes)
    if clash:
        raise ParseError(f"{', '.join(sorted(clash))} is both a matrix and a size", None, None, "")
    return matrices, sizes


def matrix_loss(text: str, shapes, wrt=None, constants=None) -> MatrixLoss:
    """A loss typed as matrix text with declared shapes: the Python entry of ``symnet grad --expr … --shapes …``.

    Args:
        text: the loss, e.g. ``"norm2(X*w - y)^2/N + lam*norm2(w)^2"`` (see ``symnet.io.matrix_syntax``).
        shapes: ``"X=N x 3, y=N, w=3"`` (a vector is a column; sizes are numbers or names bound by data),
            or a mapping {name: (rows, cols)}.
        wrt: the parameters (a name or names); default every matrix whose sizes are all numbers.
        constants: a number for each scalar constant of the loss, ``{"lam": 0.1}`` (needed to compile it).

    Returns:
        A ``MatrixLoss`` (``.gradient()``, ``.program``; compile it with ``symnet.numeric.matrix_code``).

    >>> loss = matrix_loss("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3")
    >>> loss.params, loss.data, loss.constants
    ((w,), (X, y), (lam,))
    """
    matrices, sizes = declared(shapes)
    scalars = dict(sizes)
    tree = parse_tree(text)
    expr = _scalar(_Builder(text, matrices, scalars).build(tree))
    if isinstance(expr, Fill):
        raise ParseError("vector(c) alone has no shape: add it to a matrix", text, None, "")
    if any(expr.has(bad) for bad in (S.ComplexInfinity, S.NaN, S.Infinity, S.NegativeInfinity)):
        raise ParseError("the loss divides by zero (a constant part of it is infinite or undefined): remove the "
                         "division by 0", text, None, "")
    used = {s.name for s in expr.free_symbols if isinstance(s, MatrixSymbol)}
    names = [wrt] if isinstance(wrt, str) else list(wrt) if wrt is not None else [
        n for n, m in matrices.items() if n in used and all(d.is_Integer for d in m.shape)]
    for n in names:
        if n not in matrices:
            raise ParseError(f"cannot differentiate by {n!r}: the declared matrices are {', '.join(matrices)}",
                             None, None, "")
    params = tuple(matrices[n] for n in names if n in used)
    data = tuple(m for n, m in matrices.items() if n in used and n not in names)
    bound = {d for m in params + data for d in m.shape if d.is_Symbol}        # sizes the matrices fix
    values, constants = constants, tuple(s for s in scalars.values() if s not in bound and s in expr.free_symbols)
    if not params:
        why = (f"{', '.join(names)} does not appear in the loss" if names else
               "no matrix whose sizes are all numbers appears in the loss (a parameter's shape is numeric, e.g. w=3)")
        raise ParseError(f"no parameter to differentiate by: {why}; name one with wrt (--wrt)", None, None, "")
    return MatrixLoss(expr, params, data, tuple(s for s in sizes.values() if s in bound), constants,
                      constant_values(constants, values))


def constant_values(constants, values) -> tuple:
    """((name, number), …) for the given ``values`` {name: number}; ``ParseError`` for a name not in the loss."""
    values = dict(values or {})
    unknown = sorted(set(values) - {c.name for c in constants})
    if unknown:
        known = ", ".join(c.name for c in constants) or "none"
        raise ParseError(f"{', '.join(unknown)} is not a constant of the loss (its constants: {known})", None, None, "")
    return tuple((name, float(v)) for name, v in values.items())


__all__ = ["ALLOWED", "FUNCTIONS", "matrix_loss", "declared"]
