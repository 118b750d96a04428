"""The only door for user text: a safe parser from formula strings to SymPy expressions.

``sympify``, SymPy's ``parse_expr`` and ``lambdify`` run Python code, so user text never reaches
them. Here text is read by ``ast.parse(mode="eval")``, which only parses; every node is checked
against a whitelist (numbers, names, + − * / **, calls of known functions) and against bounds on
length, node count, depth, exponents and number sizes; then SymPy objects are built directly, as
SymPy's own operators build them (a − b, a / b, −a), exactly as Python would on SymPy objects.
The reading and checking pass lives in ``symnet.io.syntax`` (no SymPy: the CLI runs it alone first,
so a bad formula is refused before any heavy import); this module adds the SymPy building.
The small parsers for CLI options (names, ``name=value`` points, number lists) live in
``symnet.io.options`` and are re-exported here.
"""

from __future__ import annotations

import ast
import math
import sys
from collections import ChainMap

import sympy
from sympy.functions.elementary.miscellaneous import MinMaxBase

from symnet.core.activations import ACTIVATIONS
from symnet.core.neuron import f as neuron
from symnet.io.syntax import (  # noqa: F401  (re-exported: the reading and checking pass lives in syntax)
    ALLOWED,
    FUNCTION_ARITY,
    FAMILY,
    MAX_LENGTH,
    MAX_MINMAX_ARGS,
    NAME_RULE,
    NOT_REAL_NAMES,
    NUMBER,
    REAL_ONLY,
    _BAD_CHAR,
    Context,
    ParseError,
    check_tree,
    checked_source,
    name_problem,
    shorten,
    ungroup_neuron_inputs,
)

MAX_EXACT_BITS = 10_000    # exact numbers stay below ~3000 digits (str() of an int stops at 4300)
MAX_ROOT_BITS = 1024       # x**(p/q) factors x's exact numbers: slow beyond float64-sized ones
MAX_PAIRWISE = 32          # longer runs of + − (or * /) are built in one Add (or Mul)
FLOAT_MAX = sys.float_info.max

# The one table of names and argument counts is the first pass's (syntax.FUNCTION_ARITY); here each name
# gets its SymPy builder: symnet's activation classes, the neuron f, else SymPy's function of that name.
BUILDERS = {**{a.name: a.function for a in ACTIVATIONS.values() if a.function is not None},
            "abs": sympy.Abs, "f": neuron}
FUNCTIONS = {name: (BUILDERS.get(name) or getattr(sympy, name), low, high)
             for name, (low, high) in FUNCTION_ARITY.items()}
CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
_NOT_REAL = (sympy.S.ComplexInfinity, sympy.S.Infinity, sympy.S.NegativeInfinity, sympy.S.NaN, sympy.S.ImaginaryUnit)

_COMBINE = {
    ast.Add: lambda a, b: sympy.Add(a, b),
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: sympy.Mul(a, b),
    ast.Div: lambda a, b: a / b,
}


def parse_expr(text, *, functions=None, max_length=2000, max_nodes=1000, max_depth=40, max_exponent=64):
    """Read a formula safely into a SymPy expression (no ``eval``, no ``sympify``).

    Args:
        text: the formula, ``str`` or UTF-8 ``bytes``.
        functions: extra or replacing entries ``name -> (builder, min_args, max_args or None)``.
        max_length, max_nodes, max_depth, max_exponent: bounds on characters, AST nodes,
            nesting (a run of + − or of * / counts once) and numeric exponents.

    Returns:
        The SymPy expression, built with Add, Mul, Pow and the function classes.

    >>> parse_expr("f(θ3, f(θ1, x1) + f(θ2, x2))")
    f(θ3, f(θ1, x1) + f(θ2, x2))
    >>> parse_expr("sigmoid(30*(z - 1.1))")
    sigmoid(30*z - 33.0)
    >>> parse_expr("f(θ5, (f(θ3, x1), f(θ4, x2)))") == parse_expr("f(θ5, f(θ3, x1), f(θ4, x2))")
    True
    """
    source = checked_source(text, max_length, ALLOWED)
    context = Context(source, _function_table(functions), max_exponent, is_minmax=_is_minmax,
                      is_neuron=lambda builder: builder is neuron)
    ungroup_neuron_inputs(context.tree, context)
    check_tree(context.tree, context, max_nodes, max_depth)
    try:
        result = _build(context.tree.body, context)
    except RecursionError:
        raise ParseError("expression is nested too deeply to build", source, None) from None
    if _exact_bits(result) > MAX_EXACT_BITS:
        raise ParseError("an exact number in the result is too large", source, None,
                         f"exact numbers have at most {MAX_EXACT_BITS} bits; use floats like 1e40")
    return result


def _function_table(functions):
    """FUNCTIONS, extended or overridden per call (a ChainMap; the global is never mutated)."""
    if not functions:
        return FUNCTIONS
    for name, entry in functions.items():
        if not (isinstance(entry, tuple) and len(entry) == 3 and callable(entry[0])):
            raise TypeError(f"functions[{name!r}] must be (builder, min_args, max_args or None); got {entry!r}")
    return ChainMap(dict(functions), FUNCTIONS)


# ----- building (recursive: the depth is bounded now) ------------------------------------------

def _build(node, ctx):
    """The SymPy object for a checked AST node: real and finite, or a ParseError naming the node."""
    result = _build_node(node, ctx)
    if not isinstance(node, (ast.Constant, ast.Name)):
        problem = _not_real(result)
        if problem:
            text = ctx.raw[node.col_offset:node.end_col_offset].decode("utf-8", "replace")
            raise ctx.error(node.col_offset, f"{shorten(text, 40)} {problem}", REAL_ONLY)
    return result


def _build_node(node, ctx):
    """The SymPy object for a checked AST node, unchecked for realness."""
    if isinstance(node, ast.Constant):
        return sympy.Integer(node.value) if type(node.value) is int else sympy.Float(repr(node.value))
    if isinstance(node, ast.Name):
        return CONSTANTS[node.id] if node.id in CONSTANTS else sympy.Symbol(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, ctx)
        return operand if isinstance(node.op, ast.UAdd) else -operand
    if isinstance(node, ast.Call):
        return _call(node, ctx)
    if isinstance(node.op, ast.Pow):
        return _power(_build(node.left, ctx), _build(node.right, ctx), node, ctx)
    return _run(node, ctx)


def _run(node, ctx):
    """A left-nested run a + b − c … (or a * b / c …), built left to right without recursing down it."""
    links, family = [], FAMILY[type(node.op)]
    while isinstance(node, ast.BinOp) and FAMILY.get(type(node.op)) == family:
        links.append(node)
        node = node.left
    result = _build(node, ctx)
    operands = [(type(link.op), _build(link.right, ctx)) for link in reversed(links)]
    if len(operands) < MAX_PAIRWISE:  # pairwise, exactly as SymPy's operators build it: O(n²) ...
        for op, operand in operands:
            result = _COMBINE[op](result, operand)
    elif family == "sum":  # ... so a long run is one Add or Mul (which may group numbers differently)
        result = sympy.Add(result, *[_COMBINE[op](sympy.S.Zero, b) for op, b in operands])
    else:
        result = sympy.Mul(result, *[_COMBINE[op](sympy.S.One, b) for op, b in operands])
    if result.is_Rational and _bits(result) > MAX_EXACT_BITS:
        raise ctx.error(node.col_offset, "exact number is too large", f"at most {MAX_EXACT_BITS} bits; use floats")
    return result


def _power(base, exponent, node, ctx):
    """base ** exponent, when a numeric exponent is small and an exact result stays small."""
    if exponent.is_number:
        size = _size(exponent)
        if not size <= ctx.max_exponent:
            raise ctx.error(node.right.col_offset, f"exponent of size {size:.3g} is too large",
                            f"a numeric exponent must be at most {ctx.max_exponent} in size")
        exact = _exact_bits(base)
        root = exponent.is_Rational and not exponent.is_Integer
        if exact * max(1, math.ceil(size)) > MAX_EXACT_BITS or (root and exact > MAX_ROOT_BITS):
            raise ctx.error(node.col_offset, "power is too large to compute exactly",
                            f"exact results have at most {MAX_EXACT_BITS} bits; use floats like 10.0**40")
    return sympy.Pow(base, exponent)


def _call(node, ctx):
    """A function applied to built arguments; numeric arguments must be finite float64-sized numbers."""
    name = node.func.id
    builder = ctx.table[name][0]
    args = [_build(arg, ctx) for arg in node.args]
    for arg, arg_node in zip(args, node.args):
        if arg.is_number and not _size(arg) <= FLOAT_MAX:
            raise ctx.error(arg_node.col_offset, f"numeric argument of {name} is too large or not finite",
                            "numeric arguments must be finite and below 1.8e308")
    if _is_minmax(builder) and sum(len(a.args) if isinstance(a, builder) else 1 for a in args) > MAX_MINMAX_ARGS:
        raise ctx.error(node.col_offset, f"{name} has too many arguments once nested calls merge",
                        f"at most {MAX_MINMAX_ARGS} arguments")
    try:
        result = builder(*args)
    except (TypeError, ValueError, ArithmeticError) as err:
        raise ctx.error(node.col_offset, f"cannot apply {name}: {shorten(str(err), 80)}",
                        f"call it like {name}(x)") from None
    if not isinstance(result, sympy.Basic):
        raise TypeError(f"function {name} returned {type(result).__name__}, expected a SymPy object")
    return result


def _not_real(expr):
    """Why ``expr`` is not real and finite in float64 ('is not a real number (it is I)'), or None.

    A number is evaluated (15 digits); an expression with symbols is searched for SymPy's
    infinities, nan and I, and for numbers beyond the float64 range.
    """
    if expr.is_number and not expr.is_Atom:
        try:
            value = complex(sympy.N(expr, 15))
        except (TypeError, ValueError, ArithmeticError, RecursionError, NotImplementedError):
            return f"is the constant {shorten(str(expr), 40)}, which cannot be evaluated to a real number"
        if value.imag != 0:
            return f"is the constant {shorten(str(expr), 40)}, which is not a real number"
        if not abs(value.real) <= FLOAT_MAX:
            return f"is the constant {_about(expr)}, too large for a float64"
        return None
    for atom in sympy.preorder_traversal(expr):
        if atom in _NOT_REAL:
            return f"gives the constant {atom}, which is not a real, finite number"
        if atom.is_Number and not abs(float(atom)) <= FLOAT_MAX:
            return f"gives the constant {_about(atom)}, too large for a float64"
    return None


# ----- small helpers ---------------------------------------------------------------------------

def _size(value) -> float:
    """|value| as a float; inf when larger than a float64, not finite, or not evaluable."""
    try:
        if value.is_Rational:
            return abs(value.p) / value.q
        return abs(complex(sympy.N(value, 15)))
    except (TypeError, ValueError, ArithmeticError, RecursionError, NotImplementedError):
        return math.inf


def _about(number) -> str:
    """A huge number in three digits (1.97e+434), or its text when it cannot be evaluated."""
    try:
        return str(sympy.N(number, 3)).replace("E+", "e+")
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return shorten(str(number), 24)


def _bits(rational) -> int:
    return max(abs(rational.p).bit_length(), rational.q.bit_length())


def _exact_bits(expr) -> int:
    return max((_bits(atom) for atom in expr.atoms(sympy.Rational)), default=0)


def _is_minmax(builder) -> bool:
    return isinstance(builder, type) and issubclass(builder, MinMaxBase)
