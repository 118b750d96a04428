"""symnet's one error base class, and the few specific errors users may want to catch.

Every error message says what was expected, what came, and what to do about it.
"""

from __future__ import annotations


class SymnetError(Exception):
    """Base class of every error symnet raises on purpose."""


class ExpressionTooLarge(SymnetError, ValueError):
    """A symbolic result would be too large to build or print (for example an expanded gradient)."""


class MissingRuleError(SymnetError, NotImplementedError):
    """No derivative rule is known for a SymPy function class."""
