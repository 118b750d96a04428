"""The safe parser's first pass: user formula text read by ``ast`` and checked against the whitelist.

No SymPy here, only the standard library: a command refuses a bad formula (``x[0]``, ``x ^ 2``,
``__import__``) in milliseconds, before any heavy import. The text is read by
``ast.parse(mode="eval")``, which only parses; every node is checked against a whitelist (numbers,
names, + − * / **, calls of known functions with the right number of arguments) and against bounds
on length, node count, depth and literal sizes. ``symnet.io.parsing.parse_expr`` runs this same
pass, then builds the SymPy objects (and checks what needs them: exponents, exact sizes, realness).
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
import unicodedata
import warnings

from symnet.core.namepattern import MAX_NAME_LENGTH, NAME_PATTERN
from symnet.errors import SymnetError

ALLOWED = "expected numbers, names like x1 or θ2, + - * / **, parentheses and calls like sin(x)"
NAME_RULE = (f"a name is a letter (Latin or Greek), then letters, digits or single underscores, "
             f"at most {MAX_NAME_LENGTH} characters (e.g. x1, θ2, w3_1)")
MAX_LENGTH = 2000          # characters, for the option parsers (parse_expr takes max_length)
MAX_LITERAL_DIGITS = 30    # integer literals stay below 10**30
MAX_MINMAX_ARGS = 8        # SymPy's Max/Min compare their arguments pairwise, O(n²) ...
MAX_MINMAX_TOTAL = 64      # ... so bound them per call and per expression

# ASCII printable, and the Greek letters NAME_PATTERN allows (U+03A2 is unassigned). Checked before
# ast.parse, which NFKC-normalises identifiers and would turn look-alikes silently into ASCII.
_BAD_CHAR = re.compile(r"[^\x20-\x5b\x5d-\x7e\u0391-\u03a1\u03a3-\u03a9\u03b1-\u03c9]")  # nor a backslash
NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_RESERVED = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {
    "exit", "quit", "help", "copyright", "credits", "license"}

# The functions a formula may call, with their argument counts (least, most or None): the one table, which
# symnet.io.parsing.FUNCTIONS extends with each one's SymPy builder; tests/test_startup.py checks that every
# activation with a SymPy class is in it.
FUNCTION_ARITY = {
    **{name: (1, 1) for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "asin",
                                 "acos", "atan", "sigmoid", "relu", "softplus", "erf", "Abs", "abs",
                                 "Heaviside", "sign")},
    "Max": (2, MAX_MINMAX_ARGS), "Min": (2, MAX_MINMAX_ARGS),
    "f": (2, None),
}
MINMAX_NAMES, NEURON_NAME = ("Max", "Min"), "f"
CONSTANT_NAMES = ("pi", "E")
# SymPy's spellings of non-real or non-finite constants: a user writing them means the constant,
# which symnet cannot compute with, so they are refused as names too.
NOT_REAL_NAMES = {"I": "the imaginary unit", "oo": "infinity", "zoo": "complex infinity", "nan": "not-a-number"}
REAL_ONLY = "symnet computes with real, finite numbers (below 1.8e308 in size)"

FAMILY = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}
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
    ...     check_formula("x ^ 2")
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


def check_formula(text, *, max_length=2000, max_nodes=1000, max_depth=40) -> None:
    """Raise the ``ParseError`` that ``parse_expr`` would raise while reading and checking ``text``; no SymPy.

    Passing is not accepting: ``parse_expr`` still refuses what only the built expression shows
    (a huge exponent, ``log(-1)``); this pass refuses early what the text alone shows.

    Args:
        text: the formula, ``str`` or UTF-8 ``bytes``.
        max_length, max_nodes, max_depth: the bounds of ``parse_expr`` (same defaults).

    >>> check_formula("tanh(w*x + b)")
    >>> check_formula("x[0]")
    Traceback (most recent call last):
    ...
    symnet.io.syntax.ParseError: unexpected indexing (x[i]) at column 0: expected numbers, names like x1 or θ2, + - * / **, parentheses and calls like sin(x)
    """
    source = checked_source(text, max_length, ALLOWED)
    table = {name: (name, low, high) for name, (low, high) in FUNCTION_ARITY.items()}
    context = Context(source, table, is_minmax=lambda builder: builder in MINMAX_NAMES,
                      is_neuron=lambda builder: builder == NEURON_NAME)
    ungroup_neuron_inputs(context.tree, context)
    check_tree(context.tree, context, max_nodes, max_depth)


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


class Context:
    """The parse of one source: its AST, byte-to-column mapping, function table and bounds.

    ``table`` maps a function name to ``(builder, min_args, max_args or None)``; ``is_minmax`` and
    ``is_neuron`` tell which builders are Max/Min (bounded in arguments) and the neuron f.
    """

    def __init__(self, source, table, max_exponent=64, *, is_minmax, is_neuron):
        self.source, self.table, self.max_exponent = source, table, max_exponent
        self.is_minmax, self.is_neuron = is_minmax, is_neuron
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


# ----- checking the tree (iterative: the tree may be deep before its depth is known) -----------

def ungroup_neuron_inputs(tree, ctx) -> None:
    """Flatten a neuron's inputs grouped in parentheses, as the article writes them, in place:
    f(θ5, (u1, u2)) is f(θ5, u1, u2). Only a neuron's inputs (not its θ); a tuple anywhere else
    stays and is refused by the whitelist.

    >>> check_formula("f(θ5, (f(θ3, x1), f(θ4, x2)))")
    >>> check_formula("(x1, x2)")
    Traceback (most recent call last):
    ...
    symnet.io.syntax.ParseError: unexpected tuple (a comma outside a call) at column 0: expected numbers, names like x1 or θ2, + - * / **, parentheses and calls like sin(x)
    """
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args
                and node.func.id in ctx.table and ctx.is_neuron(ctx.table[node.func.id][0])):
            node.args[1:] = [item for arg in node.args[1:]
                             for item in (arg.elts if isinstance(arg, ast.Tuple) else (arg,))]


def check_tree(tree, ctx, max_nodes, max_depth):
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
        if isinstance(node, ast.Call) and ctx.is_minmax(ctx.table[node.func.id][0]):
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
            and FAMILY.get(type(child.op)) == FAMILY.get(type(parent.op)) is not None)


def _problem(node, ctx):
    """(byte offset, reason, allowed) when a node is not allowed, else None."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in FAMILY or isinstance(node.op, ast.Pow):
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
        return _call_problem(node, ctx)
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
    if name in CONSTANT_NAMES:
        return None if constants_ok else (f"{name} is a constant", "choose another name, like x1")
    if name in NOT_REAL_NAMES:
        return f"{name} means {NOT_REAL_NAMES[name]} in SymPy", f"{REAL_ONLY}; choose another name, like x1"
    if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.fullmatch(name) or name.startswith("__"):
        return f"invalid name {shorten(name)}", NAME_RULE
    if keyword.iskeyword(name) or name in _RESERVED:
        return f"{name} is a Python keyword or built-in name", "choose another name, like x1"
    return None


def _call_problem(node, ctx):
    """Calls: a known function by bare name, plain arguments, the right number of them."""
    table = ctx.table
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
    if ctx.is_neuron(builder) and not (isinstance(first, ast.Name) and first.id not in CONSTANT_NAMES):
        return first.col_offset, "a neuron's first argument must be a parameter name", "write f(θ1, x1, ...)"
    return None


def shorten(text, limit=32) -> str:
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")
