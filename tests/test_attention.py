"""Row softmax and one attention head: the rule rows against sympy.diff, the simplified row against the
Jacobian form, the compiled gradient against the lowered scalar program, the numeric reverse mode and finite
differences under Hypothesis; the verbs take the network; bad input gets one clear message."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import ImmutableMatrix, MatrixSymbol, diff, expand, symbols

import symnet
from symnet.core.attention import (ATTENTION_DERIVATIVES, LogSoftmax, RowSoftmax, jacobian_form, softmax_row_steps,
                                   softmax_vjp)
from symnet.core.attention_model import attention
from symnet.core.matrix_rules import MATRIX_DERIVATIVES
from symnet.numeric.attention_check import check_attention_grads
from symnet.render.printing import latex, pretty


def _explicit(name, rows, cols):
    return ImmutableMatrix(rows, cols, symbols(f"{name}0:{rows * cols}"))


def test_rows_are_in_the_one_table():
    for cls, rule in ATTENTION_DERIVATIVES.items():
        assert MATRIX_DERIVATIVES[cls] is rule


def test_simplified_row_equals_the_jacobian_form():
    A, G = _explicit("a", 3, 4), _explicit("g", 3, 4)
    simplified = softmax_vjp(MatrixSymbol("G", 3, 4), MatrixSymbol("A", 3, 4), None)[0]
    value = simplified.xreplace({MatrixSymbol("G", 3, 4): G, MatrixSymbol("A", 3, 4): A}).as_explicit()
    assert (value - jacobian_form(A, G)).applyfunc(expand) == ImmutableMatrix.zeros(3, 4)


@pytest.mark.parametrize("cls", [RowSoftmax, LogSoftmax])
def test_rule_matches_sympy_diff(cls):
    S, G = _explicit("s", 2, 3), _explicit("g", 2, 3)
    out = cls(MatrixSymbol("S", 2, 3))
    env = {MatrixSymbol("S", 2, 3): S, MatrixSymbol("G", 2, 3): G}
    entries = out.as_explicit().xreplace({MatrixSymbol("S", 2, 3)[i, j]: S[i, j] for i in range(2) for j in range(3)})
    L = sum(G[i, j] * entries[i, j] for i in range(2) for j in range(3))
    ans = RowSoftmax(MatrixSymbol("S", 2, 3)) if cls is RowSoftmax else out
    rule = ATTENTION_DERIVATIVES[cls](MatrixSymbol("G", 2, 3), ans, MatrixSymbol("S", 2, 3))[0]
    value = rule.xreplace(env).as_explicit().xreplace(
        {MatrixSymbol("S", 2, 3)[i, j]: S[i, j] for i in range(2) for j in range(3)})
    point = {s: v for s, v in zip(list(S) + list(G), np.linspace(-1.3, 1.7, 12))}
    for i in range(2):
        for j in range(3):
            assert float(value[i, j].evalf(subs=point)) == pytest.approx(float(diff(L, S[i, j]).evalf(subs=point)),
                                                                         abs=1e-12)


def test_derivation_steps_show_both_forms():
    steps = softmax_row_steps()
    texts = [pretty(step.result) for step in steps]
    assert texts[1] == "diag(a) − (a aᵀ)" and "rowsum" in texts[-1]
    assert r"\operatorname{rowsum}" in latex(steps[-1].result) and r"\operatorname{diag}" in latex(steps[1].result)


@settings(max_examples=8, deadline=None, derandomize=True)
@given(T=st.integers(1, 3), d=st.integers(1, 3), d_k=st.integers(1, 3), classes=st.integers(2, 3),
       readout=st.sampled_from(["query", "mean"]), seed=st.integers(0, 10**6))
def test_four_gradients_agree(T, d, d_k, classes, readout, seed):
    report = check_attention_grads(attention(T, d, d_k, classes=classes, readout=readout), seed=seed)
    assert report.ok, str(report)
    assert report.methods == ("matrix", "lowered", "numeric", "finite_diff") and not report.skipped


def test_gradient_check_fails_on_a_wrong_gradient():
    net = attention(2, 2, classes=2)
    right = symnet.value_and_grad(net)
    wrong = type(right)(right.loss, right.gradient, right.generated, layout=right.layout,
                        run=lambda X, y, theta: (right.run(X, y, theta)[0], 1.01 * right.run(X, y, theta)[1]))
    assert not symnet.check_grads(net, compiled=wrong).ok


def test_verbs_take_the_network():
    net = attention(3, 2, classes=2)
    fn = symnet.value_and_grad(net)
    rng = np.random.default_rng(1)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(5, 3, 2)), rng.integers(0, 2, 5)
    value, g = fn(theta, X, y)
    flat_value, flat_g = fn(theta, X.reshape(5, -1), y)     # one flat row per sequence: the same
    assert value == flat_value and np.array_equal(g, flat_g)
    assert symnet.check_grads(net).ok
    assert "tensordot" in fn.source and "for " not in fn.source   # batch sums in BLAS, no loop over samples
    assert np.allclose(fn.predict(theta, X).sum(axis=1), 1.0)


@pytest.mark.parametrize("call, message", [
    (lambda: attention(0, 2), r"T \(tokens\) must be a whole number"),
    (lambda: attention(2, 2, readout="last"), "readout must be one of query, mean"),
    (lambda: symnet.value_and_grad(attention(2, 2))(np.zeros(18), np.zeros((3, 2, 3)), [0, 1, 0]),
     "X must hold N ≥ 1 sequences of 2 tokens × 2 features"),
    (lambda: symnet.value_and_grad(attention(2, 2))(np.zeros(18), np.zeros((3, 2, 2)), [0, 1, 2]),
     "y must hold one class label 0…1"),
    (lambda: symnet.value_and_grad(attention(2, 2))(np.zeros(5), np.zeros((3, 2, 2)), [0, 1, 1]),
     "theta must hold 18 finite numbers"),
    (lambda: symnet.value_and_grad(attention(2, 2), backend="fused"), "batched NumPy or JAX"),
])
def test_bad_input_says_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("readout", ["query", "mean"])
def test_jax_lowering_equals_numpy(readout):
    pytest.importorskip("jax")
    net = attention(4, 3, 2, classes=3, readout=readout)
    numpy_fn, jax_fn = symnet.value_and_grad(net), symnet.value_and_grad(net, backend="jax")
    rng = np.random.default_rng(5)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(7, 4, 3)), rng.integers(0, 3, 7)
    (value, g), (jax_value, jax_g) = numpy_fn(theta, X, y), jax_fn(theta, X, y)
    assert jax_fn.backend == "jax" and "jax.numpy" in jax_fn.source
    assert jax_value == pytest.approx(value, abs=1e-12) and np.allclose(jax_g, g, rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(rows=st.integers(1, 3), cols=st.integers(1, 3), seed=st.integers(0, 10**6),
       cls=st.sampled_from([RowSoftmax, LogSoftmax]))
def test_rows_against_finite_differences(rows, cols, seed, cls):
    """The rule row, evaluated on explicit numbers, against central differences of the NumPy forward form."""
    from symnet.numeric.attention import log_softmax, row_softmax
    from symnet.numeric.reverse import finite_differences

    rng = np.random.default_rng(seed)
    S_value, G_value = rng.normal(scale=2, size=(rows, cols)), rng.normal(size=(rows, cols))
    S, G = MatrixSymbol("S", rows, cols), MatrixSymbol("G", rows, cols)
    ans = RowSoftmax(S) if cls is RowSoftmax else cls(S)
    rule = ATTENTION_DERIVATIVES[cls](G, ans, S)[0]
    numbers = {S: ImmutableMatrix(S_value), G: ImmutableMatrix(G_value)}
    value = np.array(rule.xreplace(numbers).as_explicit().evalf(), dtype=float)
    forward = row_softmax if cls is RowSoftmax else log_softmax
    differences = finite_differences(lambda s: float(np.sum(G_value * forward(s.reshape(rows, cols)))), S_value.ravel())
    assert np.allclose(value.ravel(), differences, rtol=1e-6, atol=1e-8)


def test_network_prints_its_formula():
    net = attention(3, 2, classes=2)
    text = str(net)
    assert text.splitlines()[:5] == ["Q = X W_Q", "K = X W_K", "V = X W_V", "S = sqrt(2)/2·Q Kᵀ", "A = softmax(S)"]
    assert text.splitlines()[-1] == "z = W_o ((softmax(sqrt(2)/2·(X W_Q) (X W_K)ᵀ) (X W_V))ᵀ r) + b_o"
    assert r"A &= \operatorname{softmax}\left(S\right)" in net._repr_latex_()
    gradient = latex(symnet.grad(net.loss()))
    assert r"A \odot \left(\frac{\partial C}{\partial O} V^{\mathsf T} - \operatorname{rowsum}" in gradient


def test_standalone_module_gives_the_same_numbers():
    net = attention(3, 2, classes=3, readout="mean")
    fn = symnet.value_and_grad(net)
    scope: dict = {}
    exec(compile(fn.module, "attention_module", "exec"), scope)    # the module as a user would import it
    rng = np.random.default_rng(2)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(6, 3, 2)), rng.integers(0, 3, 6)
    value, g = scope["value_and_grad"](theta, X, y)
    expected = fn(theta, X, y)
    assert value == pytest.approx(expected[0], abs=1e-14) and np.allclose(g, expected[1], atol=1e-14)
    assert "import symnet" not in fn.module


@pytest.mark.parametrize("lang, word", [("en", "the Jacobian"), ("zh", "雅可比矩阵")])
def test_softmax_row_derivation_prints_both_forms(lang, word):
    from symnet.render.attention import softmax_row_derivation

    text = softmax_row_derivation("text", lang)
    assert "J = diag(a) − (a aᵀ)" in text and "Ḡ = A ⊙ (G − rowsum(A ⊙ G))" in text and word in text
    tex = softmax_row_derivation("latex", lang)
    assert tex.startswith("\\begin{aligned}") and r"\operatorname{diag}\left(a\right) - a a^{\mathsf T}" in tex
    assert r"\bar G &= A \odot \left(G - \operatorname{rowsum}\left(A \odot G\right)\right)" in tex
    with pytest.raises(ValueError, match="fmt must be text or latex"):
        softmax_row_derivation("pdf")


def test_train_checks_sequences_and_names():
    net = attention(3, 2, classes=2)
    with pytest.raises(ValueError, match=r"X must hold N ≥ 1 sequences of 3 tokens × 2 features"):
        symnet.train(net, (np.zeros((4, 5)), np.zeros(4)), epochs=1, progress=False)
    with pytest.raises(ValueError, match="did you mean W_o or W_V"):
        symnet.train(net, (np.zeros((4, 6)), np.zeros(4)), epochs=1, progress=False, trainable="W_X")
    data = (np.random.default_rng(0).normal(size=(8, 6)), np.arange(8) % 2)
    one, two = (symnet.train(net, data, epochs=e, progress=False, trainable="W_o") for e in (1, 2))
    W_Q1, *_, W_o1, _ = one.compiled.unflatten(one.theta)
    W_Q2, *_, W_o2, _ = two.compiled.unflatten(two.theta)
    assert np.array_equal(W_Q1, W_Q2) and not np.array_equal(W_o1, W_o2)    # frozen, and trained
