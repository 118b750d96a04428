"""Named Hypothesis strategies for the safe parser: random formula-like text, and valid formulas
paired with the SymPy expression that SymPy's own operators build from the same pieces."""

from __future__ import annotations

import sympy
from hypothesis import strategies as st
from sympy import Integer, Symbol

from symnet.core.activations import relu, sigmoid, softplus
from symnet.core.neuron import f

ALPHABET = "xyθ0123456789+-*/().,_ sincoexpmaf"
NAMES = ("x", "y", "z1", "θ1", "w2_3", "α", "Ω")
THETAS = ("θ1", "θ2", "t3")
# Functions whose value stays about the size of their argument. exp, sinh and cosh only take
# arguments with a name in them (a numeric tower exp(exp(exp(9))) is rejected on purpose), and
# log only arguments that are not zero (log(0) = zoo, and numeric arguments must be finite).
GENTLE = {"sin": sympy.sin, "cos": sympy.cos, "tanh": sympy.tanh, "atan": sympy.atan, "sqrt": sympy.sqrt,
          "Abs": sympy.Abs, "abs": sympy.Abs, "sigmoid": sigmoid, "relu": relu, "softplus": softplus}
GROWING = {"exp": sympy.exp, "sinh": sympy.sinh, "cosh": sympy.cosh}


def expression_text():
    """Random text over the characters formulas are made of: mostly invalid, sometimes valid."""
    return st.text(alphabet=ALPHABET, max_size=60)


def _leaves():
    numbers = st.integers(0, 9).map(lambda n: (str(n), Integer(n)))
    names = st.sampled_from(NAMES).map(lambda name: (name, Symbol(name)))
    return numbers | names


def _symbolic(pair) -> bool:
    return bool(pair[1].free_symbols)


def _real(pair) -> bool:
    """The formula stays real and finite (the parser refuses sqrt(-1), log(-1), x/0 ...)."""
    expr = pair[1]
    if expr.is_number:
        value = complex(sympy.N(expr, 15))
        return value.imag == 0 and abs(value.real) < 1e300
    return not expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.I)


def _extend(children):
    """One more layer: an operator or a call around smaller valid formulas, each real and finite."""
    children = children.filter(_real)
    operator = st.sampled_from(("+", "-", "*"))
    by_name = st.sampled_from(NAMES)
    comparable = children.filter(lambda c: _symbolic(c) or c[1].is_comparable)  # Max(I, 1) is an error
    return st.one_of(
        st.tuples(operator, children, children).map(
            lambda t: (f"({t[1][0]}){t[0]}({t[2][0]})", {"+": t[1][1] + t[2][1], "-": t[1][1] - t[2][1],
                                                         "*": t[1][1] * t[2][1]}[t[0]])),
        st.tuples(children, by_name).map(lambda t: (f"({t[0][0]})/{t[1]}", t[0][1] / Symbol(t[1]))),
        st.tuples(children, st.integers(1, 9)).map(lambda t: (f"({t[0][0]})/{t[1]}", t[0][1] / Integer(t[1]))),
        st.tuples(children.filter(_symbolic), st.integers(0, 3)).map(
            lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** Integer(t[1]))),
        st.tuples(children, by_name).map(lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** Symbol(t[1]))),
        children.map(lambda c: (f"-({c[0]})", -c[1])),
        st.tuples(st.sampled_from(sorted(GENTLE)), children).map(
            lambda t: (f"{t[0]}({t[1][0]})", GENTLE[t[0]](t[1][1]))),
        st.tuples(st.sampled_from(sorted(GROWING)), children.filter(_symbolic)).map(
            lambda t: (f"{t[0]}({t[1][0]})", GROWING[t[0]](t[1][1]))),
        children.filter(lambda c: _symbolic(c) or c[1].is_zero is False).map(
            lambda c: (f"log({c[0]})", sympy.log(c[1]))),
        st.tuples(st.sampled_from(("Max", "Min")), comparable, comparable).map(
            lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})", getattr(sympy, t[0])(t[1][1], t[2][1]))),
        st.tuples(st.sampled_from(THETAS), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: (f"f({t[0]}, {', '.join(a for a, _ in t[1])})", f(Symbol(t[0]), *(e for _, e in t[1])))),
    )


def valid_expressions(max_leaves: int = 8):
    """(source, expected): a random valid formula and the same formula built with SymPy operators.

    Integers and names only, so the comparison is exact; real and finite at every level, as the
    parser requires; at most ``max_leaves`` leaves, so a nest
    of Max or Min never has more arguments than the parser allows.
    """
    return st.recursive(_leaves(), _extend, max_leaves=max_leaves).filter(_real)
