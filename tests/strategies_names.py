"""Named Hypothesis strategies for symbol names that collide with what generated code might use."""

from __future__ import annotations

from hypothesis import strategies as st

from symnet.core.neuron import NAME_PATTERN

# SymPy constants, NumPy and SciPy names, symnet's helpers, Python keywords and builtins, modules
TRICKY_NAMES = ("e", "E", "I", "pi", "nan", "inf", "oo", "exp", "log", "maximum", "minimum", "heaviside",
                "sigmoid", "expit", "logaddexp", "erf", "numpy", "scipy", "functools", "builtins", "range",
                "lambda", "if", "class", "def", "return", "None", "True", "False", "abs", "sum", "float",
                "print", "size", "reduce", "add", "select", "mean", "theta", "θ", "Θ", "λ", "π", "ε")


def symbol_names():
    """A symbol name symnet accepts: mostly tricky ones, sometimes any name matching the pattern."""
    pattern = st.from_regex(NAME_PATTERN, fullmatch=True).filter(lambda n: len(n) <= 12)
    return st.one_of(st.sampled_from(TRICKY_NAMES), pattern)


def distinct_names(count: int):
    """``count`` distinct names, none of them symnet's own (y, L, yhat, delta_…)."""
    own = {"y", "L", "yhat", "y_true", "target"}
    name = symbol_names().filter(lambda n: n not in own and not n.startswith("delta_"))
    return st.lists(name, min_size=count, max_size=count, unique=True)
