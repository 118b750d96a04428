"""derive --order 2 of a typed matrix loss: the Hessian in vectorized form with its shape and vec order, the tangent
sweep line by line with the Jacobian–vector row of each line, and the order-2 check, in every format and both
languages."""

import shutil
import subprocess

import pytest

from symnet.derivation.typed_second import JVP_ROWS, derive_typed_second
from symnet.render.typed_second import shape_note
from symnet.io.matrix_build import matrix_loss
from symnet.render.matrix_expr import unicode
from tests.cli_helpers import run

NO_LATEX = shutil.which("latexmk") is None or shutil.which("pdftotext") is None
LOGISTIC, SHAPES = "mean(softplus(X*w) - y.*(X*w))", "X=N x 3, y=N, w=3"
SOFTMAX, SOFTMAX_SHAPES = "-sum(Y .* log_softmax(X*W))/N", "X=N x 3, Y=N x 2, W=3 x 2"


def test_the_tangent_sweep_names_the_row_of_each_line_and_the_check_agrees():
    second = derive_typed_second(matrix_loss(LOGISTIC, SHAPES), check=True)
    assert unicode(second.hessian.matrix) == "(1/N)·Xᵀ diag(σ(X w) ⊙ (𝟙 − σ(X w))) X"
    assert shape_note(second) == "3 × 3"
    names = [unicode(s.lhs) for s in second.tangents]
    assert names[0] == "d_u₁" and names[-1] == "d_delta_w"
    assert all(s.rules for s in second.tangents)                       # every line says which row made it
    assert second.tangents[0].rules == (JVP_ROWS["product"],)          # d_u₁ = X v: AB → ȦB + AḂ
    assert JVP_ROWS["Apply"] in second.tangents[1].rules               # d_u₂ = σ(u₁) ⊙ d_u₁: f(u) → f′(u) ⊙ u̇
    assert second.check.order == 2 and second.check.ok and len(second.check.rows) == 6


def test_a_matrix_parameter_says_its_vec_order():
    second = derive_typed_second(matrix_loss(SOFTMAX, SOFTMAX_SHAPES))
    assert shape_note(second) == "6 × 6, vec(W) row-major: W[i, a] is entry i*2 + a"
    assert "按行优先" in shape_note(second, "zh") and second.check is None


def test_cli_prints_the_second_order_section_after_the_gradient():
    result = run("derive", "--expr", LOGISTIC, "--shapes", SHAPES, "--order", "2")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("The gradient") < out.index("Second derivatives") < out.index("The tangent sweep")
    assert "∂²L/∂w∂wᵀ = (1/N)·Xᵀ diag(σ(X w) ⊙ (𝟙 − σ(X w))) X    (3 × 3)" in out
    assert "H v = (1/N)·Xᵀ (σ(X w) ⊙ (𝟙 − σ(X w)) ⊙ (X v))" in out
    assert "d_u₁ = X v" in out and "← AB → ȦB + AḂ" in out
    ascii_out = run("derive", "--expr", LOGISTIC, "--shapes", SHAPES, "--order", "2", "--ascii").output
    assert ascii_out.isascii() and "d2L/dwdw^T = " in ascii_out and "(3 x 3)" in ascii_out
    zh = run("derive", "--expr", SOFTMAX, "--shapes", SOFTMAX_SHAPES, "--order", "2", "--lang", "zh").output
    assert "二阶导数" in zh and "切向扫描" in zh and "vec(W) 按行优先排列" in zh


@pytest.mark.parametrize("suffix, markers", [
    (".md", ("## Second derivatives", "## The tangent sweep", "## Four Hessians agree", "\\begin{gathered}")),
    (".tex", ("\\section*{Second derivatives}", "\\section*{Four Hessians agree}", "\\begin{gather*}",
              "\\partial \\operatorname{vec}(W)")),
    (".txt", ("Second derivatives", "Four Hessians agree", "compiled Hessian")),
])
def test_documents_carry_the_section_and_the_order_2_check(tmp_path, suffix, markers):
    path = tmp_path / f"softmax{suffix}"
    result = run("derive", "--expr", SOFTMAX, "--shapes", SOFTMAX_SHAPES, "--order", "2", "-o", str(path))
    assert result.exit_code == 0, result.output
    written = path.read_text(encoding="utf-8")
    for marker in markers:
        assert marker in written, marker
    assert "W_1_1,W_1_2" in written                                     # the entries of the order-2 check


@pytest.mark.skipif(NO_LATEX, reason="latexmk/pdftotext not installed")
@pytest.mark.parametrize("lang, words", [("en", ("The tangent sweep", "Four Hessians agree")),
                                         ("zh", ("切向扫描", "四种 Hessian 一致"))])
def test_the_pdf_builds_with_the_second_order_section(tmp_path, lang, words):
    path = tmp_path / f"softmax-{lang}.pdf"
    result = run("derive", "--expr", SOFTMAX, "--shapes", SOFTMAX_SHAPES, "--order", "2", "--lang", lang, "-o", str(path))
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert all(w in text for w in words), text[-2000:]


def test_without_a_kronecker_form_the_tangent_sweep_is_the_answer_and_two_parameters_are_refused(tmp_path):
    result = run("derive", "--expr", "norm2(X*W - Y)", "--shapes", SOFTMAX_SHAPES, "--order", "2")
    assert result.exit_code == 0, result.output
    assert "(no Kronecker form: H v is the tangent sweep)" in result.output and "← ‖u‖ → sum(u ⊙ u̇)/‖u‖" in result.output
    two = run("derive", "--expr", "norm2(X*W)^2 + norm2(w)^2", "--shapes", "X=N x 3, W=3 x 2, w=3", "--order", "2",
              "-o", str(tmp_path / "two.md"))
    assert two.exit_code == 2 and "one parameter" in two.output and "Traceback" not in two.output
    assert not list(tmp_path.iterdir())
