"""``symnet.derive`` of a typed matrix loss (issue 19): its adjoint sweep with the VJP row of each line, the
closed form, the documents in English and Chinese, the PDF, and ``symnet derive --expr … --shapes …``."""

import shutil

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet.cli import main
from symnet.derivation.typed import VJP_ROWS
from symnet.io.matrix_build import matrix_loss
from symnet.render.document import document, latex_document, render
from symnet.render.matrix_expr import unicode

NO_LATEX = shutil.which("latexmk") is None
RIDGE, SHAPES = "norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3"
LOGISTIC = "sum(log(exp(-y.*(X*w)) + vector(1)))"


def run(*args):
    return CliRunner().invoke(main, list(args))


def lines_of(derivation):
    return {unicode(s.lhs): s for s in derivation.backward}


def test_ridge_sweep_names_the_row_of_each_term():
    d = symnet.derive(matrix_loss(RIDGE, SHAPES))
    assert d.typed and not d.matrix and repr(d) == "<derivation of L by w>"
    lines = lines_of(d)
    assert unicode(lines["∂L/∂u₁"].rhs) == "2·∂L/∂s₂·u₁" and lines["∂L/∂u₁"].rules == ("SquaredNorm",)
    assert {"right", "SquaredNorm"} <= set(lines["∂L/∂w"].rules)
    assert unicode(d["w"].compact) == "(2/N)·Xᵀ (X w − y) + 2·λ·w"
    assert [unicode(s.lhs) for s in d.forward][-1] == "L"


def test_the_sweep_lines_are_the_gradient():
    """Substituting the document's sweep lines back gives the same numbers as the compiled gradient."""
    loss = matrix_loss("sum(tanh(X*W)) + norm2(W)^2", "X=N x 3, W=3 x 2")
    d = symnet.derive(loss)
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(5, 3)), rng.normal(size=(3, 2))
    values = {"X": X, "W": W, "N": 5}
    for step in d.forward + d.backward:       # evaluate each line in order, as the document reads
        values[step.lhs.name] = _evaluate(step.rhs, values)
    _, g = symnet.value_and_grad(loss)(W.ravel(), {"X": X}, None)
    np.testing.assert_allclose(np.asarray(values["delta_W"]).ravel(), g, rtol=1e-12)


def _evaluate(expr, values):
    """One line in NumPy, by the printer the compiled typed loss uses (the one NumPy printer, whole data)."""
    from sympy import lambdify

    from symnet.numeric.attention import NAMESPACE
    from symnet.numeric.batchfirst import STACKED
    from symnet.numeric.bindings import namespace
    from symnet.numeric.printer import NumPyCodePrinter

    symbols = sorted(expr.free_symbols, key=str)
    printer = NumPyCodePrinter(batch_form=STACKED)
    fn = lambdify(symbols, expr, modules=[{**namespace(), **NAMESPACE}, "numpy"], printer=printer)
    return np.asarray(fn(*(np.asarray(values[s.name]) for s in symbols)), dtype=float)


@pytest.mark.parametrize("text, shapes, row", [
    (LOGISTIC, SHAPES, "EntrySum"),
    ("tr(A*X'*B*X)", "A=3 x 3, B=4 x 4, X=4 x 3", "Trace"),
    ("norm1(X*w)", SHAPES, "Norm1"),
    ("-sum(Y .* log_softmax(X*W))/N", "X=N x 4, Y=N x 3, W=4 x 3", "LogSoftmax"),
])
def test_each_kind_of_step_cites_its_row(text, shapes, row):
    d = symnet.derive(matrix_loss(text, shapes))
    rows = {r for s in d.backward for r in s.rules if isinstance(r, str)}
    assert row in rows and rows <= set(VJP_ROWS)


def test_derive_in_both_languages_and_every_format():
    en = symnet.derive(matrix_loss(RIDGE, SHAPES), check=True)
    zh = symnet.derive(matrix_loss(RIDGE, SHAPES), check=True, lang="zh")
    assert en.check.ok
    assert "The adjoint sweep" in str(en) and "‖u‖² → 2u·δ" in str(en) and "all gradients agree" in str(en)
    assert "伴随扫描" in str(zh) and "‖u‖² → 2u·δ" in str(zh) and "The adjoint" not in str(zh)
    md = document(en, "markdown")
    assert md.startswith("# How a typed matrix loss learns") and "| w_1_1 |" in md
    assert r"\lVert u \rVert^{2} \to 2u\,\delta" in md and r"\frac{\partial L}{\partial s_{2}}" in md
    tex = latex_document(zh)
    assert tex.startswith(r"\documentclass[11pt,UTF8]{ctexart}") and "伴随扫描" in tex and tex.count("align*") >= 6
    assert r"\frac{2}{N}" in en._repr_latex_() and "aligned" in en._repr_latex_()
    assert symnet.show(en, "markdown") == render(en, "markdown").rstrip("\n")
    assert "Four gradients" not in document(en, "markdown", check=False)


def test_derive_refuses_what_goes_with_neurons_only():
    loss = matrix_loss(RIDGE, SHAPES)
    for kwargs in ({"at": {"w": 1}}, {"abstract": True}, {"expanded": True}):
        with pytest.raises(ValueError, match="typed matrix loss is derived as its adjoint sweep"):
            symnet.derive(loss, **kwargs)
    with pytest.raises(ValueError, match="cannot differentiate by 'q'"):
        symnet.derive(loss, wrt="q")


def test_cli_prints_the_sweep_and_writes_documents(tmp_path):
    shown = run("derive", "--expr", RIDGE, "--shapes", SHAPES, "--wrt", "w")
    assert shown.exit_code == 0, shown.output
    assert "∂L/∂w = (2/N)·Xᵀ (X w − y) + 2·λ·w" in shown.output and "Au → Aᵀδ" in shown.output
    ascii = run("derive", "--expr", RIDGE, "--shapes", SHAPES, "--ascii")
    assert ascii.exit_code == 0 and ascii.output.isascii() and "delta_w = (2/N)*X.T @ (X @ w - y)" in ascii.output
    for suffix, marker in ((".md", "# How a typed matrix loss learns"), (".tex", "\\documentclass"),
                           (".txt", "Four gradients agree")):
        path = tmp_path / f"ridge{suffix}"
        result = run("derive", "--expr", RIDGE, "--shapes", SHAPES, "-o", str(path))
        assert result.exit_code == 0, result.output
        assert marker in path.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*graph*"))          # a typed loss is not drawn as a network
    zh = run("derive", "--expr", LOGISTIC, "--shapes", SHAPES, "--lang", "zh", "-o", str(tmp_path / "l.md"))
    assert zh.exit_code == 0 and "伴随扫描" in (tmp_path / "l.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra, words", [
    (("--at", "w=1"), "--at does not go with --shapes"),
    (("--abstract",), "--abstract does not go with --shapes"),
    (("--loss", "cross_entropy"), "--loss does not go with --shapes"),
    (("--format", "json"), "for its gradient as JSON use symnet grad"),
    (("--wrt", "q"), "cannot differentiate by 'q'"),
    (("-o", "ridge.html"), "expected a file ending in"),
])
def test_cli_refuses_with_one_message(extra, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("derive", "--expr", RIDGE, "--shapes", SHAPES, *extra)
    assert result.exit_code != 0 and words in result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def test_cli_refuses_a_bad_matrix_expression():
    result = run("derive", "--expr", "norm2(X*w - y", "--shapes", SHAPES)
    assert result.exit_code != 0 and "Traceback" not in result.output and result.output.count("\n") <= 6


@pytest.mark.skipif(NO_LATEX, reason="latexmk not installed (Debian: latexmk texlive-latex-extra texlive-xetex)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pdf_builds(tmp_path, lang):
    path = tmp_path / f"ridge-{lang}.pdf"
    result = run("derive", "--expr", RIDGE, "--shapes", SHAPES, "--lang", lang, "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"%PDF") and path.stat().st_size > 10_000
