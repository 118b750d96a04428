"""The tour: `symnet tour --out DIR [--lang en|zh]` writes a page of every section of the article.

The full tour runs once per language (the English one here, module-scoped; the Chinese one, built without TeX,
is the session fixture ``tour_zh_without_tex`` of tests/conftest.py, shared with tests/test_tour_live.py); the
other tests read its output.
"""

from __future__ import annotations

import os
import re
import shutil
from html import unescape
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")

from symnet.cli import main  # noqa: E402
from symnet.tour.render import render_html, render_markdown  # noqa: E402
from symnet.tour.run import Artifact, Formula, Section, Table, check_out_dir  # noqa: E402
from symnet.tour.sections import wrap  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(out: Path, *args):
    return CliRunner().invoke(main, ["tour", "--out", str(out), *args])


@pytest.fixture(scope="module")
def tour_en(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour_en")
    result = _run(out)
    assert result.exit_code == 0, result.output
    return out, result


def _referenced(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)


@pytest.mark.parametrize("which", ["tour_en", "tour_zh_without_tex"])
def test_pages_exist_and_every_image_is_a_png(which, request):
    out, result = request.getfixturevalue(which)
    html = (out / "index.html").read_text(encoding="utf-8")
    md = (out / "index.md").read_text(encoding="utf-8")
    images = _referenced(html, r'<img src="([\w.-]+)"')       # not KaTeX's own '<img src="' + … template
    assert images == _referenced(md, r"!\[[^\]]*\]\(([^)]+)\)")
    for name in images:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC, name
    assert html.count('<figure class="formula">') == md.count("```text\n") > 5   # the same formulas in both
    assert html.count("<table>") == md.count("\n|---|") >= 5
    assert "index.html" in result.output


def test_page_is_self_contained(tour_en):
    out, _ = tour_en
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<style>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\((https?:)?//|<link\b|<script[^>]*\bsrc=""", html)
    assert "data:font/woff2;base64," in html and "katex" in html    # KaTeX and its fonts are inlined
    assert html.count('class="math" data-tex=') > 20 and html.count('<details class="step">') >= 6
    steps = re.findall(r'<details class="step">(.*?)</details>', html, re.S)
    assert all('</summary><div class="math" data-' in step for step in steps)   # no step opens to nothing
    for kind in ("tower", "descent", "train"):
        assert f'data-kind="{kind}"' in html
    assert "function sn_tower(" in html and "function sn_loss_grad(" in html


def test_progress_one_line_per_section(tour_en):
    _, result = tour_en
    lines = [line for line in result.output.splitlines() if re.match(r"^\[\d+/\d+\] ", line)]
    n = int(re.match(r"^\[1/(\d+)\]", lines[0]).group(1))
    assert len(lines) == n >= 4


def test_english_page_shows_the_article(tour_en):
    out, _ = tour_en
    md = (out / "index.md").read_text(encoding="utf-8")
    assert "f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂)))" in md
    assert "gradient" in md and "chain rule" in md
    assert "all four agree" in md


def test_chinese_page_is_in_chinese(tour_zh_without_tex):
    out, _ = tour_zh_without_tex
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html
    for word in ("梯度", "链式法则", "神经网络", "四种梯度全部一致"):
        assert word in html
    assert "<td class=\"word\">是</td>" in html and ">yes<" not in html       # the check table's verdicts
    assert "反向走一步" in html and "练习" in html                             # live graph button, exercises


@pytest.mark.parametrize("which", ["tour_en", "tour_zh_without_tex"])
def test_the_bp_section_states_what_holds(which, request):
    """Issue 21: no "one entry of", no "becomes softmax(zᴸ) − y"; Nielsen's equations, the softmax line
    replacing BP1 with its Jacobian, one batch mean C̄, and the digits run's optimiser, in both pages."""
    from symnet.render.i18n import t

    out, _ = request.getfixturevalue(which)
    lang = "en" if which == "tour_en" else "zh"
    for page in ("index.html", "index.md"):
        text = unescape((out / page).read_text(encoding="utf-8"))      # data-tex="…σ&#x27;…"
        assert "one entry of" not in text and "becomes softmax" not in text and "化为 softmax" not in text
        assert t("layers_replaces_bp1", lang) in text and r"\nabla_a C \odot \sigma'(z^{L})" in text
        assert r"\left(\delta_{jk} - a^{L}_k\right)" in text and r"\bar C = \frac{1}{N}\sum_x C_x" in text
        assert "Adam" in text and "λ = 0.001" in text and "η·(1 − e/E)" in text


def test_html_escapes_text():
    section = Section("k", "<b>title</b>", ("a < b & c",), (Formula("cap", "x < y", "\\frac{a}{b}"),),
                      (Table("t", ("<h>",), (("<c>",),)),), (Artifact("pic <1>", "a.png"),), ("why <not>",))
    html = render_html((section,), "en")
    assert "<b>title</b>" not in html and "&lt;b&gt;title&lt;/b&gt;" in html
    assert "a &lt; b &amp; c" in html and "&lt;c&gt;" in html and "why &lt;not&gt;" in html
    md = render_markdown((section,), "en")
    assert "![pic <1>](a.png)" in md and "x < y" in md


def test_wrap_keeps_every_character():
    formula = "σ(a + b)·" * 40
    wrapped = wrap(formula, width=30)
    assert re.sub(r"\s", "", wrapped) == re.sub(r"\s", "", formula)
    assert max(len(line) for line in wrapped.splitlines()) <= 40


def test_out_is_a_file_exits_2(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = _run(target)
    assert result.exit_code == 2
    assert "is a file" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_out_unwritable_exits_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = _run(locked / "inside")
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2 and "error:" in result.output


def test_check_out_dir_rejects_unwritable(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(ValueError, match="permission denied"):
        check_out_dir(tmp_path)


def test_bad_language_is_a_usage_error(tmp_path):
    result = _run(tmp_path, "--lang", "fr")
    assert result.exit_code == 2 and "fr" in result.output


@pytest.mark.parametrize("which", ["tour_en", "tour_zh_without_tex"])
def test_derivation_documents_are_written_and_linked(which, request):
    out, _ = request.getfixturevalue(which)
    md = (out / "index.md").read_text(encoding="utf-8")
    for name in ("derivation.tex", "derivation.md"):
        assert (out / name).stat().st_size > 1000
        assert f"({name})" in md
    assert "\\begin{document}" in (out / "derivation.tex").read_text(encoding="utf-8")


def test_without_tex_the_tour_says_what_it_skipped(tour_zh_without_tex):
    out, result = tour_zh_without_tex
    assert "skipped: " in result.output and "latexmk" in result.output
    assert not (out / "derivation.pdf").exists()
    assert "已跳过" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdflatex") is None, reason="no TeX installed")
def test_with_tex_the_derivation_pdf_is_built(tour_en):
    out, result = tour_en
    assert (out / "derivation.pdf").read_bytes()[:5] == b"%PDF-"
    assert "skipped" not in result.output


def test_every_section_of_the_article_has_its_figures(tour_en):
    out, _ = tour_en
    html = (out / "index.html").read_text(encoding="utf-8")
    images = set(_referenced(html, r'<img src="([^"]+)"'))
    expected = {"network_graph.png", "tower.png", "towers_nested.png", "approximation.png", "approximation_error.png",
                "approximation_error_map.png",
                "descent_1d.png", "train_seed_loss.png", "train_xor_boundary.png"}
    assert expected <= images
    for key in ("model", "network", "towers", "approx", "descent", "gradients", "train", "check"):
        assert f'<section id="{key}">' in html


def test_out_inside_a_file_exits_2(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = _run(blocker / "sub")
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.output and "Traceback" not in result.output


def test_descent_section_states_the_stability_limit_and_each_etas_verdict(tmp_path):
    """2/h″(x*) = 1 for h = x² − 2x, the factor 1 − η·h″(x*) and the verdict of each η, against sympy.diff."""
    from sympy import Symbol

    from symnet.render.i18n import t
    from symnet.tour.figures import DESCENT_RATES, descent_section
    from symnet.tour.records import TourContext

    x = Symbol("x")
    h2 = float((x**2 - 2 * x).diff(x, 2))                 # the oracle: sympy.diff twice
    section = descent_section(TourContext(tmp_path, "en"))
    factors, verdicts = section.tables[0].rows[-2:]
    expected = [1 - eta * h2 for eta in DESCENT_RATES]
    assert list(factors[1:]) == [f"{f:g}" for f in expected] + ["—"]     # Newton's column has no η
    words = ["diverging" if abs(f) > 1 else "oscillating" if f < 0 else "stable" for f in expected]
    assert list(verdicts[1:]) == [t(f"verdict_{w}", "en") for w in words] + ["—"]
    assert set(words) == {"stable", "oscillating", "diverging"}          # the table shows all three
    assert f"2/h″(x*) = {2 / h2:g}" in section.formulas[-1].text and "2/h″(x*) = 1," in section.text[-2]
    newton = [row[-1] for row in section.tables[0].rows[:6]]             # x ← x − h′/h″ = x − (2x − 2)/2 = 1
    assert newton == ["3.0000"] + ["1.0000"] * 5 and "in 1 step(s)" in section.text[-1]
    assert section.widgets[0].config["eta_limit"] == 2 / h2


def test_train_section_shows_the_hessians_eigenvalues_and_2_over_lambda_max(tmp_path):
    """The table's eigenvalues at Θ₀ are NumPy's (eigvalsh of central differences of the gradient), the limit is
    2/λ_max, the live trainer's mark is the same number, and the paragraph's one-step losses are NumPy's."""
    import numpy as np

    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.learn.data import make
    from symnet.numeric.codegen import params_vector, value_and_grad
    from symnet.numeric.hessian import gradient_differences
    from symnet.tour.figures import train_section
    from symnet.tour.records import STUDENT, TourContext

    network, data = seed_network(), make("seed", n=200, noise=0.05, seed=0)
    compiled, theta0 = value_and_grad(squared_error(network)), params_vector(network.params, STUDENT)
    H = gradient_differences(lambda th: compiled(th, data.X, data.y)[1], theta0)
    lam = np.linalg.eigvalsh((H + H.T) / 2)
    section = train_section(TourContext(tmp_path, "en"))
    table = next(tb for tb in section.tables if tb.header[0] == "k")
    shown = np.array([float(row[1]) for row in table.rows[:-1]])
    assert len(shown) == len(network.params)
    assert np.allclose(shown, lam, rtol=1e-3, atol=1e-7)                 # to the four digits shown
    assert table.rows[-1][:2] == ("2/λₘₐₓ", f"{2 / lam[-1]:.4g}")
    limit = section.widgets[0].config["sets"][0]["eta_limit"]
    assert abs(limit - 2 / lam[-1]) <= 1e-6 * limit
    eta = 2 * limit
    after = compiled.value(theta0 - eta * compiled(theta0, data.X, data.y)[1], data.X, data.y)
    before = compiled.value(theta0, data.X, data.y)
    assert after > before and f"from {before:.4f} to {after:.4f}" in section.text[-1]
    assert f"{int(np.sum(lam < 0))} of the 11 eigenvalues are negative" in section.text[-1]


@pytest.mark.parametrize("which", ["tour_en", "tour_zh_without_tex"])
def test_the_convolution_and_attention_section_follows_the_layers_section(which, request):
    """Issue 19: the same sweep through a convolution and an attention head, in both languages, with its figures."""
    from symnet import attention, convnet, grad, show
    from symnet.render.i18n import t
    from symnet.tour import models

    out, _ = request.getfixturevalue(which)
    lang = "en" if which == "tour_en" else "zh"
    md = (out / "index.md").read_text(encoding="utf-8")
    assert md.index(f"## {t('layers_title', lang)}\n") < md.index(f"## {t('models_title', lang)}\n")
    section = md[md.index(f"## {t('models_title', lang)}\n"):]
    assert show(grad(convnet(models.SWEEP_SPEC)), "unicode") in section
    assert show(grad(attention(*models.ATTENTION[:3], classes=models.ATTENTION[3])), "unicode") in section
    assert t("models_p2", lang) in section and "∂C/∂X = δ ∗full rot180(K)" in section
    for name in ("conv_filters.png", "conv_feature_maps.png", "conv_misclassified.png", "attention_weights.png"):
        assert f"]({name})" in section and (out / name).read_bytes()[:8] == PNG_MAGIC
