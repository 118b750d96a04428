"""The only door for user text: a safe parser from formula strings to SymPy expressions.

``sympify``, SymPy's ``parse_expr`` and ``lambdify`` run Python code, so user text never reaches
them. Here text is read by ``ast.parse(mode="eval")``, which only parses; every node is checked
against a whitelist (numbers, names, + − * / **, calls of known functions) and against bounds on
length, node count, depth, exponents and number sizes; then SymPy objects are built directly, as
SymPy's own operators build them (a − b, a / b, −a), exactly as Python would on SymPy objects.
The small parsers for CLI options (names, ``name=value`` points, number lists) live in
``symnet.io.options`` and are re-exported here.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
import sys
import unicodedata
import warnings
from collections import ChainMap

import sympy
from sympy.functions.elementary.miscellaneous import MinMaxBase

from symnet.core.activations import ACTIVATIONS
from symnet.core.neuron import MAX_NAME_LENGTH, NAME_PATTERN
from symnet.core.neuron import f as neuron
from symnet.errors import SymnetError

ALLOWED = "expected numbers, names like x1 or θ2, + - * / **, parentheses and calls like sin(x)"
NAME_RULE = (f"a name is a letter (Latin or Greek), then letters, digits or single underscores, "
             f"at most {MAX_NAME_LENGTH} characters (e.g. x1, θ2, w3_1)")
MAX_LENGTH = 2000          # characters, for the option parsers (parse_expr takes max_length)
MAX_LITERAL_DIGITS = 30    # integer literals stay below 10**30
MAX_EXACT_BITS = 10_000    # exact numbers stay below ~3000 digits (str() of an int stops at 4300)
MAX_ROOT_BITS = 1024       # x**(p/q) factors x's exact numbers: slow beyond float64-sized ones
MAX_MINMAX_ARGS = 8        # SymPy's Max/Min compare their arguments pairwise, O(n²) ...
MAX_MINMAX_TOTAL = 64      # ... so bound them per call and per expression
MAX_PAIRWISE = 32          # longer runs of + − (or * /) are built in one Add (or Mul)
FLOAT_MAX = sys.float_info.max

# ASCII printable, and the Greek letters NAME_PATTERN allows (U+03A2 is unassigned). Checked before
# ast.parse, which NFKC-normalises identifiers and would turn look-alikes silently into ASCII.
_BAD_CHAR = re.compile(r"[^\x20-\x5b\x5d-\x7e\u0391-\u03a1\u03a3-\u03a9\u03b1-\u03c9]")  # nor a backslash
NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_RESERVED = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {
    "exit", "quit", "help", "copyright", "credits", "license"}

FUNCTIONS = {
    **{name: (getattr(sympy, name), 1, 1) for name in (
        "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "asin", "acos", "atan")},
    **{a.name: (a.function, 1, 1) for a in ACTIVATIONS.values() if a.function is not None},  # sigmoid, relu, …
    "erf": (sympy.erf, 1, 1),
    "Heaviside": (sympy.Heaviside, 1, 1), "sign": (sympy.sign, 1, 1),   # in the rule table: formulas print them
    "Abs": (sympy.Abs, 1, 1), "abs": (sympy.Abs, 1, 1),
    "Max": (sympy.Max, 2, MAX_MINMAX_ARGS), "Min": (sympy.Min, 2, MAX_MINMAX_ARGS),
    "f": (neuron, 2, None),
}
CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
# SymPy's spellings of non-real or non-finite constants: a user writing them means the constant,
# which symnet cannot compute with, so they are refused as names too.
NOT_REAL_NAMES = {"I": "the imaginary unit", "oo": "infinity", "zoo": "complex infinity", "nan": "not-a-number"}
REAL_ONLY = "symnet computes with real, finite numbers (below 1.8e308 in size)"
_NOT_REAL = (sympy.S.ComplexInfinity, sympy.S.Infinity, sympy.S.NegativeInfinity, sympy.S.NaN, sympy.S.ImaginaryUnit)

_FAMILY = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}
_COMBINE = {
    ast.Add: lambda a, b: sympy.Add(a, b),
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: sympy.Mul(a, b),
    ast.Div: lambda a, b: a / b,
}
_OPERATORS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
              ast.BitOr: "|", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~"}
_UNEXPECTED = {
    ast.Attribute: "attribute access (x.name)", ast.Subscript: "indexing (x[i])", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension", ast.Compare: "comparison", ast.BoolOp: "and/or",
    ast.IfExp: "conditional (x if c else y)", ast.JoinedStr: "f-string", ast.Starred: "*args",
    ast.NamedExpr: "assignment (:=)", ast.Tuple: "tuple (a comma outside a call)", ast.List: "list",
    ast.Set: "set", ast.Dict: "dict", str: "string literal", bytes: "bytes literal", bool: "True/False",
    complex: "complex number (1j)", type(None): "None", type(...): "...",
}


class ParseError(SymnetError, ValueError):
    """User text symnet will not read: what came (``reason``), where (``column``, 0-based) and what is allowed.

    >>> try:
    ...     parse_expr("x ^ 2")
    ... except ParseError as err:
    ...     print(err); print(err.pointer())
    '^' is not a power at column 2: use ** for powers, e.g. x**2
      x ^ 2
        ^
    """

    def __init__(self, reason: str, text: str | None = None, column: int | None = None, allowed: str = ALLOWED):
        self.reason, self.text, self.column, self.allowed = reason, text, column, allowed
        where = "" if column is None else f" at column {column}"
        message = f"{reason}{where}: {allowed}" if allowed else reason + where
        super().__init__("".join(c if c.isprintable() else "?" for c in message))

    def __reduce__(self):
        return type(self), (self.reason, self.text, self.column, self.allowed)

    def pointer(self) -> str:
        """The source and a caret under the column, two lines (a window of a long source); '' if no column."""
        if self.text is None or self.column is None:
            return ""
        shown = _BAD_CHAR.sub(lambda m: "\\" if m.group() == "\\" else "?", self.text)
        caret = self.column
        if len(shown) > 76:
            start = max(0, min(self.column - 38, len(shown) - 76))
            head, tail = ("..." if start else ""), ("..." if start + 76 < len(shown) else "")
            shown, caret = head + shown[start:start + 76] + tail, self.column - start + len(head)
        return f"  {shown}\n  {' ' * caret}^"


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
    """
    source = checked_source(text, max_length, ALLOWED)
    context = _Context(source, _function_table(functions), max_exponent)
    _ungroup_neuron_inputs(context.tree, context.table)
    _check_tree(context.tree, context, max_nodes, max_depth)
    try:
        result = _build(context.tree.body, context)
    except RecursionError:
        raise ParseError("expression is nested too deeply to build", source, None) from None
    if _exact_bits(result) > MAX_EXACT_BITS:
        raise ParseError("an exact number in the result is too large", source, None,
                         f"exact numbers have at most {MAX_EXACT_BITS} bits; use floats like 1e40")
    return result


# ----- reading the text ----------------------------------------------------------------------

def checked_source(text, max_length, allowed) -> str:
    """Check type, length (first, on the raw input), encoding, emptiness and characters."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"expected text (str or bytes), got {type(text).__name__}")
    if len(text) > max_length:
        unit = "characters" if isinstance(text, str) else "bytes"
        shown = text if isinstance(text, str) else bytes(text).decode("utf-8", "replace")
        raise ParseError(f"input is {len(text)} {unit} long", shown, max_length, f"at most {max_length} are allowed")
    if not isinstance(text, str):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as err:
            column = len(bytes(text)[:err.start].decode("utf-8"))
            raise ParseError("input is not valid UTF-8", bytes(text).decode("utf-8", "replace"), column,
                             "expected UTF-8 text") from None
    if not text.strip():
        raise ParseError("input is empty", text, None, allowed)
    if "#" in text:     # ast.parse would drop a comment, and the raw text could travel on as a name
        raise ParseError("'#' starts a comment, which a formula cannot hold", text, text.index("#"),
                         "write the formula alone, e.g. (y - yhat)**2")
    bad = _BAD_CHAR.search(text)
    if bad and bad.group() == "\\":
        raise ParseError("unexpected backslash", text, bad.start(), "write plain formulas like sin(x), not LaTeX")
    if bad:
        char = bad.group()
        name = unicodedata.name(char, "a control or unassigned character")
        raise ParseError(f"character U+{ord(char):04X} ({name}) is not allowed", text, bad.start(),
                         "use ASCII letters, digits and + - * / ( ) , or Greek letters α-ω Α-Ω")
    return text


class _Context:
    """The parse of one source: its AST, byte-to-column mapping, function table and bounds."""

    def __init__(self, source, table, max_exponent):
        self.source, self.table, self.max_exponent = source, table, max_exponent
        body = source.lstrip(" ")  # eval mode rejects leading spaces as an indent
        self.lead, self.raw = len(source) - len(body), body.encode("utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.tree = ast.parse(body, mode="eval")
        except SyntaxError as err:
            column = self.lead + err.offset - 1 if err.offset else len(source)
            raise ParseError(f"syntax error: {err.msg}", source, column) from None
        except (RecursionError, MemoryError, ValueError, OverflowError) as err:
            raise ParseError(f"expression is too complex to read ({type(err).__name__})", source, None) from None

    def error(self, offset, reason, allowed=ALLOWED) -> ParseError:
        """A ParseError at an AST byte offset (ast counts UTF-8 bytes; users count characters)."""
        return ParseError(reason, self.source, self.lead + len(self.raw[:offset].decode("utf-8", "ignore")), allowed)


def _function_table(functions):
    """FUNCTIONS, extended or overridden per call (a ChainMap; the global is never mutated)."""
    if not functions:
        return FUNCTIONS
    for name, entry in functions.items():
        if not (isinstance(entry, tuple) and len(entry) == 3 and callable(entry[0])):
            raise TypeError(f"functions[{name!r}] must be (builder, min_args, max_args or None); got {entry!r}")
    return ChainMap(dict(functions), FUNCTIONS)


# ----- checking the tree (iterative: the tree may be deep before its depth is known) -----------

def _ungroup_neuron_inputs(tree, table) -> None:
    """Flatten a neuron's inputs grouped in parentheses, as the article writes them, in place:
    f(θ5, (u1, u2)) is f(θ5, u1, u2). Only a neuron's inputs (not its θ); a tuple anywhere else
    stays and is refused by the whitelist.

    >>> parse_expr("f(θ5, (f(θ3, x1), f(θ4, x2)))") == parse_expr("f(θ5, f(θ3, x1), f(θ4, x2))")
    True
    """
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args
                and table.get(node.func.id, (None,))[0] is neuron):
            node.args[1:] = [item for arg in node.args[1:]
                             for item in (arg.elts if isinstance(arg, ast.Tuple) else (arg,))]


def _check_tree(tree, ctx, max_nodes, max_depth):
    """Count nodes, bound depth and Max/Min sizes, and raise the leftmost whitelist problem."""
    problems, stack, count, minmax = [], [(tree.body, 1)], 0, 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise ParseError(f"expression has more than {max_nodes} parts", ctx.source, None,
                             f"at most {max_nodes} numbers, names and operations are allowed")
        if depth > max_depth:
            raise ctx.error(node.col_offset, f"expression is nested more than {max_depth} levels deep",
                            "use fewer nested parentheses and calls")
        problem = _problem(node, ctx)
        if problem:
            problems.append(problem)
            continue
        if isinstance(node, ast.Call) and _is_minmax(ctx.table[node.func.id][0]):
            minmax += len(node.args)
        children = [node.left, node.right] if isinstance(node, ast.BinOp) else (
            [node.operand] if isinstance(node, ast.UnaryOp) else getattr(node, "args", []))
        stack += [(child, depth + (not _same_run(node, child))) for child in children]
    if problems:
        raise ctx.error(*min(problems, key=lambda p: p[0]))
    if minmax > MAX_MINMAX_TOTAL:
        raise ParseError(f"Max and Min have {minmax} arguments in all", ctx.source, None,
                         f"at most {MAX_MINMAX_TOTAL}; write relu(z) instead of Max(0, z)")


def _same_run(parent, child) -> bool:
    """True for the left operand of a + − (or * /) run: a run counts as one level of depth."""
    return (isinstance(child, ast.BinOp) and child is getattr(parent, "left", None)
            and _FAMILY.get(type(child.op)) == _FAMILY.get(type(parent.op)) is not None)


def _problem(node, ctx):
    """(byte offset, reason, allowed) when a node is not allowed, else None."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in _COMBINE or isinstance(node.op, ast.Pow):
            return None
        gap = ctx.raw[node.left.end_col_offset:node.right.col_offset]
        offset = node.left.end_col_offset + len(gap) - len(gap.lstrip(b" )"))
        if isinstance(node.op, ast.BitXor):
            return offset, "'^' is not a power", "use ** for powers, e.g. x**2"
        return offset, f"operator '{_OPERATORS[type(node.op)]}' is not allowed", "allowed operators are + - * / **"
    if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
        return node.col_offset, f"operator '{_OPERATORS[type(node.op)]}' is not allowed", "use - or + before a term"
    if isinstance(node, ast.Constant):
        return _constant_problem(node)
    if isinstance(node, ast.Name):
        problem = name_problem(node.id, ctx.table, constants_ok=True)
        return problem and (node.col_offset, *problem)
    if isinstance(node, ast.Call):
        return _call_problem(node, ctx.table)
    if isinstance(node, ast.UnaryOp):
        return None
    return node.col_offset, f"unexpected {_UNEXPECTED.get(type(node), type(node).__name__)}", ALLOWED


def _constant_problem(node):
    """Only int and float literals, finite, integers below 10**MAX_LITERAL_DIGITS."""
    value = node.value
    if type(value) is int and abs(value) >= 10 ** MAX_LITERAL_DIGITS:
        return node.col_offset, f"integer literal has more than {MAX_LITERAL_DIGITS} digits", "write 1e40, or 10**40"
    if type(value) is float and not math.isfinite(value):
        return node.col_offset, "number literal overflows a float64", "numbers must be below 1.8e308"
    if type(value) in (int, float):
        return None
    return node.col_offset, f"unexpected {_UNEXPECTED.get(type(value), type(value).__name__)}", \
        "numbers are integers or decimals like 2, 0.5, 1e-3"


def name_problem(name, table, constants_ok):
    """(reason, allowed) when ``name`` may not be a symbol name, else None."""
    if name in table:
        return f"{name} is a function", f"call it as {name}(x)"
    if name in CONSTANTS:
        return None if constants_ok else (f"{name} is a constant", "choose another name, like x1")
    if name in NOT_REAL_NAMES:
        return f"{name} means {NOT_REAL_NAMES[name]} in SymPy", f"{REAL_ONLY}; choose another name, like x1"
    if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.fullmatch(name) or name.startswith("__"):
        return f"invalid name {shorten(name)}", NAME_RULE
    if keyword.iskeyword(name) or name in _RESERVED:
        return f"{name} is a Python keyword or built-in name", "choose another name, like x1"
    return None


def _call_problem(node, table):
    """Calls: a known function by bare name, plain arguments, the right number of them."""
    known = "known functions: " + ", ".join(sorted(table))
    if not isinstance(node.func, ast.Name):
        return node.func.col_offset, "only functions called by name are allowed", known
    name = node.func.id
    if name not in table:
        return node.func.col_offset, f"unknown function {shorten(name)}", known
    if node.keywords:
        return node.keywords[0].col_offset, "keyword arguments are not allowed", f"call it as {name}(x)"
    builder, low, high = table[name]
    if len(node.args) < low or (high is not None and len(node.args) > high):
        count = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
        return node.col_offset, f"{name} takes {count} argument(s), got {len(node.args)}", f"call it like {name}(x)"
    first = node.args[0] if node.args else node
    if builder is neuron and not (isinstance(first, ast.Name) and first.id not in CONSTANTS):
        return first.col_offset, "a neuron's first argument must be a parameter name", "write f(θ1, x1, ...)"
    return None


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
    links, family = [], _FAMILY[type(node.op)]
    while isinstance(node, ast.BinOp) and _FAMILY.get(type(node.op)) == family:
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


def shorten(text, limit=32) -> str:
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")


