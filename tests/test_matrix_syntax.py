"""The matrix language's parser: what it reads, and one clear refusal (with a column) for everything else."""

from __future__ import annotations

import pytest
from sympy import HadamardProduct, MatMul, MatrixSymbol, Transpose

from symnet.core.matrix_ops import EntrySum, SquaredNorm
from symnet.core.matrix_rules import Apply
from symnet.io.matrix_build import FUNCTIONS, matrix_loss
from symnet.io.matrix_syntax import parse_shapes, parse_tree, tokens
from symnet.io.syntax import ParseError

SHAPES = "X=N x 3, y=N, w=3"


def test_shapes_read_columns_and_size_names():
    assert parse_shapes("X=N x 3, y=N, w=3, A=2×2, B=4*5") == {
        "X": ("N", 3), "y": ("N", 1), "w": (3, 1), "A": (2, 2), "B": (4, 5)}


@pytest.mark.parametrize("text, words", [
    ("X=N x 3 x 2", "two"), ("X=0", "size"), ("X", "cannot read"), ("X=3, X=2", "twice"), ("X=N-1", "size"),
    ("", "no shapes"), ("__import__=3", "cannot read")])
def test_bad_shapes_are_refused(text, words):
    with pytest.raises(ParseError, match=words):
        parse_shapes(text)


def test_operators_build_the_matrix_objects():
    loss = matrix_loss("sum(y .* (X @ w)) + sum((X*w)') + norm2(X.T*y)^2", SHAPES)
    X, y, w = (MatrixSymbol(n, *s) for n, s in (("X", loss.data[0].shape), ("y", loss.data[1].shape),
                                                 ("w", (3, 1))))
    terms = loss.expr.args
    assert EntrySum(HadamardProduct(y, MatMul(X, w))) in terms
    assert EntrySum(Transpose(MatMul(X, w))) in terms
    assert SquaredNorm(MatMul(Transpose(X), y)) in terms


def test_transpose_quote_and_dot_t_are_the_same():
    assert matrix_loss("sum(X'*y)", SHAPES, wrt="X").expr == matrix_loss("sum(X.T*y)", SHAPES, wrt="X").expr


def test_log_of_exp_plus_one_reads_as_softplus():
    loss = matrix_loss("sum(log(exp(-y.*(X*w)) + vector(1)))", SHAPES)
    assert isinstance(loss.expr.arg, Apply) and loss.expr.arg.name == "softplus"


def test_default_parameters_are_the_matrices_of_numeric_size():
    loss = matrix_loss("norm2(X*w - y)^2/N + lam*norm2(w)^2", SHAPES)
    assert [p.name for p in loss.params] == ["w"] and [d.name for d in loss.data] == ["X", "y"]
    assert [c.name for c in loss.constants] == ["lam"] and [s.name for s in loss.sizes] == ["N"]


def test_the_function_table_has_every_activation():
    from symnet.core.matrix_rules import ELEMENTWISE

    assert set(ELEMENTWISE) | {"exp", "log", "abs", "sqrt", "sum", "mean", "norm1", "norm2", "tr", "vector",
                               "ones", "softmax", "log_softmax"} == set(FUNCTIONS)


@pytest.mark.parametrize("text, words", [
    ("X*y", "shape mismatch in the product of X (N × 3) and y (N × 1)"),
    ("X*w + w", "cannot add X*w (N × 1) and w (3 × 1)"),
    ("sum(X ./ y)", "entrywise ./ needs equal shapes"),
    ("w^2", "use .^"),
    ("sum(X / w)", "use ./"),
    ("foo(X)", "unknown function 'foo'"),
    ("sum", "is a function"),
    ("exp(X, y)", "takes 1 argument"),
    ("X*w", "wrap it in sum()"),
    ("vector(1)", "no shape"),
    ("sum(vector(1))", "takes its shape"),
    ("tr(X)", "square"),
    ("X +", "ends too early"),
    ("(X*w", "expected ')'"),
    ("sum(X) )", "after a complete expression"),
    ("a$b", "unexpected character '$'"),
    ("__import__('os')", "unexpected character '_'"),
    ("sum(a__b)", "not a valid name"),
    ("sum(X)[0]", "unexpected character '['"),
    ("x" * 2001, "characters long"),
    ("(" * 70 + "x" + ")" * 70, "nested"),
    ("sum(w) + lam", "no parameter"),
])
def test_refusals_say_what_and_where(text, words):
    wrt = "Q" if words == "no parameter" else None
    with pytest.raises((ParseError, ValueError), match=None) as info:
        matrix_loss(text, SHAPES if wrt is None else SHAPES + ", Q=2", wrt=wrt)
    assert words in str(info.value), str(info.value)
    assert "Traceback" not in str(info.value)


def test_a_refusal_points_at_the_operator():
    with pytest.raises(ParseError) as info:
        matrix_loss("sum(X*y)", SHAPES)
    assert info.value.pointer().splitlines()[1].index("^") - 2 == "sum(X*y)".index("*")


def test_tokens_never_run_code():
    kinds = [k for k, _, _ in tokens("X'.*Y./Z.^2 @ w.T")]
    assert kinds == ["name", "op", "op", "name", "op", "name", "op", "number", "op", "name", "op", "end"]
    assert parse_tree("-x")[0] == "neg"


TOKENS = ("X", "y", "w", "N", "lam", "1", "2.5", "0", "+", "-", "*", "@", "/", "^", ".*", "./", ".^", "'", ".T",
          "(", ")", ",", "sum(", "norm2(", "norm1(", "tr(", "exp(", "log(", "sigmoid(", "vector(", "mean(", "abs(",
          "sqrt(", " ", "1e400", "3e-400")


def test_random_token_soup_is_read_or_refused_with_one_message():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.strategies import examples

    @settings(max_examples=examples(300), deadline=None)
    @given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12))
    def check(parts):
        try:
            loss = matrix_loss("".join(parts), SHAPES, wrt="w")
        except (ParseError, ValueError) as err:
            assert str(err) and "\n" not in str(err)
            return
        assert not getattr(loss.expr, "is_Matrix", False) and loss.params
    check()
