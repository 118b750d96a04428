"""Renderings of derivations: text, Unicode, LaTeX, Markdown, English and Chinese, and real PDFs."""

import shutil
import subprocess

import numpy as np
import pytest
from sympy import Derivative, Symbol

from symnet import mlp, seed_network, squared_error
from symnet.derivation.derive import derive
from symnet.render.document import document, latex_document, render
from symnet.render.latexbuild import LatexBuildError, LatexNotInstalled, build_pdf, engine_for
from symnet.render.layout import BUDGET
from symnet.render.printing import factor, format_expr, latex, pretty, text
from symnet.render.tex import escape

NO_LATEX = shutil.which("latexmk") is None or shutil.which("pdftotext") is None
needs_latex = pytest.mark.skipif(NO_LATEX, reason="latexmk/pdftotext not installed (Debian: latexmk "
                                 "texlive-latex-extra texlive-xetex texlive-lang-chinese poppler-utils)")


def point_for(loss, seed=0):
    rng = np.random.default_rng(seed)
    names = loss.program.inputs + loss.program.params
    return {s.name: round(float(v), 3) for s, v in zip(names, rng.uniform(-1, 1, len(names)))}


@pytest.fixture(scope="module")
def seed_derivation():
    loss = squared_error(seed_network())
    return derive(loss, at=point_for(loss), expanded=True, check=True)


def test_printing_keeps_its_outputs():
    assert latex(Symbol("w3_1") * Symbol("delta_z5")) == r"\delta_{z_{5}} w_{3,1}"
    assert pretty(Symbol("delta_z5") * Symbol("w3_1")) == "δz₅·w₃,₁"
    assert text(Derivative(Symbol("L"), Symbol("w3_1"))) == "dL/dw3_1"
    assert text(2 * Derivative(Symbol("L"), Symbol("b"))) == "2*dL/db"
    assert format_expr(Symbol("θ1"), "markdown") == r"$\theta_{1}$"
    assert factor(1 - Symbol("h5"), "latex") == r"\left(1 - h_{5}\right)"
    with pytest.raises(ValueError, match="unknown format"):
        format_expr(Symbol("x"), "html")


def test_unicode_rendering_reads_like_the_article(seed_derivation):
    out = render(seed_derivation, "unicode")
    assert "Derivative by w₂,₁" in out and "2 paths lead from the loss L to w₂,₁" in out
    assert "∂L/∂w₂,₁ = ∂L/∂ŷ · ∂ŷ/∂z₅ · ∂z₅/∂h₃ · ∂h₃/∂z₃ · ∂z₃/∂u₃,₁ · ∂u₃,₁/∂h₂ · ∂h₂/∂z₂ · ∂z₂/∂w₂,₁\n" in out
    assert "path 1 = L → ŷ → z₅ → h₃ → z₃ → u₃,₁ → h₂ → z₂ → w₂,₁" in out and "(ŷ = h₅ is its output)" in out
    assert "∂ŷ/∂z₅ = ŷ·(1 - ŷ)" in out and "∂h₃/∂z₃ = h₃·(1 - h₃)" in out and "[σ′ = σ(1 − σ)]" in out
    assert "they agree" in out and "DISAGREE" not in out
    assert max(len(line) for line in out.splitlines()) <= BUDGET["unicode"] + 40   # long formulas wrap


def test_text_rendering_is_plain(seed_derivation):
    out = render(seed_derivation, "text")
    assert "dL/dw2_1 = dL/dyhat * dyhat/dz5 * dz5/dh3 * dh3/dz3" in out
    assert "path 1 = L -> yhat -> z5" in out and "[sigmoid' = sigmoid*(1 - sigmoid)]" in out


def test_chinese_rendering(seed_derivation):
    out = render(seed_derivation, "unicode", "zh")
    assert "对 w₂,₁ 求导" in out and "路径共有 2 条" in out and "[加法法则、乘法法则]" in out
    assert "根据链式法则" in out and "两者一致" in out


def test_latex_and_markdown(seed_derivation):
    tex = render(seed_derivation, "latex")
    assert "\\begin{align*}" in tex and r"&& \sigma' = \sigma(1 - \sigma)" in tex
    assert "\\section*{Derivative by \\(w_{2,1}\\)}" in tex
    md = render(seed_derivation, "markdown", "zh")
    assert "## 对 $w_{2,1}$ 求导" in md and "$$\n\\begin{aligned}" in md and "\\text{加法法则" in md
    full = document(seed_derivation, "markdown")
    assert full.startswith("# How the network learns") and "## Numeric check" in full
    assert "| finite differences | max Δ |" in full and "finite_diff" not in full
    assert "| 有限差分 |" in document(seed_derivation, "markdown", "zh")


def test_standalone_latex_documents(seed_derivation):
    en = latex_document(seed_derivation, "en")
    assert en.startswith("\\documentclass[11pt]{article}") and en.rstrip().endswith("\\end{document}")
    zh = latex_document(seed_derivation, "zh")
    assert "{ctexart}" in zh and "\\section*{数值检验}" in zh
    for tex in (en, zh):                          # page numbers bottom centre in both languages
        assert "\\pagestyle{plain}" in tex and "resizebox" not in tex and "\\begin{center}\\small" in tex
    assert "the target \\(y\\)" in en and "the loss \\(L\\)" in en
    assert "Adding the paths:\n\\nopagebreak\n\\begin{align*}" in en
    assert engine_for("zh") == "xelatex" and engine_for("en") == "pdflatex"


def test_abstract_rendering():
    d = derive(seed_network(), abstract=True, wrt=["θ2"])
    out = render(d, "unicode")
    assert "∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ" in out and "path 2 = L → ŷ → h₄ → h₂ → θ₂" in out
    assert "∂L/∂θ₂ = ∂L/∂ŷ · (∂f₅/∂h₃ · ∂f₃/∂u₃,₁ · ∂f₂/∂θ₂ + ∂f₅/∂h₄ · ∂f₄/∂h₂ · ∂f₂/∂θ₂)" in out
    full = document(d, "unicode")                 # f stays undefined: no σ program, no closed form
    assert "h₁ = f₁(θ₁, x₁)" in full and "h₅ = f₅(θ₅, h₃, h₄)" in full and "u₃,₁ = h₁ + h₂" in full
    assert "σ" not in full.replace("σ′ = σ(1 − σ)", "") and "Concrete" not in full


def test_line_breaking_prints_each_subtree_about_once():
    """Widths come from one remembered printing pass: printer calls grow with the formula, not its depth."""
    from sympy import preorder_traversal
    from sympy.printing.printer import Printer

    from symnet import grad
    from symnet.render.layout import Line, Math
    from symnet.render.notation import _MEASURING
    from symnet.render.tex import math_lines

    ratios = []
    for sizes in ([2, 2, 1], [2, 3, 3, 1]):
        expr = grad(squared_error(mlp(sizes))).expanded("w1_1", max_ops=10**6)
        nodes = sum(1 for _ in preorder_traversal(expr))
        calls, original = [0], Printer._print

        def counting(self, e, **kw):
            calls[0] += 1
            return original(self, e, **kw)

        _MEASURING.memo.clear()
        Printer._print = counting
        try:
            lines = math_lines(Math((Line(Symbol("d"), expr),)), "latex")
        finally:
            Printer._print = original
        ratios.append(calls[0] / nodes)
        assert lines[0].count("\\\\") > 0 or nodes < 200          # long formulas do break
    assert max(ratios) < 3 and ratios[1] < 2 * ratios[0]      # was 3 and 10 per node (quadratic)


def test_nested_heading_names_the_article_only_for_its_network():
    seed = document(derive(squared_error(seed_network()), wrt=["b5"]), "markdown", check=False)
    other = document(derive(squared_error(mlp([2, 2, 1])), wrt=["b3"]), "markdown", check=False)
    assert "Nested form (as the article writes it)" in seed
    assert "Nested form" in other and "as the article" not in other
    zh = document(derive(squared_error(mlp([2, 2, 1])), wrt=["b3"]), "markdown", "zh", check=False)
    assert "嵌套形式" in zh and "原文" not in zh.split("嵌套形式")[1].splitlines()[0]


def test_the_factor_table_appears_once_for_many_parameters():
    d = derive(squared_error(seed_network()))
    u = document(d, "unicode", check=False)
    table = [line for line in u.splitlines() if line.startswith("  ∂h₂/∂z₂ = ")]
    assert table == ["  ∂h₂/∂z₂ = h₂·(1 - h₂)    [σ′ = σ(1 − σ)]"]       # one row for all 11 parameters
    assert u.count("Local derivatives") == 1 and u.count("The factors are the local derivatives") == 11
    one = document(derive(squared_error(seed_network()), wrt=["w2_1"]), "unicode", check=False)
    assert "Local derivatives" not in one and one.count("  ∂h₂/∂z₂ = h₂·(1 - h₂)") == 1   # one parameter: inline


def test_the_graph_figure_goes_into_markdown_and_latex():
    d = derive(squared_error(seed_network()), wrt=["b5"])
    md = document(d, "markdown", check=False, figure="seed-graph.png")
    assert "](seed-graph.png)" in md and md.index("](seed-graph.png)") < md.index("## The loss")
    tex = latex_document(d, "zh", check=False, figure="seed-graph.png")
    assert "\\includegraphics[width=\\linewidth]{seed-graph.png}" in tex and "参数也画成节点" in tex
    assert "includegraphics" not in latex_document(d, "en", check=False)


def test_long_nested_forms_break_between_arguments_instead_of_shrinking():
    from symnet.core.losses import YHAT
    from symnet.render.layout import Line, Math
    from symnet.render.tex import math_lines

    (tex,) = math_lines(Math((Line(YHAT, mlp([2, 4, 3, 1]).nested),)), "latex")
    rows = tex.split("\\\\")
    assert "scalebox" not in tex and len(rows) == 3
    assert all(row.rstrip("*\n ").endswith("\\right),") for row in rows[:-1])     # the comma ends a row
    text_rows = math_lines(Math((Line(YHAT, mlp([2, 4, 3, 1]).nested),)), "unicode")
    assert text_rows[0].startswith("ŷ = f(θ₈, f(θ₅, ") and text_rows[1].lstrip().startswith("f(θ₆, ")
    assert [row.endswith(",") for row in text_rows] == [True, True, False] and text_rows[2].endswith(")))")
    assert max(map(len, text_rows)) <= BUDGET["unicode"]


def test_latex_escape():
    assert escape("50% of a_b & {c}") == r"50\% of a\_b \& \{c\}"
    assert escape("∂ŷ") == r"\(\partial\)\(\hat{y}\)"


def test_missing_latex_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LatexNotInstalled, match="texlive-xetex"):
        build_pdf("\\documentclass{article}\\begin{document}x\\end{document}", tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


# ---- real PDFs ------------------------------------------------------------------------------------

def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_latex
def test_failed_build_leaves_no_pdf(tmp_path):
    with pytest.raises(LatexBuildError, match="Undefined control sequence"):
        build_pdf("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}", tmp_path / "bad.pdf")
    assert list(tmp_path.iterdir()) == []


@needs_latex
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seed_pdf(tmp_path, seed_derivation, lang):
    log = tmp_path / "seed.log"
    path = build_pdf(latex_document(seed_derivation, lang), tmp_path / "seed.pdf", engine_for(lang), log=log)
    content = pdf_text(path)
    assert "Overfull \\hbox" not in log.read_text(errors="replace")      # no formula runs off the page
    if lang == "en":
        assert "Derivative by" in content and "they agree" in content and "Numeric check" in content
    else:
        assert "求导" in content and "两者一致" in content and "数值检验" in content
    assert "Missing" not in content and "??" not in content


@needs_latex
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mlp_pdf(tmp_path, lang):
    loss = squared_error(mlp([2, 2, 1]))
    d = derive(loss, at=point_for(loss, 5), expanded=True)
    log = tmp_path / "mlp.log"
    path = build_pdf(latex_document(d, lang), tmp_path / "mlp.pdf", engine_for(lang), log=log)
    content = pdf_text(path)
    assert "Overfull \\hbox" not in log.read_text(errors="replace")
    assert ("Summary" if lang == "en" else "汇总") in content
    assert content.count("yes" if lang == "en" else "是") >= len(loss.network.params)
