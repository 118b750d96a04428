"""The straight-line Program: ordering, closed form, tree size, the DAG walk, errors; and from_expr as a function."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from sympy import Float, cos, exp, sin, symbols, tanh

from symnet import from_expr
from symnet.core.program import Program, postorder
from symnet.errors import ExpressionTooLarge
from symnet.numeric.codegen import compile_network
from symnet.numeric.gradcheck import ATOL, RTOL
from symnet.numeric.reverse import is_close
from tests.strategies import expressions_over_symbols, symbol_values

x, w, b, t1, t2, t3 = symbols("x w b t1 t2 t3")
PROGRAM = Program(inputs=(x,), params=(w, b), assignments=((t1, w * x), (t2, b + t1), (t3, tanh(t2))), outputs=(t3,))


def chain(k: int) -> Program:
    """s_j = sin(s_{j-1})·cos(s_{j-1}) for j = 1…k after s0 = w·x: k steps, a tree of 2^(k+2) − 3 operations."""
    s = symbols(f"s0:{k + 1}")
    steps = ((s[0], w * x),) + tuple((s[j], sin(s[j - 1]) * cos(s[j - 1])) for j in range(1, k + 1))
    return Program((x,), (w,), steps, (s[k],))


def tree_ops(expr) -> int:
    """Operations in ``expr`` read as a tree (a shared sub-expression counted each time it occurs)."""
    if expr.is_Atom:
        return 0
    return max(len(expr.args) - 1, 1) + sum(tree_ops(a) for a in expr.args)


def test_order_is_inputs_then_params_then_steps():
    assert PROGRAM.order() == {x: 0, w: 1, b: 2, t1: 3, t2: 4, t3: 5}
    assert PROGRAM.symbols == (t1, t2, t3)
    assert PROGRAM.rhs(t2) == b + t1


def test_every_step_uses_only_what_comes_before_it():
    order = PROGRAM.order()
    for lhs, rhs in PROGRAM.assignments:
        assert all(order[s] < order[lhs] for s in rhs.free_symbols)


def test_closed_form_substitutes_every_step():
    assert PROGRAM.closed_form() == (tanh(b + w * x),)
    assert PROGRAM.closed_form([t2, t1 * t3]) == (b + w * x, w * x * tanh(b + w * x))
    assert PROGRAM.substitutions()[t3] == tanh(b + w * x)


def test_tree_size_counts_the_expanded_tree_without_building_it():
    for k in (1, 2, 4, 6):
        program = chain(k)
        closed = program.closed_form()[0]
        assert program.tree_size(program.outputs[0]) == tree_ops(closed) == 2 ** (k + 2) - 3
    deep = chain(40)                          # 2^42 operations: counted, never built
    assert deep.tree_size(deep.outputs[0]) == 2 ** 42 - 3
    assert deep.count_ops() < 200


def test_expand_refuses_a_formula_beyond_the_size_guard():
    deep = chain(12)
    with pytest.raises(ExpressionTooLarge, match=r"about 16381 operations \(limit 5000\)"):
        deep.expand(deep.outputs[0])
    small = chain(3)
    assert small.expand(small.outputs[0], max_ops=29) == small.closed_form()[0]


def test_postorder_visits_a_shared_node_once_children_first():
    shared = sin(w * x)
    expr = exp(shared) + shared * cos(shared) + w * x
    order = postorder(expr)
    assert len(order) == len(set(order))                          # every node once
    assert order.count(shared) == 1 and order.count(w * x) == 1
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[a] < position[node] for a in node.args)   # children before parents
    assert order[-1] == expr
    assert set(order) == set(_all_nodes(expr))


def _all_nodes(expr):
    yield expr
    for a in expr.args:
        yield from _all_nodes(a)


def test_rhs_of_an_unassigned_symbol_says_what_is_assigned():
    with pytest.raises(KeyError, match="w is not assigned in this program; it assigns t1, t2, t3"):
        PROGRAM.rhs(w)


def test_a_program_is_frozen_and_prints_its_steps():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROGRAM.outputs = (t2,)
    assert str(PROGRAM) == "t1 = w*x\nt2 = b + t1\nt3 = tanh(t2)\nout = t3"
    several = Program((x,), (w,), ((t1, w * x),), (t1, 2 * t1))
    assert str(several).splitlines()[1:] == ["out1 = t1", "out2 = 2*t1"]
    assert PROGRAM.count_ops() == 3


# ---- from_expr computes the same function as the expression ---------------------------------------

@given(expr=expressions_over_symbols(), values=symbol_values())
@settings(max_examples=60)
def test_from_expr_computes_the_same_function_as_the_expression(expr, values):
    inputs = sorted(expr.free_symbols, key=str)[:1]
    net = from_expr(expr, inputs=inputs)
    point = {s: Float(v) for s, v in values.items() if s in expr.free_symbols}
    expected = float(expr.xreplace(point).evalf())
    # the program, run step by step as a straight line
    env = dict(point)
    for lhs, rhs in net.program.assignments:
        env[lhs] = rhs.xreplace(env).evalf()
    stepped = float(net.output.xreplace(env).evalf())
    # and the NumPy code generated from it
    theta = np.array([values[p] for p in net.params])
    compiled = float(compile_network(net)(theta, np.array([[values[s] for s in inputs]]))[0])
    for got in (stepped, compiled):
        assert is_close(got, expected, abs(expected), RTOL, ATOL), (expr, got, expected)
