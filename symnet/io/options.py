"""The small parsers for command-line options: names, ``name=value`` points and number lists.

They read user text as strictly as ``parsing.parse_expr`` (same character whitelist, same name
rule, same ``ParseError`` with a caret) and never evaluate anything.
"""

from __future__ import annotations

import math

import sympy

from symnet.io.parsing import (
    FUNCTIONS,
    MAX_LENGTH,
    NAME_RULE,
    NUMBER,
    ParseError,
    checked_source,
    name_problem,
    shorten,
)


def parse_name(text, what="name") -> sympy.Symbol:
    """Read one symbol name (like ``x1``, ``θ2`` or ``w3_1``), validated as expressions validate names.

    Args:
        text: the name, ``str`` or UTF-8 ``bytes``; spaces around it are ignored.
        what: what the name is, for the error message.

    Returns:
        ``sympy.Symbol(name)``, with no assumptions.

    >>> parse_name(" θ1 ")
    θ1
    """
    source = checked_source(text, MAX_LENGTH, NAME_RULE)
    item = source.strip(" ")
    return _checked_name(item, source, len(source) - len(source.lstrip(" ")), what)


def parse_names(text, what="names") -> tuple:
    """Read comma-separated names, as in ``--inputs x1,x2``: no empty items, no duplicates.

    Args:
        text: the list, ``str`` or UTF-8 ``bytes``.
        what: what the names are, for the error message.

    Returns:
        A tuple of ``sympy.Symbol`` in the order given.

    >>> parse_names("x1, x2")
    (x1, x2)
    """
    source = checked_source(text, MAX_LENGTH, "expected comma-separated names like x1,x2")
    names = []
    for column, item in _items(source, what, "expected comma-separated names like x1,x2"):
        name = _checked_name(item, source, column, what)
        if name in names:
            raise ParseError(f"duplicate name {item} in {what}", source, column, "each name may appear once")
        names.append(name)
    return tuple(names)


def parse_assignments(text) -> dict:
    """Read a point as ``name=number`` pairs, as in ``--at "w1_1=0.5, b1=-1"``: finite numbers only.

    Args:
        text: the pairs, ``str`` or UTF-8 ``bytes``.

    Returns:
        A dict ``Symbol -> float`` in the order given.

    >>> parse_assignments("w1_1=0.5, b1=-1e-3")
    {w1_1: 0.5, b1: -0.001}
    """
    allowed = "expected comma-separated name=number pairs like w1_1=0.5, b1=-1"
    source = checked_source(text, MAX_LENGTH, allowed)
    values = {}
    for column, item in _items(source, "assignments", allowed):
        name_text, equals, value_text = item.partition("=")
        if not equals:
            raise ParseError(f"expected name=value, got {shorten(item)}", source, column, allowed)
        name = _checked_name(name_text.rstrip(" "), source, column, "name")
        if name in values:
            raise ParseError(f"duplicate name {name} in assignments", source, column, "give each name once")
        value_column = column + len(name_text) + 1 + len(value_text) - len(value_text.lstrip(" "))
        values[name] = _number(value_text.strip(" "), source, value_column, f"value of {name}")
    return values


def parse_numbers(text, what="numbers") -> tuple:
    """Read comma-separated finite numbers, as in ``--x 0.1,0.5,1.1``.

    Args:
        text: the list, ``str`` or UTF-8 ``bytes``.
        what: what the numbers are, for the error message.

    Returns:
        A tuple of floats.

    >>> parse_numbers("-0.3, 0.7, 1e-3")
    (-0.3, 0.7, 0.001)
    """
    allowed = "expected comma-separated numbers like 0.1,0.5,-1e-3"
    source = checked_source(text, MAX_LENGTH, allowed)
    return tuple(_number(item, source, column, what) for column, item in _items(source, what, allowed))


def _items(source, what, allowed):
    """(column, item) for each comma-separated item, spaces stripped; an empty item is an error."""
    start = 0
    for piece in source.split(","):
        column, item = start + len(piece) - len(piece.lstrip(" ")), piece.strip(" ")
        if not item:
            raise ParseError(f"empty item in {what}", source, column, allowed)
        yield column, item
        start += len(piece) + 1


def _checked_name(item, source, column, what) -> sympy.Symbol:
    problem = name_problem(item, FUNCTIONS, constants_ok=False)
    if problem:
        raise ParseError(f"{what}: {problem[0]}", source, column, problem[1])
    return sympy.Symbol(item)


def parse_number(text: str) -> float:
    """The float that ``text``, a plain decimal number (12, -0.5, 3e-4), stands for; it must be finite.

    The one number check of symnet's option and data readers; each caller words its own message.

    Raises:
        ValueError: ``text`` is not such a number (``nan``, ``inf``, ``0x10``, ``1_000`` are not).
        OverflowError: it is one, but too large for a float64 (``1e999``).

    >>> parse_number("-3e-4")
    -0.0003
    """
    if not NUMBER.fullmatch(text):
        raise ValueError(f"{shorten(text)} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise OverflowError(f"{shorten(text)} is too large for a float64")
    return value


def _number(item, source, column, what) -> float:
    try:
        return parse_number(item)
    except OverflowError:
        raise ParseError(f"{what}: {shorten(item)} is not finite", source, column,
                         "numbers must be below 1.8e308") from None
    except ValueError:
        raise ParseError(f"{what}: {shorten(item)} is not a number", source, column,
                         "expected a number like 0.5, -1 or 1e-3") from None
