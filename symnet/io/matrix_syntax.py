"""The matrix language's first pass: text to a small syntax tree, with the standard library alone.

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '@' | '/' | '.*' | './') unary)*      * and @: matrix product
    unary   := ('-' | '+') unary | power
    power   := postfix (('^' | '.^') unary)?                        ^ of numbers, .^ entrywise
    postfix := atom ("'" | '.T')*                                   transpose
    atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'

The text is tokenised by one regular expression and read by recursive descent: nothing is evaluated,
Python's ``eval``, SymPy's ``sympify`` and ``parse_expr`` never see it. Names follow symnet's one name
rule (``core.namepattern``); length, node count and depth are bounded. Shapes read ``"X=N x 3, y=N, w=3"``:
a vector is a column, a size is a positive integer or a name. A node is a tuple
``(kind, value, children, column)``; ``symnet.io.matrix_build`` turns it into SymPy matrix expressions.
"""

from __future__ import annotations

import re

from symnet.core.namepattern import NAME_PATTERN
from symnet.io.syntax import ParseError

ALLOWED = ("expected numbers, declared matrices and scalar names, + - * @ / ^ .* ./ .^, transposes X' or X.T, "
           "parentheses and calls like sum(X) or exp(X)")
SHAPES_ALLOWED = "expected NAME=ROWS x COLS or NAME=ROWS (a column), separated by commas, e.g. X=N x 3, y=N, w=3"
MAX_LENGTH, MAX_NODES, MAX_DEPTH = 2000, 1000, 60
MAX_SIZE = 10**7                 # a declared size
_TOKEN = re.compile(r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)|(?P<op>\.\*|\./|\.\^|\.T\b|"
                    r"[-+*@/^'(),])|(?P<name>[A-Za-zα-ωΑ-Ω][A-Za-z0-9_α-ωΑ-Ω]*))")
_SEPARATOR = re.compile(r"\s*(?:×|\*|\s[xX]\s)\s*")
_PRODUCTS = ("*", "@", "/", ".*", "./")


def tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) for each token, then ("end", "", len(text)); ``ParseError`` where no token starts."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text)} characters long (at most {MAX_LENGTH})", None, None, "")
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            start = len(text[pos:]) - len(text[pos:].lstrip()) + pos
            raise ParseError(f"unexpected character {text[start]!r}", text, start, ALLOWED)
        kind = match.lastgroup
        out.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return out + [("end", "", len(text))]


class _Reader:
    """Recursive descent over the tokens, counting nodes and depth."""

    def __init__(self, text: str):
        self.text, self.tokens, self.i, self.nodes, self.depth = text, tokens(text), 0, 0, 0

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, reason, column):
        raise ParseError(reason, self.text, column, ALLOWED)

    def node(self, kind, value, children, column):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError(f"the expression has more than {MAX_NODES} parts", None, None, "")
        return (kind, value, tuple(children), column)

    def expect(self, op):
        kind, value, column = self.take()
        if value != op or kind != "op":
            self.fail(f"expected {op!r} but found {value or 'the end'!r}", column)

    def expr(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_DEPTH} deep", self.text, self.peek()[2], "")
        left = self.binary(self.term, ("+", "-"))
        self.depth -= 1
        return left

    def term(self):
        return self.binary(self.unary, _PRODUCTS)

    def binary(self, operand, ops):
        left = operand()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            _, op, column = self.take()
            left = self.node("binary", op, (left, operand()), column)
        return left

    def unary(self):
        kind, value, column = self.peek()
        if kind == "op" and value in "+-" and value:
            self.take()
            inner = self.unary()
            return inner if value == "+" else self.node("neg", "-", (inner,), column)
        return self.power()

    def power(self):
        base = self.postfix()
        kind, value, column = self.peek()
        if kind == "op" and value in ("^", ".^"):
            self.take()
            return self.node("binary", value, (base, self.unary()), column)
        return base

    def postfix(self):
        node = self.atom()
        while self.peek()[0] == "op" and self.peek()[1] in ("'", ".T"):
            node = self.node("transpose", "T", (node,), self.take()[2])
        return node

    def atom(self):
        kind, value, column = self.take()
        if kind == "number":
            return self.node("number", value, (), column)
        if kind == "name":
            if not NAME_PATTERN.match(value):
                self.fail(f"{value!r} is not a valid name (a letter, then letters, digits or single underscores)",
                          column)
            if self.peek()[1] == "(":
                return self.call(value, column)
            return self.node("name", value, (), column)
        if value == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        self.fail(f"unexpected {value!r}" if value else "the expression ends too early", column)

    def call(self, name, column):
        self.take()
        args = [self.expr()]
        while self.peek()[1] == ",":
            self.take()
            args.append(self.expr())
        self.expect(")")
        return self.node("call", name, args, column)


def parse_tree(text: str):
    """The syntax tree of ``text`` (``ParseError`` with a column for anything outside the language).

    >>> parse_tree("w'*x")[0:2]
    ('binary', '*')
    """
    if not isinstance(text, str) or not text.strip():
        raise ParseError("the expression is empty", None, None, ALLOWED)
    reader = _Reader(text)
    tree = reader.expr()
    kind, value, column = reader.peek()
    if kind != "end":
        reader.fail(f"unexpected {value!r} after a complete expression", column)
    return tree


def parse_shapes(text: str) -> dict[str, tuple[int | str, int | str]]:
    """``"X=N x 3, y=N, w=3"`` → {"X": ("N", 3), "y": ("N", 1), "w": (3, 1)}: sizes as ints or size names.

    >>> parse_shapes("X=N x 3, y=N, w=3")
    {'X': ('N', 3), 'y': ('N', 1), 'w': (3, 1)}
    """
    if not isinstance(text, str) or not text.strip():
        raise ParseError("no shapes given", None, None, SHAPES_ALLOWED)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the shapes are {len(text)} characters long (at most {MAX_LENGTH})", None, None, "")
    shapes: dict = {}
    for part in text.split(","):
        name, eq, dims = part.partition("=")
        name = name.strip()
        if not eq or not NAME_PATTERN.match(name):
            raise ParseError(f"cannot read {part.strip()!r} as a shape", text, None, SHAPES_ALLOWED)
        if name in shapes:
            raise ParseError(f"{name} is declared twice", text, None, SHAPES_ALLOWED)
        sizes = [_size(s, part) for s in _SEPARATOR.split(dims.strip())]
        if len(sizes) > 2:
            raise ParseError(f"{name} has {len(sizes)} sizes; matrices have two", text, None, SHAPES_ALLOWED)
        shapes[name] = (sizes[0], sizes[1] if len(sizes) == 2 else 1)
    return shapes


def _size(text: str, part: str):
    text = text.strip()
    if text.isdigit() and 0 < int(text) <= MAX_SIZE:
        return int(text)
    if NAME_PATTERN.match(text):
        return text
    raise ParseError(f"cannot read the size {text!r} in {part.strip()!r}: a size is a whole number from 1 to "
                     f"{MAX_SIZE} or a name like N", None, None, SHAPES_ALLOWED)
