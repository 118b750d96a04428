"""Each matrix primitive's VJP row (core.matrix_ops, matrix_rules) against central differences, the scalar lowering
differentiated by symnet's rule table, and sympy.diff of the explicit (small) matrices, on random shapes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from sympy import HadamardProduct, MatrixSymbol, Matrix, OneMatrix, diff

from symnet.core.matrix_lowering import lower
from symnet.core.matrix_ops import MATRIX_OP_ROWS, EntrySum, Norm2, SquaredNorm
from symnet.core.matrix_rules import MATRIX_DERIVATIVES, matrix_vjp
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.matrix_check import check_matrix_loss
from tests.strategies import examples
from tests.strategies_matrix import PRIMITIVES, primitive_losses


def test_rows_are_in_the_one_table():
    for cls, row in MATRIX_OP_ROWS.items():
        assert MATRIX_DERIVATIVES[cls] is row


@settings(max_examples=examples(60), deadline=None)
@given(case=primitive_losses())
def test_each_primitive_agrees_four_ways(case):
    text, shapes, seed = case
    report = check_matrix_loss(matrix_loss(text, shapes, wrt="P"), seed=seed)
    assert report.ok, (text, shapes, report.table())
    assert not report.skipped      # small shapes: every column computed, the lowering and sympy.diff included


def test_every_listed_primitive_is_checked_once_at_a_fixed_shape():
    for text, data_shape in PRIMITIVES:
        shapes = "P=2 x 3" + ("" if data_shape is None else ", G=" + data_shape.replace("m", "2").replace("n", "3"))
        assert check_matrix_loss(matrix_loss(text, shapes, wrt="P"), seed=3).ok, text


def test_norm_rows_symbolically_against_sympy_diff():
    """The adjoint of ‖P‖ and ‖P‖² (VJP with δ = 1) is sympy.diff of the explicit formula, entry by entry."""
    P = MatrixSymbol("P", 2, 2)
    for node, ans in ((Norm2(P), None), (SquaredNorm(P), None), (EntrySum(HadamardProduct(P, P)), None)):
        adjoint = matrix_vjp(node, P, 1, ans=node)
        grids = {}
        formula = lower(node, {}, grids)
        explicit = Matrix(2, 2, lambda i, j: diff(formula, grids[P][i, j]))
        assert (lower(adjoint, {}, grids) - explicit).applyfunc(lambda e: e.simplify()) == Matrix.zeros(2, 2), node


def test_a_wrong_row_is_caught():
    """The check fails when a row is wrong: a compiled gradient of 2P for ‖P‖ disagrees with the others."""
    from symnet.numeric.matrix_code import compile_matrix_loss

    loss = matrix_loss("norm2(P)", "P=2 x 2")
    good = compile_matrix_loss(loss)
    wrong_loss = matrix_loss("norm2(P)^2", "P=2 x 2")
    wrong = compile_matrix_loss(wrong_loss)
    theta = np.array([0.5, -1.0, 2.0, 0.3])
    assert check_matrix_loss(loss, theta, {}, compiled=good).ok
    mixed = type(good)(loss, good.gradient, wrong.generated, layout=good.layout)
    assert not check_matrix_loss(loss, theta, {}, compiled=mixed).ok


def test_ones_row_sums_every_entry():
    P = MatrixSymbol("P", 3, 2)
    assert matrix_vjp(EntrySum(P), P, 1, ans=EntrySum(P)).doit() == OneMatrix(3, 2)
