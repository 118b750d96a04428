"""JavaScript from programs (symnet.numeric.jscode): generated identifiers, stable activations, clear errors.

Running the code is tested in a real browser (tests/test_tour_live.py); these tests read the source.
"""

from __future__ import annotations

import re

import pytest
from sympy import Function, Symbol, exp, symbols

from symnet.core.activations import sigmoid
from symnet.core.backprop import grad
from symnet.core.losses import squared_error
from symnet.core.network import seed_network
from symnet.core.program import Program
from symnet.numeric.jscode import JS_PRELUDE, expression_to_javascript, to_javascript


def test_every_symbol_gets_a_generated_identifier():
    e, Math, ret, z = symbols("e Math return z")
    program = Program((e, Math), (ret,), ((z, ret * e + Math),), (sigmoid(z) + exp(e),))
    code = to_javascript(program, (e, Math, ret), "f")
    body = re.sub(r"//.*", "", code)                       # the comments name the symbols; the code must not
    assert re.findall(r"\b(e|return|z)\b(?!\()", body.replace("return [", "[")) == []
    assert "Math.exp(v0)" in body and "sn_sigmoid(v3)" in body and "function f(v0, v1, v2)" in body
    assert not re.search(r"\bMath\b(?!\.)", body)          # the symbol Math became v1; only Math.* remains


def test_gradient_program_has_one_line_per_assignment_and_every_output():
    program = grad(squared_error(seed_network())).program
    code = to_javascript(program, program.inputs + program.params, "loss_and_gradient")
    assert code.count("  const ") == len(program.assignments)
    returned = re.search(r"return \[(.*)\];", code).group(1).split(", ")
    assert len(returned) == len(program.outputs) == 12


def test_stable_sigmoid_has_no_overflowing_branch():
    assert "if (z >= 0) { return 1 / (1 + Math.exp(-z)); }" in JS_PRELUDE
    assert "const e = Math.exp(z);" in JS_PRELUDE          # only reached for z < 0: e ≤ 1


def test_rationals_keep_their_meaning():
    x, y = Symbol("x"), Symbol("y")
    assert expression_to_javascript(x / 3 + 1, [x], "g") == "function g(v0) {\n  return (1/3)*v0 + 1;\n}"
    assert "return (3/2)*v0/v1;" in expression_to_javascript(x / (2 * y / 3), [x, y], "g")


def test_errors_say_what_is_wrong():
    x, y, z = symbols("x y z")
    with pytest.raises(ValueError, match="neither an argument nor assigned"):
        to_javascript(Program((x,), (), ((z, x * y),), (z,)), (x,), "f")
    with pytest.raises(NotImplementedError, match="no JavaScript form for mystery"):
        to_javascript(Program((x,), (), (), (Function("mystery")(x),)), (x,), "f")
    with pytest.raises(ValueError, match="identifier"):
        to_javascript(Program((x,), (), (), (x,)), (x,), "not a name")
    with pytest.raises(ValueError, match="each symbol once"):
        to_javascript(Program((x,), (), ((x, x + 1),), (x,)), (x,), "f")
