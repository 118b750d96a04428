"""One printer per backend: the batch forms of ``numeric.batchfirst`` (rows, stacked, whole data), golden strings
and numbers, and no second printer class with methods of its own."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from sympy import MatrixSymbol, Symbol, Transpose, lambdify

import symnet.numeric as numeric_package
from symnet.core.attention import RowTotal
from symnet.numeric.batchfirst import ROWS, STACKED
from symnet.numeric.passes import BatchSum
from symnet.numeric.printer import NumPyCodePrinter

X, D = MatrixSymbol("X", 3, 2), MatrixSymbol("Delta", 3, 4)     # per sample: a 3 × 2 and a 3 × 4 matrix
W = MatrixSymbol("W", 2, 4)


def _printer(form, batch=("X", "Delta")):
    return NumPyCodePrinter(batch=batch, batch_form=form)


def test_stacked_form_keeps_each_sample_a_matrix():
    printer = _printer(STACKED)
    assert printer.doprint(X @ W) == "X @ W"
    assert printer.doprint(Transpose(X)) == "X.swapaxes(-1, -2)"            # per sample: its last two axes
    assert printer.doprint(Transpose(W)) == "W.T"                           # a parameter: one 2-D array
    assert printer.doprint(RowTotal(X)) == "X.sum(axis=-1, keepdims=True)"
    assert printer.doprint(BatchSum(Transpose(X) @ D)) == "numpy.tensordot(X, Delta, axes=([0, 1], [0, 1]))"


def test_rows_form_sums_the_batch_along_rows():
    x, delta = MatrixSymbol("x", 2, 1), MatrixSymbol("delta", 4, 1)
    printer = _printer(ROWS, batch=("x", "delta"))
    assert printer.doprint(W.T @ x) == "x @ W"                              # Wᵀ v → V @ W
    assert printer.doprint(delta @ x.T) == "delta.T @ x"                     # BP4: Σₓ δₓ aₓᵀ
    assert printer.doprint(BatchSum(delta)) == "delta.sum(axis=0)"


def test_batch_sum_of_stacked_products_is_the_sum_over_samples():
    rng = np.random.default_rng(0)
    values = {"X": rng.normal(size=(5, 3, 2)), "Delta": rng.normal(size=(5, 3, 4))}
    cases = {BatchSum(Transpose(X) @ D): np.einsum("nti,ntj->ij", values["X"], values["Delta"]),      # Σₙ Xₙᵀ Δₙ
             BatchSum(Transpose(X) @ D @ Transpose(D)):                                                 # Σₙ Xₙᵀ Δₙ Δₙᵀ
             np.einsum("nti,ntj,nsj->is", values["X"], values["Delta"], values["Delta"]),
             BatchSum(X @ Transpose(X)): np.einsum("nik,njk->ij", values["X"], values["X"])}             # Σₙ Xₙ Xₙᵀ
    for expr, expected in cases.items():
        symbols = sorted(expr.free_symbols, key=str)
        printer = _printer(STACKED)
        assert "tensordot" in printer.doprint(expr)
        fn = lambdify(symbols, expr, modules="numpy", printer=printer)
        np.testing.assert_allclose(fn(*(values[s.name] for s in symbols)), expected, rtol=1e-12)


def test_whole_data_is_the_stacked_form_with_nothing_per_sample():
    from symnet.core.matrix_ops import Norm2, SquaredNorm

    Xd, w, y, lam = MatrixSymbol("X", 6, 3), MatrixSymbol("w", 3, 1), MatrixSymbol("y", 6, 1), Symbol("lam")
    printer = _printer(STACKED, batch=())
    assert printer.doprint(Xd @ w - y) == "(X @ w) - y"
    assert printer.doprint(Transpose(Xd) @ y) == "(X.T) @ y"
    assert printer.doprint(Norm2(w)) == "numpy.linalg.norm(w)"
    assert printer.doprint(SquaredNorm(w)) == "numpy.vdot(w, w)"
    expr = (lam + 1) * (Transpose(Xd) @ y)                    # a scalar factor that is a sum keeps its parentheses
    rng = np.random.default_rng(1)
    Xv, yv = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    fn = lambdify([lam, Xd, y], expr, modules="numpy", printer=printer)
    np.testing.assert_allclose(fn(0.5, Xv, yv), 1.5 * Xv.T @ yv, rtol=1e-12)


def test_the_jax_printer_is_the_same_methods_in_jax_numpy():
    from symnet.core.matrix_ops import Norm2
    from symnet.numeric.jaxgen import JaxCodePrinter

    printer = JaxCodePrinter(batch=("X", "Delta"), batch_form=STACKED)
    assert printer.doprint(BatchSum(Transpose(X) @ D)) == "jax.numpy.tensordot(X, Delta, axes=([0, 1], [0, 1]))"
    assert printer.doprint(Norm2(W)) == "jax.numpy.linalg.norm(W)"


def test_no_second_printer_class_has_methods_of_its_own():
    # the NumPy code of every kind comes from NumPyCodePrinter, JAX's from JaxCodePrinter; a class that remains
    # (a name for a setting) adds no ``_print_`` method
    from sympy.printing.numpy import NumPyPrinter

    from symnet.numeric import matrix_printer
    from symnet.numeric.jaxgen import JaxCodePrinter

    assert not [name for name in vars(matrix_printer.MatrixExprPrinter) if name.startswith("_print_")]
    assert matrix_printer.MatrixExprPrinter().batch_form == STACKED
    owners = set()
    for info in __import__("pkgutil").iter_modules(numeric_package.__path__):
        module = __import__(f"symnet.numeric.{info.name}", fromlist=["_"])
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, NumPyPrinter) and cls.__module__ == module.__name__:
                owners.add(cls.__name__)
    assert owners <= {"NumPyCodePrinter", "JaxCodePrinter", "MatrixExprPrinter", "HessianPrinter"}, owners
    assert issubclass(JaxCodePrinter, NumPyPrinter)


@pytest.mark.parametrize("text, shapes", [
    ("-sum(Y .* log_softmax(X*W))/N", "X=N x 4, Y=N x 3, W=4 x 3"),
    ("sum(softmax(X*W) .* Y)", "X=N x 2, Y=N x 3, W=2 x 3"),
])
def test_typed_module_with_row_softmax_runs_on_its_own(text, shapes):
    from symnet.io.matrix_build import matrix_loss
    from symnet.numeric.matrix_code import compile_matrix_loss
    from symnet.numeric.matrix_printer import module_source

    compiled = compile_matrix_loss(matrix_loss(text, shapes))
    namespace: dict = {}
    exec(compile(module_source(compiled), "<module>", "exec"), namespace)     # noqa: S102 (our own generated code)
    rng = np.random.default_rng(2)
    k, d = compiled.loss.params[0].shape
    Xv, W_ = rng.normal(size=(5, int(k))), rng.normal(size=(int(k), int(d)))
    Yv = np.eye(int(d))[rng.integers(0, int(d), 5)]
    value, *_ = namespace["value_and_grad"](Xv, Yv, 5, W_)
    assert np.isclose(value, compiled(W_.ravel(), Xv, Yv)[0], rtol=1e-12)
