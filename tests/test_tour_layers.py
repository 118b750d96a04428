"""The tour's section "From 11 parameters to 10,000": the seed network's scalar sweep beside BP1–BP4, and the
digits classifier trained in the run (its numbers, figures and model file), in English and Chinese.

The section runs once per language (module-scoped fixture); the whole tour (``tests/test_tour.py``)
runs it again, before its last section (``tests/test_tour_models.py``).
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest
from sympy import Symbol

matplotlib.use("Agg")

import symnet  # noqa: E402
from symnet.core.backprop import grad  # noqa: E402
from symnet.core.layers import layers  # noqa: E402
from symnet.core.losses import squared_error  # noqa: E402
from symnet.core.network import seed_network  # noqa: E402
from symnet.learn.digits import digits  # noqa: E402
from symnet.render.i18n import t  # noqa: E402
from symnet.tour.layers import DIGITS_SPEC, equation_of, layers_section  # noqa: E402
from symnet.tour.localize import CJK, translate  # noqa: E402
from symnet.tour.records import TourContext  # noqa: E402
from symnet.tour.render import render_html, render_markdown  # noqa: E402
from symnet.tour.sections import SECTIONS  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = ("digits_curves.png", "digits_confusion.png", "digits_misclassified.png")


@pytest.fixture(scope="module", params=["en", "zh"])
def section(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"layers_{request.param}")
    return request.param, out, layers_section(TourContext(out, request.param))


def test_the_section_comes_before_the_convolution_and_attention_one(section):
    assert SECTIONS[-2][0] == "layers" and SECTIONS[-2][1] is layers_section and SECTIONS[-1][0] == "models"
    lang, _, sec = section
    assert sec.key == "layers" and sec.title == t("layers_title", lang) and len(sec.text) == 3
    assert all(t(f"section_{key}", lang) for key, _ in SECTIONS)      # the progress line of `symnet tour`
    if lang == "zh":
        assert all(CJK.search(p) for p in sec.text + (sec.title,))


def test_every_scalar_adjoint_stands_beside_its_bp_equation(section):
    _, _, sec = section
    beside = sec.formulas[0]
    gradient = grad(squared_error(seed_network()))
    assert len(re.findall(r"^δ", beside.text, re.M)) == len(gradient.adjoints)     # each scalar adjoint once
    assert len(re.findall(r"^∂L/∂b", beside.text, re.M)) == 5                       # BP3: ∂L/∂bᵢ = δzᵢ
    for tag in ("BP1", "BP2", "BP3", "BP4"):
        assert rf"\text{{{tag}}}" in beside.latex
    # the matrix side is the gradient symnet derives for the trained network, with its shapes
    assert r"\odot \operatorname{relu}'\left(z^{1}\right) && 144 \times 1" in beside.latex
    assert r"\delta^{1} x^{\mathsf T} && 144 \times 64" in beside.latex
    assert "δ² = softmax(z²) − y   (10×1)" in beside.text


def test_nielsens_equations_head_each_row_and_softmax_replaces_bp1(section):
    lang, _, sec = section
    beside = sec.formulas[0]
    assert r"\delta^{L} = \nabla_a C \odot \sigma'(z^{L})" in beside.latex               # BP1 as Nielsen writes it
    assert r"\frac{\partial C}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\mathsf T}" in beside.latex
    assert t("layers_general_head", lang).split("\n")[0] in beside.latex and "\\begin{array}{lll}" in beside.latex
    assert t("layers_replaces_bp1", lang) in beside.latex and t("layers_replaces_bp1", lang) in beside.text
    assert beside.text.startswith("BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)\n")
    jacobian = sec.formulas[1]
    assert r"a^{L}_j \left(\delta_{jk} - a^{L}_k\right)" in jacobian.latex
    assert jacobian.latex.endswith(r"J^{\mathsf T} \nabla_a C = -y + a^{L} \sum_j y_j = a^{L} - y \end{aligned}")
    assert "∂aᴸⱼ/∂zᴸₖ = aᴸⱼ(δⱼₖ − aᴸₖ)" in jacobian.text and jacobian.text.endswith("= aᴸ − y")


def test_the_page_no_longer_says_entry_of_or_becomes(section):
    lang, _, sec = section
    prose = " ".join(sec.text + tuple(f.caption for f in sec.formulas))
    wrong = ("one entry of", "becomes softmax", "which over a batch is the sum") if lang == "en" else (
        "它所属的矩阵方程", "化为 softmax", "就是求和")
    assert not [w for w in wrong if w in prose]
    assert "δᴸ = aᴸ − y" in sec.text[1] and "∇ₐC ⊙ σ′(zᴸ)" in sec.text[1]


def test_softmax_jacobian_line_holds_numerically_and_the_diagonal_rule_does_not():
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=5), np.eye(5)[2]
    a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    J = np.diag(a) - np.outer(a, a)                                       # ∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ)
    h = 1e-6
    numeric = np.array([(np.exp(z + h * e) / np.exp(z + h * e).sum() - np.exp(z - h * e) / np.exp(z - h * e).sum())
                        / (2 * h) for e in np.eye(5)]).T
    np.testing.assert_allclose(J, numeric, atol=1e-8)
    grad_a = -y / a                                                       # ∇ₐC for C = −Σ yⱼ log aⱼ
    np.testing.assert_allclose(J.T @ grad_a, a - y, atol=1e-12)           # δᴸ = Jᵀ∇ₐC = aᴸ − y
    assert not np.allclose(grad_a * np.diag(J), a - y)                   # ∇ₐC ⊙ (diagonal) is not it


def test_one_statement_of_the_batch_mean_and_the_code_returns_sums(section):
    lang, _, sec = section
    batch = sec.formulas[2]
    assert batch.text.startswith("C̄ = (1/N) Σₓ Cₓ,") and "∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ" in batch.text
    assert r"\bar C = \frac{1}{N}\sum_x C_x" in batch.latex
    assert "Σₓ" in sec.formulas[-1].caption and "N" in sec.formulas[-1].caption
    from symnet.numeric.codegen import value_and_grad       # what the caption says the code does
    compiled = value_and_grad(layers(*DIGITS_SPEC), backend="numpy")
    rng = np.random.default_rng(1)
    theta, X, labels = rng.normal(size=compiled.network.n_params) * 0.1, rng.normal(size=(7, 64)), np.arange(7)
    total, *sums = compiled.function(X, compiled.targets(labels, 7), *compiled.unflatten(theta))
    mean, flat = compiled.evaluate_batch(X, labels, theta)
    assert np.isclose(mean, total / 7) and np.allclose(flat, np.concatenate([g.ravel() for g in sums]) / 7)


def test_the_training_paragraph_names_the_optimiser_and_its_settings(section):
    from symnet.learn.training import LAYER_DEFAULTS as DEFAULTS

    lang, _, sec = section
    text = sec.text[2]
    assert "Adam" in text and f"η = {DEFAULTS['learning_rate']:g}" in text and "η·(1 − e/E)" in text
    assert f"λ = {DEFAULTS['weight_decay']:g}" in text and re.search(rf"\b{DEFAULTS['batch_size']}\b", text)
    assert "∂C̄/∂θ + λW" in text


def test_equations_are_assigned_by_the_role_of_each_symbol():
    assert [equation_of(Symbol(n), "5") for n in ("h5", "z5", "z3", "u3_1", "b2", "w5_2")] == \
        ["BP1", "BP1", "BP2", "BP2", "BP3", "BP4"]


def test_the_numbers_come_from_the_run_and_the_saved_model_reproduces_them(section):
    lang, out, sec = section
    net = layers(*DIGITS_SPEC)
    row = dict(zip(sec.tables[0].header, sec.tables[0].rows[0]))
    assert row[t("h_params", lang)] == f"{net.n_params:,}" == "10,810"
    model = symnet.load(out / "digits_model.json")                       # reads raw pixels, standardises
    split = digits()
    raw = split.test_images.reshape(len(split.test_images), 64)
    accuracy = f"{100 * np.mean(model.classify(raw) == split.test.y):.1f}"
    assert row[t("layers_h_test", lang)] == accuracy + "%"
    assert f"{accuracy}%" in sec.text[2] and float(accuracy) >= 95.0
    assert "10,810" in sec.text[2] and "1437" in sec.text[2] and "360" in sec.text[2]


def test_the_figures_and_the_model_are_written(section):
    _, out, sec = section
    images = [a.path for a in sec.files if a.is_image]
    assert tuple(images) == FIGURES
    for name in FIGURES:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
    assert "digits_model.json" in [a.path for a in sec.files]


def test_the_generated_code_uses_matrix_products(section):
    _, _, sec = section
    code = sec.formulas[-1].text
    assert "def value_and_grad(" in code and "@ W1.T" in code and "delta_z2.T @ a1" in code


def test_the_section_renders_typeset_and_in_markdown(section):
    lang, _, sec = section
    html, md = render_html((sec,), lang), render_markdown((sec,), lang)
    assert html.count('class="math" data-tex=') >= 1 and "\\begin{array}{lll}" in html
    for name in FIGURES:
        assert f'<img src="{name}"' in html and f"]({name})" in md
    assert sec.title in md


@pytest.mark.parametrize("english, chinese", [
    ("confusion matrix, test set: 98.1% correct", "混淆矩阵（测试集）：正确率 98.1%"),
    ("7 misclassified (true → predicted)", "分错 7 张（真实 → 预测）"),
    ("accuracy (%)", "正确率（%）"),
    ("mean loss C̄", "平均损失 C̄"),
])
def test_figure_texts_translate(english, chinese):
    assert translate(english, "zh") == chinese and translate(english, "en") == english


def test_the_chinese_figures_have_no_english_words_left():
    from matplotlib.text import Text

    from symnet.learn.result import History
    from symnet.plot.classifier import plot_confusion, plot_curves, plot_misclassified
    from symnet.tour.localize import localize

    history = History((0, 1), (1.0, 0.5), (1.1, 0.6), 0.1, (0.2, 0.9), (0.2, 0.8))
    images = np.zeros((3, 8, 8))
    figures = (plot_curves(history), plot_confusion(np.array([[3, 1], [0, 2]])).figure,
               plot_misclassified(images, [1, 2, 3], [1, 0, 3]))
    for fig in figures:
        localize(fig, "zh")
        words = {w for a in fig.findobj(Text) for w in re.findall(r"[A-Za-z]{2,}", a.get_text())}
        assert not words, words
